//! Files kept with records: what is known of each (its name, type, size and caption), the names
//! they are given, and the size limits a university sets.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::RecordKind;

/// Whether records of a kind keep files, as the kind declares: activities, agreements,
/// organizations, and trip applications (an invitation letter, the report's photos).
pub fn keeps_files(kind: RecordKind) -> bool {
    kind.files
}

/// The kind of record whose name in the audit log is `name`, if its records keep files.
pub fn kind_with_files(name: &str) -> Option<RecordKind> {
    RecordKind::parse(name).filter(|k| k.files)
}

/// A file kept with a record; its bytes are in the file store under `content_hash`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StoredFile {
    pub id: i64,
    /// The kind of the record it is kept with, such as `activity`.
    pub record_kind: String,
    pub record_id: i64,
    /// The SHA-256 of its bytes, in hexadecimal.
    pub content_hash: String,
    /// Its name, cleaned, ending in the extension of its type.
    pub name: String,
    /// Its type as read from its content, such as `image/jpeg`.
    pub media_type: String,
    /// Its size in bytes.
    pub size: i64,
    pub caption: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl StoredFile {
    /// Whether it is a picture, shown in pages and documents.
    pub fn is_image(&self) -> bool {
        self.media_type.starts_with("image/")
    }
}

/// A file about to be kept with a record: its bytes are already in the store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFile {
    pub content_hash: String,
    pub name: FileName,
    pub media_type: String,
    pub size: i64,
    pub caption: String,
}

/// The change of a file's caption.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileCaption {
    pub caption: String,
}

/// The longest caption kept, in characters.
pub const MAX_CAPTION_CHARS: usize = 500;

/// The longest name kept, in characters.
const MAX_NAME_CHARS: usize = 120;

/// A file's name as kept and offered for download: the last part of what the browser sent,
/// without control characters, path separators or the characters Windows refuses in a name,
/// not hidden (no leading dot), and ending in the extension of the type its content has, so
/// a JPEG named `invitation.exe` is kept as `invitation.exe.jpg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName(String);

impl FileName {
    pub fn clean(sent: &str, extension: &str) -> FileName {
        let last = sent.rsplit(['/', '\\']).next().unwrap_or_default();
        let kept: String = last
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*'))
            .collect();
        let mut name = kept.trim().trim_start_matches('.').trim().to_owned();
        let stem_limit = MAX_NAME_CHARS - extension.chars().count() - 1;
        if name.chars().count() > stem_limit {
            name = name.chars().take(stem_limit).collect();
        }
        let has_extension = name.rsplit_once('.').is_some_and(|(_, ext)| {
            ext.eq_ignore_ascii_case(extension) || same_type(ext, extension)
        });
        if name.is_empty() {
            name = "file".to_owned();
        }
        if !has_extension {
            name = format!("{name}.{extension}");
        }
        FileName(name)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// Other spellings of an extension.
fn same_type(written: &str, extension: &str) -> bool {
    extension == "jpg" && written.eq_ignore_ascii_case("jpeg")
}

/// How large files may be, set in `[files]` of `liaison.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileLimits {
    /// The largest file kept, in bytes.
    pub per_file: u64,
    /// The most all the files of one record may hold together, in bytes.
    pub per_record: u64,
}

impl Default for FileLimits {
    /// 20 MB a file is more than a phone's photo or a scanned letter; 200 MB a record holds a
    /// visit's photos.
    fn default() -> Self {
        FileLimits {
            per_file: 20 * 1024 * 1024,
            per_record: 200 * 1024 * 1024,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_keeps_only_its_last_part_and_the_type_of_its_content() {
        assert_eq!(
            FileName::clean("C:\\photos\\visit 1.JPG", "jpg").as_str(),
            "visit 1.JPG"
        );
        assert_eq!(
            FileName::clean("../../etc/passwd", "pdf").as_str(),
            "passwd.pdf"
        );
        assert_eq!(
            FileName::clean("invitation.exe", "jpg").as_str(),
            "invitation.exe.jpg"
        );
        assert_eq!(FileName::clean("photo.jpeg", "jpg").as_str(), "photo.jpeg");
        assert_eq!(FileName::clean(".htaccess", "pdf").as_str(), "htaccess.pdf");
        assert_eq!(
            FileName::clean("a\u{0}b<c>\r\n.pdf", "pdf").as_str(),
            "abc.pdf"
        );
        assert_eq!(FileName::clean("  ", "png").as_str(), "file.png");
        assert_eq!(
            FileName::clean("邀请函.docx", "docx").as_str(),
            "邀请函.docx"
        );
        let long = "长".repeat(300);
        assert_eq!(
            FileName::clean(&long, "pdf").as_str().chars().count(),
            MAX_NAME_CHARS
        );
    }
}
