//! The working-day calendar: mainland China's statutory holidays and the weekend days worked in
//! their place (调休), and how many working days lie between two dates.
//!
//! A day is a working day when it is a Monday to Friday not listed as a day off, or a Saturday or
//! Sunday listed as an adjusted working day. The calendar answers only for the years it holds:
//! a weekday of a year nobody entered may well be a holiday, so asking about it is an error, not
//! a guess.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::kind::{Kind, Record, RecordKind, Rights};
use crate::validate::{self, Validate};
use crate::{Error, FieldErrors, Meta};

/// Whether a listed day is a day off or a weekend day worked instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A statutory holiday, or a weekday given off around one.
    #[default]
    Off,
    /// An adjusted working day (调休上班): a Saturday or Sunday worked to make up a weekday off.
    Working,
}

impl DayKind {
    pub const ALL: [DayKind; 2] = [DayKind::Off, DayKind::Working];
}

/// Where a day's entry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DaySource {
    /// The calendar shipped with Liaison (the holiday-cn dataset).
    #[default]
    Dataset,
    /// Entered or changed by an admin; the audit log says who and when.
    Edited,
}

/// The seven statutory holidays with their English names, and the other names the State
/// Council's notices have used for them.
const HOLIDAYS: [(&[&str], &str); 7] = [
    (&["元旦"], "New Year's Day"),
    (&["春节"], "Spring Festival"),
    (&["清明节", "清明"], "Qingming Festival"),
    (&["劳动节", "五一"], "Labour Day"),
    (&["端午节", "端午"], "Dragon Boat Festival"),
    (&["中秋节", "中秋"], "Mid-Autumn Festival"),
    (&["国庆节", "十一"], "National Day"),
];

/// The English name of a holiday named in Chinese, such as "国庆节、中秋节" (two holidays taken
/// together): `None` when a part is not one of the seven statutory holidays.
pub fn holiday_name_en(name_zh: &str) -> Option<String> {
    let parts: Option<Vec<&str>> = name_zh
        .split(['、', ',', '，'])
        .map(|part| {
            let part = part.trim();
            HOLIDAYS
                .iter()
                .find(|(names, _)| names.iter().any(|n| part.contains(n)))
                .map(|(_, en)| *en)
        })
        .collect();
    parts
        .filter(|p| !p.is_empty())
        .map(|parts| parts.join(" and "))
}

/// The first and last years a calendar may hold; anything outside is a typing slip.
pub const FIRST_YEAR: i32 = 1950;
pub const LAST_YEAR: i32 = 2200;

/// A calendar day as submitted to create or change it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarDayInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The version the change started from; required to update, ignored on create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(deserialize_with = "crate::limits::date")]
    pub date: NaiveDate,
    pub kind: DayKind,
    /// The holiday, as the State Council's notice names it: 国庆节.
    #[serde(default)]
    pub name_zh: Option<String>,
    /// Filled in from the seven statutory holidays when left out.
    #[serde(default)]
    pub name_en: Option<String>,
}

impl Validate for CalendarDayInput {
    fn check(&mut self, errors: &mut FieldErrors) {
        validate::clean_all(&mut [&mut self.name_zh, &mut self.name_en]);
        validate::key(errors, &self.key);
        validate::line(errors, "name_zh", &self.name_zh);
        validate::line(errors, "name_en", &self.name_en);
        match &self.name_zh {
            None => errors.add("name_zh", "required", "name the holiday, such as 国庆节"),
            Some(zh) if self.name_en.is_none() => self.name_en = holiday_name_en(zh),
            Some(_) => {}
        }
        if !(FIRST_YEAR..=LAST_YEAR).contains(&self.date.year()) {
            errors.add(
                "date",
                "out_of_range",
                format!("must be a day of the years {FIRST_YEAR} to {LAST_YEAR}"),
            );
        }
    }
}

/// A stored calendar day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CalendarDay {
    #[serde(flatten)]
    pub meta: Meta,
    pub date: NaiveDate,
    pub kind: DayKind,
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub source: DaySource,
}

/// Filters of the calendar's list.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CalendarDayFilter {
    /// The days of one year.
    #[serde(default, deserialize_with = "crate::limits::optional_year")]
    pub year: Option<i32>,
    pub kind: Option<DayKind>,
    /// Words in either name.
    pub q: Option<String>,
}

pub const CALENDAR_DAY_SORTS: &[&str] = &["date", "created", "updated"];

/// The days of the working-day calendar as a kind of record: everyone reads them, admins keep
/// them.
const KIND: Kind = Kind {
    name: "calendar_day",
    table: "calendar_days",
    path: "calendar-days",
    categories: Some("workdays-kind"),
    pages: true,
    files: false,
    rights: Rights::ADMINS_KEEP,
    search: None,
    timeline: None,
    naming: &[],
    import: None,
    lifecycle: None,
    sorts: CALENDAR_DAY_SORTS,
    newest_first: false,
};

/// The days of the working-day calendar, as every layer names the kind.
pub const CALENDAR_DAY: RecordKind = RecordKind::of(&KIND);

impl Record for CalendarDay {
    const KIND: RecordKind = CALENDAR_DAY;

    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn unit(&self) -> Option<i64> {
        None
    }
}

/// A year the calendar holds: every day off and adjusted working day of it is listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CalendarYear {
    pub year: i32,
    pub source: DaySource,
    /// Days listed in the year now.
    pub days: i64,
    pub added_at: DateTime<Utc>,
    /// Who added the year; none for the shipped calendar.
    pub added_by: Option<String>,
}

/// A year to add to the calendar: from the shipped calendar when neither `days` nor `lines`
/// is given, else the days of the State Council's notice.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarYearInput {
    pub year: i32,
    /// One day a line: `2028-01-01 off 元旦`, or `2028-02-05 work 春节` for a weekend day worked.
    #[serde(default)]
    pub lines: Option<String>,
    #[serde(default)]
    pub days: Option<Vec<CalendarDayInput>>,
}

impl CalendarYearInput {
    /// The year's days, checked: each one valid, of this year, listed once. Reads the shipped
    /// calendar when the input names no days.
    pub fn into_days(self) -> Result<(DaySource, Vec<CalendarDayInput>), Error> {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&self.year) {
            return Err(Error::invalid(
                "year",
                "out_of_range",
                format!("must be between {FIRST_YEAR} and {LAST_YEAR}"),
            ));
        }
        let lines = self.lines.filter(|l| !l.trim().is_empty());
        // Each day with where it was given: its line, or its place in the list.
        let (source, days, field): (_, Vec<(String, CalendarDayInput)>, _) = match (
            lines, self.days,
        ) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "lines",
                    "both_given",
                    "give the days either as lines or as a list, not both",
                ));
            }
            (Some(text), None) => (DaySource::Edited, numbered_lines(&text)?, "lines"),
            (None, Some(days)) => (DaySource::Edited, listed(days), "days"),
            (None, None) => match shipped_year(self.year) {
                Some(days) => (DaySource::Dataset, listed(days), "year"),
                None => {
                    return Err(Error::invalid(
                        "lines",
                        "required",
                        format!(
                            "the shipped calendar has no days for {}; enter them from the State \
                             Council's notice, one a line, such as {}-01-01 off 元旦",
                            self.year, self.year
                        ),
                    ));
                }
            },
        };
        let mut errors = FieldErrors::new();
        let mut checked = Vec::with_capacity(days.len());
        let mut seen = BTreeSet::new();
        for (i, (at, day)) in days.into_iter().enumerate() {
            let path = if field == "days" {
                format!("days[{i}]")
            } else {
                field.to_owned()
            };
            match day.validated() {
                Ok(day) => {
                    if day.date.year() != self.year {
                        errors.add(
                            &path,
                            "other_year",
                            format!(
                                "{at}: {} is not in {}; add a day of another year to that year",
                                day.date, self.year
                            ),
                        );
                    } else if !seen.insert(day.date) {
                        errors.add(
                            &path,
                            "duplicate",
                            format!("{at}: {} is listed twice", day.date),
                        );
                    }
                    checked.push(day);
                }
                Err(Error::Invalid(problems)) => {
                    for p in problems.0 {
                        errors.add(&path, &p.code, format!("{at}: {} {}", p.field, p.message));
                    }
                }
                Err(other) => return Err(other),
            }
        }
        if checked.is_empty() && errors.is_empty() {
            errors.add(field, "required", "list at least one day of the year");
        }
        errors.into_result()?;
        Ok((source, checked))
    }
}

/// Days given as a list, each named by its place in it.
fn listed(days: Vec<CalendarDayInput>) -> Vec<(String, CalendarDayInput)> {
    days.into_iter()
        .enumerate()
        .map(|(i, day)| (format!("day {}", i + 1), day))
        .collect()
}

/// Reads days typed one a line, `DATE off|work NAME`: `2028-01-01 off 元旦`. 休 and 班 are read as
/// `off` and `work`; blank lines and lines starting with `#` are skipped. Every line's problem is
/// reported with its number.
pub fn parse_day_lines(text: &str) -> Result<Vec<CalendarDayInput>, Error> {
    Ok(numbered_lines(text)?
        .into_iter()
        .map(|(_, day)| day)
        .collect())
}

/// The days of typed lines, each with its line number.
fn numbered_lines(text: &str) -> Result<Vec<(String, CalendarDayInput)>, Error> {
    let mut errors = FieldErrors::new();
    let mut days = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let number = i + 1;
        let mut words = line.split_whitespace();
        let (date, kind) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
        let name: Vec<&str> = words.collect();
        let date = match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
            Ok(date) => date,
            Err(_) => {
                errors.add(
                    "lines",
                    "invalid",
                    format!("line {number}: '{date}' is not a date written as 2028-01-01"),
                );
                continue;
            }
        };
        let kind = match kind.to_lowercase().as_str() {
            "off" | "休" | "holiday" => DayKind::Off,
            "work" | "working" | "班" => DayKind::Working,
            other => {
                errors.add(
                    "lines",
                    "invalid",
                    format!(
                        "line {number}: say 'off' for a day off or 'work' for an adjusted \
                         working day, not '{other}'"
                    ),
                );
                continue;
            }
        };
        let day = CalendarDayInput {
            key: None,
            version: None,
            date,
            kind,
            name_zh: (!name.is_empty()).then(|| name.join(" ")),
            name_en: None,
        };
        days.push((format!("line {number}"), day));
    }
    errors.into_result()?;
    Ok(days)
}

/// The shipped calendar: the days of every year of the holiday-cn dataset, by the year they fall
/// in (a notice may list the last days of the year before it).
const SHIPPED: &str = include_str!("../data/holidays-cn.json");

#[derive(Deserialize)]
struct ShippedFile {
    years: BTreeMap<i32, ShippedYear>,
}

#[derive(Deserialize)]
struct ShippedYear {
    days: Vec<ShippedDay>,
}

#[derive(Deserialize)]
struct ShippedDay {
    date: NaiveDate,
    off: bool,
    name: String,
}

fn shipped() -> BTreeMap<i32, ShippedYear> {
    // The file is part of the binary and read by the tests; a damaged one holds no year.
    serde_json::from_str::<ShippedFile>(SHIPPED)
        .map(|file| file.years)
        .unwrap_or_default()
}

/// The years the shipped calendar holds.
pub fn shipped_years() -> Vec<i32> {
    shipped().into_keys().collect()
}

/// The days the shipped calendar lists for `year`, English names filled in.
pub fn shipped_year(year: i32) -> Option<Vec<CalendarDayInput>> {
    let found = shipped().remove(&year)?;
    Some(
        found
            .days
            .into_iter()
            .map(|d| CalendarDayInput {
                key: None,
                version: None,
                date: d.date,
                kind: if d.off {
                    DayKind::Off
                } else {
                    DayKind::Working
                },
                name_en: holiday_name_en(&d.name),
                name_zh: Some(d.name),
            })
            .collect(),
    )
}

/// The refusal for a day of a year the calendar does not hold.
pub fn year_not_held(field: &str, year: i32) -> Error {
    Error::invalid(
        field,
        "year_not_in_calendar",
        format!("the working-day calendar has no entries for {year}; an admin can add the year"),
    )
}

/// The most working days counted at once: about forty years.
pub const MAX_WORKING_DAYS: i64 = 10_000;

/// The days listed in some years of the calendar, enough to count working days through them.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    years: BTreeSet<i32>,
    days: BTreeMap<NaiveDate, DayKind>,
}

impl WorkCalendar {
    /// A calendar holding `years`, with the listed `days` of them.
    pub fn new(
        years: impl IntoIterator<Item = i32>,
        days: impl IntoIterator<Item = (NaiveDate, DayKind)>,
    ) -> WorkCalendar {
        WorkCalendar {
            years: years.into_iter().collect(),
            days: days.into_iter().collect(),
        }
    }

    /// Whether `date` is a working day; an error for a year the calendar does not hold.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, Error> {
        if !self.years.contains(&date.year()) {
            return Err(year_not_held("date", date.year()));
        }
        Ok(match self.days.get(&date) {
            Some(DayKind::Off) => false,
            Some(DayKind::Working) => true,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        })
    }

    /// The day `days` working days after `from`: the next working day for 1, `from` itself for 0.
    pub fn after(&self, from: NaiveDate, days: i64) -> Result<NaiveDate, Error> {
        check_count(days)?;
        if !self.years.contains(&from.year()) {
            return Err(year_not_held("date", from.year()));
        }
        let mut date = from;
        let mut left = days;
        while left > 0 {
            date = next_day(date)?;
            if self.is_working_day(date)? {
                left -= 1;
            }
        }
        Ok(date)
    }

    /// The working days after `from` up to and including `to`, so that `after(from, n)` is `to`
    /// when `to` is a working day.
    pub fn between(&self, from: NaiveDate, to: NaiveDate) -> Result<i64, Error> {
        if to < from {
            return Err(Error::invalid(
                "to",
                "before_from",
                "must not be before the first day",
            ));
        }
        if !self.years.contains(&from.year()) {
            return Err(year_not_held("from", from.year()));
        }
        let mut count = 0;
        let mut date = from;
        while date < to {
            date = next_day(date)?;
            if self.is_working_day(date)? {
                count += 1;
            }
        }
        Ok(count)
    }
}

fn check_count(days: i64) -> Result<(), Error> {
    if days < 0 {
        return Err(Error::invalid(
            "days",
            "negative",
            "count working days forward: give 0 or more",
        ));
    }
    if days > MAX_WORKING_DAYS {
        return Err(Error::invalid(
            "days",
            "out_of_range",
            format!("must be at most {MAX_WORKING_DAYS}"),
        ));
    }
    Ok(())
}

fn next_day(date: NaiveDate) -> Result<NaiveDate, Error> {
    date.checked_add_days(Days::new(1))
        .ok_or_else(|| year_not_held("date", date.year().saturating_add(1)))
}

/// A question to the calendar: the day so many working days after a date.
#[derive(Debug, Clone, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkingDaysAfterQuery {
    /// The day counted from; not itself counted.
    #[serde(deserialize_with = "crate::limits::date")]
    pub date: NaiveDate,
    /// Working days to count, 0 or more.
    #[param(schema_with = working_days_count)]
    pub days: i64,
}

/// The `days` a question may count, as the OpenAPI document says: 0 to [`MAX_WORKING_DAYS`].
fn working_days_count() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::Integer)
        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::Int64,
        )))
        .minimum(Some(0))
        .maximum(Some(MAX_WORKING_DAYS))
        .build()
}

/// The answer: the day `days` working days after `from`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WorkingDaysAfter {
    pub from: NaiveDate,
    pub days: i64,
    pub date: NaiveDate,
}

/// A question to the calendar: the working days between two dates.
#[derive(Debug, Clone, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkingDaysBetweenQuery {
    /// The first day, not itself counted.
    #[serde(deserialize_with = "crate::limits::date")]
    pub from: NaiveDate,
    /// The last day, counted when it is a working day.
    #[serde(deserialize_with = "crate::limits::date")]
    pub to: NaiveDate,
}

/// The answer: how many working days lie after `from` up to and including `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WorkingDaysBetween {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub working_days: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// The shipped calendar's years 2025 and 2026.
    fn calendar() -> WorkCalendar {
        let mut days = Vec::new();
        for year in [2025, 2026] {
            days.extend(
                shipped_year(year)
                    .unwrap()
                    .into_iter()
                    .map(|d| (d.date, d.kind)),
            );
        }
        WorkCalendar::new([2025, 2026], days)
    }

    #[test]
    fn national_day_2026_is_crossed_with_its_adjusted_saturday() {
        let c = calendar();
        // 29 and 30 September, then 1–7 October off, then 8 and 9 October and Saturday the 10th,
        // worked in place of a day of the holiday.
        assert_eq!(c.after(day("2026-09-28"), 5).unwrap(), day("2026-10-10"));
        assert_eq!(c.after(day("2026-09-30"), 1).unwrap(), day("2026-10-08"));
        // Sunday 20 September is worked; the Mid-Autumn days 25–27 are not.
        assert!(c.is_working_day(day("2026-09-20")).unwrap());
        assert_eq!(c.after(day("2026-09-24"), 1).unwrap(), day("2026-09-28"));
    }

    #[test]
    fn national_day_2025_is_crossed_with_its_adjusted_sunday_and_saturday() {
        let c = calendar();
        // Sunday 28 September and Saturday 11 October 2025 are working days; 1–8 October are off.
        assert_eq!(c.after(day("2025-09-26"), 1).unwrap(), day("2025-09-28"));
        assert_eq!(c.after(day("2025-09-28"), 3).unwrap(), day("2025-10-09"));
        assert_eq!(c.after(day("2025-10-09"), 2).unwrap(), day("2025-10-11"));
        assert_eq!(c.between(day("2025-09-26"), day("2025-10-12")).unwrap(), 6);
    }

    #[test]
    fn the_spring_festivals_are_crossed_with_their_adjusted_weekend_days() {
        let c = calendar();
        // 2025: Sunday 26 January worked, 28 January to 4 February off, Saturday 8 February worked.
        assert_eq!(c.after(day("2025-01-24"), 1).unwrap(), day("2025-01-26"));
        assert_eq!(c.after(day("2025-01-26"), 2).unwrap(), day("2025-02-05"));
        assert!(c.is_working_day(day("2025-02-08")).unwrap());
        // 2026: Saturday 14 February worked, 15–23 February off, Saturday 28 February worked.
        assert_eq!(c.after(day("2026-02-13"), 1).unwrap(), day("2026-02-14"));
        assert_eq!(c.after(day("2026-02-14"), 1).unwrap(), day("2026-02-24"));
        assert_eq!(c.between(day("2026-02-13"), day("2026-02-28")).unwrap(), 6);
    }

    #[test]
    fn counting_crosses_from_one_held_year_into_the_next() {
        let c = calendar();
        // 31 December 2025 is a Wednesday; 1 January 2026 is off, 2 and 3 January too, and
        // Sunday 4 January is worked.
        assert_eq!(c.after(day("2025-12-31"), 1).unwrap(), day("2026-01-04"));
    }

    #[test]
    fn a_year_the_calendar_does_not_hold_is_an_error_not_a_guess() {
        let c = calendar();
        let err = c.after(day("2026-12-30"), 5).unwrap_err();
        assert!(
            err_text(&err).contains("no entries for 2027; an admin can add the year"),
            "{err:?}"
        );
        assert!(c.after(day("2029-03-02"), 0).is_err());
        assert!(c.is_working_day(day("2024-06-03")).is_err());
    }

    #[test]
    fn zero_working_days_after_a_date_is_the_date_itself() {
        let c = calendar();
        assert_eq!(c.after(day("2026-10-03"), 0).unwrap(), day("2026-10-03"));
        assert_eq!(c.between(day("2026-10-03"), day("2026-10-03")).unwrap(), 0);
    }

    #[test]
    fn a_negative_count_is_refused() {
        let err = calendar().after(day("2026-05-06"), -1).unwrap_err();
        assert!(err_text(&err).contains("days: count working days forward"));
        assert!(
            calendar()
                .between(day("2026-05-06"), day("2026-05-01"))
                .is_err()
        );
    }

    #[test]
    fn the_seven_holidays_have_english_names_and_others_none() {
        assert_eq!(
            holiday_name_en("国庆节、中秋节").as_deref(),
            Some("National Day and Mid-Autumn Festival")
        );
        assert_eq!(
            holiday_name_en("“五一”国际劳动节").as_deref(),
            Some("Labour Day")
        );
        assert_eq!(holiday_name_en("纪念日"), None);
    }

    #[test]
    fn the_shipped_calendar_holds_2019_to_2026_by_the_year_each_day_falls_in() {
        let years = shipped_years();
        for year in 2019..=2026 {
            assert!(years.contains(&year), "{year}");
            let days = shipped_year(year).unwrap();
            assert!(days.iter().all(|d| d.date.year() == year));
            assert!(days.iter().all(|d| d.name_en.is_some()), "{year}");
        }
        // The notice for 2019 lists 29–31 December 2018.
        assert!(
            shipped_year(2018)
                .unwrap()
                .iter()
                .any(|d| d.date == day("2018-12-29") && d.kind == DayKind::Working)
        );
    }

    #[test]
    fn typed_lines_are_read_and_each_problem_named_by_its_line() {
        let days = parse_day_lines("2028-01-01 off 元旦\n\n# 春节\n2028-02-05 班 春节\n").unwrap();
        assert_eq!(days.len(), 2);
        assert_eq!(days[1].kind, DayKind::Working);
        assert_eq!(days[1].name_zh.as_deref(), Some("春节"));
        let err = parse_day_lines("2028-13-01 off 元旦\n2028-01-02 maybe 元旦").unwrap_err();
        let text = err_text(&err);
        assert!(
            text.contains("line 1: '2028-13-01' is not a date"),
            "{text}"
        );
        assert!(text.contains("line 2: say 'off'"), "{text}");
    }

    #[test]
    fn a_year_s_days_must_fall_in_it_once_each_and_be_named() {
        let input = CalendarYearInput {
            year: 2028,
            lines: Some(
                "2028-01-01 off 元旦\n2027-12-31 off 元旦\n\n2028-01-01 off 元旦\n2028-01-03 off"
                    .into(),
            ),
            days: None,
        };
        let text = err_text(&input.into_days().unwrap_err());
        assert!(text.contains("line 2: 2027-12-31 is not in 2028"), "{text}");
        assert!(
            text.contains("line 4: 2028-01-01 is listed twice"),
            "{text}"
        );
        assert!(text.contains("line 5: name_zh"), "{text}");
        let shipped = CalendarYearInput {
            year: 2026,
            ..Default::default()
        };
        let (source, days) = shipped.into_days().unwrap();
        assert_eq!((source, days.len()), (DaySource::Dataset, 39));
        let missing = CalendarYearInput {
            year: 2031,
            ..Default::default()
        };
        assert!(err_text(&missing.into_days().unwrap_err()).contains("no days for 2031"));
    }

    fn err_text(err: &Error) -> String {
        match err {
            Error::Invalid(errors) => errors
                .0
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("\n"),
            other => other.to_string(),
        }
    }
}
