//! Accounts and what each role may do: the one set of permission rules for pages and API alike.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::kind::{Kind, Naming, RecordKind, Rights, Scope};
use crate::validate::{self, Validate};
use crate::{FieldErrors, Named};

/// What a user is in the office's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UserRole {
    /// Everything, including users and policy settings.
    Admin,
    /// Office staff: all records.
    Officer,
    /// A university leader: reads everything, approves.
    Leader,
    /// A school's foreign-affairs liaison officer: reads everything, changes their unit's records.
    Liaison,
    /// Reads.
    Viewer,
    /// A member of staff (教职工): reads like a viewer, and files their own applications, such as
    /// a trip abroad for themselves or their group.
    Staff,
}

impl UserRole {
    pub const ALL: [UserRole; 6] = [
        UserRole::Admin,
        UserRole::Officer,
        UserRole::Leader,
        UserRole::Liaison,
        UserRole::Viewer,
        UserRole::Staff,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            UserRole::Admin => "admin",
            UserRole::Officer => "officer",
            UserRole::Leader => "leader",
            UserRole::Liaison => "liaison",
            UserRole::Viewer => "viewer",
            UserRole::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<UserRole> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Who is acting: a signed-in user, or Liaison itself on behalf of whoever runs the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    pub role: UserRole,
    pub unit_id: Option<i64>,
    /// The network address the request came from, for the audit log.
    pub address: Option<String>,
}

impl Actor {
    /// The command line, run by whoever may run it on the server.
    pub fn command_line(what: &str) -> Actor {
        Actor {
            user_id: None,
            username: format!("({what})"),
            role: UserRole::Admin,
            unit_id: None,
            address: None,
        }
    }
}

/// Accounts as a kind of record: only admins see and change them.
const KIND: Kind = Kind {
    name: "user",
    table: "users",
    path: "users",
    categories: None,
    pages: false,
    files: false,
    rights: Rights {
        admin_only: true,
        officers: false,
        liaison_creates: Scope::None,
        liaison_changes: Scope::None,
    },
    search: None,
    timeline: None,
    naming: &[Naming::new("person", "users", "person_id").unshown()],
    import: None,
    lifecycle: None,
    sorts: &["username"],
    newest_first: false,
};

/// Accounts, as the permission rules name them.
pub const USER: RecordKind = RecordKind::of(&KIND);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    Create,
    /// Change or delete.
    Change,
}

/// Whether `actor` may do `action` on a record of `kind` that belongs to `unit` (the unit it is
/// recorded under: an activity's host unit, a person's unit, an agreement's unit; for a gift,
/// its activity's host unit). A change that moves a record to another unit is checked for both.
///
/// A liaison officer may add the guests and partner organizations of their unit's activities as
/// new records, but changing those shared records afterwards is the office's work.
pub fn may(actor: &Actor, action: Action, kind: RecordKind, unit: Option<i64>) -> bool {
    let rights = kind.rights;
    let own_unit = actor.unit_id.is_some() && unit == actor.unit_id;
    let within = |scope: Scope| match scope {
        Scope::None => false,
        Scope::OwnUnit => own_unit,
        Scope::OwnUnitOrNone => own_unit || unit.is_none(),
        Scope::Any => true,
    };
    match (actor.role, action) {
        (UserRole::Admin, _) => true,
        (_, Action::Read) => !rights.admin_only,
        (UserRole::Officer, _) => rights.officers,
        (UserRole::Liaison, Action::Create) => within(rights.liaison_creates),
        (UserRole::Liaison, Action::Change) => within(rights.liaison_changes),
        (UserRole::Leader | UserRole::Viewer | UserRole::Staff, _) => false,
    }
}

/// Refuses what `may` does not allow, with the reason in words.
pub fn authorize(
    actor: &Actor,
    action: Action,
    kind: RecordKind,
    unit: Option<i64>,
) -> Result<(), crate::Error> {
    if may(actor, action, kind, unit) {
        return Ok(());
    }
    let why = match (actor.role, action) {
        (UserRole::Liaison, Action::Create | Action::Change) => format!(
            "a liaison officer changes only the {} records of their own unit",
            kind.as_str().replace('_', " ")
        ),
        (_, Action::Create | Action::Change) => format!(
            "the {} role cannot change {} records",
            actor.role.as_str(),
            kind.as_str().replace('_', " ")
        ),
        (_, Action::Read) => format!(
            "the {} role cannot see {} records",
            actor.role.as_str(),
            kind.as_str().replace('_', " ")
        ),
    };
    Err(crate::Error::Forbidden(why))
}

/// Refuses at once what the actor's role can never do with this kind of record, whatever its
/// unit, so a viewer is told "not allowed" before anything else is looked at.
pub fn authorize_role(actor: &Actor, action: Action, kind: RecordKind) -> Result<(), crate::Error> {
    let best_case = match (actor.role, action, kind) {
        // A liaison officer's own unit is the one unit they may act for.
        (UserRole::Liaison, _, _) => actor.unit_id,
        _ => None,
    };
    authorize(actor, action, kind, best_case)
}

/// An account as an admin creates or changes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    pub username: String,
    pub display_name: String,
    pub role: UserRole,
    /// The unit of a liaison officer.
    #[serde(default)]
    pub unit: Option<i64>,
    #[serde(default = "active")]
    pub active: bool,
}

fn active() -> bool {
    true
}

impl Validate for UserInput {
    fn check(&mut self, errors: &mut FieldErrors) {
        self.username = self.username.trim().to_lowercase();
        self.display_name = self.display_name.trim().to_owned();
        let ok = (2..=50).contains(&self.username.len())
            && self
                .username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
        if !ok {
            errors.add(
                "username",
                "invalid",
                "use 2 to 50 letters, digits and . _ -",
            );
        }
        if self.display_name.is_empty() {
            errors.add("display_name", "required", "is required");
        }
        validate::line(errors, "display_name", &Some(self.display_name.clone()));
        if self.role == UserRole::Liaison && self.unit.is_none() {
            errors.add("unit", "required", "a liaison officer belongs to a unit");
        }
    }
}

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Checks a new password: long enough, and not the username.
pub fn check_password(username: &str, password: &str) -> Result<(), crate::Error> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(crate::Error::invalid(
            "password",
            "too_short",
            format!("use at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if password.eq_ignore_ascii_case(username) {
        return Err(crate::Error::invalid(
            "password",
            "is_username",
            "the password cannot be the username",
        ));
    }
    Ok(())
}

/// How long an API token lasts when its maker does not choose.
pub const DEFAULT_TOKEN_DAYS: i64 = 90;
/// The longest an API token may last: a token is renewed at least once a year.
pub const MAX_TOKEN_DAYS: i64 = 366;

/// The days an API token is to last, refused outside 1 to [`MAX_TOKEN_DAYS`].
pub fn token_days(days: Option<i64>) -> Result<i64, crate::Error> {
    let days = days.unwrap_or(DEFAULT_TOKEN_DAYS);
    if (1..=MAX_TOKEN_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(crate::Error::invalid(
            "days",
            "out_of_range",
            format!("a token lasts from 1 to {MAX_TOKEN_DAYS} days"),
        ))
    }
}

/// An API token as its owner sees it; the token itself is shown once, when it is made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    /// What it is for, such as "nightly export".
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiToken {
    /// Whether the token still opens the API at `now`.
    pub fn is_valid_at(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }

    /// `active`, `expired` or `revoked`, at `now`.
    pub fn state_at(&self, now: DateTime<Utc>) -> &'static str {
        if self.revoked_at.is_some() {
            "revoked"
        } else if self.is_valid_at(now) {
            "active"
        } else {
            "expired"
        }
    }

    /// `active`, `expired` or `revoked`, now.
    pub fn state(&self) -> &'static str {
        self.state_at(Utc::now())
    }
}

/// A stored account; the password hash never leaves the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub version: i64,
    pub username: String,
    pub display_name: String,
    pub role: UserRole,
    pub unit: Option<Named>,
    pub active: bool,
    /// The interface language the user chose: `zh` or `en`.
    pub language: Option<String>,
    /// The password was printed on the command line and has been used once: the user must
    /// choose a new one before doing anything else.
    #[serde(default)]
    pub must_change_password: bool,
}

impl User {
    /// The user as the one acting in a request from `address`.
    pub fn actor(&self, address: Option<String>) -> Actor {
        Actor {
            user_id: Some(self.id),
            username: self.username.clone(),
            role: self.role,
            unit_id: self.unit.as_ref().map(|u| u.id),
            address,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ACTIVITY, AUDIT_LOG, CALENDAR_DAY, GIFT, ORGANIZATION, PERSON, UNIT};

    fn actor(role: UserRole, unit: Option<i64>) -> Actor {
        Actor {
            user_id: Some(1),
            username: "u".into(),
            role,
            unit_id: unit,
            address: None,
        }
    }

    #[test]
    fn everyone_reads_records_but_only_admins_read_users_and_the_audit_log() {
        for role in UserRole::ALL {
            let a = actor(role, Some(1));
            assert!(may(&a, Action::Read, ACTIVITY, None));
            let admin = role == UserRole::Admin;
            assert_eq!(may(&a, Action::Read, AUDIT_LOG, None), admin);
            assert_eq!(may(&a, Action::Create, USER, None), admin);
        }
    }

    #[test]
    fn officers_change_every_record_and_leaders_and_viewers_none() {
        for kind in [ORGANIZATION, ACTIVITY, GIFT] {
            for action in [Action::Create, Action::Change] {
                assert!(may(&actor(UserRole::Officer, None), action, kind, Some(3)));
                assert!(!may(&actor(UserRole::Leader, None), action, kind, Some(3)));
                assert!(!may(&actor(UserRole::Viewer, None), action, kind, None));
            }
        }
    }

    #[test]
    fn a_liaison_officer_changes_only_records_of_their_own_unit() {
        let liaison = actor(UserRole::Liaison, Some(7));
        for action in [Action::Create, Action::Change] {
            assert!(may(&liaison, action, ACTIVITY, Some(7)));
            assert!(!may(&liaison, action, ACTIVITY, Some(8)));
            assert!(!may(&liaison, action, ACTIVITY, None));
        }
        let err = authorize(&liaison, Action::Change, ACTIVITY, Some(8)).unwrap_err();
        assert!(err.to_string().contains("own unit"), "{err}");
        let lost = actor(UserRole::Liaison, None);
        assert!(!may(&lost, Action::Change, ACTIVITY, None));
    }

    #[test]
    fn a_liaison_officer_adds_new_guests_and_partners_but_does_not_change_shared_ones() {
        let liaison = actor(UserRole::Liaison, Some(7));
        assert!(may(&liaison, Action::Create, ORGANIZATION, None));
        assert!(may(&liaison, Action::Create, PERSON, None));
        assert!(!may(&liaison, Action::Change, ORGANIZATION, None));
        assert!(!may(&liaison, Action::Change, PERSON, None));
        assert!(may(&liaison, Action::Change, PERSON, Some(7)));
        assert!(!may(&liaison, Action::Create, UNIT, Some(7)));
    }

    #[test]
    fn everyone_reads_the_working_day_calendar_and_only_admins_change_it() {
        for role in UserRole::ALL {
            let a = actor(role, Some(1));
            assert!(may(&a, Action::Read, CALENDAR_DAY, None));
            let admin = role == UserRole::Admin;
            for action in [Action::Create, Action::Change] {
                assert_eq!(may(&a, action, CALENDAR_DAY, Some(1)), admin);
            }
        }
    }

    #[test]
    fn passwords_are_long_and_not_the_username() {
        assert!(check_password("wu", "short").is_err());
        assert!(check_password("wuwanxiong1", "WUWANXIONG1").is_err());
        assert!(check_password("wu", "correct horse battery").is_ok());
    }
}
