//! Liaison's domain: the records of an international exchange office, their validation and rules.
//!
//! Nothing here knows about HTTP or SQL; the store and the web crates build on these types.

pub mod accounts;
pub mod activities;
pub mod agreements;
pub mod approvals;
pub mod audit;
pub mod bench_data;
pub mod calendars;
pub mod countries;
pub mod demo;
pub mod dossier;
pub mod error;
pub mod exchange;
pub mod files;
pub mod gifts;
pub mod imports;
pub mod kind;
pub mod lifecycle;
pub mod limits;
pub mod meta;
pub mod names;
pub mod news;
pub mod organizations;
pub mod passports;
pub mod people;
pub mod personal;
pub mod policy;
pub mod references;
pub mod reminders;
pub mod review;
pub mod roles;
pub mod searchable;
pub mod secrets;
pub mod timeline;
pub mod trips;
pub mod units;
pub mod validate;
pub mod values;
pub mod workdays;

pub use accounts::{Action, Actor, USER, User, UserInput, UserRole};
pub use activities::*;
pub use agreements::*;
pub use audit::{AUDIT_LOG, AuditEntry, AuditFilter};
pub use calendars::CalendarFeed;
pub use countries::{
    country_filter_code, country_name, country_name_of, find_country, parse_country,
};
pub use dossier::*;
pub use error::{Error, FieldError, FieldErrors};
pub use exchange::*;
pub use files::{FileCaption, FileLimits, FileName, NewFile, StoredFile};
pub use gifts::*;
pub use imports::*;
pub use kind::{
    CellKind, InputProblem, Involvement, Kind, Naming, Record, RecordKind, Through, Timeline,
    checked_input, code, nothing_implied,
};
pub use lifecycle::{Lifecycle, RecordEvent, RecordEventInput, Stateful, TransitionRequest};
pub use meta::*;
pub use names::{NameKind, NameMatch, NameQuery};
pub use news::{NewsDraft, NewsLanguage, NewsPhoto, NewsPhotoInput, NewsRelease, NewsReleaseInput};
pub use organizations::*;
pub use people::*;
pub use policy::{Policy, University};
pub use references::{Reference, References, Refers};
pub use review::{AnnualReview, ReviewRatio, ReviewRow};
pub use roles::{ROLE, Role};
pub use searchable::{SearchText, Searchable};
pub use timeline::*;
pub use units::*;
pub use validate::Validate;
pub use values::*;

pub use workdays::{
    CALENDAR_DAY, CALENDAR_DAY_SORTS, CalendarDay, CalendarDayFilter, CalendarDayInput,
    CalendarYear, CalendarYearInput, DayKind, DaySource, WorkCalendar, WorkingDaysAfter,
    WorkingDaysAfterQuery, WorkingDaysBetween, WorkingDaysBetweenQuery,
};

/// Every kind of record, each declared in its own module, in the order the import page and
/// the permission tables show them. A new kind is added here, once.
pub const KINDS: &[RecordKind] = &[
    UNIT,
    ORGANIZATION,
    PERSON,
    ACTIVITY,
    GIFT,
    AGREEMENT,
    ROLE,
    USER,
    AUDIT_LOG,
    CALENDAR_DAY,
    trips::TRIP,
    passports::PASSPORT,
];
