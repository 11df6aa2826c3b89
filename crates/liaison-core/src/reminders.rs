//! What reminds whom, and when: the reminder rules, their timing parameters, and the notice a
//! rule gives (who is told, about which page, with which facts).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Error;
use crate::workdays::WorkCalendar;

/// A kind of reminder or notification. Each user sees them in Liaison; by e-mail, the optional
/// ones only if the user has not turned them off.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// An application waits for the recipient's approval: at once, then every few working days.
    ApprovalTask,
    /// An application has waited too long for its approvers: told to their deputy or the office.
    ApprovalEscalated,
    /// The applicant's application was approved, refused or sent back.
    ApplicationDecided,
    /// A member not yet briefed leaves soon: the pre-departure briefing must come first.
    BriefingSoon,
    /// The public notice of a member's trip ends soon.
    NoticeEnding,
    /// A trip's report is due soon.
    ReportDue,
    /// A trip's report is overdue.
    ReportOverdue,
    /// An agreement kept by the recipient's unit, or by the office, expires soon.
    AgreementExpiring,
    /// A follow-up promised in an activity of the recipient's unit is due.
    FollowUpDue,
    /// A received gift worth declaring has not been handed in within the period.
    GiftNotHandedIn,
    /// A passport is due back, then overdue (the holder, then the unit's liaison officer, then
    /// the office). The rule is declared here so users can see it among their choices; the
    /// passports' records give it its notices.
    PassportDue,
    /// The daily digest of a user's optional reminders.
    Digest,
}

impl Rule {
    /// Every rule, in the order the settings page lists them.
    pub const ALL: [Rule; 12] = [
        Rule::ApprovalTask,
        Rule::ApprovalEscalated,
        Rule::ApplicationDecided,
        Rule::BriefingSoon,
        Rule::NoticeEnding,
        Rule::ReportDue,
        Rule::ReportOverdue,
        Rule::AgreementExpiring,
        Rule::FollowUpDue,
        Rule::GiftNotHandedIn,
        Rule::PassportDue,
        Rule::Digest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::ApprovalTask => "approval_task",
            Rule::ApprovalEscalated => "approval_escalated",
            Rule::ApplicationDecided => "application_decided",
            Rule::BriefingSoon => "briefing_soon",
            Rule::NoticeEnding => "notice_ending",
            Rule::ReportDue => "report_due",
            Rule::ReportOverdue => "report_overdue",
            Rule::AgreementExpiring => "agreement_expiring",
            Rule::FollowUpDue => "follow_up_due",
            Rule::GiftNotHandedIn => "gift_not_handed_in",
            Rule::PassportDue => "passport_due",
            Rule::Digest => "digest",
        }
    }

    pub fn parse(text: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// Whether the rule's e-mail reaches the user whatever they choose: what the university
    /// answers for to the authorities (an overdue report or passport, an undeclared gift, an
    /// application left waiting) cannot be turned off.
    pub fn mandatory(self) -> bool {
        matches!(
            self,
            Rule::ApprovalEscalated
                | Rule::ReportOverdue
                | Rule::GiftNotHandedIn
                | Rule::PassportDue
                | Rule::Digest
        )
    }

    /// Whether a user may choose not to get the rule by e-mail.
    pub fn optional(self) -> bool {
        !self.mandatory()
    }
}

/// One reminder to give: the rule, the accounts told, the page it is about, the facts its
/// message names, and its key, the same however often the reminder is worked out, so that it is
/// given once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub rule: Rule,
    pub to: Vec<i64>,
    /// The page's path, such as `/trips/12`.
    pub link: String,
    pub facts: BTreeMap<String, String>,
    pub key: String,
}

impl Notice {
    pub fn new(rule: Rule, to: Vec<i64>, link: impl Into<String>, key: impl Into<String>) -> Self {
        Notice {
            rule,
            to,
            link: link.into(),
            facts: BTreeMap::new(),
            key: key.into(),
        }
    }

    pub fn fact(mut self, name: &str, value: impl Into<String>) -> Self {
        self.facts.insert(name.to_owned(), value.into());
        self
    }
}

/// The timing of every reminder rule, which admins set on the reminders page; each save is a
/// new version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReminderPolicy {
    /// An approver is reminded again every this many working days while an application waits.
    pub approval_repeat_working_days: i64,
    /// After this many working days waiting, the step's deputy (or else the office) is told.
    pub approval_escalate_working_days: i64,
    /// Members not yet briefed are reminded this many days before departure.
    pub briefing_days_before: i64,
    /// Members are reminded this many days before the public notice ends.
    pub notice_days_before: i64,
    /// The applicant is reminded this many days before the report is due.
    pub report_days_before: i64,
    /// An overdue report is reminded of again every this many days.
    pub report_overdue_every_days: i64,
    /// The office and the keeping unit are told this many days before an agreement expires,
    /// once for each number.
    pub agreement_days_before: Vec<i64>,
    /// The host unit's liaison officer is told this many days before a follow-up is due, and
    /// again on the day.
    pub follow_up_days_before: i64,
}

impl Default for ReminderPolicy {
    fn default() -> Self {
        ReminderPolicy {
            approval_repeat_working_days: 2,
            approval_escalate_working_days: 5,
            briefing_days_before: 7,
            notice_days_before: 1,
            report_days_before: 7,
            report_overdue_every_days: 7,
            agreement_days_before: vec![90, 30],
            follow_up_days_before: 7,
        }
    }
}

impl ReminderPolicy {
    /// Every number from 1 (0 for the days before) to a year, and at least one agreement
    /// reminder.
    pub fn check(&self) -> Result<(), Error> {
        let mut errors = crate::FieldErrors::new();
        let numbers = [
            (
                "approval_repeat_working_days",
                self.approval_repeat_working_days,
                1,
            ),
            (
                "approval_escalate_working_days",
                self.approval_escalate_working_days,
                1,
            ),
            ("briefing_days_before", self.briefing_days_before, 0),
            ("notice_days_before", self.notice_days_before, 0),
            ("report_days_before", self.report_days_before, 0),
            (
                "report_overdue_every_days",
                self.report_overdue_every_days,
                1,
            ),
            ("follow_up_days_before", self.follow_up_days_before, 0),
        ];
        for (field, value, least) in numbers {
            if !(least..=366).contains(&value) {
                errors.add(
                    field,
                    "out_of_range",
                    format!("must be from {least} to 366"),
                );
            }
        }
        if self.agreement_days_before.is_empty()
            || self.agreement_days_before.len() > 5
            || self
                .agreement_days_before
                .iter()
                .any(|d| !(0..=366).contains(d))
        {
            errors.add(
                "agreement_days_before",
                "out_of_range",
                "one to five numbers of days, each from 0 to 366",
            );
        }
        errors.into_result()
    }

    /// The day of an approval reminder's `round` (0: the day the step started), counted in
    /// working days from `started`.
    pub fn approval_round_day(
        &self,
        started: NaiveDate,
        round: i64,
        calendar: &WorkCalendar,
    ) -> Result<NaiveDate, Error> {
        if round == 0 {
            return Ok(started);
        }
        calendar.after(started, self.approval_repeat_working_days * round)
    }

    /// Whether the reminder of `round` also goes to the deputy or the office: the application
    /// has waited the escalation's working days by then.
    pub fn escalates(&self, round: i64) -> bool {
        round > 0
            && self.approval_repeat_working_days * round >= self.approval_escalate_working_days
    }

    /// Whether an overdue report, due on `due`, is reminded of on `today`: the day after it was
    /// due, and every period after.
    pub fn report_overdue_on(&self, due: NaiveDate, today: NaiveDate) -> bool {
        let late = (today - due).num_days();
        late >= 1 && (late - 1) % self.report_overdue_every_days == 0
    }
}

/// A job as the admins' page and API list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub key: String,
    pub state: String,
    pub attempts: i64,
    pub run_at: String,
    pub last_error: Option<String>,
    pub created_at: String,
    pub finished_at: Option<String>,
}

/// A message of the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OutboxMessage {
    pub id: i64,
    pub user_id: Option<i64>,
    pub address: String,
    pub language: String,
    pub rule: String,
    pub subject: String,
    pub body: String,
    /// waiting, sent or failed.
    pub state: String,
    pub attempts: i64,
    /// The SMTP server's answer to the message that was accepted.
    pub reply: Option<String>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
}

/// What a user is told inside Liaison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Notification {
    pub id: i64,
    pub rule: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: String,
    pub read_at: Option<String>,
}

/// How a user wants to hear of reminders.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettings {
    /// Where e-mail goes; none, in Liaison only.
    #[serde(default)]
    pub email: Option<String>,
    /// Optional reminders come as one e-mail a day instead of one each.
    #[serde(default)]
    pub digest: bool,
    /// Optional reminders the user does not want by e-mail; mandatory ones are sent anyway.
    #[serde(default)]
    pub muted: Vec<Rule>,
}

impl NotificationSettings {
    /// Checks the address's shape (one `@`, no spaces) and drops mandatory rules from `muted`.
    pub fn cleaned(mut self) -> std::result::Result<Self, Error> {
        self.email = self
            .email
            .map(|e| e.trim().to_owned())
            .filter(|e| !e.is_empty());
        if let Some(email) = &self.email {
            let parts: Vec<&str> = email.split('@').collect();
            let well_formed = parts.len() == 2
                && !parts[0].is_empty()
                && parts[1].contains('.')
                && email.len() <= 254
                && !email.chars().any(|c| c.is_whitespace() || c.is_control());
            if !well_formed {
                let mut errors = crate::FieldErrors::new();
                errors.add("email", "invalid", "not an e-mail address");
                return Err(Error::Invalid(errors));
            }
        }
        self.muted.retain(|r| r.optional());
        self.muted.sort();
        self.muted.dedup();
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workdays::DayKind;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn an_approval_repeats_every_n_working_days_across_national_day() {
        let mut days: Vec<(NaiveDate, DayKind)> = (1..=7)
            .map(|d| (NaiveDate::from_ymd_opt(2026, 10, d).unwrap(), DayKind::Off))
            .collect();
        days.push((day("2026-10-10"), DayKind::Working));
        let calendar = WorkCalendar::new([2026], days);
        let policy = ReminderPolicy::default();
        // Submitted on Tuesday 29 September 2026; 1 to 7 October are holidays and Saturday 10
        // October a working day.
        let started = day("2026-09-29");
        assert_eq!(
            policy.approval_round_day(started, 0, &calendar).unwrap(),
            started
        );
        assert_eq!(
            policy.approval_round_day(started, 1, &calendar).unwrap(),
            day("2026-10-08")
        );
        assert_eq!(
            policy.approval_round_day(started, 2, &calendar).unwrap(),
            day("2026-10-10")
        );
        assert!(!policy.escalates(1));
        assert!(!policy.escalates(2));
        assert!(policy.escalates(3));
    }

    #[test]
    fn an_overdue_report_is_reminded_of_the_day_after_and_every_period() {
        let policy = ReminderPolicy::default();
        let due = day("2026-05-10");
        let on: Vec<i64> = (0..20)
            .filter(|n| policy.report_overdue_on(due, due + chrono::Duration::days(*n)))
            .collect();
        assert_eq!(on, vec![1, 8, 15]);
    }

    #[test]
    fn mandatory_rules_cannot_be_turned_off() {
        assert!(Rule::ApprovalEscalated.mandatory());
        assert!(Rule::ApprovalTask.optional());
        for rule in Rule::ALL {
            assert_eq!(Rule::parse(rule.as_str()), Some(rule));
        }
    }

    #[test]
    fn the_policy_refuses_numbers_out_of_range() {
        let policy = ReminderPolicy {
            approval_repeat_working_days: 0,
            agreement_days_before: vec![],
            ..ReminderPolicy::default()
        };
        assert!(policy.check().is_err());
        assert!(ReminderPolicy::default().check().is_ok());
    }
}
