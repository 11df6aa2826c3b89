//! A chain worked out for one application: the steps that apply, who approves each and why,
//! kept with the application; and the one function that moves an application along its plan
//! when someone decides.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Approver, Chain, Facts, OnRefusal, Quorum};
use crate::accounts::UserRole;
use crate::workdays::WorkCalendar;
use crate::{Error, validate};

/// Who holds which post, as the approver rules need it: read from the accounts and units when
/// an application is submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directory {
    /// Active accounts by role.
    pub roles: HashMap<UserRole, BTreeSet<i64>>,
    /// A unit's leaders (单位负责人), by unit.
    pub unit_leaders: BTreeMap<i64, BTreeSet<i64>>,
    /// A unit's liaison officers, by unit.
    pub unit_liaisons: BTreeMap<i64, BTreeSet<i64>>,
    /// The university leaders in charge of a unit (分管校领导), by unit.
    pub leaders_in_charge: BTreeMap<i64, BTreeSet<i64>>,
    /// Every active account; approvers outside it are left out of a plan.
    pub active: BTreeSet<i64>,
}

/// Who applies, and the approvers they named or chose for the steps that ask them to, by the
/// step's place in the chain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Applicant {
    pub user_id: i64,
    pub unit_id: Option<i64>,
    #[serde(default)]
    pub chosen: BTreeMap<usize, i64>,
}

/// A step of the chain as it applies to one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlannedStep {
    /// The step's place in the chain it was planned from.
    pub index: usize,
    pub name: String,
    /// Whether the step applies; a step whose condition fails is kept, with the reason, so that
    /// the applicant sees why it was left out.
    pub applies: bool,
    /// Why the step applies (or not), with the values the condition saw.
    pub reason: String,
    pub approvers: Vec<i64>,
    /// How many of them must approve.
    pub required: usize,
    pub due_working_days: i64,
    pub on_refusal: OnRefusal,
}

/// A chain worked out for one application at submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Plan {
    pub chain_version: i64,
    pub facts: Facts,
    pub steps: Vec<PlannedStep>,
}

impl Plan {
    /// Works `chain` out for an application. A step whose rule finds nobody but the applicant,
    /// or fewer approvers than it needs, refuses the submission with a message naming the step,
    /// rather than leaving a task that no one can do.
    pub fn make(
        chain: &Chain,
        facts: &Facts,
        applicant: &Applicant,
        directory: &Directory,
    ) -> Result<Plan, Error> {
        let mut errors = crate::FieldErrors::new();
        let mut steps = Vec::with_capacity(chain.steps.len());
        for (index, step) in chain.steps.iter().enumerate() {
            let field = format!("steps[{index}]");
            let (applies, reason) = match &step.condition {
                None => (true, "always applies".to_owned()),
                Some(condition) => {
                    let holds = condition.holds(facts);
                    let words = condition.describe(facts);
                    if holds {
                        (true, format!("applies because {words}"))
                    } else {
                        (false, format!("left out because not {words}"))
                    }
                }
            };
            let mut approvers = Vec::new();
            let mut required = 0;
            if applies {
                let found = resolve(&step.approver, index, applicant, directory);
                approvers = found
                    .into_iter()
                    .filter(|id| *id != applicant.user_id && directory.active.contains(id))
                    .collect();
                if approvers.is_empty() {
                    errors.add(
                        field.clone(),
                        "no_approver",
                        format!(
                            "nobody can approve the step “{}”: {}",
                            step.name,
                            nobody(&step.approver)
                        ),
                    );
                }
                required = match step.quorum {
                    Quorum::Any => 1,
                    Quorum::All => approvers.len(),
                    Quorum::AtLeast { count } => count as usize,
                };
                if !approvers.is_empty() && required > approvers.len() {
                    errors.add(
                        field,
                        "too_few_approvers",
                        format!(
                            "the step “{}” needs {required} approvals but only {} can approve it",
                            step.name,
                            approvers.len()
                        ),
                    );
                }
            }
            steps.push(PlannedStep {
                index,
                name: step.name.clone(),
                applies,
                reason,
                approvers,
                required,
                due_working_days: step.due_working_days,
                on_refusal: step.on_refusal,
            });
        }
        if !steps.iter().any(|s| s.applies) {
            errors.add(
                "steps",
                "no_step",
                "no step of the chain applies to this application",
            );
        }
        errors.into_result()?;
        Ok(Plan {
            chain_version: chain.version,
            facts: facts.clone(),
            steps,
        })
    }

    /// The first step that applies at or after `from`.
    fn next_applying(&self, from: usize) -> Option<usize> {
        (from..self.steps.len()).find(|&i| self.steps[i].applies)
    }

    /// The last step that applies before `before`.
    fn previous_applying(&self, before: usize) -> Option<usize> {
        (0..before).rev().find(|&i| self.steps[i].applies)
    }

    /// Where a newly submitted application starts.
    pub fn start(&self) -> Progress {
        match self.next_applying(0) {
            Some(step) => Progress::AtStep {
                step,
                approved_by: Vec::new(),
            },
            None => Progress::Approved,
        }
    }
}

fn resolve(approver: &Approver, index: usize, applicant: &Applicant, d: &Directory) -> Vec<i64> {
    let of_unit = |map: &BTreeMap<i64, BTreeSet<i64>>| {
        applicant
            .unit_id
            .and_then(|unit| map.get(&unit))
            .map(|ids| ids.iter().copied().collect())
            .unwrap_or_default()
    };
    match approver {
        Approver::Role { role } => d
            .roles
            .get(role)
            .map(|ids| ids.iter().copied().collect())
            .unwrap_or_default(),
        Approver::UnitLeader => of_unit(&d.unit_leaders),
        Approver::UnitLiaison => of_unit(&d.unit_liaisons),
        Approver::LeaderInCharge => of_unit(&d.leaders_in_charge),
        Approver::User { user_id } => vec![*user_id],
        Approver::NamedOnApplication => applicant.chosen.get(&index).copied().into_iter().collect(),
        Approver::ApplicantChooses { candidates } => applicant
            .chosen
            .get(&index)
            .filter(|chosen| candidates.contains(chosen))
            .copied()
            .into_iter()
            .collect(),
    }
}

/// Why a rule found nobody, so the applicant or an admin knows what to fix.
fn nobody(approver: &Approver) -> String {
    match approver {
        Approver::Role { role } => {
            format!("no other active account has the role {}", role.as_str())
        }
        Approver::UnitLeader => "the applicant's unit has no leader recorded".to_owned(),
        Approver::UnitLiaison => "the applicant's unit has no other liaison officer".to_owned(),
        Approver::LeaderInCharge => {
            "no university leader is recorded as in charge of the applicant's unit".to_owned()
        }
        Approver::User { .. } => "the named account is not active, or is the applicant".to_owned(),
        Approver::NamedOnApplication => "name the approver for this step".to_owned(),
        Approver::ApplicantChooses { .. } => "choose the approver among the candidates".to_owned(),
    }
}

/// Where an application stands in its plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "at", rename_all = "snake_case")]
pub enum Progress {
    /// Waiting for the approvers of a step, some of whom may have approved already.
    AtStep {
        step: usize,
        approved_by: Vec<i64>,
    },
    Approved,
    /// Refused for good.
    Refused,
    /// Sent back to the applicant, who may change it and submit it again.
    BackWithApplicant,
}

/// What an approver decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Approve,
    /// Refuse: the step's rule says what follows.
    Refuse,
    /// Send back to the applicant for a change, whatever the step's rule on refusal.
    SendBack,
}

/// One approver's decision, as asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Decision {
    pub verdict: Verdict,
    #[serde(default)]
    pub comment: Option<String>,
}

/// A deputy acting for an approver over a period (代理), both days included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Delegation {
    pub user_id: i64,
    pub deputy_id: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// What a decision did, for the application's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub progress: Progress,
    /// The planned step decided on.
    pub step: usize,
    /// The approver the decision counts for: the actor, or the approver they stand in for.
    pub approver: i64,
    /// Set when a deputy decided for the approver.
    pub deputy: Option<i64>,
}

/// The most a comment on a decision may hold, in characters.
pub const MAX_COMMENT: usize = 5_000;

/// Moves an application along its plan when `actor` decides on `today`: the one function every
/// approval, refusal and send-back goes through. No one decides on their own application; a
/// refusal or a send-back needs a comment; a deputy decides for an approver only within their
/// delegation's period; an approver decides once per step.
pub fn decide(
    plan: &Plan,
    progress: &Progress,
    applicant: i64,
    actor: i64,
    decision: &Decision,
    delegations: &[Delegation],
    today: NaiveDate,
) -> Result<Outcome, Error> {
    let Progress::AtStep { step, approved_by } = progress else {
        return Err(Error::Conflict {
            message: "this application is no longer waiting for approval".to_owned(),
            current: None,
        });
    };
    let planned = plan.steps.get(*step).ok_or_else(|| Error::Conflict {
        message: "this application's plan has no such step".to_owned(),
        current: None,
    })?;
    if actor == applicant {
        return Err(Error::Forbidden(
            "no one approves their own application".to_owned(),
        ));
    }
    let waiting: Vec<i64> = planned
        .approvers
        .iter()
        .copied()
        .filter(|id| !approved_by.contains(id))
        .collect();
    let (approver, deputy) = if waiting.contains(&actor) {
        (actor, None)
    } else if let Some(d) = delegations.iter().find(|d| {
        d.deputy_id == actor && d.from <= today && today <= d.to && waiting.contains(&d.user_id)
    }) {
        (d.user_id, Some(actor))
    } else if planned.approvers.contains(&actor) {
        return Err(Error::Conflict {
            message: "you have already approved this step".to_owned(),
            current: None,
        });
    } else {
        return Err(Error::Forbidden(format!(
            "only the approvers of the step “{}” (or their deputies) decide on it",
            planned.name
        )));
    };

    let comment = validate::clean(&decision.comment);
    if decision.verdict != Verdict::Approve && comment.is_none() {
        return Err(Error::invalid(
            "comment",
            "required",
            "say why, so the applicant knows what to change",
        ));
    }
    if comment
        .as_ref()
        .is_some_and(|c| c.chars().count() > MAX_COMMENT)
    {
        return Err(Error::invalid(
            "comment",
            "too_long",
            format!("must be at most {MAX_COMMENT} characters"),
        ));
    }

    let progress = match decision.verdict {
        Verdict::Approve => {
            let mut approved_by = approved_by.clone();
            approved_by.push(approver);
            if approved_by.len() >= planned.required {
                match plan.next_applying(step + 1) {
                    Some(next) => Progress::AtStep {
                        step: next,
                        approved_by: Vec::new(),
                    },
                    None => Progress::Approved,
                }
            } else {
                Progress::AtStep {
                    step: *step,
                    approved_by,
                }
            }
        }
        Verdict::SendBack => Progress::BackWithApplicant,
        Verdict::Refuse => match planned.on_refusal {
            OnRefusal::End => Progress::Refused,
            OnRefusal::BackToApplicant => Progress::BackWithApplicant,
            OnRefusal::BackToPrevious => match plan.previous_applying(*step) {
                Some(previous) => Progress::AtStep {
                    step: previous,
                    approved_by: Vec::new(),
                },
                None => Progress::BackWithApplicant,
            },
        },
    };
    Ok(Outcome {
        progress,
        step: *step,
        approver,
        deputy,
    })
}

/// The day a step is due: its working days after the day it started.
pub fn due(
    started: NaiveDate,
    step: &PlannedStep,
    calendar: &WorkCalendar,
) -> Result<NaiveDate, Error> {
    calendar.after(started, step.due_working_days)
}

/// One approver's decision, as an application's history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TripDecision {
    pub at: chrono::DateTime<chrono::Utc>,
    pub step: i64,
    pub step_name: String,
    pub approver_id: i64,
    pub deputy_id: Option<i64>,
    pub username: String,
    pub verdict: Verdict,
    pub comment: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::approvals::{ApplicationKind, Condition, Fact, Field, Step};
    use serde_json::json;

    const APPLICANT: i64 = 1;
    const UNIT_LEADER: i64 = 10;
    const OFFICER_A: i64 = 20;
    const OFFICER_B: i64 = 21;
    const VICE_PRESIDENT: i64 = 30;
    const PRESIDENT: i64 = 31;
    const DEPUTY: i64 = 40;

    fn directory() -> Directory {
        let set = |ids: &[i64]| ids.iter().copied().collect::<BTreeSet<_>>();
        Directory {
            roles: HashMap::from([
                (UserRole::Officer, set(&[OFFICER_A, OFFICER_B])),
                (UserRole::Leader, set(&[VICE_PRESIDENT, PRESIDENT])),
            ]),
            unit_leaders: BTreeMap::from([(5, set(&[UNIT_LEADER]))]),
            unit_liaisons: BTreeMap::from([(5, set(&[APPLICANT]))]),
            leaders_in_charge: BTreeMap::from([(5, set(&[VICE_PRESIDENT]))]),
            active: set(&[
                APPLICANT,
                UNIT_LEADER,
                OFFICER_A,
                OFFICER_B,
                VICE_PRESIDENT,
                PRESIDENT,
                DEPUTY,
            ]),
        }
    }

    fn applicant() -> Applicant {
        Applicant {
            user_id: APPLICANT,
            unit_id: Some(5),
            chosen: BTreeMap::new(),
        }
    }

    fn step(name: &str, approver: Approver, quorum: Quorum, on_refusal: OnRefusal) -> Step {
        Step {
            name: name.to_owned(),
            approver,
            quorum,
            condition: None,
            due_working_days: 3,
            on_refusal,
        }
    }

    /// Unit leader; both officers (会签); the president only for long trips; the leader in charge.
    fn chain() -> Chain {
        let mut president = step(
            "President",
            Approver::User { user_id: PRESIDENT },
            Quorum::Any,
            OnRefusal::End,
        );
        president.condition = Some(
            serde_json::from_value::<Condition>(
                json!({"field": "days_abroad", "operator": "greater_than", "value": 10}),
            )
            .unwrap(),
        );
        Chain {
            kind: ApplicationKind::Trip,
            version: 3,
            steps: vec![
                step(
                    "Unit",
                    Approver::UnitLeader,
                    Quorum::Any,
                    OnRefusal::BackToApplicant,
                ),
                step(
                    "Office",
                    Approver::Role {
                        role: UserRole::Officer,
                    },
                    Quorum::All,
                    OnRefusal::BackToPrevious,
                ),
                president,
                step(
                    "Leader in charge",
                    Approver::LeaderInCharge,
                    Quorum::Any,
                    OnRefusal::End,
                ),
            ],
        }
    }

    fn facts(days: i64) -> Facts {
        Facts(BTreeMap::from([(Field::DaysAbroad, Fact::Number(days))]))
    }

    fn approve() -> Decision {
        Decision {
            verdict: Verdict::Approve,
            comment: None,
        }
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn act(
        plan: &Plan,
        progress: &Progress,
        actor: i64,
        decision: &Decision,
    ) -> Result<Progress, Error> {
        decide(
            plan,
            progress,
            APPLICANT,
            actor,
            decision,
            &[],
            day("2026-03-02"),
        )
        .map(|o| o.progress)
    }

    #[test]
    fn the_plan_keeps_the_steps_that_apply_who_approves_and_why() {
        let plan = Plan::make(&chain(), &facts(7), &applicant(), &directory()).unwrap();
        let summary: Vec<_> = plan
            .steps
            .iter()
            .map(|s| (s.name.as_str(), s.applies, s.approvers.clone(), s.required))
            .collect();
        assert_eq!(
            summary,
            [
                ("Unit", true, vec![UNIT_LEADER], 1),
                ("Office", true, vec![OFFICER_A, OFFICER_B], 2),
                ("President", false, vec![], 0),
                ("Leader in charge", true, vec![VICE_PRESIDENT], 1),
            ]
        );
        assert_eq!(
            plan.steps[2].reason,
            "left out because not days_abroad is more than 10 (it is 7)"
        );
        let long = Plan::make(&chain(), &facts(12), &applicant(), &directory()).unwrap();
        assert!(long.steps[2].applies);
        assert_eq!(
            long.steps[2].reason,
            "applies because days_abroad is more than 10 (it is 12)"
        );
        assert_eq!(long.chain_version, 3);
    }

    #[test]
    fn a_step_that_finds_nobody_but_the_applicant_refuses_the_submission() {
        let mut chain = chain();
        chain.steps[0].approver = Approver::UnitLiaison;
        let Err(Error::Invalid(errors)) = Plan::make(&chain, &facts(3), &applicant(), &directory())
        else {
            panic!("a step with no approver was planned")
        };
        assert_eq!(errors.0[0].field, "steps[0]");
        assert_eq!(errors.0[0].code, "no_approver");
    }

    #[test]
    fn all_must_approve_a_countersigned_step_and_any_one_an_ordinary_one() {
        let plan = Plan::make(&chain(), &facts(3), &applicant(), &directory()).unwrap();
        let p = plan.start();
        let p = act(&plan, &p, UNIT_LEADER, &approve()).unwrap();
        assert_eq!(
            p,
            Progress::AtStep {
                step: 1,
                approved_by: vec![]
            }
        );
        let p = act(&plan, &p, OFFICER_B, &approve()).unwrap();
        assert_eq!(
            p,
            Progress::AtStep {
                step: 1,
                approved_by: vec![OFFICER_B]
            }
        );
        assert!(matches!(
            act(&plan, &p, OFFICER_B, &approve()),
            Err(Error::Conflict { .. })
        ));
        let p = act(&plan, &p, OFFICER_A, &approve()).unwrap();
        // The president's step does not apply to a short trip.
        assert_eq!(
            p,
            Progress::AtStep {
                step: 3,
                approved_by: vec![]
            }
        );
        assert!(matches!(
            act(&plan, &p, PRESIDENT, &approve()),
            Err(Error::Forbidden(_))
        ));
        assert_eq!(
            act(&plan, &p, VICE_PRESIDENT, &approve()).unwrap(),
            Progress::Approved
        );
        assert!(matches!(
            act(&plan, &Progress::Approved, VICE_PRESIDENT, &approve()),
            Err(Error::Conflict { .. })
        ));
    }

    #[test]
    fn no_one_approves_their_own_application() {
        let mut chain = chain();
        chain.steps[0].approver = Approver::User { user_id: APPLICANT };
        assert!(Plan::make(&chain, &facts(3), &applicant(), &directory()).is_err());
        let plan = Plan::make(&self::chain(), &facts(3), &applicant(), &directory()).unwrap();
        assert!(matches!(
            act(&plan, &plan.start(), APPLICANT, &approve()),
            Err(Error::Forbidden(_))
        ));
    }

    #[test]
    fn a_refusal_needs_a_comment_and_does_what_its_step_says() {
        let plan = Plan::make(&chain(), &facts(3), &applicant(), &directory()).unwrap();
        let refuse = |comment: &str| Decision {
            verdict: Verdict::Refuse,
            comment: Some(comment.to_owned()),
        };
        let start = plan.start();
        assert!(matches!(
            act(&plan, &start, UNIT_LEADER, &refuse("  ")),
            Err(Error::Invalid(_))
        ));
        assert_eq!(
            act(&plan, &start, UNIT_LEADER, &refuse("the budget is missing")).unwrap(),
            Progress::BackWithApplicant
        );
        let office = act(&plan, &start, UNIT_LEADER, &approve()).unwrap();
        let office = act(&plan, &office, OFFICER_A, &approve()).unwrap();
        assert_eq!(
            act(
                &plan,
                &office,
                OFFICER_B,
                &refuse("the unit must confirm the funds")
            )
            .unwrap(),
            Progress::AtStep {
                step: 0,
                approved_by: vec![]
            }
        );
        let last = Progress::AtStep {
            step: 3,
            approved_by: vec![],
        };
        assert_eq!(
            act(&plan, &last, VICE_PRESIDENT, &refuse("not now")).unwrap(),
            Progress::Refused
        );
        let send_back = Decision {
            verdict: Verdict::SendBack,
            comment: Some("add the schedule".to_owned()),
        };
        assert_eq!(
            act(&plan, &last, VICE_PRESIDENT, &send_back).unwrap(),
            Progress::BackWithApplicant
        );
    }

    #[test]
    fn a_deputy_decides_for_an_approver_only_within_the_delegation() {
        let plan = Plan::make(&chain(), &facts(3), &applicant(), &directory()).unwrap();
        let delegation = Delegation {
            user_id: UNIT_LEADER,
            deputy_id: DEPUTY,
            from: day("2026-03-01"),
            to: day("2026-03-05"),
        };
        let on = |date: &str| {
            decide(
                &plan,
                &plan.start(),
                APPLICANT,
                DEPUTY,
                &approve(),
                std::slice::from_ref(&delegation),
                day(date),
            )
        };
        let outcome = on("2026-03-05").unwrap();
        assert_eq!(
            (outcome.approver, outcome.deputy),
            (UNIT_LEADER, Some(DEPUTY))
        );
        assert!(matches!(on("2026-03-06"), Err(Error::Forbidden(_))));
        assert!(matches!(on("2026-02-28"), Err(Error::Forbidden(_))));
    }

    #[test]
    fn a_step_is_due_in_working_days_across_the_spring_festival() {
        let plan = Plan::make(&chain(), &facts(3), &applicant(), &directory()).unwrap();
        let days = crate::workdays::shipped_year(2026)
            .unwrap()
            .into_iter()
            .map(|d| (d.date, d.kind));
        let calendar = WorkCalendar::new([2026], days);
        // Started Friday 13 February 2026: Saturday 14 is worked, 15–23 are the holiday.
        assert_eq!(
            due(day("2026-02-13"), &plan.steps[0], &calendar).unwrap(),
            day("2026-02-25")
        );
    }
}
