//! Organizations and their identifiers and affiliations.

use std::future::Future;
use std::pin::Pin;

use liaison_core::{
    Actor, Affiliation, Error as DomainError, ORGANIZATION, ORGANIZATION_SORTS, Organization,
    OrganizationFilter, OrganizationInput, Page, PageRequest, Policy, Ref,
};
use sqlx::AnyConnection;

use crate::records::Records;
use crate::resolve::StoredRecord;
use crate::resolve::{self, sub};
use crate::sql::{self, Columns, Filter, ListQuery, Param, RowExt, Selection, Total, enum_text};
use crate::{Backend, Error, Result, Store, blocks, names, records};

/// An organization's own columns.
fn columns() -> Selection {
    Selection::of(
        "o",
        &[
            "id",
            "key",
            "version",
            "created_at",
            "updated_at",
            "kind",
            "country",
            "region",
            "name_zh",
            "name_en",
            "name_original",
            "abbreviation",
            "founded_year",
            "membership",
            "profile_zh",
            "profile_en",
            "website",
        ],
    )
}

/// The identifiers and affiliations of the organization numbered `id` (an SQL expression),
/// each list one JSON array built by the database (see `Backend::json_rows_sql`): one
/// organization, like a page of the list, is read in one statement, however long its lists.
fn lists(backend: Backend, id: &str) -> Selection {
    let identifiers = backend.json_rows_sql(
        &[("scheme", "i.scheme"), ("value", "i.value")],
        &format!("FROM organization_identifiers i WHERE i.organization_id = {id}"),
        "i.position",
    );
    let mut affiliation_fields = sql::named_fields("rel");
    for field in ["relation", "note"] {
        affiliation_fields.push((field, format!("a.{field}")));
    }
    let affiliations = backend.json_rows_sql(
        &affiliation_fields,
        &format!(
            "FROM organization_affiliations a \
             JOIN organizations rel ON rel.id = a.related_organization_id \
             WHERE a.organization_id = {id}"
        ),
        "a.position",
    );
    Selection::default()
        .with(identifiers, "identifiers")
        .with(affiliations, "affiliations")
}

/// An organization's own columns; the region class is stored so lists can filter on it.
fn data(input: &OrganizationInput) -> Columns {
    Columns::default()
        .text("kind", Some(&enum_text(&input.kind)))
        .text("country", Some(input.country.as_str()))
        .text("region", Some(&enum_text(&input.country.region())))
        .text("name_zh", input.name_zh.as_deref())
        .text("name_en", input.name_en.as_deref())
        .text("name_original", input.name_original.as_deref())
        .text("abbreviation", input.abbreviation.as_deref())
        .int("founded_year", input.founded_year.map(i64::from))
        .int("membership", input.membership)
        .text("profile_zh", input.profile_zh.as_deref())
        .text("profile_en", input.profile_en.as_deref())
        .text("website", input.website.as_deref())
}

fn from_row(row: &impl RowExt) -> Result<Organization> {
    let country = row.text("country")?;
    Ok(Organization {
        meta: row.meta()?,
        kind: row.enumerated("kind")?,
        country: liaison_core::CountryCode::parse(&country).map_err(Error::Corrupt)?,
        region: row.enumerated("region")?,
        name_zh: row.opt_text("name_zh")?,
        name_en: row.opt_text("name_en")?,
        name_original: row.opt_text("name_original")?,
        abbreviation: row.opt_text("abbreviation")?,
        identifiers: row.json("identifiers")?,
        founded_year: row.opt_int("founded_year")?.map(|y| y as i32),
        membership: row.opt_int("membership")?,
        affiliations: row
            .json::<Vec<AffiliationJson>>("affiliations")?
            .into_iter()
            .map(|a| {
                Ok(Affiliation {
                    organization: a.organization.named(),
                    relation: sql::parse_enum(&a.relation)?,
                    note: a.note,
                })
            })
            .collect::<Result<_>>()?,
        profile_zh: row.opt_text("profile_zh")?,
        profile_en: row.opt_text("profile_en")?,
        website: row.opt_text("website")?,
    })
}

/// Creates an organization with its identifiers and affiliations; `path` places field errors
/// when the organization is nested in another record.
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    actor: &Actor,
    path: &str,
    input: &OrganizationInput,
) -> Result<i64> {
    let id = insert_row(conn, actor, path, input).await?;
    write_children(conn, actor, path, id, input).await?;
    Ok(id)
}

/// Creates an organization without identifiers and affiliations: an import creates every
/// organization first, so that affiliations may point either way.
pub(crate) async fn insert_row(
    conn: &mut AnyConnection,
    actor: &Actor,
    path: &str,
    input: &OrganizationInput,
) -> Result<i64> {
    resolve::key_is_free(conn, ORGANIZATION, path, &input.key, None).await?;
    let id =
        records::insert_record(conn, actor, ORGANIZATION, None, &input.key, data(input)).await?;
    names::write_folded(conn, "organizations", id, &names_of(input)).await?;
    Ok(id)
}

/// An organization's names, as they are looked up when typed.
fn names_of(input: &OrganizationInput) -> [Option<&str>; 4] {
    [
        input.name_zh.as_deref(),
        input.name_en.as_deref(),
        input.name_original.as_deref(),
        input.abbreviation.as_deref(),
    ]
}

/// Replaces an organization's identifiers and affiliations with those submitted.
pub(crate) async fn write_children(
    conn: &mut AnyConnection,
    actor: &Actor,
    path: &str,
    id: i64,
    input: &OrganizationInput,
) -> Result<()> {
    sqlx::query("DELETE FROM organization_identifiers WHERE organization_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for (i, identifier) in input.identifiers.iter().enumerate() {
        let holder: Option<i64> = sqlx::query_scalar(
            "SELECT organization_id FROM organization_identifiers WHERE scheme = $1 AND value = $2",
        )
        .bind(identifier.scheme.as_str())
        .bind(identifier.value.as_str())
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(holder) = holder {
            return Err(DomainError::invalid(
                sub(path, &format!("identifiers[{i}]")),
                "taken",
                format!(
                    "{} {} already identifies organization {holder}",
                    identifier.scheme, identifier.value
                ),
            )
            .into());
        }
        sqlx::query(
            "INSERT INTO organization_identifiers (organization_id, position, scheme, value) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(i as i64)
        .bind(identifier.scheme.as_str())
        .bind(identifier.value.as_str())
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("DELETE FROM organization_affiliations WHERE organization_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for (i, affiliation) in input.affiliations.iter().enumerate() {
        let field = sub(path, &format!("affiliations[{i}].organization"));
        let related = organization(conn, actor, &field, &affiliation.organization).await?;
        if related == id {
            return Err(DomainError::invalid(
                field,
                "self",
                "an organization cannot be affiliated with itself",
            )
            .into());
        }
        sqlx::query(
            "INSERT INTO organization_affiliations \
             (organization_id, position, related_organization_id, relation, note) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(i as i64)
        .bind(related)
        .bind(enum_text(&affiliation.relation))
        .bind(affiliation.note.as_deref())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

impl Store {}

impl Records for Organization {
    type Input = OrganizationInput;
    type Filter = OrganizationFilter;
    type Row = Organization;

    fn version(input: &OrganizationInput) -> Option<i64> {
        input.version
    }

    async fn insert(
        conn: &mut AnyConnection,
        actor: &Actor,
        input: &OrganizationInput,
    ) -> Result<i64> {
        insert(conn, actor, "", input).await
    }

    async fn rewrite(
        conn: &mut AnyConnection,
        actor: &Actor,
        id: i64,
        version: i64,
        input: &OrganizationInput,
    ) -> Result<()> {
        resolve::key_is_free(conn, ORGANIZATION, "", &input.key, Some(id)).await?;
        let columns = data(input);
        records::update_record(conn, ORGANIZATION, id, version, &input.key, columns).await?;
        names::write_folded(conn, "organizations", id, &names_of(input)).await?;
        write_children(conn, actor, "", id, input).await
    }

    async fn list(
        store: &Store,
        filter: &OrganizationFilter,
        page: &PageRequest,
    ) -> Result<Page<Organization>> {
        let mut f = Filter::default();
        // The words of the names are looked up in the search index; the list is of those found.
        let found = match filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            Some(q) => Some(blocks::titled(store, ORGANIZATION, q).await?),
            None => None,
        };
        if let Some(found) = &found {
            f.among(store.backend, "o.id", found);
        }
        if let Some(kind) = &filter.kind {
            let p = f.param(Param::text(enum_text(kind)));
            f.and(format!("o.kind = {p}"));
        }
        if let Some(country) = &filter.country {
            let p = f.param(Param::text(liaison_core::country_filter_code(country)));
            f.and(format!("o.country = {p}"));
        }
        if let Some(region) = &filter.region {
            let p = f.param(Param::text(enum_text(region)));
            f.and(format!("o.region = {p}"));
        }
        let order: &[&str] = match page.sort.as_str() {
            "country" => &["o.country", "o.id"],
            "founded" => &["o.founded_year NULLS LAST", "o.id"],
            "created" => &["o.created_at", "o.id"],
            "updated" => &["o.updated_at", "o.id"],
            _ => &["COALESCE(o.name_en, o.name_zh)", "o.id"],
        };
        debug_assert!(ORGANIZATION_SORTS.contains(&page.sort.as_str()));
        // Words alone: the number found is the total.
        let total = match &found {
            Some(found) if f.len() == 1 => Total::Known(found.len() as i64),
            _ => Total::Counted {
                from: "organizations o",
                count: "COUNT(*)",
            },
        };
        let list = ListQuery {
            columns: columns(),
            // Built for the page's rows only, from their numbers.
            page_columns: lists(store.backend, "r.id"),
            from: "organizations o",
            total,
            filter: f,
            order,
        };
        store.list_page(list, page, from_row).await
    }
}

// Its documents, for search (the kind is declared searchable).
inventory::submit! { crate::search::DocumentReader::of::<Organization>() }

impl StoredRecord for Organization {
    async fn fetch(conn: &mut AnyConnection, _: &Policy, id: i64) -> Result<Organization> {
        let row = sqlx::query(&format!(
            "SELECT {}, {} FROM organizations o WHERE o.id = $1",
            columns().sql(),
            lists(Backend::of(conn), "o.id").sql()
        ))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| DomainError::not_found("organization", id))?;
        from_row(&row)
    }
}

/// An affiliation read as JSON with the organization it names.
#[derive(serde::Deserialize)]
struct AffiliationJson {
    #[serde(flatten)]
    organization: sql::NamedJson,
    relation: String,
    note: Option<String>,
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
            Ref::Link(l) => resolve::link(conn, ORGANIZATION, path, l).await,
            Ref::New(input) => {
                if let Some(id) = resolve::id_by_key(conn, ORGANIZATION, &input.key).await? {
                    return Ok(id);
                }
                insert(conn, actor, path, input).await
            }
        }
    })
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
