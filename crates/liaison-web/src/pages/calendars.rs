//! Calendar feeds: each user makes secret addresses their calendar program subscribes to, for
//! every activity or one unit's, and revokes them; the feed itself is iCalendar.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, HOST};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use liaison_core::secrets::{new_token, token_hash};
use liaison_core::{Activity, CalendarFeed, Role};
use liaison_reports::CalendarEvent;

use super::forms::Values;
use super::kinds::{code, role_name, unit_choices};
use super::{PageError, PageResult, RecordId, Ui, render};
use crate::AppState;
use crate::i18n::{Lang, Tr};

/// How far back a feed reaches: the past year stays in the subscriber's calendar.
const FEED_DAYS_BACK: i64 = 365;

/// The most events a feed carries; more than an office holds in a year ahead.
const FEED_EVENTS: i64 = 2_000;

struct FeedRow {
    feed: CalendarFeed,
    unit: String,
    created: String,
    last_used: String,
}

#[derive(Template)]
#[template(path = "calendars.html")]
struct CalendarsTemplate<'a> {
    ui: &'a Ui,
    feeds: &'a [FeedRow],
    units: &'a [(String, String)],
    /// The address of a feed just made: shown this once, never again.
    new_address: Option<String>,
    name: String,
    error: Option<String>,
}

/// The address this server is reached at, as the browser asked for it.
fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    let scheme = if state.settings.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

async fn page(
    state: &AppState,
    ui: &Ui,
    new_address: Option<String>,
    name: String,
    error: Option<String>,
) -> PageResult {
    let actor = ui.actor()?;
    let feeds = state.store.calendar_feeds(&actor).await?;
    let units = unit_choices(ui, &state.store).await?;
    let t = &ui.t;
    let rows: Vec<FeedRow> = feeds
        .into_iter()
        .map(|feed| FeedRow {
            unit: feed
                .unit
                .as_ref()
                .map_or_else(|| t.get("calendar-all-units"), |u| u.name.clone()),
            created: t.date(feed.created_at.date_naive()),
            last_used: feed
                .last_used_at
                .map_or_else(|| t.get("calendar-never"), |d| t.date(d.date_naive())),
            feed,
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut response = render(&CalendarsTemplate {
        ui,
        feeds: &rows,
        units: &units,
        new_address,
        name,
        error,
    });
    *response.status_mut() = status;
    Ok(response)
}

/// The user's feeds and the form to make one.
pub async fn list(State(state): State<AppState>, ui: Ui) -> PageResult {
    page(&state, &ui, None, String::new(), None).await
}

/// Makes a feed and shows its secret address once.
pub async fn create(
    State(state): State<AppState>,
    ui: Ui,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let form = Values::from_pairs(pairs);
    let actor = ui.actor()?;
    let name = form.get("name").trim().to_owned();
    let unit = match form.text("unit") {
        None => None,
        Some(unit) => Some(unit.parse::<i64>().map_err(|_| PageError::NotFound)?),
    };
    let token = new_token();
    match state
        .store
        .create_calendar_feed(&actor, &name, unit, &token_hash(&token))
        .await
    {
        Ok(_) => {
            let address = format!("{}/feeds/{token}.ics", base_url(&state, &headers));
            page(&state, &ui, Some(address), String::new(), None).await
        }
        Err(liaison_store::Error::Domain(liaison_core::Error::Invalid(errors))) => {
            let message = errors
                .0
                .first()
                .map(|e| ui.t.value("calendar-problem", &e.field))
                .unwrap_or_default();
            page(&state, &ui, None, name, Some(message)).await
        }
        Err(other) => Err(other.into()),
    }
}

/// Revokes a feed: its address answers nothing from now on.
pub async fn revoke(State(state): State<AppState>, ui: Ui, RecordId(id): RecordId) -> PageResult {
    let actor = ui.actor()?;
    state.store.revoke_calendar_feed(&actor, id).await?;
    Ok(Redirect::to("/calendars").into_response())
}

fn event(t: &Tr, roles: &[Role], base: &str, a: &Activity) -> CalendarEvent {
    let mut description = Vec::new();
    let summary = t.pick(&a.summary_zh, &a.summary_en);
    if !summary.is_empty() {
        description.push(summary);
    }
    if let Some(unit) = &a.host_unit {
        description.push(format!("{}: {}", t.get("field-host_unit"), unit.name));
    }
    if !a.partners.is_empty() {
        let partners: Vec<&str> = a.partners.iter().map(|p| p.name.as_str()).collect();
        description.push(format!(
            "{}: {}",
            t.get("field-partners"),
            partners.join("; ")
        ));
    }
    if let Some(size) = a.delegation_size {
        description.push(format!("{}: {size}", t.get("field-delegation_size")));
    }
    if !a.participants.is_empty() {
        description.push(format!("{}:", t.get("section-participants")));
        for p in &a.participants {
            let position = p
                .position
                .as_ref()
                .map(|pos| format!(", {pos}"))
                .unwrap_or_default();
            description.push(format!(
                "- {} ({}{position})",
                p.person.name,
                role_name(t, roles, &p.role)
            ));
        }
    }
    CalendarEvent {
        uid: format!("activity-{}@liaison", a.meta.id),
        title: t.pick(&a.title_zh, &a.title_en),
        description: description.join("\n"),
        location: a.venue.clone(),
        start_date: a.start_date,
        start_part: a.start_part,
        end_date: a.end_date,
        end_part: a.end_part,
        url: Some(format!("{base}/activities/{}", a.meta.id)),
        categories: vec![t.value("activity-kind", &code(&a.kind))],
        sequence: u32::try_from(a.meta.version).unwrap_or(u32::MAX),
        last_modified: a.meta.updated_at,
    }
}

/// The iCalendar feed behind a secret address, in its owner's language. An unknown or revoked
/// address is a plain 404: a calendar program shows no page.
pub async fn feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "no such calendar feed").into_response();
    let Some(token) = file.strip_suffix(".ics") else {
        return not_found();
    };
    let found = match state.store.calendar_feed_for(&token_hash(token)).await {
        Ok(found) => found,
        Err(err) => {
            tracing::error!(error = %err, "a calendar feed failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let Some((feed, user)) = found else {
        return not_found();
    };
    let t = Tr::new(
        user.language
            .as_deref()
            .and_then(Lang::parse)
            .unwrap_or_default(),
    );
    let from = Utc::now().date_naive() - Duration::days(FEED_DAYS_BACK);
    let unit = feed.unit.as_ref().map(|u| u.id);
    let loaded = async {
        let activities = state
            .store
            .calendar_activities(unit, from, FEED_EVENTS)
            .await?;
        let roles = state.store.list_roles().await?;
        Ok::<_, liaison_store::Error>((activities, roles))
    }
    .await;
    let (activities, roles) = match loaded {
        Ok(loaded) => loaded,
        Err(err) => {
            tracing::error!(error = %err, "a calendar feed failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let base = base_url(&state, &headers);
    let events: Vec<CalendarEvent> = activities
        .iter()
        .map(|a| event(&t, &roles, &base, a))
        .collect();
    let name = match &feed.unit {
        Some(unit) => format!("Liaison · {}", unit.name),
        None => format!("Liaison · {}", t.get("calendar-all-units")),
    };
    let body = liaison_reports::ics(&name, &events);
    (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/calendar; charset=utf-8"),
            ),
            (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}
