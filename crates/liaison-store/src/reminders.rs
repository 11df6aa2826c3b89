//! The reminders worked out from the records: the jobs a trip's change leaves (its approvers
//! told at once and again every few working days, its applicant told of the decision), what a
//! day's sweep finds due, and who is told.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use liaison_core::activities::OutcomeInput;
use liaison_core::approvals::Progress;
use liaison_core::passports::Escalation;
use liaison_core::reminders::{Notice, ReminderPolicy, Rule};
use liaison_core::trips::TripState;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use crate::jobs::{NewJob, cancel, enqueue};
use crate::sql::{RowExt, date_text};
use crate::{Result, Store};

/// The instant the office's day `day` begins, China Standard Time: when a reminder for that day
/// becomes due.
pub fn office_start(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default()) - Duration::hours(8)
}

/// A round of reminders to the approvers of one step of an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRound {
    pub trip: i64,
    /// The application's version when the step started, which tells one start from another.
    pub version: i64,
    pub step: usize,
    pub started_on: NaiveDate,
    pub round: i64,
}

impl ApprovalRound {
    pub fn job(&self, run_on: NaiveDate) -> NewJob {
        NewJob {
            kind: "approval".to_owned(),
            key: format!("approval:{}:{}:{}", self.trip, self.version, self.round),
            subject: Some(format!("trip:{}", self.trip)),
            payload: serde_json::to_value(self).unwrap_or_default(),
            run_at: office_start(run_on),
        }
    }
}

/// What an application's change leaves to remind of, written in the change's transaction: a new
/// step's approvers told at once (and the rounds after, by the job itself), the applicant told
/// of a decision; the rounds of a step that ended are cancelled.
pub(crate) async fn trip_progressed(
    conn: &mut AnyConnection,
    trip: i64,
    version: i64,
    applicant: i64,
    progress: &Progress,
    step_started: bool,
    today: NaiveDate,
) -> Result<()> {
    let subject = format!("trip:{trip}");
    match progress {
        Progress::AtStep { step, .. } if step_started => {
            cancel(conn, "approval", &subject).await?;
            let round = ApprovalRound {
                trip,
                version,
                step: *step,
                started_on: today,
                round: 0,
            };
            enqueue(conn, &round.job(today)).await?;
        }
        Progress::AtStep { .. } => {}
        Progress::Approved | Progress::Refused | Progress::BackWithApplicant => {
            cancel(conn, "approval", &subject).await?;
            let verdict = match progress {
                Progress::Approved => "approved",
                Progress::Refused => "refused",
                _ => "sent_back",
            };
            let notice = Notice::new(
                Rule::ApplicationDecided,
                vec![applicant],
                format!("/trips/{trip}"),
                format!("decided:{trip}:{version}"),
            )
            .fact("verdict", verdict);
            enqueue(conn, &NewJob::notice(&notice, office_start(today))).await?;
        }
    }
    Ok(())
}

impl Store {
    /// The notices of an approval round due on `today`, and the next round, or nothing if the
    /// application no longer waits at that step.
    pub async fn approval_round(
        &self,
        round: &ApprovalRound,
        policy: &ReminderPolicy,
        today: NaiveDate,
    ) -> Result<(Vec<Notice>, Option<NewJob>)> {
        let row =
            sqlx::query("SELECT status, progress, title_zh, title_en FROM trips WHERE id = $1")
                .bind(round.trip)
                .fetch_optional(&self.read)
                .await?;
        let Some(row) = row else {
            return Ok((Vec::new(), None));
        };
        let status: TripState = row.enumerated("status")?;
        let progress: Option<Progress> = match row.opt_text("progress")? {
            Some(text) => serde_json::from_str(&text).ok(),
            None => None,
        };
        let at_step = matches!(progress, Some(Progress::AtStep { step, .. }) if step == round.step);
        if status != TripState::InApproval || !at_step {
            return Ok((Vec::new(), None));
        }
        let title = row
            .opt_text("title_zh")?
            .or(row.opt_text("title_en")?)
            .unwrap_or_default();
        let waiting: Vec<i64> = sqlx::query_scalar(
            "SELECT user_id FROM trip_waiting WHERE trip_id = $1 ORDER BY user_id",
        )
        .bind(round.trip)
        .fetch_all(&self.read)
        .await?;
        let key = format!("approval:{}:{}:{}", round.trip, round.version, round.round);
        let link = format!("/trips/{}", round.trip);
        let mut notices = vec![
            Notice::new(Rule::ApprovalTask, waiting.clone(), &link, &key)
                .fact("title", &title)
                .fact("round", round.round.to_string()),
        ];
        if policy.escalates(round.round) {
            let mut to = self.deputies_of(&waiting, today).await?;
            if to.is_empty() {
                to = self.office().await?;
            }
            let waited = policy.approval_repeat_working_days * round.round;
            notices.push(
                Notice::new(
                    Rule::ApprovalEscalated,
                    to,
                    &link,
                    format!("{key}:escalated"),
                )
                .fact("title", &title)
                .fact("working_days", waited.to_string()),
            );
        }
        let calendar = self.work_calendar_from(round.started_on).await?;
        let next = ApprovalRound {
            round: round.round + 1,
            ..round.clone()
        };
        let next_day = policy.approval_round_day(round.started_on, next.round, &calendar)?;
        Ok((notices, Some(next.job(next_day))))
    }

    /// The deputies acting on `today` for any of `users`.
    async fn deputies_of(&self, users: &[i64], today: NaiveDate) -> Result<Vec<i64>> {
        let mut deputies = Vec::new();
        for user in users {
            let found: Vec<i64> = sqlx::query_scalar(
                "SELECT deputy_id FROM delegations WHERE user_id = $1 AND from_date <= $2 \
                 AND to_date >= $2",
            )
            .bind(user)
            .bind(date_text(today))
            .fetch_all(&self.read)
            .await?;
            deputies.extend(found);
        }
        deputies.sort();
        deputies.dedup();
        Ok(deputies)
    }

    /// The office's staff: the active officers.
    async fn office(&self) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM users WHERE role = 'officer' AND active = 1 ORDER BY id",
        )
        .fetch_all(&self.read)
        .await?)
    }

    /// The liaison officers of unit `unit`, or the office when it has none.
    async fn unit_liaisons_or_office(&self, unit: Option<i64>) -> Result<Vec<i64>> {
        if let Some(unit) = unit {
            let found: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM users WHERE role = 'liaison' AND unit_id = $1 AND active = 1 \
                 ORDER BY id",
            )
            .bind(unit)
            .fetch_all(&self.read)
            .await?;
            if !found.is_empty() {
                return Ok(found);
            }
        }
        self.office().await
    }

    /// Every reminder of the records due on `today`, each keyed so that it is given once
    /// however often the day is swept.
    pub async fn due_notices(
        &self,
        today: NaiveDate,
        policy: &ReminderPolicy,
    ) -> Result<Vec<Notice>> {
        let mut notices = self.agreements_expiring(today, policy).await?;
        notices.extend(self.follow_ups_due(today, policy).await?);
        notices.extend(self.gifts_not_handed_in(today).await?);
        notices.extend(self.trip_deadlines(today, policy).await?);
        notices.extend(self.passports_due_back(today).await?);
        Ok(notices)
    }

    /// Documents handed out and due back by `today`: the holder on the due day, every
    /// `remind_every_working_days` working days after and on each day the passport policy raises
    /// the document further, with the unit's liaison officers once it is raised with the unit and
    /// the office once it is raised with the office. A weekend counts no working day, so its key
    /// is Friday's and nothing is given twice.
    async fn passports_due_back(&self, today: NaiveDate) -> Result<Vec<Notice>> {
        let due = self.passports_due(today).await?;
        let Some(earliest) = due.iter().map(|d| d.due_on).min() else {
            return Ok(Vec::new());
        };
        let (_, policy) = self.passport_policy().await?;
        let calendar = self.work_calendar_from(earliest).await?;
        let office = self.office().await?;
        let mut notices = Vec::new();
        for document in &due {
            let working_late = calendar.between(document.due_on, today)?;
            let raised_today = working_late == policy.escalate_unit_after_working_days
                || working_late == policy.escalate_office_after_working_days;
            if working_late % policy.remind_every_working_days.max(1) != 0 && !raised_today {
                continue;
            }
            let mut to: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM users WHERE person_id = $1 AND active = 1 ORDER BY id",
            )
            .bind(document.holder.id)
            .fetch_all(&self.read)
            .await?;
            let raised = document.escalation.unwrap_or(Escalation::Holder);
            if raised != Escalation::Holder {
                to.extend(
                    self.unit_liaisons_or_office(document.unit.as_ref().map(|u| u.id))
                        .await?,
                );
            }
            if raised == Escalation::Office {
                to.extend(office.iter().copied());
            }
            to.sort();
            to.dedup();
            let id = document.passport_id;
            notices.push(
                Notice::new(
                    Rule::PassportDue,
                    to,
                    format!("/passports/{id}"),
                    format!("passport_due:{id}:{}:{working_late}", document.due_on),
                )
                .fact("holder", document.holder.name.clone())
                .fact("due_on", date_text(document.due_on))
                .fact("days_late", document.days_late.to_string()),
            );
        }
        Ok(notices)
    }

    /// Agreements in force whose end comes within one of the policy's numbers of days: the
    /// smallest such number is the reminder, once, to the office and the keeping unit.
    async fn agreements_expiring(
        &self,
        today: NaiveDate,
        policy: &ReminderPolicy,
    ) -> Result<Vec<Notice>> {
        let Some(widest) = policy.agreement_days_before.iter().max() else {
            return Ok(Vec::new());
        };
        let rows = sqlx::query(
            "SELECT id, unit_id, valid_to, title_zh, title_en FROM agreements \
             WHERE valid_to >= $1 AND valid_to <= $2 AND status IN ('signed', 'in_force') \
             ORDER BY id",
        )
        .bind(date_text(today))
        .bind(date_text(today + Duration::days(*widest)))
        .fetch_all(&self.read)
        .await?;
        let office = self.office().await?;
        let mut notices = Vec::new();
        for row in &rows {
            let valid_to = row.date("valid_to")?;
            let left = (valid_to - today).num_days();
            let Some(before) = policy
                .agreement_days_before
                .iter()
                .filter(|d| **d >= left)
                .min()
            else {
                continue;
            };
            let id = row.int("id")?;
            let mut to = office.clone();
            if let Some(unit) = row.opt_int("unit_id")? {
                let liaisons: Vec<i64> = sqlx::query_scalar(
                    "SELECT id FROM users WHERE role = 'liaison' AND unit_id = $1 AND active = 1",
                )
                .bind(unit)
                .fetch_all(&self.read)
                .await?;
                to.extend(liaisons);
            }
            to.sort();
            to.dedup();
            let title = row
                .opt_text("title_zh")?
                .or(row.opt_text("title_en")?)
                .unwrap_or_default();
            notices.push(
                Notice::new(
                    Rule::AgreementExpiring,
                    to,
                    format!("/agreements/{id}"),
                    format!("agreement:{id}:{valid_to}:{before}"),
                )
                .fact("title", title)
                .fact("valid_to", date_text(valid_to))
                .fact("days", left.to_string()),
            );
        }
        Ok(notices)
    }

    /// Follow-ups not done whose day is near (the policy's days before) or has come, to the host
    /// unit's liaison officers: once before, once on the day (or the first sweep after it).
    async fn follow_ups_due(
        &self,
        today: NaiveDate,
        policy: &ReminderPolicy,
    ) -> Result<Vec<Notice>> {
        let rows = sqlx::query(
            "SELECT id, host_unit_id, title_zh, title_en, outcomes FROM activities \
             WHERE outcomes <> '[]' ORDER BY id",
        )
        .fetch_all(&self.read)
        .await?;
        let mut notices = Vec::new();
        for row in &rows {
            let outcomes: Vec<OutcomeInput> = match serde_json::from_str(&row.text("outcomes")?) {
                Ok(outcomes) => outcomes,
                Err(_) => continue,
            };
            let id = row.int("id")?;
            for (i, outcome) in outcomes.iter().enumerate() {
                let Some(due) = outcome.due_on else { continue };
                if outcome.done {
                    continue;
                }
                let stage = if today >= due && today <= due + Duration::days(30) {
                    "due"
                } else if today < due && today >= due - Duration::days(policy.follow_up_days_before)
                {
                    "soon"
                } else {
                    continue;
                };
                let to = self
                    .unit_liaisons_or_office(row.opt_int("host_unit_id")?)
                    .await?;
                let title = row
                    .opt_text("title_zh")?
                    .or(row.opt_text("title_en")?)
                    .unwrap_or_default();
                let what = outcome
                    .follow_up
                    .clone()
                    .unwrap_or_else(|| outcome.description.clone());
                notices.push(
                    Notice::new(
                        Rule::FollowUpDue,
                        to,
                        format!("/activities/{id}"),
                        format!("follow_up:{id}:{i}:{due}:{stage}"),
                    )
                    .fact("title", title)
                    .fact("follow_up", what)
                    .fact("due_on", date_text(due))
                    .fact("stage", stage),
                );
            }
        }
        Ok(notices)
    }

    /// Received gifts worth declaring, not handed in by the end of the policy's period, to the
    /// host unit's liaison officers (or the office) and the office: once each.
    async fn gifts_not_handed_in(&self, today: NaiveDate) -> Result<Vec<Notice>> {
        let threshold = self.policy.gift_declaration_threshold.fen();
        let latest = today - Duration::days(self.policy.gift_hand_in_days);
        let rows = sqlx::query(
            "SELECT g.id, g.item, g.exchanged_on, a.host_unit_id FROM gifts g \
             LEFT JOIN activities a ON a.id = g.activity_id \
             WHERE g.direction = 'received' AND g.estimated_value_fen >= $1 \
             AND g.handed_in_on IS NULL AND g.exchanged_on IS NOT NULL AND g.exchanged_on < $2 \
             ORDER BY g.id",
        )
        .bind(threshold)
        .bind(date_text(latest))
        .fetch_all(&self.read)
        .await?;
        let office = self.office().await?;
        let mut notices = Vec::new();
        for row in &rows {
            let id = row.int("id")?;
            let mut to = self
                .unit_liaisons_or_office(row.opt_int("host_unit_id")?)
                .await?;
            to.extend(office.iter().copied());
            to.sort();
            to.dedup();
            notices.push(
                Notice::new(
                    Rule::GiftNotHandedIn,
                    to,
                    format!("/gifts/{id}"),
                    format!("gift:{id}"),
                )
                .fact("item", row.text("item")?)
                .fact("exchanged_on", row.text("exchanged_on")?)
                .fact("days", self.policy.gift_hand_in_days.to_string()),
            );
        }
        Ok(notices)
    }

    /// A trip's deadlines: its members before the public notice ends, its members not yet
    /// briefed before departure (a briefing is recorded when held, so departure is the day it
    /// must come before), its applicant before the report is due and after it is overdue.
    async fn trip_deadlines(
        &self,
        today: NaiveDate,
        policy: &ReminderPolicy,
    ) -> Result<Vec<Notice>> {
        let mut notices = Vec::new();
        let ending = sqlx::query(
            "SELECT id, applicant_id, title_zh, title_en, notice_ends FROM trips \
             WHERE status = 'in_notice' AND notice_ends >= $1 AND notice_ends <= $2 ORDER BY id",
        )
        .bind(date_text(today))
        .bind(date_text(today + Duration::days(policy.notice_days_before)))
        .fetch_all(&self.read)
        .await?;
        for row in &ending {
            let id = row.int("id")?;
            let mut to: Vec<i64> = sqlx::query_scalar(
                "SELECT u.id FROM trip_members m JOIN users u ON u.person_id = m.person_id \
                 WHERE m.trip_id = $1 AND u.active = 1",
            )
            .bind(id)
            .fetch_all(&self.read)
            .await?;
            to.push(row.int("applicant_id")?);
            to.sort();
            to.dedup();
            let ends = row.date("notice_ends")?;
            notices.push(
                Notice::new(
                    Rule::NoticeEnding,
                    to,
                    format!("/trips/{id}"),
                    format!("notice_ending:{id}:{ends}"),
                )
                .fact("title", trip_title(row)?)
                .fact("notice_ends", date_text(ends)),
            );
        }
        let leaving = sqlx::query(
            "SELECT id, applicant_id, title_zh, title_en, departure FROM trips \
             WHERE status IN ('approved', 'in_notice') AND departure >= $1 AND departure <= $2 \
             ORDER BY id",
        )
        .bind(date_text(today))
        .bind(date_text(
            today + Duration::days(policy.briefing_days_before),
        ))
        .fetch_all(&self.read)
        .await?;
        for row in &leaving {
            let id = row.int("id")?;
            let to: Vec<i64> = sqlx::query_scalar(
                "SELECT u.id FROM trip_members m JOIN users u ON u.person_id = m.person_id \
                 WHERE m.trip_id = $1 AND u.active = 1 AND NOT EXISTS (SELECT 1 FROM \
                 briefing_attendance b WHERE b.trip_id = m.trip_id AND b.person_id = m.person_id) \
                 ORDER BY u.id",
            )
            .bind(id)
            .fetch_all(&self.read)
            .await?;
            if to.is_empty() {
                continue;
            }
            let departure = row.date("departure")?;
            notices.push(
                Notice::new(
                    Rule::BriefingSoon,
                    to,
                    format!("/trips/{id}"),
                    format!("briefing:{id}:{departure}"),
                )
                .fact("title", trip_title(row)?)
                .fact("departure", date_text(departure)),
            );
        }
        let reports = sqlx::query(
            "SELECT id, applicant_id, title_zh, title_en, report_due FROM trips \
             WHERE status = 'returned' AND report IS NULL AND report_due IS NOT NULL \
             AND report_due <= $1 ORDER BY id",
        )
        .bind(date_text(today + Duration::days(policy.report_days_before)))
        .fetch_all(&self.read)
        .await?;
        for row in &reports {
            let id = row.int("id")?;
            let due = row.date("report_due")?;
            let (rule, key) = if today <= due {
                (Rule::ReportDue, format!("report_due:{id}:{due}"))
            } else if policy.report_overdue_on(due, today) {
                (
                    Rule::ReportOverdue,
                    format!("report_overdue:{id}:{due}:{today}"),
                )
            } else {
                continue;
            };
            notices.push(
                Notice::new(
                    rule,
                    vec![row.int("applicant_id")?],
                    format!("/trips/{id}"),
                    key,
                )
                .fact("title", trip_title(row)?)
                .fact("report_due", date_text(due)),
            );
        }
        Ok(notices)
    }
}

fn trip_title(row: &impl RowExt) -> Result<String> {
    Ok(row
        .opt_text("title_zh")?
        .or(row.opt_text("title_en")?)
        .unwrap_or_default())
}
