//! Agreements with their partners and signatories.

use crate::records::Records;
use liaison_core::lifecycle::Who;
use liaison_core::{
    ACTIVITY, AGREEMENT, Actor, Agreement, AgreementFilter, AgreementInput, AgreementStatus,
    Error as DomainError, Link, Page, PageRequest, Policy, RENEWABLE, RecordEvent, Ref, Signatory,
    SignatoryInput, TransitionRequest, UNIT, Validate,
};
use serde::Deserialize;
use sqlx::AnyConnection;

use crate::resolve::{self, StoredRecord, sub};
use crate::sql::{
    self, Columns, Filter, ListQuery, NamedJson, Param, RowExt, Selection, Total, date_text,
    enum_text, placeholders,
};
use crate::transitions::{self, StatefulRecord};
use crate::{Backend, Result, Store, organizations, people, records};

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
    .with("r.id", "renews_id")
    .with("r.key", "renews_key")
    .with("r.title_zh", "renews_name_zh")
    .with("r.title_en", "renews_name_en")
    .with("act.id", "activity_id")
    .with("act.key", "activity_key")
    .with("act.title_zh", "activity_name_zh")
    .with("act.title_en", "activity_name_en")
}

const FROM: &str = "agreements g LEFT JOIN units u ON u.id = g.unit_id \
                    LEFT JOIN agreements r ON r.id = g.renews_id \
                    LEFT JOIN activities act ON act.id = g.activity_id";

fn from_row(row: &impl RowExt) -> Result<Agreement> {
    Ok(Agreement {
        meta: row.meta()?,
        kind: row.enumerated("kind")?,
        title_zh: row.opt_text("title_zh")?,
        title_en: row.opt_text("title_en")?,
        partners: Vec::new(),
        signatories: Vec::new(),
        unit: row.named("unit")?,
        activity: row.named("activity")?,
        signed_on: row.opt_date("signed_on")?,
        valid_from: row.opt_date("valid_from")?,
        valid_to: row.opt_date("valid_to")?,
        status: row.enumerated("status")?,
        renews: row.named("renews")?,
        renewed_by: Vec::new(),
        notes: row.opt_text("notes")?,
    })
}

/// The agreement's own columns but its state, with its unit and the agreement it renews
/// already resolved.
fn data(
    input: &AgreementInput,
    unit: Option<i64>,
    renews: Option<i64>,
    activity: Option<i64>,
) -> Columns {
    Columns::default()
        .int("activity_id", activity)
        .text("kind", Some(&enum_text(&input.kind)))
        .text("title_zh", input.title_zh.as_deref())
        .text("title_en", input.title_en.as_deref())
        .int("unit_id", unit)
        .text("signed_on", input.signed_on.map(date_text).as_deref())
        .text("valid_from", input.valid_from.map(date_text).as_deref())
        .text("valid_to", input.valid_to.map(date_text).as_deref())
        .int("renews_id", renews)
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

/// Inserts an agreement in the state its input names (a draft unless it names one) and returns
/// its number. The first event of its history is the caller's to write: an import may bring
/// the agreement's history with it.
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    actor: &Actor,
    path: &str,
    input: &AgreementInput,
) -> Result<i64> {
    resolve::key_is_free(conn, AGREEMENT, path, &input.key, None).await?;
    let unit = resolve::optional_link(conn, UNIT, &sub(path, "unit"), &input.unit).await?;
    let renews =
        resolve::optional_link(conn, AGREEMENT, &sub(path, "renews"), &input.renews).await?;
    let activity =
        resolve::optional_link(conn, ACTIVITY, &sub(path, "activity"), &input.activity).await?;
    let status = input.status.unwrap_or_default();
    let columns = data(input, unit, renews, activity).text("status", Some(status.as_str()));
    let id = records::insert_record(conn, actor, AGREEMENT, unit, &input.key, columns).await?;
    write_children(conn, actor, path, id, input).await?;
    Ok(id)
}

/// A signatory as the database lists it ([`Backend::json_rows_sql`]), with the person and the
/// organization it names, when it names them, in fields of their own.
#[derive(Deserialize)]
struct SignatoryJson {
    name: Option<String>,
    capacity: Option<String>,
    person_id: Option<i64>,
    person_key: Option<String>,
    person_name_zh: Option<String>,
    person_name_en: Option<String>,
    org_id: Option<i64>,
    org_key: Option<String>,
    org_name_zh: Option<String>,
    org_name_en: Option<String>,
}

impl SignatoryJson {
    fn signatory(self) -> Signatory {
        let named = |id: Option<i64>, key, name_zh, name_en| {
            id.map(|id| {
                NamedJson {
                    id,
                    key,
                    name_zh,
                    name_en,
                }
                .named()
            })
        };
        Signatory {
            person: named(
                self.person_id,
                self.person_key,
                self.person_name_zh,
                self.person_name_en,
            ),
            name: self.name,
            organization: named(
                self.org_id,
                self.org_key,
                self.org_name_zh,
                self.org_name_en,
            ),
            capacity: self.capacity,
        }
    }
}

/// The fields of a record named in a list whose names are titles, read from alias `alias`.
fn titled_fields(alias: &str) -> Vec<(&'static str, String)> {
    vec![
        ("id", format!("{alias}.id")),
        ("key", format!("{alias}.key")),
        ("name_zh", format!("{alias}.title_zh")),
        ("name_en", format!("{alias}.title_en")),
    ]
}

/// Reads the partners, signatories and renewals of the agreements in one statement, whatever
/// their number: a page of the list costs the same two statements as one agreement.
async fn load_children(conn: &mut AnyConnection, agreements: &mut [Agreement]) -> Result<()> {
    if agreements.is_empty() {
        return Ok(());
    }
    let backend = Backend::of(conn);
    let partners = backend.json_rows_sql(
        &sql::named_fields("o"),
        "FROM agreement_partners ap JOIN organizations o ON o.id = ap.organization_id \
         WHERE ap.agreement_id = g.id",
        "ap.position",
    );
    let signatories = backend.json_rows_sql(
        &[
            ("name", "s.name"),
            ("capacity", "s.capacity"),
            ("person_id", "p.id"),
            ("person_key", "p.key"),
            ("person_name_zh", "p.name_zh"),
            ("person_name_en", "p.name_en"),
            ("org_id", "o.id"),
            ("org_key", "o.key"),
            ("org_name_zh", "o.name_zh"),
            ("org_name_en", "o.name_en"),
        ],
        "FROM agreement_signatories s \
         LEFT JOIN people p ON p.id = s.person_id \
         LEFT JOIN organizations o ON o.id = s.organization_id \
         WHERE s.agreement_id = g.id",
        "s.position",
    );
    let renewed_by = backend.json_rows_sql(
        &titled_fields("n"),
        "FROM agreements n WHERE n.renews_id = g.id",
        "n.id",
    );
    let sql = format!(
        "SELECT g.id, {partners} AS partners, {signatories} AS signatories, \
         {renewed_by} AS renewed_by FROM agreements g WHERE g.id IN ({})",
        placeholders(1, agreements.len())
    );
    let mut query = sqlx::query(&sql);
    for agreement in agreements.iter() {
        query = query.bind(agreement.meta.id);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    for row in rows {
        let id = row.int("id")?;
        let Some(agreement) = agreements.iter_mut().find(|a| a.meta.id == id) else {
            continue;
        };
        agreement.partners = row
            .json::<Vec<NamedJson>>("partners")?
            .into_iter()
            .map(NamedJson::named)
            .collect();
        agreement.signatories = row
            .json::<Vec<SignatoryJson>>("signatories")?
            .into_iter()
            .map(SignatoryJson::signatory)
            .collect();
        agreement.renewed_by = row
            .json::<Vec<NamedJson>>("renewed_by")?
            .into_iter()
            .map(NamedJson::named)
            .collect();
    }
    Ok(())
}

impl Store {
    /// Makes a transition of the agreement's lifecycle (see [`Store::transition`]).
    pub async fn transition_agreement(
        &self,
        actor: &Actor,
        id: i64,
        request: &TransitionRequest,
    ) -> Result<Agreement> {
        self.transition::<Agreement>(actor, id, request).await
    }

    /// The history of an agreement's states, oldest first.
    pub async fn agreement_history(&self, id: i64) -> Result<Vec<RecordEvent>> {
        self.history::<Agreement>(id).await
    }

    /// Renews a signed, in force or expired agreement: a new draft with the same kind, titles,
    /// partners, signatories and unit, which names the one it renews. The old one is left as it
    /// is and runs until its own validity ends.
    pub async fn renew_agreement(&self, actor: &Actor, id: i64) -> Result<Agreement> {
        let old = self.get::<Agreement>(id).await?;
        if !RENEWABLE.contains(&old.status) {
            return Err(DomainError::invalid(
                "status",
                "not_renewable",
                format!(
                    "only a signed, in force or expired agreement is renewed; this one is {}",
                    old.status.as_str()
                ),
            )
            .into());
        }
        let link = |named: &liaison_core::Named| Link::Id(named.id);
        let input = AgreementInput {
            key: None,
            version: None,
            kind: old.kind,
            title_zh: old.title_zh,
            title_en: old.title_en,
            partners: old.partners.iter().map(|p| Ref::Link(link(p))).collect(),
            signatories: old
                .signatories
                .iter()
                .map(|s| SignatoryInput {
                    person: s.person.as_ref().map(|p| Ref::Link(link(p))),
                    name: s.name.clone(),
                    organization: s.organization.as_ref().map(|o| Ref::Link(link(o))),
                    capacity: s.capacity.clone(),
                })
                .collect(),
            unit: old.unit.as_ref().map(link),
            activity: None,
            signed_on: None,
            valid_from: None,
            valid_to: None,
            status: None,
            renews: Some(Link::Id(id)),
            notes: None,
        };
        self.create::<Agreement>(actor, input).await
    }
}

impl Records for Agreement {
    type Input = AgreementInput;
    type Filter = AgreementFilter;
    type Row = Agreement;

    fn version(input: &AgreementInput) -> Option<i64> {
        input.version
    }

    /// An agreement's form is checked when it is written: a change is checked with the state
    /// the agreement is in, and refused first if it names another.
    fn checked(input: AgreementInput) -> Result<AgreementInput> {
        Ok(input)
    }

    /// Creates an agreement, in the state its input names or as a draft, and starts its
    /// history with that state.
    async fn insert(
        conn: &mut AnyConnection,
        actor: &Actor,
        input: &AgreementInput,
    ) -> Result<i64> {
        let input = input.clone().validated()?;
        let status = input.status.unwrap_or_default();
        // Recording an agreement in a later state stands for the transitions that lead there,
        // which only the office makes: a unit's draft goes through review like any other.
        if status != AgreementStatus::default() && !Who::Office.allows(actor, AGREEMENT, None) {
            return Err(DomainError::Forbidden(format!(
                "only the international office records an agreement as {}; a unit's new \
                 agreement starts as a draft and goes through review",
                status.as_str()
            ))
            .into());
        }
        let id = insert(conn, actor, "", &input).await?;
        transitions::record_created(conn, actor, AGREEMENT, id, status.as_str()).await?;
        Ok(id)
    }

    /// Changes an agreement but its state: an input that names another state than the
    /// agreement's own is refused, since a state changes only by a transition
    /// ([`Store::transition_agreement`]); one that names none keeps it.
    async fn rewrite(
        conn: &mut AnyConnection,
        actor: &Actor,
        id: i64,
        version: i64,
        input: &AgreementInput,
    ) -> Result<()> {
        let stored: Option<(String, i64)> =
            sqlx::query_as("SELECT status, version FROM agreements WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
        let (current, stored_version) =
            stored.ok_or_else(|| DomainError::not_found("agreement", id))?;
        // A change made from an old copy is a conflict first, whatever it asks.
        if stored_version != version {
            return Err(records::refuse_stale(conn, AGREEMENT, id, version).await);
        }
        let current = AgreementStatus::parse(&current)
            .ok_or_else(|| crate::Error::Corrupt(format!("agreement status '{current}'")))?;
        if let Some(asked) = input.status
            && asked != current
        {
            return Err(DomainError::invalid(
                "status",
                "use_transition",
                format!(
                    "the agreement is {}; its status changes only by a transition \
                     (POST /api/v1/agreements/{id}/transitions, or the buttons on its page), \
                     not by an edit",
                    current.as_str()
                ),
            )
            .into());
        }
        let input = AgreementInput {
            status: Some(current),
            ..input.clone()
        }
        .validated()?;
        resolve::key_is_free(conn, AGREEMENT, "", &input.key, Some(id)).await?;
        let unit = resolve::optional_link(conn, UNIT, "unit", &input.unit).await?;
        let renews = resolve::optional_link(conn, AGREEMENT, "renews", &input.renews).await?;
        if renews == Some(id) {
            return Err(
                DomainError::invalid("renews", "self", "an agreement cannot renew itself").into(),
            );
        }
        let activity = resolve::optional_link(conn, ACTIVITY, "activity", &input.activity).await?;
        let columns = data(&input, unit, renews, activity);
        records::update_record(conn, AGREEMENT, id, version, &input.key, columns).await?;
        write_children(conn, actor, "", id, &input).await
    }

    async fn list(
        store: &Store,
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
        if let Some(activity) = filter.activity {
            let p = f.param(Param::int(activity));
            f.and(format!("g.activity_id = {p}"));
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
        let mut page = store.list_page(list, page, from_row).await?;
        let mut conn = store.read.acquire().await?;
        load_children(&mut conn, &mut page.items).await?;
        Ok(page)
    }
}

// Its documents, for search (the kind is declared searchable).
inventory::submit! { crate::search::DocumentReader::of::<Agreement>() }

impl StoredRecord for Agreement {
    async fn fetch(conn: &mut AnyConnection, _: &Policy, id: i64) -> Result<Agreement> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM {FROM} WHERE g.id = $1",
            columns().sql()
        ))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| DomainError::not_found("agreement", id))?;
        let mut agreement = [from_row(&row)?];
        load_children(conn, &mut agreement).await?;
        let [agreement] = agreement;
        Ok(agreement)
    }
}

impl StatefulRecord for Agreement {
    fn version(&self) -> i64 {
        self.meta.version
    }
}
