//! Writing and reading the audit log. Rows are written in the transaction of the change they
//! describe, so a change and its audit entry are saved together or not at all.

use liaison_core::accounts::authorize;
use liaison_core::audit::changes;
use liaison_core::personal;
use liaison_core::{
    AUDIT_LOG, Action, Actor, AuditEntry, AuditFilter, Page, PageRequest, RecordKind,
};
use serde::Serialize;
use sqlx::AnyConnection;

use crate::sql::{self, Filter, ListQuery, Param, RowExt, Selection, Total, date_text};
use crate::{Result, Store};

/// Adds one entry to the audit log.
pub(crate) async fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: &str,
    entity: &str,
    record_id: Option<i64>,
    changes: &serde_json::Value,
) -> Result<()> {
    let changes = &without_personal_values(entity, changes);
    sqlx::query(
        "INSERT INTO audit_log (at, user_id, username, address, action, entity, record_id, changes) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(sql::now())
    .bind(actor.user_id)
    .bind(actor.username.as_str())
    .bind(actor.address.as_deref())
    .bind(action)
    .bind(entity)
    .bind(record_id)
    .bind(changes.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Adds an entry to the audit log for each of `entries`, a record and its changes, as
/// [`record`] adds one, many to a statement: an import's thousands of new records.
pub(crate) async fn record_many(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: &str,
    entity: &str,
    entries: &[(i64, serde_json::Value)],
) -> Result<()> {
    let at = sql::now();
    sql::insert_rows(
        conn,
        "audit_log",
        &[
            "at",
            "user_id",
            "username",
            "address",
            "action",
            "entity",
            "record_id",
            "changes",
        ],
        entries,
        |(id, changes)| {
            vec![
                Param::text(at.as_str()),
                Param::Int(actor.user_id),
                Param::text(actor.username.as_str()),
                Param::Text(actor.address.clone()),
                Param::text(action),
                Param::text(entity),
                Param::int(*id),
                Param::text(without_personal_values(entity, changes).to_string()),
            ]
        },
        "",
    )
    .await?;
    Ok(())
}

/// The changes of an audit entry with each personal field's values replaced by the fact that
/// it changed: the audit log says who changed a phone number, never what it was or became.
fn without_personal_values(entity: &str, changes: &serde_json::Value) -> serde_json::Value {
    let (Some(kind), Some(fields)) = (RecordKind::parse(entity), changes.as_object()) else {
        return changes.clone();
    };
    let mut fields = fields.clone();
    for field in personal::fields_of(kind) {
        if let Some(change) = fields.get_mut(field.field) {
            *change = serde_json::json!({ "changed": true });
        }
    }
    fields.into()
}

fn json<T: Serialize>(record: &T) -> serde_json::Value {
    serde_json::to_value(record).unwrap_or_default()
}

/// Records an update with the fields that changed between `before` and `after`.
pub(crate) async fn updated<T: Serialize>(
    conn: &mut AnyConnection,
    actor: &Actor,
    kind: RecordKind,
    id: i64,
    before: &T,
    after: &T,
) -> Result<()> {
    let diff = changes(Some(&json(before)), Some(&json(after)));
    record(conn, actor, "update", kind.as_str(), Some(id), &diff).await
}

/// Records a deletion with every field the record had.
pub(crate) async fn deleted<T: Serialize>(
    conn: &mut AnyConnection,
    actor: &Actor,
    kind: RecordKind,
    id: i64,
    before: &T,
) -> Result<()> {
    let diff = changes(Some(&json(before)), None);
    record(conn, actor, "delete", kind.as_str(), Some(id), &diff).await
}

impl Store {
    /// The audit log, newest first; only admins may read it.
    pub async fn list_audit(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> Result<Page<AuditEntry>> {
        authorize(actor, Action::Read, AUDIT_LOG, None)?;
        let mut f = Filter::default();
        for (column, value) in [
            ("username", &filter.username),
            ("action", &filter.action),
            ("entity", &filter.entity),
        ] {
            if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                let p = f.param(Param::text(v));
                f.and(format!("l.{column} = {p}"));
            }
        }
        if let Some(id) = filter.record_id {
            let p = f.param(Param::int(id));
            f.and(format!("l.record_id = {p}"));
        }
        if let Some(from) = filter.from {
            let p = f.param(Param::text(date_text(from)));
            f.and(format!("l.at >= {p}"));
        }
        if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
            let p = f.param(Param::text(date_text(to)));
            f.and(format!("l.at < {p}"));
        }
        let list = ListQuery {
            columns: Selection::of(
                "l",
                &[
                    "id",
                    "at",
                    "user_id",
                    "username",
                    "address",
                    "action",
                    "entity",
                    "record_id",
                    "changes",
                ],
            ),
            page_columns: Selection::default(),
            from: "audit_log l",
            total: Total::Counted {
                from: "audit_log l",
                count: "COUNT(*)",
            },
            filter: f,
            order: &["l.at", "l.id"],
        };
        self.list_page(list, page, |row| {
            Ok(AuditEntry {
                id: row.int("id")?,
                at: row.timestamp("at")?,
                user_id: row.opt_int("user_id")?,
                username: row.text("username")?,
                address: row.opt_text("address")?,
                action: row.text("action")?,
                entity: row.text("entity")?,
                record_id: row.opt_int("record_id")?,
                changes: row.json("changes")?,
            })
        })
        .await
    }
}
