//! An organization's relationship timeline: every way it is involved in a record, kept as one
//! row each in `organization_timeline` in the transaction of each change, and read from there
//! newest first.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use liaison_core::{
    Error as DomainError, Involvement, PERSON, RecordKind, Through, Timeline, TimelineEntry,
    display_name,
};
use serde::Deserialize;
use sqlx::AnyConnection;

use crate::locks::{self, Lock};
use crate::sql::{self, RowExt};
use crate::{Backend, Result, Store};

/// The kinds of record whose records involve organizations on their timelines, with how: those
/// declared so (`Kind::timeline`).
fn sources() -> impl Iterator<Item = (RecordKind, &'static Timeline)> {
    liaison_core::KINDS.iter().filter_map(|&kind| {
        let timeline = kind.declaration().timeline.as_ref()?;
        Some((kind, timeline))
    })
}

/// The involvements of the records of `kind` whose id meets `which` (a condition such as
/// `= $1`), as (organization_id, kind, record_id, involvement, day) rows, from the ways its
/// declaration says its records involve organizations: an activity its inviting organization,
/// its organizer (the body that ran it), its partners and, apart from those, the organizations
/// of its participants.
fn involvements(kind: RecordKind, timeline: &Timeline, which: &str) -> String {
    let Timeline {
        day, involvements, ..
    } = timeline;
    let table = kind.table;
    // The organizations a person's own involvement leaves out: those the record names itself.
    let named_otherwise: Vec<String> = involvements
        .iter()
        .filter_map(|involvement| match involvement.through {
            Through::Column(column) => {
                Some(format!("r.{column} IS DISTINCT FROM p.organization_id"))
            }
            Through::Rows {
                table,
                record,
                organization,
            } => Some(format!(
                "NOT EXISTS (SELECT 1 FROM {table} y \
                              WHERE y.{record} = r.id AND y.{organization} = p.organization_id)"
            )),
            Through::People { .. } => None,
        })
        .collect();
    involvements
        .iter()
        .map(|&Involvement { name, through }| match through {
            Through::Column(column) => format!(
                "SELECT r.{column}, '{kind}', r.id, '{name}', {day} FROM {table} r \
                  WHERE r.id {which} AND r.{column} IS NOT NULL"
            ),
            Through::Rows {
                table: rows,
                record,
                organization,
            } => format!(
                "SELECT x.{organization}, '{kind}', r.id, '{name}', {day} \
                   FROM {table} r JOIN {rows} x ON x.{record} = r.id WHERE r.id {which}"
            ),
            Through::People {
                table: rows,
                record,
                person,
            } => format!(
                "SELECT DISTINCT p.organization_id, '{kind}', r.id, '{name}', {day} \
                   FROM {table} r JOIN {rows} x ON x.{record} = r.id \
                   JOIN people p ON p.id = x.{person} \
                  WHERE r.id {which} AND p.organization_id IS NOT NULL{}",
                named_otherwise
                    .iter()
                    .map(|condition| format!(" AND {condition}"))
                    .collect::<String>()
            ),
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// Works the timeline rows of the records whose id meets `which` out afresh; `ids` are bound to
/// its placeholders from `$1`.
async fn rewrite(
    conn: &mut AnyConnection,
    (kind, timeline): (RecordKind, &Timeline),
    which: &str,
    ids: Option<String>,
) -> Result<()> {
    let delete =
        format!("DELETE FROM organization_timeline WHERE kind = '{kind}' AND record_id {which}");
    let insert = format!(
        "INSERT INTO organization_timeline (organization_id, kind, record_id, involvement, day) {}",
        involvements(kind, timeline, which)
    );
    for statement in [delete, insert] {
        let mut query = sqlx::query(&statement);
        if let Some(ids) = &ids {
            query = query.bind(ids.as_str());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Records whose timeline rows are rewritten to a statement, their numbers one JSON parameter.
const RECORDS_PER_STATEMENT: usize = 5_000;

/// Brings the timeline rows the changed `records` contribute up to date: those of an activity,
/// agreement or gift, and for a person those of every record that involves the organizations of
/// the people it names (an activity they took part in: they may have moved to another
/// organization). Organizations contribute none of their own; a deleted one's rows go with it.
/// Each record's rows are locked first, in the one order writers take them (step 4 of
/// [`crate::locks`]), so two transactions never both insert the same record's rows.
pub(crate) async fn refresh(conn: &mut AnyConnection, records: &[(RecordKind, i64)]) -> Result<()> {
    let mut by_source: Vec<((RecordKind, &Timeline), BTreeSet<i64>)> =
        sources().map(|source| (source, BTreeSet::new())).collect();
    for &(entity, id) in records {
        for ((kind, timeline), kept) in &mut by_source {
            if *kind == entity {
                kept.insert(id);
            }
            if entity != PERSON {
                continue;
            }
            for involvement in timeline.involvements {
                if let Through::People {
                    table,
                    record,
                    person,
                } = involvement.through
                {
                    let named: Vec<i64> = sqlx::query_scalar(&format!(
                        "SELECT DISTINCT {record} FROM {table} WHERE {person} = $1"
                    ))
                    .bind(id)
                    .fetch_all(&mut *conn)
                    .await?;
                    kept.extend(named);
                }
            }
        }
    }
    let names = by_source
        .iter()
        .flat_map(|((kind, _), ids)| {
            ids.iter()
                .map(move |id| locks::key(&format!("{kind}:{id}")))
        })
        .collect();
    locks::hold(conn, Lock::Timeline, names).await?;
    let which = sql::in_json_list(Backend::of(conn), "BIGINT");
    for (source, ids) in by_source {
        let ids: Vec<i64> = ids.into_iter().collect();
        for chunk in ids.chunks(RECORDS_PER_STATEMENT) {
            rewrite(conn, source, &which, Some(sql::json_list(chunk))).await?;
        }
    }
    Ok(())
}

/// Works every organization's timeline out afresh from the records.
pub(crate) async fn rebuild(conn: &mut AnyConnection) -> Result<()> {
    locks::rebuild(conn, true).await?;
    for source in sources() {
        rewrite(conn, source, "IS NOT NULL", None).await?;
    }
    Ok(())
}

/// Newest first, records without a date last: the order of `organization_timeline_newest`.
const NEWEST_FIRST: &str = "t.day DESC NULLS LAST, t.kind, t.record_id DESC";

/// The timeline of organization `$1` in one row: how many entries it has in all (`entries`)
/// and its `limit` newest (all without one) with their records' titles and details, as one
/// JSON array (`rows`; see `Backend::json_rows_sql`).
fn entries_sql(backend: Backend, limit: Option<i64>) -> String {
    let limit = limit
        .map(|n| format!("LIMIT {}", n.max(1)))
        .unwrap_or_default();
    // Each kind on the timelines joined as `s0`, `s1`…, and each of an entry's texts taken from
    // its own kind's row.
    let column = |of: fn(&Timeline) -> &'static str| {
        let cases: String = sources()
            .enumerate()
            .map(|(n, (kind, timeline))| format!(" WHEN '{kind}' THEN s{n}.{}", of(timeline)))
            .collect();
        format!("CASE t.kind{cases} END")
    };
    let joins: String = sources()
        .enumerate()
        .map(|(n, (kind, _))| {
            format!(
                " LEFT JOIN {} s{n} ON t.kind = '{kind}' AND s{n}.id = t.record_id",
                kind.table
            )
        })
        .collect();
    let (title_zh, title_en, detail) = (
        column(|t| t.title.0),
        column(|t| t.title.1),
        column(|t| t.detail),
    );
    let rows = backend.json_rows_sql(
        &[
            ("kind", "t.kind"),
            ("id", "t.record_id"),
            ("day", "t.day"),
            ("involvement", "t.involvement"),
            ("title_zh", &title_zh),
            ("title_en", &title_en),
            ("detail", &detail),
        ],
        &format!(
            "FROM (SELECT * FROM organization_timeline t WHERE t.organization_id = $1 \
                   ORDER BY {NEWEST_FIRST} {limit}) t{joins}"
        ),
        NEWEST_FIRST,
    );
    format!(
        "SELECT (SELECT COUNT(*) FROM organization_timeline WHERE organization_id = $1) \
         AS entries, {rows} AS rows"
    )
}

/// One entry of a timeline read as JSON.
#[derive(Deserialize)]
struct EntryJson {
    kind: RecordKind,
    id: i64,
    day: Option<NaiveDate>,
    involvement: String,
    title_zh: Option<String>,
    title_en: Option<String>,
    detail: String,
}

impl EntryJson {
    fn entry(self) -> TimelineEntry {
        TimelineEntry {
            date: self.day,
            kind: self.kind,
            id: self.id,
            title: if self.title_zh == self.title_en {
                self.title_zh.unwrap_or_default()
            } else {
                display_name(&self.title_zh, &self.title_en)
            },
            involvement: self.involvement,
            detail: self.detail,
        }
    }
}

impl Store {
    /// Everything that involved an organization, newest first; records without a date last.
    pub async fn organization_timeline(&self, id: i64) -> Result<Vec<TimelineEntry>> {
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM organizations WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.read)
            .await?;
        if exists.is_none() {
            return Err(DomainError::not_found("organization", id).into());
        }
        Ok(self.timeline_entries(id, None).await?.0)
    }

    /// The newest `limit` entries of the timeline of an organization just read, and how many it
    /// has in all; an organization not on record has none.
    pub async fn organization_timeline_recent(
        &self,
        id: i64,
        limit: i64,
    ) -> Result<(Vec<TimelineEntry>, i64)> {
        self.timeline_entries(id, Some(limit)).await
    }

    async fn timeline_entries(
        &self,
        id: i64,
        limit: Option<i64>,
    ) -> Result<(Vec<TimelineEntry>, i64)> {
        let row = sqlx::query(&entries_sql(self.backend, limit))
            .bind(id)
            .fetch_one(&self.read)
            .await?;
        let entries = row.json::<Vec<EntryJson>>("rows")?;
        Ok((
            entries.into_iter().map(EntryJson::entry).collect(),
            row.int("entries")?,
        ))
    }
}
