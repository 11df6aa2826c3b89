//! Turning the references of a submitted record into row numbers, creating new records on the way.

use std::future::Future;
use std::pin::Pin;

use liaison_core::{Actor, Link, OrganizationInput, PersonInput, RecordKind, Ref};
use sqlx::{AnyConnection, Row};

use crate::{Result, organizations, people};

/// The tables a link can point into, with the words used in messages.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Table {
    Unit,
    Person,
    Organization,
    Activity,
    Gift,
    Agreement,
    CalendarDay,
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
            Table::CalendarDay => "calendar_days",
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
            Table::CalendarDay => RecordKind::CalendarDay,
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

/// An organization reference: the linked one, or the new one, created here unless a record with
/// its key exists already.
pub(crate) fn organization<'a>(
    conn: &'a mut AnyConnection,
    actor: &'a Actor,
    path: &'a str,
    reference: &'a Ref<OrganizationInput>,
) -> Pin<Box<dyn Future<Output = Result<i64>> + Send + 'a>> {
    Box::pin(async move {
        match reference {
            Ref::Link(l) => link(conn, Table::Organization, path, l).await,
            Ref::New(input) => {
                if let Some(id) = id_by_key(conn, Table::Organization, &input.key).await? {
                    return Ok(id);
                }
                organizations::insert(conn, actor, path, input).await
            }
        }
    })
}

/// A person reference: the linked one, or the new one, created here unless a record with its
/// key exists already.
pub(crate) async fn person(
    conn: &mut AnyConnection,
    actor: &Actor,
    path: &str,
    reference: &Ref<PersonInput>,
) -> Result<i64> {
    match reference {
        Ref::Link(l) => link(conn, Table::Person, path, l).await,
        Ref::New(input) => {
            if let Some(id) = id_by_key(conn, Table::Person, &input.key).await? {
                return Ok(id);
            }
            people::insert(conn, actor, path, input).await
        }
    }
}

pub(crate) async fn optional_person(
    conn: &mut AnyConnection,
    actor: &Actor,
    path: &str,
    reference: &Option<Ref<PersonInput>>,
) -> Result<Option<i64>> {
    match reference {
        Some(r) => Ok(Some(person(conn, actor, path, r).await?)),
        None => Ok(None),
    }
}

pub(crate) async fn optional_organization(
    conn: &mut AnyConnection,
    actor: &Actor,
    path: &str,
    reference: &Option<Ref<OrganizationInput>>,
) -> Result<Option<i64>> {
    match reference {
        Some(r) => Ok(Some(organization(conn, actor, path, r).await?)),
        None => Ok(None),
    }
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

/// Writes the partner organizations of an activity or agreement into `table`, in order,
/// creating new ones on the way; the same partner twice is refused.
pub(crate) async fn partners(
    conn: &mut AnyConnection,
    actor: &Actor,
    (table, owner_column): (&str, &str),
    owner: i64,
    path: &str,
    partners: &[Ref<OrganizationInput>],
) -> Result<()> {
    let mut seen = Vec::new();
    for (i, partner) in partners.iter().enumerate() {
        let field = sub(path, &format!("partners[{i}]"));
        let org = organization(conn, actor, &field, partner).await?;
        if seen.contains(&org) {
            return Err(liaison_core::Error::invalid(
                field,
                "duplicate",
                "this partner is listed twice",
            )
            .into());
        }
        seen.push(org);
        sqlx::query(&format!(
            "INSERT INTO {table} ({owner_column}, position, organization_id) VALUES ($1, $2, $3)"
        ))
        .bind(owner)
        .bind(i as i64)
        .bind(org)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
