# Files kept with records: the section of a record's page and its refusals.
files-title = Files
files-none = No files yet.
files-meta = { $size } KB · { $by } · { $date }
files-caption = Caption
files-save-caption = Save caption
files-delete = Delete file
files-choose = Files
files-strip-location = Remove the place a photo was taken (EXIF location)
files-hint = Photos (JPEG, PNG, GIF, WebP), PDF and office documents, up to { $megabytes } MB each; several at once.
files-upload = Upload
files-back = Back to the record
files-refused-title = Files not kept
files-refused-too_large = A file is larger than a file may be.
files-refused-not_allowed = Only photos, PDF and office documents are kept; a file's type is read from its content, not its name.
files-refused-bad_image = An image could not be read: it is damaged, or larger than an image may be.
files-refused-required = Choose at least one file.
# A record past its share of the files' limit, as a form's problem.
problem-record-full = The record holds as many files as it may
files-refused-record_full = The files of this record would be larger together than a record may hold.
files-refused-record_gone = The record was deleted while its files were being uploaded; the files were not kept.
files-refused-record_gone-kept = The { $count } files that arrived before it was deleted were deleted with it.
files-back-to-list = Back to the list
delete-files = Its { $count } files are deleted with it.
problem-not-a-photo = Not a photo of this activity
problem-unreadable = The upload could not be read
