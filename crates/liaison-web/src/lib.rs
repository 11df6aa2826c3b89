//! Liaison's HTTP interface: the JSON API under `/api/v1` and its OpenAPI description, and the
//! pages people use in the browser.

pub mod api;
pub mod auth;
pub mod clock;
mod error;
mod extract;
mod files;
pub mod i18n;
pub mod notices;
mod operations;
pub mod pages;
mod proxies;
mod routes;

pub use error::ApiError;
pub use files::Files;
pub use operations::MetricsAccess;
pub use proxies::TrustedProxies;

use std::net::SocketAddr;

use axum::extract::connect_info::IntoMakeServiceWithConnectInfo;
use axum::http::{HeaderValue, Method, header};
use axum::{Router, middleware};
use liaison_store::Store;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    pub settings: WebSettings,
    /// Where the files kept with records are, and how large they may be.
    pub files: Files,
}

/// The web server's own settings.
#[derive(Clone, Debug)]
pub struct WebSettings {
    /// A session unused for this long ends; the user signs in again.
    pub session_idle_minutes: i64,
    /// Marks cookies `Secure`, for a server reached over HTTPS.
    pub secure_cookies: bool,
    /// Who may read `/metrics`; nobody unless set.
    pub metrics: MetricsAccess,
    /// The reverse proxies whose header names the client; none unless set.
    pub proxies: TrustedProxies,
    /// The office's date, which the deadlines of trips count from.
    pub clock: clock::OfficeClock,
    /// Where reminders are mailed, and how often due jobs are looked for.
    pub mail: notices::MailSettings,
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings {
            session_idle_minutes: 120,
            secure_cookies: false,
            metrics: MetricsAccess::default(),
            proxies: TrustedProxies::default(),
            clock: clock::OfficeClock::default(),
            mail: notices::MailSettings::default(),
        }
    }
}

/// What a page may load: scripts only from Liaison's own files (its one form script), never
/// inline, so nothing a record holds can run; that script asks only Liaison itself
/// (`connect-src`); styles come from its own stylesheet only (no inline `style`), images from
/// itself, and forms are sent back to it. No other site may frame a page.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

/// The whole application: every route Liaison serves.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .merge(api::router(state.clone()))
        .merge(pages::router(state.clone()))
        .fallback(fallback);
    operations::add_routes(routes, &state.store, &state.settings.metrics)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            pages::show_errors,
        ))
        // No page of Liaison is meant to be shown inside another site's frame, nor read as
        // anything but what it says it is.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        // Addresses of Liaison's pages name records (`/people/12`) and searches; another site a
        // user follows a link to learns nothing of them.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The method and path of every route of the API and the pages, as [`router`] mounts them.
pub fn routes() -> Vec<(Method, String)> {
    let mut served = api::routes();
    served.extend(pages::routes());
    served
}

/// An address Liaison does not serve: a JSON answer under `/api/`, a page elsewhere.
async fn fallback(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        error::not_found().await.into_response()
    } else {
        pages::not_found().await.into_response()
    }
}

/// The application ready to serve, knowing each client's address (for sign-in limits and the
/// audit log).
pub fn app(state: AppState) -> IntoMakeServiceWithConnectInfo<Router, SocketAddr> {
    router(state).into_make_service_with_connect_info::<SocketAddr>()
}
