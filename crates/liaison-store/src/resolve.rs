//! The kinds of record the store keeps (their tables, and how one is read whole), and the
//! look-ups that turn the links and keys of a submitted record into row numbers.

use std::collections::HashSet;

use liaison_core::{Link, Policy, Record, RecordKind, References};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

use crate::{Backend, Result, sql};

/// Keys looked for to a statement by [`keys_in_use`]: one parameter, a JSON array of them.
const KEYS_PER_STATEMENT: usize = 5_000;

/// A kind of record the store keeps. The write path ([`crate::records`]) and the search index
/// read records through it; it sits here, below both, so neither depends on the other to read.
pub trait StoredRecord: Record + Serialize + Sized + Send {
    /// Reads the whole record through `conn`, which may be inside a transaction.
    fn fetch(
        conn: &mut AnyConnection,
        policy: &Policy,
        id: i64,
    ) -> impl Future<Output = Result<Self>> + Send;
}

/// The row a link points to, or a field error at `path` saying it does not exist.
pub(crate) async fn link(
    conn: &mut AnyConnection,
    table: RecordKind,
    path: &str,
    link: &Link,
) -> Result<i64> {
    let found = match link {
        Link::Id(id) => {
            sqlx::query(&format!("SELECT id FROM {} WHERE id = $1", table.table))
                .bind(*id)
                .fetch_optional(&mut *conn)
                .await?
        }
        Link::Key(key) => {
            sqlx::query(&format!("SELECT id FROM {} WHERE key = $1", table.table))
                .bind(key.as_str())
                .fetch_optional(&mut *conn)
                .await?
        }
    };
    match found {
        Some(row) => Ok(row.try_get("id")?),
        None => Err(liaison_core::Error::Invalid(missing(table, path, link)).into()),
    }
}

/// The error of a link to a record that does not exist, naming it.
fn missing(table: RecordKind, path: &str, link: &Link) -> liaison_core::FieldErrors {
    let mut errors = liaison_core::FieldErrors::new();
    let value = match link {
        Link::Id(id) => format!("#{id}"),
        Link::Key(key) => key.clone(),
    };
    errors.add_with_value(
        path,
        "not_found",
        format!("there is no {} {link}", table.name),
        value,
    );
    errors
}

/// Checks every link of a form at once, so that each one to a missing record is reported, not
/// only the first the write would stop at. A link by key to a record the form itself describes
/// is left to the write, which creates that record on the way; so is a link inside a new record
/// whose key is on record already, since that record is used as it is.
pub(crate) async fn check_references(
    conn: &mut AnyConnection,
    references: &References<'_>,
) -> Result<()> {
    let mut errors = liaison_core::FieldErrors::new();
    for reference in &references.links {
        let mut followed = true;
        for &(kind, key) in &reference.within {
            if exists(conn, kind, &Link::Key(key.to_owned())).await? {
                followed = false;
                break;
            }
        }
        let described = match reference.link {
            Link::Key(key) => references.describes(reference.kind, key),
            Link::Id(_) => false,
        };
        if followed && !described && !exists(conn, reference.kind, reference.link).await? {
            errors
                .0
                .extend(missing(reference.kind, &reference.path, reference.link).0);
        }
    }
    Ok(errors.into_result()?)
}

/// Refuses as not found a record `id` of `kind` that is not on record, without reading it.
pub(crate) async fn on_record(conn: &mut AnyConnection, kind: RecordKind, id: i64) -> Result<()> {
    let found: Option<i64> =
        sqlx::query_scalar(&format!("SELECT id FROM {} WHERE id = $1", kind.table))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(liaison_core::Error::not_found(kind.as_str(), id).into()),
    }
}

/// Whether the record a link names is on record.
async fn exists(conn: &mut AnyConnection, table: RecordKind, link: &Link) -> Result<bool> {
    let found = match link {
        Link::Id(id) => {
            sqlx::query(&format!("SELECT 1 FROM {} WHERE id = $1", table.table))
                .bind(*id)
                .fetch_optional(&mut *conn)
                .await?
        }
        Link::Key(key) => {
            sqlx::query(&format!("SELECT 1 FROM {} WHERE key = $1", table.table))
                .bind(key.as_str())
                .fetch_optional(&mut *conn)
                .await?
        }
    };
    Ok(found.is_some())
}

pub(crate) async fn optional_link(
    conn: &mut AnyConnection,
    table: RecordKind,
    path: &str,
    value: &Option<Link>,
) -> Result<Option<i64>> {
    match value {
        Some(l) => Ok(Some(link(conn, table, path, l).await?)),
        None => Ok(None),
    }
}

/// The id of a record with this key, if there is one.
pub(crate) async fn id_by_key(
    conn: &mut AnyConnection,
    table: RecordKind,
    key: &Option<String>,
) -> Result<Option<i64>> {
    let Some(key) = key else { return Ok(None) };
    let row = sqlx::query(&format!("SELECT id FROM {} WHERE key = $1", table.table))
        .bind(key.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?)
}

/// Refuses a key another record of the same table already has.
pub(crate) async fn key_is_free(
    conn: &mut AnyConnection,
    table: RecordKind,
    path: &str,
    key: &Option<String>,
    except_id: Option<i64>,
) -> Result<()> {
    if let Some(existing) = id_by_key(conn, table, key).await?
        && Some(existing) != except_id
    {
        let field = if path.is_empty() {
            "key".to_owned()
        } else {
            format!("{path}.key")
        };
        let key = key.as_deref().unwrap_or_default();
        let mut errors = liaison_core::FieldErrors::new();
        errors.add_with_value(
            field,
            "taken",
            format!(
                "the key '{key}' already belongs to {} {existing}",
                table.name
            ),
            key,
        );
        return Err(liaison_core::Error::Invalid(errors).into());
    }
    Ok(())
}

/// Joins a path prefix and a field name: `participants[0].person` + `name_en`.
pub(crate) fn sub(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

/// Which of `keys` records of `kind` have already. They are sent as one JSON parameter a
/// statement ([`sql::in_json_list`]): an import's twenty thousand keys are four statements.
pub(crate) async fn keys_in_use(
    conn: &mut AnyConnection,
    kind: RecordKind,
    keys: &[&str],
) -> Result<HashSet<String>> {
    let sql = format!(
        "SELECT key FROM {} WHERE key {}",
        kind.table,
        sql::in_json_list(Backend::of(conn), "TEXT")
    );
    let mut found = HashSet::new();
    for chunk in keys.chunks(KEYS_PER_STATEMENT) {
        let found_here: Vec<String> = sqlx::query_scalar(&sql)
            .bind(sql::json_list(chunk))
            .fetch_all(&mut *conn)
            .await?;
        found.extend(found_here);
    }
    Ok(found)
}
