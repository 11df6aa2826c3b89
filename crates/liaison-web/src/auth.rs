//! Who is asking: a session cookie from the pages or a bearer token from a script, resolved once
//! per request by a layer, so every route behind it knows its user.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use chrono::Duration;
use liaison_core::secrets::token_hash;
use liaison_core::{Actor, User};

use crate::{ApiError, AppState, TrustedProxies};

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "liaison_session";

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub user: User,
    pub address: Option<String>,
    /// The session's CSRF token; absent for bearer tokens, which forms never send.
    pub csrf_token: Option<String>,
    /// The session cookie's token hash, to end the session on sign-out.
    pub session_hash: Option<String>,
}

impl Authenticated {
    pub fn actor(&self) -> Actor {
        self.user.actor(self.address.clone())
    }
}

/// The address a request came from, for sign-in limits and the audit log: the connection's, or
/// the one a trusted proxy names (see [`TrustedProxies`]).
pub fn client_address(parts: &Parts, proxies: &TrustedProxies) -> Option<String> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| proxies.client(addr.ip(), &parts.headers).to_string())
}

/// The address of the client, as an extractor.
pub struct ClientAddress(pub Option<String>);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(client_address(
            parts,
            &state.settings.proxies,
        )))
    }
}

/// The value of a cookie in the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Finds the user of a request from its bearer token or session cookie, if any.
pub async fn identify(state: &AppState, parts: &Parts) -> Result<Option<Authenticated>, ApiError> {
    let address = client_address(parts, &state.settings.proxies);
    let bearer = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if let Some(token) = bearer {
        let user = state
            .store
            .api_token_user(&token_hash(token.trim()))
            .await?;
        return match user {
            Some(user) => Ok(Some(Authenticated {
                user,
                address,
                csrf_token: None,
                session_hash: None,
            })),
            None => Err(ApiError::Unauthorized(
                "the API token is unknown or revoked".to_owned(),
            )),
        };
    }
    let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let hash = token_hash(token);
    let idle = Duration::minutes(state.settings.session_idle_minutes);
    Ok(state
        .store
        .session(&hash, idle)
        .await?
        .map(|(user, csrf_token)| Authenticated {
            user,
            address,
            csrf_token: Some(csrf_token),
            session_hash: Some(hash),
        }))
}

/// The header a script sends a session's CSRF token in; forms send it as the field `csrf`.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Whether a request submitted the token its session expects, compared in constant time; no
/// expected token (a bearer token, no session) matches nothing.
pub fn token_matches(expected: Option<&str>, submitted: Option<&str>) -> bool {
    match (expected, submitted) {
        (Some(expected), Some(submitted)) if !expected.is_empty() => {
            liaison_core::secrets::same_secret(expected, submitted)
        }
        _ => false,
    }
}

/// The token in the [`CSRF_HEADER`] of a request, if any.
pub fn header_token(headers: &HeaderMap) -> Option<&str> {
    headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok())
}

/// The layer in front of the API: a request without a valid token or session is answered 401.
/// A browser sends the session cookie with any request, even one another site makes it send,
/// so a change made with the cookie alone must also carry the session's token in
/// [`CSRF_HEADER`]; a bearer token is never sent by a browser on its own and needs none.
pub async fn require_user(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let (mut parts, body) = request.into_parts();
    let auth = identify(&state, &parts).await?.ok_or_else(|| {
        ApiError::Unauthorized(
            "sign in, or send an API token as Authorization: Bearer TOKEN".to_owned(),
        )
    })?;
    if auth.session_hash.is_some()
        && !parts.method.is_safe()
        && !token_matches(auth.csrf_token.as_deref(), header_token(&parts.headers))
    {
        return Err(ApiError::Csrf);
    }
    // A session opened by a one-time password may only choose a new password, on its page.
    if auth.session_hash.is_some() && auth.user.must_change_password {
        return Err(ApiError::Store(
            liaison_core::Error::Forbidden(
                "choose a new password at /account/password first".to_owned(),
            )
            .into(),
        ));
    }
    parts.extensions.insert(auth);
    let mut response = next.run(Request::from_parts(parts, body)).await;
    // Answers of the API carry records and personal data: never kept in a shared cache or by
    // the browser.
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The user a layer found; handlers take it as an argument.
pub struct Auth(pub Authenticated);

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Authenticated>()
            .cloned()
            .map(Auth)
            .ok_or_else(|| ApiError::Unauthorized("sign in first".to_owned()))
    }
}
