//! A user's notifications (opened, they are marked read and lead to their page) and their
//! choices of e-mail; the admins' page of reminders: whether mail goes out, the outbox, the
//! jobs with a retry button, and the reminders' timing.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use liaison_core::reminders::{
    JobRow, Notification, NotificationSettings, OutboxMessage, ReminderPolicy, Rule,
};

use super::admin::admin_only;
use super::{PageError, PageResult, RecordId, Ui, render, save_policy_version};
use crate::AppState;
use crate::routes::Routes;

/// An optional rule and whether the user gets it by e-mail.
struct Choice {
    rule: &'static str,
    on: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsTemplate<'a> {
    ui: &'a Ui,
    items: &'a [Notification],
    settings: &'a NotificationSettings,
    choices: &'a [Choice],
    mandatory: &'a [&'static str],
    smtp: bool,
    error: Option<String>,
}

async fn notifications_page(state: &AppState, ui: &Ui, error: Option<String>) -> PageResult {
    let user = ui.actor()?.user_id.ok_or(PageError::SignIn)?;
    let items = state.store.notifications(user, 100).await?;
    let settings = state.store.notification_settings(user).await?;
    let choices: Vec<Choice> = Rule::ALL
        .iter()
        .filter(|r| r.optional())
        .map(|r| Choice {
            rule: r.as_str(),
            on: !settings.muted.contains(r),
        })
        .collect();
    let mandatory: Vec<&'static str> = Rule::ALL
        .iter()
        .filter(|r| r.mandatory())
        .map(|r| r.as_str())
        .collect();
    Ok(render(&NotificationsTemplate {
        ui,
        items: &items,
        settings: &settings,
        choices: &choices,
        mandatory: &mandatory,
        smtp: state.settings.mail.smtp_url.is_some(),
        error,
    }))
}

async fn list(State(state): State<AppState>, ui: Ui) -> PageResult {
    notifications_page(&state, &ui, None).await
}

/// Opens a notification: marked read, then its page.
async fn open(State(state): State<AppState>, ui: Ui, RecordId(id): RecordId) -> PageResult {
    let user = ui.actor()?.user_id.ok_or(PageError::SignIn)?;
    let link = state.store.open_notification(user, id).await?;
    // Only a path of Liaison's own is followed, whatever a row holds.
    let link = if link.starts_with('/') && !link.starts_with("//") {
        link
    } else {
        "/notifications".to_owned()
    };
    Ok(Redirect::to(&link).into_response())
}

/// Saves the user's choices: the address, the digest, the optional reminders by e-mail.
async fn save(
    State(state): State<AppState>,
    ui: Ui,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let value = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let wanted: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| k == "mail")
        .map(|(_, v)| v.as_str())
        .collect();
    let settings = NotificationSettings {
        email: value("email"),
        digest: value("digest").is_some(),
        muted: Rule::ALL
            .into_iter()
            .filter(|r| r.optional() && !wanted.contains(&r.as_str()))
            .collect(),
    };
    match state
        .store
        .save_notification_settings(&ui.actor()?, settings)
        .await
    {
        Ok(_) => Ok(Redirect::to("/notifications").into_response()),
        Err(liaison_store::Error::Domain(liaison_core::Error::Invalid(_))) => {
            notifications_page(&state, &ui, Some(ui.t.get("notifications-email-invalid"))).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "reminders.html")]
struct RemindersTemplate<'a> {
    ui: &'a Ui,
    smtp: Option<String>,
    outbox: &'a [OutboxMessage],
    jobs: &'a [JobRow],
    version: i64,
    policy: &'a ReminderPolicy,
    agreement_days: String,
    error: Option<String>,
}

async fn reminders_page(state: &AppState, ui: &Ui, error: Option<String>) -> PageResult {
    admin_only(ui)?;
    let outbox = state.store.outbox(&ui.actor()?, 100).await?;
    let jobs = state.store.jobs(None, 100).await?;
    let (version, policy) = state.store.reminder_policy().await?;
    let agreement_days = policy
        .agreement_days_before
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(render(&RemindersTemplate {
        ui,
        smtp: state
            .settings
            .mail
            .smtp_url
            .as_deref()
            .map(crate::notices::redacted),
        outbox: &outbox,
        jobs: &jobs,
        version,
        policy: &policy,
        agreement_days,
        error,
    }))
}

async fn reminders(State(state): State<AppState>, ui: Ui) -> PageResult {
    reminders_page(&state, &ui, None).await
}

/// An admin sends a failed job again.
async fn retry(State(state): State<AppState>, ui: Ui, RecordId(id): RecordId) -> PageResult {
    admin_only(&ui)?;
    state
        .store
        .retry_job(&ui.actor()?, id, state.settings.clock.now())
        .await?;
    Ok(Redirect::to("/admin/reminders").into_response())
}

/// An admin saves the reminders' timing.
async fn save_policy(
    State(state): State<AppState>,
    ui: Ui,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    admin_only(&ui)?;
    let number = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.trim().parse::<i64>().ok())
            .unwrap_or(-1)
    };
    let agreement_days: Option<Vec<i64>> = fields
        .iter()
        .find(|(k, _)| k == "agreement_days_before")
        .map(|(_, v)| {
            v.split([' ', ',', '，'])
                .filter(|p| !p.is_empty())
                .map(|p| p.parse().unwrap_or(-1))
                .collect()
        });
    let policy = ReminderPolicy {
        approval_repeat_working_days: number("approval_repeat_working_days"),
        approval_escalate_working_days: number("approval_escalate_working_days"),
        briefing_days_before: number("briefing_days_before"),
        notice_days_before: number("notice_days_before"),
        report_days_before: number("report_days_before"),
        report_overdue_every_days: number("report_overdue_every_days"),
        agreement_days_before: agreement_days.unwrap_or_default(),
        follow_up_days_before: number("follow_up_days_before"),
    };
    let actor = ui.actor()?;
    let save = state.store.save_reminder_policy(&actor, &policy);
    // A number that is not one was read as -1, which the store refuses with the others.
    save_policy_version(
        liaison_core::FieldErrors::new(),
        save,
        "/admin/reminders",
        async |_| reminders_page(&state, &ui, Some(ui.t.get("reminders-policy-invalid"))).await,
    )
    .await
}

pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/notifications", list)
        .post("/notifications", save)
        .get("/notifications/{id}", open)
        .get("/admin/reminders", reminders)
        .post("/admin/reminders", save_policy)
        .post("/admin/jobs/{id}/retry", retry)
}
