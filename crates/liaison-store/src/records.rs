//! The one way a record is created, changed or deleted: in a transaction, with the permission
//! checks of the core crate and an audit entry written alongside.

use liaison_core::accounts::{authorize, authorize_role};
use liaison_core::{Action, Actor, Policy};
use serde::Serialize;
use sqlx::AnyConnection;

use crate::resolve::Table;
use crate::{Result, Store, audit, search, sql};

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
        let mark = search::audit_mark(&mut tx).await?;
        let id = write(&mut tx).await?;
        let created = T::fetch(&mut tx, &self.policy, id).await?;
        search::refresh_since(&mut tx, &self.policy, mark).await?;
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
            let mark = search::audit_mark(&mut tx).await?;
            let before = T::fetch(&mut tx, &self.policy, id).await?;
            authorize(actor, Action::Change, kind, before.unit())?;
            write(&mut tx).await?;
            let after = T::fetch(&mut tx, &self.policy, id).await?;
            authorize(actor, Action::Change, kind, after.unit())?;
            audit::updated(&mut tx, actor, kind, id, &before, &after).await?;
            search::refresh_since(&mut tx, &self.policy, mark).await?;
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
        let mark = search::audit_mark(&mut tx).await?;
        let before = T::fetch(&mut tx, &self.policy, id).await?;
        authorize(actor, Action::Change, kind, before.unit())?;
        sql::delete_record(&mut tx, actor, T::TABLE, id, &before).await?;
        search::refresh_since(&mut tx, &self.policy, mark).await?;
        tx.commit().await?;
        Ok(())
    }
}
