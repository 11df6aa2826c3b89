# sheets

## 列表导出为电子表格

export-xlsx = 下载 Excel（.xlsx）
export-csv = 下载 CSV（.csv）
export-number = 编号
export-value-yuan = 估价（元）
export-yes = 是
export-no = 否
export-refused-title = 未导出
export-too-many = 此列表共 { $total } 行，一次最多导出 { $limit } 行。请先缩小筛选范围（年份、类型、国家等）再导出。
