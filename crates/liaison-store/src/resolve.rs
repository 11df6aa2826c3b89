//! The kinds of record the store keeps (their tables, and how one is read whole), and the
//! look-ups that turn the links and keys of a submitted record into row numbers.

use liaison_core::{Link, Policy, RecordKind};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

use crate::Result;

/// A kind of record the store keeps. The write path ([`crate::records`]) and the search index
/// read records through it; it sits here, below both, so neither depends on the other to read.
pub(crate) trait StoredRecord: Serialize + Sized + Send {
    const TABLE: Table;

    /// Reads the whole record through `conn`, which may be inside a transaction.
    async fn fetch(conn: &mut AnyConnection, policy: &Policy, id: i64) -> Result<Self>;

    /// The unit the record belongs to, for the permission rules.
    fn unit(&self) -> Option<i64>;
}

/// The tables a link can point into, with the words used in messages.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Table {
    Unit,
    Person,
    Organization,
    Activity,
    Gift,
    Agreement,
}

impl Table {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Table::Unit => "units",
            Table::Person => "people",
            Table::Organization => "organizations",
            Table::Activity => "activities",
            Table::Gift => "gifts",
            Table::Agreement => "agreements",
        }
    }

    fn noun(self) -> &'static str {
        self.kind().as_str()
    }

    pub(crate) fn kind(self) -> RecordKind {
        match self {
            Table::Unit => RecordKind::Unit,
            Table::Person => RecordKind::Person,
            Table::Organization => RecordKind::Organization,
            Table::Activity => RecordKind::Activity,
            Table::Gift => RecordKind::Gift,
            Table::Agreement => RecordKind::Agreement,
        }
    }
}

/// The row a link points to, or a field error at `path` saying it does not exist.
pub(crate) async fn link(
    conn: &mut AnyConnection,
    table: Table,
    path: &str,
    link: &Link,
) -> Result<i64> {
    let found = match link {
        Link::Id(id) => {
            sqlx::query(&format!("SELECT id FROM {} WHERE id = $1", table.name()))
                .bind(*id)
                .fetch_optional(&mut *conn)
                .await?
        }
        Link::Key(key) => {
            sqlx::query(&format!("SELECT id FROM {} WHERE key = $1", table.name()))
                .bind(key.as_str())
                .fetch_optional(&mut *conn)
                .await?
        }
    };
    match found {
        Some(row) => Ok(row.try_get("id")?),
        None => Err(liaison_core::Error::invalid(
            path,
            "not_found",
            format!("there is no {} {link}", table.noun()),
        )
        .into()),
    }
}

pub(crate) async fn optional_link(
    conn: &mut AnyConnection,
    table: Table,
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
    table: Table,
    key: &Option<String>,
) -> Result<Option<i64>> {
    let Some(key) = key else { return Ok(None) };
    let row = sqlx::query(&format!("SELECT id FROM {} WHERE key = $1", table.name()))
        .bind(key.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?)
}

/// Refuses a key another record of the same table already has.
pub(crate) async fn key_is_free(
    conn: &mut AnyConnection,
    table: Table,
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
        return Err(liaison_core::Error::invalid(
            field,
            "taken",
            format!(
                "the key '{}' already belongs to {} {existing}",
                key.as_deref().unwrap_or_default(),
                table.noun()
            ),
        )
        .into());
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
