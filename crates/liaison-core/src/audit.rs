//! The audit log: who changed what and when, with the fields before and after.

use crate::kind::{Kind, RecordKind, Rights, Scope};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub user_id: Option<i64>,
    pub username: String,
    pub address: Option<String>,
    /// `create`, `update`, `delete`, `login`, `login_failed` or `logout`.
    pub action: String,
    /// The kind of record, such as `activity`, or `session` for logins.
    pub entity: String,
    pub record_id: Option<i64>,
    /// For each changed field: `{"before": …, "after": …}`.
    pub changes: serde_json::Value,
}

/// Filters of the audit log.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    pub username: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub record_id: Option<i64>,
    /// Entries on or after this day.
    #[serde(default, deserialize_with = "crate::limits::optional_date")]
    pub from: Option<NaiveDate>,
    /// Entries on or before this day.
    #[serde(default, deserialize_with = "crate::limits::optional_date")]
    pub to: Option<NaiveDate>,
}

pub const AUDIT_SORTS: &[&str] = &["at"];

/// The audit log as a kind of record: only admins read it, and nobody changes it.
const KIND: Kind = Kind {
    name: "audit_log",
    table: "audit_log",
    path: "audit",
    categories: None,
    pages: false,
    files: false,
    rights: Rights {
        admin_only: true,
        officers: false,
        liaison_creates: Scope::None,
        liaison_changes: Scope::None,
    },
    search: None,
    timeline: None,
    naming: &[],
    import: None,
    lifecycle: None,
    sorts: AUDIT_SORTS,
    newest_first: true,
};

/// The audit log, as the permission rules name it.
pub const AUDIT_LOG: RecordKind = RecordKind::of(&KIND);

/// The fields that differ between two versions of a record, as `{"field": {"before", "after"}}`.
/// Bookkeeping fields (version, timestamps) are left out; they change every time.
pub fn changes(
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> serde_json::Value {
    const BOOKKEEPING: [&str; 3] = ["version", "created_at", "updated_at"];
    let empty = serde_json::Map::new();
    let fields =
        |v: Option<&serde_json::Value>| v.and_then(|v| v.as_object()).unwrap_or(&empty).clone();
    let (before, after) = (fields(before), fields(after));
    let mut names: Vec<&String> = before.keys().chain(after.keys()).collect();
    names.sort();
    names.dedup();
    let mut out = serde_json::Map::new();
    for name in names {
        if BOOKKEEPING.contains(&name.as_str()) {
            continue;
        }
        let (b, a) = (before.get(name), after.get(name));
        if b == a {
            continue;
        }
        let mut change = serde_json::Map::new();
        if let Some(b) = b.filter(|v| !v.is_null()) {
            change.insert("before".into(), b.clone());
        }
        if let Some(a) = a.filter(|v| !v.is_null()) {
            change.insert("after".into(), a.clone());
        }
        if !change.is_empty() {
            out.insert(name.clone(), change.into());
        }
    }
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_the_fields_that_changed_are_kept_with_before_and_after() {
        let before =
            json!({"id": 1, "version": 1, "name_en": "Old", "founded_year": 1956, "website": null});
        let after = json!({"id": 1, "version": 2, "name_en": "New", "founded_year": 1956, "website": "https://x.la"});
        assert_eq!(
            changes(Some(&before), Some(&after)),
            json!({"name_en": {"before": "Old", "after": "New"}, "website": {"after": "https://x.la"}})
        );
        assert_eq!(
            changes(None, Some(&json!({"name_en": "A"}))),
            json!({"name_en": {"after": "A"}})
        );
        assert_eq!(
            changes(Some(&json!({"name_en": "A"})), None),
            json!({"name_en": {"before": "A"}})
        );
    }
}
