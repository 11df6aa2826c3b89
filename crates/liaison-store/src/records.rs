//! The one way a record is created, changed or deleted: in a transaction, with the permission
//! checks of the core crate and an audit entry written alongside.

use std::collections::HashSet;

use liaison_core::accounts::{authorize, authorize_role};
use liaison_core::audit::changes;
use liaison_core::personal;
use liaison_core::{
    Action, Actor, Naming, Page, PageRequest, Policy, Record, RecordKind, References, Refers,
    StoredFile, Validate,
};
use serde::Serialize;
use sqlx::AnyConnection;

use crate::kept::WriteTransaction;
use crate::resolve::StoredRecord;
use crate::search::{InHand, Indexing};
use crate::sql::{Columns, Param, RowExt};
use crate::{Backend, Error, Result, Store, audit, resolve, search, sql, timeline};

/// The operations every kind of record offers, written once: `Store::create`, `update`,
/// `delete`, `get` and `list` are generic over this trait, so the API, the pages and the command
/// line call the same five for every kind. A kind says only what is its own: how a submitted
/// form is written as a new record and over an existing one, and how a page of its list is read.
pub trait Records: StoredRecord + Sync {
    /// The form submitted to create or change a record.
    type Input: Validate + Refers + Send + Sync;
    /// What its list may be narrowed by.
    type Filter: Send + Sync;
    /// One row of its list.
    type Row: Send;

    /// The version a change of the record was started from, as the form names it.
    fn version(input: &Self::Input) -> Option<i64>;

    /// A submitted form, cleaned and checked before anything is written; a kind whose rules
    /// need the stored record checks in [`Records::rewrite`] instead.
    fn checked(input: Self::Input) -> Result<Self::Input> {
        Ok(input.validated()?)
    }

    /// A submitted change, checked before anything is read or written; the same checks as a
    /// new record unless a kind refuses more of a change.
    fn checked_change(input: Self::Input) -> Result<Self::Input> {
        Self::checked(input)
    }

    /// Writes a new record in the caller's transaction and returns its number.
    fn insert(
        conn: &mut AnyConnection,
        actor: &Actor,
        input: &Self::Input,
    ) -> impl Future<Output = Result<i64>> + Send;

    /// Writes a form over the record `id`, read at `version`, in the caller's transaction.
    fn rewrite(
        conn: &mut AnyConnection,
        actor: &Actor,
        id: i64,
        version: i64,
        input: &Self::Input,
    ) -> impl Future<Output = Result<()>> + Send;

    /// A page of its list.
    fn list(
        store: &Store,
        filter: &Self::Filter,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Self::Row>>> + Send;
}

impl Store {
    /// Reads one record.
    pub async fn get<T: StoredRecord>(&self, id: i64) -> Result<T> {
        let mut conn = self.read.acquire().await?;
        T::fetch(&mut conn, &self.policy, id).await
    }

    /// A page of a kind's list.
    pub async fn list<K: Records>(
        &self,
        filter: &K::Filter,
        page: &PageRequest,
    ) -> Result<Page<K::Row>> {
        K::list(self, filter, page).await
    }

    /// Creates a record from a submitted form, refusing at once a role that may never create
    /// records of its kind; the record is read back as saved.
    pub async fn create<K: Records>(&self, actor: &Actor, input: K::Input) -> Result<K> {
        authorize_role(actor, Action::Create, K::KIND)?;
        let input = K::checked(input)?;
        self.create_with(actor, async |conn| {
            resolve::check_references(conn, &References::of(&input)).await?;
            K::insert(conn, actor, &input).await
        })
        .await
    }

    /// Changes a record to a submitted form, which names the version it was started from; a
    /// conflict carries the current record.
    pub async fn update<K: Records>(&self, actor: &Actor, id: i64, input: K::Input) -> Result<K> {
        authorize_role(actor, Action::Change, K::KIND)?;
        let input = K::checked_change(input)?;
        let version = required_version(K::version(&input))?;
        self.update_with(actor, id, async |conn| {
            resolve::check_references(conn, &References::of(&input)).await?;
            K::rewrite(conn, actor, id, version, &input).await
        })
        .await
    }

    /// Deletes a record, refused while other records refer to it.
    pub async fn delete<K: Records>(&self, actor: &Actor, id: i64) -> Result<()> {
        self.delete_with::<K>(actor, id).await.map(drop)
    }

    /// Deletes a record as [`Store::delete`] does, and hands back the files deleted with it, as
    /// the transaction saw them: their bytes are the caller's to remove from the file store once
    /// no other record holds them. Files read before the deletion would miss one uploaded in
    /// between.
    pub async fn delete_returning_files<K: Records>(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Vec<StoredFile>> {
        self.delete_with::<K>(actor, id).await
    }

    /// Creates a record: `write` inserts it (through [`insert_record`], which checks the
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
        self.refresh_and_commit(tx, mark).await?;
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
            self.refresh_and_commit(tx, mark).await?;
            Ok(after)
        }
        .await;
        with_current(result, self.get::<T>(id)).await
    }

    /// Deletes a record the actor may change, refusing while other records refer to it.
    pub(crate) async fn delete_with<T: StoredRecord>(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Vec<StoredFile>> {
        let kind = T::KIND;
        authorize_role(actor, Action::Change, kind)?;
        let mut tx = self.begin_write().await?;
        let mark = audit_mark(&mut tx).await?;
        // An upload to the record waits for the deletion, or the deletion for the upload, so
        // the file is either deleted here or refused as of a record that is gone.
        crate::files::hold_record(&mut tx, kind, id).await?;
        let before = T::fetch(&mut tx, &self.policy, id).await?;
        authorize(actor, Action::Change, kind, before.unit())?;
        // A record's files go with it (the pages ask first, naming how many).
        let files = crate::files::forget_all(&mut tx, actor, kind, id).await?;
        delete_record(&mut tx, actor, T::KIND, id, &before).await?;
        self.refresh_and_commit(tx, mark).await?;
        Ok(files)
    }
}

impl Store {
    /// The records that refer to the record `id` of `kind`, by kind, in the order of numbers:
    /// what keeps it from being deleted, for the page that says so.
    pub async fn referring(&self, kind: RecordKind, id: i64) -> Result<Vec<(RecordKind, i64)>> {
        let mut conn = self.read.acquire().await?;
        let mut found = naming(&mut conn, kind, id, |_| true).await?;
        found.sort_by_key(|(kind, id)| (kind.as_str(), *id));
        found.dedup();
        Ok(found)
    }
}

/// The newest audit entry; what a transaction changes is audited after it.
pub(crate) async fn audit_mark(conn: &mut AnyConnection) -> Result<i64> {
    let mark: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM audit_log")
        .fetch_one(&mut *conn)
        .await?;
    Ok(mark.unwrap_or(0))
}

impl Store {
    /// Brings what is derived from the records up to date with what `tx` changed since `mark`
    /// ([`refresh_since`]), commits it, and has the words it queued for search indexed just
    /// after ([`Store::index_soon`]).
    pub(crate) async fn refresh_and_commit(
        &self,
        mut tx: WriteTransaction,
        mark: i64,
    ) -> Result<()> {
        refresh_since(&mut tx, &self.policy, mark).await?;
        tx.commit().await?;
        self.index_soon();
        Ok(())
    }
}

/// Brings what is derived from the records up to date with every record the audit log shows this
/// transaction changed since `mark` (the record itself and the ones created with it on the way),
/// and with every record whose documents show what a changed record is called: their search
/// documents and the organizations' timelines, in the same transaction, so a saved change is
/// seen at once by every process sharing the database. The documents' words are left queued
/// ([`Indexing::Queued`]), indexed once the transaction commits
/// ([`Store::refresh_and_commit`]) or before search reads. It runs last, before the commit, and
/// takes its locks in the order of [`crate::locks`].
async fn refresh_since(conn: &mut AnyConnection, policy: &Policy, mark: i64) -> Result<()> {
    refresh_since_with(conn, policy, mark, InHand::default()).await
}

/// [`refresh_since`], with the search documents of the records `in_hand` made from them as they
/// were written, not read back: an import's activities, whose words the import's own task
/// indexes ([`Store::index_imported`]).
pub(crate) async fn refresh_since_with(
    conn: &mut AnyConnection,
    policy: &Policy,
    mark: i64,
    in_hand: InHand,
) -> Result<()> {
    // Only an update's changes are read: an import's thousands of new records need none.
    let sql = format!(
        "SELECT entity, record_id, action, \
         CASE WHEN action = 'update' THEN changes END AS changes FROM audit_log \
         WHERE id > $1 AND record_id IS NOT NULL{} ORDER BY id",
        Backend::of(conn).own_audit_entries_sql()
    );
    let rows = sqlx::query(&sql).bind(mark).fetch_all(&mut *conn).await?;
    // In the order the audit log shows them changed, so that their documents are numbered in
    // the order the records were written, however many a transaction writes: equally good
    // search results come newest first by that number.
    let mut changed: Vec<(RecordKind, i64)> = Vec::new();
    let mut seen = HashSet::new();
    for row in rows {
        // Only the kinds search finds or the timelines show have anything derived.
        let Some(kind) = RecordKind::parse(&row.text("entity")?) else {
            continue;
        };
        let id = row.int("record_id")?;
        if (kind.search.is_some() || kind.timeline.is_some()) && seen.insert((kind, id)) {
            changed.push((kind, id));
        }
        if let Some(changes) = row.opt_text("changes")?
            && renamed(&changes)
        {
            for named in naming(conn, kind, id, |column| column.shown).await? {
                if seen.insert(named) {
                    changed.push(named);
                }
            }
        }
    }
    let shared = search::refresh_with(conn, policy, &changed, Indexing::Queued, in_hand).await?;
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

/// The records that name the record `id` of `kind` by a column their kinds declare
/// ([`liaison_core::Naming`]) and `which` keeps: one statement for each kind that names it.
async fn naming(
    conn: &mut AnyConnection,
    kind: RecordKind,
    id: i64,
    which: impl Fn(&Naming) -> bool,
) -> Result<Vec<(RecordKind, i64)>> {
    let mut by_kind: Vec<(RecordKind, Vec<String>)> = Vec::new();
    for (naming_kind, column) in RecordKind::named_by(kind).filter(|(_, c)| which(c)) {
        let select = format!(
            "SELECT {} FROM {} WHERE {} = $1",
            column.record, column.table, column.column
        );
        match by_kind.iter_mut().find(|(k, _)| *k == naming_kind) {
            Some((_, selects)) => selects.push(select),
            None => by_kind.push((naming_kind, vec![select])),
        }
    }
    let mut naming = Vec::new();
    for (naming_kind, selects) in by_kind {
        let ids: Vec<i64> = sqlx::query_scalar(&selects.join(" UNION "))
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
        naming.extend(ids.into_iter().map(|id| (naming_kind, id)));
    }
    Ok(naming)
}

/// Inserts a record row with its key and timestamps, if `actor` may create such a record for
/// `unit`, and writes the audit entry; returns the new id.
pub(crate) async fn insert_record(
    conn: &mut AnyConnection,
    actor: &Actor,
    table: RecordKind,
    unit: Option<i64>,
    key: &Option<String>,
    columns: Columns,
) -> Result<i64> {
    authorize(actor, Action::Create, table, unit)?;
    let clear = columns.clone();
    let columns = sealed(table, columns)?;
    let placeholders: Vec<String> = (0..columns.names.len())
        .map(|i| format!("${}", i + 3))
        .collect();
    let sql = format!(
        "INSERT INTO {} (key, created_at, updated_at, {}) VALUES ($1, $2, $2, {}) RETURNING id",
        table.table,
        columns.names.join(", "),
        placeholders.join(", ")
    );
    let now = sql::now();
    let query = sqlx::query(&sql).bind(key.as_deref()).bind(now.as_str());
    let row = sql::bind_params(query, &columns.values)
        .fetch_one(&mut *conn)
        .await
        .map_err(Error::from_write)?;
    let id = row.int("id")?;
    let created = created_changes(key, &clear);
    audit::record(conn, actor, "create", table.as_str(), Some(id), &created).await?;
    Ok(id)
}

/// The audited changes of a new record: its key and every column written, as given.
fn created_changes(key: &Option<String>, clear: &Columns) -> serde_json::Value {
    let mut fields = serde_json::Map::new();
    if let Some(key) = key {
        fields.insert("key".into(), key.clone().into());
    }
    for (name, value) in clear.names.iter().zip(&clear.values) {
        let value = match value {
            Param::Int(v) => serde_json::to_value(v),
            Param::Text(v) => serde_json::to_value(v),
            Param::Real(v) => serde_json::to_value(v),
            Param::Bytes(v) => serde_json::to_value(v),
        };
        fields.insert((*name).to_owned(), value.unwrap_or_default());
    }
    changes(None, Some(&fields.into()))
}

/// A record to be written by [`insert_records`]: the unit it is recorded under, its key and its
/// columns, the same columns for every record of one call.
pub(crate) struct NewRecord {
    pub(crate) unit: Option<i64>,
    pub(crate) key: Option<String>,
    pub(crate) columns: Columns,
}

/// Inserts records of one kind as [`insert_record`] inserts one (the permission checked for
/// each, its personal fields sealed, the same audit entry), many to a statement; returns their
/// ids in the order of `records`. `now` is their time of creation, as stored.
pub(crate) async fn insert_records(
    conn: &mut AnyConnection,
    actor: &Actor,
    table: RecordKind,
    records: &[NewRecord],
    now: &str,
) -> Result<Vec<i64>> {
    let Some(first) = records.first() else {
        return Ok(Vec::new());
    };
    for record in records {
        authorize(actor, Action::Create, table, record.unit)?;
    }
    let sealed: Vec<Columns> = records
        .iter()
        .map(|r| sealed(table, r.columns.clone()))
        .collect::<Result<_>>()?;
    let mut names = vec!["key", "created_at", "updated_at"];
    names.extend(&first.columns.names);
    let rows: Vec<(&NewRecord, &Columns)> = records.iter().zip(&sealed).collect();
    let returned = sql::insert_rows(
        conn,
        table.table,
        &names,
        &rows,
        |(record, columns)| {
            let mut values = vec![
                Param::Text(record.key.clone()),
                Param::text(now),
                Param::text(now),
            ];
            values.extend(columns.values.iter().cloned());
            values
        },
        "id, key",
    )
    .await?;
    let mut written = returned
        .iter()
        .map(|row| Ok((row.int("id")?, row.opt_text("key")?)))
        .collect::<Result<Vec<(i64, Option<String>)>>>()?;
    // Both databases number the rows of one statement in the order it reads them, so the
    // numbers in order are the records' in order; the keys confirm it.
    written.sort_unstable_by_key(|(id, _)| *id);
    if written.len() != records.len()
        || written
            .iter()
            .zip(records)
            .any(|((_, key), record)| record.key.is_some() && *key != record.key)
    {
        return Err(Error::Corrupt(format!(
            "the new {} records came back in another order than written",
            table.name
        )));
    }
    let entries: Vec<(i64, serde_json::Value)> = written
        .iter()
        .zip(records)
        .map(|((id, _), record)| (*id, created_changes(&record.key, &record.columns)))
        .collect();
    audit::record_many(conn, actor, "create", table.as_str(), &entries).await?;
    Ok(written.into_iter().map(|(id, _)| id).collect())
}

/// Deletes a record row, refusing while other records refer to it, and writes the audit entry
/// with what the record held.
pub(crate) async fn delete_record<T: Serialize>(
    conn: &mut AnyConnection,
    actor: &Actor,
    table: RecordKind,
    id: i64,
    before: &T,
) -> Result<()> {
    sqlx::query(&format!("DELETE FROM {} WHERE id = $1", table.table))
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(|e| Error::from_delete(e, table.as_str()))?;
    if table.lifecycle.is_some() {
        // The history stays, closed by this event: a record that later takes the same number
        // (SQLite reuses the highest one) starts a history of its own.
        sqlx::query(
            "INSERT INTO record_events (entity, record_id, at, user_id, username, transition, \
             from_state, to_state, note) VALUES ($1, $2, $3, $4, $5, $6, NULL, $6, NULL)",
        )
        .bind(table.as_str())
        .bind(id)
        .bind(sql::now())
        .bind(actor.user_id)
        .bind(&actor.username)
        .bind(DELETED)
        .execute(&mut *conn)
        .await?;
    }
    audit::deleted(conn, actor, table, id, before).await
}

/// The columns of a record with the values of its personal fields sealed, the one place they
/// are written, so none reaches the database in clear.
fn sealed(kind: RecordKind, mut columns: Columns) -> Result<Columns> {
    for (name, value) in columns.names.iter().zip(columns.values.iter_mut()) {
        if let (Some(field), Param::Text(Some(text))) = (personal::field(kind, name), &mut *value) {
            *text = crate::personal::seal(field, text)?;
        }
    }
    Ok(columns)
}

/// The event that closes the history of a deleted record; never a transition's name.
pub(crate) const DELETED: &str = "deleted";

/// Updates a record row if it is still at `version`, counting the change; refuses otherwise.
pub(crate) async fn update_record(
    conn: &mut AnyConnection,
    table: RecordKind,
    id: i64,
    version: i64,
    key: &Option<String>,
    columns: Columns,
) -> Result<()> {
    let columns = sealed(table, columns)?;
    let assignments: Vec<String> = columns
        .names
        .iter()
        .enumerate()
        .map(|(i, name)| format!("{name} = ${}", i + 5))
        .collect();
    let sql = format!(
        "UPDATE {} SET key = $3, version = version + 1, updated_at = $4, {} \
         WHERE id = $1 AND version = $2",
        table.table,
        assignments.join(", ")
    );
    let now = sql::now();
    let query = sqlx::query(&sql)
        .bind(id)
        .bind(version)
        .bind(key.as_deref())
        .bind(now.as_str());
    let done = sql::bind_params(query, &columns.values)
        .execute(&mut *conn)
        .await
        .map_err(Error::from_write)?;
    if done.rows_affected() == 0 {
        return Err(refuse_stale(conn, table, id, version).await);
    }
    Ok(())
}

/// Refuses an update that found no row at the expected version: the record is either gone or
/// was saved by someone else since the user opened it.
pub(crate) async fn refuse_stale(
    conn: &mut AnyConnection,
    table: RecordKind,
    id: i64,
    expected: i64,
) -> Error {
    let entity = table.as_str();
    let found = sqlx::query(&format!(
        "SELECT version FROM {} WHERE id = $1",
        table.table
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await;
    match found {
        Ok(None) => liaison_core::Error::not_found(entity, id).into(),
        Ok(Some(row)) => match row.int("version") {
            Ok(now) => liaison_core::Error::Conflict {
                message: format!(
                    "this {entity} was changed by someone else: you edited version {expected}, \
                     it is now at version {now}. Nothing was saved."
                ),
                current: None,
            }
            .into(),
            Err(e) => e,
        },
        Err(e) => e.into(),
    }
}

/// The version an update starts from, required so no change is made blindly.
pub(crate) fn required_version(version: Option<i64>) -> Result<i64> {
    version.ok_or_else(|| {
        liaison_core::Error::invalid(
            "version",
            "required",
            "give the version you started editing from, so a newer change is not overwritten",
        )
        .into()
    })
}

/// Fills in the current record of a conflict met while updating, so the user can compare it
/// with their own version.
pub(crate) async fn with_current<T, F>(result: Result<T>, current: F) -> Result<T>
where
    T: Serialize + Record,
    F: Future<Output = Result<T>>,
{
    match result {
        Err(Error::Domain(liaison_core::Error::Conflict {
            message,
            current: None,
        })) => Err(Error::Domain(liaison_core::Error::Conflict {
            message,
            // The current record goes to whoever met the conflict, with its personal data
            // masked like every record they are shown.
            current: current
                .await
                .ok()
                .and_then(|c| serde_json::to_value(personal::masked(c)).ok()),
        })),
        other => other,
    }
}
