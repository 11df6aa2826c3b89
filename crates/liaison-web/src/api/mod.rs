//! The JSON API under `/api/v1`, one module per record, and its OpenAPI description.
//!
//! Every route of the API is mounted by [`router`], so that anything all of them need (the
//! accounts and permissions of a later change) is added once, as a layer on that router.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::{Json, Router, middleware};
use liaison_core::{
    AuditEntry, AuditFilter, Page, PageRequest, Person, RecordKind, Role, TimelineEntry,
};
use liaison_search::{SearchRequest, SearchResults};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::auth::{self, Auth};
use crate::error::ErrorBody;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::pages::records::KindPages;
use crate::routes::Routes;
use crate::{ApiError, AppState};

pub mod files;
pub mod names;
pub mod news;
mod openapi;
pub mod records;
use openapi::SharedAnswers;
pub mod review;
pub mod transitions;

/// Paging and sorting of every list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// The page, from 1.
    pub page: Option<i64>,
    /// Rows per page, 1 to 200; 50 unless given.
    pub per_page: Option<i64>,
    /// A sort key of the list; `-` in front reverses it, as in `-start`.
    pub sort: Option<String>,
}

impl PageParams {
    /// The page asked of a list of `kind`, checked against the sort keys it declares and
    /// ordered newest first unless asked otherwise when it declares so.
    pub fn request(&self, kind: RecordKind) -> Result<PageRequest, liaison_core::Error> {
        PageRequest::parse(
            self.page,
            self.per_page,
            self.sort.as_deref(),
            kind.sorts,
            kind.newest_first,
        )
    }
}

pub mod notices;
pub mod passports;
pub mod trips;
pub mod workdays;

/// Which personal fields to show; every one the record holds when none is named.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevealRequest {
    /// Field names, such as `phone`, `email` or `notes`.
    #[serde(default)]
    pub fields: Vec<String>,
}

/// A person with the personal data asked for shown, for admins, officers, and a liaison officer
/// for their own unit's people; each call is written to the audit log (who, when, whose, which
/// fields). Every other answer shows personal data masked.
#[utoipa::path(post, path = "/api/v1/people/{id}/personal", tag = "people",
    params(("id" = i64, Path)), request_body = RevealRequest,
    responses((status = 200, body = Person), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reveal_person(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<RevealRequest>,
) -> Result<Json<Person>, ApiError> {
    let person = state
        .store
        .reveal_personal::<Person>(&auth.actor(), id, &request.fields)
        .await?;
    Ok(Json(person))
}

/// Everything that involved an organization, newest first: activities, agreements and gifts.
#[utoipa::path(get, path = "/api/v1/organizations/{id}/timeline", tag = "organizations",
    params(("id" = i64, Path)),
    responses((status = 200, body = Vec<TimelineEntry>), (status = 404, body = ErrorBody)))]
pub async fn organization_timeline(
    State(state): State<AppState>,
    _: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<TimelineEntry>>, ApiError> {
    Ok(Json(state.store.organization_timeline(id).await?))
}

/// The participant roles an activity may use.
#[utoipa::path(get, path = "/api/v1/roles", tag = "roles",
    responses((status = 200, body = Vec<Role>)))]
pub async fn list_roles(
    State(state): State<AppState>,
    _: Auth,
) -> Result<Json<Vec<Role>>, ApiError> {
    Ok(Json(state.store.list_roles().await?))
}

/// Adds a role to the vocabulary.
#[utoipa::path(post, path = "/api/v1/roles", tag = "roles", request_body = Role,
    responses((status = 201, body = Role), (status = 422, body = ErrorBody)))]
pub async fn create_role(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiJson(role): ApiJson<Role>,
) -> Result<(StatusCode, Json<Role>), ApiError> {
    let role = state.store.create_role(&auth.actor(), role).await?;
    Ok((StatusCode::CREATED, Json(role)))
}

/// Finds activities, organizations, people, agreements and gifts by the words of `q`, in
/// Chinese, English or both: best matches first, the matched words marked, with the number
/// found of each kind of record.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchRequest),
    responses((status = 200, body = SearchResults), (status = 422, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    _: Auth,
    ApiQuery(request): ApiQuery<SearchRequest>,
) -> Result<Json<SearchResults>, ApiError> {
    Ok(Json(state.store.search(&request).await?))
}

/// The audit log, newest first; for admins.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditFilter, PageParams),
    responses((status = 200, body = Page<AuditEntry>), (status = 403, body = ErrorBody)))]
pub async fn list_audit(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiQuery(filter): ApiQuery<AuditFilter>,
    ApiQuery(paging): ApiQuery<PageParams>,
) -> Result<Json<Page<AuditEntry>>, ApiError> {
    let page = paging.request(liaison_core::audit::AUDIT_LOG)?;
    Ok(Json(
        state
            .store
            .list_audit(&auth.actor(), &filter, &page)
            .await?,
    ))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Liaison",
        description = "The records of a university's international exchange office: units, \
            people, organizations, activities, gifts and agreements. Lists take `page`, \
            `per_page` and `sort`; updates name the `version` they started from.",
    ),
    paths(
        reveal_person,
        organization_timeline,
        transitions::transition_agreement,
        transitions::agreement_history,
        list_roles,
        create_role,
        search,
        names::find_names,
        list_audit,
        review::annual_review,
        workdays::list_years,
        workdays::add_year,
        workdays::after,
        workdays::between,
    ),
    // A reference to an existing record or a new one, named by utoipa after its generic
    // argument, is listed here because utoipa does not collect it from the fields using it.
    components(schemas(
        ErrorBody,
        liaison_core::Ref<liaison_core::PersonInput>,
        liaison_core::Ref<liaison_core::OrganizationInput>
    )),
    modifiers(
        &BearerToken,
        &RecordsDoc,
        &TripsDoc,
        &PassportsDoc,
        &NewsDoc,
        &NoticesDoc,
        &SharedAnswers
    ),
    security(("bearer" = []))
)]
pub struct ApiDoc;

use news::NewsDoc;
use notices::NoticesDoc;
use passports::PassportsDoc;
use trips::TripsDoc;

/// Declares the bearer token every API call sends.
struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// Adds the five operations of every kind of record with pages, its files' when it keeps
/// them, and their schemas.
struct RecordsDoc;

impl utoipa::Modify for RecordsDoc {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for kind in KindPages::all() {
            (kind.document)(openapi);
        }
    }
}

/// The five operations of every kind of record with pages, and its files' when it keeps them.
fn every_record_routes() -> Routes {
    KindPages::all()
        .into_iter()
        .fold(Routes::new(), |routes, kind| routes.merge((kind.api)()))
}

/// The routes that need a signed-in user or a token: all but the OpenAPI document.
fn signed_in_routes() -> Routes {
    Routes::new()
        .merge(every_record_routes())
        .post("/api/v1/people/{id}/personal", reveal_person)
        .merge(transitions::routes())
        .merge(workdays::routes())
        .merge(news::routes())
        .merge(trips::routes())
        .merge(passports::routes())
        .merge(notices::routes())
        .get("/api/v1/organizations/{id}/timeline", organization_timeline)
        .get("/api/v1/roles", list_roles)
        .post("/api/v1/roles", create_role)
        .get("/api/v1/audit", list_audit)
        .get("/api/v1/search", search)
        .get("/api/v1/names", names::find_names)
        .get("/api/v1/review", review::annual_review)
}

fn open_routes() -> Routes {
    Routes::new().get("/api/openapi.json", openapi)
}

/// The method and path of every route of the API.
pub fn routes() -> Vec<(Method, String)> {
    let mut served = signed_in_routes().served().to_vec();
    served.extend_from_slice(open_routes().served());
    served
}

/// Every route of the API.
pub fn router(state: AppState) -> Router<AppState> {
    let signed_in = signed_in_routes()
        .into_router()
        .route_layer(middleware::from_fn_with_state(state, auth::require_user));
    signed_in.merge(open_routes().into_router())
}
