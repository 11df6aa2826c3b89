//! The annual review: a year's international work beside the year before, in the figures behind
//! the leaders' "four balances" (quantity and quality, expansion and focus, short-term and
//! long-term, going global and bringing in).
//!
//! The store counts (`ReviewTallies`); the rules that turn counts into the review's tables live
//! here: what is inbound and outbound, short-term and long-term, a key project.

use std::cmp::Reverse;

use chrono::Datelike;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{ActivityKind, CountryCode, FieldErrors, Policy, RegionClass};

/// The review covers the years a date may hold (`limits`), so that every year it offers can
/// hold records.
pub const FIRST_YEAR: i32 = crate::limits::FIRST_YEAR;
pub const LAST_YEAR: i32 = crate::limits::LAST_YEAR;

/// The partners table lists the most active partners only; the count of all partners is in the
/// reach table.
pub const PARTNER_ROWS: usize = 20;

/// The year reviewed when none is chosen: the one before `today`'s, because the office reviews
/// each year in the January after it ends.
pub fn default_year(today: chrono::NaiveDate) -> i32 {
    chrono::Datelike::year(&today) - 1
}

/// Refuses a year the review cannot cover.
pub fn check_year(year: i32) -> Result<(), crate::Error> {
    let mut errors = FieldErrors::new();
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        errors.add(
            "year",
            "out_of_range",
            format!("the year must be between {FIRST_YEAR} and {LAST_YEAR}"),
        );
    }
    errors.into_result()
}

/// Whether an activity goes global, brings in, or neither (a conference, a lecture…).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Staff sent abroad: an outbound trip (走出去).
    GoingGlobal,
    /// Guests received: an inbound visit (引进来).
    BringingIn,
}

/// The direction of an activity of `kind`, when it has one. A training course counts as
/// bringing in when it is given to a delegation (`with_delegation`): foreign union cadres
/// brought to the university to learn.
pub fn direction(kind: ActivityKind, with_delegation: bool) -> Option<Direction> {
    match kind {
        ActivityKind::OutboundTrip => Some(Direction::GoingGlobal),
        ActivityKind::InboundVisit => Some(Direction::BringingIn),
        ActivityKind::TrainingCourse if with_delegation => Some(Direction::BringingIn),
        _ => None,
    }
}

/// The people of a delegation: its size where recorded, or the members named, whichever is
/// more (a 30-person delegation with three members named counts 30).
pub fn delegation_people(size: Option<i64>, named_members: i64) -> i64 {
    size.unwrap_or(0).max(named_members)
}

/// Short-term or long-term, by an activity's length against the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    ShortTerm,
    LongTerm,
}

impl Term {
    pub fn as_str(&self) -> &'static str {
        match self {
            Term::ShortTerm => "short_term",
            Term::LongTerm => "long_term",
        }
    }
}

/// The term of an activity lasting `days` calendar days, first and last day counted.
pub fn term(policy: &Policy, days: i64) -> Term {
    if days >= policy.long_term_days {
        Term::LongTerm
    } else {
        Term::ShortTerm
    }
}

/// Whether `tag` marks a key project under the policy.
pub fn is_key_project_tag(policy: &Policy, tag: &str) -> bool {
    let tag = tag.trim().to_lowercase();
    policy
        .key_project_tags
        .iter()
        .any(|k| k.trim().to_lowercase() == tag)
}

/// Whether an activity with these tags is a key project.
pub fn is_key_project(policy: &Policy, tags: &[String]) -> bool {
    tags.iter().any(|t| is_key_project_tag(policy, t))
}

/// The bands of the duration table, by calendar days; the last is open-ended.
pub const DURATION_BANDS: [(&str, i64); 5] = [
    ("one_day", 1),
    ("two_to_seven_days", 2),
    ("eight_to_thirty_days", 8),
    ("one_to_three_months", 31),
    ("three_months_or_more", 90),
];

/// The band of an activity lasting `days`.
pub fn duration_band(days: i64) -> &'static str {
    DURATION_BANDS
        .iter()
        .rev()
        .find(|(_, from)| days >= *from)
        .map_or(DURATION_BANDS[0].0, |(name, _)| name)
}

/// One count the store read: in which year, of what, how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub year: i32,
    /// What was counted: an activity kind, a country code, a record's number…
    pub key: String,
    pub count: i64,
}

/// A count of a record (a unit, a partner), with its names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedTally {
    pub year: i32,
    /// The record's number; empty for "none" (activities without a host unit).
    pub key: String,
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub count: i64,
}

/// Activities of one length, in one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationTally {
    pub year: i32,
    /// Calendar days, first and last day counted.
    pub days: i64,
    pub count: i64,
}

/// Visits, trips and courses of one year, kind and delegation: how many, and how many people
/// each delegation had ([`delegation_people`]; 0 for none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelegationTally {
    pub year: i32,
    pub kind: ActivityKind,
    pub people: i64,
    pub count: i64,
}

/// An agreement the review may count: signed, in force or expired, with its dates and the
/// names of its partners.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReviewAgreement {
    pub id: i64,
    pub title_zh: Option<String>,
    pub title_en: Option<String>,
    pub status: crate::AgreementStatus,
    pub signed_on: Option<chrono::NaiveDate>,
    pub valid_from: Option<chrono::NaiveDate>,
    pub valid_to: Option<chrono::NaiveDate>,
    /// The partners' names, Chinese and English.
    pub partners: Vec<(Option<String>, Option<String>)>,
}

impl ReviewAgreement {
    fn binding(&self) -> bool {
        use crate::AgreementStatus::*;
        matches!(self.status, Signed | InForce | Expired)
    }

    /// Signed in `year`.
    pub fn signed_in(&self, year: i32) -> bool {
        self.binding() && self.signed_on.is_some_and(|d| d.year() == year)
    }

    /// In force on some day of `year`: binding, and its validity (where known) meets the year.
    /// An expired agreement without an end date is not counted, since when it ended is unknown.
    pub fn in_force_in(&self, year: i32) -> bool {
        let started = self.valid_from.or(self.signed_on);
        self.binding()
            && (self.status != crate::AgreementStatus::Expired || self.valid_to.is_some())
            && started.is_none_or(|d| d.year() <= year)
            && self.valid_to.is_none_or(|d| d.year() >= year)
    }

    /// Its validity ends in `year`.
    pub fn expiring_in(&self, year: i32) -> bool {
        self.binding() && self.valid_to.is_some_and(|d| d.year() == year)
    }
}

/// What the store counts for the review, over the chosen year and the year before; every
/// activity belongs to the year it starts in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewTallies {
    /// Activities by kind.
    pub kinds: Vec<Tally>,
    /// Participations (person-times) by activity kind.
    pub participations: Vec<Tally>,
    /// Different people who took part, by category (`internal`, `external`).
    pub people: Vec<Tally>,
    /// Activities involving a partner or inviting organization of each country.
    pub countries: Vec<Tally>,
    /// Activities involving a partner or inviting organization of each region class.
    pub regions: Vec<Tally>,
    /// Activities by host unit.
    pub units: Vec<NamedTally>,
    /// Activities by partner.
    pub partners: Vec<NamedTally>,
    /// Activities by the body that invited or ran them (the national federation…), counted
    /// apart from the partners.
    pub inviting: Vec<NamedTally>,
    /// Visits, trips and courses with the people of their delegations.
    pub delegations: Vec<DelegationTally>,
    /// Agreements signed, in force or expiring in either year.
    pub agreements: Vec<ReviewAgreement>,
    pub durations: Vec<DurationTally>,
    /// Activities tagged as key projects (key `key_projects`).
    pub key_projects: Vec<Tally>,
    /// Activities with at least one outcome (`with_outcomes`) and outcomes recorded (`outcomes`).
    pub outcomes: Vec<Tally>,
    /// Gifts by direction (`received`, `given`) and their estimated values in fen
    /// (`received_value_fen`, `given_value_fen`), in the year they were exchanged (the
    /// activity's start when no day is recorded).
    pub gifts: Vec<Tally>,
}

/// One line of a review table: a figure this year, the year before, and the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReviewRow {
    /// What the line counts: an activity kind, a country code, a unit's or an organization's
    /// number, or the name of a figure such as `short_term`.
    pub key: String,
    /// The record's names, for units and partners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_zh: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub this_year: i64,
    pub last_year: i64,
    /// This year minus last year.
    pub change: i64,
}

impl ReviewRow {
    pub fn new(key: impl Into<String>, this_year: i64, last_year: i64) -> ReviewRow {
        ReviewRow {
            key: key.into(),
            name_zh: None,
            name_en: None,
            this_year,
            last_year,
            change: this_year.saturating_sub(last_year),
        }
    }
}

/// A ratio this year and the year before; absent when there was nothing to divide by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReviewRatio {
    pub key: String,
    pub this_year: Option<f64>,
    pub last_year: Option<f64>,
    pub change: Option<f64>,
}

impl ReviewRatio {
    fn new(key: &str, this_year: Option<f64>, last_year: Option<f64>) -> ReviewRatio {
        ReviewRatio {
            key: key.to_owned(),
            this_year,
            last_year,
            change: this_year.zip(last_year).map(|(a, b)| a - b),
        }
    }
}

/// `part` over `whole`, times `scale`, rounded to two decimals; `None` for an empty whole.
fn ratio(part: i64, whole: i64, scale: f64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * scale / whole as f64 * 100.0).round() / 100.0)
}

/// The annual review of `year` beside `previous_year`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AnnualReview {
    pub year: i32,
    pub previous_year: i32,
    /// The policy in force: activities this long or longer are long-term.
    pub long_term_days: i64,
    /// The policy in force: the tags that mark a key project.
    pub key_project_tags: Vec<String>,
    /// All activities (key `activities`).
    pub total: ReviewRow,
    /// Activities of every kind, in the order of the kinds.
    pub kinds: Vec<ReviewRow>,
    /// Going global and bringing in: outbound trips, and inbound visits with training courses
    /// given to delegations (`going_global`, `bringing_in`, of which `bringing_in_courses`),
    /// and the people of their delegations, ours going and theirs coming
    /// (`going_global_people`, `bringing_in_people`).
    pub directions: Vec<ReviewRow>,
    /// Activities involving each region class outside the mainland (`foreign`, `hong_kong`,
    /// `macao`, `taiwan`); an activity with partners of two classes counts in both.
    pub regions: Vec<ReviewRow>,
    /// Activities involving each country or region outside the mainland, the most this year
    /// first.
    pub countries: Vec<ReviewRow>,
    /// Activities by host unit, the most this year first; key empty for none recorded.
    pub units: Vec<ReviewRow>,
    /// The most active partners (at most [`PARTNER_ROWS`]), the most this year first; the
    /// bodies that invited or ran activities are not among them.
    pub partners: Vec<ReviewRow>,
    /// The bodies that invited or ran activities (at most [`PARTNER_ROWS`]), counted apart.
    pub inviting: Vec<ReviewRow>,
    /// Agreements signed, in force and expiring (`signed`, `in_force`, `expiring`).
    pub agreements: Vec<ReviewRow>,
    /// The agreements signed, in force or expiring in the year, with their partners.
    pub agreement_list: Vec<ReviewAgreement>,
    /// How far the work reached: the number of countries and of partners (`countries`,
    /// `partners`).
    pub reach: Vec<ReviewRow>,
    /// Short-term and long-term activities (`short_term`, `long_term`) by the policy's line.
    pub terms: Vec<ReviewRow>,
    /// Activities by length, in the bands of [`DURATION_BANDS`].
    pub durations: Vec<ReviewRow>,
    /// Key projects and the rest (`key_projects`, `other_projects`).
    pub key_projects: Vec<ReviewRow>,
    /// Key projects as a percentage of all activities.
    pub key_project_share: ReviewRatio,
    /// Activities with outcomes and outcomes recorded (`with_outcomes`, `outcomes`).
    pub outcomes: Vec<ReviewRow>,
    /// Outcomes recorded per activity.
    pub outcomes_per_exchange: ReviewRatio,
    /// Participations (person-times), different people, internal and external people
    /// (`participations`, `people`, `internal`, `external`).
    pub participants: Vec<ReviewRow>,
    /// Gifts received and given, and their estimated values in fen (`received`,
    /// `received_value_fen`, `given`, `given_value_fen`).
    pub gifts: Vec<ReviewRow>,
}

/// Counts by key for one table: this year's and last year's.
#[derive(Default)]
struct Pairs {
    counts: BTreeMap<String, (i64, i64)>,
    names: BTreeMap<String, (Option<String>, Option<String>)>,
}

impl Pairs {
    fn add(&mut self, year: i32, this: i32, key: &str, count: i64) {
        let entry = self.counts.entry(key.to_owned()).or_default();
        // Sums saturate rather than overflow: amounts of money are bounded where they are
        // entered, but a review must answer whatever the database holds.
        if year == this {
            entry.0 = entry.0.saturating_add(count);
        } else {
            entry.1 = entry.1.saturating_add(count);
        }
    }

    fn of(tallies: &[Tally], this: i32) -> Pairs {
        let mut pairs = Pairs::default();
        for t in tallies {
            pairs.add(t.year, this, &t.key, t.count);
        }
        pairs
    }

    fn named(tallies: &[NamedTally], this: i32) -> Pairs {
        let mut pairs = Pairs::default();
        for t in tallies {
            pairs.add(t.year, this, &t.key, t.count);
            pairs
                .names
                .insert(t.key.clone(), (t.name_zh.clone(), t.name_en.clone()));
        }
        pairs
    }

    fn get(&self, key: &str) -> (i64, i64) {
        self.counts.get(key).copied().unwrap_or_default()
    }

    fn row(&self, key: &str) -> ReviewRow {
        let (this, last) = self.get(key);
        ReviewRow::new(key, this, last)
    }

    /// Rows for the given keys, in that order, zeros included.
    fn rows(&self, keys: &[&str]) -> Vec<ReviewRow> {
        keys.iter().map(|k| self.row(k)).collect()
    }

    /// Every key counted, with names, the most this year first (then last year, then key).
    fn ranked(&self) -> Vec<ReviewRow> {
        let mut rows: Vec<ReviewRow> = self
            .counts
            .iter()
            .map(|(key, (this, last))| {
                let (name_zh, name_en) = self.names.get(key).cloned().unwrap_or_default();
                ReviewRow {
                    name_zh,
                    name_en,
                    ..ReviewRow::new(key.as_str(), *this, *last)
                }
            })
            .collect();
        rows.sort_by_key(|r| (Reverse(r.this_year), Reverse(r.last_year)));
        rows
    }

    /// How many keys were counted in each year.
    fn distinct(&self) -> (i64, i64) {
        let this = self.counts.values().filter(|(t, _)| *t > 0).count();
        let last = self.counts.values().filter(|(_, l)| *l > 0).count();
        (this as i64, last as i64)
    }
}

/// Whether a stored country code lies outside the mainland, where exchange partners are.
fn outside_mainland(code: &str) -> bool {
    CountryCode::parse(code).is_ok_and(|c| c.region() != RegionClass::Mainland)
}

impl AnnualReview {
    /// The review of `year` from the store's counts, under `policy`.
    pub fn from_tallies(year: i32, policy: &Policy, tallies: &ReviewTallies) -> AnnualReview {
        let kinds = Pairs::of(&tallies.kinds, year);
        let kind_keys: Vec<&str> = ActivityKind::ALL.iter().map(|k| k.as_str()).collect();
        let kind_rows = kinds.rows(&kind_keys);
        let total = ReviewRow::new(
            "activities",
            kind_rows.iter().map(|r| r.this_year).sum(),
            kind_rows.iter().map(|r| r.last_year).sum(),
        );

        let people_by_kind = Pairs::of(&tallies.participations, year);
        let mut directions = Pairs::default();
        for d in &tallies.delegations {
            let name = match direction(d.kind, d.people > 0) {
                Some(Direction::GoingGlobal) => "going_global",
                Some(Direction::BringingIn) => "bringing_in",
                None => continue,
            };
            directions.add(d.year, year, name, d.count);
            directions.add(
                d.year,
                year,
                &format!("{name}_people"),
                d.people.saturating_mul(d.count),
            );
            if d.kind == ActivityKind::TrainingCourse {
                directions.add(d.year, year, "bringing_in_courses", d.count);
            }
        }

        let abroad: Vec<Tally> = tallies
            .countries
            .iter()
            .filter(|t| outside_mainland(&t.key))
            .cloned()
            .collect();
        let countries = Pairs::of(&abroad, year);
        let regions = Pairs::of(&tallies.regions, year);
        let partners = Pairs::named(&tallies.partners, year);
        let (countries_this, countries_last) = countries.distinct();
        let (partners_this, partners_last) = partners.distinct();
        let mut partner_rows = partners.ranked();
        partner_rows.truncate(PARTNER_ROWS);
        let mut inviting = Pairs::named(&tallies.inviting, year).ranked();
        inviting.truncate(PARTNER_ROWS);
        let mut agreements = Pairs::default();
        for a in &tallies.agreements {
            for y in [year, year - 1] {
                for (name, counted) in [
                    ("signed", a.signed_in(y)),
                    ("in_force", a.in_force_in(y)),
                    ("expiring", a.expiring_in(y)),
                ] {
                    if counted {
                        agreements.add(y, year, name, 1);
                    }
                }
            }
        }
        let agreement_list: Vec<ReviewAgreement> = tallies
            .agreements
            .iter()
            .filter(|a| a.signed_in(year) || a.in_force_in(year) || a.expiring_in(year))
            .cloned()
            .collect();

        let mut terms = Pairs::default();
        let mut bands = Pairs::default();
        for d in &tallies.durations {
            terms.add(d.year, year, term(policy, d.days).as_str(), d.count);
            bands.add(d.year, year, duration_band(d.days), d.count);
        }
        let band_keys: Vec<&str> = DURATION_BANDS.iter().map(|(name, _)| *name).collect();

        let key = Pairs::of(&tallies.key_projects, year).row("key_projects");
        let key_projects = vec![
            key.clone(),
            ReviewRow::new(
                "other_projects",
                total.this_year - key.this_year,
                total.last_year - key.last_year,
            ),
        ];
        let key_project_share = ReviewRatio::new(
            "key_project_share",
            ratio(key.this_year, total.this_year, 100.0),
            ratio(key.last_year, total.last_year, 100.0),
        );

        let outcomes = Pairs::of(&tallies.outcomes, year);
        let recorded = outcomes.row("outcomes");
        let outcomes_per_exchange = ReviewRatio::new(
            "outcomes_per_exchange",
            ratio(recorded.this_year, total.this_year, 1.0),
            ratio(recorded.last_year, total.last_year, 1.0),
        );

        let people = Pairs::of(&tallies.people, year);
        let internal = people.row("internal");
        let external = people.row("external");
        let participations = ReviewRow::new(
            "participations",
            people_by_kind.counts.values().map(|(t, _)| t).sum(),
            people_by_kind.counts.values().map(|(_, l)| l).sum(),
        );

        AnnualReview {
            year,
            previous_year: year - 1,
            long_term_days: policy.long_term_days,
            key_project_tags: policy.key_project_tags.clone(),
            total,
            kinds: kind_rows,
            directions: directions.rows(&[
                "going_global",
                "bringing_in",
                "bringing_in_courses",
                "going_global_people",
                "bringing_in_people",
            ]),
            regions: regions.rows(&["foreign", "hong_kong", "macao", "taiwan"]),
            countries: countries.ranked(),
            units: Pairs::named(&tallies.units, year).ranked(),
            partners: partner_rows,
            inviting,
            agreements: agreements.rows(&["signed", "in_force", "expiring"]),
            agreement_list,
            reach: vec![
                ReviewRow::new("countries", countries_this, countries_last),
                ReviewRow::new("partners", partners_this, partners_last),
            ],
            terms: terms.rows(&["short_term", "long_term"]),
            durations: bands.rows(&band_keys),
            key_projects,
            key_project_share,
            outcomes: outcomes.rows(&["with_outcomes", "outcomes"]),
            outcomes_per_exchange,
            participants: vec![
                participations,
                ReviewRow::new(
                    "people",
                    internal.this_year + external.this_year,
                    internal.last_year + external.last_year,
                ),
                internal,
                external,
            ],
            gifts: Pairs::of(&tallies.gifts, year).rows(&[
                "received",
                "received_value_fen",
                "given",
                "given_value_fen",
            ]),
        }
    }

    /// Whether nothing is recorded for the chosen year.
    pub fn is_empty(&self) -> bool {
        self.total.this_year == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(year: i32, key: &str, count: i64) -> Tally {
        Tally {
            year,
            key: key.to_owned(),
            count,
        }
    }

    #[test]
    fn the_long_term_line_is_the_policy_s_number_of_days() {
        let policy = Policy::default();
        assert_eq!(term(&policy, 1), Term::ShortTerm);
        assert_eq!(term(&policy, 89), Term::ShortTerm);
        assert_eq!(term(&policy, 90), Term::LongTerm);
        assert_eq!(term(&policy, 365), Term::LongTerm);
        let stricter = Policy {
            long_term_days: 30,
            ..Policy::default()
        };
        assert_eq!(term(&stricter, 29), Term::ShortTerm);
        assert_eq!(term(&stricter, 30), Term::LongTerm);
    }

    #[test]
    fn durations_fall_in_bands_that_meet_without_gaps() {
        assert_eq!(duration_band(1), "one_day");
        assert_eq!(duration_band(2), "two_to_seven_days");
        assert_eq!(duration_band(7), "two_to_seven_days");
        assert_eq!(duration_band(8), "eight_to_thirty_days");
        assert_eq!(duration_band(30), "eight_to_thirty_days");
        assert_eq!(duration_band(31), "one_to_three_months");
        assert_eq!(duration_band(89), "one_to_three_months");
        assert_eq!(duration_band(90), "three_months_or_more");
    }

    #[test]
    fn key_projects_are_recognised_by_the_policy_s_tags_in_either_language() {
        let policy = Policy::default();
        assert!(is_key_project_tag(&policy, "key project"));
        assert!(is_key_project_tag(&policy, "Key Project "));
        assert!(is_key_project_tag(&policy, "重点项目"));
        assert!(!is_key_project_tag(&policy, "Belt and Road"));
        assert!(!is_key_project_tag(&policy, "key projects"));
        assert!(is_key_project(
            &policy,
            &["Belt and Road".to_owned(), "重点项目".to_owned()]
        ));
        let own = Policy {
            key_project_tags: vec!["flagship".to_owned()],
            ..Policy::default()
        };
        assert!(is_key_project_tag(&own, "Flagship"));
        assert!(!is_key_project_tag(&own, "key project"));
    }

    #[test]
    fn visits_and_courses_for_delegations_bring_in_and_trips_go_global() {
        assert_eq!(
            direction(ActivityKind::OutboundTrip, true),
            Some(Direction::GoingGlobal)
        );
        assert_eq!(
            direction(ActivityKind::InboundVisit, false),
            Some(Direction::BringingIn)
        );
        assert_eq!(
            direction(ActivityKind::TrainingCourse, true),
            Some(Direction::BringingIn)
        );
        assert_eq!(direction(ActivityKind::TrainingCourse, false), None);
        assert_eq!(direction(ActivityKind::Conference, true), None);
        assert_eq!(direction(ActivityKind::OnlineMeeting, false), None);
        assert_eq!(delegation_people(Some(30), 3), 30);
        assert_eq!(delegation_people(None, 4), 4);
        assert_eq!(delegation_people(Some(2), 5), 5);
    }

    #[test]
    fn years_outside_four_digits_are_refused() {
        assert!(check_year(2024).is_ok());
        assert!(check_year(LAST_YEAR).is_ok());
        assert!(check_year(LAST_YEAR + 1).is_err());
        assert!(check_year(999).is_err());
    }

    #[test]
    fn the_review_sets_each_year_beside_the_one_before() {
        let tallies = ReviewTallies {
            kinds: vec![
                tally(2024, "inbound_visit", 3),
                tally(2023, "inbound_visit", 1),
                tally(2024, "outbound_trip", 1),
                tally(2023, "lecture", 2),
            ],
            participations: vec![tally(2024, "inbound_visit", 7), tally(2023, "lecture", 4)],
            delegations: vec![
                DelegationTally {
                    year: 2024,
                    kind: ActivityKind::InboundVisit,
                    people: 30,
                    count: 2,
                },
                DelegationTally {
                    year: 2024,
                    kind: ActivityKind::InboundVisit,
                    people: 0,
                    count: 1,
                },
                DelegationTally {
                    year: 2023,
                    kind: ActivityKind::InboundVisit,
                    people: 5,
                    count: 1,
                },
                DelegationTally {
                    year: 2024,
                    kind: ActivityKind::OutboundTrip,
                    people: 4,
                    count: 1,
                },
            ],
            countries: vec![
                tally(2024, "LA", 2),
                tally(2024, "CN", 1),
                tally(2023, "HK", 1),
            ],
            durations: vec![
                DurationTally {
                    year: 2024,
                    days: 1,
                    count: 3,
                },
                DurationTally {
                    year: 2024,
                    days: 120,
                    count: 1,
                },
                DurationTally {
                    year: 2023,
                    days: 5,
                    count: 3,
                },
            ],
            key_projects: vec![tally(2024, "key_projects", 1)],
            outcomes: vec![tally(2024, "outcomes", 6), tally(2023, "outcomes", 1)],
            ..ReviewTallies::default()
        };
        let review = AnnualReview::from_tallies(2024, &Policy::default(), &tallies);
        assert_eq!(review.previous_year, 2023);
        assert_eq!((review.total.this_year, review.total.last_year), (4, 3));
        assert_eq!(review.kinds.len(), ActivityKind::ALL.len());
        assert_eq!(review.kinds[0], ReviewRow::new("inbound_visit", 3, 1));
        assert_eq!(review.kinds[3], ReviewRow::new("lecture", 0, 2));
        assert_eq!(review.kinds[3].change, -2);
        assert_eq!(review.directions[0], ReviewRow::new("going_global", 1, 0));
        assert_eq!(review.directions[1], ReviewRow::new("bringing_in", 3, 1));
        assert_eq!(
            review.directions[3],
            ReviewRow::new("going_global_people", 4, 0)
        );
        assert_eq!(
            review.directions[4],
            ReviewRow::new("bringing_in_people", 60, 5)
        );
        let codes: Vec<&str> = review.countries.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(
            codes,
            ["LA", "HK"],
            "the mainland is not an exchange partner"
        );
        assert_eq!(review.reach[0], ReviewRow::new("countries", 1, 1));
        assert_eq!(review.terms[0], ReviewRow::new("short_term", 3, 3));
        assert_eq!(review.terms[1], ReviewRow::new("long_term", 1, 0));
        assert_eq!(review.key_project_share.this_year, Some(25.0));
        assert_eq!(review.key_project_share.last_year, Some(0.0));
        assert_eq!(review.outcomes_per_exchange.this_year, Some(1.5));
        assert_eq!(review.outcomes_per_exchange.last_year, Some(0.33));
        assert_eq!(
            review.participants[0],
            ReviewRow::new("participations", 7, 4)
        );
        assert!(!review.is_empty());
    }
}

#[cfg(test)]
mod agreement_tests {
    use super::*;
    use crate::AgreementStatus;

    fn agreement(status: AgreementStatus, signed: &str, to: Option<&str>) -> ReviewAgreement {
        ReviewAgreement {
            id: 1,
            title_zh: None,
            title_en: Some("MoU".into()),
            status,
            signed_on: Some(signed.parse().unwrap()),
            valid_from: None,
            valid_to: to.map(|d| d.parse().unwrap()),
            partners: vec![],
        }
    }

    #[test]
    fn agreements_count_in_the_years_they_were_signed_ran_and_ended() {
        let a = agreement(AgreementStatus::InForce, "2022-05-01", Some("2024-04-30"));
        assert!(a.signed_in(2022) && !a.signed_in(2023));
        assert!(a.in_force_in(2022) && a.in_force_in(2023) && a.in_force_in(2024));
        assert!(!a.in_force_in(2021) && !a.in_force_in(2025));
        assert!(a.expiring_in(2024) && !a.expiring_in(2023));
        let open = agreement(AgreementStatus::Signed, "2023-01-01", None);
        assert!(open.in_force_in(2030));
        let expired_undated = agreement(AgreementStatus::Expired, "2019-01-01", None);
        assert!(!expired_undated.in_force_in(2020));
        let draft = agreement(AgreementStatus::Draft, "2023-01-01", Some("2024-01-01"));
        assert!(!draft.signed_in(2023) && !draft.in_force_in(2023) && !draft.expiring_in(2024));
    }
}
