//! Trip applications and the approval chains they go through: filing and changing an
//! application, submitting it (its chain worked out into a plan kept with it), approvers'
//! decisions, the other changes of state, and the inboxes.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use liaison_core::accounts::UserRole;
use liaison_core::approvals::{
    Applicant, ApplicationKind, Chain, ChainInput, Decision, Delegation, Directory, Facts, Plan,
    Progress, TripDecision, Verdict, decide,
};
use liaison_core::lifecycle::Who;
use liaison_core::passports::TripStage;
use liaison_core::trips::application::{APPROVE, REFUSE, SEND_BACK};
use liaison_core::trips::{
    BriefingInput, Member, TRIP, TRIP_LIFECYCLE, Trip, TripActionInput, TripFilter, TripInbox,
    TripInput, TripMember, TripPolicy, TripRow, TripState, authorize_applicant, check, may_apply,
};
use liaison_core::workdays::WorkCalendar;
use liaison_core::{
    Actor, Error as DomainError, FieldErrors, Money, Named, NewsLanguage, Page, PageRequest,
    Policy, Validate,
};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use crate::resolve::StoredRecord;
use crate::sql::{
    self, ListQuery, RowExt, Selection, Total, date_text, enum_text, json_text, placeholders,
};
use crate::transitions::{NewEvent, StatefulRecord, record_created};
use crate::{Result, Store, audit, policies};

/// What a trip's `details` column holds: the lists of its form.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Details {
    destinations: Vec<liaison_core::trips::Destination>,
    members: Vec<Member>,
    schedule: Vec<liaison_core::trips::ScheduleDay>,
    budget: Vec<liaison_core::trips::BudgetLine>,
    chosen_approvers: BTreeMap<usize, i64>,
}

/// The columns a trip is read from, with its applicant's, unit's and inviter's names.
fn columns() -> Selection {
    Selection::of(
        "t",
        &[
            "id",
            "key",
            "version",
            "created_at",
            "updated_at",
            "status",
            "applicant_id",
            "title_zh",
            "title_en",
            "trip_type",
            "track",
            "departure",
            "return_date",
            "days_abroad",
            "invitation",
            "purpose",
            "tasks",
            "funding",
            "budget_total",
            "details",
            "approval_plan",
            "progress",
            "step_due",
            "submitted_at",
            "approved_form",
            "notice_posted",
            "notice_ends",
            "actual_return",
            "report_due",
            "report",
        ],
    )
    .with("a.display_name", "applicant_name")
    .named("n", "unit")
    .named("o", "inviter")
    .with("v.id", "activity_id")
    .with("v.key", "activity_key")
    .with("v.title_zh", "activity_name_zh")
    .with("v.title_en", "activity_name_en")
}

/// The columns of an application's row in a list ([`TripRow`]).
fn row_columns() -> Selection {
    Selection::of(
        "t",
        &[
            "id",
            "status",
            "applicant_id",
            "title_zh",
            "title_en",
            "departure",
            "days_abroad",
            "step_due",
        ],
    )
    .with("a.display_name", "applicant_name")
    .with(
        "CASE WHEN t.approved_form IS NULL THEN 0 ELSE 1 END",
        "changing",
    )
    .named("n", "unit")
}

/// The destinations of a list's row, for the page's rows alone, from `trip_destinations`, where
/// triggers keep them apart from the rest of the form (migration `trip_destinations`). The
/// whole of `details`, with the members, schedule and budget, is several times longer; taken
/// out of it for each row of a page, parsing it was a tenth of the board's work on SQLite.
fn row_page_columns() -> Selection {
    Selection::default().with(
        "(SELECT d.destinations FROM trip_destinations d WHERE d.trip_id = r.id)",
        "destinations",
    )
}

/// What a list reads of each application: `columns` for every row its filters keep, and
/// `page_columns` for the page's rows alone ([`ListQuery::page_columns`]).
struct Reading {
    columns: Selection,
    page_columns: Selection,
}

/// What a row is read from: the application, its applicant's account and its unit.
const ROW_FROM: &str = "trips t JOIN users a ON a.id = t.applicant_id \
     LEFT JOIN units n ON n.id = t.unit_id";

/// The account that filed an application, as its row names it.
fn applicant_of(row: &impl RowExt) -> Result<Named> {
    Ok(Named {
        id: row.int("applicant_id")?,
        key: None,
        name: row.text("applicant_name")?,
    })
}

fn row_from_row(row: &impl RowExt) -> Result<TripRow> {
    Ok(TripRow {
        id: row.int("id")?,
        status: row.enumerated("status")?,
        applicant: applicant_of(row)?,
        unit: row.named("unit")?,
        title_zh: row.opt_text("title_zh")?,
        title_en: row.opt_text("title_en")?,
        destinations: row.json("destinations")?,
        departure: row.opt_date("departure")?,
        days_abroad: row.int("days_abroad")?,
        step_due: row.opt_date("step_due")?,
        changing: row.int("changing")? != 0,
    })
}

/// A list of applications as SQL: its conditions, its order, the kept total that answers its
/// count when there is one, and for an approver's inbox whose it is ([`Store::trips_waiting`]).
struct Listing {
    filter: sql::Filter,
    order: &'static [&'static str],
    total: Option<String>,
    waiting: Option<Waiting>,
}

/// The approver whose inbox a list is, on a day, with the placeholders of both in its filter,
/// and the inbox's count when it is known.
struct Waiting {
    user: i64,
    day: NaiveDate,
    user_param: String,
    day_param: String,
    counted: Option<i64>,
}

/// A count kept in advance, the sum of the counts `n` of `rows` (a table and its condition).
fn kept_count(rows: &str) -> String {
    format!("(SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM {rows})")
}

fn listing(filter: &TripFilter, page: &PageRequest, today: NaiveDate) -> Listing {
    let mut f = sql::Filter::default();
    // The totals of every application, of one state and of one unit are kept in advance; a list
    // narrowed further is counted.
    let mut kept = Some(kept_count("trip_state_counts"));
    if let Some(status) = &filter.status {
        let p = f.param(sql::Param::text(enum_text(status)));
        f.and(format!("t.status = {p}"));
        kept = Some(kept_count(&format!("trip_state_counts WHERE status = {p}")));
    }
    if let Some(unit) = filter.unit {
        let p = f.param(sql::Param::int(unit));
        f.and(format!("t.unit_id = {p}"));
        kept = match filter.status {
            None => Some(kept_count(&format!("trip_unit_counts WHERE unit_id = {p}"))),
            Some(_) => None,
        };
    }
    if filter.applicant.is_some() || filter.waiting_for.is_some() || filter.overdue_on.is_some() {
        kept = None;
    }
    if let Some(applicant) = filter.applicant {
        let p = f.param(sql::Param::int(applicant));
        f.and(format!("t.applicant_id = {p}"));
    }
    // An inbox is cut from the approver's waiting rows, not by a condition on the applications.
    let waiting = filter.waiting_for.map(|user| Waiting {
        user,
        day: today,
        user_param: f.param(sql::Param::int(user)),
        day_param: f.param(sql::Param::text(date_text(today))),
        counted: None,
    });
    if let Some(day) = filter.overdue_on {
        let p = f.param(sql::Param::text(date_text(day)));
        f.and(format!("t.status = 'in_approval' AND t.step_due < {p}"));
        // The overdue applications alone, or of the state they are all in, are kept by day.
        let only_overdue = filter.unit.is_none()
            && filter.applicant.is_none()
            && filter.waiting_for.is_none()
            && filter.status.is_none_or(|s| s == TripState::InApproval);
        if only_overdue {
            kept = Some(kept_count(&format!("trip_due_counts WHERE step_due < {p}")));
        }
    }
    let order: &'static [&'static str] = match page.sort.as_str() {
        "departure" => &["t.departure NULLS LAST", "t.id"],
        "updated" => &["t.updated_at", "t.id"],
        "due" => &["t.step_due NULLS LAST", "t.id"],
        _ => &["t.created_at", "t.id"],
    };
    Listing {
        filter: f,
        order,
        total: kept,
        waiting,
    }
}

const FROM: &str = "trips t JOIN users a ON a.id = t.applicant_id \
     LEFT JOIN units n ON n.id = t.unit_id \
     LEFT JOIN organizations o ON o.id = t.inviting_organization_id \
     LEFT JOIN activities v ON v.id = t.activity_id";

/// A trip read from its row, with its members and its approved form as stored; [`complete`]
/// names the members and reads the rest.
type Read = (Trip, Vec<Member>, Option<TripInput>);

fn json_column<T: serde::de::DeserializeOwned>(
    row: &impl RowExt,
    column: &str,
) -> Result<Option<T>> {
    row.opt_text(column)?
        .map(|text| serde_json::from_str::<T>(&text))
        .transpose()
        .map_err(|e| crate::Error::Corrupt(format!("{column}: {e}")))
}

fn from_row(row: &impl RowExt) -> Result<Read> {
    let details: Details = row.json("details")?;
    let plan = row
        .opt_text("approval_plan")?
        .map(|text| serde_json::from_str::<Plan>(&text))
        .transpose()
        .map_err(|e| crate::Error::Corrupt(format!("approval_plan: {e}")))?;
    let progress = row
        .opt_text("progress")?
        .map(|text| serde_json::from_str::<Progress>(&text))
        .transpose()
        .map_err(|e| crate::Error::Corrupt(format!("progress: {e}")))?;
    let trip = Trip {
        meta: row.meta()?,
        status: row.enumerated("status")?,
        applicant: applicant_of(row)?,
        unit: row.named("unit")?,
        title_zh: row.opt_text("title_zh")?,
        title_en: row.opt_text("title_en")?,
        trip_type: row.enumerated("trip_type")?,
        track: row.enumerated("track")?,
        destinations: details.destinations,
        members: Vec::new(),
        inviting_organization: row.named("inviter")?,
        invitation: row.opt_text("invitation")?,
        purpose: row.opt_text("purpose")?,
        tasks: row.opt_text("tasks")?,
        schedule: details.schedule,
        funding: row.enumerated("funding")?,
        budget: details.budget,
        budget_total: Money::from_fen(row.int("budget_total")?),
        chosen_approvers: details.chosen_approvers,
        departure: row.opt_date("departure")?,
        return_date: row.opt_date("return_date")?,
        days_abroad: row.int("days_abroad")?,
        plan,
        progress,
        step_due: row.opt_date("step_due")?,
        submitted_at: row
            .opt_text("submitted_at")?
            .map(|_| row.timestamp("submitted_at"))
            .transpose()?,
        changes_since_approval: Vec::new(),
        approved_form: None,
        notice_posted: row.opt_date("notice_posted")?,
        notice_ends: row.opt_date("notice_ends")?,
        briefed: Vec::new(),
        actual_return: row.opt_date("actual_return")?,
        report_due: row.opt_date("report_due")?,
        report: json_column(row, "report")?,
        activity: row.named("activity")?,
    };
    let approved = json_column(row, "approved_form")?;
    Ok((trip, details.members, approved))
}

/// Names a trip's members, lists who has been briefed, and shows what changed since approval.
async fn complete(conn: &mut AnyConnection, read: Read) -> Result<Trip> {
    let id = read.0.meta.id;
    complete_all(conn, vec![read])
        .await?
        .pop()
        .ok_or_else(|| DomainError::not_found("trip", id).into())
}

/// [`complete`] for every trip of a list's page at once, in two statements whatever its length:
/// a statement for each trip cost a page of 50 a hundred.
async fn complete_all(conn: &mut AnyConnection, reads: Vec<Read>) -> Result<Vec<Trip>> {
    let everyone: Vec<Member> = reads.iter().flat_map(|r| r.1.iter().cloned()).collect();
    let mut named = named_members(conn, everyone).await?.into_iter();
    let mut briefed: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    if !reads.is_empty() {
        let sql = format!(
            "SELECT DISTINCT trip_id, person_id FROM briefing_attendance WHERE trip_id IN ({}) \
             ORDER BY trip_id, person_id",
            placeholders(1, reads.len())
        );
        let mut query = sqlx::query(&sql);
        for read in &reads {
            query = query.bind(read.0.meta.id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            briefed
                .entry(row.int("trip_id")?)
                .or_default()
                .push(row.int("person_id")?);
        }
    }
    let mut trips = Vec::with_capacity(reads.len());
    for (mut trip, members, approved) in reads {
        trip.members = named.by_ref().take(members.len()).collect();
        trip.briefed = briefed.remove(&trip.meta.id).unwrap_or_default();
        if let Some(approved) = approved
            && matches!(trip.status, TripState::Changing | TripState::InApproval)
        {
            // In Chinese, the office's language, until a reader's language is known.
            trip.approved_form = Some(Box::new(approved));
            trip.name_changes_in(NewsLanguage::Zh);
        }
        trips.push(trip);
    }
    Ok(trips)
}

/// Names the members of a trip from the people they are.
async fn named_members(conn: &mut AnyConnection, members: Vec<Member>) -> Result<Vec<TripMember>> {
    if members.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, key, name_zh, name_en FROM people WHERE id IN ({})",
        placeholders(1, members.len())
    );
    let mut query = sqlx::query(&sql);
    for m in &members {
        query = query.bind(m.person_id);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut names = BTreeMap::new();
    for row in rows {
        let id = row.int("id")?;
        names.insert(
            id,
            Named {
                id,
                key: row.opt_text("key")?,
                name: liaison_core::people::display_name(
                    &row.opt_text("name_zh")?,
                    &row.opt_text("name_en")?,
                ),
            },
        );
    }
    Ok(members
        .into_iter()
        .map(|m| TripMember {
            person: names.get(&m.person_id).cloned().unwrap_or(Named {
                id: m.person_id,
                key: None,
                name: format!("person {}", m.person_id),
            }),
            leader: m.leader,
            position: m.position,
            unit_leader: m.unit_leader,
        })
        .collect())
}

impl StoredRecord for Trip {
    async fn fetch(conn: &mut AnyConnection, _: &Policy, id: i64) -> Result<Trip> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM {FROM} WHERE t.id = $1",
            columns().sql()
        ))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| DomainError::not_found("trip", id))?;
        complete(conn, from_row(&row)?).await
    }
}

impl StatefulRecord for Trip {
    fn version(&self) -> i64 {
        self.meta.version
    }
}

/// Checks that the people, unit and organization a form names exist, naming the field of each
/// that does not.
async fn check_links(conn: &mut AnyConnection, input: &TripInput) -> Result<()> {
    let mut errors = FieldErrors::new();
    for (i, m) in input.members.iter().enumerate() {
        let found: Option<String> = sqlx::query_scalar("SELECT category FROM people WHERE id = $1")
            .bind(m.person_id)
            .fetch_optional(&mut *conn)
            .await?;
        match found.as_deref() {
            None => errors.add(
                format!("members[{i}].person"),
                "not_found",
                format!("there is no person {}", m.person_id),
            ),
            Some("internal") => {}
            Some(_) => errors.add(
                format!("members[{i}].person"),
                "not_internal",
                "a delegation's members are the university's own people",
            ),
        }
    }
    if let Some(unit) = input.unit {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM units WHERE id = $1")
            .bind(unit)
            .fetch_optional(&mut *conn)
            .await?;
        if found.is_none() {
            errors.add("unit", "not_found", format!("there is no unit {unit}"));
        }
    }
    if let Some(org) = input.inviting_organization {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM organizations WHERE id = $1")
            .bind(org)
            .fetch_optional(&mut *conn)
            .await?;
        if found.is_none() {
            errors.add(
                "inviting_organization",
                "not_found",
                format!("there is no organization {org}"),
            );
        }
    }
    Ok(errors.into_result()?)
}

/// The columns a form writes, for insert and update alike.
pub(crate) fn form_columns(input: &TripInput) -> Vec<(&'static str, sql::Param)> {
    use sql::Param;
    let shape = input.shape();
    let details = Details {
        destinations: input.destinations.clone(),
        members: input.members.clone(),
        schedule: input.schedule.clone(),
        budget: input.budget.clone(),
        chosen_approvers: input.chosen_approvers.clone(),
    };
    vec![
        ("unit_id", Param::Int(input.unit)),
        ("title_zh", Param::Text(input.title_zh.clone())),
        ("title_en", Param::Text(input.title_en.clone())),
        ("trip_type", Param::text(enum_text(&input.trip_type))),
        ("track", Param::text(enum_text(&shape.track()))),
        ("departure", Param::Text(shape.departure().map(date_text))),
        (
            "return_date",
            Param::Text(shape.return_date().map(date_text)),
        ),
        ("days_abroad", Param::int(shape.days_abroad())),
        (
            "inviting_organization_id",
            Param::Int(input.inviting_organization),
        ),
        ("invitation", Param::Text(input.invitation.clone())),
        ("purpose", Param::Text(input.purpose.clone())),
        ("tasks", Param::Text(input.tasks.clone())),
        ("funding", Param::text(enum_text(&input.funding))),
        (
            "budget_total",
            Param::int(input.budget_total().map(|m| m.fen()).unwrap_or(0)),
        ),
        ("details", Param::text(json_text(&details))),
    ]
}

async fn write_members(conn: &mut AnyConnection, id: i64, members: &[Member]) -> Result<()> {
    sqlx::query("DELETE FROM trip_members WHERE trip_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for m in members {
        sqlx::query("INSERT INTO trip_members (trip_id, person_id) VALUES ($1, $2)")
            .bind(id)
            .bind(m.person_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The unit an application is filed under: the one its form names, else the applicant's own.
fn unit_for(actor: &Actor, input: &TripInput) -> Result<Option<i64>> {
    let unit = input.unit.or(actor.unit_id);
    // A liaison officer and a member of staff file for their own unit only; the office for any.
    if matches!(actor.role, UserRole::Liaison | UserRole::Staff) && unit != actor.unit_id {
        return Err(DomainError::Forbidden(
            "a liaison officer or a member of staff files applications for their own unit"
                .to_owned(),
        )
        .into());
    }
    Ok(unit)
}

/// The waiting rows `w` of the applications waiting for the decision of the account `user` on
/// `day` (both placeholders), as an approver of their current step or as the deputy of one
/// within the delegation's period: the numbers of two parts of a `UNION ALL`, each from `w`
/// and what `join` adds, kept by the conditions in `and`.
fn waiting_parts(user: &str, day: &str, join: &str, and: &str) -> [String; 2] {
    // The user's own waiting rows, then those of whom they stand in for that are not their own
    // too, so that the two parts never share an application and need no UNION: with OR, both
    // databases read every row of trip_waiting; with UNION, SQLite sorted every number of both
    // parts to drop the duplicates (an officer's 2,000, twice, for each page and count).
    [
        format!("SELECT w.trip_id FROM trip_waiting w{join} WHERE w.user_id = {user}{and}"),
        format!(
            "SELECT DISTINCT w.trip_id FROM delegations g \
             JOIN trip_waiting w ON w.user_id = g.user_id{join} \
             WHERE g.deputy_id = {user} AND g.from_date <= {day} AND g.to_date >= {day} \
             AND NOT EXISTS (SELECT 1 FROM trip_waiting o \
             WHERE o.user_id = {user} AND o.trip_id = w.trip_id){and}"
        ),
    ]
}

/// The numbers of the applications waiting for the decision of the account `user` on `day`
/// ([`waiting_parts`]). Every inbox, count and button reads it.
fn waiting_for_sql(user: &str, day: &str) -> String {
    waiting_parts(user, day, "", "").join(" UNION ALL ")
}

/// The number of applications waiting for the decision of the account `user` on `day`, as
/// [`waiting_for_sql`] lists them. Without a deputy's part, and with one account stood in for
/// (the usual deputy), it is taken from the counts `trip_waiting_shared` keeps: their own, plus
/// the other's, less those of both. Standing in for several, it is counted row by row.
fn waiting_count_sql(user: &str, day: &str) -> String {
    let stood_in_for = format!(
        "SELECT DISTINCT g.user_id FROM delegations g WHERE g.deputy_id = {user} \
         AND g.from_date <= {day} AND g.to_date >= {day}"
    );
    let shared = |a: &str, b: &str| {
        format!(
            "COALESCE((SELECT s.n FROM trip_waiting_shared s \
             WHERE s.user_id = {a} AND s.other_id = {b}), 0)"
        )
    };
    format!(
        "CASE (SELECT COUNT(*) FROM ({stood_in_for}) d) WHEN 0 THEN {own} \
         WHEN 1 THEN (SELECT {own} + {theirs} - {both} FROM ({stood_in_for}) d) \
         ELSE (SELECT COUNT(*) FROM ({every}) w) END",
        own = shared(user, user),
        theirs = shared("d.user_id", "d.user_id"),
        both = shared(user, "d.user_id"),
        every = waiting_for_sql(user, day),
    )
}

/// `order`, a list's order over the applications `t`, in `direction` over the waiting rows
/// that keep its keys, each column behind `prefix`.
fn waiting_order(order: &[&str], direction: &str, prefix: &str) -> String {
    order
        .iter()
        .map(|part| {
            let (expression, nulls) = match part.strip_suffix(" NULLS LAST") {
                Some(expression) => (expression, " NULLS LAST"),
                None => (*part, ""),
            };
            let column = match expression.strip_prefix("t.") {
                Some("id") => "trip_id",
                Some(column) => column,
                None => expression,
            };
            format!("{prefix}{column} {direction}{nulls}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every decision on application `id`, oldest first, read through `conn`.
pub(crate) async fn decisions_of(conn: &mut AnyConnection, id: i64) -> Result<Vec<TripDecision>> {
    let rows = sqlx::query(
        "SELECT at, step, step_name, approver_id, deputy_id, username, verdict, comment \
         FROM trip_decisions WHERE trip_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(TripDecision {
                at: row.timestamp("at")?,
                step: row.int("step")?,
                step_name: row.text("step_name")?,
                approver_id: row.int("approver_id")?,
                deputy_id: row.opt_int("deputy_id")?,
                username: row.text("username")?,
                verdict: row.enumerated("verdict")?,
                comment: row.opt_text("comment")?,
            })
        })
        .collect()
}

/// Whether account `id` exists.
async fn account_exists(conn: &mut AnyConnection, id: i64) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(found.is_some())
}

/// The accounts a query over one unit finds.
async fn ids_of(conn: &mut AnyConnection, sql: &str, unit: i64) -> Result<BTreeSet<i64>> {
    let ids: Vec<i64> = sqlx::query_scalar(sql).bind(unit).fetch_all(conn).await?;
    Ok(ids.into_iter().collect())
}

/// The days a trip's approver has, counted from when the step starts.
async fn step_due(
    store: &Store,
    plan: &Plan,
    progress: &Progress,
    today: NaiveDate,
) -> Result<Option<NaiveDate>> {
    let Progress::AtStep { step, .. } = progress else {
        return Ok(None);
    };
    let calendar = store.work_calendar_from(today).await?;
    let planned = &plan.steps[*step];
    Ok(Some(liaison_core::approvals::due(
        today, planned, &calendar,
    )?))
}

impl Store {
    /// Files a new trip application, as a draft, for the acting account.
    pub async fn create_trip(&self, actor: &Actor, input: TripInput) -> Result<Trip> {
        let Some(applicant) = actor.user_id.filter(|_| may_apply(actor)) else {
            return Err(DomainError::Forbidden(
                "a trip application is filed by a signed-in account that may apply".to_owned(),
            )
            .into());
        };
        let input = input.validated()?;
        let unit = unit_for(actor, &input)?;
        let mut tx = self.begin_write().await?;
        check_links(&mut tx, &input).await?;
        let mut columns = form_columns(&input);
        for (name, value) in &mut columns {
            if *name == "unit_id" {
                *value = sql::Param::Int(unit);
            }
        }
        let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
        let sql = format!(
            "INSERT INTO trips (key, created_at, updated_at, status, applicant_id, {}) \
             VALUES ($1, $2, $2, $3, $4, {}) RETURNING id",
            names.join(", "),
            placeholders(5, names.len())
        );
        let now = sql::now();
        let values: Vec<sql::Param> = columns.into_iter().map(|(_, v)| v).collect();
        let query = sqlx::query(&sql)
            .bind(input.key.as_deref())
            .bind(now.as_str())
            .bind(TripState::Draft.as_str())
            .bind(applicant);
        let row = sql::bind_params(query, &values)
            .fetch_one(&mut *tx)
            .await
            .map_err(crate::Error::from_write)?;
        let id = row.int("id")?;
        write_members(&mut tx, id, &input.members).await?;
        record_created(&mut tx, actor, TRIP, id, TripState::Draft.as_str()).await?;
        let created = Trip::fetch(&mut tx, &self.policy, id).await?;
        audit::record(
            &mut tx,
            actor,
            "create",
            TRIP.as_str(),
            Some(id),
            &serde_json::to_value(&created).unwrap_or_default(),
        )
        .await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Changes an application while it is a draft or opened for a change, by whoever acts for
    /// it; the form names the version it was started from.
    pub async fn update_trip(&self, actor: &Actor, id: i64, input: TripInput) -> Result<Trip> {
        let input = input.validated()?;
        let version = crate::records::required_version(input.version)?;
        let result = async {
            let mut tx = self.begin_write().await?;
            let before = Trip::fetch(&mut tx, &self.policy, id).await?;
            authorize_applicant(actor, &before)?;
            if before.meta.version != version {
                return Err(crate::records::refuse_stale(&mut tx, TRIP, id, version).await);
            }
            if !before.status.editable() {
                return Err(DomainError::invalid(
                    "status",
                    "not_editable",
                    format!(
                        "a trip application that is {} cannot be edited; open it for a change first",
                        before.status.as_str()
                    ),
                )
                .into());
            }
            let mut input = input.clone();
            if actor.role == UserRole::Liaison || input.unit.is_none() {
                input.unit = before.unit.as_ref().map(|u| u.id).or(input.unit);
            }
            check_links(&mut tx, &input).await?;
            let columns = form_columns(&input);
            let assignments: Vec<String> = columns
                .iter()
                .enumerate()
                .map(|(i, (name, _))| format!("{name} = ${}", i + 5))
                .collect();
            let sql = format!(
                "UPDATE trips SET key = $3, version = version + 1, updated_at = $4, {} \
                 WHERE id = $1 AND version = $2",
                assignments.join(", ")
            );
            let now = sql::now();
            let values: Vec<sql::Param> = columns.into_iter().map(|(_, v)| v).collect();
            let query = sqlx::query(&sql)
                .bind(id)
                .bind(version)
                .bind(input.key.as_deref())
                .bind(now.as_str());
            let done = sql::bind_params(query, &values)
                .execute(&mut *tx)
                .await
                .map_err(crate::Error::from_write)?;
            if done.rows_affected() == 0 {
                return Err(crate::records::refuse_stale(&mut tx, TRIP, id, version).await);
            }
            write_members(&mut tx, id, &input.members).await?;
            let after = Trip::fetch(&mut tx, &self.policy, id).await?;
            audit::updated(&mut tx, actor, TRIP, id, &before, &after).await?;
            tx.commit().await?;
            Ok(after)
        }
        .await;
        crate::records::with_current(result, self.get::<Trip>(id)).await
    }

    /// The chain an application of `kind` is planned from now: the last one saved, or the
    /// default chain while an admin has saved none.
    pub async fn approval_chain(&self, kind: ApplicationKind) -> Result<Chain> {
        let row = sqlx::query(
            "SELECT version, steps FROM approval_chains WHERE kind = $1 \
             ORDER BY version DESC LIMIT 1",
        )
        .bind(kind.as_str())
        .fetch_optional(&self.read)
        .await?;
        match row {
            None => Ok(Chain::default_for(kind)),
            Some(row) => Ok(Chain {
                kind,
                version: row.int("version")?,
                steps: row.json("steps")?,
            }),
        }
    }

    /// Saves a new version of a chain; applications under way keep the plan they have.
    pub async fn save_approval_chain(&self, actor: &Actor, input: ChainInput) -> Result<Chain> {
        if actor.role != UserRole::Admin {
            return Err(
                DomainError::Forbidden("only an admin sets approval chains".to_owned()).into(),
            );
        }
        input.check()?;
        let mut tx = self.begin_write().await?;
        let last: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM approval_chains WHERE kind = $1")
                .bind(input.kind.as_str())
                .fetch_one(&mut *tx)
                .await?;
        let version = last.unwrap_or(0) + 1;
        sqlx::query(
            "INSERT INTO approval_chains (kind, version, steps, saved_at, saved_by) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(input.kind.as_str())
        .bind(version)
        .bind(json_text(&input.steps))
        .bind(sql::now())
        .bind(&actor.username)
        .execute(&mut *tx)
        .await?;
        let chain = Chain {
            kind: input.kind,
            version,
            steps: input.steps,
        };
        audit::record(
            &mut tx,
            actor,
            "update",
            "approval_chain",
            Some(version),
            &serde_json::to_value(&chain).unwrap_or_default(),
        )
        .await?;
        tx.commit().await?;
        Ok(chain)
    }

    /// Records that `deputy` acts for `user` over a period; an admin, or the approver for
    /// themselves.
    pub async fn add_delegation(&self, actor: &Actor, delegation: Delegation) -> Result<()> {
        if actor.role != UserRole::Admin && actor.user_id != Some(delegation.user_id) {
            return Err(DomainError::Forbidden(
                "an approver names their own deputy; an admin names anyone's".to_owned(),
            )
            .into());
        }
        let mut errors = FieldErrors::new();
        if delegation.to < delegation.from {
            errors.add(
                "to",
                "before_from",
                "the last day must not be before the first",
            );
        }
        if delegation.deputy_id == delegation.user_id {
            errors.add(
                "deputy",
                "same_person",
                "an approver cannot be their own deputy",
            );
        }
        let mut tx = self.begin_write().await?;
        for (field, id) in [
            ("user", delegation.user_id),
            ("deputy", delegation.deputy_id),
        ] {
            if !account_exists(&mut tx, id).await? {
                errors.add(field, "not_found", format!("there is no account {id}"));
            }
        }
        errors.into_result()?;
        sqlx::query(
            "INSERT INTO delegations (user_id, deputy_id, from_date, to_date, created_at, \
             created_by) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(delegation.user_id)
        .bind(delegation.deputy_id)
        .bind(date_text(delegation.from))
        .bind(date_text(delegation.to))
        .bind(sql::now())
        .bind(&actor.username)
        .execute(&mut *tx)
        .await
        .map_err(crate::Error::from_write)?;
        audit::record(
            &mut tx,
            actor,
            "create",
            "delegation",
            Some(delegation.user_id),
            &serde_json::to_value(&delegation).unwrap_or_default(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Names the university leaders in charge of a unit (分管校领导); an admin's work.
    pub async fn set_leaders_in_charge(
        &self,
        actor: &Actor,
        unit: i64,
        users: &[i64],
    ) -> Result<()> {
        if actor.role != UserRole::Admin {
            return Err(DomainError::Forbidden(
                "only an admin names the leaders in charge of a unit".to_owned(),
            )
            .into());
        }
        let mut tx = self.begin_write().await?;
        let mut errors = FieldErrors::new();
        let unit_found: Option<i64> = sqlx::query_scalar("SELECT id FROM units WHERE id = $1")
            .bind(unit)
            .fetch_optional(&mut *tx)
            .await?;
        if unit_found.is_none() {
            return Err(DomainError::not_found("unit", unit).into());
        }
        for (i, user) in users.iter().enumerate() {
            if !account_exists(&mut tx, *user).await? {
                errors.add(
                    format!("users[{i}]"),
                    "not_found",
                    format!("there is no account {user}"),
                );
            }
        }
        errors.into_result()?;
        sqlx::query("DELETE FROM unit_leaders_in_charge WHERE unit_id = $1")
            .bind(unit)
            .execute(&mut *tx)
            .await?;
        for user in users {
            sqlx::query("INSERT INTO unit_leaders_in_charge (unit_id, user_id) VALUES ($1, $2)")
                .bind(unit)
                .bind(user)
                .execute(&mut *tx)
                .await
                .map_err(crate::Error::from_write)?;
        }
        audit::record(
            &mut tx,
            actor,
            "update",
            "unit",
            Some(unit),
            &serde_json::json!({ "leaders_in_charge": users }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Names the person an account is, so that a unit leader recorded as a person approves as
    /// that account; an admin's work.
    pub async fn link_account_person(
        &self,
        actor: &Actor,
        user: i64,
        person: Option<i64>,
    ) -> Result<()> {
        if actor.role != UserRole::Admin {
            return Err(DomainError::Forbidden(
                "only an admin links accounts to people".to_owned(),
            )
            .into());
        }
        let mut tx = self.begin_write().await?;
        if let Some(person) = person {
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM people WHERE id = $1")
                .bind(person)
                .fetch_optional(&mut *tx)
                .await?;
            if found.is_none() {
                return Err(DomainError::invalid(
                    "person",
                    "not_found",
                    format!("there is no person {person}"),
                )
                .into());
            }
        }
        let done = sqlx::query("UPDATE users SET person_id = $2 WHERE id = $1")
            .bind(user)
            .bind(person)
            .execute(&mut *tx)
            .await
            .map_err(crate::Error::from_write)?;
        if done.rows_affected() == 0 {
            return Err(DomainError::not_found("user", user).into());
        }
        audit::record(
            &mut tx,
            actor,
            "update",
            "user",
            Some(user),
            &serde_json::json!({ "person": person }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Who holds which post, for the unit an application is filed under.
    async fn directory(conn: &mut AnyConnection, unit: Option<i64>) -> Result<Directory> {
        let mut directory = Directory::default();
        let rows = sqlx::query("SELECT id, role FROM users WHERE active = 1")
            .fetch_all(&mut *conn)
            .await?;
        for row in rows {
            let id = row.int("id")?;
            directory.active.insert(id);
            if let Some(role) = UserRole::parse(&row.text("role")?) {
                directory.roles.entry(role).or_default().insert(id);
            }
        }
        if let Some(unit) = unit {
            let leaders = ids_of(
                &mut *conn,
                "SELECT u.id FROM users u JOIN units n ON n.foreign_affairs_leader_id = u.person_id \
                 WHERE n.id = $1",
                unit,
            )
            .await?;
            directory.unit_leaders.insert(unit, leaders);
            let liaisons = ids_of(
                &mut *conn,
                "SELECT id FROM users WHERE role = 'liaison' AND unit_id = $1",
                unit,
            )
            .await?;
            directory.unit_liaisons.insert(unit, liaisons);
            let in_charge = ids_of(
                &mut *conn,
                "SELECT user_id FROM unit_leaders_in_charge WHERE unit_id = $1",
                unit,
            )
            .await?;
            directory.leaders_in_charge.insert(unit, in_charge);
        }
        Ok(directory)
    }

    /// What the chain would ask of an application if it were submitted now: shown to the
    /// applicant before submitting.
    pub async fn planned_approvals(&self, trip: &Trip) -> Result<Plan> {
        let chain = self.approval_chain(ApplicationKind::Trip).await?;
        let mut conn = self.read.acquire().await?;
        let directory = Self::directory(&mut conn, trip.unit.as_ref().map(|u| u.id)).await?;
        let input = trip.to_input();
        let facts = Facts::of_trip(&input.shape(), trip.budget_total.fen() / 100);
        Ok(Plan::make(
            &chain,
            &facts,
            &Applicant {
                user_id: trip.applicant.id,
                unit_id: trip.unit.as_ref().map(|u| u.id),
                chosen: trip.chosen_approvers.clone(),
            },
            &directory,
        )?)
    }

    /// Submits an application read at `version` on `today`: refused, with every finding, if it
    /// breaks a rule of the trip policy; otherwise its chain is worked out into the plan kept
    /// with it, and its first step's approvers are waited for.
    pub async fn submit_trip(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        policy: &TripPolicy,
        today: NaiveDate,
    ) -> Result<Trip> {
        let chain = self.approval_chain(ApplicationKind::Trip).await?;
        let calendar = self.work_calendar_from(today).await?;
        let result = async {
            let mut tx = self.begin_write().await?;
            let before = Trip::fetch(&mut tx, &self.policy, id).await?;
            authorize_applicant(actor, &before)?;
            let transition =
                TRIP_LIFECYCLE.check(actor, TRIP, None, before.status.as_str(), "submit")?;
            if before.meta.version != version {
                return Err(crate::records::refuse_stale(&mut tx, TRIP, id, version).await);
            }
            let input = before.to_input();
            let shape = input.shape();
            let findings = check(&shape, policy, today, &calendar)?;
            if !findings.is_empty() {
                let mut errors = FieldErrors::new();
                for f in &findings {
                    errors.add("policy", f.rule.as_str(), f.message.clone());
                }
                return Err(DomainError::Invalid(errors).into());
            }
            self.check_trip_passports(&mut tx, &before, TripStage::Submit, today)
                .await?;
            let unit = before.unit.as_ref().map(|u| u.id);
            let directory = Self::directory(&mut tx, unit).await?;
            let facts = Facts::of_trip(&shape, before.budget_total.fen() / 100);
            let plan = Plan::make(
                &chain,
                &facts,
                &Applicant {
                    user_id: before.applicant.id,
                    unit_id: unit,
                    chosen: before.chosen_approvers.clone(),
                },
                &directory,
            )?;
            let progress = plan.start();
            let due = step_due(self, &plan, &progress, today).await?;
            self.write_progress(&mut tx, id, version, transition.to, &plan, &progress, due)
                .await?;
            sqlx::query("UPDATE trips SET submitted_at = $2 WHERE id = $1")
                .bind(id)
                .bind(sql::now())
                .execute(&mut *tx)
                .await?;
            NewEvent::now(
                actor,
                TRIP,
                id,
                "submit",
                Some(before.status.as_str()),
                transition.to,
                None,
            )
            .append(&mut tx)
            .await?;
            crate::reminders::trip_progressed(
                &mut tx,
                id,
                version + 1,
                before.applicant.id,
                &progress,
                true,
                today,
            )
            .await?;
            let after = Trip::fetch(&mut tx, &self.policy, id).await?;
            audit::updated(&mut tx, actor, TRIP, id, &before, &after).await?;
            tx.commit().await?;
            Ok(after)
        }
        .await;
        crate::records::with_current(result, self.get::<Trip>(id)).await
    }

    /// Writes where an application stands: its state, plan, progress and due day, and whom it
    /// waits for now; refused if someone changed it since `version`.
    #[allow(clippy::too_many_arguments)]
    async fn write_progress(
        &self,
        conn: &mut AnyConnection,
        id: i64,
        version: i64,
        state: &str,
        plan: &Plan,
        progress: &Progress,
        due: Option<NaiveDate>,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE trips SET status = $3, approval_plan = $4, progress = $5, step_due = $6, \
             version = version + 1, updated_at = $7 WHERE id = $1 AND version = $2",
        )
        .bind(id)
        .bind(version)
        .bind(state)
        .bind(json_text(plan))
        .bind(json_text(progress))
        .bind(due.map(date_text))
        .bind(sql::now())
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() == 0 {
            return Err(crate::records::refuse_stale(conn, TRIP, id, version).await);
        }
        sqlx::query("DELETE FROM trip_waiting WHERE trip_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        if let Progress::AtStep { step, approved_by } = progress {
            for approver in &plan.steps[*step].approvers {
                if !approved_by.contains(approver) {
                    sqlx::query("INSERT INTO trip_waiting (user_id, trip_id) VALUES ($1, $2)")
                        .bind(approver)
                        .bind(id)
                        .execute(&mut *conn)
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// The delegations in force on `today` whose deputy is `actor`.
    async fn delegations_of(
        conn: &mut AnyConnection,
        deputy: i64,
        today: NaiveDate,
    ) -> Result<Vec<Delegation>> {
        let rows = sqlx::query(
            "SELECT user_id, deputy_id, from_date, to_date FROM delegations \
             WHERE deputy_id = $1 AND from_date <= $2 AND to_date >= $2",
        )
        .bind(deputy)
        .bind(date_text(today))
        .fetch_all(&mut *conn)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Delegation {
                    user_id: row.int("user_id")?,
                    deputy_id: row.int("deputy_id")?,
                    from: row.date("from_date")?,
                    to: row.date("to_date")?,
                })
            })
            .collect()
    }

    /// An approver's decision on an application read at `version`, on `today`. Of two approvers
    /// deciding at once on the same version, one is saved and the other is told the
    /// application changed.
    pub async fn decide_trip(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        decision: Decision,
        today: NaiveDate,
    ) -> Result<Trip> {
        let Some(actor_id) = actor.user_id else {
            return Err(DomainError::Forbidden(
                "an approver decides as a signed-in account".to_owned(),
            )
            .into());
        };
        let calendar = self.work_calendar_from(today).await?;
        let result = async {
            let mut tx = self.begin_write().await?;
            let before = Trip::fetch(&mut tx, &self.policy, id).await?;
            if before.meta.version != version {
                return Err(crate::records::refuse_stale(&mut tx, TRIP, id, version).await);
            }
            let (Some(plan), Some(progress)) = (&before.plan, &before.progress) else {
                return Err(DomainError::Conflict {
                    message: "this application is not waiting for approval".to_owned(),
                    current: None,
                }
                .into());
            };
            if before.status != TripState::InApproval {
                return Err(DomainError::Conflict {
                    message: format!(
                        "this application is {}, not waiting for approval",
                        before.status.as_str()
                    ),
                    current: None,
                }
                .into());
            }
            if decision.verdict == Verdict::Approve {
                self.check_trip_passports(&mut tx, &before, TripStage::Approve, today)
                    .await?;
            }
            let delegations = Self::delegations_of(&mut tx, actor_id, today).await?;
            let outcome = decide(
                plan,
                progress,
                before.applicant.id,
                actor_id,
                &decision,
                &delegations,
                today,
            )?;
            let (state, transition) = match &outcome.progress {
                Progress::AtStep { .. } => (TripState::InApproval, None),
                Progress::Approved => (TripState::Approved, Some("approve")),
                Progress::Refused => (TripState::Rejected, Some("refuse")),
                Progress::BackWithApplicant => (TripState::Draft, Some("send_back")),
            };
            let started_anew = match (&outcome.progress, progress) {
                (Progress::AtStep { step: now, .. }, Progress::AtStep { step: was, .. }) => {
                    now != was
                }
                _ => false,
            };
            let due = if started_anew {
                match &outcome.progress {
                    Progress::AtStep { step, .. } => Some(liaison_core::approvals::due(
                        today,
                        &plan.steps[*step],
                        &calendar,
                    )?),
                    _ => None,
                }
            } else if matches!(outcome.progress, Progress::AtStep { .. }) {
                before.step_due
            } else {
                None
            };
            self.write_progress(
                &mut tx,
                id,
                version,
                state.as_str(),
                plan,
                &outcome.progress,
                due,
            )
            .await?;
            if outcome.progress == Progress::Approved {
                // A change, once approved, is the approved trip.
                sqlx::query("UPDATE trips SET approved_form = NULL WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            let comment = liaison_core::validate::clean(&decision.comment);
            sqlx::query(
                "INSERT INTO trip_decisions (trip_id, at, step, step_name, approver_id, deputy_id, \
                 username, verdict, comment) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id)
            .bind(sql::now())
            .bind(outcome.step as i64)
            .bind(&plan.steps[outcome.step].name)
            .bind(outcome.approver)
            .bind(outcome.deputy)
            .bind(&actor.username)
            .bind(enum_text(&decision.verdict))
            .bind(comment.as_deref())
            .execute(&mut *tx)
            .await?;
            if let Some(transition) = transition {
                NewEvent::now(
                    actor,
                    TRIP,
                    id,
                    transition,
                    Some(before.status.as_str()),
                    state.as_str(),
                    comment.as_deref(),
                )
                .append(&mut tx)
                .await?;
            }
            crate::reminders::trip_progressed(
                &mut tx,
                id,
                version + 1,
                before.applicant.id,
                &outcome.progress,
                started_anew,
                today,
            )
            .await?;
            let after = Trip::fetch(&mut tx, &self.policy, id).await?;
            audit::updated(&mut tx, actor, TRIP, id, &before, &after).await?;
            tx.commit().await?;
            Ok(after)
        }
        .await;
        crate::records::with_current(result, self.get::<Trip>(id)).await
    }

    /// Every decision on an application, oldest first.
    pub async fn trip_decisions(&self, id: i64) -> Result<Vec<TripDecision>> {
        let mut conn = self.read.acquire().await?;
        decisions_of(&mut conn, id).await
    }

    /// A page of applications: all of them, or narrowed to a state, a unit, an applicant, the
    /// ones waiting for an approver (or their deputy) or the ones overdue.
    pub async fn list_trips(
        &self,
        filter: &TripFilter,
        page: &PageRequest,
        today: NaiveDate,
    ) -> Result<Page<Trip>> {
        let found = self
            .trip_listing(
                listing(filter, page, today),
                page,
                Reading {
                    columns: columns(),
                    page_columns: Selection::default(),
                },
                FROM,
                from_row,
            )
            .await?;
        let mut conn = self.read.acquire().await?;
        let items = complete_all(&mut conn, found.items).await?;
        Ok(Page {
            items,
            total: found.total,
            page: found.page,
            per_page: found.per_page,
        })
    }

    /// The page of [`Store::list_trips`] as a list's rows: the columns a row shows, read in one
    /// statement (three for an approver's inbox), without the members, plan, approved form and
    /// report of each application. `counted` is the count of what waits for the account of
    /// `filter.waiting_for`, when the caller has it already from [`Store::trip_inbox`] (an
    /// approver's page shows it beside the list): it is the list's total when nothing else
    /// narrows the list, and is not counted twice.
    pub async fn list_trip_rows(
        &self,
        filter: &TripFilter,
        page: &PageRequest,
        today: NaiveDate,
        counted: Option<i64>,
    ) -> Result<Page<TripRow>> {
        let mut listing = listing(filter, page, today);
        let narrowed = listing.filter.len() > 0;
        if let Some(waiting) = listing.waiting.as_mut().filter(|_| !narrowed) {
            waiting.counted = counted;
        }
        self.trip_listing(
            listing,
            page,
            Reading {
                columns: row_columns(),
                page_columns: row_page_columns(),
            },
            ROW_FROM,
            row_from_row,
        )
        .await
    }

    /// The page of `listing`, each application read by `map` from what `reading` reads of
    /// `from`.
    async fn trip_listing<T>(
        &self,
        listing: Listing,
        page: &PageRequest,
        reading: Reading,
        from: &str,
        map: impl Fn(&sql::ListRow) -> Result<T>,
    ) -> Result<Page<T>> {
        let Listing {
            filter,
            order,
            total,
            waiting,
        } = listing;
        if let Some(waiting) = waiting {
            return self
                .trips_waiting(filter, waiting, order, page, reading, from, map)
                .await;
        }
        let list = ListQuery {
            columns: reading.columns,
            page_columns: reading.page_columns,
            from,
            total: match total {
                Some(kept) => Total::Expression(kept),
                None => Total::Counted {
                    from: "trips t",
                    count: "COUNT(*)",
                },
            },
            filter,
            order,
        };
        self.list_page(list, page, map).await
    }

    /// A page of an approver's inbox: the applications waiting for `waiting`'s approver that
    /// `filter` keeps. Each waiting row keeps its application's sort keys, with an index for each
    /// order, so the page is cut from a walk of the approver's rows in the page's order that
    /// stops at the page's last, and one such walk for each approver they stand in for today;
    /// the page's rows are read in the same statement. Gathering and sorting an officer's 4,000
    /// waiting applications on every page held the inbox to 400 pages a second at 16
    /// connections.
    #[allow(clippy::too_many_arguments)]
    async fn trips_waiting<T>(
        &self,
        mut filter: sql::Filter,
        waiting: Waiting,
        order: &[&str],
        page: &PageRequest,
        reading: Reading,
        from: &str,
        map: impl Fn(&sql::ListRow) -> Result<T>,
    ) -> Result<Page<T>> {
        let Waiting {
            user,
            day,
            user_param,
            day_param,
            counted: known,
        } = waiting;
        let mut conn = self.read.acquire().await?;
        let mut stood_in_for: Vec<i64> = Self::delegations_of(&mut conn, user, day)
            .await?
            .into_iter()
            .map(|delegation| delegation.user_id)
            .collect();
        drop(conn);
        stood_in_for.sort_unstable();
        stood_in_for.dedup();
        // A state or a due day is the application's own, read from its row.
        let (join, and) = match filter.conditions() {
            Some(conditions) => (
                " JOIN trips t ON t.id = w.trip_id",
                format!(" AND {conditions}"),
            ),
            None => ("", String::new()),
        };
        let count = if and.is_empty() {
            format!("SELECT {} AS n", waiting_count_sql(&user_param, &day_param))
        } else {
            format!(
                "SELECT COUNT(*) AS n FROM ({}) AS c",
                waiting_parts(&user_param, &day_param, join, &and).join(" UNION ALL ")
            )
        };
        let direction = if page.descending { "DESC" } else { "ASC" };
        // A row of the page is among the first rows, to the page's last, of every walk that
        // finds it: so each walk stops there, and an application found by two walks (waiting
        // for the approver and for whom they stand in for) is kept once when they are merged.
        let walked = page.offset() + page.per_page;
        let mut approvers = vec![user_param.clone()];
        for other in stood_in_for {
            approvers.push(filter.param(sql::Param::int(other)));
        }
        let walks = approvers
            .iter()
            .map(|approver| {
                format!(
                    "SELECT * FROM (SELECT w.trip_id, w.created_at, w.updated_at, w.departure, \
                     w.step_due FROM trip_waiting w{join} WHERE w.user_id = {approver}{and} \
                     ORDER BY {} LIMIT {walked}) AS p",
                    waiting_order(order, direction, "w.")
                )
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        // The page is cut from the walks and its rows read, with the count unless it is known,
        // in one statement.
        let total = match known {
            Some(n) => Total::Known(n),
            None => Total::Expression(format!("({count})")),
        };
        filter.and(format!(
            "t.id IN (SELECT trip_id FROM ({walks}) AS waiting \
             GROUP BY trip_id, created_at, updated_at, departure, step_due \
             ORDER BY {} LIMIT {} OFFSET {})",
            waiting_order(order, direction, ""),
            page.per_page,
            page.offset()
        ));
        let list = ListQuery {
            columns: reading.columns,
            page_columns: reading.page_columns,
            from,
            total,
            filter,
            order,
        };
        let first = PageRequest {
            page: 1,
            ..page.clone()
        };
        Ok(Page {
            page: page.page,
            ..self.list_page(list, &first, map).await?
        })
    }

    /// How many applications are in each state, for the office's board.
    pub async fn trip_counts(&self) -> Result<BTreeMap<TripState, i64>> {
        let rows = sqlx::query("SELECT status, n FROM trip_state_counts WHERE n > 0")
            .fetch_all(&self.read)
            .await?;
        let mut counts = BTreeMap::new();
        for row in rows {
            if let Some(state) = TripState::parse(&row.text("status")?) {
                counts.insert(state, row.int("n")?);
            }
        }
        Ok(counts)
    }
}

/// Extra columns a change of state writes, besides the state.
type Writes = Vec<(&'static str, sql::Param)>;

impl Store {
    /// Makes the change of state `name` of an application read at `input.version`, on
    /// `today`: submission and approvers' decisions go through the plan, every other change
    /// through the lifecycle and the rule it needs (the notice period, the briefing, the return
    /// and the report).
    pub async fn trip_action(
        &self,
        actor: &Actor,
        id: i64,
        name: &str,
        input: TripActionInput,
        policy: &TripPolicy,
        today: NaiveDate,
    ) -> Result<Trip> {
        let verdict = match name {
            "submit" => {
                return self
                    .submit_trip(actor, id, input.version, policy, today)
                    .await;
            }
            APPROVE => Some(Verdict::Approve),
            REFUSE => Some(Verdict::Refuse),
            SEND_BACK => Some(Verdict::SendBack),
            _ => None,
        };
        if let Some(verdict) = verdict {
            let decision = Decision {
                verdict,
                comment: input.comment,
            };
            return self
                .decide_trip(actor, id, input.version, decision, today)
                .await;
        }
        let calendar = self.work_calendar_from(today).await?;
        let result = async {
            let mut tx = self.begin_write().await?;
            let mark = crate::records::audit_mark(&mut tx).await?;
            let before = Trip::fetch(&mut tx, &self.policy, id).await?;
            let unit = before.unit.as_ref().map(|u| u.id);
            let transition =
                TRIP_LIFECYCLE.check(actor, TRIP, unit, before.status.as_str(), name)?;
            if transition.who == Who::Applicant {
                authorize_applicant(actor, &before)?;
            }
            if before.meta.version != input.version {
                return Err(crate::records::refuse_stale(&mut tx, TRIP, id, input.version).await);
            }
            let writes = self
                .ready(
                    &mut tx, actor, &before, name, &input, policy, today, &calendar,
                )
                .await?;
            let mut assignments = vec!["status = $3".to_owned(), "updated_at = $4".to_owned()];
            for (i, (column, _)) in writes.iter().enumerate() {
                assignments.push(format!("{column} = ${}", i + 5));
            }
            let sql = format!(
                "UPDATE trips SET {}, version = version + 1 WHERE id = $1 AND version = $2",
                assignments.join(", ")
            );
            let values: Vec<sql::Param> = writes.into_iter().map(|(_, v)| v).collect();
            let now = sql::now();
            let query = sqlx::query(&sql)
                .bind(id)
                .bind(input.version)
                .bind(transition.to)
                .bind(now.as_str());
            let done = sql::bind_params(query, &values).execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(crate::records::refuse_stale(&mut tx, TRIP, id, input.version).await);
            }
            if name == "withdraw" {
                sqlx::query("DELETE FROM trip_waiting WHERE trip_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            let comment = liaison_core::validate::clean(&input.comment);
            NewEvent::now(
                actor,
                TRIP,
                id,
                transition.name,
                Some(before.status.as_str()),
                transition.to,
                comment.as_deref(),
            )
            .append(&mut tx)
            .await?;
            let after = Trip::fetch(&mut tx, &self.policy, id).await?;
            audit::updated(&mut tx, actor, TRIP, id, &before, &after).await?;
            self.refresh_and_commit(tx, mark).await?;
            Ok(after)
        }
        .await;
        crate::records::with_current(result, self.get::<Trip>(id)).await
    }

    /// Checks what a change of state needs, and says what it writes besides the state.
    #[allow(clippy::too_many_arguments)]
    async fn ready(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        trip: &Trip,
        name: &str,
        input: &TripActionInput,
        policy: &TripPolicy,
        today: NaiveDate,
        calendar: &WorkCalendar,
    ) -> Result<Writes> {
        use sql::Param;
        let refuse = |field: &str, code: &str, message: String| -> crate::Error {
            DomainError::invalid(field, code, message).into()
        };
        let unbriefed = || {
            trip.members
                .iter()
                .filter(|m| !trip.briefed.contains(&m.person.id))
                .map(|m| m.person.name.clone())
                .collect::<Vec<_>>()
        };
        Ok(match name {
            "change" => {
                // The approved form is kept once, from the first change: approvers of a later
                // change compare with what was approved, not with an earlier change.
                let approved: Option<String> =
                    sqlx::query_scalar("SELECT approved_form FROM trips WHERE id = $1")
                        .bind(trip.meta.id)
                        .fetch_one(&mut *conn)
                        .await?;
                let approved = approved.unwrap_or_else(|| json_text(&trip.to_input()));
                vec![
                    ("approved_form", Param::text(approved)),
                    // The notice and briefing are done again for the changed trip.
                    ("notice_posted", Param::Text(None)),
                    ("notice_ends", Param::Text(None)),
                ]
            }
            "post_notice" => {
                let Some(departure) = trip.departure else {
                    return Err(refuse(
                        "departure",
                        "required",
                        "the trip has no dates".to_owned(),
                    ));
                };
                let ends = calendar.after(today, policy.notice_working_days)?;
                if departure <= ends {
                    return Err(refuse(
                        "notice",
                        "notice_time",
                        format!(
                            "a notice posted on {today} stays up {} working days, until {ends}; \
                             the trip leaves on {departure}, before it ends",
                            policy.notice_working_days
                        ),
                    ));
                }
                vec![
                    ("notice_posted", Param::text(date_text(today))),
                    ("notice_ends", Param::text(date_text(ends))),
                ]
            }
            "brief" => {
                let missing = unbriefed();
                if !missing.is_empty() {
                    return Err(refuse(
                        "briefing",
                        "not_briefed",
                        format!("not yet briefed: {}", missing.join(", ")),
                    ));
                }
                Vec::new()
            }
            "depart" => {
                if let Some(ends) = trip.notice_ends
                    && today <= ends
                {
                    return Err(refuse(
                        "notice",
                        "notice_time",
                        format!("the public notice runs until {ends}; the trip may leave after it"),
                    ));
                }
                let missing = unbriefed();
                if !missing.is_empty() {
                    return Err(refuse(
                        "briefing",
                        "not_briefed",
                        format!("not yet briefed: {}", missing.join(", ")),
                    ));
                }
                self.check_trip_passports(conn, trip, TripStage::Depart, today)
                    .await?;
                Vec::new()
            }
            "return" => {
                let Some(date) = input.date else {
                    return Err(refuse(
                        "date",
                        "required",
                        "give the day of return".to_owned(),
                    ));
                };
                if trip.departure.is_some_and(|d| date < d) || date > today {
                    return Err(refuse(
                        "date",
                        "out_of_range",
                        "the day of return falls between departure and today".to_owned(),
                    ));
                }
                let due = policy.report_due.after(date, calendar)?;
                vec![
                    ("actual_return", Param::text(date_text(date))),
                    ("report_due", Param::text(date_text(due))),
                ]
            }
            "report" => {
                let Some(report) = input.report.clone() else {
                    return Err(refuse("report", "required", "write the report".to_owned()));
                };
                let report = report.validated()?;
                // The photos are counted in the transaction that files the report, so a photo
                // deleted meanwhile is not counted.
                let photos = crate::files::image_count(conn, TRIP, trip.meta.id).await?;
                if let Some(f) = liaison_core::trips::check_report_photos(policy, photos) {
                    return Err(refuse("photos", f.rule.as_str(), f.message));
                }
                vec![("report", Param::text(json_text(&report)))]
            }
            "close" => {
                let activity = self.record_trip_activity(conn, actor, trip).await?;
                vec![("activity_id", Param::int(activity))]
            }
            _ => Vec::new(),
        })
    }

    /// Creates the closed trip's activity record (an outbound trip, with its members, inviter
    /// and outcomes), or brings up to date the one it created before, so that the timeline, the
    /// annual review, news drafts and search see the trip without retyping.
    async fn record_trip_activity(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        trip: &Trip,
    ) -> Result<i64> {
        let (Some(start), Some(end)) = (trip.departure, trip.actual_return.or(trip.return_date))
        else {
            return Err(DomainError::invalid("dates", "required", "the trip has no dates").into());
        };
        let participants: Vec<serde_json::Value> = trip
            .members
            .iter()
            .map(|m| {
                serde_json::json!({
                    "person": m.person.id,
                    "role": if m.leader { "leader" } else { "delegation_member" },
                    "position": m.position,
                })
            })
            .collect();
        let outcomes: Vec<serde_json::Value> = trip
            .report
            .iter()
            .map(|r| {
                serde_json::json!({
                    "description": r.outcomes,
                    "follow_up": r.follow_up,
                })
            })
            .collect();
        let mut input: liaison_core::ActivityInput = serde_json::from_value(serde_json::json!({
            "kind": "outbound_trip",
            "title_zh": trip.title_zh,
            "title_en": trip.title_en,
            "summary_zh": trip.purpose,
            "start_date": start,
            "end_date": end,
            "host_unit": trip.unit.as_ref().map(|u| u.id),
            "inviting_organization": trip.inviting_organization.as_ref().map(|o| o.id),
            "partners": trip.inviting_organization.as_ref().map(|o| vec![o.id]).unwrap_or_default(),
            "participants": participants,
            "outcomes": outcomes,
        }))
        .map_err(|e| DomainError::invalid("activity", "invalid", e.to_string()))?;
        match &trip.activity {
            None => {
                Ok(<liaison_core::Activity as crate::Records>::insert(conn, actor, &input).await?)
            }
            Some(existing) => {
                let current = <liaison_core::Activity as StoredRecord>::fetch(
                    conn,
                    &self.policy,
                    existing.id,
                )
                .await?;
                input.version = Some(current.meta.version);
                input.key = current.meta.key.clone();
                <liaison_core::Activity as crate::Records>::rewrite(
                    conn,
                    actor,
                    existing.id,
                    current.meta.version,
                    &input,
                )
                .await?;
                Ok(existing.id)
            }
        }
    }

    /// Records a pre-departure briefing and who attended it, for which trips; the office's work.
    pub async fn record_briefing(&self, actor: &Actor, input: BriefingInput) -> Result<i64> {
        if !matches!(actor.role, UserRole::Admin | UserRole::Officer) {
            return Err(DomainError::Forbidden(
                "the office records pre-departure briefings".to_owned(),
            )
            .into());
        }
        let input = input.validated()?;
        let mut tx = self.begin_write().await?;
        let mut errors = FieldErrors::new();
        for (i, a) in input.attended.iter().enumerate() {
            let member: Option<i64> = sqlx::query_scalar(
                "SELECT person_id FROM trip_members WHERE trip_id = $1 AND person_id = $2",
            )
            .bind(a.trip_id)
            .bind(a.person_id)
            .fetch_optional(&mut *tx)
            .await?;
            if member.is_none() {
                errors.add(
                    format!("attended[{i}]"),
                    "not_a_member",
                    format!(
                        "person {} is not a member of trip {}",
                        a.person_id, a.trip_id
                    ),
                );
            }
        }
        errors.into_result()?;
        let row = sqlx::query(
            "INSERT INTO briefings (held_on, place, topics, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(date_text(input.held_on))
        .bind(&input.place)
        .bind(&input.topics)
        .bind(sql::now())
        .bind(&actor.username)
        .fetch_one(&mut *tx)
        .await?;
        let id = row.int("id")?;
        for a in &input.attended {
            sqlx::query(
                "INSERT INTO briefing_attendance (briefing_id, trip_id, person_id) \
                 VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(a.trip_id)
            .bind(a.person_id)
            .execute(&mut *tx)
            .await
            .map_err(crate::Error::from_write)?;
        }
        audit::record(
            &mut tx,
            actor,
            "create",
            "briefing",
            Some(id),
            &serde_json::to_value(&input).unwrap_or_default(),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The trip policy in force: the newest an admin saved, or `default` (from liaison.toml)
    /// while none is.
    pub async fn trip_policy(&self, default: &TripPolicy) -> Result<(i64, TripPolicy)> {
        let mut conn = self.read.acquire().await?;
        policies::in_force(&mut conn, "trips", default).await
    }

    /// Saves a new version of the trip policy; an admin's work, audited with the values.
    pub async fn save_trip_policy(&self, actor: &Actor, policy: TripPolicy) -> Result<i64> {
        if actor.role != UserRole::Admin {
            return Err(
                DomainError::Forbidden("only an admin sets the trip policy".to_owned()).into(),
            );
        }
        policy.check()?;
        let mut tx = self.begin_write().await?;
        let version = policies::save(&mut tx, actor, "trips", "trip_policy", &policy).await?;
        tx.commit().await?;
        Ok(version)
    }
}

impl Store {
    /// The rules of `policy` an application breaks if it were submitted on `today`.
    pub async fn trip_findings(
        &self,
        trip: &Trip,
        policy: &TripPolicy,
        today: NaiveDate,
    ) -> Result<Vec<liaison_core::trips::Finding>> {
        let calendar = self.work_calendar_from(today).await?;
        Ok(check(&trip.to_input().shape(), policy, today, &calendar)?)
    }

    /// The changes of state of an application, oldest first.
    pub async fn trip_history(&self, id: i64) -> Result<Vec<liaison_core::RecordEvent>> {
        self.history::<Trip>(id).await
    }

    /// Whether application `id` waits for `user`'s decision on `today`, as an approver of its
    /// current step or as the deputy of one.
    pub async fn trip_waits_for(&self, id: i64, user: i64, today: NaiveDate) -> Result<bool> {
        // The application's own waiting rows, not the user's whole inbox: an officer's 2,000
        // applications took 0.75 ms of each of the application's pages on SQLite.
        let [own, stood_in] = waiting_parts("$1", "$2", "", " AND w.trip_id = $3");
        let found: Option<i64> = sqlx::query_scalar(&format!(
            "SELECT trip_id FROM ({own} UNION ALL {stood_in}) x LIMIT 1"
        ))
        .bind(user)
        .bind(date_text(today))
        .bind(id)
        .fetch_optional(&self.read)
        .await?;
        Ok(found.is_some())
    }

    /// What an account's inboxes hold: the applications waiting for their decision (as approver
    /// or deputy), those they filed, their unit's, and the office's board by state with what is
    /// overdue on `today`.
    pub async fn trip_inbox(&self, actor: &Actor, today: NaiveDate) -> Result<TripInbox> {
        // One statement for the four counts, each an index's range or kept in advance (a unit's,
        // the overdue ones', the waiting ones': `waiting_count_sql`), and the board's kept
        // counts by state: every page of the applications shows them. Unit numbers start at 1,
        // so an account without a unit counts none.
        let by_state = self.backend.json_arrays_sql(
            &["s.status", "s.n"],
            "FROM trip_state_counts s WHERE s.n > 0",
            "s.status",
        );
        let counts = sqlx::query(&format!(
            "SELECT {} AS waiting, \
             (SELECT COUNT(*) FROM trips WHERE applicant_id = $1) AS mine, \
             {} AS unit, \
             {} AS overdue, {by_state} AS by_state",
            waiting_count_sql("$1", "$2"),
            kept_count("trip_unit_counts WHERE unit_id = $3"),
            kept_count("trip_due_counts WHERE step_due < $2"),
        ))
        .bind(actor.user_id.unwrap_or(0))
        .bind(date_text(today))
        .bind(actor.unit_id.unwrap_or(0))
        .fetch_one(&self.read)
        .await?;
        let by_state: Vec<(String, i64)> = counts.json("by_state")?;
        Ok(TripInbox {
            waiting: counts.int("waiting")?,
            mine: counts.int("mine")?,
            unit: counts.int("unit")?,
            overdue: counts.int("overdue")?,
            by_state: by_state
                .into_iter()
                .filter_map(|(state, n)| Some((TripState::parse(&state)?, n)))
                .collect(),
        })
    }
}
