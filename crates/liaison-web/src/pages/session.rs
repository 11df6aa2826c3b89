//! Signing in and out, and choosing the language.

use askama::Template;
use axum::extract::{Form, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use liaison_core::secrets::{dummy_hash, new_token, token_hash, verify_password};
use liaison_store::LoginAttempt;
use serde::Deserialize;

use super::{LANG_COOKIE, PASSWORD_PAGE, PageError, PageResult, Ui, render};
use crate::AppState;
use crate::auth::{ClientAddress, SESSION_COOKIE};
use crate::i18n::Lang;

/// The cookie holding the sign-in form's CSRF token, before there is a session to hold it.
pub(super) const LOGIN_CSRF_COOKIE: &str = "liaison_login_csrf";
/// Failed sign-ins from one address for one account within the window, before that address's
/// further tries for that account are refused until the window has passed. Only the pair is
/// refused: the same account from another address, and other accounts from this one, still
/// sign in.
const MAX_FAILURES_PER_PAIR: i64 = 5;
const FAILURE_WINDOW_MINUTES: i64 = 15;
/// Failures for one account from every address, and from one address for every account, within
/// the window, after which each further attempt waits a second more before its password is
/// checked, up to [`MAX_DELAY_SECONDS`]: guessing slows down, and the right password still gets
/// in.
const SLOW_AFTER_ACCOUNT_FAILURES: i64 = 5;
const SLOW_AFTER_ADDRESS_FAILURES: i64 = 20;
const MAX_DELAY_SECONDS: i64 = 10;

/// How long an attempt waits, after `for_account` failures for its account and `from_address`
/// from its address within the window.
fn slowdown(for_account: i64, from_address: i64) -> std::time::Duration {
    let beyond = (for_account - SLOW_AFTER_ACCOUNT_FAILURES + 1)
        .max(from_address - SLOW_AFTER_ADDRESS_FAILURES + 1)
        .clamp(0, MAX_DELAY_SECONDS);
    std::time::Duration::from_secs(beyond.unsigned_abs())
}

/// Password checks running at once; each takes a processor for a noticeable moment.
static PASSWORD_CHECKS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

#[derive(Template)]
#[template(path = "login.html")]
struct LoginTemplate<'a> {
    ui: &'a Ui,
    next: &'a str,
    username: &'a str,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// Only a path of this site is a place to go back to, never another site. Browsers drop tabs
/// and line breaks from a URL (`/\t/evil.example` becomes `//evil.example`), so a path of
/// anything but printable ASCII is refused too.
fn local_path(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && path
                    .bytes()
                    .all(|b| (0x21..0x7f).contains(&b) && b != b'\\') =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

fn cookie_header(
    state: &AppState,
    name: &str,
    value: &str,
    path: &str,
    max_age: Option<i64>,
) -> String {
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let age = max_age
        .map(|s| format!("; Max-Age={s}"))
        .unwrap_or_default();
    format!("{name}={value}; Path={path}; HttpOnly; SameSite=Lax{secure}{age}")
}

fn login_page(
    state: &AppState,
    ui: &Ui,
    next: &str,
    username: &str,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let token = new_token();
    let ui = Ui {
        csrf: token.clone(),
        ..ui.clone()
    };
    let mut response = render(&LoginTemplate {
        ui: &ui,
        next,
        username,
        error,
    });
    *response.status_mut() = status;
    if let Ok(value) = cookie_header(state, LOGIN_CSRF_COOKIE, &token, "/login", None).parse() {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

/// The sign-in form again, as it was filled, when it came without the token of its cookie: it
/// was opened too long ago, or on another site.
pub(super) fn expired_login_page(
    state: &AppState,
    ui: &Ui,
    next: &str,
    username: &str,
) -> Response {
    login_page(
        state,
        ui,
        &local_path(Some(next)),
        username,
        Some(ui.t.get("login-expired")),
        StatusCode::FORBIDDEN,
    )
}

pub async fn login_form(
    State(state): State<AppState>,
    ui: Ui,
    axum::extract::Query(query): axum::extract::Query<LoginQuery>,
) -> Response {
    let next = local_path(query.next.as_deref());
    if ui.user.is_some() {
        return Redirect::to(&next).into_response();
    }
    let mut response = login_page(&state, &ui, &next, "", None, StatusCode::OK);
    // A language chosen with ?lang= on this page is remembered for the pages that follow.
    if ui.t.lang != Lang::default() || ui.path.contains("lang=") {
        let value = cookie_header(&state, LANG_COOKIE, ui.t.lang.code(), "/", Some(31_536_000));
        if let Ok(value) = value.parse() {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

/// The sign-in form; its token was checked by the layer in front of it.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn login(
    State(state): State<AppState>,
    ui: Ui,
    ClientAddress(address): ClientAddress,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = local_path(Some(&form.next));
    let address = address.unwrap_or_else(|| "unknown".to_owned());
    // U+0000 is in no name or password a person types, and PostgreSQL cannot look it up.
    if liaison_core::limits::has_nul(&form.username)
        || liaison_core::limits::has_nul(&form.password)
    {
        return login_page(
            &state,
            &ui,
            &next,
            &form.username.replace('\0', ""),
            Some(ui.t.get("login-nul-character")),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let result = sign_in(&state, &ui, &form, &address).await;
    match result {
        Ok(Some((session_cookie, must_change_password))) => {
            let next = if must_change_password {
                PASSWORD_PAGE
            } else {
                &next
            };
            let mut response = Redirect::to(next).into_response();
            if let Ok(value) = session_cookie.parse() {
                response.headers_mut().append(SET_COOKIE, value);
            }
            response
        }
        Ok(None) => login_page(
            &state,
            &ui,
            &next,
            &form.username,
            Some(ui.t.get("login-failed")),
            StatusCode::UNAUTHORIZED,
        ),
        Err(SignInRefused::TooMany) => login_page(
            &state,
            &ui,
            &next,
            &form.username,
            Some(ui.t.args(
                "login-too-many",
                &[("minutes", FAILURE_WINDOW_MINUTES.to_string())],
            )),
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(SignInRefused::Failed(err)) => err.into_response(),
    }
}

enum SignInRefused {
    TooMany,
    Failed(PageError),
}

impl From<liaison_store::Error> for SignInRefused {
    fn from(err: liaison_store::Error) -> Self {
        SignInRefused::Failed(err.into())
    }
}

/// Checks the password; on success opens a session and returns its cookie, and whether the
/// password must be changed before anything else.
async fn sign_in(
    state: &AppState,
    ui: &Ui,
    form: &LoginForm,
    address: &str,
) -> Result<Option<(String, bool)>, SignInRefused> {
    let since = Utc::now() - Duration::minutes(FAILURE_WINDOW_MINUTES);
    // The attempt is counted and recorded in one step, as failed from the start, so that
    // guesses sent all at once are counted before any of them is checked; it is marked as a
    // success only once the password matched.
    let attempt = state
        .store
        .begin_login_attempt(&form.username, address, since, MAX_FAILURES_PER_PAIR)
        .await?;
    let LoginAttempt::Admitted {
        id: attempt,
        for_account,
        from_address,
    } = attempt
    else {
        return Err(SignInRefused::TooMany);
    };
    tokio::time::sleep(slowdown(for_account, from_address)).await;
    let found = state.store.user_for_login(&form.username).await?;
    let hash = found
        .as_ref()
        .map_or_else(|| dummy_hash().to_owned(), |(_, hash)| hash.clone());
    let password = form.password.clone();
    // Argon2 is slow on purpose; it runs off the threads that serve requests, a few at a time,
    // so that a flood of sign-ins cannot take every processor.
    let matches = match PASSWORD_CHECKS.acquire().await {
        Ok(_permit) => tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .unwrap_or(false),
        Err(_) => false,
    };
    // A one-time password opens one session only, even for two sign-ins at the same moment.
    let user = match found {
        Some((user, hash)) if matches => {
            if user.must_change_password
                && !state.store.spend_one_time_password(user.id, &hash).await?
            {
                state.store.login_failed(&form.username, address).await?;
                return Ok(None);
            }
            user
        }
        _ => {
            state.store.login_failed(&form.username, address).await?;
            return Ok(None);
        }
    };
    state.store.mark_login_succeeded(attempt).await?;
    let token = new_token();
    let actor = user.actor(Some(address.to_owned()));
    state
        .store
        .create_session(&actor, &token_hash(&token), &new_token())
        .await?;
    if user.language.is_none() {
        state
            .store
            .set_user_language(user.id, ui.t.lang.code())
            .await?;
    }
    Ok(Some((
        cookie_header(state, SESSION_COOKIE, &token, "/", None),
        user.must_change_password,
    )))
}

/// The language switch; its token was checked by the layer in front of it.
#[derive(Debug, Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    back: String,
}

pub async fn logout(State(state): State<AppState>, ui: Ui) -> PageResult {
    if let Some(auth) = &ui.auth
        && let Some(hash) = auth.session_hash.as_deref()
    {
        state.store.sign_out(&auth.actor(), hash).await?;
    }
    let mut headers = HeaderMap::new();
    if let Ok(value) = cookie_header(&state, SESSION_COOKIE, "", "/", Some(0)).parse() {
        headers.append(SET_COOKIE, value);
    }
    Ok((headers, Redirect::to("/login")).into_response())
}

pub async fn language(
    State(state): State<AppState>,
    ui: Ui,
    Form(form): Form<LanguageForm>,
) -> PageResult {
    let lang = Lang::parse(&form.lang).unwrap_or(ui.t.lang);
    if let Some(user) = &ui.user {
        state.store.set_user_language(user.id, lang.code()).await?;
    }
    let mut headers = HeaderMap::new();
    if let Ok(value) =
        cookie_header(&state, LANG_COOKIE, lang.code(), "/", Some(31_536_000)).parse()
    {
        headers.append(SET_COOKIE, value);
    }
    Ok((headers, Redirect::to(&local_path(Some(&form.back)))).into_response())
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn repeated_failures_slow_attempts_down_a_second_at_a_time_up_to_a_limit() {
        use super::slowdown;
        let secs = |account, address| slowdown(account, address).as_secs();
        assert_eq!(secs(0, 0), 0);
        assert_eq!(secs(4, 19), 0);
        assert_eq!(secs(5, 0), 1);
        assert_eq!(secs(7, 0), 3);
        assert_eq!(secs(0, 22), 3);
        assert_eq!(secs(500, 500), 10);
    }

    #[test]
    fn only_paths_of_this_site_are_gone_back_to() {
        assert_eq!(
            local_path(Some("/activities?year=2023")),
            "/activities?year=2023"
        );
        for outside in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "https://evil.example",
            "/\\evil.example",
            "",
            "evil",
        ] {
            assert_eq!(local_path(Some(outside)), "/", "{outside:?}");
        }
        assert_eq!(local_path(None), "/");
    }
}
