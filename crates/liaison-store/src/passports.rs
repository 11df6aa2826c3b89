//! Official passports and permits in the office's custody: the documents, the custody log of
//! hand-outs and returns (only ever added to), the passport policy, the cabinet, and the checks
//! a trip's members' documents must pass, which the trip guards call.

use chrono::{Days, NaiveDate};
use liaison_core::passports::{
    CabinetRow, CustodyAction, CustodyEntry, CustodyInput, DocumentKind, DueDocument, HAND_OUT,
    Handout, OwnDocument, OwnDocumentInput, PASSPORT, PASSPORT_LIFECYCLE, Passport, PassportFilter,
    PassportFinding, PassportInput, PassportPolicy, PassportStatus, RETURN, TripStage, Visible,
    authorize_keeper, lateness, may_read, refuse_findings,
};
use liaison_core::trips::{Track, Trip, TripState};
use liaison_core::{
    Actor, Error as DomainError, Named, PERSON, Page, PageRequest, Policy, RecordEvent, UserRole,
    Validate, WorkCalendar, personal,
};
use sqlx::AnyConnection;

use crate::personal::read as personal_read;
use crate::records::{self, Records};
use crate::resolve::{self, StoredRecord};
use crate::sql::{
    self, Columns, Filter, ListQuery, Param, RowExt, Selection, Total, date_text, enum_text,
};
use crate::transitions::{self, NewEvent, StatefulRecord};
use crate::{Result, Store, audit, policies};

fn columns() -> Selection {
    Selection::of(
        "p",
        &[
            "id",
            "key",
            "version",
            "created_at",
            "updated_at",
            "kind",
            "number",
            "issued_on",
            "issue_place",
            "expires_on",
            "location",
            "status",
            "notes",
        ],
    )
    .named("h", "holder")
    .named("u", "unit")
    .named("cp", "out_to")
    .with("c.on_date", "out_on")
    .with("c.due_on", "out_due")
    .with("t.id", "trip_id")
    .with("t.key", "trip_key")
    .with("t.title_zh", "trip_name_zh")
    .with("t.title_en", "trip_name_en")
    .with("t.actual_return", "trip_returned")
}

/// A document with its holder, the holder's unit and, while it is out, its last hand-out.
const FROM: &str = "passports p JOIN people h ON h.id = p.holder_id \
    LEFT JOIN units u ON u.id = h.unit_id \
    LEFT JOIN passport_custody c ON p.status = 'handed_out' AND c.id = \
        (SELECT MAX(l.id) FROM passport_custody l WHERE l.passport_id = p.id AND l.action = 'hand_out') \
    LEFT JOIN people cp ON cp.id = c.person_id \
    LEFT JOIN trips t ON t.id = c.trip_id";

fn from_row(row: &impl RowExt) -> Result<Passport> {
    let holder = row
        .named("holder")?
        .ok_or_else(|| crate::Error::Corrupt("a passport without its holder".to_owned()))?;
    let out = match (row.named("out_to")?, row.opt_date("out_on")?) {
        (Some(to), Some(on)) => Some(Handout {
            to,
            on,
            trip: row.named("trip")?,
            trip_returned: row.opt_date("trip_returned")?,
            agreed_due: row.opt_date("out_due")?,
        }),
        _ => None,
    };
    Ok(Passport {
        meta: row.meta()?,
        kind: row.text("kind")?,
        holder,
        unit: row.named("unit")?,
        number: personal_read(row, PASSPORT, "number")?,
        issued_on: row.opt_date("issued_on")?,
        issue_place: row.opt_text("issue_place")?,
        expires_on: row.date("expires_on")?,
        location: row.opt_text("location")?,
        status: row.enumerated("status")?,
        notes: row.opt_text("notes")?,
        out,
    })
}

fn data(input: &PassportInput, holder: i64) -> Columns {
    Columns::default()
        .text("kind", Some(&input.kind))
        .int("holder_id", Some(holder))
        .text("number", input.number.as_deref())
        .text("issued_on", input.issued_on.map(date_text).as_deref())
        .text("issue_place", input.issue_place.as_deref())
        .text("expires_on", Some(&date_text(input.expires_on)))
        .text("location", input.location.as_deref())
        .text("notes", input.notes.as_deref())
}

/// The holder of a submitted document, a person of the university, and their unit.
async fn holder_of(conn: &mut AnyConnection, input: &PassportInput) -> Result<(i64, Option<i64>)> {
    let holder = resolve::link(conn, PERSON, "holder", &input.holder).await?;
    let row = sqlx::query("SELECT category, unit_id FROM people WHERE id = $1")
        .bind(holder)
        .fetch_one(&mut *conn)
        .await?;
    if row.text("category")? != "internal" {
        return Err(DomainError::invalid(
            "holder",
            "not_internal",
            "the office keeps the documents of the university's own people only",
        )
        .into());
    }
    Ok((holder, row.opt_int("unit_id")?))
}

/// The track a kind of document serves, or a field error for a kind the office has not listed.
async fn kind_track(conn: &mut AnyConnection, code: &str) -> Result<Track> {
    let track: Option<String> =
        sqlx::query_scalar("SELECT track FROM passport_kinds WHERE code = $1")
            .bind(code)
            .fetch_optional(&mut *conn)
            .await?;
    match track {
        Some(track) => sql::parse_enum(&track),
        None => Err(DomainError::invalid(
            "kind",
            "unknown",
            format!("'{code}' is not a kind of document the office keeps"),
        )
        .into()),
    }
}

/// The submitted form with a number sent back as it was shown masked replaced by the stored one.
async fn keep_masked(
    conn: &mut AnyConnection,
    id: i64,
    input: &PassportInput,
) -> Result<PassportInput> {
    let stored = sqlx::query("SELECT number FROM passports WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let mut input = input.clone();
    if let (Some(stored), Some(field)) = (stored, personal::field(PASSPORT, "number")) {
        input.number = personal::unmasked(
            field,
            &input.number,
            &personal_read(&stored, PASSPORT, "number")?,
        );
    }
    Ok(input)
}

fn order(sort: &str) -> &'static [&'static str] {
    match sort {
        "holder" => &["COALESCE(h.name_zh, h.name_en)", "p.id"],
        "kind" => &["p.kind", "p.expires_on", "p.id"],
        "status" => &["p.status", "p.expires_on", "p.id"],
        "updated" => &["p.updated_at", "p.id"],
        _ => &["p.expires_on", "p.id"],
    }
}

fn filtered(filter: &PassportFilter, visible: Visible) -> Filter {
    let mut f = Filter::default();
    match visible {
        Visible::All => {}
        Visible::Unit(unit) => {
            let p = f.param(Param::int(unit));
            f.and(format!("h.unit_id = {p}"));
        }
        Visible::Holder(person) => {
            let p = f.param(Param::int(person));
            f.and(format!("p.holder_id = {p}"));
        }
        Visible::None => f.and("1 = 0".to_owned()),
    }
    if let Some(unit) = filter.unit {
        let p = f.param(Param::int(unit));
        f.and(format!("h.unit_id = {p}"));
    }
    if let Some(kind) = filter
        .kind
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        let p = f.param(Param::text(kind));
        f.and(format!("p.kind = {p}"));
    }
    if let Some(status) = filter.status {
        let p = f.param(Param::text(status.as_str()));
        f.and(format!("p.status = {p}"));
    }
    if let Some(holder) = filter.holder {
        let p = f.param(Param::int(holder));
        f.and(format!("p.holder_id = {p}"));
    }
    f
}

impl Records for Passport {
    type Input = PassportInput;
    type Filter = PassportFilter;
    type Row = Passport;

    fn version(input: &PassportInput) -> Option<i64> {
        input.version
    }

    async fn insert(conn: &mut AnyConnection, actor: &Actor, input: &PassportInput) -> Result<i64> {
        resolve::key_is_free(conn, PASSPORT, "", &input.key, None).await?;
        kind_track(conn, &input.kind).await?;
        let (holder, unit) = holder_of(conn, input).await?;
        let status = PassportStatus::InCustody;
        let columns = data(input, holder).text("status", Some(status.as_str()));
        let id = records::insert_record(conn, actor, PASSPORT, unit, &input.key, columns).await?;
        transitions::record_created(conn, actor, PASSPORT, id, status.as_str()).await?;
        Ok(id)
    }

    async fn rewrite(
        conn: &mut AnyConnection,
        _actor: &Actor,
        id: i64,
        version: i64,
        input: &PassportInput,
    ) -> Result<()> {
        resolve::key_is_free(conn, PASSPORT, "", &input.key, Some(id)).await?;
        kind_track(conn, &input.kind).await?;
        let (holder, _) = holder_of(conn, input).await?;
        let input = &keep_masked(conn, id, input).await?;
        records::update_record(conn, PASSPORT, id, version, &input.key, data(input, holder)).await
    }

    async fn list(
        store: &Store,
        filter: &PassportFilter,
        page: &PageRequest,
    ) -> Result<Page<Passport>> {
        store.passport_page(filter, Visible::All, page).await
    }
}

impl StoredRecord for Passport {
    async fn fetch(conn: &mut AnyConnection, _: &Policy, id: i64) -> Result<Passport> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM {FROM} WHERE p.id = $1",
            columns().sql()
        ))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| DomainError::not_found("passport", id))?;
        from_row(&row)
    }
}

impl StatefulRecord for Passport {
    fn version(&self) -> i64 {
        self.meta.version
    }
}

/// The passport policy in force: the newest an admin saved, or `default` (from liaison.toml).
async fn policy_in(
    conn: &mut AnyConnection,
    default: &PassportPolicy,
) -> Result<(i64, PassportPolicy)> {
    policies::in_force(conn, "passports", default).await
}

/// Every document a filter keeps, whole.
pub(crate) async fn passports_where(conn: &mut AnyConnection, f: &Filter) -> Result<Vec<Passport>> {
    let sql = format!(
        "SELECT {} FROM {FROM} {} ORDER BY p.expires_on, p.id",
        columns().sql(),
        f.sql()
    );
    let rows = f.bind(sqlx::query(&sql)).fetch_all(&mut *conn).await?;
    rows.iter().map(from_row).collect()
}

/// A document out or expiring, with its due day and lateness on `today`. A due day the calendar
/// cannot count (a year it does not hold) is left unknown rather than guessed.
fn cabinet_row(
    passport: Passport,
    policy: &PassportPolicy,
    calendar: &WorkCalendar,
    today: NaiveDate,
) -> CabinetRow {
    let due_on = passport.due(policy, calendar).ok().flatten();
    let late = due_on.and_then(|due| lateness(due, today, policy, calendar).ok().flatten());
    CabinetRow {
        passport: personal::masked(passport),
        due_on,
        days_late: late.map_or(0, |(days, _)| days),
        escalation: late.map(|(_, e)| e),
    }
}

/// The documents out on `today` that are past their due day.
fn overdue_of(
    out: Vec<Passport>,
    policy: &PassportPolicy,
    calendar: &WorkCalendar,
    today: NaiveDate,
) -> Vec<CabinetRow> {
    out.into_iter()
        .map(|p| cabinet_row(p, policy, calendar, today))
        .filter(|r| r.days_late > 0)
        .collect()
}

/// Someone by number, named.
async fn named_person(conn: &mut AnyConnection, id: i64) -> Result<Named> {
    let row = sqlx::query("SELECT id, key, name_zh, name_en FROM people WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| {
            DomainError::invalid("person", "not_found", format!("there is no person {id}"))
        })?;
    Ok(Named {
        id,
        key: row.opt_text("key")?,
        name: liaison_core::display_name(&row.opt_text("name_zh")?, &row.opt_text("name_en")?),
    })
}

impl Store {
    /// The person an account is, if an admin linked one.
    pub async fn account_person(&self, actor: &Actor) -> Result<Option<i64>> {
        let Some(user) = actor.user_id else {
            return Ok(None);
        };
        let person: Option<Option<i64>> =
            sqlx::query_scalar("SELECT person_id FROM users WHERE id = $1")
                .bind(user)
                .fetch_optional(&self.read)
                .await?;
        Ok(person.flatten())
    }

    async fn visible_to(&self, actor: &Actor) -> Result<Visible> {
        Ok(Visible::of(actor, self.account_person(actor).await?))
    }

    async fn passport_page(
        &self,
        filter: &PassportFilter,
        visible: Visible,
        page: &PageRequest,
    ) -> Result<Page<Passport>> {
        let list = ListQuery {
            columns: columns(),
            page_columns: Selection::default(),
            from: FROM,
            total: Total::Counted {
                from: "passports p JOIN people h ON h.id = p.holder_id",
                count: "COUNT(*)",
            },
            filter: filtered(filter, visible),
            order: order(&page.sort),
        };
        self.list_page(list, page, from_row).await
    }

    /// A page of the documents `actor` may see, numbers masked: the office's all, a liaison
    /// officer's unit's, anyone else's their own.
    pub async fn passports_for(
        &self,
        actor: &Actor,
        filter: &PassportFilter,
        page: &PageRequest,
    ) -> Result<Page<Passport>> {
        let visible = self.visible_to(actor).await?;
        let mut found = self.passport_page(filter, visible, page).await?;
        found.items = found.items.into_iter().map(personal::masked).collect();
        Ok(found)
    }

    /// One document, number masked, if `actor` may see it; otherwise not found, so that nobody
    /// learns who holds which document by trying numbers.
    pub async fn passport_for(&self, actor: &Actor, id: i64) -> Result<Passport> {
        let passport: Passport = self.get(id).await?;
        let own = self.account_person(actor).await?;
        if !may_read(
            actor,
            passport.unit.as_ref().map(|u| u.id),
            passport.holder.id,
            own,
        ) {
            return Err(DomainError::not_found("passport", id).into());
        }
        Ok(personal::masked(passport))
    }

    /// The kinds of document the office keeps.
    pub async fn passport_kinds(&self) -> Result<Vec<DocumentKind>> {
        let rows = sqlx::query(
            "SELECT code, name_zh, name_en, track FROM passport_kinds ORDER BY built_in DESC, code",
        )
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(DocumentKind {
                    code: row.text("code")?,
                    name_zh: row.text("name_zh")?,
                    name_en: row.text("name_en")?,
                    track: row.enumerated("track")?,
                })
            })
            .collect()
    }

    /// Adds a kind of document, or renames one the office added; the office's work, audited.
    pub async fn save_passport_kind(
        &self,
        actor: &Actor,
        kind: DocumentKind,
    ) -> Result<DocumentKind> {
        authorize_keeper(actor)?;
        let kind = kind.validated()?;
        let mut tx = self.begin_write().await?;
        let built_in: Option<i64> =
            sqlx::query_scalar("SELECT built_in FROM passport_kinds WHERE code = $1")
                .bind(&kind.code)
                .fetch_optional(&mut *tx)
                .await?;
        match built_in {
            Some(1) => {
                return Err(DomainError::invalid(
                    "code",
                    "built_in",
                    "the built-in kinds of document cannot be changed",
                )
                .into());
            }
            Some(_) => {
                sqlx::query(
                    "UPDATE passport_kinds SET name_zh = $2, name_en = $3, track = $4 WHERE code = $1",
                )
                .bind(&kind.code)
                .bind(&kind.name_zh)
                .bind(&kind.name_en)
                .bind(enum_text(&kind.track))
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO passport_kinds (code, name_zh, name_en, track, built_in) \
                     VALUES ($1, $2, $3, $4, 0)",
                )
                .bind(&kind.code)
                .bind(&kind.name_zh)
                .bind(&kind.name_en)
                .bind(enum_text(&kind.track))
                .execute(&mut *tx)
                .await?;
            }
        }
        audit::record(
            &mut tx,
            actor,
            "update",
            "passport_kind",
            None,
            &serde_json::to_value(&kind).unwrap_or_default(),
        )
        .await?;
        tx.commit().await?;
        Ok(kind)
    }

    /// The passport policy in force: the newest an admin saved, or liaison.toml's while none is.
    pub async fn passport_policy(&self) -> Result<(i64, PassportPolicy)> {
        let mut conn = self.read.acquire().await?;
        policy_in(&mut conn, &self.policy.passports).await
    }

    /// Saves a new version of the passport policy; an admin's work, audited with the values.
    pub async fn save_passport_policy(&self, actor: &Actor, policy: PassportPolicy) -> Result<i64> {
        if actor.role != UserRole::Admin {
            return Err(DomainError::Forbidden(
                "only an admin sets the passport policy".to_owned(),
            )
            .into());
        }
        policy.check()?;
        let mut tx = self.begin_write().await?;
        let version =
            policies::save(&mut tx, actor, "passports", "passport_policy", &policy).await?;
        tx.commit().await?;
        Ok(version)
    }

    /// A working-day calendar reaching back far enough to count the lateness of any document
    /// out today.
    async fn passport_calendar(&self, today: NaiveDate) -> Result<WorkCalendar> {
        self.work_calendar_from(today.checked_sub_days(Days::new(400)).unwrap_or(today))
            .await
    }

    /// A change of a document's state, made by the office on `today`: a hand-out or a return,
    /// each a line of the custody log, or another transition of its lifecycle.
    pub async fn passport_action(
        &self,
        actor: &Actor,
        id: i64,
        name: &str,
        input: CustodyInput,
        today: NaiveDate,
    ) -> Result<Passport> {
        authorize_keeper(actor)?;
        let input = input.validated()?;
        let result = async {
            let mut tx = self.begin_write().await?;
            let before: Passport = Passport::fetch(&mut tx, &self.policy, id).await?;
            let transition = PASSPORT_LIFECYCLE.check(
                actor,
                PASSPORT,
                before.unit.as_ref().map(|u| u.id),
                before.status.as_str(),
                name,
            )?;
            if before.meta.version != input.version {
                return Err(records::refuse_stale(&mut tx, PASSPORT, id, input.version).await);
            }
            match name {
                HAND_OUT => {
                    self.hand_out(&mut tx, actor, &before, &input, today)
                        .await?
                }
                RETURN => {
                    let person = input.person.unwrap_or(before.holder.id);
                    named_person(&mut tx, person).await?;
                    self.write_custody(
                        &mut tx,
                        actor,
                        id,
                        CustodyAction::Return,
                        person,
                        None,
                        None,
                        &input,
                        today,
                    )
                    .await?;
                }
                _ => {}
            }
            let done = sqlx::query(
                "UPDATE passports SET status = $3, version = version + 1, updated_at = $4 \
                 WHERE id = $1 AND version = $2",
            )
            .bind(id)
            .bind(input.version)
            .bind(transition.to)
            .bind(sql::now())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(records::refuse_stale(&mut tx, PASSPORT, id, input.version).await);
            }
            NewEvent::now(
                actor,
                PASSPORT,
                id,
                transition.name,
                Some(before.status.as_str()),
                transition.to,
                input.note.as_deref(),
            )
            .append(&mut tx)
            .await?;
            let after = Passport::fetch(&mut tx, &self.policy, id).await?;
            audit::updated(&mut tx, actor, PASSPORT, id, &before, &after).await?;
            tx.commit().await?;
            Ok(personal::masked(after))
        }
        .await;
        records::with_current(result, self.get::<Passport>(id)).await
    }

    /// Checks and writes a hand-out: for a trip, to one of its members, on a document of the
    /// trip's track valid long enough beyond its planned return; without one, with a day agreed
    /// for its return.
    async fn hand_out(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        passport: &Passport,
        input: &CustodyInput,
        today: NaiveDate,
    ) -> Result<()> {
        let person = input.person.unwrap_or(passport.holder.id);
        named_person(conn, person).await?;
        if passport.expires_on < today {
            return Err(DomainError::invalid(
                "passport",
                "expired",
                format!("this document expired on {}", passport.expires_on),
            )
            .into());
        }
        let (_, policy) = policy_in(conn, &self.policy.passports).await?;
        match input.trip {
            Some(trip_id) => {
                let trip = Trip::fetch(conn, &self.policy, trip_id)
                    .await
                    .map_err(|e| match e {
                        crate::Error::Domain(DomainError::NotFound { .. }) => DomainError::invalid(
                            "trip",
                            "not_found",
                            format!("there is no trip {trip_id}"),
                        )
                        .into(),
                        other => other,
                    })?;
                let ready = matches!(
                    trip.status,
                    TripState::Approved
                        | TripState::InNotice
                        | TripState::Briefed
                        | TripState::Departed
                );
                if !ready {
                    return Err(DomainError::invalid(
                        "trip",
                        "not_approved",
                        format!(
                            "documents are handed out for approved trips; this one is {}",
                            trip.status.as_str()
                        ),
                    )
                    .into());
                }
                if !trip
                    .members
                    .iter()
                    .any(|m| m.person.id == passport.holder.id)
                {
                    return Err(DomainError::invalid(
                        "trip",
                        "not_a_member",
                        format!("{} is not a member of this trip", passport.holder.name),
                    )
                    .into());
                }
                let track = kind_track(conn, &passport.kind).await?;
                if track != trip.track {
                    return Err(DomainError::invalid(
                        "passport",
                        "wrong_track",
                        format!(
                            "a {} is not for a trip of the {} track",
                            passport.kind.replace('_', " "),
                            trip.track.as_str().replace('_', " ")
                        ),
                    )
                    .into());
                }
                if let Some(back) = trip.return_date {
                    let needed = policy.valid_until(back);
                    if passport.expires_on < needed {
                        refuse_findings(&[PassportFinding::validity(
                            passport.holder.clone(),
                            policy.validity_months,
                            needed,
                            passport.expires_on,
                        )])?;
                    }
                }
            }
            None => {
                if input.due_on.is_none_or(|due| due < today) {
                    return Err(DomainError::invalid(
                        "due_on",
                        "required",
                        "a document handed out without a trip needs the day it is due back",
                    )
                    .into());
                }
            }
        }
        self.write_custody(
            conn,
            actor,
            passport.meta.id,
            CustodyAction::HandOut,
            person,
            input.trip,
            input.due_on,
            input,
            today,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn write_custody(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        passport: i64,
        action: CustodyAction,
        person: i64,
        trip: Option<i64>,
        due_on: Option<NaiveDate>,
        input: &CustodyInput,
        today: NaiveDate,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO passport_custody (passport_id, action, at, on_date, person_id, \
             by_username, trip_id, due_on, condition, note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(passport)
        .bind(action.as_str())
        .bind(sql::now())
        .bind(date_text(today))
        .bind(person)
        .bind(&actor.username)
        .bind(trip)
        .bind(due_on.map(date_text))
        .bind(input.condition.as_deref())
        .bind(input.note.as_deref())
        .execute(&mut *conn)
        .await
        .map_err(crate::Error::from_write)?;
        Ok(())
    }

    /// A document's custody log, oldest first.
    pub async fn passport_custody(&self, id: i64) -> Result<Vec<CustodyEntry>> {
        let mut conn = self.read.acquire().await?;
        custody_of(&mut conn, "c.passport_id = $1", id).await
    }

    /// The changes of state of a document, oldest first.
    pub async fn passport_history(&self, id: i64) -> Result<Vec<RecordEvent>> {
        self.history::<Passport>(id).await
    }

    /// The cabinet on `today` as `actor` may see it: what is out and with whom, due within a
    /// week, overdue (latest first) and expiring within the policy's months.
    pub async fn passport_cabinet(
        &self,
        actor: &Actor,
        filter: &PassportFilter,
        today: NaiveDate,
    ) -> Result<liaison_core::passports::Cabinet> {
        let visible = self.visible_to(actor).await?;
        let calendar = self.passport_calendar(today).await?;
        let mut conn = self.read.acquire().await?;
        let (_, policy) = policy_in(&mut conn, &self.policy.passports).await?;
        let mut f = filtered(filter, visible);
        f.and("p.status IN ('in_custody', 'handed_out')".to_owned());
        let usable = passports_where(&mut conn, &f).await?;
        let horizon = today
            .checked_add_months(chrono::Months::new(policy.expiring_months))
            .unwrap_or(NaiveDate::MAX);
        let week = today
            .checked_add_days(Days::new(7))
            .unwrap_or(NaiveDate::MAX);
        let mut cabinet = liaison_core::passports::Cabinet::default();
        for passport in usable {
            let expiring = passport.expires_on <= horizon;
            let row = cabinet_row(passport, &policy, &calendar, today);
            if row.passport.status == PassportStatus::InCustody {
                cabinet.in_custody += 1;
            } else {
                if row.days_late > 0 {
                    cabinet.overdue.push(row.clone());
                } else if row.due_on.is_some_and(|d| d >= today && d <= week) {
                    cabinet.due_this_week.push(row.clone());
                }
                cabinet.out.push(row.clone());
            }
            if expiring {
                cabinet.expiring.push(row);
            }
        }
        cabinet.overdue.sort_by(|a, b| {
            b.days_late
                .cmp(&a.days_late)
                .then(a.passport.meta.id.cmp(&b.passport.meta.id))
        });
        cabinet
            .due_this_week
            .sort_by_key(|r| (r.due_on, r.passport.meta.id));
        Ok(cabinet)
    }

    /// The documents out and due back by `today` (due today or overdue), with holder, unit,
    /// trip, days late and whom it is raised with: what reminders send notices about.
    pub async fn passports_due(&self, today: NaiveDate) -> Result<Vec<DueDocument>> {
        let calendar = self.passport_calendar(today).await?;
        let mut conn = self.read.acquire().await?;
        let (_, policy) = policy_in(&mut conn, &self.policy.passports).await?;
        let mut f = Filter::default();
        f.and("p.status = 'handed_out'".to_owned());
        let mut due = Vec::new();
        for passport in passports_where(&mut conn, &f).await? {
            let row = cabinet_row(passport, &policy, &calendar, today);
            let Some(due_on) = row.due_on.filter(|d| *d <= today) else {
                continue;
            };
            let p = row.passport;
            due.push(DueDocument {
                passport_id: p.meta.id,
                kind: p.kind,
                holder: p.holder,
                unit: p.unit,
                trip: p.out.and_then(|o| o.trip),
                due_on,
                days_late: row.days_late,
                escalation: row.escalation,
            });
        }
        due.sort_by(|a, b| {
            b.days_late
                .cmp(&a.days_late)
                .then(a.passport_id.cmp(&b.passport_id))
        });
        Ok(due)
    }

    /// A holder's documents (numbers masked) with their due days and custody log, if `actor` may
    /// see them.
    pub async fn holder_passports(
        &self,
        actor: &Actor,
        person: i64,
        today: NaiveDate,
    ) -> Result<(Named, Vec<CabinetRow>, Vec<CustodyEntry>)> {
        let calendar = self.passport_calendar(today).await?;
        let own = self.account_person(actor).await?;
        let mut conn = self.read.acquire().await?;
        let holder = named_person(&mut conn, person)
            .await
            .map_err(|_| crate::Error::from(DomainError::not_found("person", person)))?;
        let unit: Option<i64> = sqlx::query_scalar("SELECT unit_id FROM people WHERE id = $1")
            .bind(person)
            .fetch_one(&mut *conn)
            .await?;
        if !may_read(actor, unit, person, own) {
            return Err(DomainError::not_found("person", person).into());
        }
        let (_, policy) = policy_in(&mut conn, &self.policy.passports).await?;
        let mut f = Filter::default();
        let p = f.param(Param::int(person));
        f.and(format!("p.holder_id = {p}"));
        let documents = passports_where(&mut conn, &f)
            .await?
            .into_iter()
            .map(|p| cabinet_row(p, &policy, &calendar, today))
            .collect();
        let custody = custody_of(
            &mut conn,
            "c.passport_id IN (SELECT id FROM passports WHERE holder_id = $1)",
            person,
        )
        .await?;
        Ok((holder, documents, custody))
    }

    /// Records that a member of a trip travels on a valid document of their own, with the
    /// reason; the office's work, audited.
    pub async fn record_own_document(
        &self,
        actor: &Actor,
        trip: i64,
        input: OwnDocumentInput,
    ) -> Result<()> {
        authorize_keeper(actor)?;
        let input = input.validated()?;
        let mut tx = self.begin_write().await?;
        let member: Option<i64> = sqlx::query_scalar(
            "SELECT person_id FROM trip_members WHERE trip_id = $1 AND person_id = $2",
        )
        .bind(trip)
        .bind(input.person)
        .fetch_optional(&mut *tx)
        .await?;
        if member.is_none() {
            return Err(DomainError::invalid(
                "person",
                "not_a_member",
                format!("person {} is not a member of trip {trip}", input.person),
            )
            .into());
        }
        sqlx::query("DELETE FROM trip_own_documents WHERE trip_id = $1 AND person_id = $2")
            .bind(trip)
            .bind(input.person)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO trip_own_documents (trip_id, person_id, reason, expires_on, \
             recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(trip)
        .bind(input.person)
        .bind(&input.reason)
        .bind(date_text(input.expires_on))
        .bind(&actor.username)
        .bind(sql::now())
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "update",
            "trip",
            Some(trip),
            &serde_json::json!({ "person": input.person, "reason": input.reason,
                "expires_on": date_text(input.expires_on) }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The members of a trip recorded as travelling on their own documents.
    pub async fn own_documents(&self, trip: i64) -> Result<Vec<OwnDocument>> {
        let mut conn = self.read.acquire().await?;
        own_documents_of(&mut conn, trip).await
    }

    /// What the passport rules find about a trip at `stage` on `today`, without refusing.
    pub async fn passport_findings(
        &self,
        trip: &Trip,
        stage: TripStage,
        today: NaiveDate,
    ) -> Result<Vec<PassportFinding>> {
        let mut conn = self.read.acquire().await?;
        self.trip_passport_findings(&mut conn, trip, stage, today)
            .await
    }

    /// Refuses, with every finding, a trip whose members' documents break a passport rule at
    /// `stage`: the one hook the trip guards call, inside their transaction.
    pub(crate) async fn check_trip_passports(
        &self,
        conn: &mut AnyConnection,
        trip: &Trip,
        stage: TripStage,
        today: NaiveDate,
    ) -> Result<()> {
        let findings = self
            .trip_passport_findings(conn, trip, stage, today)
            .await?;
        Ok(refuse_findings(&findings)?)
    }

    async fn trip_passport_findings(
        &self,
        conn: &mut AnyConnection,
        trip: &Trip,
        stage: TripStage,
        today: NaiveDate,
    ) -> Result<Vec<PassportFinding>> {
        let calendar = self.passport_calendar(today).await?;
        let (_, policy) = policy_in(conn, &self.policy.passports).await?;
        let members: Vec<Named> = trip.members.iter().map(|m| m.person.clone()).collect();
        let mut findings = Vec::new();
        if matches!(stage, TripStage::Submit | TripStage::Approve) {
            for member in &members {
                let mut f = Filter::default();
                let p = f.param(Param::int(member.id));
                f.and(format!("p.holder_id = {p} AND p.status = 'handed_out'"));
                let out = passports_where(conn, &f).await?;
                // A document out for this very trip is not late for it.
                let out = out
                    .into_iter()
                    .filter(|p| {
                        p.out.as_ref().and_then(|o| o.trip.as_ref()).map(|t| t.id)
                            != Some(trip.meta.id)
                    })
                    .collect();
                if let Some(worst) = overdue_of(out, &policy, &calendar, today)
                    .into_iter()
                    .map(|r| r.days_late)
                    .max()
                {
                    findings.push(PassportFinding::holder_overdue(member.clone(), worst));
                }
            }
        }
        if stage == TripStage::Submit
            && policy.unit_overdue_limit > 0
            && let Some(unit) = &trip.unit
        {
            let mut f = Filter::default();
            let p = f.param(Param::int(unit.id));
            f.and(format!("h.unit_id = {p} AND p.status = 'handed_out'"));
            let overdue = overdue_of(passports_where(conn, &f).await?, &policy, &calendar, today)
                .len() as i64;
            if overdue > policy.unit_overdue_limit {
                findings.push(PassportFinding::unit_held(
                    policy.unit_overdue_limit,
                    overdue,
                ));
            }
        }
        let Some(back) = trip.return_date else {
            return Ok(findings);
        };
        let needed = policy.valid_until(back);
        let own = own_documents_of(conn, trip.meta.id).await?;
        for member in &members {
            let mut f = Filter::default();
            let p = f.param(Param::int(member.id));
            let t = f.param(Param::text(trip.track.as_str()));
            f.and(format!(
                "p.holder_id = {p} AND p.status IN ('in_custody', 'handed_out') \
                 AND p.kind IN (SELECT code FROM passport_kinds WHERE track = {t})"
            ));
            let documents = passports_where(conn, &f).await?;
            let own = own.iter().find(|o| o.person.id == member.id);
            let handed_out = documents.iter().find(|d| {
                d.out.as_ref().and_then(|o| o.trip.as_ref()).map(|t| t.id) == Some(trip.meta.id)
            });
            // The document that counts: the one handed out for this trip, the member's own, or
            // the longest-valid in the cabinet.
            let expires = match (handed_out, own) {
                (Some(d), _) => Some(d.expires_on),
                (None, Some(o)) => Some(o.expires_on),
                (None, None) => documents.iter().map(|d| d.expires_on).max(),
            };
            if let Some(expires) = expires
                && expires < needed
            {
                findings.push(PassportFinding::validity(
                    member.clone(),
                    policy.validity_months,
                    needed,
                    expires,
                ));
            }
            if stage == TripStage::Depart && handed_out.is_none() && own.is_none() {
                findings.push(PassportFinding::not_handed_out(member.clone()));
            }
        }
        Ok(findings)
    }
}

pub(crate) async fn custody_of(
    conn: &mut AnyConnection,
    condition: &str,
    id: i64,
) -> Result<Vec<CustodyEntry>> {
    let rows = sqlx::query(&format!(
        "SELECT c.id, c.passport_id, c.action, c.at, c.on_date, c.by_username, c.due_on, \
         c.condition, c.note, cp.id AS person_id, cp.key AS person_key, \
         cp.name_zh AS person_name_zh, cp.name_en AS person_name_en, t.id AS trip_id, \
         t.key AS trip_key, t.title_zh AS trip_name_zh, t.title_en AS trip_name_en \
         FROM passport_custody c JOIN people cp ON cp.id = c.person_id \
         LEFT JOIN trips t ON t.id = c.trip_id WHERE {condition} ORDER BY c.id"
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(CustodyEntry {
                id: row.int("id")?,
                passport_id: row.int("passport_id")?,
                action: row.enumerated("action")?,
                at: row.timestamp("at")?,
                on: row.date("on_date")?,
                person: row.named("person")?.ok_or_else(|| {
                    crate::Error::Corrupt("a custody line without a person".to_owned())
                })?,
                by: row.text("by_username")?,
                trip: row.named("trip")?,
                due_on: row.opt_date("due_on")?,
                condition: row.opt_text("condition")?,
                note: row.opt_text("note")?,
            })
        })
        .collect()
}

pub(crate) async fn own_documents_of(
    conn: &mut AnyConnection,
    trip: i64,
) -> Result<Vec<OwnDocument>> {
    let rows = sqlx::query(
        "SELECT o.trip_id, o.reason, o.expires_on, o.recorded_by, h.id AS person_id, \
         h.key AS person_key, h.name_zh AS person_name_zh, h.name_en AS person_name_en \
         FROM trip_own_documents o JOIN people h ON h.id = o.person_id \
         WHERE o.trip_id = $1 ORDER BY h.id",
    )
    .bind(trip)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(OwnDocument {
                trip_id: row.int("trip_id")?,
                person: row.named("person")?.ok_or_else(|| {
                    crate::Error::Corrupt("an own document without its person".to_owned())
                })?,
                reason: row.text("reason")?,
                expires_on: row.date("expires_on")?,
                recorded_by: row.text("recorded_by")?,
            })
        })
        .collect()
}
