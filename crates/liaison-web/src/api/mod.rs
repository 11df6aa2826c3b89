//! The JSON API under `/api/v1`, one module per record, and its OpenAPI description.
//!
//! Every route of the API is mounted by [`router`], so that anything all of them need (the
//! accounts and permissions of a later change) is added once, as a layer on that router.

use axum::extract::State;
use axum::http::Method;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::{Json, Router, middleware};
use liaison_core::accounts::{Action, authorize_role};
use liaison_core::{
    Activity, ActivityFilter, ActivityInput, ActivitySummary, Agreement, AgreementFilter,
    AgreementInput, AuditEntry, AuditFilter, Gift, GiftFilter, GiftInput, Organization,
    OrganizationFilter, OrganizationInput, Page, PageRequest, Person, PersonFilter, PersonInput,
    Role, TimelineEntry, Unit, UnitFilter, UnitInput,
};
use liaison_search::{SearchRequest, SearchResults};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::auth::{self, Auth};
use crate::error::ErrorBody;
use crate::extract::{ApiBody, ApiJson, ApiPath, ApiQuery};
use crate::routes::Routes;
use crate::{ApiError, AppState};

pub mod files;
pub mod names;
pub mod news;
mod openapi;
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

/// The five operations of one kind of record: list, read, create, change, delete. Every record
/// answered has its personal data masked (`liaison_core::personal`), and so has every row of a
/// list whose rows are records (`rows: masked`); a user who may see a value asks for it.
macro_rules! resource {
    (
        $module:ident, $path:tt, $item_path:tt, $tag:tt,
        record: $record:ident, row: $row:ident, input: $input:ident, filter: $filter:ident,
        kind: $kind:expr
    ) => {
        resource!($module, $path, $item_path, $tag,
            record: $record, row: $row, input: $input, filter: $filter,
            kind: $kind, rows: std::convert::identity);
    };
    (
        $module:ident, $path:tt, $item_path:tt, $tag:tt,
        record: $record:ident, row: $row:ident, input: $input:ident, filter: $filter:ident,
        kind: $kind:expr, rows: masked
    ) => {
        resource!($module, $path, $item_path, $tag,
            record: $record, row: $row, input: $input, filter: $filter,
            kind: $kind, rows: liaison_core::personal::masked);
    };
    (
        $module:ident, $path:tt, $item_path:tt, $tag:tt,
        record: $record:ident, row: $row:ident, input: $input:ident, filter: $filter:ident,
        kind: $kind:expr, rows: $mask_row:path
    ) => {
        pub mod $module {
            use super::*;

            #[utoipa::path(get, path = $path, tag = $tag, params($filter, PageParams),
                responses((status = 200, body = Page<$row>), (status = 422, body = ErrorBody)))]
            pub async fn list(
                State(state): State<AppState>,
                _: Auth,
                ApiQuery(filter): ApiQuery<$filter>,
                ApiQuery(paging): ApiQuery<PageParams>,
            ) -> Result<Json<Page<$row>>, ApiError> {
                let page = PageRequest::parse(
                    paging.page,
                    paging.per_page,
                    paging.sort.as_deref(),
                    $kind.sorts,
                    $kind.newest_first,
                )?;
                let mut page = state.store.list::<$record>(&filter, &page).await?;
                page.items = page.items.into_iter().map($mask_row).collect();
                Ok(Json(page))
            }

            #[utoipa::path(get, path = $item_path, tag = $tag, params(("id" = i64, Path)),
                responses((status = 200, body = $record), (status = 404, body = ErrorBody)))]
            pub async fn get(
                State(state): State<AppState>,
                _: Auth,
                ApiPath(id): ApiPath<i64>,
            ) -> Result<Json<$record>, ApiError> {
                Ok(Json(liaison_core::personal::masked(state.store.get::<$record>(id).await?)))
            }

            #[utoipa::path(post, path = $path, tag = $tag, request_body = $input,
                responses((status = 201, body = $record), (status = 400, body = ErrorBody),
                          (status = 422, body = ErrorBody)))]
            pub async fn create(
                State(state): State<AppState>,
                Auth(auth): Auth,
                body: ApiBody,
            ) -> Result<impl IntoResponse, ApiError> {
                // A role that may not create such records is refused whatever it sent.
                authorize_role(&auth.actor(), Action::Create, $kind)?;
                let input: $input = body.json()?;
                let saved = liaison_core::personal::masked(state.store.create::<$record>(&auth.actor(), input).await?);
                let location = format!("{}/{}", $path, saved.meta.id);
                Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(saved)))
            }

            /// Changes a record. The body names the `version` it was read at; when someone
            /// else saved a newer one, nothing is saved and 409 returns the current record.
            #[utoipa::path(put, path = $item_path, tag = $tag, params(("id" = i64, Path)),
                request_body = $input,
                responses((status = 200, body = $record), (status = 404, body = ErrorBody),
                          (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
            pub async fn update(
                State(state): State<AppState>,
                Auth(auth): Auth,
                ApiPath(id): ApiPath<i64>,
                body: ApiBody,
            ) -> Result<Json<$record>, ApiError> {
                authorize_role(&auth.actor(), Action::Change, $kind)?;
                let input: $input = body.json()?;
                Ok(Json(liaison_core::personal::masked(state.store.update::<$record>(&auth.actor(), id, input).await?)))
            }

            /// Deletes a record with its files; refused with 409 while other records refer to
            /// it.
            #[utoipa::path(delete, path = $item_path, tag = $tag, params(("id" = i64, Path)),
                responses((status = 204), (status = 404, body = ErrorBody),
                          (status = 409, body = ErrorBody)))]
            pub async fn delete(
                State(state): State<AppState>,
                Auth(auth): Auth,
                ApiPath(id): ApiPath<i64>,
            ) -> Result<StatusCode, ApiError> {
                let gone = state.store.delete_returning_files::<$record>(&auth.actor(), id).await?;
                crate::files::forget_unheld_files(&state, &gone).await;
                Ok(StatusCode::NO_CONTENT)
            }

            pub(super) fn routes() -> Routes {
                Routes::new()
                    .get($path, list)
                    .post($path, create)
                    .get($item_path, get)
                    .put($item_path, update)
                    .delete($item_path, delete)
            }
        }
    };
}

pub mod notices;
pub mod passports;
pub mod trips;
pub mod workdays;

resource!(units, "/api/v1/units", "/api/v1/units/{id}", "units",
    record: Unit, row: Unit, input: UnitInput, filter: UnitFilter,
    kind: liaison_core::UNIT);

resource!(people, "/api/v1/people", "/api/v1/people/{id}", "people",
    record: Person, row: Person, input: PersonInput, filter: PersonFilter,
    kind: liaison_core::PERSON, rows: masked);

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

resource!(organizations, "/api/v1/organizations", "/api/v1/organizations/{id}", "organizations",
    record: Organization, row: Organization, input: OrganizationInput, filter: OrganizationFilter,
    kind: liaison_core::ORGANIZATION);

resource!(activities, "/api/v1/activities", "/api/v1/activities/{id}", "activities",
    record: Activity, row: ActivitySummary, input: ActivityInput, filter: ActivityFilter,
    kind: liaison_core::ACTIVITY);

resource!(gifts, "/api/v1/gifts", "/api/v1/gifts/{id}", "gifts",
    record: Gift, row: Gift, input: GiftInput, filter: GiftFilter,
    kind: liaison_core::GIFT);

resource!(agreements, "/api/v1/agreements", "/api/v1/agreements/{id}", "agreements",
    record: Agreement, row: Agreement, input: AgreementInput, filter: AgreementFilter,
    kind: liaison_core::AGREEMENT);

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
    let page = PageRequest::parse(
        paging.page,
        paging.per_page,
        paging.sort.as_deref(),
        liaison_core::audit::AUDIT_SORTS,
        true,
    )?;
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
        units::list,
        units::get,
        units::create,
        units::update,
        units::delete,
        people::list,
        people::get,
        people::create,
        people::update,
        people::delete,
        reveal_person,
        organizations::list,
        organizations::get,
        organizations::create,
        organizations::update,
        organizations::delete,
        organization_timeline,
        activities::list,
        activities::get,
        activities::create,
        activities::update,
        activities::delete,
        gifts::list,
        gifts::get,
        gifts::create,
        gifts::update,
        gifts::delete,
        agreements::list,
        agreements::get,
        agreements::create,
        agreements::update,
        agreements::delete,
        transitions::transition_agreement,
        transitions::agreement_history,
        list_roles,
        create_role,
        search,
        names::find_names,
        list_audit,
        review::annual_review,
        workdays::calendar_days::list,
        workdays::calendar_days::get,
        workdays::calendar_days::create,
        workdays::calendar_days::update,
        workdays::calendar_days::delete,
        workdays::list_years,
        workdays::add_year,
        workdays::after,
        workdays::between,
        files::activities::upload,
        files::activities::list,
        files::activities::download,
        files::activities::caption,
        files::activities::delete,
        files::agreements::upload,
        files::agreements::list,
        files::agreements::download,
        files::agreements::caption,
        files::agreements::delete,
        files::organizations::upload,
        files::organizations::list,
        files::organizations::download,
        files::organizations::caption,
        files::organizations::delete,
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

/// The routes that need a signed-in user or a token: all but the OpenAPI document.
fn signed_in_routes() -> Routes {
    Routes::new()
        .merge(units::routes())
        .merge(people::routes())
        .post("/api/v1/people/{id}/personal", reveal_person)
        .merge(organizations::routes())
        .merge(activities::routes())
        .merge(gifts::routes())
        .merge(agreements::routes())
        .merge(transitions::routes())
        .merge(workdays::routes())
        .merge(files::routes())
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
