//! Official passports and permits kept in the office's custody: the document, the custody log of
//! hand-outs and returns, the passport policy, and the checks a trip must pass for its members'
//! documents.
//!
//! Official passports (公务护照, 公务普通护照) and official permits for Hong Kong, Macao and Taiwan
//! are kept by the international office, handed out for an approved trip and returned within days
//! of coming back. The provincial foreign-affairs offices punish late returns by suspending a
//! person's or a whole unit's applications, so Liaison holds the same rules: an overdue holder
//! cannot submit or be approved for a new trip, and a unit past a number of overdue documents has
//! its new applications held. Every number is a parameter of [`PassportPolicy`].

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::accounts::{Actor, UserRole};
use crate::kind::{Kind, Naming, Record, RecordKind, Rights, Scope};
use crate::lifecycle::{Lifecycle, Stateful, Transition, Who};
use crate::trips::{Deadline, Track};
use crate::validate::{self, Validate};
use crate::workdays::WorkCalendar;
use crate::{Error, FieldErrors, Link, Meta, Named};

/// Where a document stands.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PassportStatus {
    /// In the office's cabinet.
    #[default]
    InCustody,
    /// Handed out to its holder (or someone for them) for a trip.
    HandedOut,
    Lost,
    Cancelled,
    Expired,
    /// Handed to the provincial foreign-affairs office (for a visa, an endorsement, or to be
    /// cancelled there).
    HandedToProvince,
}

impl PassportStatus {
    pub const ALL: [PassportStatus; 6] = [
        PassportStatus::InCustody,
        PassportStatus::HandedOut,
        PassportStatus::Lost,
        PassportStatus::Cancelled,
        PassportStatus::Expired,
        PassportStatus::HandedToProvince,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            PassportStatus::InCustody => "in_custody",
            PassportStatus::HandedOut => "handed_out",
            PassportStatus::Lost => "lost",
            PassportStatus::Cancelled => "cancelled",
            PassportStatus::Expired => "expired",
            PassportStatus::HandedToProvince => "handed_to_province",
        }
    }

    pub fn parse(s: &str) -> Option<PassportStatus> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Whether the document may still be used for a trip.
    pub fn usable(&self) -> bool {
        matches!(self, PassportStatus::InCustody | PassportStatus::HandedOut)
    }
}

/// The transition that hands a document out; it writes a line of the custody log.
pub const HAND_OUT: &str = "hand_out";
/// The transition that takes a document back; it writes a line of the custody log.
pub const RETURN: &str = "return";

/// A document's lifecycle: only the office changes it.
pub static PASSPORT_LIFECYCLE: Lifecycle = Lifecycle {
    states: &[
        "in_custody",
        "handed_out",
        "lost",
        "cancelled",
        "expired",
        "handed_to_province",
    ],
    initial: "in_custody",
    transitions: &[
        Transition {
            name: HAND_OUT,
            from: &["in_custody"],
            to: "handed_out",
            who: Who::Office,
        },
        Transition {
            name: RETURN,
            from: &["handed_out"],
            to: "in_custody",
            who: Who::Office,
        },
        Transition {
            name: "report_lost",
            from: &["in_custody", "handed_out"],
            to: "lost",
            who: Who::Office,
        },
        Transition {
            name: "expire",
            from: &["in_custody"],
            to: "expired",
            who: Who::Office,
        },
        Transition {
            name: "hand_to_province",
            from: &["in_custody", "expired", "lost"],
            to: "handed_to_province",
            who: Who::Office,
        },
        Transition {
            name: "take_back",
            from: &["handed_to_province"],
            to: "in_custody",
            who: Who::Office,
        },
        Transition {
            name: "cancel",
            from: &["in_custody", "expired", "lost", "handed_to_province"],
            to: "cancelled",
            who: Who::Office,
        },
    ],
};

/// A kind of document the office keeps: the built-in ones, and those the office adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentKind {
    /// A short code such as `official_passport`: lower-case letters, digits and underscores.
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// The trips it is used for: a passport for trips abroad, a permit for its region's track.
    pub track: Track,
}

/// The kinds of document every installation starts with.
pub const BUILT_IN_DOCUMENT_KINDS: &[(&str, &str, &str, Track)] = &[
    (
        "official_passport",
        "公务护照",
        "Official passport",
        Track::Foreign,
    ),
    (
        "official_ordinary_passport",
        "公务普通护照",
        "Official ordinary passport",
        Track::Foreign,
    ),
    (
        "hong_kong_macao_permit",
        "往来港澳通行证（公务签注）",
        "Exit-entry permit for Hong Kong and Macao (official endorsement)",
        Track::HongKongMacao,
    ),
    (
        "taiwan_permit",
        "大陆居民往来台湾通行证",
        "Mainland residents' travel permit to Taiwan",
        Track::Taiwan,
    ),
];

impl Validate for DocumentKind {
    fn check(&mut self, errors: &mut FieldErrors) {
        self.code = self.code.trim().to_owned();
        self.name_zh = self.name_zh.trim().to_owned();
        self.name_en = self.name_en.trim().to_owned();
        if let Err(message) = crate::roles::check_code(&self.code) {
            errors.add(
                "code",
                "invalid",
                message.replace("role code", "document kind's code"),
            );
        }
        for (field, value) in [("name_zh", &self.name_zh), ("name_en", &self.name_en)] {
            if value.is_empty() {
                errors.add(field, "required", "is required");
            }
            validate::line(errors, field, &Some(value.clone()));
        }
    }
}

/// A document as the office records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PassportInput {
    /// The version the change started from; omitted for a new document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The code of its kind, such as `official_passport`.
    pub kind: String,
    /// Its holder: a person of the university, by number or key.
    pub holder: Link,
    /// The document's number: personal data, sealed at rest and shown masked.
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default, deserialize_with = "crate::limits::optional_date")]
    #[schema(value_type = Option<String>, format = Date)]
    pub issued_on: Option<NaiveDate>,
    #[serde(default)]
    pub issue_place: Option<String>,
    #[serde(deserialize_with = "crate::limits::date")]
    #[schema(value_type = String, format = Date)]
    pub expires_on: NaiveDate,
    /// Where it is kept: the cabinet and slot.
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

impl Validate for PassportInput {
    fn check(&mut self, errors: &mut FieldErrors) {
        self.kind = self.kind.trim().to_owned();
        validate::clean_all(&mut [
            &mut self.key,
            &mut self.number,
            &mut self.issue_place,
            &mut self.location,
            &mut self.notes,
        ]);
        if self.kind.is_empty() {
            errors.add("kind", "required", "is required");
        }
        validate::line(errors, "kind", &Some(self.kind.clone()));
        validate::line(errors, "key", &self.key);
        validate::line(errors, "number", &self.number);
        if let Some(number) = &self.number
            && number.chars().count() > 30
        {
            errors.add(
                "number",
                "too_long",
                "a document number has at most 30 characters",
            );
        }
        validate::line(errors, "issue_place", &self.issue_place);
        validate::line(errors, "location", &self.location);
        validate::text(errors, "notes", &self.notes);
        if let Some(issued) = self.issued_on
            && issued > self.expires_on
        {
            errors.add(
                "expires_on",
                "before_issue",
                "a document expires after the day it was issued",
            );
        }
    }
}

/// Who has a document that is out, and for what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Handout {
    /// Whom it was handed to.
    pub to: Named,
    #[schema(value_type = String, format = Date)]
    pub on: NaiveDate,
    /// The trip it was handed out for.
    pub trip: Option<Named>,
    /// The trip's actual day of return, once recorded.
    #[schema(value_type = Option<String>, format = Date)]
    pub trip_returned: Option<NaiveDate>,
    /// A day of return agreed at hand-out, for a document handed out without a trip.
    #[schema(value_type = Option<String>, format = Date)]
    pub agreed_due: Option<NaiveDate>,
}

/// A stored document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Passport {
    #[serde(flatten)]
    pub meta: Meta,
    pub kind: String,
    pub holder: Named,
    /// The holder's unit.
    pub unit: Option<Named>,
    pub number: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub issued_on: Option<NaiveDate>,
    pub issue_place: Option<String>,
    #[schema(value_type = String, format = Date)]
    pub expires_on: NaiveDate,
    pub location: Option<String>,
    pub status: PassportStatus,
    pub notes: Option<String>,
    /// While it is handed out: to whom, when and for which trip.
    pub out: Option<Handout>,
}

impl Passport {
    pub fn to_input(&self) -> PassportInput {
        PassportInput {
            version: Some(self.meta.version),
            key: self.meta.key.clone(),
            kind: self.kind.clone(),
            holder: Link::Id(self.holder.id),
            number: self.number.clone(),
            issued_on: self.issued_on,
            issue_place: self.issue_place.clone(),
            expires_on: self.expires_on,
            location: self.location.clone(),
            notes: self.notes.clone(),
        }
    }

    /// The day it is due back, if it is out and the day can be known yet: the agreed day, or
    /// the policy's period after its trip's actual return.
    pub fn due(
        &self,
        policy: &PassportPolicy,
        calendar: &WorkCalendar,
    ) -> Result<Option<NaiveDate>, Error> {
        let Some(out) = &self.out else {
            return Ok(None);
        };
        if let Some(returned) = out.trip_returned {
            return Ok(Some(policy.return_due.after(returned, calendar)?));
        }
        Ok(out.agreed_due)
    }
}

/// A document's kind of record: the office keeps documents; who reads which is decided by
/// [`may_read`], not by the usual rule that every signed-in user reads every record.
const KIND: Kind = Kind {
    name: "passport",
    table: "passports",
    path: "passports",
    categories: None,
    pages: false,
    files: false,
    rights: Rights {
        admin_only: false,
        officers: true,
        liaison_creates: Scope::None,
        liaison_changes: Scope::None,
    },
    search: None,
    timeline: None,
    naming: &[Naming::new("person", "passports", "holder_id").unshown()],
    import: None,
    lifecycle: Some(&PASSPORT_LIFECYCLE),
    sorts: PASSPORT_SORTS,
    newest_first: false,
};

pub const PASSPORT_SORTS: &[&str] = &["expires", "holder", "kind", "status", "updated"];

/// Documents, as every layer names the kind.
pub const PASSPORT: RecordKind = RecordKind::of(&KIND);

impl Record for Passport {
    const KIND: RecordKind = PASSPORT;

    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn unit(&self) -> Option<i64> {
        self.unit.as_ref().map(|u| u.id)
    }

    fn personal_mut(&mut self) -> Vec<(&'static str, &mut Option<String>)> {
        vec![("number", &mut self.number)]
    }
}

impl Stateful for Passport {
    fn lifecycle() -> &'static Lifecycle {
        &PASSPORT_LIFECYCLE
    }

    fn state(&self) -> &'static str {
        self.status.as_str()
    }
}

/// Which documents `actor` may see: the office all, a liaison officer their unit's, and anyone
/// the documents they hold themselves (`own_person` is the person their account is).
pub fn may_read(actor: &Actor, unit: Option<i64>, holder: i64, own_person: Option<i64>) -> bool {
    match actor.role {
        UserRole::Admin | UserRole::Officer => true,
        UserRole::Liaison if actor.unit_id.is_some() && unit == actor.unit_id => true,
        _ => own_person == Some(holder),
    }
}

/// The documents a list shows `actor`: every one, their unit's, or their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visible {
    All,
    Unit(i64),
    Holder(i64),
    None,
}

impl Visible {
    pub fn of(actor: &Actor, own_person: Option<i64>) -> Visible {
        match (actor.role, actor.unit_id, own_person) {
            (UserRole::Admin | UserRole::Officer, _, _) => Visible::All,
            (UserRole::Liaison, Some(unit), _) => Visible::Unit(unit),
            (_, _, Some(person)) => Visible::Holder(person),
            _ => Visible::None,
        }
    }
}

/// Refuses a custody action to anyone but the office.
pub fn authorize_keeper(actor: &Actor) -> Result<(), Error> {
    if matches!(actor.role, UserRole::Admin | UserRole::Officer) {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "only the office (officers and admins) keeps passports and permits".to_owned(),
        ))
    }
}

/// A change of a document's state asked for: a hand-out, a return, or another transition.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustodyInput {
    /// The version of the document the office saw.
    pub version: i64,
    /// For a hand-out, whom it is handed to; for a return, who brought it back. The holder
    /// unless given.
    #[serde(default)]
    pub person: Option<i64>,
    /// For a hand-out, the trip it is handed out for.
    #[serde(default)]
    pub trip: Option<i64>,
    /// For a hand-out without a trip, the day it is due back.
    #[serde(default, deserialize_with = "crate::limits::optional_date")]
    #[schema(value_type = Option<String>, format = Date)]
    pub due_on: Option<NaiveDate>,
    /// For a return, the state it came back in (intact, damaged, new visas…).
    #[serde(default)]
    pub condition: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

impl Validate for CustodyInput {
    fn check(&mut self, errors: &mut FieldErrors) {
        validate::clean_all(&mut [&mut self.condition, &mut self.note]);
        validate::line(errors, "condition", &self.condition);
        validate::text(errors, "note", &self.note);
    }
}

/// What a line of the custody log records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CustodyAction {
    HandOut,
    Return,
}

impl CustodyAction {
    pub fn as_str(&self) -> &'static str {
        match self {
            CustodyAction::HandOut => "hand_out",
            CustodyAction::Return => "return",
        }
    }
}

/// A line of the custody log, never changed once written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CustodyEntry {
    pub id: i64,
    pub passport_id: i64,
    pub action: CustodyAction,
    /// When it was written.
    pub at: DateTime<Utc>,
    /// The office's day it happened on.
    #[schema(value_type = String, format = Date)]
    pub on: NaiveDate,
    /// To whom it was handed, or who brought it back.
    pub person: Named,
    /// The office's account that handed it out or took it back.
    pub by: String,
    pub trip: Option<Named>,
    #[schema(value_type = Option<String>, format = Date)]
    pub due_on: Option<NaiveDate>,
    pub condition: Option<String>,
    pub note: Option<String>,
}

/// A member of a trip recorded as holding their own valid document rather than one from the
/// cabinet, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnDocumentInput {
    pub person: i64,
    pub reason: String,
    /// Until when their own document is valid.
    #[serde(deserialize_with = "crate::limits::date")]
    #[schema(value_type = String, format = Date)]
    pub expires_on: NaiveDate,
}

impl Validate for OwnDocumentInput {
    fn check(&mut self, errors: &mut FieldErrors) {
        self.reason = self.reason.trim().to_owned();
        if self.reason.is_empty() {
            errors.add(
                "reason",
                "required",
                "say why the member travels on a document the office does not keep",
            );
        }
        validate::text(errors, "reason", &Some(self.reason.clone()));
    }
}

/// A recorded own document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OwnDocument {
    pub trip_id: i64,
    pub person: Named,
    pub reason: String,
    #[schema(value_type = String, format = Date)]
    pub expires_on: NaiveDate,
    pub recorded_by: String,
}

/// The numbers of the passport rules, with their usual defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct PassportPolicy {
    /// When a document is due back after its trip's actual return: 7 calendar days by default;
    /// some universities count 5 working days.
    pub return_due: Deadline,
    /// Months a member's document must stay valid beyond the trip's planned return.
    pub validity_months: u32,
    /// A unit with more overdue documents than this has its new applications held; 0 turns the
    /// hold off.
    pub unit_overdue_limit: i64,
    /// The cabinet lists documents expiring within this many months.
    pub expiring_months: u32,
    /// Working days after the due day before an overdue document is raised with the holder's
    /// unit (its liaison officer), and before it is raised with the office's head.
    pub escalate_unit_after_working_days: i64,
    pub escalate_office_after_working_days: i64,
    /// Working days between reminders to the holder of an overdue document.
    pub remind_every_working_days: i64,
}

impl Default for PassportPolicy {
    fn default() -> Self {
        PassportPolicy {
            return_due: Deadline::Days(7),
            validity_months: 6,
            unit_overdue_limit: 0,
            expiring_months: 6,
            escalate_unit_after_working_days: 5,
            escalate_office_after_working_days: 10,
            remind_every_working_days: 3,
        }
    }
}

impl PassportPolicy {
    /// Checks the parameters an admin sets.
    pub fn check(&self) -> Result<(), Error> {
        let mut errors = FieldErrors::new();
        match self.return_due {
            Deadline::Months(n) if n <= 24 => {}
            Deadline::Days(n) | Deadline::WorkingDays(n) if (0..=730).contains(&n) => {}
            _ => errors.add(
                "return_due",
                "out_of_range",
                "at most 24 months or 730 days",
            ),
        }
        for (field, value) in [
            ("validity_months", i64::from(self.validity_months)),
            ("expiring_months", i64::from(self.expiring_months)),
        ] {
            if !(0..=120).contains(&value) {
                errors.add(field, "out_of_range", "must be between 0 and 120 months");
            }
        }
        for (field, value) in [
            ("unit_overdue_limit", self.unit_overdue_limit),
            (
                "escalate_unit_after_working_days",
                self.escalate_unit_after_working_days,
            ),
            (
                "escalate_office_after_working_days",
                self.escalate_office_after_working_days,
            ),
        ] {
            if !(0..=3650).contains(&value) {
                errors.add(field, "out_of_range", "must be between 0 and 3650");
            }
        }
        if !(1..=3650).contains(&self.remind_every_working_days) {
            errors.add(
                "remind_every_working_days",
                "out_of_range",
                "must be between 1 and 3650",
            );
        }
        if self.escalate_office_after_working_days < self.escalate_unit_after_working_days {
            errors.add(
                "escalate_office_after_working_days",
                "before_unit",
                "the office is told no sooner than the unit",
            );
        }
        errors.into_result()
    }

    /// The last day a document must be valid on for a trip back on `planned_return`.
    pub fn valid_until(&self, planned_return: NaiveDate) -> NaiveDate {
        planned_return
            .checked_add_months(chrono::Months::new(self.validity_months))
            .unwrap_or(NaiveDate::MAX)
    }
}

/// Whom an overdue document is raised with by now.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Escalation {
    /// Its holder, from the day after it was due.
    Holder,
    /// Also the holder's unit and its liaison officer.
    Unit,
    /// Also the office.
    Office,
}

impl Escalation {
    pub fn as_str(&self) -> &'static str {
        match self {
            Escalation::Holder => "holder",
            Escalation::Unit => "unit",
            Escalation::Office => "office",
        }
    }
}

/// How late a document is on `today` and whom that is raised with; `None` before it is late.
pub fn lateness(
    due: NaiveDate,
    today: NaiveDate,
    policy: &PassportPolicy,
    calendar: &WorkCalendar,
) -> Result<Option<(i64, Escalation)>, Error> {
    if today <= due {
        return Ok(None);
    }
    let days_late = (today - due).num_days();
    let working_late = calendar.between(due, today)?;
    let escalation = if working_late >= policy.escalate_office_after_working_days {
        Escalation::Office
    } else if working_late >= policy.escalate_unit_after_working_days {
        Escalation::Unit
    } else {
        Escalation::Holder
    };
    Ok(Some((days_late, escalation)))
}

/// A document out of the cabinet or about to lapse, as the cabinet and the reminders read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CabinetRow {
    /// The document, its number masked.
    pub passport: Passport,
    #[schema(value_type = Option<String>, format = Date)]
    pub due_on: Option<NaiveDate>,
    /// Calendar days past the due day; 0 when not late.
    pub days_late: i64,
    pub escalation: Option<Escalation>,
}

/// The office's cabinet on a day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Cabinet {
    /// Every document out, with whom.
    pub out: Vec<CabinetRow>,
    /// Out and due back within the coming seven days.
    pub due_this_week: Vec<CabinetRow>,
    /// Out past their due day, the latest first.
    pub overdue: Vec<CabinetRow>,
    /// Still usable and expiring within the policy's months.
    pub expiring: Vec<CabinetRow>,
    pub in_custody: i64,
}

/// Filters of the cabinet and the document list.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PassportFilter {
    pub unit: Option<i64>,
    /// A kind's code.
    pub kind: Option<String>,
    pub status: Option<PassportStatus>,
    pub holder: Option<i64>,
}

/// A rule of the passport policy a trip breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PassportRule {
    /// A member's document expires too soon after the planned return.
    Validity,
    /// A member holds a document past its due day.
    HolderOverdue,
    /// The unit has more overdue documents than the policy allows.
    UnitHeld,
    /// A member has neither a document handed out nor their own recorded.
    NotHandedOut,
}

impl PassportRule {
    pub fn as_str(&self) -> &'static str {
        match self {
            PassportRule::Validity => "passport_validity",
            PassportRule::HolderOverdue => "passport_overdue",
            PassportRule::UnitHeld => "unit_passports_overdue",
            PassportRule::NotHandedOut => "passport_not_handed_out",
        }
    }
}

/// One passport rule a trip breaks, with the numbers that show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PassportFinding {
    pub rule: PassportRule,
    /// The member it is about, if one.
    pub person: Option<Named>,
    /// What the rule allows or asks for: months of validity, the most overdue documents.
    pub limit: i64,
    /// What the trip has: days late, overdue documents of the unit.
    pub actual: i64,
    /// For validity, the day the document must be valid until and the day it expires.
    #[schema(value_type = Option<String>, format = Date)]
    pub needed: Option<NaiveDate>,
    #[schema(value_type = Option<String>, format = Date)]
    pub expires: Option<NaiveDate>,
    /// The finding in English, for the API and the logs; pages translate it from the numbers.
    pub message: String,
}

impl PassportFinding {
    pub fn validity(person: Named, months: u32, needed: NaiveDate, expires: NaiveDate) -> Self {
        let message = format!(
            "{}'s document must be valid {months} months beyond the planned return, until {needed}; it expires on {expires}",
            person.name
        );
        PassportFinding {
            rule: PassportRule::Validity,
            person: Some(person),
            limit: i64::from(months),
            actual: 0,
            needed: Some(needed),
            expires: Some(expires),
            message,
        }
    }

    pub fn holder_overdue(person: Named, days_late: i64) -> Self {
        let message = format!(
            "{} has not returned an official document due {days_late} days ago; a holder of an overdue document cannot submit or be approved for a new trip",
            person.name
        );
        PassportFinding {
            rule: PassportRule::HolderOverdue,
            person: Some(person),
            limit: 0,
            actual: days_late,
            needed: None,
            expires: None,
            message,
        }
    }

    pub fn unit_held(limit: i64, actual: i64) -> Self {
        PassportFinding {
            rule: PassportRule::UnitHeld,
            person: None,
            limit,
            actual,
            needed: None,
            expires: None,
            message: format!(
                "the unit has {actual} overdue official documents, more than the {limit} allowed: its new applications are held until they are returned"
            ),
        }
    }

    pub fn not_handed_out(person: Named) -> Self {
        let message = format!(
            "{} has no official document handed out for this trip and is not recorded as holding their own",
            person.name
        );
        PassportFinding {
            rule: PassportRule::NotHandedOut,
            person: Some(person),
            limit: 0,
            actual: 0,
            needed: None,
            expires: None,
            message,
        }
    }
}

/// The moment of a trip its members' documents are checked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TripStage {
    /// Submitting an application: overdue holders, the unit's hold and validity.
    Submit,
    /// Approving it: overdue holders and validity.
    Approve,
    /// Marking it departed: each member's document handed out for it, or their own recorded.
    Depart,
}

/// Refuses with every finding, each a field error naming its rule, or passes.
pub fn refuse_findings(findings: &[PassportFinding]) -> Result<(), Error> {
    let mut errors = FieldErrors::new();
    for f in findings {
        errors.add("passports", f.rule.as_str(), f.message.clone());
    }
    errors.into_result()
}

/// A document due or overdue, for the reminders: its holder, unit, due day and lateness.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DueDocument {
    pub passport_id: i64,
    pub kind: String,
    pub holder: Named,
    pub unit: Option<Named>,
    pub trip: Option<Named>,
    #[schema(value_type = String, format = Date)]
    pub due_on: NaiveDate,
    pub days_late: i64,
    pub escalation: Option<Escalation>,
}

/// The passports and what their custody rests on, as `liaison export` writes them and
/// `liaison import` reads them: people, trips and documents by their keys.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangePassports {
    /// The kinds of document the office added; the built-in ones every database has.
    #[serde(default)]
    pub kinds: Vec<DocumentKind>,
    #[serde(default)]
    pub documents: Vec<ExchangePassport>,
    /// Every saved version of the passport policy, oldest first.
    #[serde(default)]
    pub policies: Vec<ExchangePassportPolicy>,
    /// Members of trips recorded as travelling on their own documents.
    #[serde(default)]
    pub own_documents: Vec<ExchangeOwnDocument>,
}

impl ExchangePassports {
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
            && self.documents.is_empty()
            && self.policies.is_empty()
            && self.own_documents.is_empty()
    }
}

/// A document with its state, custody log and history. Its number moves in clear, as every
/// personal value of an export does: the export is for those who may see it all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangePassport {
    pub key: String,
    pub kind: String,
    /// The holder's key.
    pub holder: String,
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub issued_on: Option<NaiveDate>,
    #[serde(default)]
    pub issue_place: Option<String>,
    #[schema(value_type = String, format = Date)]
    pub expires_on: NaiveDate,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    pub status: PassportStatus,
    #[serde(default)]
    pub custody: Vec<ExchangeCustody>,
    /// Its changes of state, oldest first.
    #[serde(default)]
    pub history: Vec<crate::RecordEventInput>,
}

/// A line of a custody log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeCustody {
    pub action: CustodyAction,
    pub at: DateTime<Utc>,
    #[schema(value_type = String, format = Date)]
    pub on: NaiveDate,
    /// The key of the person it was handed to or brought back by.
    pub person: String,
    pub by: String,
    /// The key of its trip.
    #[serde(default)]
    pub trip: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub due_on: Option<NaiveDate>,
    #[serde(default)]
    pub condition: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A saved version of the passport policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangePassportPolicy {
    pub version: i64,
    pub settings: PassportPolicy,
    pub saved_at: DateTime<Utc>,
    pub saved_by: String,
}

/// A member recorded as travelling on their own document: the trip's and the person's keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeOwnDocument {
    pub trip: String,
    pub person: String,
    pub reason: String,
    #[schema(value_type = String, format = Date)]
    pub expires_on: NaiveDate,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workdays::DayKind;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// The 2026 calendar around National Day: 1–7 October off, Saturday 10 October worked.
    fn calendar() -> WorkCalendar {
        let mut days: Vec<(NaiveDate, DayKind)> = (1..=7)
            .map(|d| (day(&format!("2026-10-0{d}")), DayKind::Off))
            .collect();
        days.push((day("2026-10-10"), DayKind::Working));
        WorkCalendar::new([2026], days)
    }

    #[test]
    fn every_state_is_a_state_of_the_lifecycle_and_back() {
        for state in PassportStatus::ALL {
            assert!(PASSPORT_LIFECYCLE.has_state(state.as_str()), "{state:?}");
            assert_eq!(PassportStatus::parse(state.as_str()), Some(state));
        }
        assert_eq!(PASSPORT_LIFECYCLE.states.len(), PassportStatus::ALL.len());
    }

    #[test]
    fn validity_is_counted_in_months_beyond_the_planned_return() {
        let policy = PassportPolicy::default();
        assert_eq!(policy.valid_until(day("2026-05-16")), day("2026-11-16"));
        assert_eq!(policy.valid_until(day("2026-08-31")), day("2027-02-28"));
    }

    #[test]
    fn a_return_due_in_working_days_skips_national_day() {
        let policy = PassportPolicy {
            return_due: Deadline::WorkingDays(5),
            ..PassportPolicy::default()
        };
        // Back on Tuesday 29 September: 30 September, then 8, 9, 10 (a worked Saturday) and 12
        // October.
        assert_eq!(
            policy
                .return_due
                .after(day("2026-09-29"), &calendar())
                .unwrap(),
            day("2026-10-12")
        );
        let calendar_days = PassportPolicy::default();
        assert_eq!(
            calendar_days
                .return_due
                .after(day("2026-09-29"), &calendar())
                .unwrap(),
            day("2026-10-06")
        );
    }

    #[test]
    fn lateness_rises_from_the_holder_to_the_unit_to_the_office() {
        let policy = PassportPolicy::default();
        let due = day("2026-10-12");
        let late = |today| lateness(due, day(today), &policy, &calendar()).unwrap();
        assert_eq!(late("2026-10-12"), None);
        assert_eq!(late("2026-10-13"), Some((1, Escalation::Holder)));
        assert_eq!(late("2026-10-19"), Some((7, Escalation::Unit)));
        assert_eq!(late("2026-10-26"), Some((14, Escalation::Office)));
    }

    #[test]
    fn the_policy_refuses_numbers_out_of_range() {
        assert!(PassportPolicy::default().check().is_ok());
        let bad = PassportPolicy {
            unit_overdue_limit: -1,
            escalate_office_after_working_days: 2,
            ..PassportPolicy::default()
        };
        let Err(Error::Invalid(errors)) = bad.check() else {
            panic!("accepted")
        };
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["unit_overdue_limit", "escalate_office_after_working_days"]
        );
    }

    #[test]
    fn only_the_office_keeps_documents_and_others_see_their_own_or_their_units() {
        let actor = |role, unit_id| Actor {
            user_id: Some(1),
            username: "u".into(),
            role,
            unit_id,
            address: None,
        };
        assert!(authorize_keeper(&actor(UserRole::Officer, None)).is_ok());
        assert!(authorize_keeper(&actor(UserRole::Liaison, Some(3))).is_err());
        assert!(may_read(
            &actor(UserRole::Liaison, Some(3)),
            Some(3),
            9,
            None
        ));
        assert!(!may_read(
            &actor(UserRole::Liaison, Some(3)),
            Some(4),
            9,
            None
        ));
        assert!(may_read(&actor(UserRole::Staff, None), Some(4), 9, Some(9)));
        assert!(!may_read(
            &actor(UserRole::Viewer, None),
            Some(4),
            9,
            Some(8)
        ));
        assert!(!may_read(&actor(UserRole::Leader, None), Some(4), 9, None));
    }
}
