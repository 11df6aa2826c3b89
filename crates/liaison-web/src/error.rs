//! The web layer's one error type: each domain refusal becomes a status and a JSON body.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use liaison_core::{Error as DomainError, FieldError};
use serde::Serialize;
use utoipa::ToSchema;

/// What went wrong with a request.
#[derive(Debug)]
pub enum ApiError {
    /// The request could not be read at all: malformed JSON, a wrong content type.
    BadRequest(String),
    /// Nothing is served at this address.
    NoRoute,
    /// No valid session or token.
    Unauthorized(String),
    /// Too many failed sign-ins; the number of minutes to wait.
    TooManyAttempts(i64),
    /// A change signed in by a session cookie without the session's token in its header.
    Csrf,
    Store(liaison_store::Error),
    /// Something failed that the client cannot act on, such as the file store; logged, not shown.
    Internal(String),
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// `bad_request`, `unauthorized`, `forbidden`, `invalid`, `not_found`, `conflict`,
    /// `too_many_attempts` or `internal`.
    pub error: &'static str,
    pub message: String,
    /// For `invalid`: every problem, each with the path of its field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// For a version conflict: the record as it is now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<serde_json::Value>,
}

impl From<liaison_store::Error> for ApiError {
    fn from(err: liaison_store::Error) -> Self {
        ApiError::Store(err)
    }
}

impl From<DomainError> for ApiError {
    fn from(err: DomainError) -> Self {
        ApiError::Store(err.into())
    }
}

/// How long a client is asked to wait before sending a write the database was too busy for.
pub(crate) const RETRY_AFTER_SECONDS: u32 = 2;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = |error, message: String| ErrorBody {
            error,
            message,
            fields: Vec::new(),
            current: None,
        };
        let (status, body) = match self {
            ApiError::BadRequest(message) => {
                (StatusCode::BAD_REQUEST, body("bad_request", message))
            }
            ApiError::Unauthorized(message) => {
                (StatusCode::UNAUTHORIZED, body("unauthorized", message))
            }
            ApiError::TooManyAttempts(minutes) => (
                StatusCode::TOO_MANY_REQUESTS,
                body(
                    "too_many_attempts",
                    format!("too many failed sign-ins; try again in {minutes} minutes"),
                ),
            ),
            ApiError::Csrf => (
                StatusCode::FORBIDDEN,
                body(
                    "forbidden",
                    "a change signed in with the session cookie must send the session's token in \
                     the X-CSRF-Token header"
                        .to_owned(),
                ),
            ),
            ApiError::NoRoute => (
                StatusCode::NOT_FOUND,
                body(
                    "not_found",
                    "Liaison serves nothing at this address".to_owned(),
                ),
            ),
            ApiError::Store(liaison_store::Error::Domain(err)) => match err {
                DomainError::NotFound { .. } => {
                    (StatusCode::NOT_FOUND, body("not_found", err.to_string()))
                }
                DomainError::Forbidden(why) => (
                    StatusCode::FORBIDDEN,
                    body("forbidden", format!("not allowed: {why}")),
                ),
                DomainError::Invalid(errors) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorBody {
                        fields: errors.0,
                        ..body(
                            "invalid",
                            "the submission has problems; see fields".to_owned(),
                        )
                    },
                ),
                DomainError::Conflict { message, current } => (
                    StatusCode::CONFLICT,
                    ErrorBody {
                        current,
                        ..body("conflict", message)
                    },
                ),
            },
            ApiError::Store(liaison_store::Error::Busy) => {
                let message = liaison_store::Error::Busy.to_string();
                let mut response =
                    (StatusCode::SERVICE_UNAVAILABLE, Json(body("busy", message))).into_response();
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
                return response;
            }
            ApiError::Internal(cause) => {
                tracing::error!(error = %cause, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    body(
                        "internal",
                        "something went wrong on the server; the error was logged".to_owned(),
                    ),
                )
            }
            ApiError::Store(err) => {
                // The cause is logged once here and never shown: it may name tables or servers.
                tracing::error!(error = %err, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    body(
                        "internal",
                        "something went wrong on the server; the error was logged".to_owned(),
                    ),
                )
            }
        };
        (status, Json(body)).into_response()
    }
}

/// The answer for a path Liaison does not serve.
pub(crate) async fn not_found() -> ApiError {
    ApiError::NoRoute
}
