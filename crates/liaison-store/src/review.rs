//! The annual review's counts: a few GROUP BY queries over the activities of two years.
//!
//! Every query starts from the activities whose start date lies in the chosen year or the year
//! before (`$1` ≤ start_date < `$2`), read through the `activities_review` index, so the work
//! grows with the two years' activities, not with everything on record. Counting still reads
//! every participation of the two years (about 50,000 at 100,000 activities), so each year's review
//! is kept, made once, until the records change.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use liaison_core::accounts::authorize;
use liaison_core::review::{
    self, DelegationTally, DurationTally, NamedTally, ReviewTallies, Tally,
};
use liaison_core::{ACTIVITY, Action, Actor, AnnualReview};
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

/// What the records looked like when a review was counted: the number of audit entries, which
/// every change adds to in its own transaction and nothing removes, and the newest activity's
/// number, for activities loaded in bulk by `bench-data` without audit entries. Any committed
/// change moves it, in whichever process it was made, whatever order transactions commit in.
type RecordsVersion = (i64, i64);

/// The most years kept; a review of another year then starts the cache afresh.
const CACHED_YEARS: usize = 32;

/// The reviews already made, by year, with the version of the records they count.
#[derive(Debug, Default)]
pub(crate) struct ReviewCache {
    kept: Mutex<HashMap<i32, (RecordsVersion, Arc<AnnualReview>)>>,
    /// Held while counting: requests that find nothing kept wait for the one counting, instead
    /// of all counting the same year at once.
    counting: tokio::sync::Mutex<()>,
}

impl ReviewCache {
    fn get(&self, year: i32, version: RecordsVersion) -> Option<Arc<AnnualReview>> {
        let cached = self.kept.lock().ok()?;
        match cached.get(&year) {
            Some((seen, review)) if *seen == version => Some(Arc::clone(review)),
            _ => None,
        }
    }

    fn put(&self, year: i32, version: RecordsVersion, review: Arc<AnnualReview>) {
        // A poisoned lock only means another request failed while holding it; the review is
        // then counted afresh each time instead of cached.
        if let Ok(mut cached) = self.kept.lock() {
            if cached.len() >= CACHED_YEARS && !cached.contains_key(&year) {
                cached.clear();
            }
            cached.insert(year, (version, review));
        }
    }
}

impl Store {
    /// The annual review of `year` beside the year before, under the store's policy; the same
    /// review is shared by every request until the records change.
    pub async fn annual_review(&self, actor: &Actor, year: i32) -> Result<Arc<AnnualReview>> {
        authorize(actor, Action::Read, ACTIVITY, None)?;
        review::check_year(year)?;
        // The version is read before counting: a change committed while counting moves it
        // again, so the counts are never kept past it.
        let version = self.records_version().await?;
        if let Some(review) = self.review_cache.get(year, version) {
            return Ok(review);
        }
        let _counting = self.review_cache.counting.lock().await;
        if let Some(review) = self.review_cache.get(year, version) {
            return Ok(review);
        }
        let tallies = self.review_tallies(year).await?;
        let review = Arc::new(AnnualReview::from_tallies(year, &self.policy, &tallies));
        self.review_cache.put(year, version, Arc::clone(&review));
        Ok(review)
    }

    async fn records_version(&self) -> Result<RecordsVersion> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM audit_log) AS entries, \
                    (SELECT COALESCE(MAX(id), 0) FROM activities) AS newest",
        )
        .fetch_one(&self.read)
        .await?;
        Ok((row.int("entries")?, row.int("newest")?))
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

        // Kinds and lengths in one pass over the `activities_review` index.
        let rows = fetch(
            format!(
                "SELECT yr, kind, days, COUNT(*) AS n \
                   FROM (SELECT {YEAR} AS yr, a.kind, {days} AS days \
                           FROM activities a WHERE {IN_YEARS}) t \
                  GROUP BY yr, kind, days",
                days = self.backend.activity_days_sql(),
            ),
            range.to_vec(),
        )
        .await?;
        let mut tallies = ReviewTallies::default();
        for row in &rows {
            tallies.kinds.push(tally(row, "kind")?);
            tallies.durations.push(DurationTally {
                year: year_of(row)?,
                days: row.int("days")?,
                count: row.int("n")?,
            });
        }

        // Only the activities that record outcomes, through their partial index.
        let rows = fetch(
            format!(
                "SELECT {YEAR} AS yr, COUNT(*) AS with_outcomes, \
                        CAST(SUM({outcomes}) AS BIGINT) AS outcomes \
                   FROM activities a WHERE {IN_YEARS} AND a.outcomes <> '[]' \
                  GROUP BY {YEAR}",
                outcomes = self.backend.outcome_count_sql(),
            ),
            range.to_vec(),
        )
        .await?;
        for row in &rows {
            for figure in ["with_outcomes", "outcomes"] {
                tallies.outcomes.push(Tally {
                    year: year_of(row)?,
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

        // Countries, region classes and partners from one reading of who was involved. An
        // activity with two partners of one country counts once for it.
        let rows = fetch(
            format!(
                "{INVOLVED}, placed AS ( \
                     SELECT DISTINCT i.yr, i.activity_id, o.country, o.region \
                       FROM involved i JOIN organizations o ON o.id = i.organization_id) \
                 SELECT yr, 'country' AS figure, country AS place, \
                        CAST(NULL AS BIGINT) AS record_id, \
                        CAST(NULL AS TEXT) AS name_zh, CAST(NULL AS TEXT) AS name_en, \
                        COUNT(*) AS n \
                   FROM placed GROUP BY yr, country \
                 UNION ALL \
                 SELECT yr, 'region', region, NULL, NULL, NULL, COUNT(DISTINCT activity_id) \
                   FROM placed GROUP BY yr, region \
                 UNION ALL \
                 SELECT p.yr, 'partner', NULL, o.id, o.name_zh, o.name_en, p.n \
                   FROM (SELECT substr(a.start_date, 1, 4) AS yr, ap.organization_id, \
                                COUNT(*) AS n \
                           FROM activities a \
                           JOIN activity_partners ap ON ap.activity_id = a.id \
                          WHERE {IN_YEARS} \
                          GROUP BY substr(a.start_date, 1, 4), ap.organization_id) p \
                   JOIN organizations o ON o.id = p.organization_id"
            ),
            range.to_vec(),
        )
        .await?;
        for row in &rows {
            match row.text("figure")?.as_str() {
                "country" => tallies.countries.push(tally(row, "place")?),
                "region" => tallies.regions.push(tally(row, "place")?),
                _ => tallies.partners.push(named_tally(row)?),
            }
        }

        // The bodies that invited or ran activities, counted apart from the partners: an
        // activity both invited and run by one body counts once for it.
        let rows = fetch(
            format!(
                "SELECT t.yr, o.id AS record_id, o.name_zh, o.name_en, COUNT(*) AS n \
                   FROM (SELECT {YEAR} AS yr, a.id, a.inviting_organization_id AS org \
                           FROM activities a \
                          WHERE {IN_YEARS} AND a.inviting_organization_id IS NOT NULL \
                         UNION \
                         SELECT {YEAR}, a.id, a.organizer_id \
                           FROM activities a WHERE {IN_YEARS} AND a.organizer_id IS NOT NULL) t \
                   JOIN organizations o ON o.id = t.org \
                  GROUP BY t.yr, o.id, o.name_zh, o.name_en"
            ),
            range.to_vec(),
        )
        .await?;
        tallies.inviting = rows.iter().map(named_tally).collect::<Result<_>>()?;

        // Visits, trips and courses with the people of their delegations: the size recorded,
        // or the members named in a delegation's roles, whichever is more. Hosts and other
        // roles are not members.
        let rows = fetch(
            format!(
                "SELECT yr, kind, people, COUNT(*) AS n FROM ( \
                   SELECT {YEAR} AS yr, a.kind, \
                          CASE WHEN COALESCE(a.delegation_size, 0) > COALESCE(m.named, 0) \
                               THEN COALESCE(a.delegation_size, 0) \
                               ELSE COALESCE(m.named, 0) END AS people \
                     FROM activities a \
                     LEFT JOIN (SELECT pa.activity_id, COUNT(*) AS named \
                                  FROM participations pa \
                                 WHERE pa.role IN ('leader', 'deputy_leader', 'delegation_member') \
                                 GROUP BY pa.activity_id) m ON m.activity_id = a.id \
                    WHERE {IN_YEARS} \
                      AND a.kind IN ('inbound_visit', 'outbound_trip', 'training_course')) t \
                  GROUP BY yr, kind, people"
            ),
            range.to_vec(),
        )
        .await?;
        for row in &rows {
            tallies.delegations.push(DelegationTally {
                year: year_of(row)?,
                kind: crate::sql::parse_enum(&row.text("kind")?)?,
                people: row.int("people")?,
                count: row.int("n")?,
            });
        }

        // Agreements signed, in force or ending in either year, with their partners; the
        // review decides which year each counts in.
        let partners = self.backend.json_rows_sql(
            &[("name_zh", "o.name_zh"), ("name_en", "o.name_en")],
            "FROM agreement_partners ap JOIN organizations o ON o.id = ap.organization_id \
             WHERE ap.agreement_id = g.id",
            "ap.position",
        );
        let rows = fetch(
            format!(
                "SELECT g.id, g.title_zh, g.title_en, g.status, g.signed_on, g.valid_from, \
                        g.valid_to, {partners} AS partners \
                   FROM agreements g \
                  WHERE g.status IN ('signed', 'in_force', 'expired') \
                    AND COALESCE(g.valid_from, g.signed_on, '0000') < $2 \
                    AND (g.valid_to IS NULL OR g.valid_to >= $1 OR g.signed_on >= $1) \
                  ORDER BY g.signed_on, g.id"
            ),
            range.to_vec(),
        )
        .await?;
        #[derive(serde::Deserialize)]
        struct PartnerName {
            name_zh: Option<String>,
            name_en: Option<String>,
        }
        for row in &rows {
            let partners: Vec<PartnerName> = row.json("partners")?;
            tallies
                .agreements
                .push(liaison_core::review::ReviewAgreement {
                    id: row.int("id")?,
                    title_zh: row.opt_text("title_zh")?,
                    title_en: row.opt_text("title_en")?,
                    status: crate::sql::parse_enum(&row.text("status")?)?,
                    signed_on: row.opt_date("signed_on")?,
                    valid_from: row.opt_date("valid_from")?,
                    valid_to: row.opt_date("valid_to")?,
                    partners: partners
                        .into_iter()
                        .map(|p| (p.name_zh, p.name_en))
                        .collect(),
                });
        }

        let rows = fetch(
            format!(
                "SELECT t.yr, u.id AS record_id, u.name_zh, u.name_en, t.n \
                   FROM (SELECT {YEAR} AS yr, a.host_unit_id, COUNT(*) AS n \
                           FROM activities a WHERE {IN_YEARS} \
                          GROUP BY {YEAR}, a.host_unit_id) t \
                   LEFT JOIN units u ON u.id = t.host_unit_id"
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
