//! The files of every kind of record that keeps them (its declaration says so): upload
//! (multipart), list, download, caption and delete, each allowed as the record itself is, at
//! `/api/v1/{path}/{id}/files` of its declared path, with their entries in the OpenAPI document.

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use liaison_core::files::keeps_files;
use liaison_core::{FileCaption, StoredFile};
use liaison_store::StoredRecord;
use utoipa::openapi::path::{HttpMethod, OperationBuilder};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::ArrayBuilder;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, ResponseBuilder};
use utoipa::{PartialSchema, ToSchema};

use super::records::{answer, body, describe, number};
use crate::auth::Auth;
use crate::extract::{ApiJson, ApiPath};
use crate::files::{self, FileError};
use crate::routes::Routes;
use crate::{ApiError, AppState};

impl From<FileError> for ApiError {
    fn from(err: FileError) -> Self {
        if let Some((code, message)) = err.problem() {
            return liaison_core::Error::invalid("file", code, message).into();
        }
        match err {
            FileError::Store(err) => ApiError::Store(err),
            FileError::Kept(err) => ApiError::Internal(err.to_string()),
            other => ApiError::Internal(format!("{other:?}")),
        }
    }
}

/// A kind of record whose files the API serves.
pub trait FileHolder: StoredRecord + Sync + 'static {}

impl<K: StoredRecord + Sync + 'static> FileHolder for K {}

/// The path of a record's files and of one of them.
fn paths<K: FileHolder>() -> (String, String) {
    let files = format!("/api/v1/{}/{{id}}/files", K::KIND.declaration().path);
    let file = format!("{files}/{{file}}");
    (files, file)
}

async fn upload<K: FileHolder>(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let actor = auth.0.actor();
    // A body the multipart reader cannot take apart is refused as the upload's problem, with
    // the reason, like a JSON body of the wrong shape.
    let unreadable = |message: String| -> ApiError {
        liaison_core::Error::invalid("file", "unreadable", message).into()
    };
    let mut multipart = multipart.map_err(|e| unreadable(e.body_text()))?;
    let (mut caption, mut strip, mut kept) = (String::new(), false, Vec::new());
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| unreadable(e.body_text()))?
    {
        match field.name().unwrap_or_default() {
            "caption" => caption = field.text().await.unwrap_or_default(),
            "strip_location" => {
                strip = matches!(field.text().await.as_deref(), Ok("true" | "on" | "1"))
            }
            "file" => {
                let received = files::receive(field, &state.files.limits).await?;
                kept.push(
                    files::keep::<K>(&state, &actor, id, received, caption.clone(), strip).await?,
                );
            }
            _ => {}
        }
    }
    if kept.is_empty() {
        return Err(FileError::NoFile.into());
    }
    Ok((StatusCode::CREATED, Json(kept)).into_response())
}

async fn list<K: FileHolder>(
    State(state): State<AppState>,
    _: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<StoredFile>>, ApiError> {
    Ok(Json(state.store.files::<K>(id).await?))
}

async fn download<K: FileHolder>(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((id, file)): ApiPath<(i64, i64)>,
) -> Result<Response, ApiError> {
    let file = state.store.file::<K>(id, file).await?;
    let response = files::serve(&state, &file).await?;
    state.store.audit_download(&auth.0.actor(), &file).await?;
    Ok(response)
}

async fn caption<K: FileHolder>(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((id, file)): ApiPath<(i64, i64)>,
    ApiJson(input): ApiJson<FileCaption>,
) -> Result<Json<StoredFile>, ApiError> {
    let actor = auth.0.actor();
    Ok(Json(
        state
            .store
            .caption_file::<K>(&actor, id, file, &input.caption)
            .await?,
    ))
}

async fn delete<K: FileHolder>(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((id, file)): ApiPath<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    let gone = state
        .store
        .delete_file::<K>(&auth.0.actor(), id, file)
        .await?;
    files::forget_unheld(&state, &[gone.content_hash]).await;
    Ok(StatusCode::NO_CONTENT)
}

/// The file routes of `K`.
pub fn routes<K: FileHolder>() -> Routes {
    let (files, file) = paths::<K>();
    // An upload is read one chunk at a time and refused past the file limit, so the server's
    // default cap on a body does not apply.
    let upload =
        axum::handler::Handler::layer(upload::<K>, axum::extract::DefaultBodyLimit::disable());
    Routes::new()
        .post(&files, upload)
        .get(&files, list::<K>)
        .get(&file, download::<K>)
        .put(&file, caption::<K>)
        .delete(&file, delete::<K>)
}

/// Adds the file operations of `K` to the API's document, tagged with its path, and the
/// schemas they name; the answers every operation shares are added afterwards.
pub fn document<K: FileHolder>(openapi: &mut OpenApi) {
    let (files, file) = paths::<K>();
    let kind = K::KIND.declaration();
    // Named as `upload_activities_file`, `list_activities_files`.
    let operation = |verb: &str, summary: &str| {
        let noun = if verb == "list" { "files" } else { "file" };
        OperationBuilder::new()
            .tag(kind.path)
            .operation_id(Some(format!("{verb}_{}_{noun}", kind.table)))
            .summary(Some(summary))
            .parameter(number("id"))
    };
    let listed = || {
        let files = ArrayBuilder::new().items(Ref::from_schema_name(StoredFile::name()));
        ResponseBuilder::new()
            .description("")
            .content(
                "application/json",
                ContentBuilder::new().schema(Some(files)).build(),
            )
            .build()
    };
    let multipart = RequestBodyBuilder::new()
        .content(
            "multipart/form-data",
            ContentBuilder::new().schema(Some(String::schema())).build(),
        )
        .required(Some(utoipa::openapi::Required::True))
        .build();
    let uploaded = operation(
        "upload",
        "Keeps one or more files with the record: a multipart body whose `file` fields are the \
         files, with an optional `caption` and `strip_location` (`true` to keep photos without \
         their EXIF data) sent before them. The type is read from each file's content: only \
         images, PDF and office documents are kept (422 otherwise, and for a file or record past \
         its size limit).",
    )
    .request_body(Some(multipart))
    .response("201", listed());
    let kept =
        operation("list", "The record's files, in the order they came.").response("200", listed());
    let bytes = ResponseBuilder::new()
        .description("")
        .content("application/octet-stream", ContentBuilder::new().build())
        .build();
    let downloaded = operation(
        "download",
        "A file's bytes, as an attachment (images inline), with `nosniff`.",
    )
    .parameter(number("file"))
    .response("200", bytes);
    let captioned = operation("caption", "Changes a file's caption.")
        .parameter(number("file"))
        .request_body(Some(body(&FileCaption::name())))
        .response("200", answer("", &StoredFile::name()));
    let deleted = operation("delete", "Deletes a file of the record.")
        .parameter(number("file"))
        .response("204", ResponseBuilder::new().description("").build());

    let paths = &mut openapi.paths;
    paths.add_path_operation(&files, vec![HttpMethod::Post], uploaded);
    paths.add_path_operation(&files, vec![HttpMethod::Get], kept);
    paths.add_path_operation(&file, vec![HttpMethod::Get], downloaded);
    paths.add_path_operation(&file, vec![HttpMethod::Put], captioned);
    paths.add_path_operation(&file, vec![HttpMethod::Delete], deleted);

    describe::<StoredFile>(openapi, StoredFile::name().into_owned());
    describe::<FileCaption>(openapi, FileCaption::name().into_owned());
}

/// Writes the five operations of `R`, and its files' when it keeps them, into `openapi`.
pub(crate) fn document_with_files<R: super::records::ApiRecord>(openapi: &mut OpenApi) {
    super::records::document::<R>(openapi);
    if keeps_files(R::KIND) {
        document::<R>(openapi);
    }
}

/// The five operations of `R`, and its files' when it keeps them.
pub(crate) fn routes_with_files<R: super::records::ApiRecord>() -> Routes {
    let records = super::records::routes::<R>();
    if keeps_files(R::KIND) {
        records.merge(routes::<R>())
    } else {
        records
    }
}
