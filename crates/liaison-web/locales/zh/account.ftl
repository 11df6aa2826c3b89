# 用户自己的账户：密码和 API 令牌。

nav-account = 账户
account-title = 我的账户

password-title = 修改密码
password-forced = 您登录所用的密码仅限本次登录使用。请现在设置自己的密码后继续。
password-current = 当前密码
password-new = 新密码
password-repeat = 再次输入新密码
password-save = 保存新密码
password-current-wrong = 当前密码不正确。
password-mismatch = 两次输入的新密码不一致。
password-problem-too-short = 密码至少 10 个字符。
password-problem-is-username = 密码不能与用户名相同。

token-title = API 令牌
token-intro = 脚本或其他程序通过令牌使用 API，权限与您相同。令牌在您选择的天数内有效，可随时吊销；重置密码或停用账户会使所有令牌失效。
token-new-title = 新令牌
token-new-once = 请立即将此令牌复制到脚本中：为安全起见，它只显示这一次。请以请求头 Authorization: Bearer TOKEN 发送。
token-value = API 令牌
token-name = 名称
token-name-hint = 便于日后辨认，例如“每晚导出”。
token-days = 有效期
token-days-option = { $days } 天
token-create = 生成令牌
token-yours = 我的令牌
token-none = 您还没有 API 令牌。
token-created = 生成日期
token-expires = 到期日期
token-last-used = 最近使用
token-state = 状态
token-state-active = 有效
token-state-expired = 已过期
token-state-revoked = 已吊销
token-revoke = 吊销
token-never = 从未
token-problem-name = 请为令牌命名，最多 100 个字符。
token-problem-days = 令牌有效期为 1 至 366 天。
