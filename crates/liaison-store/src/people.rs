//! People, internal and external.

use crate::records::Records;
use liaison_core::personal;
use liaison_core::{
    Actor, Error as DomainError, PERSON, Page, PageRequest, Person, PersonFilter, PersonInput,
    Policy, Ref, UNIT,
};
use sqlx::AnyConnection;

use crate::resolve::StoredRecord;
use crate::resolve::{self, sub};
use crate::sql::{Columns, Filter, ListQuery, Param, RowExt, Selection, Total, enum_text};
use crate::{Error, Result, Store, blocks, names, organizations, records};

use crate::personal::read as personal_read;

fn columns() -> Selection {
    Selection::of(
        "p",
        &[
            "id",
            "key",
            "version",
            "created_at",
            "updated_at",
            "category",
            "name_zh",
            "name_en",
            "name_original",
            "position",
            "title",
            "nationality",
            "email",
            "phone",
            "notes",
        ],
    )
    .named("u", "unit")
    .named("o", "org")
}

const FROM: &str = "people p LEFT JOIN units u ON u.id = p.unit_id \
    LEFT JOIN organizations o ON o.id = p.organization_id";

fn from_row(row: &impl RowExt) -> Result<Person> {
    let nationality = row
        .opt_text("nationality")?
        .map(|c| liaison_core::CountryCode::parse(&c).map_err(Error::Corrupt))
        .transpose()?;
    Ok(Person {
        meta: row.meta()?,
        category: row.enumerated("category")?,
        name_zh: row.opt_text("name_zh")?,
        name_en: row.opt_text("name_en")?,
        name_original: row.opt_text("name_original")?,
        unit: row.named("unit")?,
        organization: row.named("org")?,
        position: row.opt_text("position")?,
        title: row.opt_text("title")?,
        nationality,
        email: personal_read(row, PERSON, "email")?,
        phone: personal_read(row, PERSON, "phone")?,
        notes: personal_read(row, PERSON, "notes")?,
    })
}

/// A person's columns, with their unit and organization already resolved to row numbers.
fn data(input: &PersonInput, unit: Option<i64>, organization: Option<i64>) -> Columns {
    Columns::default()
        .text("category", Some(&enum_text(&input.category)))
        .text("name_zh", input.name_zh.as_deref())
        .text("name_en", input.name_en.as_deref())
        .text("name_original", input.name_original.as_deref())
        .int("unit_id", unit)
        .int("organization_id", organization)
        .text("position", input.position.as_deref())
        .text("title", input.title.as_deref())
        .text(
            "nationality",
            input.nationality.as_ref().map(|c| c.as_str()),
        )
        .text("email", input.email.as_deref())
        .text("phone", input.phone.as_deref())
        .text("notes", input.notes.as_deref())
}

/// The unit and organization of a submitted person, as row numbers.
async fn links(
    conn: &mut AnyConnection,
    actor: &Actor,
    path: &str,
    input: &PersonInput,
) -> Result<(Option<i64>, Option<i64>)> {
    let unit = resolve::optional_link(conn, UNIT, &sub(path, "unit"), &input.unit).await?;
    let organization = organizations::optional_organization(
        conn,
        actor,
        &sub(path, "organization"),
        &input.organization,
    )
    .await?;
    Ok((unit, organization))
}

/// Creates a person, and their organization when it is new.
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    actor: &Actor,
    path: &str,
    input: &PersonInput,
) -> Result<i64> {
    resolve::key_is_free(conn, PERSON, path, &input.key, None).await?;
    let (unit, organization) = links(conn, actor, path, input).await?;
    let columns = data(input, unit, organization);
    let id = records::insert_record(conn, actor, PERSON, unit, &input.key, columns).await?;
    names::write_folded(conn, "people", id, &names_of(input)).await?;
    Ok(id)
}

/// A person's names, as they are looked up when typed.
fn names_of(input: &PersonInput) -> [Option<&str>; 3] {
    [
        input.name_zh.as_deref(),
        input.name_en.as_deref(),
        input.name_original.as_deref(),
    ]
}

/// The submitted form with each personal field sent back as it was shown masked replaced by
/// the stored value: a form or an API client that read the person masked and changed something
/// else keeps the phone number, e-mail and notes on record instead of their masks.
async fn keep_masked(
    conn: &mut AnyConnection,
    id: i64,
    input: &PersonInput,
) -> Result<PersonInput> {
    let stored = sqlx::query("SELECT phone, email, notes FROM people WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(stored) = stored else {
        return Ok(input.clone());
    };
    let mut input = input.clone();
    for (name, value) in [
        ("phone", &mut input.phone),
        ("email", &mut input.email),
        ("notes", &mut input.notes),
    ] {
        if let Some(field) = personal::field(PERSON, name) {
            *value = personal::unmasked(field, value, &personal_read(&stored, PERSON, name)?);
        }
    }
    Ok(input)
}

impl Records for Person {
    type Input = PersonInput;
    type Filter = PersonFilter;
    type Row = Person;

    fn version(input: &PersonInput) -> Option<i64> {
        input.version
    }

    async fn insert(conn: &mut AnyConnection, actor: &Actor, input: &PersonInput) -> Result<i64> {
        insert(conn, actor, "", input).await
    }

    async fn rewrite(
        conn: &mut AnyConnection,
        actor: &Actor,
        id: i64,
        version: i64,
        input: &PersonInput,
    ) -> Result<()> {
        resolve::key_is_free(conn, PERSON, "", &input.key, Some(id)).await?;
        let (unit, organization) = links(conn, actor, "", input).await?;
        let input = &keep_masked(conn, id, input).await?;
        let columns = data(input, unit, organization);
        records::update_record(conn, PERSON, id, version, &input.key, columns).await?;
        names::write_folded(conn, "people", id, &names_of(input)).await
    }

    async fn list(
        store: &Store,
        filter: &PersonFilter,
        page: &PageRequest,
    ) -> Result<Page<Person>> {
        let mut f = Filter::default();
        // The words of the names are looked up in the search index; the list is of those found.
        let found = match filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            Some(q) => Some(blocks::titled(store, PERSON, q).await?),
            None => None,
        };
        let by_words_alone = filter.category.is_none()
            && filter.unit.is_none()
            && filter.organization.is_none()
            && filter.nationality.is_none();
        match &found {
            // By name, the people found are put in order by their names in the index of names
            // by number, and the list reads only those up to its page
            // (migration `people_names_by_number`).
            Some(found)
                if by_words_alone
                    && !found.is_empty()
                    && !matches!(page.sort.as_str(), "created" | "updated") =>
            {
                let numbers = f.numbers(store.backend, found);
                let direction = if page.descending { "DESC" } else { "ASC" };
                let up_to_page = page.page.max(1).saturating_mul(page.per_page.max(1));
                f.and(format!(
                    "p.id IN (SELECT q.id FROM people q {} WHERE q.id IN ({numbers}) \
                     ORDER BY COALESCE(q.name_en, q.name_zh) {direction}, q.id {direction} \
                     LIMIT {up_to_page})",
                    store.backend.indexed_by("people_names_by_number")
                ));
            }
            Some(found) => f.among(store.backend, "p.id", found),
            None => {}
        }
        let mut category_kept = None;
        if let Some(category) = &filter.category {
            let p = f.param(Param::text(enum_text(category)));
            f.and(format!("p.category = {p}"));
            category_kept = Some(format!(
                "COALESCE((SELECT c.n FROM people_category_counts c WHERE c.category = {p}), 0)"
            ));
        }
        if let Some(unit) = filter.unit {
            let p = f.param(Param::int(unit));
            f.and(format!("p.unit_id = {p}"));
        }
        if let Some(org) = filter.organization {
            let p = f.param(Param::int(org));
            f.and(format!("p.organization_id = {p}"));
        }
        if let Some(country) = &filter.nationality {
            let p = f.param(Param::text(liaison_core::country_filter_code(country)));
            f.and(format!("p.nationality = {p}"));
        }
        let order: &[&str] = match page.sort.as_str() {
            "created" => &["p.created_at", "p.id"],
            "updated" => &["p.updated_at", "p.id"],
            _ => &["COALESCE(p.name_en, p.name_zh)", "p.id"],
        };
        // Words alone: the number found is the total; a category alone: its kept count
        // (migration `people_category_counts`).
        let total = match (&found, category_kept) {
            (Some(found), _) if f.len() == 1 => Total::Known(found.len() as i64),
            (None, Some(count)) if f.len() == 1 => Total::Expression(count),
            _ => Total::Counted {
                from: "people p",
                count: "COUNT(*)",
            },
        };
        let list = ListQuery {
            columns: columns(),
            page_columns: Selection::default(),
            from: FROM,
            total,
            filter: f,
            order,
        };
        store.list_page(list, page, from_row).await
    }
}

// Its documents, for search (the kind is declared searchable).
inventory::submit! { crate::search::DocumentReader::of::<Person>() }

impl StoredRecord for Person {
    async fn fetch(conn: &mut AnyConnection, _: &Policy, id: i64) -> Result<Person> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM {FROM} WHERE p.id = $1",
            columns().sql()
        ))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| DomainError::not_found("person", id))?;
        from_row(&row)
    }
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
        Ref::Link(l) => resolve::link(conn, PERSON, path, l).await,
        Ref::New(input) => {
            if let Some(id) = resolve::id_by_key(conn, PERSON, &input.key).await? {
                return Ok(id);
            }
            insert(conn, actor, path, input).await
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
