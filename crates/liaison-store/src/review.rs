//! The annual review's counts: a few GROUP BY queries over the activities of two years.
//!
//! Every query starts from the activities whose start date lies in the chosen year or the year
//! before (`$1` ≤ start_date < `$2`), read through the `activities_start` index, so the work
//! grows with the two years' activities, not with everything on record.

use liaison_core::accounts::authorize;
use liaison_core::review::{self, DurationTally, NamedTally, ReviewTallies, Tally};
use liaison_core::{Action, Actor, AnnualReview, RecordKind};
use sqlx::any::AnyRow;

use crate::sql::{Param, RowExt, bind_params};
use crate::{Error, Result, Store};

/// The year an activity belongs to: the one it starts in.
const YEAR: &str = "substr(a.start_date, 1, 4)";
/// The activities of the two years.
const IN_YEARS: &str = "a.start_date >= $1 AND a.start_date < $2";

/// Each organization involved in each activity of the two years, once: its partners and its
/// inviting organization.
const INVOLVED: &str = "WITH involved AS (
    SELECT a.id AS activity_id, substr(a.start_date, 1, 4) AS yr, ap.organization_id
      FROM activities a JOIN activity_partners ap ON ap.activity_id = a.id
     WHERE a.start_date >= $1 AND a.start_date < $2
    UNION
    SELECT a.id, substr(a.start_date, 1, 4), a.inviting_organization_id
      FROM activities a
     WHERE a.start_date >= $1 AND a.start_date < $2 AND a.inviting_organization_id IS NOT NULL)";

fn year_of(row: &AnyRow) -> Result<i32> {
    let text = row.text("yr")?;
    text.parse()
        .map_err(|_| Error::Corrupt(format!("'{text}' does not start with a year")))
}

fn tally(row: &AnyRow, key: &str) -> Result<Tally> {
    Ok(Tally {
        year: year_of(row)?,
        key: row.opt_text(key)?.unwrap_or_default(),
        count: row.int("n")?,
    })
}

fn named_tally(row: &AnyRow) -> Result<NamedTally> {
    Ok(NamedTally {
        year: year_of(row)?,
        key: row
            .opt_int("record_id")?
            .map(|id| id.to_string())
            .unwrap_or_default(),
        name_zh: row.opt_text("name_zh")?,
        name_en: row.opt_text("name_en")?,
        count: row.int("n")?,
    })
}

impl Store {
    /// The annual review of `year` beside the year before, under the store's policy.
    pub async fn annual_review(&self, actor: &Actor, year: i32) -> Result<AnnualReview> {
        authorize(actor, Action::Read, RecordKind::Activity, None)?;
        review::check_year(year)?;
        let tallies = self.review_tallies(year).await?;
        Ok(AnnualReview::from_tallies(year, &self.policy, &tallies))
    }

    async fn review_tallies(&self, year: i32) -> Result<ReviewTallies> {
        let from = format!("{:04}-01-01", year - 1);
        let to = format!("{:04}-01-01", year + 1);
        let range = [Param::text(from), Param::text(to)];
        let fetch = |sql: String, params: Vec<Param>| async move {
            let query = sqlx::query(&sql);
            let rows = bind_params(query, &params).fetch_all(&self.read).await?;
            Ok::<_, Error>(rows)
        };

        // Kinds, lengths and outcomes in one pass over the two years' activities.
        let rows = fetch(
            format!(
                "SELECT yr, kind, days, COUNT(*) AS n, \
                        CAST(SUM(outcomes) AS BIGINT) AS outcomes, \
                        CAST(SUM(CASE WHEN outcomes > 0 THEN 1 ELSE 0 END) AS BIGINT) AS with_outcomes \
                   FROM (SELECT {YEAR} AS yr, a.kind, {days} AS days, {outcomes} AS outcomes \
                           FROM activities a WHERE {IN_YEARS}) t \
                  GROUP BY yr, kind, days",
                days = self.backend.activity_days_sql(),
                outcomes = self.backend.outcome_count_sql(),
            ),
            range.to_vec(),
        )
        .await?;
        let mut tallies = ReviewTallies::default();
        for row in &rows {
            let year = year_of(row)?;
            let count = row.int("n")?;
            tallies.kinds.push(tally(row, "kind")?);
            tallies.durations.push(DurationTally {
                year,
                days: row.int("days")?,
                count,
            });
            for figure in ["outcomes", "with_outcomes"] {
                tallies.outcomes.push(Tally {
                    year,
                    key: figure.to_owned(),
                    count: row.opt_int(figure)?.unwrap_or_default(),
                });
            }
        }

        let mut tag_params = range.to_vec();
        let mut placeholders = Vec::new();
        for tag in &self.policy.key_project_tags {
            tag_params.push(Param::text(tag.trim()));
            placeholders.push(format!("lower(${})", tag_params.len()));
        }
        if !placeholders.is_empty() {
            let rows = fetch(
                format!(
                    "SELECT {YEAR} AS yr, 'key_projects' AS figure, COUNT(*) AS n \
                       FROM activities a WHERE {IN_YEARS} AND EXISTS ( \
                            SELECT 1 FROM activity_tags t WHERE t.activity_id = a.id \
                               AND lower(t.tag) IN ({})) \
                      GROUP BY {YEAR}",
                    placeholders.join(", ")
                ),
                tag_params,
            )
            .await?;
            tallies.key_projects = rows
                .iter()
                .map(|r| tally(r, "figure"))
                .collect::<Result<_>>()?;
        }

        let rows = fetch(
            format!(
                "SELECT {YEAR} AS yr, a.kind, COUNT(*) AS n \
                   FROM activities a JOIN participations pa ON pa.activity_id = a.id \
                  WHERE {IN_YEARS} GROUP BY {YEAR}, a.kind"
            ),
            range.to_vec(),
        )
        .await?;
        tallies.participations = rows
            .iter()
            .map(|r| tally(r, "kind"))
            .collect::<Result<_>>()?;

        // A person who took part in several activities of a year counts once in it.
        let rows = fetch(
            format!(
                "SELECT x.yr, p.category, COUNT(*) AS n \
                   FROM (SELECT DISTINCT {YEAR} AS yr, pa.person_id \
                           FROM activities a JOIN participations pa ON pa.activity_id = a.id \
                          WHERE {IN_YEARS}) x \
                   JOIN people p ON p.id = x.person_id \
                  GROUP BY x.yr, p.category"
            ),
            range.to_vec(),
        )
        .await?;
        tallies.people = rows
            .iter()
            .map(|r| tally(r, "category"))
            .collect::<Result<_>>()?;

        for (column, target) in [
            ("country", &mut tallies.countries),
            ("region", &mut tallies.regions),
        ] {
            let rows = fetch(
                format!(
                    "{INVOLVED} SELECT i.yr, o.{column}, COUNT(DISTINCT i.activity_id) AS n \
                       FROM involved i JOIN organizations o ON o.id = i.organization_id \
                      GROUP BY i.yr, o.{column}"
                ),
                range.to_vec(),
            )
            .await?;
            *target = rows
                .iter()
                .map(|r| tally(r, column))
                .collect::<Result<_>>()?;
        }

        let rows = fetch(
            format!(
                "{INVOLVED} SELECT i.yr, o.id AS record_id, o.name_zh, o.name_en, COUNT(*) AS n \
                   FROM involved i JOIN organizations o ON o.id = i.organization_id \
                  GROUP BY i.yr, o.id, o.name_zh, o.name_en"
            ),
            range.to_vec(),
        )
        .await?;
        tallies.partners = rows.iter().map(named_tally).collect::<Result<_>>()?;

        let rows = fetch(
            format!(
                "SELECT {YEAR} AS yr, u.id AS record_id, u.name_zh, u.name_en, COUNT(*) AS n \
                   FROM activities a LEFT JOIN units u ON u.id = a.host_unit_id \
                  WHERE {IN_YEARS} GROUP BY {YEAR}, u.id, u.name_zh, u.name_en"
            ),
            range.to_vec(),
        )
        .await?;
        tallies.units = rows.iter().map(named_tally).collect::<Result<_>>()?;

        // A gift belongs to the year it was exchanged in, or its activity's when no day is
        // recorded. The gift register is small beside the activities, so it is read whole.
        let rows = fetch(
            "SELECT substr(x.day, 1, 4) AS yr, x.direction, COUNT(*) AS n, \
                    CAST(COALESCE(SUM(x.estimated_value_fen), 0) AS BIGINT) AS fen \
               FROM (SELECT COALESCE(g.exchanged_on, a.start_date) AS day, g.direction, \
                            g.estimated_value_fen \
                       FROM gifts g LEFT JOIN activities a ON a.id = g.activity_id) x \
              WHERE x.day >= $1 AND x.day < $2 \
              GROUP BY substr(x.day, 1, 4), x.direction"
                .to_owned(),
            range.to_vec(),
        )
        .await?;
        for row in &rows {
            let direction = row.text("direction")?;
            let year = year_of(row)?;
            tallies.gifts.push(Tally {
                year,
                key: direction.clone(),
                count: row.int("n")?,
            });
            tallies.gifts.push(Tally {
                year,
                key: format!("{direction}_value_fen"),
                count: row.int("fen")?,
            });
        }
        Ok(tallies)
    }
}
