//! People, internal and external.

use liaison_core::{
    Error as DomainError, Page, PageRequest, Person, PersonFilter, PersonInput, Validate,
};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::resolve::{self, Table, sub};
use crate::sql::{self, Filter, ListQuery, Param, RowExt, enum_text};
use crate::{Error, Result, Store};

fn columns() -> String {
    format!(
        "p.id, p.key, p.version, p.created_at, p.updated_at, p.category, p.name_zh, p.name_en, \
         p.name_original, p.position, p.title, p.nationality, p.email, p.phone, p.notes, {}, {}",
        sql::named_columns("u", "unit"),
        sql::named_columns("o", "org")
    )
}

const FROM: &str = "people p LEFT JOIN units u ON u.id = p.unit_id \
    LEFT JOIN organizations o ON o.id = p.organization_id";

fn from_row(row: &AnyRow) -> Result<Person> {
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
        email: row.opt_text("email")?,
        phone: row.opt_text("phone")?,
        notes: row.opt_text("notes")?,
    })
}

/// The unit and organization of a submitted person, as row numbers.
async fn links(
    conn: &mut AnyConnection,
    path: &str,
    input: &PersonInput,
) -> Result<(Option<i64>, Option<i64>)> {
    let unit = resolve::optional_link(conn, Table::Unit, &sub(path, "unit"), &input.unit).await?;
    let organization =
        resolve::optional_organization(conn, &sub(path, "organization"), &input.organization)
            .await?;
    Ok((unit, organization))
}

/// Creates a person, and their organization when it is new.
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    path: &str,
    input: &PersonInput,
) -> Result<i64> {
    resolve::key_is_free(conn, Table::Person, path, &input.key, None).await?;
    let (unit, organization) = links(conn, path, input).await?;
    let now = sql::now();
    let id = sqlx::query_scalar(
        "INSERT INTO people (key, created_at, updated_at, category, name_zh, name_en, \
         name_original, unit_id, organization_id, position, title, nationality, email, phone, \
         notes) VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         RETURNING id",
    )
    .bind(input.key.as_deref())
    .bind(now.as_str())
    .bind(enum_text(&input.category))
    .bind(input.name_zh.as_deref())
    .bind(input.name_en.as_deref())
    .bind(input.name_original.as_deref())
    .bind(unit)
    .bind(organization)
    .bind(input.position.as_deref())
    .bind(input.title.as_deref())
    .bind(input.nationality.map(|c| c.as_str().to_owned()))
    .bind(input.email.as_deref())
    .bind(input.phone.as_deref())
    .bind(input.notes.as_deref())
    .fetch_one(&mut *conn)
    .await
    .map_err(Error::from_write)?;
    Ok(id)
}

impl Store {
    pub async fn list_people(
        &self,
        filter: &PersonFilter,
        page: &PageRequest,
    ) -> Result<Page<Person>> {
        let mut f = Filter::default();
        f.contains(
            &["p.name_zh", "p.name_en", "p.name_original", "p.position"],
            &filter.q,
        );
        if let Some(category) = &filter.category {
            let p = f.param(Param::Text(enum_text(category)));
            f.and(format!("p.category = {p}"));
        }
        if let Some(unit) = filter.unit {
            let p = f.param(Param::Int(unit));
            f.and(format!("p.unit_id = {p}"));
        }
        if let Some(org) = filter.organization {
            let p = f.param(Param::Int(org));
            f.and(format!("p.organization_id = {p}"));
        }
        if let Some(country) = &filter.nationality {
            let p = f.param(Param::Text(country.trim().to_ascii_uppercase()));
            f.and(format!("p.nationality = {p}"));
        }
        let order: &[&str] = match page.sort.as_str() {
            "created" => &["p.created_at", "p.id"],
            "updated" => &["p.updated_at", "p.id"],
            _ => &["COALESCE(p.name_en, p.name_zh)", "p.id"],
        };
        let columns = columns();
        let list = ListQuery {
            columns: &columns,
            from: FROM,
            filter: f,
            order,
        };
        self.list_page(list, page, from_row).await
    }

    pub async fn get_person(&self, id: i64) -> Result<Person> {
        let row = sqlx::query(&format!("SELECT {} FROM {FROM} WHERE p.id = $1", columns()))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or_else(|| DomainError::not_found("person", id))?;
        from_row(&row)
    }

    pub async fn create_person(&self, input: PersonInput) -> Result<Person> {
        let input = input.validated()?;
        let mut tx = self.write.begin().await?;
        let id = insert(&mut tx, "", &input).await?;
        tx.commit().await?;
        self.get_person(id).await
    }

    pub async fn update_person(&self, id: i64, input: PersonInput) -> Result<Person> {
        let result = async {
            let input = input.validated()?;
            let version = sql::required_version(input.version)?;
            let mut tx = self.write.begin().await?;
            resolve::key_is_free(&mut tx, Table::Person, "", &input.key, Some(id)).await?;
            let (unit, organization) = links(&mut tx, "", &input).await?;
            let updated = sqlx::query(
                "UPDATE people SET key = $3, version = version + 1, updated_at = $4, \
                 category = $5, name_zh = $6, name_en = $7, name_original = $8, unit_id = $9, \
                 organization_id = $10, position = $11, title = $12, nationality = $13, \
                 email = $14, phone = $15, notes = $16 WHERE id = $1 AND version = $2",
            )
            .bind(id)
            .bind(version)
            .bind(input.key.as_deref())
            .bind(sql::now())
            .bind(enum_text(&input.category))
            .bind(input.name_zh.as_deref())
            .bind(input.name_en.as_deref())
            .bind(input.name_original.as_deref())
            .bind(unit)
            .bind(organization)
            .bind(input.position.as_deref())
            .bind(input.title.as_deref())
            .bind(input.nationality.map(|c| c.as_str().to_owned()))
            .bind(input.email.as_deref())
            .bind(input.phone.as_deref())
            .bind(input.notes.as_deref())
            .execute(&mut *tx)
            .await
            .map_err(Error::from_write)?;
            if updated.rows_affected() == 0 {
                return Err(sql::refuse_stale(&mut tx, "people", "person", id, version).await);
            }
            tx.commit().await?;
            self.get_person(id).await
        }
        .await;
        sql::with_current(result, self.get_person(id)).await
    }

    pub async fn delete_person(&self, id: i64) -> Result<()> {
        self.delete_row("people", "person", id).await
    }
}
