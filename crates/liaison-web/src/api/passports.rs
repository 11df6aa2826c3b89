//! Official passports and permits in the API: the documents, their custody actions and log, the
//! cabinet, each holder's documents, the documents due back, the kinds of document, the passport
//! policy, and a trip's checks and members holding their own documents.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use liaison_core::passports::{
    Cabinet, CabinetRow, CustodyEntry, CustodyInput, DocumentKind, DueDocument, OwnDocument,
    OwnDocumentInput, PASSPORT, Passport, PassportFilter, PassportFinding, PassportInput,
    PassportPolicy, TripStage, authorize_keeper,
};
use liaison_core::trips::{Trip, TripState};
use liaison_core::{Named, Page, RecordEvent};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::{PageParams, RevealRequest};
use crate::auth::Auth;
use crate::error::ErrorBody;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::routes::Routes;
use crate::{ApiError, AppState};

/// The documents the signed-in account may see, numbers masked: the office's all, a liaison
/// officer's their unit's, anyone else's their own.
#[utoipa::path(get, path = "/api/v1/passports", tag = "passports",
    params(PassportFilter, PageParams),
    responses((status = 200, body = Page<Passport>), (status = 401, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiQuery(filter): ApiQuery<PassportFilter>,
    ApiQuery(paging): ApiQuery<PageParams>,
) -> Result<Json<Page<Passport>>, ApiError> {
    let page = paging.request(PASSPORT)?;
    Ok(Json(
        state
            .store
            .passports_for(&auth.actor(), &filter, &page)
            .await?,
    ))
}

/// Records a document in the cabinet; the office's work.
#[utoipa::path(post, path = "/api/v1/passports", tag = "passports", request_body = PassportInput,
    responses((status = 201, body = Passport), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiJson(input): ApiJson<PassportInput>,
) -> Result<impl IntoResponse, ApiError> {
    let actor = auth.actor();
    authorize_keeper(&actor)?;
    let saved = state.store.create::<Passport>(&actor, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(liaison_core::personal::masked(saved)),
    ))
}

/// One document, number masked, for whoever may see it; 404 for anyone else.
#[utoipa::path(get, path = "/api/v1/passports/{id}", tag = "passports",
    params(("id" = i64, Path)),
    responses((status = 200, body = Passport), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Passport>, ApiError> {
    Ok(Json(state.store.passport_for(&auth.actor(), id).await?))
}

/// Changes a document's record (not its state); the body names the `version` it was read at.
/// A number sent back masked keeps the number on record.
#[utoipa::path(put, path = "/api/v1/passports/{id}", tag = "passports",
    params(("id" = i64, Path)), request_body = PassportInput,
    responses((status = 200, body = Passport), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<PassportInput>,
) -> Result<Json<Passport>, ApiError> {
    let actor = auth.actor();
    authorize_keeper(&actor)?;
    let saved = state.store.update::<Passport>(&actor, id, input).await?;
    Ok(Json(liaison_core::personal::masked(saved)))
}

/// Deletes a document recorded by mistake; refused once it has a custody log.
#[utoipa::path(delete, path = "/api/v1/passports/{id}", tag = "passports",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    let actor = auth.actor();
    authorize_keeper(&actor)?;
    state.store.delete::<Passport>(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A document with its number shown, for the office only; each call is written to the audit
/// log (who, when, whose, which field).
#[utoipa::path(post, path = "/api/v1/passports/{id}/personal", tag = "passports",
    params(("id" = i64, Path)), request_body = RevealRequest,
    responses((status = 200, body = Passport), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reveal(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<RevealRequest>,
) -> Result<Json<Passport>, ApiError> {
    let actor = auth.actor();
    // Whoever may not see the document learns nothing of it, not even that it exists.
    state.store.passport_for(&actor, id).await?;
    Ok(Json(
        state
            .store
            .reveal_personal::<Passport>(&actor, id, &request.fields)
            .await?,
    ))
}

/// A document's custody log and its changes of state, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct PassportLog {
    pub custody: Vec<CustodyEntry>,
    pub events: Vec<RecordEvent>,
}

#[utoipa::path(get, path = "/api/v1/passports/{id}/custody", tag = "passports",
    params(("id" = i64, Path)),
    responses((status = 200, body = PassportLog), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn custody(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PassportLog>, ApiError> {
    state.store.passport_for(&auth.actor(), id).await?;
    Ok(Json(PassportLog {
        custody: state.store.passport_custody(id).await?,
        events: state.store.passport_history(id).await?,
    }))
}

/// A custody action of the office: `hand_out` (to `person`, the holder unless given, for
/// `trip`, or without one until `due_on`), `return` (with its `condition`), `report_lost`,
/// `expire`, `hand_to_province`, `take_back` or `cancel`. The body names the `version` the
/// document was read at. A hand-out for a trip whose member's document expires too soon is a
/// 422 naming the rule and its numbers.
#[utoipa::path(post, path = "/api/v1/passports/{id}/{action}", tag = "passports",
    params(("id" = i64, Path), ("action" = String, Path)), request_body = CustodyInput,
    responses((status = 200, body = Passport), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiPath((id, action)): ApiPath<(i64, String)>,
    ApiJson(input): ApiJson<CustodyInput>,
) -> Result<Json<Passport>, ApiError> {
    Ok(Json(
        state
            .store
            .passport_action(
                &auth.actor(),
                id,
                &action,
                input,
                state.settings.clock.today(),
            )
            .await?,
    ))
}

/// The cabinet today, as the signed-in account may see it: what is out and with whom, due
/// within a week, overdue (with days late and the trip) and expiring within the policy's months.
#[utoipa::path(get, path = "/api/v1/passports/cabinet", tag = "passports",
    params(PassportFilter),
    responses((status = 200, body = Cabinet), (status = 401, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn cabinet(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiQuery(filter): ApiQuery<PassportFilter>,
) -> Result<Json<Cabinet>, ApiError> {
    Ok(Json(
        state
            .store
            .passport_cabinet(&auth.actor(), &filter, state.settings.clock.today())
            .await?,
    ))
}

/// The documents due back today or overdue, with holder, unit, trip, days late and whom each is
/// raised with; for the office.
#[utoipa::path(get, path = "/api/v1/passports/due", tag = "passports",
    responses((status = 200, body = Vec<DueDocument>), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn due(
    State(state): State<AppState>,
    Auth(auth): Auth,
) -> Result<Json<Vec<DueDocument>>, ApiError> {
    authorize_keeper(&auth.actor())?;
    Ok(Json(
        state
            .store
            .passports_due(state.settings.clock.today())
            .await?,
    ))
}

/// The kinds of document the office keeps.
#[utoipa::path(get, path = "/api/v1/passports/kinds", tag = "passports",
    responses((status = 200, body = Vec<DocumentKind>), (status = 401, body = ErrorBody)))]
pub async fn kinds(
    State(state): State<AppState>,
    _: Auth,
) -> Result<Json<Vec<DocumentKind>>, ApiError> {
    Ok(Json(state.store.passport_kinds().await?))
}

/// Adds a kind of document, or renames one the office added; the office's work.
#[utoipa::path(post, path = "/api/v1/passports/kinds", tag = "passports",
    request_body = DocumentKind,
    responses((status = 201, body = DocumentKind), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save_kind(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiJson(input): ApiJson<DocumentKind>,
) -> Result<impl IntoResponse, ApiError> {
    let actor = auth.actor();
    authorize_keeper(&actor)?;
    let kind = state.store.save_passport_kind(&actor, input).await?;
    Ok((StatusCode::CREATED, Json(kind)))
}

/// The passport policy in force, with its version (0 while liaison.toml's values apply).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct VersionedPassportPolicy {
    pub version: i64,
    pub policy: PassportPolicy,
}

#[utoipa::path(get, path = "/api/v1/passports/policy", tag = "passports",
    responses((status = 200, body = VersionedPassportPolicy), (status = 401, body = ErrorBody)))]
pub async fn get_policy(
    State(state): State<AppState>,
    _: Auth,
) -> Result<Json<VersionedPassportPolicy>, ApiError> {
    let (version, policy) = state.store.passport_policy().await?;
    Ok(Json(VersionedPassportPolicy { version, policy }))
}

/// Saves a new version of the passport policy, for admins; every change is audited.
#[utoipa::path(put, path = "/api/v1/passports/policy", tag = "passports",
    request_body = PassportPolicy,
    responses((status = 200, body = VersionedPassportPolicy), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save_policy(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiJson(input): ApiJson<PassportPolicy>,
) -> Result<Json<VersionedPassportPolicy>, ApiError> {
    let version = state
        .store
        .save_passport_policy(&auth.actor(), input.clone())
        .await?;
    Ok(Json(VersionedPassportPolicy {
        version,
        policy: input,
    }))
}

/// A holder's documents with their due days, and their custody log.
#[derive(Debug, Serialize, ToSchema)]
pub struct HolderPassports {
    pub holder: Named,
    pub documents: Vec<CabinetRow>,
    pub custody: Vec<CustodyEntry>,
}

#[utoipa::path(get, path = "/api/v1/people/{id}/passports", tag = "passports",
    params(("id" = i64, Path)),
    responses((status = 200, body = HolderPassports), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn holder(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<HolderPassports>, ApiError> {
    let (holder, documents, custody) = state
        .store
        .holder_passports(&auth.actor(), id, state.settings.clock.today())
        .await?;
    Ok(Json(HolderPassports {
        holder,
        documents,
        custody,
    }))
}

/// What the passport rules find about a trip today, and the members recorded as travelling on
/// their own documents.
#[derive(Debug, Serialize, ToSchema)]
pub struct TripPassports {
    pub findings: Vec<PassportFinding>,
    pub own_documents: Vec<OwnDocument>,
}

/// The stage a trip in `state` is checked at next.
pub fn stage_of(state: TripState) -> Option<TripStage> {
    match state {
        TripState::Draft | TripState::Changing => Some(TripStage::Submit),
        TripState::InApproval => Some(TripStage::Approve),
        TripState::Approved | TripState::InNotice | TripState::Briefed => Some(TripStage::Depart),
        _ => None,
    }
}

/// A trip's passport findings and own documents, as its page and the API show them.
pub async fn trip_passports(
    state: &AppState,
    trip: &Trip,
) -> Result<TripPassports, liaison_store::Error> {
    let findings = match stage_of(trip.status) {
        Some(stage) => {
            match state
                .store
                .passport_findings(trip, stage, state.settings.clock.today())
                .await
            {
                Ok(findings) => findings,
                // A year the working-day calendar does not hold: nothing is guessed.
                Err(liaison_store::Error::Domain(liaison_core::Error::Invalid(_))) => Vec::new(),
                Err(e) => return Err(e),
            }
        }
        None => Vec::new(),
    };
    Ok(TripPassports {
        findings,
        own_documents: state.store.own_documents(trip.meta.id).await?,
    })
}

#[utoipa::path(get, path = "/api/v1/passports/trips/{id}", tag = "passports",
    params(("id" = i64, Path)),
    responses((status = 200, body = TripPassports), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn trip(
    State(state): State<AppState>,
    _: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<TripPassports>, ApiError> {
    let trip = state.store.get::<Trip>(id).await?;
    Ok(Json(trip_passports(&state, &trip).await?))
}

/// Records that a member of a trip travels on a valid document of their own, with the reason;
/// the office's work. Departure needs it for a member the office handed no document to.
#[utoipa::path(post, path = "/api/v1/passports/trips/{id}/own-documents", tag = "passports",
    params(("id" = i64, Path)), request_body = OwnDocumentInput,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn own_document(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<OwnDocumentInput>,
) -> Result<StatusCode, ApiError> {
    let actor = auth.actor();
    authorize_keeper(&actor)?;
    state.store.get::<Trip>(id).await?;
    state.store.record_own_document(&actor, id, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The passports' part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(
    list,
    create,
    get,
    update,
    delete,
    reveal,
    custody,
    act,
    cabinet,
    due,
    kinds,
    save_kind,
    get_policy,
    save_policy,
    holder,
    trip,
    own_document,
))]
pub struct PassportsDoc;

/// Adds the passports' paths and schemas to the whole API's document.
impl utoipa::Modify for PassportsDoc {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi.merge(PassportsDoc::openapi());
    }
}

/// Every route of the passports.
pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/passports", list)
        .post("/api/v1/passports", create)
        .get("/api/v1/passports/cabinet", cabinet)
        .get("/api/v1/passports/due", due)
        .get("/api/v1/passports/kinds", kinds)
        .post("/api/v1/passports/kinds", save_kind)
        .get("/api/v1/passports/policy", get_policy)
        .put("/api/v1/passports/policy", save_policy)
        .get("/api/v1/passports/trips/{id}", trip)
        .post("/api/v1/passports/trips/{id}/own-documents", own_document)
        .get("/api/v1/passports/{id}", get)
        .put("/api/v1/passports/{id}", update)
        .delete("/api/v1/passports/{id}", delete)
        .get("/api/v1/passports/{id}/custody", custody)
        .post("/api/v1/passports/{id}/personal", reveal)
        .post("/api/v1/passports/{id}/{action}", act)
        .get("/api/v1/people/{id}/passports", holder)
}
