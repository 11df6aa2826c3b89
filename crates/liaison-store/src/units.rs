//! Units of the university and their foreign-affairs contacts.

use std::sync::Arc;

use liaison_core::{
    Actor, Error as DomainError, PERSON, Page, PageRequest, Policy, UNIT, Unit, UnitFilter,
    UnitInput,
};
use sqlx::AnyConnection;

use crate::records::Records;
use crate::resolve::StoredRecord;
use crate::resolve::{self, sub};
use crate::sql::{Columns, Filter, ListQuery, Param, RowExt, Selection, Total, enum_text};
use crate::{Result, Store, records};

fn columns() -> Selection {
    Selection::of(
        "u",
        &[
            "id",
            "key",
            "version",
            "created_at",
            "updated_at",
            "kind",
            "name_zh",
            "name_en",
        ],
    )
    .named("l", "leader")
    .named("c", "officer")
}

/// The unit's own columns; its contacts are set apart, by [`set_contacts`].
fn data(input: &UnitInput) -> Columns {
    Columns::default()
        .text("kind", Some(&enum_text(&input.kind)))
        .text("name_zh", input.name_zh.as_deref())
        .text("name_en", input.name_en.as_deref())
}

const FROM: &str = "units u LEFT JOIN people l ON l.id = u.foreign_affairs_leader_id \
    LEFT JOIN people c ON c.id = u.liaison_officer_id";

fn from_row(row: &impl RowExt) -> Result<Unit> {
    Ok(Unit {
        meta: row.meta()?,
        kind: row.enumerated("kind")?,
        name_zh: row.opt_text("name_zh")?,
        name_en: row.opt_text("name_en")?,
        foreign_affairs_leader: row.named("leader")?,
        liaison_officer: row.named("officer")?,
    })
}

/// Creates a unit without its contacts, who may not exist yet; see [`set_contacts`].
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    actor: &Actor,
    path: &str,
    input: &UnitInput,
) -> Result<i64> {
    resolve::key_is_free(conn, UNIT, path, &input.key, None).await?;
    records::insert_record(conn, actor, UNIT, None, &input.key, data(input)).await
}

/// Links a unit to its foreign-affairs leader and liaison officer.
pub(crate) async fn set_contacts(
    conn: &mut AnyConnection,
    path: &str,
    id: i64,
    input: &UnitInput,
) -> Result<()> {
    let leader = resolve::optional_link(
        conn,
        PERSON,
        &sub(path, "foreign_affairs_leader"),
        &input.foreign_affairs_leader,
    )
    .await?;
    let officer = resolve::optional_link(
        conn,
        PERSON,
        &sub(path, "liaison_officer"),
        &input.liaison_officer,
    )
    .await?;
    sqlx::query(
        "UPDATE units SET foreign_affairs_leader_id = $2, liaison_officer_id = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(leader)
    .bind(officer)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// Every unit by name, as the forms and filters offer them.
    pub async fn units_by_name(&self) -> Result<Arc<[Unit]>> {
        let writes = self.kept.writes.count();
        if let Some(units) = self.kept.units.get(&(), &self.kept.writes) {
            return Ok(units);
        }
        let rows = sqlx::query(&format!(
            "SELECT {} FROM {FROM} ORDER BY COALESCE(u.name_en, u.name_zh), u.id",
            columns().sql()
        ))
        .fetch_all(&self.read)
        .await?;
        let units: Arc<[Unit]> = rows.iter().map(from_row).collect::<Result<_>>()?;
        self.kept.units.put((), Arc::clone(&units), writes);
        Ok(units)
    }
}

impl Records for Unit {
    type Input = UnitInput;
    type Filter = UnitFilter;
    type Row = Unit;

    fn version(input: &UnitInput) -> Option<i64> {
        input.version
    }

    async fn insert(conn: &mut AnyConnection, actor: &Actor, input: &UnitInput) -> Result<i64> {
        let id = insert(conn, actor, "", input).await?;
        set_contacts(conn, "", id, input).await?;
        Ok(id)
    }

    async fn rewrite(
        conn: &mut AnyConnection,
        _: &Actor,
        id: i64,
        version: i64,
        input: &UnitInput,
    ) -> Result<()> {
        resolve::key_is_free(conn, UNIT, "", &input.key, Some(id)).await?;
        records::update_record(conn, UNIT, id, version, &input.key, data(input)).await?;
        set_contacts(conn, "", id, input).await
    }

    async fn list(store: &Store, filter: &UnitFilter, page: &PageRequest) -> Result<Page<Unit>> {
        let mut f = Filter::default();
        f.contains(&["u.name_zh", "u.name_en"], &filter.q);
        if let Some(kind) = &filter.kind {
            let p = f.param(Param::text(enum_text(kind)));
            f.and(format!("u.kind = {p}"));
        }
        let order: &[&str] = match page.sort.as_str() {
            "created" => &["u.created_at", "u.id"],
            "updated" => &["u.updated_at", "u.id"],
            _ => &["COALESCE(u.name_en, u.name_zh)", "u.id"],
        };
        let list = ListQuery {
            columns: columns(),
            page_columns: Selection::default(),
            from: FROM,
            total: Total::Counted {
                from: "units u",
                count: "COUNT(*)",
            },
            filter: f,
            order,
        };
        store.list_page(list, page, from_row).await
    }
}

impl StoredRecord for Unit {
    async fn fetch(conn: &mut AnyConnection, _: &Policy, id: i64) -> Result<Unit> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM {FROM} WHERE u.id = $1",
            columns().sql()
        ))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| DomainError::not_found("unit", id))?;
        from_row(&row)
    }
}
