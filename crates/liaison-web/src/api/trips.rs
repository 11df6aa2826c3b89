//! Official trips abroad in the API: the application, its changes of state, its plan and
//! history; the approval chains, the trip policy, deputies and briefings the office sets up.

use axum::Json;
use axum::extract::State;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use liaison_core::approvals::{ApplicationKind, Chain, ChainInput, Delegation, Plan, TripDecision};
use liaison_core::trips::{
    BriefingInput, Difference, Finding, TRIP, Trip, TripActionInput, TripFilter, TripInbox,
    TripInput, TripPolicy, TripRow,
};
use liaison_core::{Error as DomainError, NewsLanguage, Page, RecordEvent};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::PageParams;
use crate::auth::{Auth, Authenticated};
use crate::error::ErrorBody;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::i18n::Lang;
use crate::routes::Routes;
use crate::{ApiError, AppState};

/// The language the reader of an answer reads its texts in: the account's choice, else the
/// request's `Accept-Language`, else Chinese.
fn reader_language(auth: &Authenticated, headers: &HeaderMap) -> NewsLanguage {
    auth.user
        .language
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or_else(|| {
            Lang::from_accept_language(headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
        })
        .language()
}

/// A trip as its reader reads it: what changed since approval with its countries named.
fn for_reader(mut trip: Trip, auth: &Authenticated, headers: &HeaderMap) -> Trip {
    trip.name_changes_in(reader_language(auth, headers));
    trip
}

/// The trip policy in force: the newest an admin saved, else liaison.toml's.
async fn policy(state: &AppState) -> Result<(i64, TripPolicy), ApiError> {
    Ok(state.store.trip_policy(&state.store.policy().trips).await?)
}

/// An application in a list: its row, and what changed since it was approved while a change
/// goes through approval again, countries named in the reader's language. The whole application,
/// with its members, schedule, budget and plan, is read at `/api/v1/trips/{id}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TripListItem {
    #[serde(flatten)]
    pub row: TripRow,
    pub changes_since_approval: Vec<Difference>,
}

/// Trip applications, newest first, a row each: all of them, or those of a state or a unit,
/// those an account filed (`applicant`), those waiting for an account's decision as approver
/// or deputy (`waiting_for`), or those whose current step is past due on a day (`overdue_on`).
#[utoipa::path(get, path = "/api/v1/trips", tag = "trips", params(TripFilter, PageParams),
    responses((status = 200, body = Page<TripListItem>), (status = 401, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(auth): Auth,
    headers: HeaderMap,
    ApiQuery(filter): ApiQuery<TripFilter>,
    ApiQuery(paging): ApiQuery<PageParams>,
) -> Result<Json<Page<TripListItem>>, ApiError> {
    let page = paging.request(TRIP)?;
    let rows = state
        .store
        .list_trip_rows(&filter, &page, state.settings.clock.today(), None)
        .await?;
    let mut items = Vec::with_capacity(rows.items.len());
    for row in rows.items {
        // Only an application being changed is read whole, for what its change is.
        let changes_since_approval = if row.changing {
            let trip = state.store.get::<Trip>(row.id).await?;
            for_reader(trip, &auth, &headers).changes_since_approval
        } else {
            Vec::new()
        };
        items.push(TripListItem {
            row,
            changes_since_approval,
        });
    }
    Ok(Json(Page {
        items,
        total: rows.total,
        page: rows.page,
        per_page: rows.per_page,
    }))
}

/// The counts of the signed-in account's inboxes: waiting for their decision, filed by them,
/// their unit's, overdue, and every application by state.
#[utoipa::path(get, path = "/api/v1/trips/inbox", tag = "trips",
    responses((status = 200, body = TripInbox), (status = 401, body = ErrorBody)))]
pub async fn inbox(
    State(state): State<AppState>,
    Auth(auth): Auth,
) -> Result<Json<TripInbox>, ApiError> {
    Ok(Json(
        state
            .store
            .trip_inbox(&auth.actor(), state.settings.clock.today())
            .await?,
    ))
}

/// Files a trip application as a draft, for the signed-in account: every role but viewers.
#[utoipa::path(post, path = "/api/v1/trips", tag = "trips", request_body = TripInput,
    responses((status = 201, body = Trip), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiJson(input): ApiJson<TripInput>,
) -> Result<impl IntoResponse, ApiError> {
    let trip = state.store.create_trip(&auth.actor(), input).await?;
    Ok((StatusCode::CREATED, Json(trip)))
}

#[utoipa::path(get, path = "/api/v1/trips/{id}", tag = "trips", params(("id" = i64, Path)),
    responses((status = 200, body = Trip), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(auth): Auth,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Trip>, ApiError> {
    let trip = state.store.get::<Trip>(id).await?;
    Ok(Json(for_reader(trip, &auth, &headers)))
}

/// Changes a draft, or an application opened for a change; the body names the `version` it
/// was read at, and 409 returns the current application when someone changed it since.
#[utoipa::path(put, path = "/api/v1/trips/{id}", tag = "trips", params(("id" = i64, Path)),
    request_body = TripInput,
    responses((status = 200, body = Trip), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Auth(auth): Auth,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<TripInput>,
) -> Result<Json<Trip>, ApiError> {
    let trip = state.store.update_trip(&auth.actor(), id, input).await?;
    Ok(Json(for_reader(trip, &auth, &headers)))
}

/// Makes a change of state: `submit`, `approve`, `refuse`, `send_back`, `withdraw`, `change`,
/// `post_notice`, `brief`, `depart`, `return` (with `date`), `report` (with `report`) or
/// `close`. The body names the `version` the application was read at. Refusing or sending
/// back needs a `comment`. A submission that breaks a rule of the trip policy is a 422 naming
/// each rule and its numbers; 403 when the account may not make this change.
#[utoipa::path(post, path = "/api/v1/trips/{id}/{action}", tag = "trips",
    params(("id" = i64, Path), ("action" = String, Path)), request_body = TripActionInput,
    responses((status = 200, body = Trip), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    Auth(auth): Auth,
    headers: HeaderMap,
    ApiPath((id, action)): ApiPath<(i64, String)>,
    ApiJson(input): ApiJson<TripActionInput>,
) -> Result<Json<Trip>, ApiError> {
    let (_, policy) = policy(&state).await?;
    let trip = state
        .store
        .trip_action(
            &auth.actor(),
            id,
            &action,
            input,
            &policy,
            state.settings.clock.today(),
        )
        .await?;
    Ok(Json(for_reader(trip, &auth, &headers)))
}

/// What an application tells the approvers and the rules: the plan its chain would make if it
/// were submitted now (or the plan it was submitted with), and the rules it breaks today.
#[derive(Debug, Serialize, ToSchema)]
pub struct TripReview {
    pub plan: Option<Plan>,
    /// Why no plan could be made: a step nobody can approve, for instance.
    pub plan_problem: Option<String>,
    pub findings: Vec<Finding>,
}

/// The plan of approvals and the policy findings, for the applicant to see before submitting.
#[utoipa::path(get, path = "/api/v1/trips/{id}/review", tag = "trips",
    params(("id" = i64, Path)),
    responses((status = 200, body = TripReview), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn review(
    State(state): State<AppState>,
    _: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<TripReview>, ApiError> {
    let trip = state.store.get::<Trip>(id).await?;
    let (_, policy) = policy(&state).await?;
    Ok(Json(trip_review(&state, &trip, &policy).await?))
}

/// The plan and findings of `trip` under `policy`, as its page and the API show them.
pub async fn trip_review(
    state: &AppState,
    trip: &Trip,
    policy: &TripPolicy,
) -> Result<TripReview, ApiError> {
    let today = state.settings.clock.today();
    let findings = match state.store.trip_findings(trip, policy, today).await {
        Ok(findings) => findings,
        Err(liaison_store::Error::Domain(DomainError::Invalid(_))) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let (plan, plan_problem) = match &trip.plan {
        Some(plan) if !trip.status.editable() => (Some(plan.clone()), None),
        _ => match state.store.planned_approvals(trip).await {
            Ok(plan) => (Some(plan), None),
            Err(liaison_store::Error::Domain(DomainError::Invalid(errors))) => (
                None,
                Some(
                    errors
                        .0
                        .iter()
                        .map(|e| e.message.clone())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            ),
            Err(e) => return Err(e.into()),
        },
    };
    Ok(TripReview {
        plan,
        plan_problem,
        findings,
    })
}

/// What happened to an application: each change of state, and each approver's decision with
/// its step, comment and deputy.
#[derive(Debug, Serialize, ToSchema)]
pub struct TripHistory {
    pub events: Vec<RecordEvent>,
    pub decisions: Vec<TripDecision>,
}

#[utoipa::path(get, path = "/api/v1/trips/{id}/history", tag = "trips",
    params(("id" = i64, Path)),
    responses((status = 200, body = TripHistory), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    _: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<TripHistory>, ApiError> {
    Ok(Json(TripHistory {
        events: state.store.trip_history(id).await?,
        decisions: state.store.trip_decisions(id).await?,
    }))
}

/// The approval chain an application of `kind` is planned from now (`trip`).
#[utoipa::path(get, path = "/api/v1/approval-chains/{kind}", tag = "trips",
    params(("kind" = String, Path)),
    responses((status = 200, body = Chain), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn get_chain(
    State(state): State<AppState>,
    _: Auth,
    ApiPath(kind): ApiPath<String>,
) -> Result<Json<Chain>, ApiError> {
    let kind = application_kind(&kind)?;
    Ok(Json(state.store.approval_chain(kind).await?))
}

/// Saves a new version of a chain, for admins; applications under way keep their plan.
#[utoipa::path(put, path = "/api/v1/approval-chains/{kind}", tag = "trips",
    params(("kind" = String, Path)), request_body = ChainInput,
    responses((status = 200, body = Chain), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn save_chain(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiPath(kind): ApiPath<String>,
    ApiJson(input): ApiJson<ChainInput>,
) -> Result<Json<Chain>, ApiError> {
    if application_kind(&kind)? != input.kind {
        return Err(DomainError::invalid(
            "kind",
            "invalid",
            "the chain's kind must be the one in the address",
        )
        .into());
    }
    Ok(Json(
        state
            .store
            .save_approval_chain(&auth.actor(), input)
            .await?,
    ))
}

fn application_kind(kind: &str) -> Result<ApplicationKind, ApiError> {
    ApplicationKind::parse(kind)
        .ok_or_else(|| DomainError::not_found("approval chain", kind).into())
}

/// The trip policy in force, with its version (0 while liaison.toml's values apply).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct VersionedTripPolicy {
    pub version: i64,
    pub policy: TripPolicy,
}

#[utoipa::path(get, path = "/api/v1/trip-policy", tag = "trips",
    responses((status = 200, body = VersionedTripPolicy), (status = 401, body = ErrorBody)))]
pub async fn get_policy(
    State(state): State<AppState>,
    _: Auth,
) -> Result<Json<VersionedTripPolicy>, ApiError> {
    let (version, policy) = policy(&state).await?;
    Ok(Json(VersionedTripPolicy { version, policy }))
}

/// Saves a new version of the trip policy, for admins; every change is audited.
#[utoipa::path(put, path = "/api/v1/trip-policy", tag = "trips", request_body = TripPolicy,
    responses((status = 200, body = VersionedTripPolicy), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save_policy(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiJson(input): ApiJson<TripPolicy>,
) -> Result<Json<VersionedTripPolicy>, ApiError> {
    let version = state
        .store
        .save_trip_policy(&auth.actor(), input.clone())
        .await?;
    Ok(Json(VersionedTripPolicy {
        version,
        policy: input,
    }))
}

/// Names a deputy who decides for an approver over a period: the approver for themselves, or
/// an admin for anyone.
#[utoipa::path(post, path = "/api/v1/delegations", tag = "trips", request_body = Delegation,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn delegate(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiJson(input): ApiJson<Delegation>,
) -> Result<StatusCode, ApiError> {
    state.store.add_delegation(&auth.actor(), input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The number of a recorded briefing.
#[derive(Debug, Serialize, ToSchema)]
pub struct Recorded {
    pub id: i64,
}

/// Records a pre-departure briefing and the members who attended it, for which trips; the
/// office's work.
#[utoipa::path(post, path = "/api/v1/briefings", tag = "trips", request_body = BriefingInput,
    responses((status = 201, body = Recorded), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_briefing(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiJson(input): ApiJson<BriefingInput>,
) -> Result<impl IntoResponse, ApiError> {
    let id = state.store.record_briefing(&auth.actor(), input).await?;
    Ok((StatusCode::CREATED, Json(Recorded { id })))
}

/// The accounts of the university leaders in charge of a unit (分管校领导).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadersInCharge {
    pub users: Vec<i64>,
}

#[utoipa::path(put, path = "/api/v1/units/{id}/leaders-in-charge", tag = "trips",
    params(("id" = i64, Path)), request_body = LeadersInCharge,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn set_leaders_in_charge(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<LeadersInCharge>,
) -> Result<StatusCode, ApiError> {
    if input.users.len() > 20 {
        return Err(DomainError::invalid("users", "too_many", "name at most 20 leaders").into());
    }
    state
        .store
        .set_leaders_in_charge(&auth.actor(), id, &input.users)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The person an account is, so that a unit's leader recorded as a person approves as it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountPerson {
    pub person: Option<i64>,
}

#[utoipa::path(put, path = "/api/v1/accounts/{id}/person", tag = "trips",
    params(("id" = i64, Path)), request_body = AccountPerson,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn link_person(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<AccountPerson>,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .link_account_person(&auth.actor(), id, input.person)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The trips' part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(
    list,
    inbox,
    create,
    get,
    update,
    act,
    review,
    history,
    get_chain,
    save_chain,
    get_policy,
    save_policy,
    delegate,
    record_briefing,
    set_leaders_in_charge,
    link_person,
))]
pub struct TripsDoc;

/// Adds the trips' paths and schemas, and their files', to the whole API's document.
impl utoipa::Modify for TripsDoc {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi.merge(TripsDoc::openapi());
        super::files::document::<Trip>(openapi);
    }
}

/// Every route of the trips.
pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/trips", list)
        .post("/api/v1/trips", create)
        .get("/api/v1/trips/inbox", inbox)
        .get("/api/v1/trips/{id}", get)
        .put("/api/v1/trips/{id}", update)
        .get("/api/v1/trips/{id}/review", review)
        .get("/api/v1/trips/{id}/history", history)
        .post("/api/v1/trips/{id}/{action}", act)
        .get("/api/v1/approval-chains/{kind}", get_chain)
        .put("/api/v1/approval-chains/{kind}", save_chain)
        .get("/api/v1/trip-policy", get_policy)
        .put("/api/v1/trip-policy", save_policy)
        .merge(super::files::routes::<Trip>())
        .post("/api/v1/delegations", delegate)
        .post("/api/v1/briefings", record_briefing)
        .put(
            "/api/v1/units/{id}/leaders-in-charge",
            set_leaders_in_charge,
        )
        .put("/api/v1/accounts/{id}/person", link_person)
}
