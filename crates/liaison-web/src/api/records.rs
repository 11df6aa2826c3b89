//! The five operations of every kind of record with pages (list, read, create, change, delete),
//! written once and mounted for each kind at `/api/v1/{path}`, its declared path, with their
//! entries in the OpenAPI document built from the same declaration.
//!
//! Every record answered has its personal data masked (`liaison_core::personal`), and so has
//! every row of a list; a user who may see a value asks for it.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use liaison_core::Page;
use liaison_core::accounts::{Action, authorize_role};
use liaison_core::personal::{Masked, masked};
use liaison_store::Records;
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Required, ResponseBuilder, Schema};
use utoipa::{IntoParams, PartialSchema, ToSchema};

use super::PageParams;
use crate::auth::Auth;
use crate::extract::{ApiBody, ApiPath, ApiQuery};
use crate::routes::Routes;
use crate::{ApiError, AppState};

/// A kind of record the API serves: its store operations, and forms the API reads and writes
/// and documents.
pub trait ApiRecord:
    Records<
        Input: DeserializeOwned + ToSchema,
        Filter: DeserializeOwned + IntoParams + 'static,
        Row: Serialize + ToSchema + Masked + 'static,
    > + ToSchema
    + 'static
{
}

impl<R> ApiRecord for R where
    R: Records<
            Input: DeserializeOwned + ToSchema,
            Filter: DeserializeOwned + IntoParams + 'static,
            Row: Serialize + ToSchema + Masked + 'static,
        > + ToSchema
        + 'static
{
}

/// The list's path and one record's.
fn paths<R: ApiRecord>() -> (String, String) {
    let list = format!("/api/v1/{}", R::KIND.declaration().path);
    let item = format!("{list}/{{id}}");
    (list, item)
}

async fn list<R: ApiRecord>(
    State(state): State<AppState>,
    _: Auth,
    ApiQuery(filter): ApiQuery<R::Filter>,
    ApiQuery(paging): ApiQuery<PageParams>,
) -> Result<Json<Page<R::Row>>, ApiError> {
    let page = paging.request(R::KIND)?;
    let mut page = state.store.list::<R>(&filter, &page).await?;
    page.items = page.items.into_iter().map(Masked::masked).collect();
    Ok(Json(page))
}

async fn get<R: ApiRecord>(
    State(state): State<AppState>,
    _: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<R>, ApiError> {
    Ok(Json(masked(state.store.get::<R>(id).await?)))
}

async fn create<R: ApiRecord>(
    State(state): State<AppState>,
    Auth(auth): Auth,
    body: ApiBody,
) -> Result<impl IntoResponse, ApiError> {
    let actor = auth.actor();
    // A role that may not create such records is refused whatever it sent.
    authorize_role(&actor, Action::Create, R::KIND)?;
    let input: R::Input = body.json()?;
    let saved = masked(state.store.create::<R>(&actor, input).await?);
    let location = format!("{}/{}", paths::<R>().0, saved.meta().id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(saved),
    ))
}

async fn update<R: ApiRecord>(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiPath(id): ApiPath<i64>,
    body: ApiBody,
) -> Result<Json<R>, ApiError> {
    let actor = auth.actor();
    authorize_role(&actor, Action::Change, R::KIND)?;
    let input: R::Input = body.json()?;
    Ok(Json(masked(
        state.store.update::<R>(&actor, id, input).await?,
    )))
}

async fn delete<R: ApiRecord>(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    let gone = state
        .store
        .delete_returning_files::<R>(&auth.actor(), id)
        .await?;
    crate::files::forget_unheld_files(&state, &gone).await;
    Ok(StatusCode::NO_CONTENT)
}

/// The five operations of `R`.
pub fn routes<R: ApiRecord>() -> Routes {
    let (list_path, item_path) = paths::<R>();
    Routes::new()
        .get(&list_path, list::<R>)
        .post(&list_path, create::<R>)
        .get(&item_path, get::<R>)
        .put(&item_path, update::<R>)
        .delete(&item_path, delete::<R>)
}

/// Adds the five operations of `R` to the API's document, tagged with its path, and the
/// schemas they name. The answers every operation shares (401, 403, 404, 409, 422, 503) are
/// added to them all afterwards (`openapi::SharedAnswers`).
pub fn document<R: ApiRecord>(openapi: &mut OpenApi) {
    let (list_path, item_path) = paths::<R>();
    let kind = R::KIND.declaration();
    let operation = |id: &str, summary: &str| {
        OperationBuilder::new()
            .tag(kind.path)
            .operation_id(Some(format!("{id}_{}", kind.table)))
            .summary(Some(summary))
    };
    let record = R::name();
    let page = format!("Page_{}", <R::Row as ToSchema>::name());
    let input = <R::Input as ToSchema>::name();

    let mut filters = <R::Filter as IntoParams>::into_params(|| Some(ParameterIn::Query));
    filters.extend(PageParams::into_params(|| None));
    let listed = operation("list", "A page of the list, narrowed by the filters given.")
        .parameters(Some(filters))
        .response("200", answer("", &page));
    let created = operation(
        "create",
        "Records a new one: 201 with the record saved, at the address in `Location`.",
    )
    .request_body(Some(body(&input)))
    .response("201", answer("", &record));
    let read = operation("get", "One record.")
        .parameter(number("id"))
        .response("200", answer("", &record));
    let changed = operation(
        "update",
        "Changes a record. The body names the `version` it was read at; when someone else \
         saved a newer one, nothing is saved and 409 returns the current record.",
    )
    .parameter(number("id"))
    .request_body(Some(body(&input)))
    .response("200", answer("", &record));
    let deleted = operation(
        "delete",
        "Deletes a record with its files; refused with 409 while other records refer to it.",
    )
    .parameter(number("id"))
    .response("204", ResponseBuilder::new().description("").build());

    let paths = &mut openapi.paths;
    paths.add_path_operation(&list_path, vec![HttpMethod::Get], listed);
    paths.add_path_operation(&list_path, vec![HttpMethod::Post], created);
    paths.add_path_operation(&item_path, vec![HttpMethod::Get], read);
    paths.add_path_operation(&item_path, vec![HttpMethod::Put], changed);
    paths.add_path_operation(&item_path, vec![HttpMethod::Delete], deleted);

    describe::<R>(openapi, record.into_owned());
    describe::<R::Input>(openapi, input.into_owned());
    describe::<R::Row>(openapi, <R::Row as ToSchema>::name().into_owned());
    describe::<Page<R::Row>>(openapi, page);
}

/// Adds the schema of `T` to the document under `name`, with every schema it names.
pub(super) fn describe<T: ToSchema>(openapi: &mut OpenApi, name: String) {
    let mut schemas: Vec<(String, RefOr<Schema>)> = Vec::new();
    T::schemas(&mut schemas);
    schemas.push((name, T::schema()));
    openapi
        .components
        .get_or_insert_with(Default::default)
        .schemas
        .extend(schemas);
}

/// The record number `name` in a path.
pub(super) fn number(name: &str) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .schema(Some(i64::schema()))
        .build()
}

/// A JSON answer of the schema named `schema`.
pub(super) fn answer(description: &str, schema: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content("application/json", json(schema))
        .build()
}

/// A required JSON body of the schema named `schema`.
pub(super) fn body(schema: &str) -> utoipa::openapi::request_body::RequestBody {
    RequestBodyBuilder::new()
        .content("application/json", json(schema))
        .required(Some(Required::True))
        .build()
}

fn json(schema: &str) -> utoipa::openapi::Content {
    ContentBuilder::new()
        .schema(Some(Ref::from_schema_name(schema)))
        .build()
}
