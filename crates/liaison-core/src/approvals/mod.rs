//! Approval chains as data: each university sets, per kind of application, the ordered steps,
//! who approves each, how many must, when a step applies and what a refusal does. On submission
//! the chain is worked out once into a plan kept with the application, so that a later edit of
//! the chain changes nothing under way and everyone can see why each step was asked for.
//!
//! The lifecycle of an application is fixed in code; only the chain inside it is configured, as
//! Frappe's workflows, OCA's tier validation and Kuali Build do.

pub mod condition;
pub mod plan;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::UserRole;
use crate::validate;
use crate::{Error, FieldErrors};

pub use condition::{Comparison, Condition, Fact, Facts, Field, FieldType, Operator};
pub use plan::{
    Applicant, Decision, Delegation, Directory, Outcome, Plan, PlannedStep, Progress, TripDecision,
    Verdict, decide, due,
};

/// The kinds of application a chain is kept for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationKind {
    /// An official trip abroad.
    Trip,
}

impl ApplicationKind {
    pub const ALL: [ApplicationKind; 1] = [ApplicationKind::Trip];

    pub fn as_str(&self) -> &'static str {
        match self {
            ApplicationKind::Trip => "trip",
        }
    }

    pub fn parse(s: &str) -> Option<ApplicationKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Who approves a step: a closed set of rules, each resolved to accounts when the application
/// is submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Approver {
    /// Every account with a role, such as the office's officers.
    Role { role: UserRole },
    /// The leader of the applicant's unit (单位负责人).
    UnitLeader,
    /// The foreign-affairs liaison officer of the applicant's unit.
    UnitLiaison,
    /// The university leader in charge of the applicant's unit (分管校领导).
    LeaderInCharge,
    /// A named account.
    User { user_id: i64 },
    /// The account the applicant names on the application for this step (such as the head of
    /// a research group).
    NamedOnApplication,
    /// One of these accounts, chosen by the applicant (发起人自选).
    ApplicantChooses { candidates: Vec<i64> },
}

/// How many of a step's approvers must approve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Quorum {
    /// Any one of them (或签).
    Any,
    /// All of them (会签).
    All,
    /// At least so many of them.
    AtLeast { count: u32 },
}

/// What a refusal at a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnRefusal {
    /// The application is refused for good.
    End,
    /// It goes back to the applicant, who may change it and submit it again.
    BackToApplicant,
    /// It goes back to the step before, whose approvers decide again.
    BackToPrevious,
}

/// One step of a chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Step {
    /// What the step is called on the application's page, such as "Unit review".
    pub name: String,
    pub approver: Approver,
    pub quorum: Quorum,
    /// When the step applies; always when absent.
    #[serde(default)]
    pub condition: Option<Condition>,
    /// Working days the approvers have, counted from the day the step starts.
    pub due_working_days: i64,
    pub on_refusal: OnRefusal,
}

/// The most steps a chain may have, and the longest time a step may be given.
pub const MAX_STEPS: usize = 20;
pub const MAX_DUE_WORKING_DAYS: i64 = 250;

/// The chain of approvals for one kind of application, as an admin last saved it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChainInput {
    pub kind: ApplicationKind,
    pub steps: Vec<Step>,
}

impl ChainInput {
    /// Checks the chain as the admin saves it, naming each step's problem by its place.
    pub fn check(&self) -> Result<(), Error> {
        let mut errors = FieldErrors::new();
        if self.steps.is_empty() {
            errors.add("steps", "required", "a chain has at least one step");
        }
        if self.steps.len() > MAX_STEPS {
            errors.add(
                "steps",
                "too_many",
                format!("a chain has at most {MAX_STEPS} steps"),
            );
            return errors.into_result();
        }
        for (i, step) in self.steps.iter().enumerate() {
            let field = |name: &str| format!("steps[{i}].{name}");
            let name = Some(step.name.trim().to_owned()).filter(|n| !n.is_empty());
            if name.is_none() {
                errors.add(field("name"), "required", "name the step");
            }
            validate::line(&mut errors, &field("name"), &name);
            if !(0..=MAX_DUE_WORKING_DAYS).contains(&step.due_working_days) {
                errors.add(
                    field("due_working_days"),
                    "out_of_range",
                    format!("must be between 0 and {MAX_DUE_WORKING_DAYS} working days"),
                );
            }
            match &step.approver {
                Approver::ApplicantChooses { candidates } if candidates.is_empty() => {
                    errors.add(
                        field("approver"),
                        "required",
                        "list the candidates the applicant chooses from",
                    );
                }
                Approver::ApplicantChooses { candidates } if candidates.len() > 100 => {
                    errors.add(field("approver"), "too_many", "list at most 100 candidates");
                }
                _ => {}
            }
            if let Quorum::AtLeast { count } = step.quorum
                && count == 0
            {
                errors.add(field("quorum"), "out_of_range", "at least one must approve");
            }
            if i == 0 && step.on_refusal == OnRefusal::BackToPrevious {
                errors.add(
                    field("on_refusal"),
                    "no_previous_step",
                    "the first step has no step before it to send back to",
                );
            }
            if let Some(condition) = &step.condition
                && let Err(problem) = condition.check()
            {
                errors.add(field("condition"), "invalid", problem);
            }
        }
        errors.into_result()
    }
}

/// A saved chain: each save makes a new version, and applications keep the plan of the version
/// they were submitted under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Chain {
    pub kind: ApplicationKind,
    pub version: i64,
    pub steps: Vec<Step>,
}

impl Chain {
    /// The chain a new installation starts with: the liaison officer's unit review, the office's
    /// review, then the university leader in charge, each within three working days; a refusal
    /// goes back to the applicant.
    pub fn default_for(kind: ApplicationKind) -> Chain {
        let step = |name: &str, approver| Step {
            name: name.to_owned(),
            approver,
            quorum: Quorum::Any,
            condition: None,
            due_working_days: 3,
            on_refusal: OnRefusal::BackToApplicant,
        };
        Chain {
            kind,
            version: 0,
            steps: vec![
                step("Unit review", Approver::UnitLeader),
                step(
                    "Office review",
                    Approver::Role {
                        role: UserRole::Officer,
                    },
                ),
                step("Leader approval", Approver::LeaderInCharge),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_is_checked_step_by_step_when_saved() {
        let mut chain = ChainInput {
            kind: ApplicationKind::Trip,
            steps: Chain::default_for(ApplicationKind::Trip).steps,
        };
        assert!(chain.check().is_ok());
        chain.steps[0].on_refusal = OnRefusal::BackToPrevious;
        chain.steps[1].name = " ".to_owned();
        chain.steps[2].approver = Approver::ApplicantChooses { candidates: vec![] };
        chain.steps[2].due_working_days = -1;
        let Err(Error::Invalid(errors)) = chain.check() else {
            panic!("a broken chain was accepted")
        };
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "steps[0].on_refusal",
                "steps[1].name",
                "steps[2].due_working_days",
                "steps[2].approver"
            ]
        );
    }

    #[test]
    fn a_chain_reads_as_json_an_admin_or_a_script_can_write() {
        let json = r#"{"kind":"trip","steps":[{"name":"Unit","approver":{"rule":"unit_leader"},
            "quorum":{"mode":"at_least","count":2},"due_working_days":3,"on_refusal":"end",
            "condition":{"field":"days_abroad","operator":"greater_than","value":10}}]}"#;
        let chain: ChainInput = serde_json::from_str(json).unwrap();
        assert!(chain.check().is_ok());
        assert_eq!(chain.steps[0].quorum, Quorum::AtLeast { count: 2 });
    }
}
