//! Files kept with records, as both the API and the pages take and serve them: an upload read
//! within the size limit, its type read from its content, images checked by decoding them (and
//! kept without their metadata on request), the bytes kept, the thumbnail made once, the
//! row saved; and the headers a file is served with.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use liaison_core::{Actor, FileLimits, FileName, NewFile, StoredFile};
use liaison_files::{ContentHash, FileStore, Refusal};
use liaison_store::StoredRecord;

use crate::AppState;

/// Where files are kept and how large they may be.
#[derive(Clone, Debug)]
pub struct Files {
    pub store: FileStore,
    pub limits: FileLimits,
}

/// What went wrong keeping or serving a file.
#[derive(Debug)]
pub(crate) enum FileError {
    /// The file is larger than a file may be, in bytes.
    TooLarge(u64),
    /// The file was not let in.
    Refused(Refusal),
    /// The request held no file.
    NoFile,
    /// The upload could not be read (the client stopped sending, or sent no multipart body).
    Unreadable(String),
    Store(liaison_store::Error),
    /// The file store failed: logged, never shown.
    Kept(liaison_files::Error),
}

impl From<liaison_store::Error> for FileError {
    fn from(err: liaison_store::Error) -> Self {
        FileError::Store(err)
    }
}

impl From<liaison_files::Error> for FileError {
    fn from(err: liaison_files::Error) -> Self {
        FileError::Kept(err)
    }
}

impl FileError {
    /// The field error the API answers with for a file it does not keep; `None` for failures
    /// that are not the client's.
    pub(crate) fn problem(&self) -> Option<(&'static str, String)> {
        match self {
            FileError::TooLarge(limit) => Some((
                "too_large",
                format!("a file may hold at most {} MB", limit / 1_000_000),
            )),
            FileError::Refused(Refusal::BadImage(why)) => Some(("bad_image", why.clone())),
            FileError::Refused(refusal) => Some(("not_allowed", refusal.to_string())),
            FileError::NoFile => Some(("required", "send a file in the field `file`".into())),
            FileError::Unreadable(why) => Some(("unreadable", why.clone())),
            FileError::Store(_) | FileError::Kept(_) => None,
        }
    }
}

/// A file as it arrived: the name the client gave, and its bytes spooled to a temporary file
/// (unnamed, so nothing is left of it if the server stops) rather than held in memory while
/// they arrive and while the file waits its turn to be checked.
pub(crate) struct Received {
    pub name: String,
    spool: std::fs::File,
    size: u64,
}

/// Reads one multipart field to a temporary file, refusing it as soon as it passes the size
/// limit.
pub(crate) async fn receive(
    mut field: axum::extract::multipart::Field<'_>,
    limits: &FileLimits,
) -> Result<Received, FileError> {
    use tokio::io::AsyncWriteExt;
    let name = field.file_name().unwrap_or_default().to_owned();
    let spool = tokio::task::spawn_blocking(tempfile::tempfile)
        .await
        .map_err(|e| FileError::Unreadable(e.to_string()))?
        .map_err(|e| FileError::Kept(e.into()))?;
    let mut spool = tokio::io::BufWriter::new(tokio::fs::File::from_std(spool));
    let mut size = 0u64;
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| FileError::Unreadable(e.body_text()))?
    {
        size += chunk.len() as u64;
        if size > limits.per_file {
            return Err(FileError::TooLarge(limits.per_file));
        }
        spool
            .write_all(&chunk)
            .await
            .map_err(|e| FileError::Kept(e.into()))?;
    }
    spool.flush().await.map_err(|e| FileError::Kept(e.into()))?;
    let spool = spool.into_inner().into_std().await;
    Ok(Received { name, spool, size })
}

/// The bytes of a received file, read back whole for its check and its keeping.
fn spooled(mut received: std::fs::File, size: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek};
    received.rewind()?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    received.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A received file read back from its spool and checked, off the async threads and in a
/// decoding turn: its type, its bytes as they are kept (without their metadata when
/// `strip_location` asks) and, for an image, its thumbnail. Call it within a holding turn.
async fn checked(
    spool: &std::fs::File,
    size: u64,
    strip_location: bool,
) -> Result<(liaison_files::Inspected, bytes::Bytes, Option<Vec<u8>>), FileError> {
    let spool = spool.try_clone().map_err(|e| FileError::Kept(e.into()))?;
    let _decoding = liaison_files::decoding_turn().await;
    tokio::task::spawn_blocking(move || {
        let bytes = spooled(spool, size).map_err(|e| FileError::Kept(e.into()))?;
        let checked = liaison_files::check(&bytes, strip_location).map_err(FileError::Refused)?;
        let bytes = match checked.rewritten {
            Some(rewritten) => rewritten,
            None => bytes,
        };
        Ok((
            checked.inspected,
            bytes::Bytes::from(bytes),
            checked.thumbnail,
        ))
    })
    .await
    .map_err(|e| FileError::Unreadable(e.to_string()))?
}

/// Checks a received file and keeps it with record `id` of kind `K`: its bytes in the store,
/// its thumbnail if it is an image, its row in the database. Bytes kept for a file the database
/// then refuses (the record is full, the user may not change it) are removed again unless
/// another record holds them.
pub(crate) async fn keep<K: StoredRecord + Sync>(
    state: &AppState,
    actor: &Actor,
    id: i64,
    received: Received,
    caption: String,
    strip_location: bool,
) -> Result<StoredFile, FileError> {
    K::authorize_change_role(actor).map_err(liaison_store::Error::from)?;
    let files = &state.files;
    let Received { name, spool, size } = received;
    if size == 0 {
        return Err(FileError::NoFile);
    }
    // The file is read back, checked and put in the store in its turn, within the memory the
    // process gives uploads; the others wait with their bytes on disk.
    let holding = liaison_files::holding_turn(size).await;
    let (inspected, bytes, thumbnail) = checked(&spool, size, strip_location).await?;
    let kept_size = bytes.len() as i64;
    let hash = files.store.put_bytes(bytes).await?;
    if let Some(thumbnail) = thumbnail
        && files.store.thumbnail(&hash).await?.is_none()
    {
        files.store.put_thumbnail(&hash, thumbnail.into()).await?;
    }
    drop(holding);
    let new = NewFile {
        content_hash: hash.to_string(),
        name: FileName::clean(&name, inspected.extension),
        media_type: inspected.media_type.to_owned(),
        size: kept_size,
        caption,
    };
    match state
        .store
        .add_file::<K>(actor, id, new, &files.limits)
        .await
    {
        Ok(stored) => {
            // A deletion elsewhere may have found these bytes held by no row a moment before
            // this one was saved, and removed them; now that the row is saved, they are read
            // from the upload again and put back if so.
            if !files.store.contains(&hash).await? {
                let _holding = liaison_files::holding_turn(size).await;
                let (_, bytes, _) = checked(&spool, size, strip_location).await?;
                files.store.put_bytes(bytes).await?;
            }
            Ok(stored)
        }
        Err(err) => {
            forget_unheld(state, &[hash.to_string()]).await;
            Err(err.into())
        }
    }
}

/// Removes from the store the bytes of files deleted with their record that no other record
/// holds.
pub(crate) async fn forget_unheld_files(state: &AppState, files: &[StoredFile]) {
    let hashes: Vec<String> = files.iter().map(|f| f.content_hash.clone()).collect();
    forget_unheld(state, &hashes).await;
}

/// Removes from the store the bytes of these hashes that no record holds any more. A failure
/// is logged: the bytes stay, and `liaison files check` lists them.
pub(crate) async fn forget_unheld(state: &AppState, hashes: &[String]) {
    let unheld = match state.store.unreferenced(hashes).await {
        Ok(unheld) => unheld,
        Err(err) => {
            tracing::warn!(error = %err, "could not tell which files are still held");
            return;
        }
    };
    for hash in unheld.iter().filter_map(|h| ContentHash::parse(h)) {
        if let Err(err) = state.files.store.remove(&hash).await {
            tracing::warn!(error = %err, %hash, "could not remove a file no record holds");
        }
    }
}

/// Whether a file may be shown in a page rather than only downloaded: images, which were
/// decoded before they were kept. Anything else is served as an attachment, never run.
fn inline(file: &StoredFile) -> bool {
    file.is_image()
}

/// A file's bytes as the browser receives them: its type as read when it came, sent as an
/// attachment unless it is an image, with a name that cannot break the header.
pub(crate) async fn serve(state: &AppState, file: &StoredFile) -> Result<Response, FileError> {
    let hash = ContentHash::parse(&file.content_hash)
        .ok_or_else(|| FileError::Unreadable("a file's hash is damaged".into()))?;
    let stream = state.files.store.stream(&hash).await?;
    let disposition = if inline(file) { "inline" } else { "attachment" };
    let mut response = respond(
        Body::from_stream(stream.chunks),
        &file.media_type,
        &disposition_header(disposition, &file.name),
    );
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(stream.size));
    Ok(response)
}

/// A kept thumbnail, or none for a file that is not an image.
pub(crate) async fn serve_thumbnail(
    state: &AppState,
    file: &StoredFile,
) -> Result<Option<Response>, FileError> {
    let Some(hash) = ContentHash::parse(&file.content_hash) else {
        return Ok(None);
    };
    let Some(bytes) = state.files.store.thumbnail(&hash).await? else {
        return Ok(None);
    };
    Ok(Some(respond(
        Body::from(bytes),
        "image/jpeg",
        &disposition_header("inline", &file.name),
    )))
}

/// A kept image made fit for a page or a document: within a square of `side` pixels, written
/// anew as `format` without its metadata, off the async threads.
pub(crate) async fn picture(
    state: &AppState,
    file: &StoredFile,
    side: u32,
    format: liaison_files::PictureFormat,
) -> Result<liaison_files::Picture, FileError> {
    let hash = ContentHash::parse(&file.content_hash)
        .ok_or_else(|| FileError::Unreadable("a file's hash is damaged".into()))?;
    let bytes = state.files.store.get(&hash).await?;
    let media_type = file.media_type.clone();
    let _turn = liaison_files::decoding_turn().await;
    tokio::task::spawn_blocking(move || {
        liaison_files::picture(&bytes, &media_type, side, format).map_err(FileError::Refused)
    })
    .await
    .map_err(|e| FileError::Unreadable(e.to_string()))?
}

/// A picture made by [`picture`], served inline as a JPEG under the file's name.
pub(crate) fn serve_picture(picture: liaison_files::Picture, file: &StoredFile) -> Response {
    respond(
        Body::from(picture.bytes),
        "image/jpeg",
        &disposition_header("inline", &file.name),
    )
}

fn respond(body: Body, media_type: &str, disposition: &HeaderValue) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(media_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CONTENT_DISPOSITION, disposition.clone());
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Kept files never run anything, even when opened on their own.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; img-src 'self'; sandbox"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
    response
}

/// `Content-Disposition` with an ASCII fallback name and the real one in RFC 5987 form, so a
/// Chinese name arrives whole and no name can add a header.
fn disposition_header(disposition: &str, name: &str) -> HeaderValue {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    HeaderValue::from_str(&format!(
        "{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or(HeaderValue::from_static("attachment"))
}
