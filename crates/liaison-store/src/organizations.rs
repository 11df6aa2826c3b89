//! Organizations and their identifiers and affiliations.

use liaison_core::ORGANIZATION;
use liaison_core::accounts::authorize_role;
use liaison_core::{
    Action, Actor, Affiliation, Error as DomainError, ORGANIZATION_SORTS, Organization,
    OrganizationFilter, OrganizationInput, Page, PageRequest, Policy, RecordKind, Validate,
};
use sqlx::AnyConnection;

use crate::records::StoredRecord;
use crate::resolve::{self, sub};
use crate::sql::{self, Columns, Filter, ListQuery, Param, RowExt, Total, enum_text};
use crate::{Backend, Error, Result, Store};

const COLUMNS: &str = "o.id, o.key, o.version, o.created_at, o.updated_at, o.kind, o.country, \
    o.region, o.name_zh, o.name_en, o.name_original, o.abbreviation, o.founded_year, \
    o.membership, o.profile_zh, o.profile_en, o.website";

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
        identifiers: Vec::new(),
        founded_year: row.opt_int("founded_year")?.map(|y| y as i32),
        membership: row.opt_int("membership")?,
        affiliations: Vec::new(),
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
    sql::insert_record(conn, actor, ORGANIZATION, None, &input.key, data(input)).await
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
        let related = resolve::organization(conn, actor, &field, &affiliation.organization).await?;
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

impl Store {
    pub async fn list_organizations(
        &self,
        filter: &OrganizationFilter,
        page: &PageRequest,
    ) -> Result<Page<Organization>> {
        let mut f = Filter::default();
        f.contains(
            &[
                "o.name_zh",
                "o.name_en",
                "o.name_original",
                "o.abbreviation",
            ],
            &filter.q,
        );
        if let Some(kind) = &filter.kind {
            let p = f.param(Param::text(enum_text(kind)));
            f.and(format!("o.kind = {p}"));
        }
        if let Some(country) = &filter.country {
            let p = f.param(Param::text(country.trim().to_ascii_uppercase()));
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
        let list = ListQuery {
            columns: COLUMNS,
            from: "organizations o",
            total: Total::Counted {
                from: "organizations o",
                count: "COUNT(*)",
            },
            filter: f,
            order,
        };
        self.list_page(list, page, from_row).await
    }

    pub async fn get_organization(&self, id: i64) -> Result<Organization> {
        self.get(id).await
    }

    pub async fn create_organization(
        &self,
        actor: &Actor,
        input: OrganizationInput,
    ) -> Result<Organization> {
        authorize_role(actor, Action::Create, ORGANIZATION)?;
        let input = input.validated()?;
        self.create_with(actor, async |conn| insert(conn, actor, "", &input).await)
            .await
    }

    pub async fn update_organization(
        &self,
        actor: &Actor,
        id: i64,
        input: OrganizationInput,
    ) -> Result<Organization> {
        authorize_role(actor, Action::Change, ORGANIZATION)?;
        let input = input.validated()?;
        let version = sql::required_version(input.version)?;
        self.update_with(actor, id, async |conn| {
            resolve::key_is_free(conn, ORGANIZATION, "", &input.key, Some(id)).await?;
            let columns = data(&input);
            sql::update_record(conn, ORGANIZATION, id, version, &input.key, columns).await?;
            write_children(conn, actor, "", id, &input).await
        })
        .await
    }

    pub async fn delete_organization(&self, actor: &Actor, id: i64) -> Result<()> {
        self.delete_with::<Organization>(actor, id).await
    }
}

impl StoredRecord for Organization {
    const KIND: RecordKind = ORGANIZATION;

    async fn fetch(conn: &mut AnyConnection, _: &Policy, id: i64) -> Result<Organization> {
        // The organization and its lists in one statement (see `Backend::json_rows_sql`).
        let backend = Backend::of(conn);
        let identifiers = backend.json_rows_sql(
            &[("scheme", "i.scheme"), ("value", "i.value")],
            "FROM organization_identifiers i WHERE i.organization_id = o.id",
            "i.position",
        );
        let mut affiliation_fields = sql::named_fields("r");
        for field in ["relation", "note"] {
            affiliation_fields.push((field, format!("a.{field}")));
        }
        let affiliations = backend.json_rows_sql(
            &affiliation_fields,
            "FROM organization_affiliations a \
             JOIN organizations r ON r.id = a.related_organization_id \
             WHERE a.organization_id = o.id",
            "a.position",
        );
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS}, {identifiers} AS identifiers, {affiliations} AS affiliations \
             FROM organizations o WHERE o.id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| DomainError::not_found("organization", id))?;
        let mut org = from_row(&row)?;
        org.identifiers = row.json("identifiers")?;
        org.affiliations = row
            .json::<Vec<AffiliationJson>>("affiliations")?
            .into_iter()
            .map(|a| {
                Ok(Affiliation {
                    organization: a.organization.named(),
                    relation: sql::parse_enum(&a.relation)?,
                    note: a.note,
                })
            })
            .collect::<Result<_>>()?;
        Ok(org)
    }

    /// Organizations are shared by every unit.
    fn unit(&self) -> Option<i64> {
        None
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
