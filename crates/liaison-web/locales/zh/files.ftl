# 记录所附文件：记录页面的文件栏及拒收原因。
files-title = 文件
files-none = 尚无文件。
files-meta = { $size } KB · { $by } · { $date }
files-caption = 说明
files-save-caption = 保存说明
files-delete = 删除文件
files-choose = 文件
files-strip-location = 去除照片的拍摄地点（EXIF 位置信息）
files-hint = 照片（JPEG、PNG、GIF、WebP）、PDF 及办公文档，每个不超过 { $megabytes } MB；可一次选择多个。
files-upload = 上传
files-back = 返回记录
files-refused-title = 文件未保存
files-refused-too_large = 有文件超过单个文件的大小上限。
files-refused-not_allowed = 仅保存照片、PDF 及办公文档；文件类型按内容判断，而非文件名。
files-refused-bad_image = 有图片无法读取：文件已损坏，或尺寸超过上限。
files-refused-required = 请至少选择一个文件。
# A record past its share of the files' limit, as a form's problem.
problem-record-full = 本记录的文件已达上限
files-refused-record_full = 本记录的文件总大小将超过上限。
files-refused-record_gone = 上传文件时该记录已被删除，文件未保存。
files-refused-record_gone-kept = 删除前已上传的 { $count } 个文件已随记录一并删除。
files-back-to-list = 返回列表
delete-files = 其 { $count } 个文件将一并删除。
problem-not-a-photo = 不是本活动的照片
problem-unreadable = 上传内容无法读取
