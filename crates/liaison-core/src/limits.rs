//! The bounds every input is held to, in one place: forms, JSON bodies, query strings and
//! spreadsheet imports all read them here.
//!
//! Each bound is far above what an office records and far below what would cost a server
//! memory or time: a bound that a real record could reach is a defect.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer};

use crate::FieldErrors;

/// The longest single-line text, in characters.
pub const MAX_LINE: usize = 500;
/// The longest free text (summaries, profiles, points), in characters.
pub const MAX_TEXT: usize = 100_000;
/// The most entries of one list in one submission (tags, participants, agenda points, partners…).
pub const MAX_LIST: usize = 1_000;
/// The earliest year of a date: older dates in an office's records are typing mistakes.
pub const FIRST_YEAR: i32 = 1900;
/// The latest year of a date; the latest year a list filter or the annual review accepts.
pub const LAST_YEAR: i32 = 2200;
/// The largest amount of money, in fen: ¥10,000,000,000. A million gifts this large still
/// add up well within a 64-bit sum.
pub const MAX_MONEY_FEN: i64 = 1_000_000_000_000;
/// The highest page of a list: 10,000 pages of the largest page are a million rows, and an
/// offset that large can never overflow.
pub const MAX_PAGE: i64 = 10_000;
/// The largest count of people, members or items in a record (a union's membership).
pub const MAX_COUNT: i64 = 1_000_000_000;

/// A spreadsheet's parts may expand to at most this many bytes, whatever the file's size.
pub const MAX_IMPORT_EXPANDED_BYTES: u64 = 64 * 1024 * 1024;
/// The most parts a workbook may hold; a real one has a few dozen.
pub const MAX_IMPORT_PARTS: usize = 1_000;
/// The most non-empty cells read from one sheet.
pub const MAX_IMPORT_CELLS: usize = 1_000_000;
/// The most text, in bytes, that the cells of one file may hold altogether: the same as the
/// largest file accepted, so a workbook cannot keep more than a csv of the upload limit would.
pub const MAX_IMPORT_TEXT_BYTES: usize = 10 * 1024 * 1024;

/// Whether a text holds U+0000, which PostgreSQL cannot store in text and which no form or
/// spreadsheet of a user holds.
pub fn has_nul(text: &str) -> bool {
    text.contains('\0')
}

/// Adds the error of a text holding U+0000.
pub fn nul(errors: &mut FieldErrors, field: &str, text: &str) {
    if has_nul(text) {
        errors.add(
            field,
            "nul_character",
            "must not contain the character U+0000",
        );
    }
}

/// Adds the error of a list longer than [`MAX_LIST`].
pub fn list(errors: &mut FieldErrors, field: &str, len: usize) {
    if len > MAX_LIST {
        errors.add(
            field,
            "too_many",
            format!("must have at most {MAX_LIST} entries (it has {len})"),
        );
    }
}

/// Adds an error for each entry of `values` that equals an earlier one (after `same`), at the
/// later place, in one pass.
pub fn duplicates<'a, T, K>(
    errors: &mut FieldErrors,
    field: &str,
    values: impl IntoIterator<Item = &'a T>,
    same: impl Fn(&'a T) -> Option<K>,
    message: impl Fn(&'a T) -> String,
) where
    T: 'a,
    K: std::hash::Hash + Eq,
{
    let mut seen = HashSet::new();
    for (i, value) in values.into_iter().enumerate() {
        if let Some(k) = same(value)
            && !seen.insert(k)
        {
            errors.add(format!("{field}[{i}]"), "duplicate", message(value));
        }
    }
}

/// A date written as `YYYY-MM-DD`, with four digits of year between [`FIRST_YEAR`] and
/// [`LAST_YEAR`].
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let b = text.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let date = shaped
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| format!("'{text}' is not a date written as YYYY-MM-DD"))?;
    check_date(date)?;
    Ok(date)
}

/// Refuses a date outside [`FIRST_YEAR`] to [`LAST_YEAR`].
pub fn check_date(date: NaiveDate) -> Result<(), String> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
        Ok(())
    } else {
        Err(format!(
            "{date} is not a day between {FIRST_YEAR} and {LAST_YEAR}"
        ))
    }
}

/// Adds the error of a day outside [`FIRST_YEAR`] to [`LAST_YEAR`], for a record put together
/// by a form or a spreadsheet rather than read from JSON.
pub fn day(errors: &mut FieldErrors, field: &str, date: Option<NaiveDate>) {
    if let Some(date) = date
        && let Err(message) = check_date(date)
    {
        errors.add(field, "out_of_range", message);
    }
}

/// Adds the error of a count below `least` or above [`MAX_COUNT`].
pub fn count(errors: &mut FieldErrors, field: &str, least: i64, value: Option<i64>) {
    if let Some(n) = value
        && !(least..=MAX_COUNT).contains(&n)
    {
        errors.add(
            field,
            "out_of_range",
            format!("must be between {least} and {MAX_COUNT}"),
        );
    }
}

/// Refuses a year outside [`FIRST_YEAR`] to [`LAST_YEAR`], as a field error of `field`.
pub fn check_year(errors: &mut FieldErrors, field: &str, year: i32) {
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        errors.add(
            field,
            "out_of_range",
            format!("the year must be between {FIRST_YEAR} and {LAST_YEAR}"),
        );
    }
}

/// Refuses an amount of money below zero or above [`MAX_MONEY_FEN`].
pub fn money(errors: &mut FieldErrors, field: &str, fen: i64) {
    if !(0..=MAX_MONEY_FEN).contains(&fen) {
        errors.add(
            field,
            "out_of_range",
            format!(
                "must be between 0 and {} fen (¥{})",
                MAX_MONEY_FEN,
                crate::thousands(MAX_MONEY_FEN / 100)
            ),
        );
    }
}

/// Reads a date field of a submitted document strictly, as [`parse_date`] does.
pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let text = String::deserialize(d)?;
    parse_date(&text).map_err(serde::de::Error::custom)
}

/// Reads an optional date field strictly; `null` is no date.
pub fn optional_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    match Option::<String>::deserialize(d)? {
        Some(text) => parse_date(&text)
            .map(Some)
            .map_err(serde::de::Error::custom),
        None => Ok(None),
    }
}

/// Reads an optional year, such as a list filter's, refusing one outside [`FIRST_YEAR`] to
/// [`LAST_YEAR`].
pub fn optional_year<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    let year = Option::<i64>::deserialize(d)?;
    match year {
        Some(y) if (i64::from(FIRST_YEAR)..=i64::from(LAST_YEAR)).contains(&y) => {
            Ok(Some(y as i32))
        }
        Some(y) => Err(serde::de::Error::custom(format!(
            "{y} is not a year between {FIRST_YEAR} and {LAST_YEAR}"
        ))),
        None => Ok(None),
    }
}

/// Every problem of a JSON document as a whole, before it is read into a record: a text with
/// U+0000 or longer than [`MAX_TEXT`], a list longer than [`MAX_LIST`], each at its path such as
/// `participants[2].note`. Walking the document is linear in its size.
pub fn check_json(value: &serde_json::Value) -> FieldErrors {
    let mut errors = FieldErrors::new();
    walk(value, &mut String::new(), &mut errors);
    errors
}

fn walk(value: &serde_json::Value, path: &mut String, errors: &mut FieldErrors) {
    use serde_json::Value;
    // One problem of each kind is enough to show what is wrong; a body of a million bad
    // strings would otherwise answer with a million errors.
    if errors.0.len() >= 100 {
        return;
    }
    match value {
        Value::String(s) => {
            nul(errors, path, s);
            if s.len() > MAX_TEXT * 4 || s.chars().count() > MAX_TEXT {
                errors.add(
                    path.as_str(),
                    "too_long",
                    format!("must be at most {MAX_TEXT} characters"),
                );
            }
        }
        Value::Array(items) => {
            list(errors, path, items.len());
            if items.len() > MAX_LIST {
                return;
            }
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(item, path, errors);
                path.truncate(len);
            }
        }
        Value::Object(fields) => {
            for (name, item) in fields {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                if has_nul(name) {
                    path.push_str(&name.replace('\0', "\\u0000"));
                    nul(errors, path, name);
                } else {
                    path.push_str(name);
                    walk(item, path, errors);
                }
                path.truncate(len);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_four_digit_years_with_two_digit_months_and_days_in_range() {
        assert_eq!(
            parse_date("2024-01-01"),
            Ok(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap())
        );
        for wrong in [
            "2024-1-1",
            "0000-01-01",
            "-0001-01-01",
            "1899-12-31",
            "2201-01-01",
            "+2024-01-01",
            "2024-02-30",
            "20240101",
            " 2024-01-01",
        ] {
            assert!(parse_date(wrong).is_err(), "{wrong} was accepted");
        }
        assert!(parse_date("1900-01-01").is_ok());
        assert!(parse_date("2200-12-31").is_ok());
    }

    #[test]
    fn a_json_document_is_refused_at_the_path_of_each_nul_and_overlong_list() {
        let tags: Vec<String> = (0..=MAX_LIST).map(|i| format!("t{i}")).collect();
        let doc = serde_json::json!({
            "title_en": "a\u{0}b",
            "tags": tags,
            "participants": [{"note": "fine"}, {"note": "\u{0}"}],
        });
        let errors = check_json(&doc);
        let found: Vec<(&str, &str)> = errors
            .0
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("participants[1].note", "nul_character"),
                ("tags", "too_many"),
                ("title_en", "nul_character"),
            ]
        );
        assert!(check_json(&serde_json::json!({"tags": ["a", "b"]})).is_empty());
    }

    #[test]
    fn duplicates_are_found_at_their_later_place_in_one_pass() {
        let mut errors = FieldErrors::new();
        let values = ["a", "b", "a", "c", "b"];
        duplicates(
            &mut errors,
            "tags",
            values.iter(),
            |v| Some(*v),
            |v| format!("'{v}' is listed twice"),
        );
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["tags[2]", "tags[4]"]);
    }

    #[test]
    fn money_is_refused_below_zero_and_above_the_largest_amount() {
        let mut errors = FieldErrors::new();
        money(&mut errors, "v", -1);
        money(&mut errors, "v", MAX_MONEY_FEN + 1);
        money(&mut errors, "v", i64::MAX);
        money(&mut errors, "v", MAX_MONEY_FEN);
        money(&mut errors, "v", 0);
        assert_eq!(errors.0.len(), 3);
    }
}
