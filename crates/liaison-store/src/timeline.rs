//! An organization's relationship timeline, computed from the records each time it is asked for.

use liaison_core::{Error as DomainError, TimelineEntry, TimelineKind, display_name};
use sqlx::any::AnyRow;

use crate::sql::RowExt;
use crate::{Result, Store};

/// Every way an organization can be involved in a record, one `SELECT` each, as
/// (kind, id, date, title_zh, title_en, involvement, detail) rows for organization `$1`.
const INVOLVEMENTS: &str = "
    SELECT 'activity' AS kind, a.id, a.start_date AS day, a.title_zh, a.title_en,
           'inviting_organization' AS involvement, a.kind AS detail
      FROM activities a WHERE a.inviting_organization_id = $1
    UNION ALL
    SELECT 'activity', a.id, a.start_date, a.title_zh, a.title_en, 'partner', a.kind
      FROM activities a JOIN activity_partners ap ON ap.activity_id = a.id
     WHERE ap.organization_id = $1
    UNION ALL
    SELECT DISTINCT 'activity', a.id, a.start_date, a.title_zh, a.title_en, 'participant', a.kind
      FROM activities a JOIN participations pa ON pa.activity_id = a.id
      JOIN people p ON p.id = pa.person_id
     WHERE p.organization_id = $1
       AND a.inviting_organization_id IS DISTINCT FROM $1
       AND NOT EXISTS (SELECT 1 FROM activity_partners x
                        WHERE x.activity_id = a.id AND x.organization_id = $1)
    UNION ALL
    SELECT 'agreement', g.id, COALESCE(g.signed_on, g.valid_from), g.title_zh, g.title_en,
           'agreement_partner', g.kind
      FROM agreements g JOIN agreement_partners ap ON ap.agreement_id = g.id
     WHERE ap.organization_id = $1
    UNION ALL
    SELECT 'gift', g.id, g.exchanged_on, g.item, g.item, 'gift_giver', g.direction
      FROM gifts g WHERE g.giver_organization_id = $1
    UNION ALL
    SELECT 'gift', g.id, g.exchanged_on, g.item, g.item, 'gift_receiver', g.direction
      FROM gifts g WHERE g.receiver_organization_id = $1";

/// Newest first; records without a date last.
const NEWEST_FIRST: &str =
    "ORDER BY CASE WHEN day IS NULL THEN 1 ELSE 0 END, day DESC, kind, id DESC";

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
        let sql = format!("SELECT * FROM ({INVOLVEMENTS}) t {NEWEST_FIRST}");
        let rows = sqlx::query(&sql).bind(id).fetch_all(&self.read).await?;
        rows.iter().map(entry).collect()
    }

    /// The newest `limit` entries of the timeline of an organization just read, and how many it
    /// has in all; an organization not on record has none.
    pub async fn organization_timeline_recent(
        &self,
        id: i64,
        limit: i64,
    ) -> Result<(Vec<TimelineEntry>, i64)> {
        let sql = format!(
            "SELECT COUNT(*) OVER () AS entries, t.* FROM ({INVOLVEMENTS}) t {NEWEST_FIRST} LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(id)
            .bind(limit.max(1))
            .fetch_all(&self.read)
            .await?;
        let total = match rows.first() {
            Some(row) => row.int("entries")?,
            None => 0,
        };
        Ok((rows.iter().map(entry).collect::<Result<_>>()?, total))
    }
}

fn entry(r: &AnyRow) -> Result<TimelineEntry> {
    let kind = match r.text("kind")?.as_str() {
        "activity" => TimelineKind::Activity,
        "agreement" => TimelineKind::Agreement,
        _ => TimelineKind::Gift,
    };
    let zh = r.opt_text("title_zh")?;
    let en = r.opt_text("title_en")?;
    Ok(TimelineEntry {
        date: r.opt_date("day")?,
        kind,
        id: r.int("id")?,
        title: if zh == en {
            zh.unwrap_or_default()
        } else {
            display_name(&zh, &en)
        },
        involvement: r.text("involvement")?,
        detail: r.text("detail")?,
    })
}
