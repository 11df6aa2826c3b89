//! The pages people use in the browser: server-rendered, auto-escaped askama templates, in
//! Chinese or English, usable without JavaScript.

mod account;
mod admin;
mod approvals;
mod briefing;
mod calendars;
mod csrf;
mod dashboard;
mod export;
mod fields;
mod files;
mod forms;
mod imports;
mod kinds;
mod news;
mod notices;
mod passports;
mod record_id;
pub(crate) mod records;
mod review;
mod search;
mod session;
mod trip_publication;
mod trips;
mod views;
mod world_map;

use std::net::SocketAddr;

use askama::Template;
use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use liaison_core::{User, UserRole};

use crate::AppState;
use crate::auth::{self, Authenticated};
use crate::i18n::{Lang, Tr};
use crate::routes::Routes;

pub use record_id::RecordId;

pub use views::*;

/// The page where a signed-in user chooses a new password; the only page a session opened by a
/// one-time password may open.
pub const PASSWORD_PAGE: &str = "/account/password";

/// The cookie that remembers the language of someone not signed in.
pub const LANG_COOKIE: &str = "liaison_lang";

/// What every page knows about its request: the translator, the user, the CSRF token.
#[derive(Debug, Clone)]
pub struct Ui {
    pub t: Tr,
    pub user: Option<User>,
    pub csrf: String,
    /// The path and query of the page, to come back to after switching language.
    pub path: String,
    /// The part of the navigation the page belongs to: the first part of its address, or the
    /// second of an admin's page (`/admin/users` is in `users`).
    pub section: String,
    pub auth: Option<Authenticated>,
    /// The university's own name in the reader's language, from the settings; empty when unset.
    pub university: String,
    /// The signed-in user's notifications not opened yet, shown in the header.
    pub unread: i64,
}

impl Ui {
    pub fn is_admin(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.role == UserRole::Admin)
    }

    /// Whether the navigation offers spreadsheet import: to every role that may create records
    /// (organizations, which every such role may create, stand for them all).
    pub fn may_import(&self) -> bool {
        self.auth.as_ref().is_some_and(|a| {
            liaison_core::accounts::may(
                &a.actor(),
                liaison_core::Action::Create,
                liaison_core::ORGANIZATION,
                None,
            )
        })
    }

    pub fn role_label(&self) -> String {
        self.user
            .as_ref()
            .map(|u| self.t.value("role", u.role.as_str()))
            .unwrap_or_default()
    }

    pub fn other_lang_code(&self) -> &'static str {
        match self.t.lang {
            Lang::Zh => "en",
            Lang::En => "zh",
        }
    }

    /// The acting user, for the store.
    pub fn actor(&self) -> Result<liaison_core::Actor, PageError> {
        self.auth
            .as_ref()
            .map(Authenticated::actor)
            .ok_or(PageError::SignIn)
    }
}

/// The part of the navigation a path belongs to.
fn section_of(path: &str) -> String {
    let mut parts = path.trim_start_matches('/').split('/');
    match parts.next() {
        Some("admin") => parts.next().unwrap_or_default().to_owned(),
        Some(first) => first.to_owned(),
        None => String::new(),
    }
}

/// The language of a request: the signed-in user's choice, else the cookie, else the browser's.
fn language(parts: &Parts, user: Option<&User>) -> Lang {
    let chosen = user
        .and_then(|u| u.language.as_deref())
        .and_then(Lang::parse)
        .or_else(|| auth::cookie(&parts.headers, LANG_COOKIE).and_then(Lang::parse));
    chosen.unwrap_or_else(|| {
        Lang::from_accept_language(
            parts
                .headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        )
    })
}

impl FromRequestParts<AppState> for Ui {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let auth = match parts.extensions.get::<Authenticated>() {
            Some(found) => Some(found.clone()),
            None => auth::identify(state, parts).await.ok().flatten(),
        };
        let user = auth.as_ref().map(|a| a.user.clone());
        let mut lang = language(parts, user.as_ref());
        // A `?lang=` link (on the sign-in page) switches the language for this page.
        if let Some(query) = parts.uri.query() {
            for pair in query.split('&') {
                if let Some(code) = pair.strip_prefix("lang=") {
                    lang = Lang::parse(code).unwrap_or(lang);
                }
            }
        }
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".to_owned());
        let university = state.store.policy().university.name(lang == Lang::Zh);
        let unread = match &user {
            Some(u) => state.store.unread_notifications(u.id).await.unwrap_or(0),
            None => 0,
        };
        Ok(Ui {
            university,
            unread,
            t: Tr::new(lang),
            csrf: auth
                .as_ref()
                .and_then(|a| a.csrf_token.clone())
                .unwrap_or_default(),
            user,
            section: section_of(parts.uri.path()),
            path,
            auth,
        })
    }
}

/// Sends an anonymous visitor of a page to the sign-in page, and back afterwards.
async fn require_page_user(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    match auth::identify(&state, &parts).await {
        Ok(Some(found)) => {
            // A one-time password's session goes to choose a new password, whatever it asks
            // for, and may sign out or switch the language on the way.
            if found.user.must_change_password
                && !matches!(parts.uri.path(), PASSWORD_PAGE | "/logout" | "/language")
            {
                let mut response = Redirect::to(PASSWORD_PAGE).into_response();
                response
                    .headers_mut()
                    .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
                return response;
            }
            parts.extensions.insert(found);
            let mut response = next.run(Request::from_parts(parts, body)).await;
            // Pages hold personal data: never keep them in a shared cache.
            response
                .headers_mut()
                .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        // A database too busy to say who this is: the visitor is told so, not sent to sign in
        // again as if their session had ended.
        Err(crate::ApiError::Store(liaison_store::Error::Busy)) => {
            PageError::Store(liaison_store::Error::Busy).into_response()
        }
        _ => {
            let here = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let next = form_urlencoded_component(here);
            Redirect::to(&format!("/login?next={next}")).into_response()
        }
    }
}

/// Percent-encodes a value for a query string.
pub fn form_urlencoded_component(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Renders a template as a page; a template that fails to render is a 500 page.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "a page failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be shown",
            )
                .into_response()
        }
    }
}

/// Why a page could not be shown. A handler returns it with `?`; it becomes a response that
/// names the error page, and [`show_errors`] draws that page in the user's language.
#[derive(Debug)]
pub enum PageError {
    SignIn,
    Csrf,
    /// The sign-in form was sent without the token of its cookie: shown again, as it was filled.
    SignInExpired {
        next: String,
        username: String,
    },
    NotFound,
    Forbidden(String),
    Store(liaison_store::Error),
    /// Something failed that the user cannot act on, such as writing a file; logged, not shown.
    Internal(String),
}

/// What a handler returns: a page, or why it could not be shown.
pub type PageResult = Result<Response, PageError>;

impl From<liaison_core::Error> for PageError {
    fn from(err: liaison_core::Error) -> Self {
        liaison_store::Error::from(err).into()
    }
}

impl From<liaison_store::Error> for PageError {
    fn from(err: liaison_store::Error) -> Self {
        match err {
            liaison_store::Error::Domain(liaison_core::Error::NotFound { .. }) => {
                PageError::NotFound
            }
            liaison_store::Error::Domain(liaison_core::Error::Forbidden(why)) => {
                PageError::Forbidden(why)
            }
            other => PageError::Store(other),
        }
    }
}

/// The error page a response stands for, until [`show_errors`] draws it.
#[derive(Debug, Clone)]
enum ErrorPage {
    Csrf,
    SignInExpired { next: String, username: String },
    NotFound,
    Forbidden(String),
    Busy,
    Internal,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, page) = match self {
            PageError::SignIn => return Redirect::to("/login").into_response(),
            PageError::Csrf => (StatusCode::FORBIDDEN, ErrorPage::Csrf),
            PageError::SignInExpired { next, username } => (
                StatusCode::FORBIDDEN,
                ErrorPage::SignInExpired { next, username },
            ),
            PageError::NotFound => (StatusCode::NOT_FOUND, ErrorPage::NotFound),
            PageError::Forbidden(why) => (StatusCode::FORBIDDEN, ErrorPage::Forbidden(why)),
            PageError::Store(liaison_store::Error::Busy) => {
                (StatusCode::SERVICE_UNAVAILABLE, ErrorPage::Busy)
            }
            // The cause is logged once here and never shown: it may name tables or servers.
            PageError::Store(err) => {
                tracing::error!(error = %err, "a page failed");
                (StatusCode::INTERNAL_SERVER_ERROR, ErrorPage::Internal)
            }
            PageError::Internal(err) => {
                tracing::error!(error = %err, "a page failed");
                (StatusCode::INTERNAL_SERVER_ERROR, ErrorPage::Internal)
            }
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(page);
        response
    }
}

impl ErrorPage {
    /// The error page, in the language of `ui`.
    fn page(self, state: &AppState, ui: &Ui) -> Response {
        let t = &ui.t;
        let (status, title, text) = match self {
            ErrorPage::Csrf => (
                StatusCode::FORBIDDEN,
                t.get("error-csrf-title"),
                t.get("error-csrf"),
            ),
            ErrorPage::SignInExpired { next, username } => {
                return session::expired_login_page(state, ui, &next, &username);
            }
            ErrorPage::NotFound => (
                StatusCode::NOT_FOUND,
                t.get("error-not-found-title"),
                t.get("error-not-found"),
            ),
            ErrorPage::Forbidden(why) => (
                StatusCode::FORBIDDEN,
                t.get("error-forbidden-title"),
                t.args("error-forbidden", &[("reason", why)]),
            ),
            ErrorPage::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                t.get("error-internal-title"),
                t.get("error-internal"),
            ),
            ErrorPage::Busy => {
                let view = MessageView {
                    title: t.get("error-busy-title"),
                    tone: "error",
                    paragraphs: vec![t.get("error-busy")],
                    ..MessageView::default()
                };
                let mut response = render(&MessageTemplate { ui, view: &view });
                *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
                response.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    crate::error::RETRY_AFTER_SECONDS.into(),
                );
                return response;
            }
        };
        let view = MessageView {
            title,
            tone: "error",
            paragraphs: vec![text],
            links: vec![Link {
                label: t.get("error-home"),
                href: "/".to_owned(),
            }],
            ..MessageView::default()
        };
        let mut response = render(&MessageTemplate { ui, view: &view });
        *response.status_mut() = status;
        response
    }
}

/// The layer that draws error pages: a response that names one (a handler's [`PageError`], a
/// refused token, a record number that names nothing) is answered with that page, in the
/// language and with the navigation of the user who asked, keeping the headers set on the way
/// out.
pub async fn show_errors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let uri = request.uri().clone();
    let headers = request.headers().clone();
    let address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .cloned();
    let response = next.run(request).await;
    let Some(page) = response.extensions().get::<ErrorPage>().cloned() else {
        return response;
    };
    let mut asked = Request::new(());
    *asked.uri_mut() = uri;
    *asked.headers_mut() = headers;
    if let Some(address) = address {
        asked.extensions_mut().insert(address);
    }
    let (mut parts, ()) = asked.into_parts();
    let ui = match Ui::from_request_parts(&mut parts, &state).await {
        Ok(ui) => ui,
        Err(refused) => return refused,
    };
    let (mut head, _) = response.into_parts();
    let (shown, body) = page.page(&state, &ui).into_parts();
    head.status = shown.status;
    head.extensions.remove::<ErrorPage>();
    for (name, value) in shown.headers {
        if let Some(name) = name {
            head.headers.insert(name, value);
        }
    }
    Response::from_parts(head, body)
}

#[derive(Template)]
#[template(path = "list.html")]
pub struct ListTemplate<'a> {
    pub ui: &'a Ui,
    pub view: &'a ListView,
}

#[derive(Template)]
#[template(path = "form.html")]
pub struct FormTemplate<'a> {
    pub ui: &'a Ui,
    pub view: &'a FormView,
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessageTemplate<'a> {
    pub ui: &'a Ui,
    pub view: &'a MessageView,
}

/// The media type of Word documents.
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The media type of Excel workbooks.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A file to download, saved under `file_name` (ASCII, chosen by Liaison, never by a user).
pub fn download(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    response
}

/// Writes a file off the request threads: building a workbook or a document is CPU work. A
/// failure is the internal-error page, its cause logged once.
pub async fn render_file<F>(write: F) -> Result<Vec<u8>, PageError>
where
    F: FnOnce() -> Result<Vec<u8>, liaison_reports::Error> + Send + 'static,
{
    match tokio::task::spawn_blocking(write).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(err)) => Err(PageError::Internal(err.to_string())),
        Err(err) => Err(PageError::Internal(err.to_string())),
    }
}

/// The end of an admin's policy form (the trip policy, the passport policy, the reminders'
/// timing): with nothing wrong in what was `read`, `save` keeps the new version and the admin is
/// sent back to `page`; what was read wrong or the store refuses is drawn again by `redraw`,
/// with every problem. Any other failure is the error page.
pub async fn save_policy_version<T>(
    read: liaison_core::FieldErrors,
    save: impl Future<Output = Result<T, liaison_store::Error>>,
    page: &str,
    redraw: impl AsyncFnOnce(liaison_core::FieldErrors) -> PageResult,
) -> PageResult {
    let saved = if read.is_empty() {
        save.await.map(drop)
    } else {
        Err(liaison_core::Error::Invalid(read).into())
    };
    match saved {
        Ok(()) => Ok(Redirect::to(page).into_response()),
        Err(liaison_store::Error::Domain(liaison_core::Error::Invalid(errors))) => {
            redraw(errors).await
        }
        Err(other) => Err(other.into()),
    }
}

async fn stylesheet() -> Response {
    (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        include_str!("../../static/style.css"),
    )
        .into_response()
}

/// The one script Liaison serves (`static/form.js`): it adds and removes a form's rows in place
/// and offers the records whose names match what is typed. Pages work without it.
const FORM_SCRIPT: &str = include_str!("../../static/form.js");

/// Where the form's script is served.
pub const FORM_SCRIPT_PATH: &str = "/static/form.js";

/// The version of the form's script: a hash of its text (FNV-1a), worked out when Liaison is
/// built, so a page names the script it was written for and a browser may keep it for good.
const FORM_SCRIPT_VERSION: u64 = {
    let bytes = FORM_SCRIPT.as_bytes();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    hash
};

impl Ui {
    /// The address of the form's script, with its version.
    pub fn form_script(&self) -> String {
        format!("{FORM_SCRIPT_PATH}?v={FORM_SCRIPT_VERSION:016x}")
    }
}

async fn form_script() -> Response {
    (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            // The address carries the script's version, so a copy never goes stale.
            (
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        FORM_SCRIPT,
    )
        .into_response()
}

/// A page Liaison does not have, in the visitor's language.
pub async fn not_found() -> PageError {
    PageError::NotFound
}

/// The pages for signed-in users.
fn signed_in_routes() -> Routes {
    Routes::new()
        .get("/", dashboard::show)
        .get("/search", search::show)
        .get("/organizations/{id}/timeline", kinds::organization_timeline)
        .get("/activities/{id}/briefing", briefing::show)
        .get("/activities/{id}/briefing.docx", briefing::docx)
        .get("/activities/{id}/news/{language}", news::edit)
        .post("/activities/{id}/news/{language}", news::save)
        .get("/activities/{id}/news/{language}/release.docx", news::docx)
        .get("/calendars", calendars::list)
        .post("/calendars", calendars::create)
        .post("/calendars/{id}/revoke", calendars::revoke)
        .merge(account::routes())
        .merge(records::routes())
        .merge(kinds::workdays::routes())
        .merge(admin::routes())
        .merge(imports::routes())
        .merge(review::routes())
        .merge(trips::routes())
        .merge(passports::routes())
        .merge(approvals::routes())
        .merge(notices::routes())
        .post("/logout", session::logout)
        .post("/language", session::language)
}

/// The pages open to everyone: signing in, published news, the trips' notices and reports while
/// the trip policy publishes them, and calendar feeds opened by their secret address.
fn public_routes() -> Routes {
    Routes::new()
        .get("/login", session::login_form)
        .post("/login", session::login)
        .get("/news", news::public_list)
        .get("/news/{id}", news::public_show)
        .get("/news/{id}/photos/{file}", news::public_photo)
        .merge(trip_publication::public_routes())
        .get("/feeds/{file}", calendars::feed)
        .get("/static/style.css", stylesheet)
        .get(FORM_SCRIPT_PATH, form_script)
}

/// The method and path of every page route.
pub fn routes() -> Vec<(Method, String)> {
    let mut served = signed_in_routes().served().to_vec();
    served.extend_from_slice(public_routes().served());
    served
}

/// Every page route. Every request that changes something passes [`csrf::require_token`]
/// first, after the signed-in pages have found their user.
pub fn router(state: AppState) -> Router<AppState> {
    let signed_in = signed_in_routes()
        .into_router()
        .route_layer(middleware::from_fn_with_state(
            csrf::Expected::Session,
            csrf::require_token,
        ))
        .route_layer(middleware::from_fn_with_state(state, require_page_user));
    let public = public_routes()
        .into_router()
        .route_layer(middleware::from_fn_with_state(
            csrf::Expected::SignInForm,
            csrf::require_token,
        ));
    signed_in.merge(public)
}
