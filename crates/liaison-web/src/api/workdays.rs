//! The working-day calendar in the API: its years, and the working days counted through it. Its
//! days have the five operations of every record (`records.rs`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use liaison_core::{
    CalendarYear, CalendarYearInput, WorkingDaysAfter, WorkingDaysAfterQuery, WorkingDaysBetween,
    WorkingDaysBetweenQuery,
};

use crate::auth::Auth;
use crate::error::ErrorBody;
use crate::extract::{ApiJson, ApiQuery};
use crate::routes::Routes;
use crate::{ApiError, AppState};

/// The years the calendar holds, newest first, with how many days each lists. Counting
/// working days through a year not listed here is refused.
#[utoipa::path(get, path = "/api/v1/calendar-days/years", tag = "calendar-days",
    responses((status = 200, body = Vec<CalendarYear>)))]
pub async fn list_years(
    State(state): State<AppState>,
    _: Auth,
) -> Result<Json<Vec<CalendarYear>>, ApiError> {
    Ok(Json(state.store.list_calendar_years().await?))
}

/// Adds a whole year, for admins: from the calendar shipped with Liaison when the body names
/// only the `year`, else from the `lines` or `days` given (the State Council's notice). Every
/// day is checked before any is saved; a year held already is refused with 409.
#[utoipa::path(post, path = "/api/v1/calendar-days/years", tag = "calendar-days",
    request_body = CalendarYearInput,
    responses((status = 201, body = CalendarYear), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_year(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiJson(input): ApiJson<CalendarYearInput>,
) -> Result<impl IntoResponse, ApiError> {
    let added = state.store.add_calendar_year(&auth.actor(), input).await?;
    Ok((StatusCode::CREATED, Json(added)))
}

/// The day `days` working days after `date` (`date` itself for 0). Saturdays and Sundays are
/// off unless listed as adjusted working days; listed days off are off. A year the calendar
/// does not hold is a 422 saying so.
#[utoipa::path(get, path = "/api/v1/working-days/after", tag = "working days",
    params(WorkingDaysAfterQuery),
    responses((status = 200, body = WorkingDaysAfter), (status = 422, body = ErrorBody)))]
pub async fn after(
    State(state): State<AppState>,
    _: Auth,
    ApiQuery(query): ApiQuery<WorkingDaysAfterQuery>,
) -> Result<Json<WorkingDaysAfter>, ApiError> {
    Ok(Json(
        state
            .store
            .working_days_after(query.date, query.days)
            .await?,
    ))
}

/// The working days after `from` up to and including `to`.
#[utoipa::path(get, path = "/api/v1/working-days/between", tag = "working days",
    params(WorkingDaysBetweenQuery),
    responses((status = 200, body = WorkingDaysBetween), (status = 422, body = ErrorBody)))]
pub async fn between(
    State(state): State<AppState>,
    _: Auth,
    ApiQuery(query): ApiQuery<WorkingDaysBetweenQuery>,
) -> Result<Json<WorkingDaysBetween>, ApiError> {
    Ok(Json(
        state
            .store
            .working_days_between(query.from, query.to)
            .await?,
    ))
}

/// Every route of the working-day calendar.
pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/calendar-days/years", list_years)
        .post("/api/v1/calendar-days/years", add_year)
        .get("/api/v1/working-days/after", after)
        .get("/api/v1/working-days/between", between)
}
