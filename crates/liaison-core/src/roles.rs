//! The vocabulary of participant roles: a built-in list the office can extend.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::FieldErrors;
use crate::kind::{Kind, RecordKind, Rights, Scope};
use crate::validate::{self, Validate};

/// A role a person can have in an activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// A short code such as `keynote_speaker`: lower-case letters, digits and underscores.
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

/// The roles every installation starts with.
pub const BUILT_IN_ROLES: &[(&str, &str, &str)] = &[
    ("leader", "团长", "Leader"),
    ("deputy_leader", "副团长", "Deputy leader"),
    ("host", "接待领导", "Host"),
    ("chair", "主持人", "Chair"),
    ("keynote_speaker", "主旨发言人", "Keynote speaker"),
    ("speaker", "发言人", "Speaker"),
    ("delegation_member", "代表团成员", "Delegation member"),
    ("interpreter", "翻译", "Interpreter"),
    ("lecturer", "主讲人", "Lecturer"),
    ("attendee", "出席人员", "Attendee"),
    ("accompanying", "陪同人员", "Accompanying"),
];

/// The vocabulary of roles as a kind of record: the office keeps it, everyone reads it.
const KIND: Kind = Kind {
    name: "role",
    table: "roles",
    path: "roles",
    categories: None,
    pages: false,
    files: false,
    rights: Rights {
        admin_only: false,
        officers: true,
        liaison_creates: Scope::None,
        liaison_changes: Scope::None,
    },
    search: None,
    timeline: None,
    naming: &[],
    import: None,
    lifecycle: None,
    sorts: &["code"],
    newest_first: false,
};

/// The roles, as the permission rules name them.
pub const ROLE: RecordKind = RecordKind::of(&KIND);

/// Checks the form of a role code.
pub fn check_code(code: &str) -> Result<(), String> {
    let ok = !code.is_empty()
        && code.len() <= 50
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "'{code}' is not a role code: use lower-case letters, digits and underscores, such as keynote_speaker"
        ))
    }
}

impl Validate for Role {
    fn check(&mut self, errors: &mut FieldErrors) {
        self.code = self.code.trim().to_owned();
        self.name_zh = self.name_zh.trim().to_owned();
        self.name_en = self.name_en.trim().to_owned();
        if let Err(message) = check_code(&self.code) {
            errors.add("code", "invalid", message);
        }
        for (field, value) in [("name_zh", &self.name_zh), ("name_en", &self.name_en)] {
            if value.is_empty() {
                errors.add(field, "required", "is required");
            }
            validate::line(errors, field, &Some(value.clone()));
        }
    }
}
