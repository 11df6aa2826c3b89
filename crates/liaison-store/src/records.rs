//! The one way a record is created, changed or deleted: in a transaction, with the permission
//! checks of the core crate and an audit entry written alongside.

use liaison_core::{ACTIVITY, AGREEMENT, GIFT, ORGANIZATION, PERSON, RecordKind};
use std::collections::BTreeSet;

use liaison_core::accounts::{authorize, authorize_role};
use liaison_core::{Action, Actor, Policy};
use serde::Serialize;
use sqlx::AnyConnection;

use crate::search::Blocks;
use crate::sql::RowExt;
use crate::{Backend, Result, Store, audit, search, sql, timeline};

/// A kind of record the store keeps.
pub(crate) trait StoredRecord: Serialize + Sized + Send {
    const KIND: RecordKind;

    /// Reads the whole record through `conn`, which may be inside a transaction.
    async fn fetch(conn: &mut AnyConnection, policy: &Policy, id: i64) -> Result<Self>;

    /// The unit the record belongs to, for the permission rules.
    fn unit(&self) -> Option<i64>;
}

impl Store {
    /// Reads one record.
    pub(crate) async fn get<T: StoredRecord>(&self, id: i64) -> Result<T> {
        let mut conn = self.read.acquire().await?;
        T::fetch(&mut conn, &self.policy, id).await
    }

    /// Creates a record: `write` inserts it (through [`sql::insert_record`], which checks the
    /// permission and writes the audit entry) and returns its id; the record is read back in
    /// the same transaction.
    pub(crate) async fn create_with<T: StoredRecord>(
        &self,
        actor: &Actor,
        write: impl AsyncFnOnce(&mut AnyConnection) -> Result<i64>,
    ) -> Result<T> {
        authorize_role(actor, Action::Create, T::KIND)?;
        let mut tx = self.begin_write().await?;
        let mark = audit_mark(&mut tx).await?;
        let id = write(&mut tx).await?;
        let created = T::fetch(&mut tx, &self.policy, id).await?;
        refresh_since(&mut tx, &self.policy, mark).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Changes a record: the actor must be allowed to change it as it was and as it becomes, and
    /// the audit entry holds the fields that changed. A conflict carries the current record.
    pub(crate) async fn update_with<T: StoredRecord>(
        &self,
        actor: &Actor,
        id: i64,
        write: impl AsyncFnOnce(&mut AnyConnection) -> Result<()>,
    ) -> Result<T> {
        let kind = T::KIND;
        authorize_role(actor, Action::Change, kind)?;
        let result = async {
            let mut tx = self.begin_write().await?;
            let mark = audit_mark(&mut tx).await?;
            let before = T::fetch(&mut tx, &self.policy, id).await?;
            authorize(actor, Action::Change, kind, before.unit())?;
            write(&mut tx).await?;
            let after = T::fetch(&mut tx, &self.policy, id).await?;
            authorize(actor, Action::Change, kind, after.unit())?;
            audit::updated(&mut tx, actor, kind, id, &before, &after).await?;
            refresh_since(&mut tx, &self.policy, mark).await?;
            tx.commit().await?;
            Ok(after)
        }
        .await;
        sql::with_current(result, self.get::<T>(id)).await
    }

    /// Deletes a record the actor may change, refusing while other records refer to it.
    pub(crate) async fn delete_with<T: StoredRecord>(&self, actor: &Actor, id: i64) -> Result<()> {
        let kind = T::KIND;
        authorize_role(actor, Action::Change, kind)?;
        let mut tx = self.begin_write().await?;
        let mark = audit_mark(&mut tx).await?;
        let before = T::fetch(&mut tx, &self.policy, id).await?;
        authorize(actor, Action::Change, kind, before.unit())?;
        sql::delete_record(&mut tx, actor, T::KIND, id, &before).await?;
        refresh_since(&mut tx, &self.policy, mark).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The newest audit entry; what a transaction changes is audited after it.
pub(crate) async fn audit_mark(conn: &mut AnyConnection) -> Result<i64> {
    let mark: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM audit_log")
        .fetch_one(&mut *conn)
        .await?;
    Ok(mark.unwrap_or(0))
}

/// Brings what is derived from the records up to date with every record the audit log shows this
/// transaction changed since `mark` (the record itself and the ones created with it on the way),
/// and with every record whose documents show what a changed record is called: their search
/// documents and the organizations' timelines, in the same transaction, so a saved change is
/// seen at once by every process sharing the database. It runs last, before the commit, and
/// takes its locks in the order of [`crate::locks`].
pub(crate) async fn refresh_since(
    conn: &mut AnyConnection,
    policy: &Policy,
    mark: i64,
) -> Result<()> {
    let sql = format!(
        "SELECT entity, record_id, action, changes FROM audit_log \
         WHERE id > $1 AND record_id IS NOT NULL{} ORDER BY id",
        Backend::of(conn).own_audit_entries_sql()
    );
    let rows = sqlx::query(&sql).bind(mark).fetch_all(&mut *conn).await?;
    let mut changed = BTreeSet::new();
    for row in rows {
        let entity = row.text("entity")?;
        let id = row.int("record_id")?;
        changed.extend(RecordKind::parse(&entity).map(|e| (e, id)));
        if row.text("action")? == "update" && renamed(&row.text("changes")?) {
            changed.extend(naming(conn, &entity, id).await?);
        }
    }
    let changed: Vec<(RecordKind, i64)> = changed.into_iter().collect();
    let shared = search::refresh(conn, policy, &changed, Blocks::Now).await?;
    timeline::refresh(conn, &changed).await?;
    shared.write(conn).await
}

/// Whether an update's audited changes touch what other records' documents show of it: a name,
/// a title, or an organization's country (which files its activities under that country).
fn renamed(changes: &str) -> bool {
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_str(changes) else {
        return true;
    };
    fields.keys().any(|field| {
        field.starts_with("name")
            || field.starts_with("title")
            || field == "abbreviation"
            || field == "country"
    })
}

/// The records whose search documents name the record `id` of `entity` (an audit log entity).
async fn naming(conn: &mut AnyConnection, entity: &str, id: i64) -> Result<Vec<(RecordKind, i64)>> {
    let sources: &[(RecordKind, &str)] = match entity {
        "organization" => &[
            (
                ACTIVITY,
                "SELECT id FROM activities WHERE inviting_organization_id = $1 \
                 UNION SELECT activity_id FROM activity_partners WHERE organization_id = $1",
            ),
            (
                ORGANIZATION,
                "SELECT organization_id FROM organization_affiliations \
                 WHERE related_organization_id = $1",
            ),
            (PERSON, "SELECT id FROM people WHERE organization_id = $1"),
            (
                AGREEMENT,
                "SELECT agreement_id FROM agreement_partners WHERE organization_id = $1",
            ),
            (
                GIFT,
                "SELECT id FROM gifts WHERE giver_organization_id = $1 \
                 OR receiver_organization_id = $1",
            ),
        ],
        "person" => &[
            (
                ACTIVITY,
                "SELECT DISTINCT activity_id FROM participations WHERE person_id = $1",
            ),
            (
                AGREEMENT,
                "SELECT DISTINCT agreement_id FROM agreement_signatories WHERE person_id = $1",
            ),
            (
                GIFT,
                "SELECT id FROM gifts WHERE giver_person_id = $1 OR receiver_person_id = $1",
            ),
        ],
        "unit" => &[(PERSON, "SELECT id FROM people WHERE unit_id = $1")],
        "activity" => &[(GIFT, "SELECT id FROM gifts WHERE activity_id = $1")],
        _ => &[],
    };
    let mut naming = Vec::new();
    for (kind, sql) in sources {
        let ids: Vec<i64> = sqlx::query_scalar(sql)
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
        naming.extend(ids.into_iter().map(|id| (*kind, id)));
    }
    Ok(naming)
}
