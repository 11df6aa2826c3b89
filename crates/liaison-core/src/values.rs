//! Small domain values that validate themselves: countries, money, half days, keys, references.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, de::DeserializeOwned};
use utoipa::ToSchema;

use crate::RecordKind;

/// Every ISO 3166-1 alpha-2 code in use, in alphabetical order.
const ISO_3166_ALPHA_2: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ \
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ \
DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR \
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY \
HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP \
KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY \
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ \
NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA \
RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ \
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ \
VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// The codes of [`ISO_3166_ALPHA_2`] as a table: bit `b` of row `a` is set when the code of
/// letters `a` and `b` (0 for A) is in use. Reading a stored country is one look-up: scanning
/// the list for each was a twentieth of the work of a page of trip applications.
const KNOWN_CODES: [u32; 26] = {
    let list = ISO_3166_ALPHA_2.as_bytes();
    let mut table = [0u32; 26];
    let mut i = 0;
    while i + 1 < list.len() {
        table[(list[i] - b'A') as usize] |= 1 << (list[i + 1] - b'A');
        i += 3;
    }
    table
};

/// Every ISO 3166-1 alpha-2 code, in alphabetical order, for a form's choices.
pub fn country_codes() -> impl Iterator<Item = &'static str> {
    ISO_3166_ALPHA_2.split(' ')
}

/// A country or territory as an ISO 3166-1 alpha-2 code, always upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ToSchema)]
#[schema(value_type = String, example = "LA")]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Accepts a known code in either case, such as `la` or `LA`.
    pub fn parse(input: &str) -> Result<Self, String> {
        let known = |a: u8, b: u8| {
            a.is_ascii_uppercase()
                && b.is_ascii_uppercase()
                && KNOWN_CODES[usize::from(a - b'A')] & (1 << (b - b'A')) != 0
        };
        match input.trim().as_bytes() {
            &[a, b] if known(a.to_ascii_uppercase(), b.to_ascii_uppercase()) => Ok(CountryCode([
                a.to_ascii_uppercase(),
                b.to_ascii_uppercase(),
            ])),
            _ => Err(format!(
                "'{input}' is not an ISO 3166-1 alpha-2 country code (such as CN, LA or GB)"
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        // The bytes are always two ASCII capitals, checked in `parse`.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// The region class that decides which approval track a partner follows.
    pub fn region(&self) -> RegionClass {
        match self.as_str() {
            "CN" => RegionClass::Mainland,
            "HK" => RegionClass::HongKong,
            "MO" => RegionClass::Macao,
            "TW" => RegionClass::Taiwan,
            _ => RegionClass::Foreign,
        }
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CountryCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CountryCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Hong Kong, Macao and Taiwan follow approval tracks of their own, apart from foreign countries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegionClass {
    Mainland,
    HongKong,
    Macao,
    Taiwan,
    Foreign,
}

/// An amount of Chinese yuan, kept as whole fen so that sums are exact.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[serde(transparent)]
#[schema(value_type = i64, example = 50000)]
pub struct Money(i64);

impl Money {
    pub const fn from_fen(fen: i64) -> Self {
        Money(fen)
    }

    pub const fn from_yuan(yuan: i64) -> Self {
        Money(yuan * 100)
    }

    pub const fn fen(&self) -> i64 {
        self.0
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}¥{}.{:02}", abs / 100, abs % 100)
    }
}

/// Which part of a day an event takes: the office books rooms and leaders by half days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayPart {
    #[default]
    FullDay,
    Morning,
    Afternoon,
}

impl DayPart {
    pub fn as_str(&self) -> &'static str {
        match self {
            DayPart::FullDay => "full_day",
            DayPart::Morning => "morning",
            DayPart::Afternoon => "afternoon",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "full_day" => Some(DayPart::FullDay),
            "morning" => Some(DayPart::Morning),
            "afternoon" => Some(DayPart::Afternoon),
            _ => None,
        }
    }
}

/// A date range with half-day precision, from the start of `start` to the end of `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HalfDaySpan {
    pub start_date: NaiveDate,
    pub start_part: DayPart,
    pub end_date: NaiveDate,
    pub end_part: DayPart,
}

impl HalfDaySpan {
    /// Refuses a span that ends before it starts, or that ends in the morning of a day it starts
    /// in the afternoon.
    pub fn new(
        start_date: NaiveDate,
        start_part: DayPart,
        end_date: NaiveDate,
        end_part: DayPart,
    ) -> Result<Self, String> {
        if end_date < start_date {
            return Err(format!(
                "the end date {end_date} is before the start date {start_date}"
            ));
        }
        if end_date == start_date {
            let valid = matches!(
                (start_part, end_part),
                (DayPart::FullDay, DayPart::FullDay)
                    | (DayPart::Morning, DayPart::Morning)
                    | (DayPart::Morning, DayPart::Afternoon)
                    | (DayPart::Afternoon, DayPart::Afternoon)
            );
            if !valid {
                return Err(format!(
                    "on a single day the parts must match or run from morning to afternoon, not {} to {}",
                    start_part.as_str(),
                    end_part.as_str()
                ));
            }
        }
        Ok(HalfDaySpan {
            start_date,
            start_part,
            end_date,
            end_part,
        })
    }

    /// Calendar days touched, counting both the first and the last day, as trip rules count them.
    pub fn calendar_days(&self) -> i64 {
        (self.end_date - self.start_date).num_days() + 1
    }
}

/// A whole number with thousands separators, as both languages print them in the office:
/// 220000 as "220,000".
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A stable name for a record chosen by whoever imports it, such as `org-lftu`.
///
/// Keys make imports repeatable: a record whose key already exists is not created again.
pub fn check_key(key: &str) -> Result<(), String> {
    let ok_chars = key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.:/".contains(c));
    if key.is_empty() || key.len() > 100 || !ok_chars {
        Err(format!(
            "'{key}' is not a valid key: use 1 to 100 letters, digits and - _ . : /"
        ))
    } else {
        Ok(())
    }
}

/// A link to an existing record, by its number or by its key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Link {
    Id(i64),
    Key(String),
}

impl fmt::Display for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Link::Id(id) => write!(f, "{id}"),
            Link::Key(key) => write!(f, "'{key}'"),
        }
    }
}

impl<'de> Deserialize<'de> for Link {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        link_from_value(&value).map_err(serde::de::Error::custom)
    }
}

fn link_from_value(value: &serde_json::Value) -> Result<Link, String> {
    match value {
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(id) if id > 0 => Ok(Link::Id(id)),
            _ => Err(format!("{n} is not a record number")),
        },
        serde_json::Value::String(key) => {
            check_key(key)?;
            Ok(Link::Key(key.clone()))
        }
        _ => Err("expected a record number or a key".to_owned()),
    }
}

/// A reference that either links to an existing record or describes a new one to create.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Ref<T> {
    Link(Link),
    New(Box<T>),
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Ref<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        if value.is_object() {
            serde_json::from_value(value)
                .map(|t| Ref::New(Box::new(t)))
                .map_err(serde::de::Error::custom)
        } else {
            link_from_value(&value).map(Ref::Link).map_err(|_| {
                serde::de::Error::custom(
                    "expected a record number, a key, or an object describing a new record",
                )
            })
        }
    }
}

/// A linked record shown with its name, so a reader need not look it up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Named {
    pub id: i64,
    pub key: Option<String>,
    pub name: String,
}

impl Named {
    /// A link to the named record of `kind` by its key ([`export_key`]), which stays true in
    /// another database, where its number would not.
    pub fn link(&self, kind: RecordKind) -> Link {
        Link::Key(export_key(kind, self.id, &self.key))
    }

    /// The same, as a reference to an existing record.
    pub fn reference<T>(&self, kind: RecordKind) -> Ref<T> {
        Ref::Link(self.link(kind))
    }
}

/// The key a record is known by outside this database: its own, or `{kind}-{number}` for a
/// record entered without one, so an export names every record and the links between them.
pub fn export_key(kind: RecordKind, id: i64, key: &Option<String>) -> String {
    key.clone().unwrap_or_else(|| format!("{kind}-{id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_linked_record_is_named_by_its_key_or_by_its_kind_and_number() {
        let keyed = Named {
            id: 7,
            key: Some("org-lftu".into()),
            name: "LFTU".into(),
        };
        let unkeyed = Named {
            key: None,
            ..keyed.clone()
        };
        assert_eq!(
            keyed.link(crate::ORGANIZATION),
            Link::Key("org-lftu".into())
        );
        assert_eq!(
            unkeyed.link(crate::ORGANIZATION),
            Link::Key("organization-7".into())
        );
        assert_eq!(export_key(crate::CALENDAR_DAY, 3, &None), "calendar_day-3");
    }

    #[test]
    fn numbers_are_written_with_thousands_separators() {
        assert_eq!(thousands(220_000), "220,000");
        assert_eq!(thousands(30), "30");
        assert_eq!(thousands(-1_234_567), "-1,234,567");
    }

    #[test]
    fn country_codes_cover_the_iso_list_and_reject_unknown_ones() {
        assert_eq!(ISO_3166_ALPHA_2.split(' ').count(), 249);
        assert_eq!(CountryCode::parse("la").unwrap().as_str(), "LA");
        assert!(CountryCode::parse("XX").is_err());
        assert!(CountryCode::parse("LAO").is_err());
        assert!(CountryCode::parse("").is_err());
        assert!(CountryCode::parse(" cn ").is_ok());
        assert!(CountryCode::parse("老挝").is_err());
        assert!(CountryCode::parse("L1").is_err());
        // Every pair of letters is a code exactly when the list has it.
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                let code = String::from_utf8(vec![a, b]).unwrap();
                let listed = ISO_3166_ALPHA_2.split(' ').any(|c| c == code);
                assert_eq!(CountryCode::parse(&code).is_ok(), listed, "{code}");
                let lower = code.to_ascii_lowercase();
                assert_eq!(CountryCode::parse(&lower).is_ok(), listed, "{lower}");
            }
        }
    }

    #[test]
    fn hong_kong_macao_and_taiwan_have_their_own_region_class() {
        let region = |c| CountryCode::parse(c).unwrap().region();
        assert_eq!(region("HK"), RegionClass::HongKong);
        assert_eq!(region("MO"), RegionClass::Macao);
        assert_eq!(region("TW"), RegionClass::Taiwan);
        assert_eq!(region("CN"), RegionClass::Mainland);
        assert_eq!(region("LA"), RegionClass::Foreign);
    }

    #[test]
    fn money_prints_as_yuan_with_two_decimals() {
        assert_eq!(Money::from_fen(123456).to_string(), "¥1234.56");
        assert_eq!(Money::from_yuan(200).to_string(), "¥200.00");
        assert_eq!(Money::from_fen(-5).to_string(), "-¥0.05");
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_half_day_span_may_not_end_before_it_starts() {
        use DayPart::*;
        assert!(HalfDaySpan::new(d("2020-01-09"), Morning, d("2020-01-09"), Morning).is_ok());
        assert!(HalfDaySpan::new(d("2020-01-09"), Morning, d("2020-01-09"), Afternoon).is_ok());
        assert!(HalfDaySpan::new(d("2020-01-09"), Afternoon, d("2020-01-09"), Morning).is_err());
        assert!(HalfDaySpan::new(d("2020-01-09"), FullDay, d("2020-01-09"), Morning).is_err());
        assert!(HalfDaySpan::new(d("2020-01-10"), FullDay, d("2020-01-09"), FullDay).is_err());
        assert!(HalfDaySpan::new(d("2020-01-09"), Afternoon, d("2020-01-10"), Morning).is_ok());
    }

    #[test]
    fn calendar_days_count_the_days_of_leaving_and_entering() {
        let span = HalfDaySpan::new(
            d("2024-03-01"),
            DayPart::Afternoon,
            d("2024-03-05"),
            DayPart::Morning,
        )
        .unwrap();
        assert_eq!(span.calendar_days(), 5);
    }

    #[test]
    fn references_accept_numbers_keys_and_new_records() {
        let r: Ref<serde_json::Value> = serde_json::from_str("7").unwrap();
        assert_eq!(r, Ref::Link(Link::Id(7)));
        let r: Ref<serde_json::Value> = serde_json::from_str("\"org-lftu\"").unwrap();
        assert_eq!(r, Ref::Link(Link::Key("org-lftu".into())));
        let r: Ref<serde_json::Value> = serde_json::from_str("{\"a\":1}").unwrap();
        assert!(matches!(r, Ref::New(_)));
        assert!(serde_json::from_str::<Ref<serde_json::Value>>("-3").is_err());
        assert!(serde_json::from_str::<Ref<serde_json::Value>>("\"has space\"").is_err());
        assert!(serde_json::from_str::<Ref<serde_json::Value>>("true").is_err());
    }
}
