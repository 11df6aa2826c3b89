//! Extractors that turn unreadable requests into Liaison's own error responses.

use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::header;
use axum::http::request::Parts;
use liaison_core::Error as DomainError;
use serde::de::DeserializeOwned;

use crate::ApiError;
use crate::pages::PageError;

/// A JSON body. Text that is not JSON is a 400; JSON of the wrong shape is a 422 naming the
/// field, such as `participants[0].role`.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase()
            })
            .is_some_and(|m| {
                m == "application/json" || m.starts_with("application/") && m.ends_with("+json")
            });
        if !is_json {
            return Err(ApiError::BadRequest(
                "send the body as JSON with the header Content-Type: application/json".to_owned(),
            ));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|e| ApiError::BadRequest(e.body_text()))?;
        // Read the text as JSON first, so that broken JSON is told apart from a wrong shape.
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON: {e}")))?;
        serde_path_to_error::deserialize(value)
            .map(ApiJson)
            .map_err(|e| {
                let field = match e.path().to_string() {
                    path if path == "." => String::new(),
                    path => path,
                };
                DomainError::invalid(field, "invalid", e.inner().to_string()).into()
            })
    }
}

/// Splits serde's "participants[0].role: unknown variant…" into the path and the message.
fn split_path(detail: &str) -> (String, String) {
    match detail.split_once(": ") {
        Some((path, message)) if !path.contains(' ') => (path.to_owned(), message.to_owned()),
        _ => (String::new(), detail.to_owned()),
    }
}

/// Query parameters; an unknown value is a 422 that says which parameter.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        let detail = match &rejection {
            QueryRejection::FailedToDeserializeQueryString(err) => std::error::Error::source(err)
                .map(ToString::to_string)
                .unwrap_or_else(|| rejection.body_text()),
            _ => rejection.body_text(),
        };
        let (field, message) = split_path(&detail);
        let field = if field.is_empty() {
            "query".to_owned()
        } else {
            field
        };
        DomainError::invalid(field, "invalid", message).into()
    }
}

/// A record number in the path; anything else names no record.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        ApiError::NoRoute
    }
}

/// The record number `{id}` in a page's path: a positive whole number, or the page saying that
/// nothing is found there, in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordId(pub i64);

impl RecordId {
    /// A record number as written in a path.
    pub fn parse(text: &str) -> Option<RecordId> {
        text.parse::<i64>().ok().filter(|id| *id > 0).map(RecordId)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RecordId {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| PageError::NotFound)?;
        params
            .iter()
            .find(|(name, _)| *name == "id")
            .and_then(|(_, value)| RecordId::parse(value))
            .ok_or(PageError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::RecordId;

    #[test]
    fn a_record_number_is_a_positive_whole_number() {
        assert_eq!(RecordId::parse("42"), Some(RecordId(42)));
        for not_a_record in ["0", "-3", "4.5", "abc", "", "99999999999999999999", " 7"] {
            assert_eq!(RecordId::parse(not_a_record), None, "{not_a_record:?}");
        }
    }
}
