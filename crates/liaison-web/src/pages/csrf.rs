//! The check that a request changing something was sent by a page of Liaison: one layer in front
//! of every page route compares the token the request carries with the one its session (or, on
//! the sign-in form, the sign-in cookie) expects, so a new form cannot forget it.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request, State};
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

use super::PageError;
use super::forms::Values;
use super::session::LOGIN_CSRF_COOKIE;
use crate::auth::{self, Authenticated};

/// How far into an upload the token is looked for. Liaison's upload form sends its token before
/// the file, as browsers send fields in the order of the form; a client that sends the file
/// first sends the token as the `X-CSRF-Token` header instead. This is the room the upload route
/// leaves for the fields beside the file, so nothing more than the route allows is held.
const FIELDS_BEFORE_FILE: u64 = 64 * 1024;

/// Whose token a route's forms carry.
#[derive(Debug, Clone, Copy)]
pub enum Expected {
    /// The signed-in session's, shown in every page's forms.
    Session,
    /// The sign-in form's, kept in a cookie of its own, as there is no session yet; a refused
    /// sign-in shows the form again, with what was typed.
    SignInForm,
}

impl Expected {
    fn token(self, parts: &Parts) -> Option<String> {
        match self {
            Expected::Session => parts
                .extensions
                .get::<Authenticated>()
                .and_then(|a| a.csrf_token.clone()),
            Expected::SignInForm => {
                auth::cookie(&parts.headers, LOGIN_CSRF_COOKIE).map(str::to_owned)
            }
        }
    }

    fn refused(self, form: &Values) -> PageError {
        match self {
            Expected::Session => PageError::Csrf,
            Expected::SignInForm => PageError::SignInExpired {
                next: form.get("next").to_owned(),
                username: form.get("username").to_owned(),
            },
        }
    }
}

/// The layer: a request that is not a plain read must carry the expected token, in the
/// `X-CSRF-Token` header or the form's `csrf` field, or it is refused with 403 before any
/// handler runs.
pub async fn require_token(
    State(expected): State<Expected>,
    request: Request,
    next: Next,
) -> Response {
    if request.method().is_safe() {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let wanted = expected.token(&parts);
    let (submitted, form, body) = match auth::header_token(&parts.headers) {
        Some(token) => (Some(token.to_owned()), Values::default(), body),
        None => match media_type(&parts.headers).as_str() {
            "application/x-www-form-urlencoded" => match form_token(&parts, body).await {
                Ok(found) => found,
                Err(refused) => return refused,
            },
            "multipart/form-data" => {
                let (token, body) = multipart_token(&parts.headers, body).await;
                (token, Values::default(), body)
            }
            _ => (None, Values::default(), body),
        },
    };
    if !auth::token_matches(wanted.as_deref(), submitted.as_deref()) {
        return expected.refused(&form).into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}

fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The token of a form, its values, and its body to read again; the body is read within the
/// same limit the handler's form reader keeps, and one too large is answered as that would be.
async fn form_token(parts: &Parts, body: Body) -> Result<(Option<String>, Values, Body), Response> {
    let mut bare = Request::new(body);
    *bare.headers_mut() = parts.headers.clone();
    *bare.extensions_mut() = parts.extensions.clone();
    let bytes = Bytes::from_request(bare, &())
        .await
        .map_err(IntoResponse::into_response)?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let form = Values::from_pairs(pairs);
    Ok((form.0.get("csrf").cloned(), form, Body::from(bytes)))
}

/// The `csrf` field of an upload, and the body to read again: the parts read while looking are
/// kept and put back in front of the rest, which is left unread for the handler. The parts read
/// so far are parsed again as each arrives, which costs little within [`FIELDS_BEFORE_FILE`], and
/// keeps the reading here to what has been looked at.
async fn multipart_token(headers: &HeaderMap, body: Body) -> (Option<String>, Body) {
    let boundary = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| multer::parse_boundary(v).ok());
    let Some(boundary) = boundary else {
        return (None, body);
    };
    let mut rest = body.into_data_stream();
    let mut seen: Vec<Bytes> = Vec::new();
    let mut prefix: Vec<u8> = Vec::new();
    let mut token = None;
    while token.is_none() && prefix.len() as u64 <= FIELDS_BEFORE_FILE {
        let Some(Ok(chunk)) = rest.next().await else {
            break;
        };
        prefix.extend_from_slice(&chunk);
        seen.push(chunk);
        token = token_among(&prefix, &boundary).await;
    }
    let read = futures_util::stream::iter(seen.into_iter().map(Ok::<_, axum::Error>));
    (token, Body::from_stream(read.chain(rest)))
}

/// The value of the `csrf` field if it is whole within the first part of an upload.
async fn token_among(prefix: &[u8], boundary: &str) -> Option<String> {
    let data = Bytes::copy_from_slice(prefix);
    let stream = futures_util::stream::iter([Ok::<_, std::convert::Infallible>(data)]);
    let mut multipart = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("csrf") {
            return field.text().await.ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::HeaderMap;
    use axum::http::header::CONTENT_TYPE;

    use super::multipart_token;

    fn upload(fields: &[(&str, &[u8])]) -> (HeaderMap, Vec<u8>) {
        let boundary = "b0undary";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                    .as_bytes(),
            );
            body.extend_from_slice(value);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}")
                .parse()
                .unwrap(),
        );
        (headers, body)
    }

    /// The body in pieces, as a network delivers it.
    fn chunked(bytes: &[u8]) -> Body {
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
            bytes.chunks(1000).map(|c| Ok(c.to_vec())).collect();
        Body::from_stream(futures_util::stream::iter(chunks))
    }

    #[tokio::test]
    async fn the_token_of_an_upload_is_read_and_the_whole_body_handed_on() {
        let file = vec![b'x'; 300_000];
        let (headers, sent) =
            upload(&[("csrf", b"the-token"), ("kind", b"people"), ("file", &file)]);
        let (token, body) = multipart_token(&headers, chunked(&sent)).await;
        assert_eq!(token.as_deref(), Some("the-token"));
        let handed_on = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        assert_eq!(handed_on.as_ref(), sent.as_slice());
    }

    #[tokio::test]
    async fn a_token_sent_after_a_large_file_is_not_looked_for() {
        let file = vec![b'x'; 300_000];
        let (headers, sent) = upload(&[("file", &file), ("csrf", b"the-token")]);
        let (token, _) = multipart_token(&headers, chunked(&sent)).await;
        assert_eq!(token, None);
        let small = vec![b'x'; 1_000];
        let (headers, sent) = upload(&[("file", &small), ("csrf", b"the-token")]);
        let (token, _) = multipart_token(&headers, chunked(&sent)).await;
        assert_eq!(token.as_deref(), Some("the-token"));
    }
}
