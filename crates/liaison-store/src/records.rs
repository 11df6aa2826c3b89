//! The one way a record is created, changed or deleted: in a transaction, with the permission
//! checks of the core crate and an audit entry written alongside.

use liaison_core::accounts::{authorize, authorize_role};
use liaison_core::{Action, Actor, Policy};
use liaison_search::Entity;
use serde::Serialize;
use sqlx::AnyConnection;

use crate::resolve::Table;
use crate::search::Blocks;
use crate::sql::RowExt;
use crate::{Result, Store, audit, blocks, search, sql, timeline};

/// A kind of record the store keeps.
pub(crate) trait StoredRecord: Serialize + Sized + Send {
    const TABLE: Table;

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
        authorize_role(actor, Action::Create, T::TABLE.kind())?;
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
        let kind = T::TABLE.kind();
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
        let kind = T::TABLE.kind();
        authorize_role(actor, Action::Change, kind)?;
        let mut tx = self.begin_write().await?;
        let mark = audit_mark(&mut tx).await?;
        let before = T::fetch(&mut tx, &self.policy, id).await?;
        authorize(actor, Action::Change, kind, before.unit())?;
        sql::delete_record(&mut tx, actor, T::TABLE, id, &before).await?;
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

/// Takes the PostgreSQL advisory locks of the search index's blocks and of the timelines, in this
/// order, before a transaction writes any derived row. Taken one by one as the rows are reached,
/// two transactions deadlocked: each held the counts of words (`search_terms`) or one lock the
/// other waited for. Taken first, a transaction that writes derived rows waits for the others'
/// to end, and holds nothing while it waits but rows of the records themselves.
pub(crate) async fn lock_derived(conn: &mut AnyConnection) -> Result<()> {
    blocks::lock(conn).await?;
    timeline::lock(conn).await
}

/// Brings what is derived from the records up to date with every record the audit log shows
/// changed since `mark` (the record itself and the ones created with it on the way): their
/// search documents and the organizations' timelines, in the same transaction, so a saved change
/// is seen at once by every process sharing the database.
pub(crate) async fn refresh_since(
    conn: &mut AnyConnection,
    policy: &Policy,
    mark: i64,
) -> Result<()> {
    let rows = sqlx::query(
        "SELECT DISTINCT entity, record_id FROM audit_log \
         WHERE id > $1 AND record_id IS NOT NULL ORDER BY entity, record_id",
    )
    .bind(mark)
    .fetch_all(&mut *conn)
    .await?;
    let mut changed = Vec::new();
    for row in rows {
        if let Some(entity) = Entity::parse(&row.text("entity")?) {
            changed.push((entity, row.int("record_id")?));
        }
    }
    if !changed.is_empty() {
        lock_derived(conn).await?;
    }
    for (entity, id) in changed {
        search::refresh(conn, policy, entity, id, Blocks::Now).await?;
        timeline::refresh(conn, entity, id).await?;
    }
    Ok(())
}
