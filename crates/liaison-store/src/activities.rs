//! Activities with their partners, participants, agenda, tags and gifts, saved as one.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use crate::records::Records;
use chrono::{DateTime, Datelike, Utc};
use liaison_core::accounts::authorize;
use liaison_core::{
    ACTIVITY, Action, Activity, ActivityFilter, ActivityInput, ActivitySummary, Actor, AgendaItem,
    Error as DomainError, FieldErrors, LecturerGroup, Link, Named, ORGANIZATION, OrganizationInput,
    PERSON, Page, PageRequest, Participant, Policy, RecordKind, Ref, UNIT,
};
use serde::Deserialize;
use sqlx::AnyConnection;

use crate::resolve::StoredRecord;
use crate::resolve::{self, sub};
use crate::sql::{
    self, Columns, Filter, ListQuery, Param, RowExt, Selection, Total, date_text, enum_text,
    json_text,
};
use crate::{Backend, Error, Result, Store, blocks, error, gifts, organizations, people, records};

#[derive(Deserialize)]
struct ParticipantJson {
    #[serde(flatten)]
    person: sql::NamedJson,
    role: String,
    role_position: Option<String>,
    role_position_en: Option<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
struct AgendaJson {
    kind: String,
    on: Option<String>,
    ends_on: Option<String>,
    part: Option<String>,
    starts_at: Option<String>,
    venue: Option<String>,
    lecturer_count: Option<i64>,
    lecturers_zh: Option<String>,
    lecturers_en: Option<String>,
    title_zh: Option<String>,
    title_en: Option<String>,
    /// The points, a JSON array kept as text.
    points: String,
    points_en: String,
    speaker_id: Option<i64>,
    speaker_key: Option<String>,
    speaker_name_zh: Option<String>,
    speaker_name_en: Option<String>,
}

impl AgendaJson {
    fn item(self) -> Result<AgendaItem> {
        let day = |text: Option<String>| match text {
            None => Ok(None),
            Some(text) => text
                .parse()
                .map(Some)
                .map_err(|_| Error::Corrupt(format!("agenda: '{text}' is not a date"))),
        };
        let lecturers = match self.lecturer_count {
            None => None,
            Some(count) => Some(LecturerGroup {
                count: i32::try_from(count)
                    .map_err(|_| Error::Corrupt(format!("agenda: {count} lecturers")))?,
                description_zh: self.lecturers_zh,
                description_en: self.lecturers_en,
            }),
        };
        Ok(AgendaItem {
            kind: sql::parse_enum(&self.kind)?,
            on: day(self.on)?,
            ends_on: day(self.ends_on)?,
            part: self.part.as_deref().map(sql::parse_enum).transpose()?,
            starts_at: self.starts_at,
            venue: self.venue,
            lecturers,
            speaker: self.speaker_id.map(|id| {
                sql::NamedJson {
                    id,
                    key: self.speaker_key,
                    name_zh: self.speaker_name_zh,
                    name_en: self.speaker_name_en,
                }
                .named()
            }),
            title_zh: self.title_zh,
            title_en: self.title_en,
            points: serde_json::from_str(&self.points)
                .map_err(|e| Error::Corrupt(format!("agenda points: {e}")))?,
            points_en: serde_json::from_str(&self.points_en)
                .map_err(|e| Error::Corrupt(format!("agenda points: {e}")))?,
        })
    }
}

#[derive(Deserialize)]
struct TagJson {
    tag: String,
}

fn summary_columns() -> Selection {
    Selection::of(
        "a",
        &[
            "id",
            "key",
            "version",
            "kind",
            "title_zh",
            "title_en",
            "start_date",
            "start_part",
            "end_date",
            "end_part",
            "venue",
        ],
    )
    .named("hu", "host")
    .named("io", "inviting")
}

const FROM: &str = "activities a LEFT JOIN units hu ON hu.id = a.host_unit_id \
    LEFT JOIN organizations io ON io.id = a.inviting_organization_id";

/// The list walked through the rows of a kept filter `f`, with the same names as [`FROM`].
const FROM_FILTER: &str = "activity_filters f JOIN activities a ON a.id = f.activity_id \
    LEFT JOIN units hu ON hu.id = a.host_unit_id \
    LEFT JOIN organizations io ON io.id = a.inviting_organization_id";

fn summary_from_row(row: &impl RowExt) -> Result<ActivitySummary> {
    Ok(ActivitySummary {
        id: row.int("id")?,
        key: row.opt_text("key")?,
        version: row.int("version")?,
        kind: row.enumerated("kind")?,
        title_zh: row.opt_text("title_zh")?,
        title_en: row.opt_text("title_en")?,
        start_date: row.date("start_date")?,
        start_part: row.enumerated("start_part")?,
        end_date: row.date("end_date")?,
        end_part: row.enumerated("end_part")?,
        venue: row.opt_text("venue")?,
        host_unit: row.named("host")?,
        inviting_organization: row.named("inviting")?,
    })
}

/// The rows an activity's own columns refer to.
struct Links {
    host_unit: Option<i64>,
    inviting_organization: Option<i64>,
    organizer: Option<i64>,
}

async fn resolve_links(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: &ActivityInput,
) -> Result<Links> {
    Ok(Links {
        host_unit: resolve::optional_link(conn, UNIT, "host_unit", &input.host_unit).await?,
        inviting_organization: organizations::optional_organization(
            conn,
            actor,
            "inviting_organization",
            &input.inviting_organization,
        )
        .await?,
        organizer: organizations::optional_organization(conn, actor, "organizer", &input.organizer)
            .await?,
    })
}

/// The activity's own columns, as written by insert and update.
fn data(input: &ActivityInput, links: &Links) -> Columns {
    Columns::default()
        .text("kind", Some(&enum_text(&input.kind)))
        .text("title_zh", input.title_zh.as_deref())
        .text("title_en", input.title_en.as_deref())
        .text("summary_zh", input.summary_zh.as_deref())
        .text("summary_en", input.summary_en.as_deref())
        .text("start_date", Some(&date_text(input.start_date)))
        .text("start_part", Some(input.start_part.as_str()))
        .text(
            "end_date",
            Some(&date_text(input.end_date.unwrap_or(input.start_date))),
        )
        .text(
            "end_part",
            Some(input.end_part.unwrap_or(input.start_part).as_str()),
        )
        .text("venue", input.venue.as_deref())
        .int("host_unit_id", links.host_unit)
        .int("inviting_organization_id", links.inviting_organization)
        .int("organizer_id", links.organizer)
        .text("university_role", Some(&enum_text(&input.university_role)))
        .int("delegation_size", input.delegation_size.map(i64::from))
        .text(
            "attending_groups",
            Some(&json_text(&input.attending_groups)),
        )
        .text(
            "attending_groups_en",
            Some(&json_text(&input.attending_groups_en)),
        )
        .text("outcomes", Some(&json_text(&input.outcomes)))
        .text("attachments", Some(&json_text(&input.attachments)))
        .text("signed_by", input.signed_by.as_deref())
        .text("signed_by_en", input.signed_by_en.as_deref())
}

/// Creates an activity and everything that belongs to it, gifts included.
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: &ActivityInput,
) -> Result<i64> {
    resolve::key_is_free(conn, ACTIVITY, "", &input.key, None).await?;
    let links = resolve_links(conn, actor, input).await?;
    let columns = data(input, &links);
    let id =
        records::insert_record(conn, actor, ACTIVITY, links.host_unit, &input.key, columns).await?;
    write_children(conn, actor, id, input).await?;
    for (i, gift) in input.gifts.iter().enumerate() {
        gifts::insert(conn, actor, &format!("gifts[{i}]"), gift, Some(id)).await?;
    }
    Ok(id)
}

/// Activities of an import written by [`insert_all`] before the next is looked at: enough for
/// each statement to carry many, few enough for how far saving has come to move.
pub(crate) const WRITTEN_TOGETHER: usize = 1_000;

/// The records new activities link to, read many to a statement before they are written: each
/// found by number or key, with what its name is shown as.
#[derive(Default)]
struct Linked {
    by_id: HashMap<(RecordKind, i64), Named>,
    by_key: HashMap<(RecordKind, String), i64>,
    roles: HashSet<String>,
}

/// Records read to a statement.
const LINKED_PER_READ: usize = 300;

impl Linked {
    /// Reads the records `links` name that exist, and which of `roles` the vocabulary has.
    async fn read(
        conn: &mut AnyConnection,
        links: &[(RecordKind, &Link)],
        roles: &BTreeSet<&str>,
    ) -> Result<Linked> {
        let mut linked = Linked::default();
        for kind in [UNIT, ORGANIZATION, PERSON] {
            let ids: BTreeSet<i64> = links
                .iter()
                .filter_map(|(k, link)| match link {
                    Link::Id(id) if *k == kind => Some(*id),
                    _ => None,
                })
                .collect();
            let keys: BTreeSet<&str> = links
                .iter()
                .filter_map(|(k, link)| match link {
                    Link::Key(key) if *k == kind => Some(key.as_str()),
                    _ => None,
                })
                .collect();
            let ids: Vec<Param> = ids.into_iter().map(Param::int).collect();
            let keys: Vec<Param> = keys.into_iter().map(Param::text).collect();
            for (column, values) in [("id", ids), ("key", keys)] {
                for chunk in values.chunks(LINKED_PER_READ) {
                    let sql = format!(
                        "SELECT id, key, name_zh, name_en FROM {} WHERE {column} IN ({})",
                        kind.table,
                        sql::placeholders(1, chunk.len())
                    );
                    for row in sql::bind_params(sqlx::query(&sql), chunk)
                        .fetch_all(&mut *conn)
                        .await?
                    {
                        let named = sql::NamedJson {
                            id: row.int("id")?,
                            key: row.opt_text("key")?,
                            name_zh: row.opt_text("name_zh")?,
                            name_en: row.opt_text("name_en")?,
                        }
                        .named();
                        if let Some(key) = &named.key {
                            linked.by_key.insert((kind, key.clone()), named.id);
                        }
                        linked.by_id.insert((kind, named.id), named);
                    }
                }
            }
        }
        let roles: Vec<Param> = roles.iter().map(|r| Param::text(*r)).collect();
        for chunk in roles.chunks(LINKED_PER_READ) {
            let sql = format!(
                "SELECT code FROM roles WHERE code IN ({})",
                sql::placeholders(1, chunk.len())
            );
            for row in sql::bind_params(sqlx::query(&sql), chunk)
                .fetch_all(&mut *conn)
                .await?
            {
                linked.roles.insert(row.text("code")?);
            }
        }
        Ok(linked)
    }

    /// The record a link names, if it was found.
    fn named(&self, kind: RecordKind, link: &Link) -> Option<&Named> {
        let id = match link {
            Link::Id(id) => *id,
            Link::Key(key) => *self.by_key.get(&(kind, key.clone()))?,
        };
        self.by_id.get(&(kind, id))
    }

    /// The record a reference names, if it links to one that was found; a reference that
    /// describes a new record is not looked up.
    fn referred<T>(&self, kind: RecordKind, reference: &Ref<T>) -> Option<&Named> {
        match reference {
            Ref::Link(link) => self.named(kind, link),
            Ref::New(_) => None,
        }
    }
}

/// Every link of activities to existing records, and the roles their participants are in.
fn wanted(inputs: &[(String, ActivityInput)]) -> (Vec<(RecordKind, &Link)>, BTreeSet<&str>) {
    let mut links = Vec::new();
    let mut roles = BTreeSet::new();
    for (_, input) in inputs {
        links.extend(input.host_unit.iter().map(|l| (UNIT, l)));
        for reference in input
            .inviting_organization
            .iter()
            .chain(&input.organizer)
            .chain(&input.partners)
        {
            if let Ref::Link(l) = reference {
                links.push((ORGANIZATION, l));
            }
        }
        for participant in &input.participants {
            if let Ref::Link(l) = &participant.person {
                links.push((PERSON, l));
            }
            roles.insert(participant.role.as_str());
        }
        for item in &input.agenda {
            if let Some(Ref::Link(l)) = &item.speaker {
                links.push((PERSON, l));
            }
        }
    }
    (links, roles)
}

/// A new activity as it is stored, made from its form and the records it links to, when every
/// one of them exists, it creates no record on the way (a partner or a person described in
/// full, a gift) and nothing in it would be refused: what [`insert`] would write, without a
/// statement to find out. `None` for any other, which [`insert`] then writes or refuses.
fn as_stored(actor: &Actor, linked: &Linked, input: &ActivityInput) -> Option<Activity> {
    if !input.gifts.is_empty() {
        return None;
    }
    let host_unit = match &input.host_unit {
        Some(link) => Some(linked.named(UNIT, link)?.clone()),
        None => None,
    };
    if authorize(
        actor,
        Action::Create,
        ACTIVITY,
        host_unit.as_ref().map(|n| n.id),
    )
    .is_err()
    {
        return None;
    }
    let organization = |reference: &Option<Ref<OrganizationInput>>| match reference {
        Some(reference) => linked.referred(ORGANIZATION, reference).cloned().map(Some),
        None => Some(None),
    };
    let mut partners: Vec<Named> = Vec::new();
    for partner in &input.partners {
        let named = linked.referred(ORGANIZATION, partner)?;
        if partners.iter().any(|p| p.id == named.id) {
            return None;
        }
        partners.push(named.clone());
    }
    let mut participants: Vec<Participant> = Vec::new();
    for p in &input.participants {
        let person = linked.referred(PERSON, &p.person)?;
        let twice = participants
            .iter()
            .any(|q| q.person.id == person.id && q.role == p.role);
        if twice || !linked.roles.contains(&p.role) {
            return None;
        }
        participants.push(Participant {
            person: person.clone(),
            role: p.role.clone(),
            position: p.position.clone(),
            position_en: p.position_en.clone(),
            note: p.note.clone(),
        });
    }
    let mut agenda = Vec::new();
    for item in &input.agenda {
        let speaker = match &item.speaker {
            Some(reference) => Some(linked.referred(PERSON, reference)?.clone()),
            None => None,
        };
        agenda.push(AgendaItem {
            kind: item.kind,
            on: item.on,
            ends_on: item.ends_on,
            part: item.part,
            starts_at: item.starts_at.clone(),
            venue: item.venue.clone(),
            speaker,
            lecturers: item.lecturers.clone(),
            title_zh: item.title_zh.clone(),
            title_en: item.title_en.clone(),
            points: item.points.clone(),
            points_en: item.points_en.clone(),
        });
    }
    Some(Activity {
        // Numbered and timed as they are written (`write_all`).
        meta: liaison_core::Meta {
            id: 0,
            key: input.key.clone(),
            version: 1,
            created_at: DateTime::<Utc>::MIN_UTC,
            updated_at: DateTime::<Utc>::MIN_UTC,
        },
        kind: input.kind,
        title_zh: input.title_zh.clone(),
        title_en: input.title_en.clone(),
        summary_zh: input.summary_zh.clone(),
        summary_en: input.summary_en.clone(),
        start_date: input.start_date,
        start_part: input.start_part,
        end_date: input.end_date.unwrap_or(input.start_date),
        end_part: input.end_part.unwrap_or(input.start_part),
        venue: input.venue.clone(),
        host_unit,
        inviting_organization: organization(&input.inviting_organization)?,
        organizer: organization(&input.organizer)?,
        university_role: input.university_role,
        partners,
        participants,
        delegation_size: input.delegation_size,
        attending_groups: input.attending_groups.clone(),
        attending_groups_en: input.attending_groups_en.clone(),
        agenda,
        outcomes: input.outcomes.clone(),
        tags: input.tags.clone(),
        attachments: input.attachments.clone(),
        signed_by: input.signed_by.clone(),
        signed_by_en: input.signed_by_en.clone(),
        gifts: Vec::new(),
        agreements: Vec::new(),
    })
}

/// Creates the new activities of an import, each `(path, form)`, in order, whose keys the caller
/// has found free: those [`as_stored`] takes many to a statement (the rows, their audit entries,
/// partners, participants, agenda and tags), any other through [`insert`] with its field errors
/// under its path, so an activity is written, or refused, as it would be alone. Hands back the
/// activities written together, as stored, for their search documents to be made from.
pub(crate) async fn insert_all(
    conn: &mut AnyConnection,
    actor: &Actor,
    inputs: &[(String, ActivityInput)],
) -> Result<Vec<Activity>> {
    let (links, roles) = wanted(inputs);
    let linked = Linked::read(conn, &links, &roles).await?;
    let mut written = Vec::new();
    let mut pending: Vec<(&ActivityInput, Activity)> = Vec::new();
    for (path, input) in inputs {
        match as_stored(actor, &linked, input) {
            Some(activity) => pending.push((input, activity)),
            None => {
                written.extend(write_all(conn, actor, std::mem::take(&mut pending)).await?);
                error::under(path, insert(conn, actor, input).await)?;
            }
        }
    }
    written.extend(write_all(conn, actor, pending).await?);
    Ok(written)
}

/// Writes activities [`as_stored`] found whole, with their lists, many rows to a statement.
async fn write_all(
    conn: &mut AnyConnection,
    actor: &Actor,
    activities: Vec<(&ActivityInput, Activity)>,
) -> Result<Vec<Activity>> {
    if activities.is_empty() {
        return Ok(Vec::new());
    }
    // Taken now, so that the records of a document are created in the order of their numbers,
    // as one by one, those written alone between them included.
    let now = sql::now();
    let created_at = DateTime::parse_from_rfc3339(&now)
        .map_err(|e| Error::Corrupt(format!("the time now: {e}")))?
        .with_timezone(&Utc);
    let id = |named: &Option<Named>| named.as_ref().map(|n| n.id);
    let records: Vec<records::NewRecord> = activities
        .iter()
        .map(|(input, activity)| {
            let links = Links {
                host_unit: id(&activity.host_unit),
                inviting_organization: id(&activity.inviting_organization),
                organizer: id(&activity.organizer),
            };
            records::NewRecord {
                unit: links.host_unit,
                key: input.key.clone(),
                columns: data(input, &links),
            }
        })
        .collect();
    let ids = records::insert_records(conn, actor, ACTIVITY, &records, &now).await?;
    let mut activities: Vec<Activity> = activities.into_iter().map(|(_, a)| a).collect();
    for (activity, id) in activities.iter_mut().zip(ids) {
        activity.meta.id = id;
        activity.meta.created_at = created_at;
        activity.meta.updated_at = created_at;
    }
    let listed = |list: fn(&Activity) -> usize| -> Vec<(&Activity, usize)> {
        activities
            .iter()
            .flat_map(|a| (0..list(a)).map(move |i| (a, i)))
            .collect()
    };
    sql::insert_rows(
        conn,
        "activity_partners",
        &["activity_id", "position", "organization_id"],
        &listed(|a| a.partners.len()),
        |(a, i)| {
            vec![
                Param::int(a.meta.id),
                Param::int(*i as i64),
                Param::int(a.partners[*i].id),
            ]
        },
        "",
    )
    .await?;
    sql::insert_rows(
        conn,
        "participations",
        &[
            "activity_id",
            "position",
            "person_id",
            "role",
            "role_position",
            "role_position_en",
            "note",
        ],
        &listed(|a| a.participants.len()),
        |(a, i)| {
            let p = &a.participants[*i];
            vec![
                Param::int(a.meta.id),
                Param::int(*i as i64),
                Param::int(p.person.id),
                Param::text(p.role.as_str()),
                Param::Text(p.position.clone()),
                Param::Text(p.position_en.clone()),
                Param::Text(p.note.clone()),
            ]
        },
        "",
    )
    .await?;
    sql::insert_rows(
        conn,
        "agenda_items",
        &[
            "activity_id",
            "position",
            "kind",
            "on_date",
            "starts_at",
            "speaker_id",
            "title_zh",
            "title_en",
            "points",
            "points_en",
            "ends_on",
            "part",
            "venue",
            "lecturer_count",
            "lecturers_zh",
            "lecturers_en",
        ],
        &listed(|a| a.agenda.len()),
        |(a, i)| {
            let item = &a.agenda[*i];
            let lecturers = item.lecturers.as_ref();
            vec![
                Param::int(a.meta.id),
                Param::int(*i as i64),
                Param::text(enum_text(&item.kind)),
                Param::Text(item.on.map(date_text)),
                Param::Text(item.starts_at.clone()),
                Param::Int(item.speaker.as_ref().map(|s| s.id)),
                Param::Text(item.title_zh.clone()),
                Param::Text(item.title_en.clone()),
                Param::text(json_text(&item.points)),
                Param::text(json_text(&item.points_en)),
                Param::Text(item.ends_on.map(date_text)),
                Param::Text(item.part.as_ref().map(enum_text)),
                Param::Text(item.venue.clone()),
                Param::Int(lecturers.map(|l| i64::from(l.count))),
                Param::Text(lecturers.and_then(|l| l.description_zh.clone())),
                Param::Text(lecturers.and_then(|l| l.description_en.clone())),
            ]
        },
        "",
    )
    .await?;
    sql::insert_rows(
        conn,
        "activity_tags",
        &["activity_id", "position", "tag"],
        &listed(|a| a.tags.len()),
        |(a, i)| {
            vec![
                Param::int(a.meta.id),
                Param::int(*i as i64),
                Param::text(a.tags[*i].as_str()),
            ]
        },
        "",
    )
    .await?;
    Ok(activities)
}

/// Takes away the partners, participants, agenda and tags of an activity, before those of a
/// change are written.
async fn clear_children(conn: &mut AnyConnection, id: i64) -> Result<()> {
    for table in [
        "activity_partners",
        "participations",
        "agenda_items",
        "activity_tags",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE activity_id = $1"))
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Writes the partners, participants, agenda and tags of an activity that has none.
async fn write_children(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    input: &ActivityInput,
) -> Result<()> {
    organizations::partners(
        conn,
        actor,
        ("activity_partners", "activity_id"),
        id,
        "",
        &input.partners,
    )
    .await?;
    let mut seen = Vec::new();
    for (i, participant) in input.participants.iter().enumerate() {
        let path = format!("participants[{i}]");
        let person =
            people::person(conn, actor, &sub(&path, "person"), &participant.person).await?;
        let known_role: Option<String> =
            sqlx::query_scalar("SELECT code FROM roles WHERE code = $1")
                .bind(participant.role.as_str())
                .fetch_optional(&mut *conn)
                .await?;
        if known_role.is_none() {
            return Err(DomainError::invalid(
                sub(&path, "role"),
                "unknown_role",
                format!(
                    "'{}' is not in the role vocabulary; add it there first",
                    participant.role
                ),
            )
            .into());
        }
        if seen.contains(&(person, participant.role.clone())) {
            return Err(DomainError::invalid(
                path,
                "duplicate",
                "this person is listed twice in the same role",
            )
            .into());
        }
        seen.push((person, participant.role.clone()));
        sqlx::query(
            "INSERT INTO participations (activity_id, position, person_id, role, role_position, \
             role_position_en, note) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(i as i64)
        .bind(person)
        .bind(participant.role.as_str())
        .bind(participant.position.as_deref())
        .bind(participant.position_en.as_deref())
        .bind(participant.note.as_deref())
        .execute(&mut *conn)
        .await?;
    }
    for (i, item) in input.agenda.iter().enumerate() {
        let path = format!("agenda[{i}].speaker");
        let speaker = people::optional_person(conn, actor, &path, &item.speaker).await?;
        let lecturers = item.lecturers.as_ref();
        sqlx::query(
            "INSERT INTO agenda_items (activity_id, position, kind, on_date, starts_at, speaker_id, \
             title_zh, title_en, points, points_en, ends_on, part, venue, lecturer_count, \
             lecturers_zh, lecturers_en) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(id)
        .bind(i as i64)
        .bind(enum_text(&item.kind))
        .bind(item.on.map(date_text))
        .bind(item.starts_at.as_deref())
        .bind(speaker)
        .bind(item.title_zh.as_deref())
        .bind(item.title_en.as_deref())
        .bind(json_text(&item.points))
        .bind(json_text(&item.points_en))
        .bind(item.ends_on.map(date_text))
        .bind(item.part.as_ref().map(enum_text))
        .bind(item.venue.as_deref())
        .bind(lecturers.map(|l| i64::from(l.count)))
        .bind(lecturers.and_then(|l| l.description_zh.as_deref()))
        .bind(lecturers.and_then(|l| l.description_en.as_deref()))
        .execute(&mut *conn)
        .await?;
    }
    // Many tags to a statement, well under SQLite's limit of parameters.
    let tags: Vec<(usize, &String)> = input.tags.iter().enumerate().collect();
    for chunk in tags.chunks(300) {
        let rows = (0..chunk.len())
            .map(|i| format!("($1, ${}, ${})", 2 * i + 2, 2 * i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("INSERT INTO activity_tags (activity_id, position, tag) VALUES {rows}");
        let mut query = sqlx::query(&sql).bind(id);
        for (position, tag) in chunk {
            query = query.bind(*position as i64).bind(tag.as_str());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The filters of the list kept for every activity in `activity_filters` (see the migration
/// `activity_filters`), under the names they are kept by.
fn kept_filters(filter: &ActivityFilter) -> Vec<String> {
    let mut kept = Vec::new();
    if let Some(kind) = &filter.kind {
        kept.push(format!("kind:{}", enum_text(kind)));
    }
    if let Some(year) = filter.year {
        kept.push(format!("year:{year:04}"));
    }
    if let Some(unit) = filter.unit {
        kept.push(format!("unit:{unit}"));
    }
    if let Some(organization) = filter.organization {
        kept.push(format!("organization:{organization}"));
    }
    if let Some(country) = &filter.country {
        kept.push(format!(
            "country:{}",
            liaison_core::country_filter_code(country)
        ));
    }
    if let Some(region) = &filter.region {
        kept.push(format!("region:{}", enum_text(region)));
    }
    if let Some(tag) = filter
        .tag
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        kept.push(format!("tag:{tag}"));
    }
    kept
}

fn has_words(filter: &ActivityFilter) -> bool {
    filter.q.as_deref().is_some_and(|q| !q.trim().is_empty())
}

/// The filter answered by the activity rows themselves: the days an activity runs, its dates
/// read from the table aliased `dates` (the activity's own, or the kept filter's copy).
fn dates(f: &mut Filter, filter: &ActivityFilter, dates: &str) {
    if let Some(from) = filter.from {
        let p = f.param(Param::text(date_text(from)));
        f.and(format!("{dates}.end_date >= {p}"));
    }
    if let Some(to) = filter.to {
        let p = f.param(Param::text(date_text(to)));
        f.and(format!("{dates}.start_date <= {p}"));
    }
}

/// [`dates`] on a walk of a kept filter's rows `f`, which are in start-date order with the end
/// date beside each, and with `from` only the rows begun within the longest any activity has
/// lasted (`activity_longest`) before it, the only ones that may still run on it. Without this
/// bound, the page and its count read every row of the filter begun before `from` to find the
/// few still running.
fn walked_dates(f: &mut Filter, backend: Backend, filter: &ActivityFilter) {
    dates(f, filter, "f");
    if let Some(from) = filter.from {
        let day = f.param(Param::text(date_text(from)));
        let earliest = backend.days_after_sql(&day, "-(SELECT l.days FROM activity_longest l)");
        f.and(format!("f.start_date >= {earliest}"));
    }
}

/// The sort keys of the activity list walked through a kept filter's rows `f`.
fn filter_order(sort: &str) -> &'static [&'static str] {
    match sort {
        "title" => &["COALESCE(a.title_en, a.title_zh)", "a.id"],
        "kind" => &["a.kind", "f.start_date", "f.activity_id"],
        "created" => &["a.created_at", "a.id"],
        "updated" => &["a.updated_at", "a.id"],
        _ => &["f.start_date", "f.activity_id"],
    }
}

/// The number of activities a filter's words (see [`Store::activity_filter_bits`]) hold.
fn bits_set(words: &[(i64, i64)]) -> u32 {
    words.iter().map(|(_, bits)| bits.count_ones()).sum()
}

/// The activities of `ids` (in increasing order) among the bits of `words` (in order of word).
/// The words are first laid out one after the other, so that each activity is a bit looked up
/// by its number: the words found number tens of thousands, and walking the two lists side by
/// side cost a tenth of a page by words and a kind.
fn among_bits(ids: &[i64], words: &[(i64, i64)]) -> Vec<i64> {
    let Some(last) = words.iter().map(|&(word, _)| word).max() else {
        return Vec::new();
    };
    let mut dense = vec![0u64; usize::try_from(last).unwrap_or(0) + 1];
    for &(word, bits) in words {
        if let Ok(word) = usize::try_from(word) {
            dense[word] = bits as u64;
        }
    }
    ids.iter()
        .copied()
        .filter(|&id| {
            usize::try_from(id >> 6)
                .ok()
                .and_then(|word| dense.get(word))
                .is_some_and(|bits| bits >> (id & 63) & 1 == 1)
        })
        .collect()
}

/// The sort keys of the activity list read from the activities themselves.
fn activity_order(sort: &str) -> &'static [&'static str] {
    match sort {
        "title" => &["COALESCE(a.title_en, a.title_zh)", "a.id"],
        "kind" => &["a.kind", "a.start_date", "a.id"],
        "created" => &["a.created_at", "a.id"],
        "updated" => &["a.updated_at", "a.id"],
        _ => &["a.start_date", "a.id"],
    }
}

/// The activities every one of the filters `bits` holds, as words in order; one filter's own
/// words as they are.
fn shared_by_all(bits: &[Arc<[(i64, i64)]>]) -> Cow<'_, [(i64, i64)]> {
    match bits {
        [] => Cow::Borrowed(&[]),
        [one] => Cow::Borrowed(one),
        [first, rest @ ..] => Cow::Owned(
            rest.iter()
                .fold(first.to_vec(), |all, words| shared_bits(&all, words)),
        ),
    }
}

/// The activities two filters share, as words in order.
fn shared_bits(a: &[(i64, i64)], b: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut shared = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                let bits = a[i].1 & b[j].1;
                if bits != 0 {
                    shared.push((a[i].0, bits));
                }
                i += 1;
                j += 1;
            }
        }
    }
    shared
}

impl Store {
    /// The activity list without kept filters, or by kind alone: the whole list's total, and
    /// each kind's, are kept in `activity_counts` (see the migration `activity_counts`); a day
    /// alone counts from kept counts too ([`Store::dated_total`]); other dates count the rows
    /// they keep.
    async fn list_activities_counted(
        &self,
        filter: &ActivityFilter,
        page: &PageRequest,
    ) -> Result<Page<ActivitySummary>> {
        let mut f = Filter::default();
        if let Some(kind) = &filter.kind {
            let p = f.param(Param::text(enum_text(kind)));
            f.and(format!("a.kind = {p}"));
        }
        dates(&mut f, filter, "a");
        let total = if let Some(total) = self.dated_total(&mut f, filter) {
            total
        } else if f.len() == usize::from(filter.kind.is_some()) {
            Total::Counted {
                from: "activity_counts a",
                count: "CAST(COALESCE(SUM(a.n), 0) AS BIGINT)",
            }
        } else {
            Total::Counted {
                from: "activities a",
                count: "COUNT(*)",
            }
        };
        let list = ListQuery {
            columns: summary_columns(),
            page_columns: Selection::default(),
            from: FROM,
            total,
            filter: f,
            order: activity_order(&page.sort),
        };
        self.list_page(list, page, summary_from_row).await
    }

    /// The total of a list by one day alone, the condition `a.start_date <= $1` or
    /// `a.end_date >= $1` of `f`, from the kept counts of the years before or after the day's and
    /// the activities of its own year (see the migration `activity_longest`).
    fn dated_total(&self, f: &mut Filter, filter: &ActivityFilter) -> Option<Total<'static>> {
        if filter.kind.is_some() {
            return None;
        }
        let years = |f: &mut Filter, year: i32, before: bool| {
            let own = f.param(Param::text(format!("year:{year:04}")));
            let (from, to) = if before {
                ("'year:'".to_owned(), own)
            } else {
                (own, "'year;'".to_owned())
            };
            // Each activity has one `year:` filter, named by four digits: `year;` is after them.
            format!(
                "(SELECT COALESCE(SUM(c.n), 0) FROM activity_filter_counts c \
                 WHERE c.filter > {from} AND c.filter < {to})"
            )
        };
        let total = match (filter.from, filter.to) {
            (None, Some(to)) => {
                let first_day = f.param(Param::text(format!("{:04}-01-01", to.year())));
                format!(
                    "{} + (SELECT COUNT(*) FROM activities a \
                     WHERE a.start_date >= {first_day} AND a.start_date <= $1)",
                    years(f, to.year(), true)
                )
            }
            (Some(from), None) => {
                let next_year = f.param(Param::text(format!("{:04}-01-01", from.year() + 1)));
                let last_end = self
                    .backend
                    .days_after_sql("$1", "(SELECT l.days FROM activity_longest l)");
                format!(
                    "{} + (SELECT COUNT(*) FROM activities a \
                     WHERE a.start_date >= $1 AND a.start_date < {next_year}) \
                     + (SELECT COUNT(*) FROM activities a \
                     WHERE a.end_date >= $1 AND a.end_date <= {last_end} AND a.start_date < $1)",
                    years(f, from.year(), false)
                )
            }
            _ => return None,
        };
        Some(Total::Expression(format!("CAST({total} AS BIGINT)")))
    }

    /// The activity list by words in the titles, with any other filters: the activities whose
    /// titles hold the words are read from the search index ([`blocks::titled`]), those the kept
    /// filters answer from their bits, and what both hold is the list, counted in Rust; only
    /// days are left to the database.
    async fn list_activities_titled(
        &self,
        filter: &ActivityFilter,
        q: &str,
        page: &PageRequest,
    ) -> Result<Page<ActivitySummary>> {
        let mut found = blocks::titled(self, ACTIVITY, q).await?;
        let kept = kept_filters(filter);
        // With kept filters, the page walks the rows of the one with the fewest activities,
        // where those found are denser than among all activities.
        let mut walked = None;
        if !kept.is_empty() && !found.is_empty() {
            let bits = self.activity_filter_bits(&kept).await?;
            found = among_bits(&found, &shared_by_all(&bits));
            walked = bits
                .iter()
                .map(|words| bits_set(words))
                .zip(&kept)
                .min_by_key(|(set, _)| *set)
                .map(|(set, name)| (name.clone(), i64::from(set)));
        }
        let mut f = Filter::default();
        let (from, counted, order) = match walked {
            Some((name, listed)) => {
                let p = f.param(Param::text(name));
                f.and(format!("f.filter = {p}"));
                f.among_walked(self.backend, "f.activity_id", &found, listed);
                walked_dates(&mut f, self.backend, filter);
                (FROM_FILTER, "activity_filters f", filter_order(&page.sort))
            }
            None => {
                // Records are numbered from 1, so the last found is about as many as the list
                // holds.
                let listed = found.last().copied().unwrap_or(0);
                f.among_walked(self.backend, "a.id", &found, listed);
                dates(&mut f, filter, "a");
                (FROM, "activities a", activity_order(&page.sort))
            }
        };
        let total = if filter.from.is_none() && filter.to.is_none() {
            Total::Known(found.len() as i64)
        } else {
            Total::Counted {
                from: counted,
                count: "COUNT(*)",
            }
        };
        let list = ListQuery {
            columns: summary_columns(),
            page_columns: Selection::default(),
            from,
            total,
            filter: f,
            order,
        };
        self.list_page(list, page, summary_from_row).await
    }

    /// The words of each of the kept filters `names`, as (word, bits) in order of word.
    ///
    /// A filter's words are kept by the store with the filter's version, which the triggers
    /// keeping its bits move on with every change of them (`activity_filter_counts.version`). The
    /// database is asked each filter's version, and its words only when they are not kept at that
    /// version: words and version come from one statement, so kept words are always those of
    /// their version.
    async fn activity_filter_bits(&self, names: &[String]) -> Result<Vec<Arc<[(i64, i64)]>>> {
        let kept = &self.kept.filter_bits;
        let held: Vec<_> = names.iter().map(|name| kept.get(name.as_str())).collect();
        // The pairs as numbers between spaces: a JSON array of them cost SQLite three times as
        // much to build (1.9 against 0.7 ms for two filters of 1,563 words each).
        let columns: Vec<String> = (0..names.len())
            .map(|i| {
                let (name, known) = (i + 1, names.len() + i + 1);
                let version = format!(
                    "(SELECT c.version FROM activity_filter_counts c WHERE c.filter = ${name})"
                );
                let from = format!("FROM activity_filter_bits b WHERE b.filter = ${name}");
                let words = self
                    .backend
                    .spaced_text_sql("b.word || ' ' || b.bits", &from);
                format!(
                    "{version} AS version_{i}, \
                     CASE WHEN {version} = ${known} THEN NULL ELSE {words} END AS words_{i}"
                )
            })
            .collect();
        let sql = format!("SELECT {}", columns.join(", "));
        let mut query = sqlx::query(&sql);
        for name in names {
            query = query.bind(name.as_str());
        }
        for held in &held {
            query = query.bind(held.as_ref().map_or(-1, |(version, _)| *version));
        }
        let row = query.fetch_one(&self.read).await?;
        let mut all = Vec::with_capacity(names.len());
        for (i, (name, held)) in names.iter().zip(held).enumerate() {
            // A filter no activity has ever answered has no version, and no bits.
            let Some(version) = row.opt_int(&format!("version_{i}"))? else {
                all.push(Arc::from([]));
                continue;
            };
            // The words held when the statement was made, if they are still current; the
            // statement left them out.
            if let Some((held, words)) = held
                && held == version
            {
                all.push(words);
                continue;
            }
            let column = format!("words_{i}");
            let text = row.opt_text(&column)?.unwrap_or_default();
            let numbers = text
                .split_ascii_whitespace()
                .map(|n| {
                    n.parse::<i64>()
                        .map_err(|_| Error::Corrupt(format!("{column}: '{n}' is not a number")))
                })
                .collect::<Result<Vec<i64>>>()?;
            let mut words: Vec<(i64, i64)> =
                numbers.chunks_exact(2).map(|w| (w[0], w[1])).collect();
            words.sort_unstable();
            let words: Arc<[(i64, i64)]> = Arc::from(words);
            kept.put(name.clone(), version, Arc::clone(&words));
            all.push(words);
        }
        Ok(all)
    }
}

impl Records for Activity {
    type Input = ActivityInput;
    type Filter = ActivityFilter;
    type Row = ActivitySummary;

    fn version(input: &ActivityInput) -> Option<i64> {
        input.version
    }

    /// A change of an activity brings no gifts: those of an existing activity are records of
    /// their own, changed one by one.
    fn checked_change(input: ActivityInput) -> Result<ActivityInput> {
        let input = liaison_core::Validate::validated(input)?;
        if !input.gifts.is_empty() {
            let mut errors = FieldErrors::new();
            errors.add(
                "gifts",
                "existing_activity",
                "the gifts of an existing activity are changed one by one as gift records",
            );
            return Err(DomainError::Invalid(errors).into());
        }
        Ok(input)
    }

    async fn insert(conn: &mut AnyConnection, actor: &Actor, input: &ActivityInput) -> Result<i64> {
        insert(conn, actor, input).await
    }

    async fn rewrite(
        conn: &mut AnyConnection,
        actor: &Actor,
        id: i64,
        version: i64,
        input: &ActivityInput,
    ) -> Result<()> {
        resolve::key_is_free(conn, ACTIVITY, "", &input.key, Some(id)).await?;
        let links = resolve_links(conn, actor, input).await?;
        let columns = data(input, &links);
        records::update_record(conn, ACTIVITY, id, version, &input.key, columns).await?;
        clear_children(conn, id).await?;
        write_children(conn, actor, id, input).await
    }

    async fn list(
        store: &Store,
        filter: &ActivityFilter,
        page: &PageRequest,
    ) -> Result<Page<ActivitySummary>> {
        if let Some(q) = filter.q.as_deref().filter(|_| has_words(filter)) {
            return store.list_activities_titled(filter, q, page).await;
        }
        let kept = kept_filters(filter);
        let by_kind_alone = kept.len() == 1 && filter.kind.is_some();
        let by_dates = filter.from.is_some() || filter.to.is_some();
        if kept.is_empty() || (by_kind_alone && !by_dates) {
            return store.list_activities_counted(filter, page).await;
        }
        // The page walks the rows of one kept filter in start-date order and looks the others up;
        // the year is a range of the walked rows' own start dates.
        let others: Vec<&String> = kept.iter().filter(|k| !k.starts_with("year:")).collect();
        let (walked, known) = if others.len() < 2 {
            (others.first().copied().unwrap_or(&kept[0]).clone(), None)
        } else {
            // The total of several filters is the number of activities whose bits they all
            // share; the rows walked are those of the filter with the fewest activities.
            let bits = store.activity_filter_bits(&kept).await?;
            let shared = shared_by_all(&bits);
            let total = i64::from(bits_set(&shared));
            if total == 0 {
                return Ok(Page {
                    items: Vec::new(),
                    total,
                    page: page.page,
                    per_page: page.per_page,
                });
            }
            let rarest = (0..kept.len())
                .filter(|&i| !kept[i].starts_with("year:"))
                .min_by_key(|&i| bits_set(&bits[i]))
                .unwrap_or(0);
            (kept[rarest].clone(), Some(total))
        };
        let mut f = Filter::default();
        let p = f.param(Param::text(walked.clone()));
        f.and(format!("f.filter = {p}"));
        let mut ranged = false;
        if let Some(year) = filter.year {
            let from = f.param(Param::text(format!("{year:04}-01-01")));
            let to = f.param(Param::text(format!("{:04}-01-01", year + 1)));
            f.and(format!("f.start_date >= {from} AND f.start_date < {to}"));
            ranged = walked != format!("year:{year:04}");
        }
        for name in &others {
            if **name == walked {
                continue;
            }
            let p = f.param(Param::text((*name).clone()));
            f.and(format!(
                "EXISTS (SELECT 1 FROM activity_filters g WHERE g.filter = {p} \
                 AND g.start_date = f.start_date AND g.activity_id = f.activity_id)"
            ));
        }
        walked_dates(&mut f, store.backend, filter);
        let total = match known {
            Some(total) if !by_dates => Total::Known(total),
            // One filter alone has its count kept.
            None if !by_dates && !ranged => Total::Expression(
                "COALESCE((SELECT c.n FROM activity_filter_counts c WHERE c.filter = $1), 0)"
                    .to_owned(),
            ),
            _ => Total::Counted {
                from: "activity_filters f",
                count: "COUNT(*)",
            },
        };
        let list = ListQuery {
            columns: summary_columns(),
            page_columns: Selection::default(),
            from: FROM_FILTER,
            total,
            filter: f,
            order: filter_order(&page.sort),
        };
        store.list_page(list, page, summary_from_row).await
    }
}

// Its documents, for search (the kind is declared searchable).
inventory::submit! { crate::search::DocumentReader::of::<Activity>() }

impl StoredRecord for Activity {
    async fn fetch(conn: &mut AnyConnection, policy: &Policy, id: i64) -> Result<Activity> {
        // The activity and its lists in one statement: each statement is a round trip to the
        // connection's thread, which cost more than the reading on the activity page.
        let backend = Backend::of(conn);
        let partners = backend.json_rows_sql(
            &sql::named_fields("o"),
            "FROM activity_partners ap JOIN organizations o ON o.id = ap.organization_id \
             WHERE ap.activity_id = a.id",
            "ap.position",
        );
        let mut participant_fields = sql::named_fields("p");
        for field in ["role", "role_position", "role_position_en", "note"] {
            participant_fields.push((field, format!("pa.{field}")));
        }
        let participants = backend.json_rows_sql(
            &participant_fields,
            "FROM participations pa JOIN people p ON p.id = pa.person_id \
             WHERE pa.activity_id = a.id",
            "pa.position",
        );
        let agenda = backend.json_rows_sql(
            &[
                ("kind", "ai.kind"),
                ("on", "ai.on_date"),
                ("ends_on", "ai.ends_on"),
                ("part", "ai.part"),
                ("starts_at", "ai.starts_at"),
                ("venue", "ai.venue"),
                ("lecturer_count", "ai.lecturer_count"),
                ("lecturers_zh", "ai.lecturers_zh"),
                ("lecturers_en", "ai.lecturers_en"),
                ("title_zh", "ai.title_zh"),
                ("title_en", "ai.title_en"),
                ("points", "ai.points"),
                ("points_en", "ai.points_en"),
                ("speaker_id", "s.id"),
                ("speaker_key", "s.key"),
                ("speaker_name_zh", "s.name_zh"),
                ("speaker_name_en", "s.name_en"),
            ],
            "FROM agenda_items ai LEFT JOIN people s ON s.id = ai.speaker_id \
             WHERE ai.activity_id = a.id",
            "ai.position",
        );
        let tags = backend.json_rows_sql(
            &[("tag", "t.tag")],
            "FROM activity_tags t WHERE t.activity_id = a.id",
            "t.position",
        );
        let agreements = backend.json_rows_sql(
            &[
                ("id", "g.id".to_owned()),
                ("key", "g.key".to_owned()),
                ("name_zh", "g.title_zh".to_owned()),
                ("name_en", "g.title_en".to_owned()),
            ],
            "FROM agreements g WHERE g.activity_id = a.id",
            "g.id",
        );
        let row = sqlx::query(&format!(
            "SELECT {}, a.created_at, a.updated_at, a.summary_zh, a.summary_en, \
             a.delegation_size, a.attending_groups, a.attending_groups_en, a.outcomes, \
             a.attachments, a.signed_by, a.signed_by_en, a.university_role, \
             og.id AS organizer_id, og.key AS organizer_key, og.name_zh AS organizer_name_zh, \
             og.name_en AS organizer_name_en, \
             {partners} AS partners, {participants} AS participants, {agenda} AS agenda, \
             {tags} AS tags, {agreements} AS agreements \
             FROM {FROM} LEFT JOIN organizations og ON og.id = a.organizer_id WHERE a.id = $1",
            summary_columns().sql()
        ))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| DomainError::not_found("activity", id))?;
        let summary = summary_from_row(&row)?;
        let partners = row
            .json::<Vec<sql::NamedJson>>("partners")?
            .into_iter()
            .map(sql::NamedJson::named)
            .collect();
        let participants = row
            .json::<Vec<ParticipantJson>>("participants")?
            .into_iter()
            .map(|p| Participant {
                person: p.person.named(),
                role: p.role,
                position: p.role_position,
                position_en: p.role_position_en,
                note: p.note,
            })
            .collect();
        let agenda = row
            .json::<Vec<AgendaJson>>("agenda")?
            .into_iter()
            .map(AgendaJson::item)
            .collect::<Result<Vec<_>>>()?;
        let tags = row
            .json::<Vec<TagJson>>("tags")?
            .into_iter()
            .map(|t| t.tag)
            .collect();

        Ok(Activity {
            meta: liaison_core::Meta {
                id: summary.id,
                key: summary.key,
                version: summary.version,
                created_at: row.timestamp("created_at")?,
                updated_at: row.timestamp("updated_at")?,
            },
            kind: summary.kind,
            title_zh: summary.title_zh,
            title_en: summary.title_en,
            summary_zh: row.opt_text("summary_zh")?,
            summary_en: row.opt_text("summary_en")?,
            start_date: summary.start_date,
            start_part: summary.start_part,
            end_date: summary.end_date,
            end_part: summary.end_part,
            venue: summary.venue,
            host_unit: summary.host_unit,
            inviting_organization: summary.inviting_organization,
            organizer: row.named("organizer")?,
            university_role: row.enumerated("university_role")?,
            partners,
            participants,
            delegation_size: row.opt_int("delegation_size")?.map(|n| n as i32),
            attending_groups: row.json("attending_groups")?,
            attending_groups_en: row.json("attending_groups_en")?,
            agenda,
            outcomes: row.json("outcomes")?,
            tags,
            attachments: row.json("attachments")?,
            signed_by: row.opt_text("signed_by")?,
            signed_by_en: row.opt_text("signed_by_en")?,
            gifts: gifts::of_activity(conn, policy, id).await?,
            agreements: row
                .json::<Vec<sql::NamedJson>>("agreements")?
                .into_iter()
                .map(sql::NamedJson::named)
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of the activities `ids`, as the kept filters hold them.
    fn words_of(ids: &[i64]) -> Vec<(i64, i64)> {
        let mut words: Vec<(i64, i64)> = Vec::new();
        for &id in ids {
            let bit = 1i64 << (id & 63);
            match words.last_mut() {
                Some((word, bits)) if *word == id >> 6 => *bits |= bit,
                _ => words.push((id >> 6, bit)),
            }
        }
        words
    }

    #[test]
    fn the_activities_among_a_filter_s_bits_are_those_it_holds() {
        // Activity 63 is the last bit of the first word, a negative bit as a number; 64 the first
        // of the second; word 2 holds none and is not kept; 200 is past the last word.
        let filter = words_of(&[1, 63, 64, 130, 191]);
        assert_eq!(
            among_bits(&[1, 2, 63, 64, 65, 128, 130, 191, 200], &filter),
            vec![1, 63, 64, 130, 191]
        );
        assert_eq!(among_bits(&[5, 6], &filter), Vec::<i64>::new());
        assert_eq!(among_bits(&[1, 63], &[]), Vec::<i64>::new());
        assert_eq!(among_bits(&[], &filter), Vec::<i64>::new());
    }

    #[test]
    fn two_filters_share_the_bits_both_hold() {
        let a = words_of(&[1, 63, 64, 130, 300]);
        let b = words_of(&[63, 65, 130, 301]);
        let shared = shared_bits(&a, &b);
        assert_eq!(shared, words_of(&[63, 130]));
        assert_eq!(bits_set(&shared), 2);
        let kept = |words: Vec<(i64, i64)>| -> Arc<[(i64, i64)]> { Arc::from(words) };
        let (a, b, c) = (kept(a), kept(b), kept(words_of(&[63, 64, 301])));
        assert_eq!(*shared_by_all(&[Arc::clone(&a)]), *a);
        assert_eq!(*shared_by_all(&[a, b, c]), words_of(&[63]));
        assert!(shared_by_all(&[]).is_empty());
    }
}
