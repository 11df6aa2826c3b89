//! Trip applications and what their approvals rest on, as `liaison export` writes them and
//! `liaison import` reads them: every account by its username and every record by its key, so
//! they move to another database unchanged.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{BudgetLine, Destination, FundingSource, ScheduleDay, TripReport, TripState, TripType};
use crate::RecordEventInput;
use crate::approvals::Verdict;

/// Everything about trips an export carries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeTrips {
    #[serde(default)]
    pub applications: Vec<ExchangeTrip>,
    /// Every saved version of every approval chain, oldest first.
    #[serde(default)]
    pub chains: Vec<ExchangeChain>,
    /// Every saved version of the trip policy, oldest first.
    #[serde(default)]
    pub policies: Vec<ExchangePolicy>,
    #[serde(default)]
    pub delegations: Vec<ExchangeDelegation>,
    /// Each unit's leaders in charge: the unit's key and the leader's username.
    #[serde(default)]
    pub leaders_in_charge: Vec<(String, String)>,
    /// The person each account is: its username and the person's key.
    #[serde(default)]
    pub account_people: Vec<(String, String)>,
    #[serde(default)]
    pub briefings: Vec<ExchangeBriefing>,
}

impl ExchangeTrips {
    pub fn is_empty(&self) -> bool {
        *self == ExchangeTrips::default()
    }
}

/// A member of a delegation, by the person's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeTripMember {
    pub person: String,
    #[serde(default)]
    pub leader: bool,
    #[serde(default)]
    pub position: Option<String>,
    #[serde(default)]
    pub unit_leader: bool,
}

/// An application's form, its links by key and its chosen approvers by username.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeTripForm {
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub title_zh: Option<String>,
    #[serde(default)]
    pub title_en: Option<String>,
    pub trip_type: TripType,
    pub destinations: Vec<Destination>,
    pub members: Vec<ExchangeTripMember>,
    #[serde(default)]
    pub inviting_organization: Option<String>,
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
    #[serde(default)]
    pub chosen_approvers: BTreeMap<usize, String>,
}

/// An application with where it stands: its state, its plan and progress (approvers by
/// username), its decisions and its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeTrip {
    pub key: String,
    /// The username of the account that filed it.
    pub applicant: String,
    pub status: TripState,
    pub created_at: DateTime<Utc>,
    pub form: ExchangeTripForm,
    #[serde(default)]
    pub approved_form: Option<ExchangeTripForm>,
    /// The approval plan, each step's approvers by username.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub plan: Option<serde_json::Value>,
    /// Where it stands in its plan, approvers by username.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub progress: Option<serde_json::Value>,
    #[serde(default)]
    pub step_due: Option<NaiveDate>,
    #[serde(default)]
    pub submitted_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub notice_posted: Option<NaiveDate>,
    #[serde(default)]
    pub notice_ends: Option<NaiveDate>,
    #[serde(default)]
    pub actual_return: Option<NaiveDate>,
    #[serde(default)]
    pub report_due: Option<NaiveDate>,
    #[serde(default)]
    pub report: Option<TripReport>,
    /// The key of the activity closing the trip recorded.
    #[serde(default)]
    pub activity: Option<String>,
    #[serde(default)]
    pub decisions: Vec<ExchangeDecision>,
    /// Its changes of state, oldest first.
    #[serde(default)]
    pub history: Vec<RecordEventInput>,
}

/// An approver's decision, accounts by username.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeDecision {
    pub at: DateTime<Utc>,
    pub step: i64,
    pub step_name: String,
    pub approver: String,
    #[serde(default)]
    pub deputy: Option<String>,
    pub username: String,
    pub verdict: Verdict,
    #[serde(default)]
    pub comment: Option<String>,
}

/// A saved version of an approval chain; accounts its steps name are written by username.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeChain {
    pub kind: String,
    pub version: i64,
    #[schema(value_type = Vec<Object>)]
    pub steps: serde_json::Value,
    pub saved_at: DateTime<Utc>,
    pub saved_by: String,
}

/// A saved version of the trip policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangePolicy {
    pub version: i64,
    pub settings: super::TripPolicy,
    pub saved_at: DateTime<Utc>,
    pub saved_by: String,
}

/// A deputy's period, accounts by username.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeDelegation {
    pub user: String,
    pub deputy: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

/// A briefing and who attended it: the trip's key and the person's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeBriefing {
    pub held_on: NaiveDate,
    pub place: String,
    pub topics: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub attended: Vec<(String, String)>,
}
