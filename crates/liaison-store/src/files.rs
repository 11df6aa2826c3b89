//! The files kept with records: which record holds which bytes, under what name and caption.
//! The bytes themselves are in the file store (`liaison-files`); a file's permissions are its
//! record's, and every upload, download and deletion is audited.

use liaison_core::accounts::authorize;
use liaison_core::audit::changes;
use liaison_core::files::{MAX_CAPTION_CHARS, keeps_files};
use liaison_core::{
    Action, Actor, Error as DomainError, FileLimits, NewFile, RecordKind, StoredFile,
};
use serde_json::json;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::resolve::{self, StoredRecord};
use crate::search::{self, Indexing};
use crate::sql::{self, RowExt};
use crate::{Backend, Result, Store, audit};

/// The audit log's name for a file.
const FILE: &str = "file";

pub(crate) const COLUMNS: &str = "id, record_kind, record_id, content_hash, name, media_type, size, \
     caption, created_by, created_at";

pub(crate) fn from_row(row: &AnyRow) -> Result<StoredFile> {
    Ok(StoredFile {
        id: row.int("id")?,
        record_kind: row.text("record_kind")?,
        record_id: row.int("record_id")?,
        content_hash: row.text("content_hash")?,
        name: row.text("name")?,
        media_type: row.text("media_type")?,
        size: row.int("size")?,
        caption: row.text("caption")?,
        created_by: row.text("created_by")?,
        created_at: row.timestamp("created_at")?,
    })
}

fn checked_caption(caption: &str) -> Result<String> {
    let caption = caption.trim();
    if caption.chars().count() > MAX_CAPTION_CHARS {
        return Err(DomainError::invalid(
            "caption",
            "too_long",
            format!("a caption has at most {MAX_CAPTION_CHARS} characters"),
        )
        .into());
    }
    Ok(caption.to_owned())
}

fn refuse_kind(kind: RecordKind) -> Result<()> {
    if keeps_files(kind) {
        return Ok(());
    }
    Err(DomainError::NotFound {
        entity: "files of",
        id: kind.as_str().to_owned(),
    }
    .into())
}

async fn files_of(conn: &mut AnyConnection, kind: RecordKind, id: i64) -> Result<Vec<StoredFile>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM files WHERE record_kind = $1 AND record_id = $2 ORDER BY id"
    ))
    .bind(kind.as_str())
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

async fn one_file(
    conn: &mut AnyConnection,
    kind: RecordKind,
    id: i64,
    file: i64,
) -> Result<StoredFile> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM files WHERE record_kind = $1 AND record_id = $2 AND id = $3"
    ))
    .bind(kind.as_str())
    .bind(id)
    .bind(file)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => from_row(&row),
        None => Err(DomainError::NotFound {
            entity: FILE,
            id: file.to_string(),
        }
        .into()),
    }
}

fn described(file: &StoredFile) -> serde_json::Value {
    json!({
        "record": format!("{} {}", file.record_kind, file.record_id),
        "name": file.name,
        "media_type": file.media_type,
        "size": file.size,
        "content_hash": file.content_hash,
        "caption": file.caption,
    })
}

/// The number of images (photos) a record keeps, read through `conn`.
pub(crate) async fn image_count(
    conn: &mut AnyConnection,
    kind: RecordKind,
    id: i64,
) -> Result<i64> {
    let count = sqlx::query_scalar(
        "SELECT COUNT(*) FROM files WHERE record_kind = $1 AND record_id = $2 \
         AND media_type LIKE 'image/%'",
    )
    .bind(kind.as_str())
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(count)
}

/// Deletes every file row of a record being deleted, auditing each, in the transaction that
/// deletes the record. The bytes stay in the store until no record holds them (see
/// [`Store::unreferenced`]).
pub(crate) async fn forget_all(
    conn: &mut AnyConnection,
    actor: &Actor,
    kind: RecordKind,
    id: i64,
) -> Result<Vec<StoredFile>> {
    let files = files_of(conn, kind, id).await?;
    for file in &files {
        let before = changes(Some(&described(file)), None);
        audit::record(conn, actor, "delete", FILE, Some(file.id), &before).await?;
    }
    sqlx::query("DELETE FROM files WHERE record_kind = $1 AND record_id = $2")
        .bind(kind.as_str())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(files)
}

/// Holds the row of record `id` of `kind` until the transaction ends (step 1 of
/// [`crate::locks`]), so that the files of a record and its deletion change one after the
/// other: on PostgreSQL an upload and the deletion of its record would otherwise each see the
/// other's rows missing, and the file would be kept for a record that is gone. SQLite has one
/// writer at a time already.
pub(crate) async fn hold_record(conn: &mut AnyConnection, kind: RecordKind, id: i64) -> Result<()> {
    sqlx::query(&format!(
        "SELECT id FROM {} WHERE id = $1{}",
        kind.table,
        Backend::of(conn).row_lock_sql()
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(())
}

/// Brings the search document of the record holding a file up to date, in the transaction that
/// changed the file: a record is found by its files' names and captions.
async fn reindex_record(
    conn: &mut AnyConnection,
    policy: &liaison_core::Policy,
    kind: RecordKind,
    id: i64,
) -> Result<()> {
    search::refresh(conn, policy, &[(kind, id)], Indexing::Now)
        .await?
        .write(conn)
        .await
}

/// Inserts a file's row within the record's share of the limits (its files together may not
/// pass `limits.per_record`) and audits it; the caller has checked the record and the actor.
async fn insert_file(
    conn: &mut AnyConnection,
    actor: &Actor,
    kind: RecordKind,
    id: i64,
    file: NewFile,
    caption: String,
    limits: &FileLimits,
) -> Result<StoredFile> {
    // PostgreSQL sums BIGINTs as NUMERIC; both databases read the cast the same way.
    let held: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM files \
         WHERE record_kind = $1 AND record_id = $2",
    )
    .bind(kind.as_str())
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let held = u64::try_from(held).unwrap_or(0);
    let size = u64::try_from(file.size).unwrap_or(u64::MAX);
    if held.saturating_add(size) > limits.per_record {
        return Err(DomainError::invalid(
            "file",
            "record_full",
            format!(
                "the files of this record may hold {} MB together; it holds {} MB",
                limits.per_record / 1_000_000,
                held / 1_000_000
            ),
        )
        .into());
    }
    let row = sqlx::query(&format!(
        "INSERT INTO files (record_kind, record_id, content_hash, name, media_type, size, \
         caption, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         RETURNING {COLUMNS}"
    ))
    .bind(kind.as_str())
    .bind(id)
    .bind(&file.content_hash)
    .bind(file.name.as_str())
    .bind(&file.media_type)
    .bind(file.size)
    .bind(&caption)
    .bind(&actor.username)
    .bind(sql::now())
    .fetch_one(&mut *conn)
    .await?;
    let stored = from_row(&row)?;
    let after = changes(None, Some(&described(&stored)));
    audit::record(conn, actor, "create", FILE, Some(stored.id), &after).await?;
    Ok(stored)
}

impl Store {
    /// Keeps a file with a record the actor may change, within the record's share of the
    /// limits: its files together may not pass `limits.per_record`.
    pub async fn add_file<K: StoredRecord>(
        &self,
        actor: &Actor,
        id: i64,
        file: NewFile,
        limits: &FileLimits,
    ) -> Result<StoredFile> {
        let kind = K::KIND;
        refuse_kind(kind)?;
        K::authorize_change_role(actor)?;
        let caption = checked_caption(&file.caption)?;
        let mut tx = self.begin_write().await?;
        hold_record(&mut tx, kind, id).await?;
        let record = K::fetch(&mut tx, &self.policy, id).await?;
        record.authorize_change(actor)?;
        let stored = insert_file(&mut tx, actor, kind, id, file, caption, limits).await?;
        reindex_record(&mut tx, &self.policy, kind, id).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// Keeps a file with a record named by its kind, for `liaison import`: only a user who may
    /// change such records of any unit may.
    pub async fn add_file_to(
        &self,
        actor: &Actor,
        kind: RecordKind,
        id: i64,
        file: NewFile,
        limits: &FileLimits,
    ) -> Result<StoredFile> {
        refuse_kind(kind)?;
        authorize(actor, Action::Change, kind, None)?;
        let caption = checked_caption(&file.caption)?;
        let mut tx = self.begin_write().await?;
        hold_record(&mut tx, kind, id).await?;
        resolve::on_record(&mut tx, kind, id).await?;
        let stored = insert_file(&mut tx, actor, kind, id, file, caption, limits).await?;
        reindex_record(&mut tx, &self.policy, kind, id).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// The number of the record of a kind with a key.
    pub async fn id_by_key(&self, kind: RecordKind, key: &str) -> Result<Option<i64>> {
        let found = sqlx::query_scalar(&format!("SELECT id FROM {} WHERE key = $1", kind.table))
            .bind(key)
            .fetch_optional(&self.read)
            .await?;
        Ok(found)
    }

    /// The key of a record, if it has one.
    pub async fn key_by_id(&self, kind: RecordKind, id: i64) -> Result<Option<String>> {
        let found: Option<Option<String>> =
            sqlx::query_scalar(&format!("SELECT key FROM {} WHERE id = $1", kind.table))
                .bind(id)
                .fetch_optional(&self.read)
                .await?;
        Ok(found.flatten())
    }

    /// The files of a record, in the order they came; the record must exist.
    pub async fn files<K: StoredRecord>(&self, id: i64) -> Result<Vec<StoredFile>> {
        refuse_kind(K::KIND)?;
        let mut conn = self.read.acquire().await?;
        K::fetch(&mut conn, &self.policy, id).await?;
        files_of(&mut conn, K::KIND, id).await
    }

    /// One file of a record.
    pub async fn file<K: StoredRecord>(&self, id: i64, file: i64) -> Result<StoredFile> {
        refuse_kind(K::KIND)?;
        let mut conn = self.read.acquire().await?;
        one_file(&mut conn, K::KIND, id, file).await
    }

    /// Notes in the audit log that the actor downloaded a file, whose record they may read.
    pub async fn audit_download(&self, actor: &Actor, file: &StoredFile) -> Result<()> {
        let mut tx = self.begin_write().await?;
        // What was read, in the shape of a change, as the audit page shows every entry.
        let read = changes(None, Some(&described(file)));
        audit::record(&mut tx, actor, "download", FILE, Some(file.id), &read).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes a file's caption, if the actor may change its record.
    pub async fn caption_file<K: StoredRecord>(
        &self,
        actor: &Actor,
        id: i64,
        file: i64,
        caption: &str,
    ) -> Result<StoredFile> {
        let kind = K::KIND;
        refuse_kind(kind)?;
        K::authorize_change_role(actor)?;
        let caption = checked_caption(caption)?;
        let mut tx = self.begin_write().await?;
        let record = K::fetch(&mut tx, &self.policy, id).await?;
        record.authorize_change(actor)?;
        let before = one_file(&mut tx, kind, id, file).await?;
        sqlx::query("UPDATE files SET caption = $1 WHERE id = $2")
            .bind(&caption)
            .bind(file)
            .execute(&mut *tx)
            .await?;
        let after = one_file(&mut tx, kind, id, file).await?;
        let diff = changes(Some(&described(&before)), Some(&described(&after)));
        audit::record(&mut tx, actor, "update", FILE, Some(file), &diff).await?;
        reindex_record(&mut tx, &self.policy, kind, id).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deletes a file of a record the actor may change; returns it, so its bytes can be removed
    /// from the store once no record holds them.
    pub async fn delete_file<K: StoredRecord>(
        &self,
        actor: &Actor,
        id: i64,
        file: i64,
    ) -> Result<StoredFile> {
        let kind = K::KIND;
        refuse_kind(kind)?;
        K::authorize_change_role(actor)?;
        let mut tx = self.begin_write().await?;
        let record = K::fetch(&mut tx, &self.policy, id).await?;
        record.authorize_change(actor)?;
        let before = one_file(&mut tx, kind, id, file).await?;
        sqlx::query("DELETE FROM files WHERE id = $1")
            .bind(file)
            .execute(&mut *tx)
            .await?;
        let gone = changes(Some(&described(&before)), None);
        audit::record(&mut tx, actor, "delete", FILE, Some(file), &gone).await?;
        reindex_record(&mut tx, &self.policy, kind, id).await?;
        tx.commit().await?;
        Ok(before)
    }

    /// Of these hashes, those no record holds any more.
    pub async fn unreferenced(&self, hashes: &[String]) -> Result<Vec<String>> {
        let mut conn = self.read.acquire().await?;
        let mut free = Vec::new();
        for hash in hashes {
            let held: Option<i64> =
                sqlx::query_scalar("SELECT id FROM files WHERE content_hash = $1 LIMIT 1")
                    .bind(hash)
                    .fetch_optional(&mut *conn)
                    .await?;
            if held.is_none() && !free.contains(hash) {
                free.push(hash.clone());
            }
        }
        Ok(free)
    }

    /// The files of a record of any kind, in the order they came (none for a kind without
    /// files); the caller has read the record.
    pub async fn record_files(&self, kind: RecordKind, id: i64) -> Result<Vec<StoredFile>> {
        let mut conn = self.read.acquire().await?;
        files_of(&mut conn, kind, id).await
    }

    /// The number of files a record keeps, for the question asked before it is deleted.
    pub async fn file_count(&self, kind: RecordKind, id: i64) -> Result<usize> {
        Ok(self.record_files(kind, id).await?.len())
    }

    /// Every file row, for `liaison files check` and backups: (hash, kind, record, name).
    pub async fn all_files(&self) -> Result<Vec<StoredFile>> {
        let mut conn = self.read.acquire().await?;
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM files ORDER BY id"))
            .fetch_all(&mut *conn)
            .await?;
        rows.iter().map(from_row).collect()
    }
}
