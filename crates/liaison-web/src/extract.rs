//! Extractors that turn unreadable requests into Liaison's own error responses.

use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use liaison_core::Error as DomainError;
use serde::de::DeserializeOwned;

use crate::ApiError;

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
        ApiBody::from_request(request, state)
            .await?
            .json()
            .map(ApiJson)
    }
}

/// A body read but not yet looked at, for a handler that must refuse a user who may not make
/// the change before it says anything about what they sent.
pub struct ApiBody {
    is_json: bool,
    bytes: Bytes,
}

impl<S: Send + Sync> FromRequest<S> for ApiBody {
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
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|e| ApiError::BadRequest(e.body_text()))?;
        Ok(ApiBody { is_json, bytes })
    }
}

impl ApiBody {
    /// The body read as JSON into `T`: first as any JSON (else 400), then held to the bounds of
    /// every input (`liaison_core::limits`: no U+0000, no list or text past its bound) and to
    /// being an object, then into its shape, each problem a 422 naming the field.
    pub fn json<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        if !self.is_json {
            return Err(ApiError::BadRequest(
                "send the body as JSON with the header Content-Type: application/json".to_owned(),
            ));
        }
        // Read the text as JSON first, so that broken JSON is told apart from a wrong shape.
        let value: serde_json::Value = serde_json::from_slice(&self.bytes)
            .map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON: {e}")))?;
        liaison_core::limits::check_json(&value)
            .into_result()
            .map_err(ApiError::from)?;
        // Every body Liaison reads is an object. serde would read a struct from an array too,
        // field by field in order, so `[]` would save a policy of defaults.
        if !value.is_object() {
            return Err(DomainError::invalid(
                "",
                "invalid",
                "the body must be a JSON object, {\"field\": value, …}",
            )
            .into());
        }
        serde_path_to_error::deserialize(value).map_err(|e| {
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

/// Query parameters; an unknown value is a 422 that says which parameter, and so is a value
/// holding U+0000, which no one types into a filter and PostgreSQL cannot compare.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(parts.uri.query().unwrap_or_default()).unwrap_or_default();
        let mut errors = liaison_core::FieldErrors::new();
        for (name, value) in &pairs {
            let field = name.replace('\0', "");
            liaison_core::limits::nul(&mut errors, &field, name);
            liaison_core::limits::nul(&mut errors, &field, value);
        }
        errors.into_result()?;
        let axum::extract::Query(query) =
            axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(ApiQuery(query))
    }
}

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
