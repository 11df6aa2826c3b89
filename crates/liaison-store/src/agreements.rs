//! Agreements with their partners and signatories.

use liaison_core::accounts::authorize_role;
use liaison_core::{
    Action, Actor, Agreement, AgreementFilter, AgreementInput, Error as DomainError, Page,
    PageRequest, Policy, RecordKind, Signatory, Validate,
};
use sqlx::AnyConnection;

use crate::resolve::StoredRecord;
use crate::resolve::{self, Table, sub};
use crate::sql::{
    self, Columns, Filter, ListQuery, Param, RowExt, Selection, Total, date_text, enum_text,
};
use crate::{Error, Result, Store, organizations, people, records};

fn columns() -> Selection {
    Selection::of(
        "g",
        &[
            "id",
            "key",
            "version",
            "created_at",
            "updated_at",
            "kind",
            "title_zh",
            "title_en",
            "signed_on",
            "valid_from",
            "valid_to",
            "status",
            "notes",
        ],
    )
    .named("u", "unit")
}

const FROM: &str = "agreements g LEFT JOIN units u ON u.id = g.unit_id";

fn from_row(row: &impl RowExt) -> Result<Agreement> {
    Ok(Agreement {
        meta: row.meta()?,
        kind: row.enumerated("kind")?,
        title_zh: row.opt_text("title_zh")?,
        title_en: row.opt_text("title_en")?,
        partners: Vec::new(),
        signatories: Vec::new(),
        unit: row.named("unit")?,
        signed_on: row.opt_date("signed_on")?,
        valid_from: row.opt_date("valid_from")?,
        valid_to: row.opt_date("valid_to")?,
        status: row.enumerated("status")?,
        notes: row.opt_text("notes")?,
    })
}

/// The agreement's own columns, with its unit already resolved.
fn data(input: &AgreementInput, unit: Option<i64>) -> Columns {
    Columns::default()
        .text("kind", Some(&enum_text(&input.kind)))
        .text("title_zh", input.title_zh.as_deref())
        .text("title_en", input.title_en.as_deref())
        .int("unit_id", unit)
        .text("signed_on", input.signed_on.map(date_text).as_deref())
        .text("valid_from", input.valid_from.map(date_text).as_deref())
        .text("valid_to", input.valid_to.map(date_text).as_deref())
        .text("status", Some(&enum_text(&input.status)))
        .text("notes", input.notes.as_deref())
}

/// Replaces an agreement's partners and signatories with those submitted.
async fn write_children(
    conn: &mut AnyConnection,
    actor: &Actor,
    path: &str,
    id: i64,
    input: &AgreementInput,
) -> Result<()> {
    for table in ["agreement_partners", "agreement_signatories"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE agreement_id = $1"))
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    organizations::partners(
        conn,
        actor,
        ("agreement_partners", "agreement_id"),
        id,
        path,
        &input.partners,
    )
    .await?;
    for (i, s) in input.signatories.iter().enumerate() {
        let field = sub(path, &format!("signatories[{i}]"));
        let person =
            people::optional_person(conn, actor, &sub(&field, "person"), &s.person).await?;
        let org = organizations::optional_organization(
            conn,
            actor,
            &sub(&field, "organization"),
            &s.organization,
        )
        .await?;
        sqlx::query(
            "INSERT INTO agreement_signatories (agreement_id, position, person_id, name, \
             organization_id, capacity) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(i as i64)
        .bind(person)
        .bind(s.name.as_deref())
        .bind(org)
        .bind(s.capacity.as_deref())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub(crate) async fn insert(
    conn: &mut AnyConnection,
    actor: &Actor,
    path: &str,
    input: &AgreementInput,
) -> Result<i64> {
    resolve::key_is_free(conn, Table::Agreement, path, &input.key, None).await?;
    let unit = resolve::optional_link(conn, Table::Unit, &sub(path, "unit"), &input.unit).await?;
    let columns = data(input, unit);
    let id =
        records::insert_record(conn, actor, Table::Agreement, unit, &input.key, columns).await?;
    write_children(conn, actor, path, id, input).await?;
    Ok(id)
}

/// Reads an agreement's partners and signatories.
async fn load_children(conn: &mut AnyConnection, agreement: &mut Agreement) -> Result<()> {
    let id = agreement.meta.id;
    agreement.partners = sqlx::query(&format!(
        "SELECT {} FROM agreement_partners ap JOIN organizations o ON o.id = ap.organization_id \
             WHERE ap.agreement_id = $1 ORDER BY ap.position",
        sql::named_columns("o", "org")
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        r.named("org")?
            .ok_or_else(|| Error::Corrupt("partner".into()))
    })
    .collect::<Result<_>>()?;
    agreement.signatories = sqlx::query(&format!(
        "SELECT s.name, s.capacity, {}, {} FROM agreement_signatories s \
             LEFT JOIN people p ON p.id = s.person_id \
             LEFT JOIN organizations o ON o.id = s.organization_id \
             WHERE s.agreement_id = $1 ORDER BY s.position",
        sql::named_columns("p", "person"),
        sql::named_columns("o", "org")
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(Signatory {
            person: r.named("person")?,
            name: r.opt_text("name")?,
            organization: r.named("org")?,
            capacity: r.opt_text("capacity")?,
        })
    })
    .collect::<Result<_>>()?;
    Ok(())
}

impl Store {
    pub async fn list_agreements(
        &self,
        filter: &AgreementFilter,
        page: &PageRequest,
    ) -> Result<Page<Agreement>> {
        let mut f = Filter::default();
        f.contains(&["g.title_zh", "g.title_en"], &filter.q);
        if let Some(kind) = &filter.kind {
            let p = f.param(Param::text(enum_text(kind)));
            f.and(format!("g.kind = {p}"));
        }
        if let Some(status) = &filter.status {
            let p = f.param(Param::text(enum_text(status)));
            f.and(format!("g.status = {p}"));
        }
        if let Some(org) = filter.organization {
            let p = f.param(Param::int(org));
            f.and(format!(
                "EXISTS (SELECT 1 FROM agreement_partners ap WHERE ap.agreement_id = g.id \
                 AND ap.organization_id = {p})"
            ));
        }
        if let Some(date) = filter.expires_before {
            let p = f.param(Param::text(date_text(date)));
            f.and(format!("g.valid_to <= {p}"));
        }
        let order: &[&str] = match page.sort.as_str() {
            "valid_to" => &["g.valid_to NULLS LAST", "g.id"],
            "title" => &["COALESCE(g.title_en, g.title_zh)", "g.id"],
            "created" => &["g.created_at", "g.id"],
            "updated" => &["g.updated_at", "g.id"],
            _ => &["g.signed_on NULLS LAST", "g.id"],
        };
        let list = ListQuery {
            columns: columns(),
            page_columns: Selection::default(),
            from: FROM,
            total: Total::Counted {
                from: "agreements g",
                count: "COUNT(*)",
            },
            filter: f,
            order,
        };
        let mut page = self.list_page(list, page, from_row).await?;
        let mut conn = self.read.acquire().await?;
        for agreement in &mut page.items {
            load_children(&mut conn, agreement).await?;
        }
        Ok(page)
    }

    pub async fn get_agreement(&self, id: i64) -> Result<Agreement> {
        self.get(id).await
    }

    pub async fn create_agreement(
        &self,
        actor: &Actor,
        input: AgreementInput,
    ) -> Result<Agreement> {
        authorize_role(actor, Action::Create, RecordKind::Agreement)?;
        let input = input.validated()?;
        self.create_with(actor, async |conn| insert(conn, actor, "", &input).await)
            .await
    }

    pub async fn update_agreement(
        &self,
        actor: &Actor,
        id: i64,
        input: AgreementInput,
    ) -> Result<Agreement> {
        authorize_role(actor, Action::Change, RecordKind::Agreement)?;
        let input = input.validated()?;
        let version = records::required_version(input.version)?;
        self.update_with(actor, id, async |conn| {
            resolve::key_is_free(conn, Table::Agreement, "", &input.key, Some(id)).await?;
            let unit = resolve::optional_link(conn, Table::Unit, "unit", &input.unit).await?;
            let columns = data(&input, unit);
            records::update_record(conn, Table::Agreement, id, version, &input.key, columns)
                .await?;
            write_children(conn, actor, "", id, &input).await
        })
        .await
    }

    pub async fn delete_agreement(&self, actor: &Actor, id: i64) -> Result<()> {
        self.delete_with::<Agreement>(actor, id).await
    }
}

impl StoredRecord for Agreement {
    const TABLE: Table = Table::Agreement;

    async fn fetch(conn: &mut AnyConnection, _: &Policy, id: i64) -> Result<Agreement> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM {FROM} WHERE g.id = $1",
            columns().sql()
        ))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| DomainError::not_found("agreement", id))?;
        let mut agreement = from_row(&row)?;
        load_children(conn, &mut agreement).await?;
        Ok(agreement)
    }

    fn unit(&self) -> Option<i64> {
        self.unit.as_ref().map(|u| u.id)
    }
}
