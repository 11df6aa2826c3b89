//! The files of activities, agreements, organizations and trip applications: upload (multipart),
//! list, download, caption and delete, each allowed as the record itself is.

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use liaison_core::trips::Trip;
use liaison_core::{Activity, Agreement, FileCaption, Organization, StoredFile};
use liaison_store::StoredRecord;

use crate::auth::Auth;
use crate::error::ErrorBody;
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

async fn upload<K: StoredRecord + Sync>(
    state: AppState,
    auth: Auth,
    id: i64,
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

async fn list<K: StoredRecord + Sync>(
    state: AppState,
    id: i64,
) -> Result<Json<Vec<StoredFile>>, ApiError> {
    Ok(Json(state.store.files::<K>(id).await?))
}

async fn download<K: StoredRecord + Sync>(
    state: AppState,
    auth: Auth,
    (id, file): (i64, i64),
) -> Result<Response, ApiError> {
    let file = state.store.file::<K>(id, file).await?;
    let response = files::serve(&state, &file).await?;
    state.store.audit_download(&auth.0.actor(), &file).await?;
    Ok(response)
}

async fn caption<K: StoredRecord + Sync>(
    state: AppState,
    auth: Auth,
    (id, file): (i64, i64),
    input: FileCaption,
) -> Result<Json<StoredFile>, ApiError> {
    let actor = auth.0.actor();
    Ok(Json(
        state
            .store
            .caption_file::<K>(&actor, id, file, &input.caption)
            .await?,
    ))
}

async fn delete<K: StoredRecord + Sync>(
    state: AppState,
    auth: Auth,
    (id, file): (i64, i64),
) -> Result<StatusCode, ApiError> {
    let gone = state
        .store
        .delete_file::<K>(&auth.0.actor(), id, file)
        .await?;
    files::forget_unheld(&state, &[gone.content_hash]).await;
    Ok(StatusCode::NO_CONTENT)
}

/// The file routes of one kind, with the OpenAPI description of each.
macro_rules! files_of {
    ($module:ident, $record:ty, $path:literal, $item:literal, $tag:literal) => {
        pub mod $module {
            use super::*;

            /// Keeps one or more files with the record: a multipart body whose `file` fields
            /// are the files, with an optional `caption` and `strip_location` (`true` to keep
            /// photos without their EXIF data) sent before them. The type is read from each
            /// file's content: only images, PDF and office documents are kept (422 otherwise,
            /// and for a file or record past its size limit).
            #[utoipa::path(post, path = $path, tag = $tag, params(("id" = i64, Path)),
                request_body(content_type = "multipart/form-data", content = String),
                responses((status = 201, body = Vec<StoredFile>), (status = 403, body = ErrorBody),
                          (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
            pub async fn upload(
                State(state): State<AppState>,
                auth: Auth,
                ApiPath(id): ApiPath<i64>,
                multipart: Result<Multipart, MultipartRejection>,
            ) -> Result<Response, ApiError> {
                super::upload::<$record>(state, auth, id, multipart).await
            }

            /// The record's files, in the order they came.
            #[utoipa::path(get, path = $path, tag = $tag, params(("id" = i64, Path)),
                responses((status = 200, body = Vec<StoredFile>), (status = 404, body = ErrorBody)))]
            pub async fn list(
                State(state): State<AppState>,
                _: Auth,
                ApiPath(id): ApiPath<i64>,
            ) -> Result<Json<Vec<StoredFile>>, ApiError> {
                super::list::<$record>(state, id).await
            }

            /// A file's bytes, as an attachment (images inline), with `nosniff`.
            #[utoipa::path(get, path = $item, tag = $tag,
                params(("id" = i64, Path), ("file" = i64, Path)),
                responses((status = 200, content_type = "application/octet-stream"),
                          (status = 404, body = ErrorBody)))]
            pub async fn download(
                State(state): State<AppState>,
                auth: Auth,
                ApiPath(ids): ApiPath<(i64, i64)>,
            ) -> Result<Response, ApiError> {
                super::download::<$record>(state, auth, ids).await
            }

            /// Changes a file's caption.
            #[utoipa::path(put, path = $item, tag = $tag,
                params(("id" = i64, Path), ("file" = i64, Path)), request_body = FileCaption,
                responses((status = 200, body = StoredFile), (status = 403, body = ErrorBody),
                          (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
            pub async fn caption(
                State(state): State<AppState>,
                auth: Auth,
                ApiPath(ids): ApiPath<(i64, i64)>,
                ApiJson(input): ApiJson<FileCaption>,
            ) -> Result<Json<StoredFile>, ApiError> {
                super::caption::<$record>(state, auth, ids, input).await
            }

            /// Deletes a file of the record.
            #[utoipa::path(delete, path = $item, tag = $tag,
                params(("id" = i64, Path), ("file" = i64, Path)),
                responses((status = 204), (status = 403, body = ErrorBody),
                          (status = 404, body = ErrorBody)))]
            pub async fn delete(
                State(state): State<AppState>,
                auth: Auth,
                ApiPath(ids): ApiPath<(i64, i64)>,
            ) -> Result<StatusCode, ApiError> {
                super::delete::<$record>(state, auth, ids).await
            }

            pub(in crate::api) fn routes() -> Routes {
                // An upload is read one chunk at a time and refused past the file limit, so the
                // server's default cap on a body does not apply.
                Routes::new()
                    .post($path, axum::handler::Handler::layer(
                        upload, axum::extract::DefaultBodyLimit::disable()))
                    .get($path, list)
                    .get($item, download)
                    .put($item, caption)
                    .delete($item, delete)
            }
        }
    };
}

files_of!(
    activities,
    Activity,
    "/api/v1/activities/{id}/files",
    "/api/v1/activities/{id}/files/{file}",
    "activities"
);
files_of!(
    agreements,
    Agreement,
    "/api/v1/agreements/{id}/files",
    "/api/v1/agreements/{id}/files/{file}",
    "agreements"
);
files_of!(
    organizations,
    Organization,
    "/api/v1/organizations/{id}/files",
    "/api/v1/organizations/{id}/files/{file}",
    "organizations"
);

files_of!(
    trips,
    Trip,
    "/api/v1/trips/{id}/files",
    "/api/v1/trips/{id}/files/{file}",
    "trips"
);

pub(super) fn routes() -> Routes {
    Routes::new()
        .merge(activities::routes())
        .merge(agreements::routes())
        .merge(organizations::routes())
        .merge(trips::routes())
}
