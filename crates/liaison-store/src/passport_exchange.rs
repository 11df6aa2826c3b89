//! Official passports and permits as `liaison export` writes them and `liaison import` reads
//! them: every document with its state, custody log and history, the kinds the office added,
//! the policy's versions and the members recorded as holding their own documents, each person,
//! trip and document by its key.

use chrono::{DateTime, Utc};
use liaison_core::passports::{
    DocumentKind, ExchangeCustody, ExchangeOwnDocument, ExchangePassport, ExchangePassportPolicy,
    ExchangePassports, PASSPORT,
};
use liaison_core::trips::TRIP;
use liaison_core::{
    Actor, Error as DomainError, Link, PERSON, RecordEventInput, RecordKind, Validate, export_key,
};
use sqlx::AnyConnection;

use crate::error::under;
use crate::passports::{custody_of, passports_where};
use crate::sql::{Columns, Filter, RowExt, date_text, enum_text, json_text};
use crate::{Result, records, resolve, transitions};

/// A time as the database keeps it, so it sorts as text with the times written since.
fn stored_time(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

async fn id_of(conn: &mut AnyConnection, kind: RecordKind, path: &str, key: &str) -> Result<i64> {
    resolve::link(conn, kind, path, &Link::Key(key.to_owned())).await
}

/// Everything about passports, for `liaison export`.
pub(crate) async fn exported(conn: &mut AnyConnection) -> Result<ExchangePassports> {
    let mut out = ExchangePassports::default();
    let rows = sqlx::query(
        "SELECT code, name_zh, name_en, track FROM passport_kinds WHERE built_in = 0 ORDER BY code",
    )
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        out.kinds.push(DocumentKind {
            code: row.text("code")?,
            name_zh: row.text("name_zh")?,
            name_en: row.text("name_en")?,
            track: row.enumerated("track")?,
        });
    }
    let mut history: std::collections::HashMap<i64, Vec<RecordEventInput>> =
        std::collections::HashMap::new();
    for (id, event) in transitions::all_events(conn, PASSPORT).await? {
        history.entry(id).or_default().push(RecordEventInput {
            entity: PASSPORT.as_str().to_owned(),
            record: String::new(),
            at: event.at,
            username: event.username,
            transition: event.transition,
            from: event.from,
            to: event.to,
            note: event.note,
        });
    }
    for p in passports_where(conn, &Filter::default()).await? {
        let key = export_key(PASSPORT, p.meta.id, &p.meta.key);
        let custody = custody_of(conn, "c.passport_id = $1", p.meta.id)
            .await?
            .into_iter()
            .map(|c| ExchangeCustody {
                action: c.action,
                at: c.at,
                on: c.on,
                person: export_key(PERSON, c.person.id, &c.person.key),
                by: c.by,
                trip: c.trip.map(|t| export_key(TRIP, t.id, &t.key)),
                due_on: c.due_on,
                condition: c.condition,
                note: c.note,
            })
            .collect();
        let events = history
            .remove(&p.meta.id)
            .unwrap_or_default()
            .into_iter()
            .map(|e| RecordEventInput {
                record: key.clone(),
                ..e
            })
            .collect();
        out.documents.push(ExchangePassport {
            key,
            kind: p.kind,
            holder: export_key(PERSON, p.holder.id, &p.holder.key),
            number: p.number,
            issued_on: p.issued_on,
            issue_place: p.issue_place,
            expires_on: p.expires_on,
            location: p.location,
            notes: p.notes,
            status: p.status,
            custody,
            history: events,
        });
    }
    let rows = sqlx::query(
        "SELECT version, settings, saved_at, saved_by FROM policy_versions \
         WHERE name = 'passports' ORDER BY version",
    )
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        out.policies.push(ExchangePassportPolicy {
            version: row.int("version")?,
            settings: row.json("settings")?,
            saved_at: row.timestamp("saved_at")?,
            saved_by: row.text("saved_by")?,
        });
    }
    let rows = sqlx::query(
        "SELECT t.id AS trip_id, t.key AS trip_key, h.id AS person_id, h.key AS person_key, \
         o.reason, o.expires_on, o.recorded_by, o.recorded_at \
         FROM trip_own_documents o JOIN trips t ON t.id = o.trip_id \
         JOIN people h ON h.id = o.person_id ORDER BY t.id, h.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        out.own_documents.push(ExchangeOwnDocument {
            trip: export_key(TRIP, row.int("trip_id")?, &row.opt_text("trip_key")?),
            person: export_key(PERSON, row.int("person_id")?, &row.opt_text("person_key")?),
            reason: row.text("reason")?,
            expires_on: row.date("expires_on")?,
            recorded_by: row.text("recorded_by")?,
            recorded_at: row.timestamp("recorded_at")?,
        });
    }
    Ok(out)
}

/// Imports what a document brings about passports, in the import's transaction, after the
/// people and trips they name; a document whose key is taken already is left as it is. Answers
/// how many documents were created and how many left.
pub(crate) async fn import(
    conn: &mut AnyConnection,
    actor: &Actor,
    passports: &ExchangePassports,
) -> Result<(usize, usize)> {
    if passports.is_empty() {
        return Ok((0, 0));
    }
    if actor.role != liaison_core::UserRole::Admin {
        return Err(DomainError::Forbidden("only an admin imports passports".to_owned()).into());
    }
    for (i, kind) in passports.kinds.iter().enumerate() {
        let kind = under(
            &format!("passports.kinds[{i}]"),
            kind.clone().validated().map_err(Into::into),
        )?;
        sqlx::query(
            "INSERT INTO passport_kinds (code, name_zh, name_en, track, built_in) \
             VALUES ($1, $2, $3, $4, 0) ON CONFLICT DO NOTHING",
        )
        .bind(&kind.code)
        .bind(&kind.name_zh)
        .bind(&kind.name_en)
        .bind(enum_text(&kind.track))
        .execute(&mut *conn)
        .await?;
    }
    for (i, policy) in passports.policies.iter().enumerate() {
        under(
            &format!("passports.policies[{i}].settings"),
            policy.settings.check().map_err(Into::into),
        )?;
        sqlx::query(
            "INSERT INTO policy_versions (name, version, settings, saved_at, saved_by) \
             VALUES ('passports', $1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(policy.version)
        .bind(json_text(&policy.settings))
        .bind(stored_time(&policy.saved_at))
        .bind(&policy.saved_by)
        .execute(&mut *conn)
        .await?;
    }
    let (mut created, mut left) = (0, 0);
    for (i, document) in passports.documents.iter().enumerate() {
        let path = format!("passports.documents[{i}]");
        if resolve::id_by_key(conn, PASSPORT, &Some(document.key.clone()))
            .await?
            .is_some()
        {
            left += 1;
            continue;
        }
        insert_passport(conn, actor, &path, document).await?;
        created += 1;
    }
    for (i, own) in passports.own_documents.iter().enumerate() {
        let path = format!("passports.own_documents[{i}]");
        let trip = id_of(conn, TRIP, &format!("{path}.trip"), &own.trip).await?;
        let person = id_of(conn, PERSON, &format!("{path}.person"), &own.person).await?;
        sqlx::query(
            "INSERT INTO trip_own_documents (trip_id, person_id, reason, expires_on, \
             recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(trip)
        .bind(person)
        .bind(&own.reason)
        .bind(date_text(own.expires_on))
        .bind(&own.recorded_by)
        .bind(stored_time(&own.recorded_at))
        .execute(&mut *conn)
        .await?;
    }
    Ok((created, left))
}

async fn insert_passport(
    conn: &mut AnyConnection,
    actor: &Actor,
    path: &str,
    document: &ExchangePassport,
) -> Result<()> {
    let holder = id_of(conn, PERSON, &format!("{path}.holder"), &document.holder).await?;
    let unit: Option<i64> = sqlx::query_scalar("SELECT unit_id FROM people WHERE id = $1")
        .bind(holder)
        .fetch_one(&mut *conn)
        .await?;
    let known: Option<String> =
        sqlx::query_scalar("SELECT code FROM passport_kinds WHERE code = $1")
            .bind(&document.kind)
            .fetch_optional(&mut *conn)
            .await?;
    if known.is_none() {
        return Err(DomainError::invalid(
            format!("{path}.kind"),
            "unknown",
            format!("'{}' is not a kind of document", document.kind),
        )
        .into());
    }
    let columns = Columns::default()
        .text("kind", Some(&document.kind))
        .int("holder_id", Some(holder))
        .text("number", document.number.as_deref())
        .text("issued_on", document.issued_on.map(date_text).as_deref())
        .text("issue_place", document.issue_place.as_deref())
        .text("expires_on", Some(&date_text(document.expires_on)))
        .text("location", document.location.as_deref())
        .text("notes", document.notes.as_deref())
        .text("status", Some(document.status.as_str()));
    let id = records::insert_record(
        conn,
        actor,
        PASSPORT,
        unit,
        &Some(document.key.clone()),
        columns,
    )
    .await?;
    for (j, line) in document.custody.iter().enumerate() {
        let at = format!("{path}.custody[{j}]");
        let person = id_of(conn, PERSON, &format!("{at}.person"), &line.person).await?;
        let trip = match &line.trip {
            Some(key) => Some(id_of(conn, TRIP, &format!("{at}.trip"), key).await?),
            None => None,
        };
        sqlx::query(
            "INSERT INTO passport_custody (passport_id, action, at, on_date, person_id, \
             by_username, trip_id, due_on, condition, note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id)
        .bind(line.action.as_str())
        .bind(stored_time(&line.at))
        .bind(date_text(line.on))
        .bind(person)
        .bind(&line.by)
        .bind(trip)
        .bind(line.due_on.map(date_text))
        .bind(line.condition.as_deref())
        .bind(line.note.as_deref())
        .execute(&mut *conn)
        .await?;
    }
    for event in &document.history {
        sqlx::query(
            "INSERT INTO record_events (entity, record_id, at, user_id, username, transition, \
             from_state, to_state, note) VALUES ($1, $2, $3, NULL, $4, $5, $6, $7, $8)",
        )
        .bind(PASSPORT.as_str())
        .bind(id)
        .bind(stored_time(&event.at))
        .bind(&event.username)
        .bind(&event.transition)
        .bind(event.from.as_deref())
        .bind(&event.to)
        .bind(event.note.as_deref())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
