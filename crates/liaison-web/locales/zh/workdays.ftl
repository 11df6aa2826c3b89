# 工作日历：法定节假日与调休上班日。

nav-working-days = 工作日

workdays-days-title = 日历条目
workdays-new-day = 新建日历条目
workdays-edit-day = 编辑日历条目
workdays-add-year = 添加年份
workdays-year-held-title = 日历中已有该年份

workdays-field-date = 日期
workdays-field-weekday = 星期
workdays-field-kind = 类型
workdays-field-holiday = 节日
workdays-field-name-zh = 节日（中文）
workdays-field-name-en = 节日（英文）
workdays-field-source = 来源
workdays-field-year = 年份
workdays-field-lines = 全年放假调休日
workdays-field-days = 工作日数
workdays-field-after = 起算日期

workdays-hint-name_zh = 按国务院办公厅通知的写法，如“国庆节”。
workdays-hint-name_en = 七个法定节日留空时自动填写。
workdays-hint-year = 不填日期则从 Liaison 自带的日历载入该年。
workdays-hint-lines = 按国务院办公厅通知每行一天：2028-01-01 休 元旦；周末调休上班写作 2028-02-05 班 春节。下一年通知中列出的十二月下旬日期，归入其所在年份。

workdays-kind-off = 放假
workdays-kind-working = 调休上班
workdays-source-dataset = 自带日历（holiday-cn）
workdays-source-edited = 管理员录入
workdays-weekend = 周末

workdays-weekday-0 = 星期一
workdays-weekday-1 = 星期二
workdays-weekday-2 = 星期三
workdays-weekday-3 = 星期四
workdays-weekday-4 = 星期五
workdays-weekday-5 = 星期六
workdays-weekday-6 = 星期日
workdays-weekday-short-0 = 一
workdays-weekday-short-1 = 二
workdays-weekday-short-2 = 三
workdays-weekday-short-3 = 四
workdays-weekday-short-4 = 五
workdays-weekday-short-5 = 六
workdays-weekday-short-6 = 日

workdays-year-title = 全年一览
workdays-year-heading = { $year }年工作日
workdays-year-nav = 其他年份
workdays-days-of-year = 本年日历条目
workdays-year-total = 全年共 { $count } 个工作日。
workdays-month-total = { $count } 个工作日
workdays-year-missing = 工作日历中没有 { $year } 年的条目；管理员可添加该年份。
workdays-ask = 计算
workdays-answer = { $from }之后第 { $days } 个工作日是{ $date }（{ $weekday }）。
workdays-answer-unread = 请填写工作日数（0 或以上）和日期。

problem-year-not-in-calendar = 日历中没有该年份
problem-negative = 不能为负数
problem-other-year = 不属于该年份
problem-both-given = 重复提供
problem-before-from = 早于起始日期
