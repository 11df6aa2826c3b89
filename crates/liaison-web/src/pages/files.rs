//! The files section of a record's page (thumbnails, downloads, captions, several uploads at
//! once) and the pages that take and serve the files, for the kinds of record that keep files.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Form, Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use liaison_core::files::keeps_files;
use liaison_core::{RecordKind, StoredFile};
use liaison_store::StoredRecord;
use serde::Deserialize;

use super::record_id::{FileId, RecordId};
use super::views::{Link, MessageView};
use super::{MessageTemplate, PageError, PageResult, Ui, render};
use crate::AppState;
use crate::files::{self, FileError};

/// A record's files as its page shows them.
#[derive(Debug, Clone)]
pub struct FilesView {
    /// Where the upload form is sent.
    pub action: String,
    /// Whether the user may add, caption and delete files.
    pub may_change: bool,
    pub items: Vec<FileItem>,
    /// What the form accepts, with the largest file's size.
    pub hint: String,
}

/// One file in a record's files section.
#[derive(Debug, Clone)]
pub struct FileItem {
    pub href: String,
    /// The thumbnail's address, for images.
    pub thumbnail: Option<String>,
    pub name: String,
    pub caption: String,
    pub meta: String,
}

/// The files section of record `id` of `kind`, when records of its kind keep files; `may_change`
/// says whether the user may add, caption and delete them.
pub(crate) async fn section(
    state: &AppState,
    ui: &Ui,
    kind: RecordKind,
    path: &str,
    id: i64,
    may_change: bool,
) -> Result<Option<FilesView>, PageError> {
    if !keeps_files(kind) {
        return Ok(None);
    }
    let base = format!("/{path}/{id}/files");
    let files = state.store.record_files(kind, id).await?;
    Ok(Some(FilesView {
        action: base.clone(),
        may_change,
        hint: ui.t.args(
            "files-hint",
            &[(
                "megabytes",
                ui.t.number((state.files.limits.per_file / (1024 * 1024)) as i64),
            )],
        ),
        items: files.iter().map(|f| item(ui, &base, f)).collect(),
    }))
}

fn item(ui: &Ui, base: &str, file: &StoredFile) -> FileItem {
    let href = format!("{base}/{}", file.id);
    FileItem {
        thumbnail: file.is_image().then(|| format!("{href}/thumbnail")),
        href,
        name: file.name.clone(),
        caption: file.caption.clone(),
        meta: ui.t.args(
            "files-meta",
            &[
                ("size", ui.t.number((file.size + 1023) / 1024)),
                ("by", file.created_by.clone()),
                ("date", ui.t.date(file.created_at.date_naive())),
            ],
        ),
    }
}

/// A page saying why files were not kept, with the way back to the record.
fn refused(ui: &Ui, err: FileError, back: String) -> PageResult {
    let problem = match &err {
        // The store refuses a file past the record's share of the limit.
        FileError::Store(liaison_store::Error::Domain(liaison_core::Error::Invalid(errors))) => {
            errors
                .0
                .first()
                .map(|e| (e.code.as_str(), e.message.clone()))
                .map(|(code, message)| {
                    let code = if code == "record_full" {
                        "record_full"
                    } else {
                        "invalid"
                    };
                    (code, message)
                })
        }
        other => other.problem(),
    };
    let Some((code, message)) = problem else {
        return Err(match err {
            FileError::Store(err) => err.into(),
            other => PageError::Internal(format!("{other:?}")),
        });
    };
    let status = match code {
        "too_large" => StatusCode::PAYLOAD_TOO_LARGE,
        "not_allowed" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let reason = match code {
        "too_large" => ui.t.get("files-refused-too_large"),
        "not_allowed" => ui.t.get("files-refused-not_allowed"),
        "bad_image" => ui.t.get("files-refused-bad_image"),
        "required" => ui.t.get("files-refused-required"),
        "record_full" => ui.t.get("files-refused-record_full"),
        _ => message,
    };
    let view = MessageView {
        title: ui.t.get("files-refused-title"),
        tone: "warning",
        paragraphs: vec![reason],
        links: vec![Link {
            label: ui.t.get("files-back"),
            href: back,
        }],
        ..MessageView::default()
    };
    let mut response = render(&MessageTemplate { ui, view: &view });
    *response.status_mut() = status;
    Ok(response)
}

/// The page saying that the record was deleted while its files were being uploaded, and how
/// many of them had been kept with it before (deleted with it).
fn record_gone(ui: &Ui, kept: usize, back: String) -> PageResult {
    let mut paragraphs = vec![ui.t.get("files-refused-record_gone")];
    if kept > 0 {
        paragraphs.push(ui.t.args(
            "files-refused-record_gone-kept",
            &[("count", ui.t.number(kept as i64))],
        ));
    }
    let view = MessageView {
        title: ui.t.get("files-refused-title"),
        tone: "warning",
        paragraphs,
        links: vec![Link {
            label: ui.t.get("files-back-to-list"),
            href: back,
        }],
        ..MessageView::default()
    };
    let mut response = render(&MessageTemplate { ui, view: &view });
    *response.status_mut() = StatusCode::NOT_FOUND;
    Ok(response)
}

/// Files sent from the record's page: the `file` fields (several at once), with the caption
/// and the choice to remove photos' location sent before them.
async fn upload<K: StoredRecord + Sync>(
    state: State<AppState>,
    ui: Ui,
    RecordId(id): RecordId,
    multipart: Result<Multipart, MultipartRejection>,
    path: &'static str,
) -> PageResult {
    let State(state) = state;
    let actor = ui.actor()?;
    let back = format!("/{path}/{id}");
    let Ok(mut multipart) = multipart else {
        return refused(&ui, FileError::NoFile, back);
    };
    let (mut caption, mut strip, mut kept) = (String::new(), false, 0);
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => return refused(&ui, FileError::Unreadable(err.body_text()), back),
        };
        match field.name().unwrap_or_default() {
            "caption" => caption = field.text().await.unwrap_or_default(),
            "strip_location" => strip = field.text().await.is_ok_and(|v| v == "on"),
            "file" => {
                // A browser sends an empty part when no file was chosen.
                if field.file_name().unwrap_or_default().is_empty() {
                    continue;
                }
                let received = match files::receive(field, &state.files.limits).await {
                    Ok(received) => received,
                    Err(err) => return refused(&ui, err, back),
                };
                match files::keep::<K>(&state, &actor, id, received, caption.clone(), strip).await {
                    Ok(_) => kept += 1,
                    // The record was deleted while its file was on its way: nothing was kept,
                    // and the way back is to the list, as the record's page is gone.
                    Err(FileError::Store(liaison_store::Error::Domain(
                        liaison_core::Error::NotFound { .. },
                    ))) => return record_gone(&ui, kept, format!("/{path}")),
                    Err(FileError::Store(err))
                        if !matches!(
                            err,
                            liaison_store::Error::Domain(liaison_core::Error::Invalid(_))
                        ) =>
                    {
                        return Err(err.into());
                    }
                    Err(err) => return refused(&ui, err, back),
                }
            }
            _ => {}
        }
    }
    if kept == 0 {
        return refused(&ui, FileError::NoFile, back);
    }
    Ok(Redirect::to(&format!("{back}#files")).into_response())
}

async fn download<K: StoredRecord + Sync>(
    state: &AppState,
    ui: &Ui,
    id: i64,
    file: i64,
) -> PageResult {
    let file = state.store.file::<K>(id, file).await?;
    let response = served(files::serve(state, &file).await)?;
    state.store.audit_download(&ui.actor()?, &file).await?;
    Ok(response)
}

async fn thumbnail<K: StoredRecord + Sync>(state: &AppState, id: i64, file: i64) -> PageResult {
    let file = state.store.file::<K>(id, file).await?;
    match served(files::serve_thumbnail(state, &file).await)? {
        Some(response) => Ok(response),
        None => Err(PageError::NotFound),
    }
}

pub(crate) fn served<T>(result: Result<T, FileError>) -> Result<T, PageError> {
    result.map_err(|err| match err {
        FileError::Store(err) => err.into(),
        FileError::Kept(liaison_files::Error::Missing(_)) => PageError::NotFound,
        other => PageError::Internal(format!("{other:?}")),
    })
}

#[derive(Debug, Deserialize)]
struct CaptionForm {
    #[serde(default)]
    caption: String,
}

async fn caption<K: StoredRecord + Sync>(
    state: &AppState,
    ui: &Ui,
    id: i64,
    file: i64,
    form: CaptionForm,
    path: &str,
) -> PageResult {
    state
        .store
        .caption_file::<K>(&ui.actor()?, id, file, &form.caption)
        .await?;
    Ok(Redirect::to(&format!("/{path}/{id}#files")).into_response())
}

async fn delete<K: StoredRecord + Sync>(
    state: &AppState,
    ui: &Ui,
    id: i64,
    file: i64,
    path: &str,
) -> PageResult {
    let gone = state.store.delete_file::<K>(&ui.actor()?, id, file).await?;
    files::forget_unheld(state, &[gone.content_hash]).await;
    Ok(Redirect::to(&format!("/{path}/{id}#files")).into_response())
}

/// The file pages of one kind whose pages live under `/{path}`.
pub(crate) fn routes<K: StoredRecord + Sync>(path: &'static str) -> crate::routes::Routes {
    let item = format!("/{path}/{{id}}/files");
    let file = format!("{item}/{{file}}");
    crate::routes::Routes::new()
        .post(
            &item,
            axum::handler::Handler::layer(
                move |state: State<AppState>,
                      ui: Ui,
                      id: RecordId,
                      multipart: Result<Multipart, MultipartRejection>| {
                    upload::<K>(state, ui, id, multipart, path)
                },
                // An upload is read a chunk at a time and refused past the file limit.
                axum::extract::DefaultBodyLimit::disable(),
            ),
        )
        .get(
            &file,
            |State(state): State<AppState>, ui: Ui, RecordId(id): RecordId, FileId(f): FileId| async move {
                download::<K>(&state, &ui, id, f).await
            },
        )
        .get(
            &format!("{file}/thumbnail"),
            |State(state): State<AppState>, RecordId(id): RecordId, FileId(f): FileId| async move {
                thumbnail::<K>(&state, id, f).await
            },
        )
        .post(
            &format!("{file}/caption"),
            move |State(state): State<AppState>,
                  ui: Ui,
                  RecordId(id): RecordId,
                  FileId(f): FileId,
                  Form(form): Form<CaptionForm>| async move {
                caption::<K>(&state, &ui, id, f, form, path).await
            },
        )
        .post(
            &format!("{file}/delete"),
            move |State(state): State<AppState>, ui: Ui, RecordId(id): RecordId, FileId(f): FileId| async move {
                delete::<K>(&state, &ui, id, f, path).await
            },
        )
}
