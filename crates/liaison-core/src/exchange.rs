//! The document Liaison imports and exports: every record in the API's own input form.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    ACTIVITY, AGREEMENT, ActivityInput, AgreementInput, CALENDAR_DAY, DayKind, DaySource, GIFT,
    GiftInput, NewsLanguage, ORGANIZATION, OrganizationInput, PERSON, PersonInput, ROLE,
    RecordEventInput, RecordKind, Role, UNIT, USER, UnitInput, UserRole,
};

/// The format version written by `liaison export`. Format 1 carried the records of the office
/// without the accounts, the working-day calendar, the news releases and the calendar feeds;
/// format 2 added them; format 3 added trips abroad and their approvals, and then official passports and permits
/// in the office's custody and the photos each news release shows (optional parts, so earlier format 3
/// documents still read). Documents of the earlier formats still import.
pub const EXCHANGE_FORMAT: i64 = 3;

/// The formats `liaison import` reads.
pub const EXCHANGE_FORMATS: std::ops::RangeInclusive<i64> = 1..=EXCHANGE_FORMAT;

/// A set of records to import, or everything exported. Records refer to each other by key, so a
/// document moves between databases unchanged, and importing it twice creates nothing new.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeDocument {
    #[serde(default = "format")]
    pub liaison_format: i64,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub organizations: Vec<OrganizationInput>,
    #[serde(default)]
    pub units: Vec<UnitInput>,
    #[serde(default)]
    pub people: Vec<PersonInput>,
    #[serde(default)]
    pub activities: Vec<ActivityInput>,
    #[serde(default)]
    pub gifts: Vec<GiftInput>,
    #[serde(default)]
    pub agreements: Vec<AgreementInput>,
    /// The history of the records' states, oldest first. A record imported with its history
    /// keeps it as it was; one imported without starts its history with the import.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<RecordEventInput>,
    /// The accounts, without their passwords, sessions and API tokens (see
    /// [`ExchangeAccount`]).
    #[serde(default)]
    pub users: Vec<ExchangeAccount>,
    /// The working-day calendar, a year at a time.
    #[serde(default)]
    pub calendar: Vec<ExchangeCalendarYear>,
    /// The news releases saved for activities.
    #[serde(default)]
    pub news: Vec<ExchangeNewsRelease>,
    /// The calendar feeds users subscribed to, by the hash of their secret.
    #[serde(default)]
    pub calendar_feeds: Vec<ExchangeCalendarFeed>,
    /// Trip applications, their approval chains, the trip policy, deputies and briefings.
    #[serde(default, skip_serializing_if = "crate::trips::ExchangeTrips::is_empty")]
    pub trips: crate::trips::ExchangeTrips,
    /// Official passports and permits in the office's custody, their custody logs and policy.
    #[serde(
        default,
        skip_serializing_if = "crate::passports::ExchangePassports::is_empty"
    )]
    pub passports: crate::passports::ExchangePassports,
}

impl ExchangeDocument {
    /// How many records of each kind the document carries, for every kind it carries. A kind
    /// missing here is not moved by `liaison export`; the round trip test fails for a kind of
    /// [`crate::KINDS`] it does not find.
    pub fn kinds(&self) -> Vec<(RecordKind, usize)> {
        vec![
            (ROLE, self.roles.len()),
            (ORGANIZATION, self.organizations.len()),
            (UNIT, self.units.len()),
            (PERSON, self.people.len()),
            (ACTIVITY, self.activities.len()),
            (
                GIFT,
                self.gifts.len() + self.activities.iter().map(|a| a.gifts.len()).sum::<usize>(),
            ),
            (AGREEMENT, self.agreements.len()),
            (USER, self.users.len()),
            (
                CALENDAR_DAY,
                self.calendar.iter().map(|y| y.days.len()).sum(),
            ),
            (crate::trips::TRIP, self.trips.applications.len()),
            (crate::passports::PASSPORT, self.passports.documents.len()),
        ]
    }
}

/// An account as it moves between databases: who the user is and what they may do. Its
/// password does not move: an argon2 hash of a password a person chose can be guessed at
/// offline, and an export file is copied more freely than the database, so an imported account
/// has no password until an admin sets one (`liaison user reset-password`). Sessions and API
/// tokens stay behind too: a session is short-lived, and a token is issued again for the new
/// installation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeAccount {
    pub username: String,
    pub display_name: String,
    pub role: UserRole,
    /// The key of a liaison officer's unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub active: bool,
    /// The interface language the user chose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// A year of the working-day calendar with every day it lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeCalendarYear {
    pub year: i32,
    pub source: DaySource,
    pub added_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added_by: Option<String>,
    pub days: Vec<ExchangeCalendarDay>,
}

/// A day of the working-day calendar: a day off or a weekend day worked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeCalendarDay {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub date: NaiveDate,
    pub kind: DayKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_zh: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub source: DaySource,
}

/// The news release of an activity in one language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeNewsRelease {
    /// The key of its activity.
    pub activity: String,
    pub language: NewsLanguage,
    pub title: String,
    pub body: String,
    pub published: bool,
    /// When it was first published, which orders the public news pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<DateTime<Utc>>,
    /// The photos it shows, in order, among the files of its activity. A document written
    /// before releases carried their photos has none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<ExchangeNewsPhoto>,
}

/// A photo a news release shows, named so that it is found again in another database: by the
/// content hash and name of the activity's file (the activity is the release's), never by a
/// number of the database it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeNewsPhoto {
    /// The SHA-256 of the file's bytes, in lower-case hexadecimal.
    pub content_hash: String,
    /// The file's name.
    pub name: String,
    /// The caption the release prints under it.
    #[serde(default)]
    pub caption: String,
}

/// A calendar feed. Its secret is kept only as a SHA-256 hash, which moves with it: the hash of
/// a random secret reveals nothing, and the feed's address keeps working in the calendar
/// programs that subscribed to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeCalendarFeed {
    /// The username of its owner.
    pub user: String,
    pub name: String,
    /// The key of the unit whose activities it carries; none for every activity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
}

fn format() -> i64 {
    EXCHANGE_FORMAT
}

impl Default for ExchangeDocument {
    fn default() -> Self {
        ExchangeDocument {
            liaison_format: EXCHANGE_FORMAT,
            roles: Vec::new(),
            organizations: Vec::new(),
            units: Vec::new(),
            people: Vec::new(),
            activities: Vec::new(),
            gifts: Vec::new(),
            agreements: Vec::new(),
            history: Vec::new(),
            users: Vec::new(),
            calendar: Vec::new(),
            news: Vec::new(),
            calendar_feeds: Vec::new(),
            trips: Default::default(),
            passports: Default::default(),
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportReport {
    pub created: i64,
    /// Records whose key was already present, left as they were.
    pub unchanged: i64,
}
