//! Trips and their approvals in the exchange document: exported with every account by
//! username and every record by key, and imported by looking them up again, so an application
//! under way keeps its plan, its decisions and its history in the new database.

use std::collections::{BTreeMap, HashMap};

use liaison_core::approvals::{Plan, Progress};
use liaison_core::trips::{
    ExchangeBriefing, ExchangeChain, ExchangeDecision, ExchangeDelegation, ExchangePolicy,
    ExchangeTrip, ExchangeTripForm, ExchangeTripMember, ExchangeTrips, Member, TRIP, Trip,
    TripInput,
};
use liaison_core::{
    ACTIVITY, Actor, Error as DomainError, Link, ORGANIZATION, PERSON, Policy, RecordEventInput,
    RecordKind, UNIT, export_key,
};
use serde_json::Value;
use sqlx::AnyConnection;

use crate::resolve::{self, StoredRecord};
use crate::sql::{RowExt, date_text, enum_text, json_text};
use crate::{Result, audit, transitions};

/// Who is who, both ways: account numbers and usernames.
struct Accounts {
    names: HashMap<i64, String>,
    ids: HashMap<String, i64>,
}

impl Accounts {
    async fn read(conn: &mut AnyConnection) -> Result<Accounts> {
        let rows = sqlx::query("SELECT id, username FROM users")
            .fetch_all(&mut *conn)
            .await?;
        let mut accounts = Accounts {
            names: HashMap::new(),
            ids: HashMap::new(),
        };
        for row in rows {
            let (id, name) = (row.int("id")?, row.text("username")?);
            accounts.ids.insert(name.clone(), id);
            accounts.names.insert(id, name);
        }
        Ok(accounts)
    }

    fn name(&self, id: i64) -> String {
        self.names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    }

    fn id(&self, path: &str, name: &str) -> Result<i64> {
        self.ids.get(name).copied().ok_or_else(|| {
            DomainError::invalid(path, "not_found", format!("there is no account {name}")).into()
        })
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| crate::Error::Corrupt(e.to_string()))
}

/// The key a record is known by outside this database.
async fn key_of(conn: &mut AnyConnection, kind: RecordKind, id: i64) -> Result<String> {
    let key: Option<String> =
        sqlx::query_scalar(&format!("SELECT key FROM {} WHERE id = $1", kind.table))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .flatten();
    Ok(export_key(kind, id, &key))
}

async fn id_of(conn: &mut AnyConnection, kind: RecordKind, path: &str, key: &str) -> Result<i64> {
    resolve::link(conn, kind, path, &Link::Key(key.to_owned())).await
}

/// Replaces each account number in the JSON arrays `field` of `value` (or of its `steps`) by
/// what `map` makes of it.
fn map_accounts(value: &mut Value, map: &mut dyn FnMut(&Value) -> Result<Value>) -> Result<()> {
    match value {
        Value::Object(fields) => {
            for (name, inner) in fields.iter_mut() {
                match (name.as_str(), inner) {
                    ("approvers" | "approved_by" | "candidates", Value::Array(items)) => {
                        for item in items.iter_mut() {
                            *item = map(item)?;
                        }
                    }
                    ("user_id", item) => *item = map(item)?,
                    (_, inner) => map_accounts(inner, map)?,
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                map_accounts(item, map)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn to_names(value: &mut Value, accounts: &Accounts) -> Result<()> {
    map_accounts(value, &mut |v| {
        Ok(v.as_i64()
            .map(|id| Value::String(accounts.name(id)))
            .unwrap_or_else(|| v.clone()))
    })
}

fn to_ids(value: &mut Value, accounts: &Accounts, path: &str) -> Result<()> {
    map_accounts(value, &mut |v| match v.as_str() {
        Some(name) => Ok(Value::from(accounts.id(path, name)?)),
        None => Ok(v.clone()),
    })
}

async fn form_out(
    conn: &mut AnyConnection,
    form: &TripInput,
    accounts: &Accounts,
) -> Result<ExchangeTripForm> {
    let mut members = Vec::with_capacity(form.members.len());
    for m in &form.members {
        members.push(ExchangeTripMember {
            person: key_of(conn, PERSON, m.person_id).await?,
            leader: m.leader,
            position: m.position.clone(),
            unit_leader: m.unit_leader,
        });
    }
    Ok(ExchangeTripForm {
        unit: match form.unit {
            Some(id) => Some(key_of(conn, UNIT, id).await?),
            None => None,
        },
        title_zh: form.title_zh.clone(),
        title_en: form.title_en.clone(),
        trip_type: form.trip_type,
        destinations: form.destinations.clone(),
        members,
        inviting_organization: match form.inviting_organization {
            Some(id) => Some(key_of(conn, ORGANIZATION, id).await?),
            None => None,
        },
        invitation: form.invitation.clone(),
        purpose: form.purpose.clone(),
        tasks: form.tasks.clone(),
        schedule: form.schedule.clone(),
        funding: form.funding,
        budget: form.budget.clone(),
        chosen_approvers: form
            .chosen_approvers
            .iter()
            .map(|(step, id)| (*step, accounts.name(*id)))
            .collect(),
    })
}

async fn form_in(
    conn: &mut AnyConnection,
    path: &str,
    form: &ExchangeTripForm,
    accounts: &Accounts,
) -> Result<TripInput> {
    let mut members = Vec::with_capacity(form.members.len());
    for (i, m) in form.members.iter().enumerate() {
        members.push(Member {
            person_id: id_of(conn, PERSON, &format!("{path}.members[{i}]"), &m.person).await?,
            leader: m.leader,
            position: m.position.clone(),
            unit_leader: m.unit_leader,
        });
    }
    let mut chosen = BTreeMap::new();
    for (step, name) in &form.chosen_approvers {
        chosen.insert(
            *step,
            accounts.id(&format!("{path}.chosen_approvers"), name)?,
        );
    }
    Ok(TripInput {
        version: None,
        key: None,
        unit: match &form.unit {
            Some(key) => Some(id_of(conn, UNIT, &format!("{path}.unit"), key).await?),
            None => None,
        },
        title_zh: form.title_zh.clone(),
        title_en: form.title_en.clone(),
        trip_type: form.trip_type,
        destinations: form.destinations.clone(),
        members,
        inviting_organization: match &form.inviting_organization {
            Some(key) => Some(
                id_of(
                    conn,
                    ORGANIZATION,
                    &format!("{path}.inviting_organization"),
                    key,
                )
                .await?,
            ),
            None => None,
        },
        invitation: form.invitation.clone(),
        purpose: form.purpose.clone(),
        tasks: form.tasks.clone(),
        schedule: form.schedule.clone(),
        funding: form.funding,
        budget: form.budget.clone(),
        chosen_approvers: chosen,
    })
}

/// Everything about trips, for `liaison export`.
pub(crate) async fn exported(conn: &mut AnyConnection, policy: &Policy) -> Result<ExchangeTrips> {
    let accounts = Accounts::read(conn).await?;
    let mut trips = ExchangeTrips::default();

    let mut events: HashMap<i64, Vec<RecordEventInput>> = HashMap::new();
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM trips ORDER BY id")
        .fetch_all(&mut *conn)
        .await?;
    let mut keys = HashMap::new();
    for id in &ids {
        keys.insert(*id, key_of(conn, TRIP, *id).await?);
    }
    for (id, event) in transitions::all_events(conn, TRIP).await? {
        let Some(key) = keys.get(&id) else { continue };
        events.entry(id).or_default().push(RecordEventInput {
            entity: TRIP.as_str().to_owned(),
            record: key.clone(),
            at: event.at,
            username: event.username,
            transition: event.transition,
            from: event.from,
            to: event.to,
            note: event.note,
        });
    }
    for id in ids {
        let trip = Trip::fetch(conn, policy, id).await?;
        let approved: Option<String> =
            sqlx::query_scalar("SELECT approved_form FROM trips WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *conn)
                .await?;
        let approved_form = match approved {
            Some(text) => {
                let form: TripInput = serde_json::from_str(&text)
                    .map_err(|e| crate::Error::Corrupt(format!("approved_form: {e}")))?;
                Some(form_out(conn, &form, &accounts).await?)
            }
            None => None,
        };
        let mut plan = trip.plan.as_ref().map(to_json).transpose()?;
        if let Some(plan) = plan.as_mut() {
            to_names(plan, &accounts)?;
        }
        let mut progress = trip.progress.as_ref().map(to_json).transpose()?;
        if let Some(progress) = progress.as_mut() {
            to_names(progress, &accounts)?;
        }
        let decisions = crate::trips::decisions_of(conn, id)
            .await?
            .into_iter()
            .map(|d| ExchangeDecision {
                at: d.at,
                step: d.step,
                step_name: d.step_name,
                approver: accounts.name(d.approver_id),
                deputy: d.deputy_id.map(|id| accounts.name(id)),
                username: d.username,
                verdict: d.verdict,
                comment: d.comment,
            })
            .collect();
        let activity = match &trip.activity {
            Some(a) => Some(key_of(conn, ACTIVITY, a.id).await?),
            None => None,
        };
        trips.applications.push(ExchangeTrip {
            key: keys[&id].clone(),
            applicant: accounts.name(trip.applicant.id),
            status: trip.status,
            created_at: trip.meta.created_at,
            form: form_out(conn, &trip.to_input(), &accounts).await?,
            approved_form,
            plan,
            progress,
            step_due: trip.step_due,
            submitted_at: trip.submitted_at,
            notice_posted: trip.notice_posted,
            notice_ends: trip.notice_ends,
            actual_return: trip.actual_return,
            report_due: trip.report_due,
            report: trip.report.clone(),
            activity,
            decisions,
            history: events.remove(&id).unwrap_or_default(),
        });
    }

    for row in sqlx::query(
        "SELECT kind, version, steps, saved_at, saved_by FROM approval_chains ORDER BY kind, version",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        let mut steps: Value = row.json("steps")?;
        to_names(&mut steps, &accounts)?;
        trips.chains.push(ExchangeChain {
            kind: row.text("kind")?,
            version: row.int("version")?,
            steps,
            saved_at: row.timestamp("saved_at")?,
            saved_by: row.text("saved_by")?,
        });
    }
    for row in sqlx::query(
        "SELECT version, settings, saved_at, saved_by FROM policy_versions \
         WHERE name = 'trips' ORDER BY version",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        trips.policies.push(ExchangePolicy {
            version: row.int("version")?,
            settings: row.json("settings")?,
            saved_at: row.timestamp("saved_at")?,
            saved_by: row.text("saved_by")?,
        });
    }
    for row in sqlx::query(
        "SELECT user_id, deputy_id, from_date, to_date, created_at, created_by FROM delegations \
         ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        trips.delegations.push(ExchangeDelegation {
            user: accounts.name(row.int("user_id")?),
            deputy: accounts.name(row.int("deputy_id")?),
            from: row.date("from_date")?,
            to: row.date("to_date")?,
            created_at: row.timestamp("created_at")?,
            created_by: row.text("created_by")?,
        });
    }
    for row in
        sqlx::query("SELECT unit_id, user_id FROM unit_leaders_in_charge ORDER BY unit_id, user_id")
            .fetch_all(&mut *conn)
            .await?
    {
        let unit = key_of(conn, UNIT, row.int("unit_id")?).await?;
        trips
            .leaders_in_charge
            .push((unit, accounts.name(row.int("user_id")?)));
    }
    for row in sqlx::query(
        "SELECT username, person_id FROM users WHERE person_id IS NOT NULL ORDER BY username",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        let person = key_of(conn, PERSON, row.int("person_id")?).await?;
        trips.account_people.push((row.text("username")?, person));
    }
    for row in sqlx::query(
        "SELECT id, held_on, place, topics, created_at, created_by FROM briefings ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        let attended_rows = sqlx::query(
            "SELECT trip_id, person_id FROM briefing_attendance WHERE briefing_id = $1 \
             ORDER BY trip_id, person_id",
        )
        .bind(row.int("id")?)
        .fetch_all(&mut *conn)
        .await?;
        let mut attended = Vec::with_capacity(attended_rows.len());
        for a in attended_rows {
            attended.push((
                key_of(conn, TRIP, a.int("trip_id")?).await?,
                key_of(conn, PERSON, a.int("person_id")?).await?,
            ));
        }
        trips.briefings.push(ExchangeBriefing {
            held_on: row.date("held_on")?,
            place: row.text("place")?,
            topics: row.text("topics")?,
            created_at: row.timestamp("created_at")?,
            created_by: row.text("created_by")?,
            attended,
        });
    }
    Ok(trips)
}

/// Imports what a document brings about trips, in the import's transaction, after the records
/// and accounts they name; an application whose key is taken already is left as it is. Answers
/// how many applications were created and how many left.
pub(crate) async fn import(
    conn: &mut AnyConnection,
    actor: &Actor,
    trips: &ExchangeTrips,
) -> Result<(usize, usize)> {
    if trips.is_empty() {
        return Ok((0, 0));
    }
    if actor.role != liaison_core::UserRole::Admin {
        return Err(DomainError::Forbidden("only an admin imports trips".to_owned()).into());
    }
    let accounts = Accounts::read(conn).await?;

    for (i, (username, person)) in trips.account_people.iter().enumerate() {
        let path = format!("trips.account_people[{i}]");
        let user = accounts.id(&path, username)?;
        let person = id_of(conn, PERSON, &path, person).await?;
        sqlx::query("UPDATE users SET person_id = $2 WHERE id = $1 AND person_id IS NULL")
            .bind(user)
            .bind(person)
            .execute(&mut *conn)
            .await?;
    }
    for (i, (unit, username)) in trips.leaders_in_charge.iter().enumerate() {
        let path = format!("trips.leaders_in_charge[{i}]");
        let unit = id_of(conn, UNIT, &path, unit).await?;
        let user = accounts.id(&path, username)?;
        sqlx::query(
            "INSERT INTO unit_leaders_in_charge (unit_id, user_id) VALUES ($1, $2) \
             ON CONFLICT DO NOTHING",
        )
        .bind(unit)
        .bind(user)
        .execute(&mut *conn)
        .await?;
    }
    for (i, chain) in trips.chains.iter().enumerate() {
        let path = format!("trips.chains[{i}]");
        let mut steps = chain.steps.clone();
        to_ids(&mut steps, &accounts, &path)?;
        let checked: Vec<liaison_core::approvals::Step> = serde_json::from_value(steps.clone())
            .map_err(|e| DomainError::invalid(path.clone(), "invalid", e.to_string()))?;
        sqlx::query(
            "INSERT INTO approval_chains (kind, version, steps, saved_at, saved_by) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(&chain.kind)
        .bind(chain.version)
        .bind(json_text(&checked))
        .bind(chain.saved_at.to_rfc3339())
        .bind(&chain.saved_by)
        .execute(&mut *conn)
        .await?;
    }
    for (i, policy) in trips.policies.iter().enumerate() {
        policy.settings.check().map_err(|e| {
            crate::error::under::<()>(&format!("trips.policies[{i}].settings"), Err(e.into()))
                .unwrap_err()
        })?;
        sqlx::query(
            "INSERT INTO policy_versions (name, version, settings, saved_at, saved_by) \
             VALUES ('trips', $1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(policy.version)
        .bind(json_text(&policy.settings))
        .bind(policy.saved_at.to_rfc3339())
        .bind(&policy.saved_by)
        .execute(&mut *conn)
        .await?;
    }
    for (i, d) in trips.delegations.iter().enumerate() {
        let path = format!("trips.delegations[{i}]");
        let (user, deputy) = (accounts.id(&path, &d.user)?, accounts.id(&path, &d.deputy)?);
        let known: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM delegations WHERE user_id = $1 AND deputy_id = $2 \
             AND from_date = $3 AND to_date = $4",
        )
        .bind(user)
        .bind(deputy)
        .bind(date_text(d.from))
        .bind(date_text(d.to))
        .fetch_optional(&mut *conn)
        .await?;
        if known.is_none() {
            sqlx::query(
                "INSERT INTO delegations (user_id, deputy_id, from_date, to_date, created_at, \
                 created_by) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(user)
            .bind(deputy)
            .bind(date_text(d.from))
            .bind(date_text(d.to))
            .bind(d.created_at.to_rfc3339())
            .bind(&d.created_by)
            .execute(&mut *conn)
            .await?;
        }
    }

    let (mut created, mut left) = (0, 0);
    for (i, trip) in trips.applications.iter().enumerate() {
        let path = format!("trips.applications[{i}]");
        let known: Option<i64> = sqlx::query_scalar("SELECT id FROM trips WHERE key = $1")
            .bind(&trip.key)
            .fetch_optional(&mut *conn)
            .await?;
        if known.is_some() {
            left += 1;
            continue;
        }
        insert_trip(conn, actor, &path, trip, &accounts).await?;
        created += 1;
    }

    for (i, briefing) in trips.briefings.iter().enumerate() {
        let path = format!("trips.briefings[{i}]");
        let known: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM briefings WHERE held_on = $1 AND place = $2 AND created_at = $3",
        )
        .bind(date_text(briefing.held_on))
        .bind(&briefing.place)
        .bind(briefing.created_at.to_rfc3339())
        .fetch_optional(&mut *conn)
        .await?;
        if known.is_some() {
            continue;
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO briefings (held_on, place, topics, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(date_text(briefing.held_on))
        .bind(&briefing.place)
        .bind(&briefing.topics)
        .bind(briefing.created_at.to_rfc3339())
        .bind(&briefing.created_by)
        .fetch_one(&mut *conn)
        .await?;
        for (trip, person) in &briefing.attended {
            let trip = id_of(conn, TRIP, &path, trip).await?;
            let person = id_of(conn, PERSON, &path, person).await?;
            sqlx::query(
                "INSERT INTO briefing_attendance (briefing_id, trip_id, person_id) \
                 VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(trip)
            .bind(person)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok((created, left))
}

async fn insert_trip(
    conn: &mut AnyConnection,
    actor: &Actor,
    path: &str,
    trip: &ExchangeTrip,
    accounts: &Accounts,
) -> Result<()> {
    use liaison_core::Validate;
    let form = form_in(conn, &format!("{path}.form"), &trip.form, accounts).await?;
    let form = crate::error::under(
        &format!("{path}.form"),
        form.validated().map_err(Into::into),
    )?;
    let approved = match &trip.approved_form {
        Some(f) => Some(form_in(conn, &format!("{path}.approved_form"), f, accounts).await?),
        None => None,
    };
    let invalid = |field: &str, e: serde_json::Error| -> crate::Error {
        DomainError::invalid(format!("{path}.{field}"), "invalid", e.to_string()).into()
    };
    let plan: Option<Plan> = match &trip.plan {
        Some(value) => {
            let mut value = value.clone();
            to_ids(&mut value, accounts, &format!("{path}.plan"))?;
            Some(serde_json::from_value(value).map_err(|e| invalid("plan", e))?)
        }
        None => None,
    };
    let progress: Option<Progress> = match &trip.progress {
        Some(value) => {
            let mut value = value.clone();
            to_ids(&mut value, accounts, &format!("{path}.progress"))?;
            Some(serde_json::from_value(value).map_err(|e| invalid("progress", e))?)
        }
        None => None,
    };
    let applicant = accounts.id(&format!("{path}.applicant"), &trip.applicant)?;
    let activity = match &trip.activity {
        Some(key) => Some(id_of(conn, ACTIVITY, &format!("{path}.activity"), key).await?),
        None => None,
    };
    let shape = form.shape();
    let details = serde_json::json!({
        "destinations": form.destinations,
        "members": form.members,
        "schedule": form.schedule,
        "budget": form.budget,
        "chosen_approvers": form.chosen_approvers,
    });
    let created_at = trip.created_at.to_rfc3339();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO trips (key, created_at, updated_at, status, applicant_id, unit_id, title_zh, \
         title_en, trip_type, track, departure, return_date, days_abroad, \
         inviting_organization_id, invitation, purpose, tasks, funding, budget_total, details, \
         approval_plan, progress, step_due, submitted_at, approved_form, notice_posted, \
         notice_ends, actual_return, report_due, report, activity_id) \
         VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
         $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30) RETURNING id",
    )
    .bind(&trip.key)
    .bind(created_at.as_str())
    .bind(trip.status.as_str())
    .bind(applicant)
    .bind(form.unit)
    .bind(form.title_zh.as_deref())
    .bind(form.title_en.as_deref())
    .bind(enum_text(&form.trip_type))
    .bind(enum_text(&shape.track()))
    .bind(shape.departure().map(date_text))
    .bind(shape.return_date().map(date_text))
    .bind(shape.days_abroad())
    .bind(form.inviting_organization)
    .bind(form.invitation.as_deref())
    .bind(form.purpose.as_deref())
    .bind(form.tasks.as_deref())
    .bind(enum_text(&form.funding))
    .bind(form.budget_total().map(|m| m.fen()).unwrap_or(0))
    .bind(details.to_string())
    .bind(plan.as_ref().map(json_text))
    .bind(progress.as_ref().map(json_text))
    .bind(trip.step_due.map(date_text))
    .bind(trip.submitted_at.map(|t| t.to_rfc3339()))
    .bind(approved.as_ref().map(json_text))
    .bind(trip.notice_posted.map(date_text))
    .bind(trip.notice_ends.map(date_text))
    .bind(trip.actual_return.map(date_text))
    .bind(trip.report_due.map(date_text))
    .bind(trip.report.as_ref().map(json_text))
    .bind(activity)
    .fetch_one(&mut *conn)
    .await
    .map_err(crate::Error::from_write)?;
    for m in &form.members {
        sqlx::query("INSERT INTO trip_members (trip_id, person_id) VALUES ($1, $2)")
            .bind(id)
            .bind(m.person_id)
            .execute(&mut *conn)
            .await?;
    }
    if let (Some(plan), Some(Progress::AtStep { step, approved_by })) = (&plan, &progress) {
        let Some(planned) = plan.steps.get(*step) else {
            return Err(DomainError::invalid(
                format!("{path}.progress"),
                "invalid",
                "the progress names a step the plan does not have",
            )
            .into());
        };
        for approver in planned
            .approvers
            .iter()
            .filter(|a| !approved_by.contains(a))
        {
            sqlx::query("INSERT INTO trip_waiting (user_id, trip_id) VALUES ($1, $2)")
                .bind(approver)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
    }
    for (j, d) in trip.decisions.iter().enumerate() {
        let at = format!("{path}.decisions[{j}]");
        let approver = accounts.id(&at, &d.approver)?;
        let deputy = match &d.deputy {
            Some(name) => Some(accounts.id(&at, name)?),
            None => None,
        };
        sqlx::query(
            "INSERT INTO trip_decisions (trip_id, at, step, step_name, approver_id, deputy_id, \
             username, verdict, comment) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(d.at.to_rfc3339())
        .bind(d.step)
        .bind(&d.step_name)
        .bind(approver)
        .bind(deputy)
        .bind(&d.username)
        .bind(enum_text(&d.verdict))
        .bind(d.comment.as_deref())
        .execute(&mut *conn)
        .await?;
    }
    for event in &trip.history {
        sqlx::query(
            "INSERT INTO record_events (entity, record_id, at, user_id, username, transition, \
             from_state, to_state, note) VALUES ($1, $2, $3, NULL, $4, $5, $6, $7, $8)",
        )
        .bind(TRIP.as_str())
        .bind(id)
        .bind(event.at.to_rfc3339())
        .bind(&event.username)
        .bind(&event.transition)
        .bind(event.from.as_deref())
        .bind(&event.to)
        .bind(event.note.as_deref())
        .execute(&mut *conn)
        .await?;
    }
    let fields = serde_json::to_value(trip).unwrap_or_default();
    let changes = liaison_core::audit::changes(None, Some(&fields));
    audit::record(conn, actor, "create", TRIP.as_str(), Some(id), &changes).await
}
