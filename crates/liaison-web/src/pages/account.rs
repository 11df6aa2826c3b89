//! A user's own account: choosing a new password, and the API tokens their scripts use, each
//! with its expiry and last use, made and revoked here.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::Utc;
use liaison_core::accounts::{ApiToken, DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, check_password};
use liaison_core::secrets::{hash_password, new_token, token_hash, verify_password};

use super::forms::Values;
use super::{PASSWORD_PAGE, PageError, PageResult, RecordId, Ui, render};
use crate::AppState;
use crate::routes::Routes;

/// The lifetimes offered when a token is made, in days; the default among them.
const TOKEN_DAY_CHOICES: [i64; 5] = [7, 30, DEFAULT_TOKEN_DAYS, 180, MAX_TOKEN_DAYS];

struct TokenRow {
    token: ApiToken,
    created: String,
    expires: String,
    last_used: String,
    /// `active`, `expired` or `revoked`.
    state: &'static str,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountTemplate<'a> {
    ui: &'a Ui,
    tokens: &'a [TokenRow],
    /// Each lifetime offered, in days, with its label.
    day_choices: &'a [(i64, String)],
    default_days: i64,
    /// A token just made: shown this once, never again.
    new_token: Option<String>,
    name: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordTemplate<'a> {
    ui: &'a Ui,
    /// The password was a one-time password: no current password is asked for.
    forced: bool,
    error: Option<String>,
}

async fn account_page(
    state: &AppState,
    ui: &Ui,
    new_token: Option<String>,
    name: String,
    error: Option<String>,
) -> PageResult {
    let actor = ui.actor()?;
    let tokens = state
        .store
        .api_tokens(&actor, Some(&actor.username))
        .await?;
    let t = &ui.t;
    let now = Utc::now();
    let rows: Vec<TokenRow> = tokens
        .into_iter()
        .map(|token| TokenRow {
            created: t.date(token.created_at.date_naive()),
            expires: t.date(token.expires_at.date_naive()),
            last_used: token
                .last_used_at
                .map_or_else(|| t.get("token-never"), |d| t.date(d.date_naive())),
            state: token.state_at(now),
            token,
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut response = render(&AccountTemplate {
        ui,
        tokens: &rows,
        day_choices: &TOKEN_DAY_CHOICES
            .iter()
            .map(|days| {
                (
                    *days,
                    t.args("token-days-option", &[("days", days.to_string())]),
                )
            })
            .collect::<Vec<_>>(),
        default_days: DEFAULT_TOKEN_DAYS,
        new_token,
        name,
        error,
    });
    *response.status_mut() = status;
    Ok(response)
}

/// The user's tokens and the form to make one.
async fn show(State(state): State<AppState>, ui: Ui) -> PageResult {
    account_page(&state, &ui, None, String::new(), None).await
}

/// Makes a token for the signed-in user, acting with their permissions, and shows it once.
async fn create_token(
    State(state): State<AppState>,
    ui: Ui,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let form = Values::from_pairs(pairs);
    let actor = ui.actor()?;
    let name = form.get("name").trim().to_owned();
    // A number that does not read is refused as out of range, like any other.
    let days = form
        .text("days")
        .map(|days| days.parse::<i64>().unwrap_or(0));
    let token = new_token();
    let made = state
        .store
        .create_api_token_lasting(&actor, &actor.username, &name, &token_hash(&token), days)
        .await;
    match made {
        Ok(_) => account_page(&state, &ui, Some(token), String::new(), None).await,
        Err(liaison_store::Error::Domain(liaison_core::Error::Invalid(errors))) => {
            let message = errors
                .0
                .first()
                .map(|e| ui.t.value("token-problem", &e.field))
                .unwrap_or_default();
            account_page(&state, &ui, None, name, Some(message)).await
        }
        Err(other) => Err(other.into()),
    }
}

/// Revokes one of the user's tokens: it opens nothing from now on.
async fn revoke_token(State(state): State<AppState>, ui: Ui, RecordId(id): RecordId) -> PageResult {
    let actor = ui.actor()?;
    state.store.revoke_api_token(&actor, id).await?;
    Ok(Redirect::to("/account").into_response())
}

fn password_page(ui: &Ui, error: Option<String>) -> PageResult {
    let forced = ui.user.as_ref().is_some_and(|u| u.must_change_password);
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut response = render(&PasswordTemplate { ui, forced, error });
    *response.status_mut() = status;
    Ok(response)
}

async fn password_form(ui: Ui) -> PageResult {
    password_page(&ui, None)
}

/// Runs argon2 off the threads that serve requests.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PageError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| PageError::Internal(e.to_string()))
}

/// Sets the user's new password. The current one is asked for, except after a one-time
/// password, which was spent in signing in.
async fn change_password(
    State(state): State<AppState>,
    ui: Ui,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let form = Values::from_pairs(pairs);
    let actor = ui.actor()?;
    let (Some(user), Some(session)) = (
        ui.user.as_ref(),
        ui.auth.as_ref().and_then(|a| a.session_hash.clone()),
    ) else {
        return Err(PageError::SignIn);
    };
    if !user.must_change_password {
        let current = form.get("current").to_owned();
        let stored = state
            .store
            .user_for_login(&user.username)
            .await?
            .map(|(_, hash)| hash)
            .unwrap_or_default();
        if !blocking(move || verify_password(&current, &stored)).await? {
            return password_page(&ui, Some(ui.t.get("password-current-wrong")));
        }
    }
    let new = form.get("new").to_owned();
    if new != form.get("repeat") {
        return password_page(&ui, Some(ui.t.get("password-mismatch")));
    }
    if let Err(liaison_core::Error::Invalid(errors)) = check_password(&user.username, &new) {
        let message = errors
            .0
            .first()
            .map(|e| ui.t.value("password-problem", &e.code))
            .unwrap_or_default();
        return password_page(&ui, Some(message));
    }
    let hash = blocking(move || hash_password(&new))
        .await?
        .map_err(PageError::Internal)?;
    state
        .store
        .change_own_password(&actor, &session, &hash)
        .await?;
    Ok(Redirect::to("/account").into_response())
}

pub fn routes() -> Routes {
    Routes::new()
        .get("/account", show)
        .post("/account/tokens", create_token)
        .post("/account/tokens/{id}/revoke", revoke_token)
        .get(PASSWORD_PAGE, password_form)
        .post(PASSWORD_PAGE, change_password)
}
