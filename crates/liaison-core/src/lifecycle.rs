//! Lifecycles: the states a kind of record goes through, the transitions between them and who
//! may make each, declared once as a plain value a kind points to.
//!
//! A record's state is never set by a plain edit. It changes only by a named transition, which
//! the store checks against the kind's lifecycle and writes, with the version check, to an
//! append-only history (Frappe's workflows and OCA's tier validation keep the chain of approvers
//! configurable and the lifecycle itself fixed; so does Liaison).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::{Action, Actor, UserRole, may};
use crate::{Error, FieldErrors, RecordKind};

/// The name of the first event of every record with a lifecycle: it was recorded in a state.
pub const CREATED: &str = "created";

/// Who may make a transition: a small closed set of rules built on the permissions of
/// [`crate::accounts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// Whoever may change the record: the office, or a liaison officer of the record's unit.
    MayChange,
    /// The international exchange office: officers and admins.
    Office,
    /// Admins only.
    Admin,
    /// Whoever acts for an application: its applicant, the office, or a liaison officer of its
    /// unit. The role rules let through every role that may apply; the store checks the
    /// application itself ([`crate::trips::authorize_applicant`]).
    Applicant,
    /// The decision that ends an approval plan's step: its plan names the approvers, and the
    /// store checks them ([`crate::approvals::decide`]); here only viewers are kept out.
    Approver,
}

impl Who {
    /// Whether `actor` may make a transition of a record of `kind` that belongs to `unit`.
    pub fn allows(&self, actor: &Actor, kind: RecordKind, unit: Option<i64>) -> bool {
        match self {
            Who::MayChange => may(actor, Action::Change, kind, unit),
            Who::Office => matches!(actor.role, UserRole::Officer | UserRole::Admin),
            Who::Admin => actor.role == UserRole::Admin,
            Who::Applicant | Who::Approver => actor.role != UserRole::Viewer,
        }
    }

    /// The rule in words, for a refusal.
    fn describe(&self, kind: RecordKind) -> String {
        match self {
            Who::MayChange => format!(
                "only whoever may change this {} can do this",
                kind.as_str().replace('_', " ")
            ),
            Who::Office => "only the office (officers and admins) can do this".to_owned(),
            Who::Admin => "only an admin can do this".to_owned(),
            Who::Applicant => {
                "only the applicant, the unit's liaison officer or the office can do this"
                    .to_owned()
            }
            Who::Approver => "only the approvers of the current step can do this".to_owned(),
        }
    }
}

/// One allowed change of state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// The name a client asks for, such as `sign`.
    pub name: &'static str,
    /// The states it may be made from.
    pub from: &'static [&'static str],
    pub to: &'static str,
    pub who: Who,
}

/// The states of a kind of record and the transitions between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifecycle {
    pub states: &'static [&'static str],
    /// The state of a new record, unless it is recorded in a later one.
    pub initial: &'static str,
    pub transitions: &'static [Transition],
}

impl Lifecycle {
    pub fn transition(&self, name: &str) -> Option<&'static Transition> {
        self.transitions.iter().find(|t| t.name == name)
    }

    pub fn has_state(&self, state: &str) -> bool {
        self.states.contains(&state)
    }

    /// Whether no transition leads out of `state`.
    pub fn is_final(&self, state: &str) -> bool {
        !self.transitions.iter().any(|t| t.from.contains(&state))
    }

    /// The transitions that may be made from `state`, by anyone.
    pub fn from_state(&self, state: &str) -> impl Iterator<Item = &'static Transition> {
        let transitions: &'static [Transition] = self.transitions;
        transitions.iter().filter(move |t| t.from.contains(&state))
    }

    /// The transitions `actor` may make now on a record of `kind` in `state` that belongs to
    /// `unit`: the buttons a page offers.
    pub fn available(
        &self,
        actor: &Actor,
        kind: RecordKind,
        unit: Option<i64>,
        state: &str,
    ) -> Vec<&'static Transition> {
        self.from_state(state)
            .filter(|t| t.who.allows(actor, kind, unit))
            .collect()
    }

    /// The transition `name`, if `actor` may make it on a record of `kind` in `state` that
    /// belongs to `unit`. Refused as forbidden when the rule of the transition does not allow
    /// the actor, and as invalid (naming the state and what may be done from it) when the
    /// record is not in a state it may be made from.
    pub fn check(
        &self,
        actor: &Actor,
        kind: RecordKind,
        unit: Option<i64>,
        state: &str,
        name: &str,
    ) -> Result<&'static Transition, Error> {
        let Some(transition) = self.transition(name) else {
            let known: Vec<&str> = self.transitions.iter().map(|t| t.name).collect();
            return Err(Error::invalid(
                "transition",
                "unknown",
                format!(
                    "there is no transition '{name}'; a {} knows: {}",
                    kind.as_str().replace('_', " "),
                    known.join(", ")
                ),
            ));
        };
        if !transition.who.allows(actor, kind, unit) {
            return Err(Error::Forbidden(transition.who.describe(kind)));
        }
        if !transition.from.contains(&state) {
            let allowed: Vec<&str> = self.from_state(state).map(|t| t.name).collect();
            let allowed = if allowed.is_empty() {
                "none, it is final".to_owned()
            } else {
                allowed.join(", ")
            };
            let mut errors = FieldErrors::new();
            errors.add(
                "transition",
                "not_allowed_from_state",
                format!(
                    "cannot {name} a {} that is {state}; allowed from {state}: {allowed}",
                    kind.as_str().replace('_', " ")
                ),
            );
            return Err(Error::Invalid(errors));
        }
        Ok(transition)
    }
}

/// A record that moves through a lifecycle.
pub trait Stateful {
    /// The lifecycle of its kind.
    fn lifecycle() -> &'static Lifecycle;

    /// The state it is in, one of the lifecycle's states.
    fn state(&self) -> &'static str;

    /// What the record itself must hold before `transition` is made, such as a signing date
    /// before an agreement is signed. Nothing, unless the kind says otherwise.
    fn ready_for(&self, transition: &Transition) -> Result<(), Error> {
        let _ = transition;
        Ok(())
    }
}

/// A change of state asked for: the transition's name, the version of the record it was asked
/// on, and a note for the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// The name of the transition, such as `sign`.
    pub transition: String,
    /// The version of the record the transition was chosen on.
    pub version: i64,
    #[serde(default)]
    pub note: Option<String>,
}

/// One event of a record's history: who changed its state, when, from what to what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RecordEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub user_id: Option<i64>,
    pub username: String,
    /// The transition made, or `created` for the state the record was recorded in.
    pub transition: String,
    /// The state before; none for the first event.
    pub from: Option<String>,
    pub to: String,
    pub note: Option<String>,
}

/// An event of a record's history as the exchange document carries it: the record is named by
/// its key, so the history moves between databases with the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordEventInput {
    /// The kind of record, as the audit log names it (`agreement`).
    pub entity: String,
    /// The record's key.
    pub record: String,
    pub at: DateTime<Utc>,
    pub username: String,
    pub transition: String,
    #[serde(default)]
    pub from: Option<String>,
    pub to: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AGREEMENT;

    const DOOR: Lifecycle = Lifecycle {
        states: &["open", "shut", "locked", "gone"],
        initial: "open",
        transitions: &[
            Transition {
                name: "shut",
                from: &["open"],
                to: "shut",
                who: Who::MayChange,
            },
            Transition {
                name: "lock",
                from: &["shut"],
                to: "locked",
                who: Who::Office,
            },
            Transition {
                name: "remove",
                from: &["open", "shut", "locked"],
                to: "gone",
                who: Who::Admin,
            },
        ],
    };

    fn actor(role: UserRole, unit: Option<i64>) -> Actor {
        Actor {
            user_id: Some(1),
            username: "someone".into(),
            role,
            unit_id: unit,
            address: None,
        }
    }

    fn check(
        actor: &Actor,
        unit: Option<i64>,
        state: &str,
        name: &str,
    ) -> Result<&'static str, Error> {
        DOOR.check(actor, AGREEMENT, unit, state, name)
            .map(|t| t.to)
    }

    #[test]
    fn a_transition_leads_to_its_state_only_from_the_states_it_names() {
        let office = actor(UserRole::Officer, None);
        assert_eq!(check(&office, None, "open", "shut").unwrap(), "shut");
        assert_eq!(check(&office, None, "shut", "lock").unwrap(), "locked");
        let Err(Error::Invalid(errors)) = check(&office, None, "open", "lock") else {
            panic!("locking an open door is refused");
        };
        assert_eq!(errors.0[0].code, "not_allowed_from_state");
        assert!(
            errors.0[0]
                .message
                .contains("that is open; allowed from open: shut"),
            "{}",
            errors.0[0].message
        );
        let Err(Error::Invalid(errors)) =
            check(&actor(UserRole::Admin, None), None, "gone", "remove")
        else {
            panic!("a final state has no way out");
        };
        assert!(errors.0[0].message.contains("none, it is final"));
        let Err(Error::Invalid(errors)) = check(&office, None, "open", "paint") else {
            panic!("an unknown transition is refused");
        };
        assert_eq!(errors.0[0].code, "unknown");
    }

    #[test]
    fn who_may_make_a_transition_follows_the_roles_and_the_records_unit() {
        let own = actor(UserRole::Liaison, Some(7));
        let other = actor(UserRole::Liaison, Some(8));
        assert!(check(&own, Some(7), "open", "shut").is_ok());
        assert!(matches!(
            check(&other, Some(7), "open", "shut"),
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            check(&own, Some(7), "shut", "lock"),
            Err(Error::Forbidden(_))
        ));
        for role in [UserRole::Leader, UserRole::Viewer] {
            assert!(matches!(
                check(&actor(role, None), None, "open", "shut"),
                Err(Error::Forbidden(_))
            ));
        }
        assert!(matches!(
            check(&actor(UserRole::Officer, None), None, "open", "remove"),
            Err(Error::Forbidden(_))
        ));
        assert!(check(&actor(UserRole::Admin, None), None, "open", "remove").is_ok());
    }

    #[test]
    fn the_buttons_offered_are_the_transitions_the_actor_may_make_now() {
        let names = |a: &Actor, state| -> Vec<&str> {
            DOOR.available(a, AGREEMENT, Some(7), state)
                .into_iter()
                .map(|t| t.name)
                .collect()
        };
        assert_eq!(
            names(&actor(UserRole::Admin, None), "shut"),
            ["lock", "remove"]
        );
        assert_eq!(names(&actor(UserRole::Liaison, Some(7)), "open"), ["shut"]);
        assert!(names(&actor(UserRole::Liaison, Some(8)), "open").is_empty());
        assert!(names(&actor(UserRole::Viewer, None), "open").is_empty());
        assert!(DOOR.is_final("gone"));
        assert!(!DOOR.is_final("locked"));
    }
}
