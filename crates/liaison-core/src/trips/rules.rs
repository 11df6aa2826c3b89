//! The national rules on official trips abroad, as policy parameters with the central defaults,
//! and the check that explains each one a trip breaks, with the rule and its numbers.
//!
//! The defaults come from the central documents as universities quote them (中办发〔2013〕13号 on
//! administrative trips: 1 country ≤ 5 days, 2 ≤ 8, 3 ≤ 10, at most 3 countries and 6 people;
//! academic trips exempt), the rules on official visits to Hong Kong and Macao, and the five
//! working days of public notice before departure. Every number is a parameter because each
//! university and province sets its own.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Track, TripClass, TripShape};
use crate::workdays::WorkCalendar;
use crate::{Error, RegionClass};

/// The numbers the trip rules use, with their national defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TripPolicy {
    /// Days an administrative trip may last by the number of countries visited: the first entry
    /// for one country, the second for two, and so on. The list's length is also the most
    /// countries an administrative trip may visit.
    pub administrative_days_by_countries: Vec<i64>,
    /// The most members of an administrative delegation.
    pub administrative_members: i64,
    /// The most days of a trip to Hong Kong only.
    pub hong_kong_days: i64,
    /// The most days of a trip to Macao only.
    pub macao_days: i64,
    /// The most days of a trip to both Hong Kong and Macao.
    pub hong_kong_macao_days: i64,
    /// Calendar days between submitting an application and leaving, by track: the higher
    /// authorities need this long to approve and issue visas and permits.
    pub lead_days_foreign: i64,
    pub lead_days_hong_kong_macao: i64,
    pub lead_days_taiwan: i64,
    /// Working days the public notice (公示) stays up before departure.
    pub notice_working_days: i64,
    /// Who may read the public notice of a trip in its notice period and the report of a trip
    /// back home: signed-in users only, or anyone, at public addresses.
    pub publication: Publication,
    /// The photos (image files kept with the trip) a report needs; 0 asks for none.
    pub report_photos: i64,
    /// When the report is due after the actual return: a month by default; some universities
    /// count 15 working days.
    pub report_due: Deadline,
}

/// Who reads a trip's public notice and its report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Publication {
    /// Users signed in to Liaison, on the trip's pages.
    #[default]
    SignedIn,
    /// Anyone, without signing in, at the public addresses of notices and reports.
    Public,
}

impl Publication {
    pub const ALL: [Publication; 2] = [Publication::SignedIn, Publication::Public];

    pub fn as_str(&self) -> &'static str {
        match self {
            Publication::SignedIn => "signed_in",
            Publication::Public => "public",
        }
    }

    pub fn parse(s: &str) -> Option<Publication> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// A period counted from a day: calendar months, calendar days or working days (on the
/// working-day calendar, holidays and adjusted working days included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Deadline {
    Months(u32),
    Days(i64),
    WorkingDays(i64),
}

impl Deadline {
    /// The day the period ends when it starts on `from`.
    pub fn after(&self, from: NaiveDate, calendar: &WorkCalendar) -> Result<NaiveDate, Error> {
        let out_of_range = || Error::invalid("date", "out_of_range", "the date is out of range");
        match *self {
            Deadline::Months(n) => from
                .checked_add_months(chrono::Months::new(n))
                .ok_or_else(out_of_range),
            Deadline::Days(n) => u64::try_from(n)
                .ok()
                .and_then(|n| from.checked_add_days(chrono::Days::new(n)))
                .ok_or_else(out_of_range),
            Deadline::WorkingDays(n) => calendar.after(from, n),
        }
    }

    fn in_range(&self) -> bool {
        match *self {
            Deadline::Months(n) => (0..=24).contains(&n),
            Deadline::Days(n) | Deadline::WorkingDays(n) => (0..=730).contains(&n),
        }
    }
}

impl Default for TripPolicy {
    fn default() -> Self {
        TripPolicy {
            administrative_days_by_countries: vec![5, 8, 10],
            administrative_members: 6,
            hong_kong_days: 5,
            macao_days: 4,
            hong_kong_macao_days: 8,
            lead_days_foreign: 30,
            lead_days_hong_kong_macao: 20,
            lead_days_taiwan: 60,
            notice_working_days: 5,
            publication: Publication::SignedIn,
            report_photos: 3,
            report_due: Deadline::Months(1),
        }
    }
}

impl TripPolicy {
    pub fn lead_days(&self, track: Track) -> i64 {
        match track {
            Track::Foreign => self.lead_days_foreign,
            Track::HongKongMacao => self.lead_days_hong_kong_macao,
            Track::Taiwan => self.lead_days_taiwan,
        }
    }

    /// Checks the parameters an admin sets: every number positive, the day limits not shrinking
    /// as countries are added.
    pub fn check(&self) -> Result<(), Error> {
        let mut errors = crate::FieldErrors::new();
        let numbers = [
            ("administrative_members", self.administrative_members),
            ("hong_kong_days", self.hong_kong_days),
            ("macao_days", self.macao_days),
            ("hong_kong_macao_days", self.hong_kong_macao_days),
            ("lead_days_foreign", self.lead_days_foreign),
            ("lead_days_hong_kong_macao", self.lead_days_hong_kong_macao),
            ("lead_days_taiwan", self.lead_days_taiwan),
            ("notice_working_days", self.notice_working_days),
            ("report_photos", self.report_photos),
        ];
        for (field, value) in numbers {
            if !(0..=3650).contains(&value) {
                errors.add(field, "out_of_range", "must be between 0 and 3650");
            }
        }
        if !self.report_due.in_range() {
            errors.add(
                "report_due",
                "out_of_range",
                "at most 24 months or 730 days",
            );
        }
        let days = &self.administrative_days_by_countries;
        if days.is_empty() || days.len() > 50 {
            errors.add(
                "administrative_days_by_countries",
                "out_of_range",
                "give the days for 1 country, then for 2, and so on (1 to 50 entries)",
            );
        } else if days.iter().any(|d| !(1..=3650).contains(d))
            || days.windows(2).any(|w| w[1] < w[0])
        {
            errors.add(
                "administrative_days_by_countries",
                "not_increasing",
                "each limit must be between 1 and 3650 days and not smaller than the one before",
            );
        }
        errors.into_result()
    }
}

/// A rule of the trip policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// An administrative trip lasts at most so many days for so many countries.
    AdministrativeDays,
    /// An administrative trip visits at most so many countries.
    AdministrativeCountries,
    /// An administrative delegation has at most so many members.
    AdministrativeMembers,
    HongKongDays,
    MacaoDays,
    HongKongMacaoDays,
    /// The application is submitted at least so many days before departure.
    LeadTime,
    /// The public notice needs so many working days before departure.
    NoticeTime,
    /// A report comes with at least so many photos.
    ReportPhotos,
}

impl Rule {
    pub fn as_str(&self) -> &'static str {
        match self {
            Rule::AdministrativeDays => "administrative_days",
            Rule::AdministrativeCountries => "administrative_countries",
            Rule::AdministrativeMembers => "administrative_members",
            Rule::HongKongDays => "hong_kong_days",
            Rule::MacaoDays => "macao_days",
            Rule::HongKongMacaoDays => "hong_kong_macao_days",
            Rule::LeadTime => "lead_time",
            Rule::NoticeTime => "notice_time",
            Rule::ReportPhotos => "report_photos",
        }
    }
}

/// One rule a trip breaks, with the numbers that show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Finding {
    pub rule: Rule,
    /// What the rule allows (or asks for, for the lead and notice times).
    pub limit: i64,
    /// What the trip has.
    pub actual: i64,
    /// The countries visited, for the day limit that depends on them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub countries: Option<i64>,
    /// The finding in English, for the API and the logs; pages translate it from the numbers.
    pub message: String,
}

impl Finding {
    fn new(rule: Rule, limit: i64, actual: i64, countries: Option<i64>) -> Finding {
        let message = match rule {
            Rule::AdministrativeDays => format!(
                "an administrative trip to {} countries or regions may last at most {limit} days, the days of leaving and coming back included; this one lasts {actual}",
                countries.unwrap_or(0)
            ),
            Rule::AdministrativeCountries => format!(
                "an administrative trip may visit at most {limit} countries or regions; this one visits {actual}"
            ),
            Rule::AdministrativeMembers => format!(
                "an administrative delegation may have at most {limit} members; this one has {actual}"
            ),
            Rule::HongKongDays => format!(
                "a trip to Hong Kong may last at most {limit} days; this one lasts {actual}"
            ),
            Rule::MacaoDays => {
                format!("a trip to Macao may last at most {limit} days; this one lasts {actual}")
            }
            Rule::HongKongMacaoDays => format!(
                "a trip to both Hong Kong and Macao may last at most {limit} days; this one lasts {actual}"
            ),
            Rule::LeadTime => format!(
                "an application is submitted at least {limit} days before departure; this one is {actual} days before"
            ),
            Rule::NoticeTime => format!(
                "the public notice needs {limit} working days before departure; only {actual} are left"
            ),
            Rule::ReportPhotos => {
                format!("the report needs {limit} photos; the trip has {actual}")
            }
        };
        Finding {
            rule,
            limit,
            actual,
            countries,
            message,
        }
    }
}

/// Every rule `trip` breaks under `policy`, if it were submitted on `today`. The working-day
/// calendar counts the days left for the public notice; a year it does not hold is an error, so
/// that a deadline is never guessed.
pub fn check(
    trip: &TripShape,
    policy: &TripPolicy,
    today: NaiveDate,
    calendar: &WorkCalendar,
) -> Result<Vec<Finding>, Error> {
    let mut findings = Vec::new();
    let days = trip.days_abroad();
    let places = trip.places();
    let track = trip.track();

    let administrative = trip.trip_type.class() == TripClass::Administrative;
    // The country and day limits are those of trips abroad; Hong Kong and Macao have their own
    // day limits below, and Taiwan trips are limited case by case by the approving authority.
    if administrative && track == Track::Foreign {
        let countries = places.len() as i64;
        let limits = &policy.administrative_days_by_countries;
        let most_countries = limits.len() as i64;
        if countries > most_countries {
            findings.push(Finding::new(
                Rule::AdministrativeCountries,
                most_countries,
                countries,
                None,
            ));
        }
        if countries >= 1 {
            let index = (countries.min(most_countries) - 1) as usize;
            if let Some(&limit) = limits.get(index)
                && days > limit
            {
                findings.push(Finding::new(
                    Rule::AdministrativeDays,
                    limit,
                    days,
                    Some(countries),
                ));
            }
        }
    }
    if administrative {
        let members = trip.members.len() as i64;
        if members > policy.administrative_members {
            findings.push(Finding::new(
                Rule::AdministrativeMembers,
                policy.administrative_members,
                members,
                None,
            ));
        }
    }

    if track == Track::HongKongMacao {
        let regions: Vec<RegionClass> = places.iter().map(|c| c.region()).collect();
        let hong_kong = regions.contains(&RegionClass::HongKong);
        let macao = regions.contains(&RegionClass::Macao);
        let (rule, limit) = match (hong_kong, macao) {
            (true, true) => (Rule::HongKongMacaoDays, policy.hong_kong_macao_days),
            (true, false) => (Rule::HongKongDays, policy.hong_kong_days),
            _ => (Rule::MacaoDays, policy.macao_days),
        };
        if days > limit {
            findings.push(Finding::new(rule, limit, days, None));
        }
    }

    if let Some(departure) = trip.departure() {
        let lead = policy.lead_days(track);
        let ahead = (departure - today).num_days();
        if ahead < lead {
            findings.push(Finding::new(Rule::LeadTime, lead, ahead.max(0), None));
        }
        // Even approved today, the notice could stay up only the working days after today and
        // before the day of leaving.
        let eve = departure.pred_opt().unwrap_or(departure);
        let left = if eve > today {
            calendar.between(today, eve)?
        } else {
            0
        };
        if left < policy.notice_working_days {
            findings.push(Finding::new(
                Rule::NoticeTime,
                policy.notice_working_days,
                left,
                None,
            ));
        }
    }
    Ok(findings)
}

/// The finding of a report filed when the trip keeps `photos` photos, if the policy asks for
/// more; a policy asking for none finds nothing.
pub fn check_report_photos(policy: &TripPolicy, photos: i64) -> Option<Finding> {
    (photos < policy.report_photos)
        .then(|| Finding::new(Rule::ReportPhotos, policy.report_photos, photos, None))
}

/// The first day a trip may leave when its public notice goes up on `posted`: the notice stays
/// up `notice_working_days` full working days, the day of posting not counted, and the trip
/// leaves after the last of them.
pub fn earliest_departure(
    posted: NaiveDate,
    policy: &TripPolicy,
    calendar: &WorkCalendar,
) -> Result<NaiveDate, Error> {
    let last_notice_day = calendar.after(posted, policy.notice_working_days)?;
    last_notice_day
        .succ_opt()
        .ok_or_else(|| Error::invalid("date", "out_of_range", "the date is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trips::tests::{day, members, stop};
    use crate::trips::{Destination, FundingSource, TripType};
    use crate::workdays::{DayKind, shipped_year};

    fn calendar() -> WorkCalendar {
        let years = [2025, 2026];
        let days = years
            .iter()
            .flat_map(|&y| shipped_year(y).unwrap())
            .map(|d| (d.date, d.kind));
        WorkCalendar::new(years, days)
    }

    fn trip(trip_type: TripType, destinations: Vec<Destination>, people: i64) -> TripShape {
        TripShape {
            trip_type,
            destinations,
            members: members(people),
            funding: FundingSource::University,
        }
    }

    /// Destinations as (country, first day, last day).
    type Stops<'a> = &'a [(&'a str, &'a str, &'a str)];
    /// Findings as (rule, limit, actual).
    type Broken = Vec<(Rule, i64, i64)>;

    /// The rules a trip breaks, submitted well ahead (lead and notice times met).
    fn broken(trip: &TripShape) -> Broken {
        check(trip, &TripPolicy::default(), day("2025-09-01"), &calendar())
            .unwrap()
            .into_iter()
            .map(|f| (f.rule, f.limit, f.actual))
            .collect()
    }

    #[test]
    fn administrative_day_limits_hold_at_their_boundaries() {
        use Rule::AdministrativeDays as Days;
        let cases: &[(Stops, Broken)] = &[
            (&[("LA", "2025-11-01", "2025-11-05")], vec![]),
            (&[("LA", "2025-11-01", "2025-11-06")], vec![(Days, 5, 6)]),
            (
                &[
                    ("LA", "2025-11-01", "2025-11-04"),
                    ("VN", "2025-11-04", "2025-11-08"),
                ],
                vec![],
            ),
            (
                &[
                    ("LA", "2025-11-01", "2025-11-04"),
                    ("VN", "2025-11-04", "2025-11-09"),
                ],
                vec![(Days, 8, 9)],
            ),
            (
                &[
                    ("LA", "2025-11-01", "2025-11-03"),
                    ("VN", "2025-11-04", "2025-11-06"),
                    ("KH", "2025-11-07", "2025-11-10"),
                ],
                vec![],
            ),
            (
                &[
                    ("LA", "2025-11-01", "2025-11-03"),
                    ("VN", "2025-11-04", "2025-11-06"),
                    ("KH", "2025-11-07", "2025-11-11"),
                ],
                vec![(Days, 10, 11)],
            ),
            (
                &[
                    ("LA", "2025-11-01", "2025-11-02"),
                    ("VN", "2025-11-03", "2025-11-04"),
                    ("KH", "2025-11-05", "2025-11-06"),
                    ("TH", "2025-11-07", "2025-11-08"),
                ],
                vec![(Rule::AdministrativeCountries, 3, 4)],
            ),
        ];
        for (stops, expected) in cases {
            let stops = stops.iter().map(|(c, a, b)| stop(c, a, b)).collect();
            let t = trip(TripType::Talks, stops, 2);
            assert_eq!(&broken(&t), expected, "{:?}", t.destinations);
        }
    }

    #[test]
    fn a_second_visit_to_a_country_does_not_count_it_twice() {
        let t = trip(
            TripType::FriendlyVisit,
            vec![
                stop("LA", "2025-11-01", "2025-11-03"),
                stop("VN", "2025-11-03", "2025-11-05"),
                stop("LA", "2025-11-05", "2025-11-08"),
            ],
            2,
        );
        assert_eq!(broken(&t), vec![]);
    }

    #[test]
    fn administrative_delegations_have_at_most_six_members_and_academic_ones_are_exempt() {
        let stops = || vec![stop("GB", "2025-11-01", "2025-11-20")];
        assert_eq!(
            broken(&trip(
                TripType::Talks,
                vec![stop("GB", "2025-11-01", "2025-11-05")],
                6
            )),
            vec![]
        );
        assert_eq!(
            broken(&trip(
                TripType::Talks,
                vec![stop("GB", "2025-11-01", "2025-11-05")],
                7
            )),
            vec![(Rule::AdministrativeMembers, 6, 7)]
        );
        for academic in [TripType::Teaching, TripType::Research, TripType::Conference] {
            assert_eq!(broken(&trip(academic, stops(), 12)), vec![], "{academic:?}");
        }
    }

    #[test]
    fn hong_kong_and_macao_have_their_own_day_limits() {
        let hk = |to| trip(TripType::Conference, vec![stop("HK", "2025-11-01", to)], 2);
        assert_eq!(broken(&hk("2025-11-05")), vec![]);
        assert_eq!(broken(&hk("2025-11-06")), vec![(Rule::HongKongDays, 5, 6)]);
        let mo = |to| trip(TripType::Talks, vec![stop("MO", "2025-11-01", to)], 2);
        assert_eq!(broken(&mo("2025-11-04")), vec![]);
        assert_eq!(broken(&mo("2025-11-05")), vec![(Rule::MacaoDays, 4, 5)]);
        let both = |to| {
            trip(
                TripType::Talks,
                vec![
                    stop("HK", "2025-11-01", "2025-11-04"),
                    stop("MO", "2025-11-04", to),
                ],
                2,
            )
        };
        assert_eq!(broken(&both("2025-11-08")), vec![]);
        assert_eq!(
            broken(&both("2025-11-09")),
            vec![(Rule::HongKongMacaoDays, 8, 9)]
        );
    }

    #[test]
    fn lead_time_is_set_per_track() {
        let policy = TripPolicy::default();
        let leaving = |country| {
            trip(
                TripType::Research,
                vec![stop(country, "2025-11-01", "2025-11-03")],
                1,
            )
        };
        let lead = |country, today| {
            check(&leaving(country), &policy, day(today), &calendar())
                .unwrap()
                .into_iter()
                .filter(|f| f.rule == Rule::LeadTime)
                .map(|f| (f.limit, f.actual))
                .collect::<Vec<_>>()
        };
        assert_eq!(lead("GB", "2025-10-02"), vec![]);
        assert_eq!(lead("GB", "2025-10-03"), vec![(30, 29)]);
        assert_eq!(lead("HK", "2025-10-12"), vec![]);
        assert_eq!(lead("HK", "2025-10-13"), vec![(20, 19)]);
        assert_eq!(lead("TW", "2025-09-02"), vec![]);
        assert_eq!(lead("TW", "2025-09-03"), vec![(60, 59)]);
    }

    #[test]
    fn the_notice_time_is_counted_in_working_days_across_the_spring_festival() {
        // The 2026 Spring Festival holiday runs 15–23 February, with Saturday 14 and Saturday 28
        // February worked instead.
        let cal = calendar();
        let policy = TripPolicy {
            lead_days_foreign: 0,
            ..TripPolicy::default()
        };
        let notice = |today, leave| {
            let t = trip(TripType::Research, vec![stop("GB", leave, "2026-03-10")], 1);
            check(&t, &policy, day(today), &cal)
                .unwrap()
                .into_iter()
                .filter(|f| f.rule == Rule::NoticeTime)
                .map(|f| (f.limit, f.actual))
                .collect::<Vec<_>>()
        };
        // Approved Friday 13 February: the working days before departure are Saturday 14,
        // then 24, 25, 26, 27 February; leaving on 28 February (a working Saturday) leaves 5.
        assert_eq!(notice("2026-02-13", "2026-02-28"), vec![]);
        assert_eq!(notice("2026-02-13", "2026-02-27"), vec![(5, 4)]);
        assert_eq!(
            earliest_departure(day("2026-02-13"), &policy, &cal).unwrap(),
            day("2026-02-28")
        );
        // Without the calendar's holidays the same notice would have ended a week earlier.
        let plain = WorkCalendar::new([2026], std::iter::empty::<(NaiveDate, DayKind)>());
        assert_eq!(
            earliest_departure(day("2026-02-13"), &policy, &plain).unwrap(),
            day("2026-02-21")
        );
    }

    #[test]
    fn a_year_the_calendar_does_not_hold_is_an_error() {
        let t = trip(
            TripType::Research,
            vec![stop("GB", "2031-03-01", "2031-03-05")],
            1,
        );
        assert!(check(&t, &TripPolicy::default(), day("2030-12-01"), &calendar()).is_err());
    }

    #[test]
    fn findings_name_the_rule_and_its_numbers() {
        let t = trip(
            TripType::Talks,
            vec![
                stop("LA", "2025-11-01", "2025-11-03"),
                stop("VN", "2025-11-03", "2025-11-10"),
            ],
            2,
        );
        let findings = check(&t, &TripPolicy::default(), day("2025-09-01"), &calendar()).unwrap();
        assert_eq!(
            findings[0].message,
            "an administrative trip to 2 countries or regions may last at most 8 days, the days of leaving and coming back included; this one lasts 10"
        );
    }

    #[test]
    fn a_report_is_due_a_month_or_fifteen_working_days_after_return() {
        let cal = calendar();
        // Back on Friday 30 January 2026: the Spring Festival falls in the next fifteen working days.
        let back = day("2026-01-30");
        assert_eq!(
            Deadline::Months(1).after(back, &cal).unwrap(),
            day("2026-02-28")
        );
        assert_eq!(
            Deadline::Days(7).after(back, &cal).unwrap(),
            day("2026-02-06")
        );
        assert_eq!(
            Deadline::WorkingDays(15).after(back, &cal).unwrap(),
            day("2026-02-27")
        );
    }

    #[test]
    fn a_report_needs_the_photos_the_policy_asks_for_at_the_boundary() {
        let asks = |n| TripPolicy {
            report_photos: n,
            ..TripPolicy::default()
        };
        // (photos asked for, photos kept, the finding's limit and actual count)
        type Case = (i64, i64, Option<(i64, i64)>);
        let cases: &[Case] = &[
            (3, 0, Some((3, 0))),
            (3, 2, Some((3, 2))),
            (3, 3, None),
            (3, 4, None),
            (1, 0, Some((1, 0))),
            (0, 0, None),
        ];
        for &(asked, kept, expected) in cases {
            let found = check_report_photos(&asks(asked), kept);
            assert_eq!(
                found.as_ref().map(|f| (f.limit, f.actual)),
                expected,
                "{asked} asked, {kept} kept"
            );
            assert!(found.iter().all(|f| f.rule == Rule::ReportPhotos));
        }
        assert_eq!(
            check_report_photos(&TripPolicy::default(), 1)
                .unwrap()
                .message,
            "the report needs 3 photos; the trip has 1"
        );
    }

    #[test]
    fn a_policy_saved_before_the_photos_and_publication_were_parameters_reads_their_defaults() {
        let older: TripPolicy =
            serde_json::from_str(r#"{"notice_working_days": 7, "administrative_members": 5}"#)
                .unwrap();
        assert_eq!(older.report_photos, 3);
        assert_eq!(older.publication, Publication::SignedIn);
        assert_eq!(older.notice_working_days, 7);
        let public: TripPolicy = serde_json::from_str(r#"{"publication": "public"}"#).unwrap();
        assert_eq!(public.publication, Publication::Public);
        assert!(
            TripPolicy {
                report_photos: -1,
                ..TripPolicy::default()
            }
            .check()
            .is_err()
        );
    }

    #[test]
    fn policy_parameters_are_checked() {
        assert!(TripPolicy::default().check().is_ok());
        let shrinking = TripPolicy {
            administrative_days_by_countries: vec![5, 4],
            ..TripPolicy::default()
        };
        assert!(shrinking.check().is_err());
    }
}
