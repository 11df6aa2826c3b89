//! The pages people use in the browser: server-rendered, auto-escaped askama templates, in
//! Chinese or English, usable without JavaScript.

mod admin;
mod briefing;
mod calendars;
mod dashboard;
mod export;
mod forms;
mod imports;
mod kinds;
mod news;
mod records;
mod review;
mod search;
mod session;
mod views;
mod world_map;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use liaison_core::{User, UserRole};

use crate::AppState;
use crate::auth::{self, Authenticated};
use crate::i18n::{Lang, Tr};

pub use views::*;

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
    /// The part of the navigation the page belongs to.
    pub section: &'static str,
    pub auth: Option<Authenticated>,
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
                liaison_core::RecordKind::Organization,
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

    /// The same page, in another part of the navigation.
    pub fn in_section(mut self, section: &'static str) -> Ui {
        self.section = section;
        self
    }

    /// The acting user, for the store.
    pub fn actor(&self) -> Result<liaison_core::Actor, PageError> {
        self.auth
            .as_ref()
            .map(Authenticated::actor)
            .ok_or(PageError::SignIn)
    }

    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, submitted: Option<&str>) -> Result<(), PageError> {
        let expected = self.auth.as_ref().and_then(|a| a.csrf_token.as_deref());
        match (expected, submitted) {
            (Some(expected), Some(given))
                if liaison_core::secrets::same_secret(expected, given) =>
            {
                Ok(())
            }
            _ => Err(PageError::Csrf),
        }
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
        Ok(Ui {
            t: Tr::new(lang),
            csrf: auth
                .as_ref()
                .and_then(|a| a.csrf_token.clone())
                .unwrap_or_default(),
            user,
            path,
            section: "",
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
            let ui = Ui {
                t: Tr::new(language(&parts, None)),
                csrf: String::new(),
                user: None,
                path: parts.uri.path().to_owned(),
                section: "",
                auth: None,
            };
            PageError::Store(liaison_store::Error::Busy).page(&ui)
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

/// Why a page could not be shown, turned into a page of its own in the user's language.
#[derive(Debug)]
pub enum PageError {
    SignIn,
    Csrf,
    NotFound,
    Forbidden(String),
    Store(liaison_store::Error),
    /// Something failed that the user cannot act on, such as writing a file; logged, not shown.
    Internal(String),
}

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

impl PageError {
    /// The error page, in the language of `ui`.
    pub fn page(self, ui: &Ui) -> Response {
        let t = &ui.t;
        let (status, title, text) = match self {
            PageError::SignIn => return Redirect::to("/login").into_response(),
            PageError::Csrf => (
                StatusCode::FORBIDDEN,
                t.get("error-csrf-title"),
                t.get("error-csrf"),
            ),
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                t.get("error-not-found-title"),
                t.get("error-not-found"),
            ),
            PageError::Forbidden(why) => (
                StatusCode::FORBIDDEN,
                t.get("error-forbidden-title"),
                t.args("error-forbidden", &[("reason", why)]),
            ),
            PageError::Internal(err) => {
                tracing::error!(error = %err, "a page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    t.get("error-internal-title"),
                    t.get("error-internal"),
                )
            }
            PageError::Store(liaison_store::Error::Busy) => {
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
            PageError::Store(err) => {
                tracing::error!(error = %err, "a page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    t.get("error-internal-title"),
                    t.get("error-internal"),
                )
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

/// A page that could not be shown, with the request's interface to show the error page in.
pub type Failed = Box<(Ui, PageError)>;

/// What a page handler returns: a page, or the error page in the user's language.
pub type PageResult = Result<Response, Failed>;

/// Turns a store error into the error page of `ui`.
pub trait OrPage<T> {
    fn or_page(self, ui: &Ui) -> Result<T, Failed>;
}

impl<T, E: Into<PageError>> OrPage<T> for Result<T, E> {
    fn or_page(self, ui: &Ui) -> Result<T, Failed> {
        self.map_err(|e| Box::new((ui.clone(), e.into())))
    }
}

/// Any handler's result as a response.
pub fn respond(result: PageResult) -> Response {
    result.unwrap_or_else(|failed| {
        let (ui, err) = *failed;
        err.page(&ui)
    })
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
pub async fn render_file<F>(ui: &Ui, write: F) -> Result<Vec<u8>, Failed>
where
    F: FnOnce() -> Result<Vec<u8>, liaison_reports::Error> + Send + 'static,
{
    match tokio::task::spawn_blocking(write).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(err)) => Err(PageError::Internal(err.to_string())),
        Err(err) => Err(PageError::Internal(err.to_string())),
    }
    .or_page(ui)
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

/// A page Liaison does not have, in the visitor's language.
pub async fn not_found(ui: Ui) -> Response {
    PageError::NotFound.page(&ui)
}

/// Every page route.
pub fn router(state: AppState) -> Router<AppState> {
    let signed_in = Router::new()
        .route("/", get(dashboard::show))
        .route("/search", get(search::show))
        .route(
            "/organizations/{id}/timeline",
            get(kinds::organization_timeline),
        )
        .route("/activities/{id}/briefing", get(briefing::show))
        .route("/activities/{id}/briefing.docx", get(briefing::docx))
        .route(
            "/activities/{id}/news/{language}",
            get(news::edit).post(news::save),
        )
        .route("/calendars", get(calendars::list).post(calendars::create))
        .route(
            "/calendars/{id}/revoke",
            axum::routing::post(calendars::revoke),
        )
        .merge(records::routes())
        .merge(kinds::workdays::routes())
        .merge(admin::routes())
        .merge(imports::routes())
        .merge(review::routes())
        .route("/logout", axum::routing::post(session::logout))
        .route("/language", axum::routing::post(session::language))
        .route_layer(middleware::from_fn_with_state(state, require_page_user));
    Router::new()
        .merge(signed_in)
        .route("/login", get(session::login_form).post(session::login))
        // Open to everyone: published news, and calendar feeds opened by their secret address.
        .route("/news", get(news::public_list))
        .route("/news/{id}", get(news::public_show))
        .route("/feeds/{file}", get(calendars::feed))
        .route("/static/style.css", get(stylesheet))
}
