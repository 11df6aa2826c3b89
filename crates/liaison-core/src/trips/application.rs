//! The trip application as a record: what the applicant fills in, the lifecycle it goes through
//! from draft to closed, and who may file and change one.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{BudgetLine, Destination, FundingSource, Member, Track, TripShape, TripType};
use crate::accounts::{Actor, UserRole};
use crate::approvals::{Plan, Progress};
use crate::kind::{Kind, Naming, Record, RecordKind, Rights};
use crate::lifecycle::{Lifecycle, Stateful, Transition, Who};
use crate::limits;
use crate::validate::{self, Validate};
use crate::{Error, FieldErrors, Meta, Money, Named, NewsLanguage, country_name};

/// Where a trip application stands. Approval happens inside `in_approval`, step by step, as the
/// application's plan says; the other states follow the national rules: a public notice before
/// departure, a briefing every member attends, the return and the report.
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
pub enum TripState {
    #[default]
    Draft,
    InApproval,
    Approved,
    InNotice,
    Briefed,
    Departed,
    Returned,
    Reported,
    Closed,
    Rejected,
    Withdrawn,
    /// Approved, then opened for a change of dates, members or destinations, which goes through
    /// approval again.
    Changing,
}

impl TripState {
    pub const ALL: [TripState; 12] = [
        TripState::Draft,
        TripState::InApproval,
        TripState::Approved,
        TripState::InNotice,
        TripState::Briefed,
        TripState::Departed,
        TripState::Returned,
        TripState::Reported,
        TripState::Closed,
        TripState::Rejected,
        TripState::Withdrawn,
        TripState::Changing,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            TripState::Draft => "draft",
            TripState::InApproval => "in_approval",
            TripState::Approved => "approved",
            TripState::InNotice => "in_notice",
            TripState::Briefed => "briefed",
            TripState::Departed => "departed",
            TripState::Returned => "returned",
            TripState::Reported => "reported",
            TripState::Closed => "closed",
            TripState::Rejected => "rejected",
            TripState::Withdrawn => "withdrawn",
            TripState::Changing => "changing",
        }
    }

    pub fn parse(s: &str) -> Option<TripState> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Whether the applicant may still edit the application's content.
    pub fn editable(&self) -> bool {
        matches!(self, TripState::Draft | TripState::Changing)
    }
}

/// The names of the transitions approvers' decisions make; no one asks for them by name.
pub const APPROVE: &str = "approve";
pub const REFUSE: &str = "refuse";
pub const SEND_BACK: &str = "send_back";

/// The trip's lifecycle. `approve`, `refuse` and `send_back` are made by the decision that ends
/// a plan's last step, a refusal that ends the application, or a send-back: the approval plan
/// decides them, not the lifecycle's roles.
pub static TRIP_LIFECYCLE: Lifecycle = Lifecycle {
    states: &[
        "draft",
        "in_approval",
        "approved",
        "in_notice",
        "briefed",
        "departed",
        "returned",
        "reported",
        "closed",
        "rejected",
        "withdrawn",
        "changing",
    ],
    initial: "draft",
    transitions: &[
        Transition {
            name: "submit",
            from: &["draft", "changing"],
            to: "in_approval",
            who: Who::Applicant,
        },
        Transition {
            name: APPROVE,
            from: &["in_approval"],
            to: "approved",
            who: Who::Approver,
        },
        Transition {
            name: REFUSE,
            from: &["in_approval"],
            to: "rejected",
            who: Who::Approver,
        },
        Transition {
            name: SEND_BACK,
            from: &["in_approval"],
            to: "draft",
            who: Who::Approver,
        },
        Transition {
            name: "withdraw",
            from: &[
                "draft",
                "in_approval",
                "approved",
                "in_notice",
                "briefed",
                "changing",
            ],
            to: "withdrawn",
            who: Who::Applicant,
        },
        Transition {
            name: "change",
            from: &["approved", "in_notice", "briefed"],
            to: "changing",
            who: Who::Applicant,
        },
        Transition {
            name: "post_notice",
            from: &["approved"],
            to: "in_notice",
            who: Who::Office,
        },
        Transition {
            name: "brief",
            from: &["in_notice"],
            to: "briefed",
            who: Who::Office,
        },
        Transition {
            name: "depart",
            from: &["briefed"],
            to: "departed",
            who: Who::Office,
        },
        Transition {
            name: "return",
            from: &["departed"],
            to: "returned",
            who: Who::Applicant,
        },
        Transition {
            name: "report",
            from: &["returned"],
            to: "reported",
            who: Who::Applicant,
        },
        Transition {
            name: "close",
            from: &["reported"],
            to: "closed",
            who: Who::Office,
        },
    ],
};

/// One day of the schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ScheduleDay {
    pub date: NaiveDate,
    /// What is done that day, where and with whom.
    pub plan: String,
}

/// A trip application as the applicant fills it in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TripInput {
    /// The version a change was started from; required to update, ignored on create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(default)]
    pub key: Option<String>,
    /// The unit that sends the trip; a liaison officer's own unit unless the office says
    /// otherwise, and the applicant's unit for everyone else.
    #[serde(default)]
    pub unit: Option<i64>,
    #[serde(default)]
    pub title_zh: Option<String>,
    #[serde(default)]
    pub title_en: Option<String>,
    pub trip_type: TripType,
    pub destinations: Vec<Destination>,
    pub members: Vec<Member>,
    /// The inviting organization.
    #[serde(default)]
    pub inviting_organization: Option<i64>,
    /// The invitation: who signed it, when, what it offers.
    #[serde(default)]
    pub invitation: Option<String>,
    #[serde(default)]
    pub purpose: Option<String>,
    #[serde(default)]
    pub tasks: Option<String>,
    #[serde(default)]
    pub schedule: Vec<ScheduleDay>,
    pub funding: FundingSource,
    #[serde(default)]
    pub budget: Vec<BudgetLine>,
    /// The approvers the applicant named or chose, by the chain step's place.
    #[serde(default)]
    pub chosen_approvers: BTreeMap<usize, i64>,
}

/// The most schedule days and budget lines an application may list.
pub const MAX_SCHEDULE_DAYS: usize = 400;
pub const MAX_BUDGET_LINES: usize = 100;

impl TripInput {
    /// What the rules and the approval conditions read of the application.
    pub fn shape(&self) -> TripShape {
        TripShape {
            trip_type: self.trip_type,
            destinations: self.destinations.clone(),
            members: self.members.clone(),
            funding: self.funding,
        }
    }

    /// The budget's total; `None` if it would not fit.
    pub fn budget_total(&self) -> Option<Money> {
        self.budget
            .iter()
            .try_fold(0i64, |sum, line| sum.checked_add(line.amount.fen()))
            .map(Money::from_fen)
    }
}

impl Validate for TripInput {
    fn check(&mut self, errors: &mut FieldErrors) {
        validate::clean_all(&mut [
            &mut self.key,
            &mut self.title_zh,
            &mut self.title_en,
            &mut self.invitation,
            &mut self.purpose,
            &mut self.tasks,
        ]);
        validate::key(errors, &self.key);
        validate::names(errors, "title_zh", &self.title_zh, &self.title_en);
        validate::text(errors, "invitation", &self.invitation);
        validate::text(errors, "purpose", &self.purpose);
        validate::text(errors, "tasks", &self.tasks);
        for d in &mut self.destinations {
            d.city = d.city.trim().to_owned();
        }
        for m in &mut self.members {
            m.position = validate::clean(&m.position);
        }
        self.shape().check_form(errors);
        for (i, d) in self.destinations.iter().enumerate() {
            limits::day(errors, &format!("destinations[{i}].arrive"), Some(d.arrive));
            limits::day(errors, &format!("destinations[{i}].leave"), Some(d.leave));
        }
        if self.schedule.len() > MAX_SCHEDULE_DAYS {
            errors.add(
                "schedule",
                "too_many",
                format!("list at most {MAX_SCHEDULE_DAYS} days"),
            );
        } else {
            let (from, to) = (self.shape().departure(), self.shape().return_date());
            for (i, day) in self.schedule.iter_mut().enumerate() {
                day.plan = day.plan.trim().to_owned();
                let field = format!("schedule[{i}]");
                limits::day(errors, &format!("{field}.date"), Some(day.date));
                if day.plan.is_empty() {
                    errors.add(
                        format!("{field}.plan"),
                        "required",
                        "say what is done that day",
                    );
                }
                validate::text(errors, &format!("{field}.plan"), &Some(day.plan.clone()));
                if let (Some(from), Some(to)) = (from, to)
                    && (day.date < from || day.date > to)
                {
                    errors.add(
                        format!("{field}.date"),
                        "outside_trip",
                        format!("the schedule's days fall between {from} and {to}"),
                    );
                }
            }
        }
        if self.budget.len() > MAX_BUDGET_LINES {
            errors.add(
                "budget",
                "too_many",
                format!("list at most {MAX_BUDGET_LINES} lines"),
            );
        } else {
            for (i, line) in self.budget.iter_mut().enumerate() {
                line.item = line.item.trim().to_owned();
                if line.item.is_empty() {
                    errors.add(format!("budget[{i}].item"), "required", "name the item");
                }
                validate::line(
                    errors,
                    &format!("budget[{i}].item"),
                    &Some(line.item.clone()),
                );
                limits::money(errors, &format!("budget[{i}].amount"), line.amount.fen());
            }
            if self.budget_total().is_none() {
                errors.add("budget", "out_of_range", "the budget's total is too large");
            }
        }
        if self.chosen_approvers.len() > crate::approvals::MAX_STEPS {
            errors.add(
                "chosen_approvers",
                "too_many",
                "one approver per step at most",
            );
        }
    }
}

/// A member as the application shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TripMember {
    pub person: Named,
    pub leader: bool,
    pub position: Option<String>,
    pub unit_leader: bool,
}

/// A stored trip application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Trip {
    #[serde(flatten)]
    pub meta: Meta,
    pub status: TripState,
    /// The account that filed it.
    pub applicant: Named,
    pub unit: Option<Named>,
    pub title_zh: Option<String>,
    pub title_en: Option<String>,
    pub trip_type: TripType,
    pub track: Track,
    pub destinations: Vec<Destination>,
    pub members: Vec<TripMember>,
    pub inviting_organization: Option<Named>,
    pub invitation: Option<String>,
    pub purpose: Option<String>,
    pub tasks: Option<String>,
    pub schedule: Vec<ScheduleDay>,
    pub funding: FundingSource,
    pub budget: Vec<BudgetLine>,
    pub budget_total: Money,
    pub chosen_approvers: BTreeMap<usize, i64>,
    pub departure: Option<NaiveDate>,
    pub return_date: Option<NaiveDate>,
    pub days_abroad: i64,
    /// The approval plan, worked out when it was last submitted.
    pub plan: Option<Plan>,
    /// Where it stands in its plan.
    pub progress: Option<Progress>,
    /// When the current step is due.
    pub step_due: Option<NaiveDate>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// What changed since the application was approved, while a change goes through approval
    /// again: shown to the approvers, countries named in the reader's language (see
    /// [`Trip::name_changes_in`]).
    pub changes_since_approval: Vec<Difference>,
    /// The form as approved, while a change goes through approval again: what the changes are
    /// worked out from.
    #[serde(skip)]
    pub approved_form: Option<Box<TripInput>>,
    /// The public notice: the day it went up and the last working day it stays up.
    pub notice_posted: Option<NaiveDate>,
    pub notice_ends: Option<NaiveDate>,
    /// The members who have attended a pre-departure briefing for this trip.
    pub briefed: Vec<i64>,
    pub actual_return: Option<NaiveDate>,
    pub report_due: Option<NaiveDate>,
    pub report: Option<TripReport>,
    /// The activity record the closed trip created or updated.
    pub activity: Option<Named>,
}

/// The report after return (出访报告).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TripReport {
    /// The tasks done, against those approved.
    pub tasks_done: String,
    pub outcomes: String,
    /// What was spent, line by line, against the budget.
    #[serde(default)]
    pub spending: Vec<BudgetLine>,
    #[serde(default)]
    pub follow_up: Option<String>,
}

impl TripReport {
    pub fn spent(&self) -> Option<Money> {
        self.spending
            .iter()
            .try_fold(0i64, |sum, line| sum.checked_add(line.amount.fen()))
            .map(Money::from_fen)
    }
}

impl Validate for TripReport {
    fn check(&mut self, errors: &mut FieldErrors) {
        self.tasks_done = self.tasks_done.trim().to_owned();
        self.outcomes = self.outcomes.trim().to_owned();
        self.follow_up = validate::clean(&self.follow_up);
        for (field, value) in [
            ("tasks_done", &self.tasks_done),
            ("outcomes", &self.outcomes),
        ] {
            if value.is_empty() {
                errors.add(
                    format!("report.{field}"),
                    "required",
                    "a report says what was done and what came of it",
                );
            }
            validate::text(errors, &format!("report.{field}"), &Some(value.clone()));
        }
        validate::text(errors, "report.follow_up", &self.follow_up);
        if self.spending.len() > MAX_BUDGET_LINES {
            errors.add(
                "report.spending",
                "too_many",
                format!("list at most {MAX_BUDGET_LINES} lines"),
            );
            return;
        }
        for (i, line) in self.spending.iter_mut().enumerate() {
            line.item = line.item.trim().to_owned();
            if line.item.is_empty() {
                errors.add(
                    format!("report.spending[{i}].item"),
                    "required",
                    "name the item",
                );
            }
            limits::money(
                errors,
                &format!("report.spending[{i}].amount"),
                line.amount.fen(),
            );
        }
        if self.spent().is_none() {
            errors.add("report.spending", "out_of_range", "the total is too large");
        }
    }
}

/// One field that differs between the approved application and its change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Difference {
    pub field: String,
    pub approved: String,
    pub now: String,
}

/// How a field of the form is shown when compared.
type Shown = dyn Fn(&TripInput) -> String;

/// What changed in the fields approvers judge (dates, destinations, members, type, funding,
/// budget) between the approved form and the changed one, countries named in `language`.
pub fn differences(
    approved: &TripInput,
    now: &TripInput,
    language: NewsLanguage,
) -> Vec<Difference> {
    let destinations = move |t: &TripInput| {
        t.destinations
            .iter()
            .map(|d| {
                let country = country_name(d.country, language);
                format!("{country} {} {}–{}", d.city, d.arrive, d.leave)
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let members = |t: &TripInput| {
        t.members
            .iter()
            .map(|m| {
                let leader = if m.leader { " (head)" } else { "" };
                format!("person {}{leader}", m.person_id)
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let budget = |t: &TripInput| {
        t.budget_total()
            .map(|m| format!("{}.{:02}", m.fen() / 100, m.fen() % 100))
            .unwrap_or_default()
    };
    let fields: [(&str, &Shown); 5] = [
        ("trip_type", &|t| t.trip_type.as_str().to_owned()),
        ("destinations", &destinations),
        ("members", &members),
        ("funding", &|t| t.funding.as_str().to_owned()),
        ("budget_total", &budget),
    ];
    fields
        .into_iter()
        .filter_map(|(field, show)| {
            let (approved, now) = (show(approved), show(now));
            (approved != now).then(|| Difference {
                field: field.to_owned(),
                approved,
                now,
            })
        })
        .collect()
}

/// What a change of state may carry besides the version: a comment (required to refuse or send
/// back), the day of return, or the report.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TripActionInput {
    /// The version the actor saw, so that a newer change is not decided on blindly.
    pub version: i64,
    #[serde(default)]
    pub comment: Option<String>,
    /// The actual day of return, for `return`.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// The report, for `report`.
    #[serde(default)]
    pub report: Option<TripReport>,
}

/// A pre-departure briefing session (行前教育) and who attended it, for which trips.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BriefingInput {
    pub held_on: NaiveDate,
    pub place: String,
    /// The topics covered: safety, discipline, confidentiality, foreign-affairs rules…
    pub topics: String,
    /// (trip, person) pairs of the members who attended.
    pub attended: Vec<Attendance>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Attendance {
    pub trip_id: i64,
    pub person_id: i64,
}

/// The most attendances one briefing may record.
pub const MAX_ATTENDANCE: usize = 1_000;

impl Validate for BriefingInput {
    fn check(&mut self, errors: &mut FieldErrors) {
        self.place = self.place.trim().to_owned();
        self.topics = self.topics.trim().to_owned();
        if self.place.is_empty() {
            errors.add("place", "required", "say where the briefing was held");
        }
        validate::line(errors, "place", &Some(self.place.clone()));
        if self.topics.is_empty() {
            errors.add("topics", "required", "say what the briefing covered");
        }
        validate::text(errors, "topics", &Some(self.topics.clone()));
        if self.attended.is_empty() {
            errors.add("attended", "required", "record who attended");
        }
        if self.attended.len() > MAX_ATTENDANCE {
            errors.add(
                "attended",
                "too_many",
                format!("at most {MAX_ATTENDANCE} attendances at once"),
            );
        }
    }
}

impl Trip {
    /// Writes what changed since approval for a reader of `language`, who reads the countries
    /// of its destinations by their names.
    pub fn name_changes_in(&mut self, language: NewsLanguage) {
        if let Some(approved) = &self.approved_form {
            self.changes_since_approval = differences(approved, &self.to_input(), language);
        }
    }

    /// The application as a form again, to be changed.
    pub fn to_input(&self) -> TripInput {
        TripInput {
            version: Some(self.meta.version),
            key: self.meta.key.clone(),
            unit: self.unit.as_ref().map(|u| u.id),
            title_zh: self.title_zh.clone(),
            title_en: self.title_en.clone(),
            trip_type: self.trip_type,
            destinations: self.destinations.clone(),
            members: self
                .members
                .iter()
                .map(|m| Member {
                    person_id: m.person.id,
                    leader: m.leader,
                    position: m.position.clone(),
                    unit_leader: m.unit_leader,
                })
                .collect(),
            inviting_organization: self.inviting_organization.as_ref().map(|o| o.id),
            invitation: self.invitation.clone(),
            purpose: self.purpose.clone(),
            tasks: self.tasks.clone(),
            schedule: self.schedule.clone(),
            funding: self.funding,
            budget: self.budget.clone(),
            chosen_approvers: self.chosen_approvers.clone(),
        }
    }

    /// Whether `actor` filed it.
    pub fn filed_by(&self, actor: &Actor) -> bool {
        actor.user_id == Some(self.applicant.id)
    }
}

/// Whether `actor` may file a trip application: every signed-in role but viewers, each for
/// their own trips; staff accounts exist for this.
pub fn may_apply(actor: &Actor) -> bool {
    actor.role != UserRole::Viewer
}

/// Refuses an actor who may not act as the applicant of `trip`: its applicant, the office, or
/// a liaison officer of its unit.
pub fn authorize_applicant(actor: &Actor, trip: &Trip) -> Result<(), Error> {
    let office = matches!(actor.role, UserRole::Admin | UserRole::Officer);
    let unit_liaison = actor.role == UserRole::Liaison
        && actor.unit_id.is_some()
        && actor.unit_id == trip.unit.as_ref().map(|u| u.id);
    if trip.filed_by(actor) || office || unit_liaison {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "only the applicant, the unit's liaison officer or the office acts on this application"
                .to_owned(),
        ))
    }
}

impl Stateful for Trip {
    fn lifecycle() -> &'static Lifecycle {
        &TRIP_LIFECYCLE
    }

    fn state(&self) -> &'static str {
        self.status.as_str()
    }
}

/// An application as the lists and inboxes show it in a row: read without its members, plan,
/// decisions, approved form or report, which a page of fifty does not show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TripRow {
    pub id: i64,
    pub status: TripState,
    /// The account that filed it.
    pub applicant: Named,
    pub unit: Option<Named>,
    pub title_zh: Option<String>,
    pub title_en: Option<String>,
    pub destinations: Vec<Destination>,
    pub departure: Option<NaiveDate>,
    pub days_abroad: i64,
    /// When the current step is due.
    pub step_due: Option<NaiveDate>,
    /// Approved, then changed: the change is being made or goes through approval again.
    pub changing: bool,
}

/// The counts of an account's inboxes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TripInbox {
    /// Waiting for their decision, as approver or deputy.
    pub waiting: i64,
    /// Filed by them.
    pub mine: i64,
    /// Of their unit.
    pub unit: i64,
    /// In approval past the current step's due day.
    pub overdue: i64,
    pub by_state: BTreeMap<TripState, i64>,
}

/// Filters of the trip list.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TripFilter {
    pub status: Option<TripState>,
    pub unit: Option<i64>,
    /// Applications filed by this account.
    pub applicant: Option<i64>,
    /// Applications waiting for this account's decision, as approver or deputy.
    pub waiting_for: Option<i64>,
    /// Applications whose current step is past due on this day.
    pub overdue_on: Option<NaiveDate>,
}

/// The orders of a trip list; the first, newest first, is the API's when none is asked for, as
/// on the pages.
pub const TRIP_SORTS: &[&str] = &["created", "departure", "updated", "due"];

/// Trip applications, as a kind of record.
const KIND: Kind = Kind {
    name: "trip",
    table: "trips",
    path: "trips",
    categories: Some("trip-type"),
    pages: false,
    files: true,
    rights: Rights::UNIT_RECORDS,
    search: None,
    timeline: None,
    naming: &[
        Naming::new("unit", "trips", "unit_id").unshown(),
        Naming::new("organization", "trips", "inviting_organization_id").unshown(),
        Naming::new("activity", "trips", "activity_id").unshown(),
        Naming::new("person", "trip_members", "person_id")
            .in_rows("trip_id")
            .unshown(),
    ],
    import: None,
    lifecycle: Some(&TRIP_LIFECYCLE),
    sorts: TRIP_SORTS,
    newest_first: true,
};

/// Trip applications, as every layer names the kind.
pub const TRIP: RecordKind = RecordKind::of(&KIND);

impl Record for Trip {
    const KIND: RecordKind = TRIP;

    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn unit(&self) -> Option<i64> {
        self.unit.as_ref().map(|u| u.id)
    }

    /// An application, and the files kept with it (the invitation, the report's photos), are
    /// changed by whoever acts for it: its applicant, their unit's liaison officer, the office.
    fn authorize_change(&self, actor: &Actor) -> Result<(), Error> {
        authorize_applicant(actor, self)
    }

    fn authorize_change_role(actor: &Actor) -> Result<(), Error> {
        if may_apply(actor) {
            Ok(())
        } else {
            Err(Error::Forbidden(
                "the viewer role cannot change trip applications".to_owned(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trips::tests::{members, stop};

    fn input() -> TripInput {
        TripInput {
            version: None,
            key: None,
            unit: Some(1),
            title_zh: Some("赴老挝工会大学交流".to_owned()),
            title_en: None,
            trip_type: TripType::Talks,
            destinations: vec![stop("LA", "2026-05-10", "2026-05-14")],
            members: members(3),
            inviting_organization: None,
            invitation: None,
            purpose: None,
            tasks: None,
            schedule: vec![],
            funding: FundingSource::University,
            budget: vec![],
            chosen_approvers: BTreeMap::new(),
        }
    }

    #[test]
    fn a_changed_destination_is_shown_with_its_countries_named_in_the_readers_language() {
        let approved = input();
        let mut now = input();
        now.destinations = vec![
            stop("HK", "2026-05-10", "2026-05-11"),
            stop("VN", "2026-05-11", "2026-05-14"),
        ];
        let shown = |language| {
            differences(&approved, &now, language)
                .into_iter()
                .map(|d| format!("{}: {} → {}", d.field, d.approved, d.now))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            shown(NewsLanguage::Zh),
            ["destinations: 老挝 City 2026-05-10–2026-05-14 → \
              中国香港 City 2026-05-10–2026-05-11; 越南 City 2026-05-11–2026-05-14"]
        );
        assert_eq!(
            shown(NewsLanguage::En),
            ["destinations: Laos City 2026-05-10–2026-05-14 → \
              Hong Kong, China City 2026-05-10–2026-05-11; Vietnam City 2026-05-11–2026-05-14"]
        );
    }

    #[test]
    fn every_state_is_a_state_of_the_lifecycle_and_back() {
        for state in TripState::ALL {
            assert!(TRIP_LIFECYCLE.has_state(state.as_str()), "{state:?}");
            assert_eq!(TripState::parse(state.as_str()), Some(state));
        }
        assert_eq!(TRIP_LIFECYCLE.states.len(), TripState::ALL.len());
    }

    #[test]
    fn the_schedule_falls_within_the_trip_and_the_budget_adds_up() {
        let mut trip = input();
        trip.schedule = vec![ScheduleDay {
            date: stop("LA", "2026-05-15", "2026-05-15").arrive,
            plan: "Visit".to_owned(),
        }];
        trip.budget = vec![
            BudgetLine {
                item: "Air fares".to_owned(),
                amount: Money::from_fen(i64::MAX),
            },
            BudgetLine {
                item: "Lodging".to_owned(),
                amount: Money::from_fen(1),
            },
        ];
        let Err(Error::Invalid(errors)) = trip.validated() else {
            panic!("accepted")
        };
        let codes: Vec<_> = errors
            .0
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("schedule[0].date", "outside_trip"),
                ("budget[0].amount", "out_of_range"),
                ("budget", "out_of_range")
            ]
        );
        assert!(input().validated().is_ok());
    }
}
