//! Notifications and reminders in the API: a user's notifications and their read state, their
//! choices of e-mail, and for admins the outbox, the jobs, a retry, a run of due jobs now and
//! the reminders' timing.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use liaison_core::accounts::UserRole;
use liaison_core::reminders::{
    JobRow, Notification, NotificationSettings, OutboxMessage, ReminderPolicy,
};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::auth::Auth;
use crate::error::ErrorBody;
use crate::extract::{ApiJson, ApiPath};
use crate::notices::RunReport;
use crate::routes::Routes;
use crate::{ApiError, AppState};

/// A user's newest notifications and how many they have not opened.
#[derive(Debug, Serialize, ToSchema)]
pub struct Notifications {
    pub unread: i64,
    pub items: Vec<Notification>,
}

/// The outbox, newest first, and whether an SMTP server is set (without one, Liaison notifies
/// in the browser only).
#[derive(Debug, Serialize, ToSchema)]
pub struct Outbox {
    pub smtp: bool,
    pub messages: Vec<OutboxMessage>,
}

/// The reminders' timing in force and its version (0: the defaults).
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionedReminderPolicy {
    pub version: i64,
    pub policy: ReminderPolicy,
}

fn require_admin(auth: &crate::auth::Authenticated) -> Result<(), ApiError> {
    if auth.user.role != UserRole::Admin {
        return Err(liaison_store::Error::from(liaison_core::Error::Forbidden(
            "only an admin sees the outbox and the jobs".to_owned(),
        ))
        .into());
    }
    Ok(())
}

/// The signed-in user's 100 newest notifications.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications",
    responses((status = 200, body = Notifications)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(auth): Auth,
) -> Result<Json<Notifications>, ApiError> {
    let user = auth.user.id;
    Ok(Json(Notifications {
        unread: state.store.unread_notifications(user).await?,
        items: state.store.notifications(user, 100).await?,
    }))
}

/// Marks one of the user's notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state.store.open_notification(auth.user.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The user's address for reminders, their digest and the optional reminders turned off.
#[utoipa::path(get, path = "/api/v1/notifications/settings", tag = "notifications",
    responses((status = 200, body = NotificationSettings)))]
pub async fn settings(
    State(state): State<AppState>,
    Auth(auth): Auth,
) -> Result<Json<NotificationSettings>, ApiError> {
    Ok(Json(state.store.notification_settings(auth.user.id).await?))
}

/// Saves the user's own choices; a mandatory reminder in `muted` is dropped, as it cannot be
/// turned off.
#[utoipa::path(put, path = "/api/v1/notifications/settings", tag = "notifications",
    request_body = NotificationSettings,
    responses((status = 200, body = NotificationSettings), (status = 422, body = ErrorBody)))]
pub async fn save_settings(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiJson(input): ApiJson<NotificationSettings>,
) -> Result<Json<NotificationSettings>, ApiError> {
    Ok(Json(
        state
            .store
            .save_notification_settings(&auth.actor(), input)
            .await?,
    ))
}

/// The 200 newest messages of the outbox, for admins: sent (with the SMTP server's answer),
/// waiting, or failed with the error.
#[utoipa::path(get, path = "/api/v1/outbox", tag = "notifications",
    responses((status = 200, body = Outbox), (status = 403, body = ErrorBody)))]
pub async fn outbox(
    State(state): State<AppState>,
    Auth(auth): Auth,
) -> Result<Json<Outbox>, ApiError> {
    require_admin(&auth)?;
    Ok(Json(Outbox {
        smtp: state.settings.mail.smtp_url.is_some(),
        messages: state.store.outbox(&auth.actor(), 200).await?,
    }))
}

/// The 200 newest jobs, for admins.
#[utoipa::path(get, path = "/api/v1/jobs", tag = "notifications",
    responses((status = 200, body = Vec<JobRow>), (status = 403, body = ErrorBody)))]
pub async fn jobs(
    State(state): State<AppState>,
    Auth(auth): Auth,
) -> Result<Json<Vec<JobRow>>, ApiError> {
    require_admin(&auth)?;
    Ok(Json(state.store.jobs(None, 200).await?))
}

/// Runs a failed or waiting job again now, its attempts counted afresh; for admins.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/retry", tag = "notifications",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn retry(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .retry_job(&auth.actor(), id, state.settings.clock.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Runs every job due now in this server, after the day's sweep if no server has taken it;
/// answers when none is due. For admins.
#[utoipa::path(post, path = "/api/v1/jobs/run", tag = "notifications",
    responses((status = 200, body = RunReport), (status = 403, body = ErrorBody)))]
pub async fn run(
    State(state): State<AppState>,
    Auth(auth): Auth,
) -> Result<Json<RunReport>, ApiError> {
    require_admin(&auth)?;
    let clock = &state.settings.clock;
    Ok(Json(
        crate::notices::run_due(&state, clock.now(), clock.today()).await?,
    ))
}

/// The reminders' timing in force.
#[utoipa::path(get, path = "/api/v1/reminder-policy", tag = "notifications",
    responses((status = 200, body = VersionedReminderPolicy)))]
pub async fn get_policy(
    State(state): State<AppState>,
    _: Auth,
) -> Result<Json<VersionedReminderPolicy>, ApiError> {
    let (version, policy) = state.store.reminder_policy().await?;
    Ok(Json(VersionedReminderPolicy { version, policy }))
}

/// Saves a new version of the reminders' timing, for admins; audited.
#[utoipa::path(put, path = "/api/v1/reminder-policy", tag = "notifications",
    request_body = ReminderPolicy,
    responses((status = 200, body = VersionedReminderPolicy), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn save_policy(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiJson(policy): ApiJson<ReminderPolicy>,
) -> Result<Json<VersionedReminderPolicy>, ApiError> {
    let version = state
        .store
        .save_reminder_policy(&auth.actor(), &policy)
        .await?;
    Ok(Json(VersionedReminderPolicy { version, policy }))
}

/// The notifications' part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(
    list,
    read,
    settings,
    save_settings,
    outbox,
    jobs,
    retry,
    run,
    get_policy,
    save_policy
))]
pub struct NoticesDoc;

impl utoipa::Modify for NoticesDoc {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi.merge(NoticesDoc::openapi());
    }
}

/// Every route of the notifications.
pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/notifications", list)
        .get("/api/v1/notifications/settings", settings)
        .put("/api/v1/notifications/settings", save_settings)
        .post("/api/v1/notifications/{id}/read", read)
        .get("/api/v1/outbox", outbox)
        .get("/api/v1/jobs", jobs)
        .post("/api/v1/jobs/run", run)
        .post("/api/v1/jobs/{id}/retry", retry)
        .get("/api/v1/reminder-policy", get_policy)
        .put("/api/v1/reminder-policy", save_policy)
}
