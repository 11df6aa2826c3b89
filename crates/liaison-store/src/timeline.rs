//! An organization's relationship timeline: every way it is involved in a record, kept as one
//! row each in `organization_timeline` in the transaction of each change, and read from there
//! newest first.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use liaison_core::{
    ACTIVITY, AGREEMENT, Error as DomainError, GIFT, PERSON, RecordKind, TimelineEntry,
    display_name,
};
use serde::Deserialize;
use sqlx::AnyConnection;

use crate::locks::{self, Lock};
use crate::sql::{self, RowExt};
use crate::{Backend, Result, Store};

/// The kinds of record whose records involve organizations on their timelines: those
/// declared so (`Kind::timeline`).
fn sources() -> impl Iterator<Item = RecordKind> {
    liaison_core::KINDS.iter().copied().filter(|k| k.timeline)
}

/// The involvements of the records of `kind` whose id meets `which` (a condition such as
/// `= $1`), as (organization_id, kind, record_id, involvement, day) rows: how an activity, an
/// agreement or a gift names organizations. An activity involves its inviting organization, its
/// organizer (the body that ran it), its partners and, apart from those, the organizations of
/// its participants.
fn involvements(kind: RecordKind, which: &str) -> Result<String> {
    let sql = if kind == ACTIVITY {
        format!(
            "SELECT a.inviting_organization_id, 'activity', a.id, 'inviting_organization', \
                        a.start_date
                   FROM activities a
                  WHERE a.id {which} AND a.inviting_organization_id IS NOT NULL
                 UNION ALL
                 SELECT a.organizer_id, 'activity', a.id, 'organizer', a.start_date
                   FROM activities a
                  WHERE a.id {which} AND a.organizer_id IS NOT NULL
                 UNION ALL
                 SELECT ap.organization_id, 'activity', a.id, 'partner', a.start_date
                   FROM activities a JOIN activity_partners ap ON ap.activity_id = a.id
                  WHERE a.id {which}
                 UNION ALL
                 SELECT DISTINCT p.organization_id, 'activity', a.id, 'participant', a.start_date
                   FROM activities a JOIN participations pa ON pa.activity_id = a.id
                   JOIN people p ON p.id = pa.person_id
                  WHERE a.id {which} AND p.organization_id IS NOT NULL
                    AND a.inviting_organization_id IS DISTINCT FROM p.organization_id
                    AND a.organizer_id IS DISTINCT FROM p.organization_id
                    AND NOT EXISTS (SELECT 1 FROM activity_partners x
                                     WHERE x.activity_id = a.id
                                       AND x.organization_id = p.organization_id)"
        )
    } else if kind == AGREEMENT {
        format!(
            "SELECT ap.organization_id, 'agreement', g.id, 'agreement_partner', \
                        COALESCE(g.signed_on, g.valid_from)
                   FROM agreements g JOIN agreement_partners ap ON ap.agreement_id = g.id
                  WHERE g.id {which}"
        )
    } else if kind == GIFT {
        format!(
            "SELECT g.giver_organization_id, 'gift', g.id, 'gift_giver', g.exchanged_on
                   FROM gifts g WHERE g.id {which} AND g.giver_organization_id IS NOT NULL
                 UNION ALL
                 SELECT g.receiver_organization_id, 'gift', g.id, 'gift_receiver', g.exchanged_on
                   FROM gifts g WHERE g.id {which} AND g.receiver_organization_id IS NOT NULL"
        )
    } else {
        return Err(crate::Error::Unsupported(format!(
            "{kind} records are declared on the timelines, but nothing says how they involve \
             organizations"
        )));
    };
    Ok(sql)
}

/// Works the timeline rows of the records whose id meets `which` out afresh; `ids` are bound to
/// its placeholders from `$1`.
async fn rewrite(
    conn: &mut AnyConnection,
    kind: RecordKind,
    which: &str,
    ids: Option<String>,
) -> Result<()> {
    let delete =
        format!("DELETE FROM organization_timeline WHERE kind = '{kind}' AND record_id {which}");
    let insert = format!(
        "INSERT INTO organization_timeline (organization_id, kind, record_id, involvement, day) {}",
        involvements(kind, which)?
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
/// agreement or gift, and for a person those of every activity they took part in (they may have
/// moved to another organization). Organizations contribute none of their own; a deleted one's
/// rows go with it. Each record's rows are locked first, in the one order writers take them
/// (step 4 of [`crate::locks`]), so two transactions never both insert the same record's rows.
pub(crate) async fn refresh(conn: &mut AnyConnection, records: &[(RecordKind, i64)]) -> Result<()> {
    let mut by_source: Vec<(RecordKind, BTreeSet<i64>)> =
        sources().map(|kind| (kind, BTreeSet::new())).collect();
    let mut add = |kind: RecordKind, ids: &[i64]| {
        if let Some((_, kept)) = by_source.iter_mut().find(|(k, _)| *k == kind) {
            kept.extend(ids);
        }
    };
    for &(entity, id) in records {
        if entity == PERSON {
            let activities: Vec<i64> = sqlx::query_scalar(
                "SELECT DISTINCT activity_id FROM participations WHERE person_id = $1",
            )
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
            add(ACTIVITY, &activities);
        } else {
            add(entity, &[id]);
        }
    }
    let names = by_source
        .iter()
        .flat_map(|(kind, ids)| {
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
    for kind in sources() {
        rewrite(conn, kind, "IS NOT NULL", None).await?;
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
    let rows = backend.json_rows_sql(
        &[
            ("kind", "t.kind"),
            ("id", "t.record_id"),
            ("day", "t.day"),
            ("involvement", "t.involvement"),
            (
                "title_zh",
                "CASE t.kind WHEN 'activity' THEN a.title_zh \
                 WHEN 'agreement' THEN g.title_zh ELSE f.item END",
            ),
            (
                "title_en",
                "CASE t.kind WHEN 'activity' THEN a.title_en \
                 WHEN 'agreement' THEN g.title_en ELSE f.item END",
            ),
            (
                "detail",
                "CASE t.kind WHEN 'activity' THEN a.kind \
                 WHEN 'agreement' THEN g.kind ELSE f.direction END",
            ),
        ],
        &format!(
            "FROM (SELECT * FROM organization_timeline t WHERE t.organization_id = $1 \
                   ORDER BY {NEWEST_FIRST} {limit}) t \
             LEFT JOIN activities a ON t.kind = 'activity' AND a.id = t.record_id \
             LEFT JOIN agreements g ON t.kind = 'agreement' AND g.id = t.record_id \
             LEFT JOIN gifts f ON t.kind = 'gift' AND f.id = t.record_id"
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
