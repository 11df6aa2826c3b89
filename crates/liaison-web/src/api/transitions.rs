//! Changes of an agreement's state through its lifecycle, and the history of those changes.

use axum::Json;
use axum::extract::State;
use liaison_core::{Agreement, RecordEvent, TransitionRequest};

use crate::auth::Auth;
use crate::error::ErrorBody;
use crate::extract::{ApiJson, ApiPath};
use crate::routes::Routes;
use crate::{ApiError, AppState};

/// Makes a transition of the agreement's lifecycle: `submit`, `send_back`, `sign`,
/// `enter_into_force`, `expire` or `terminate`. The body names the `version` the agreement was
/// read at; when someone else changed it since, nothing is done and 409 returns the current
/// agreement. 403 when the user may not make this transition; 422 when the agreement is not in
/// a state it may be made from (the message names its state and the transitions allowed).
#[utoipa::path(post, path = "/api/v1/agreements/{id}/transitions", tag = "agreements",
    params(("id" = i64, Path)), request_body = TransitionRequest,
    responses((status = 200, body = Agreement), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn transition_agreement(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<TransitionRequest>,
) -> Result<Json<Agreement>, ApiError> {
    Ok(Json(
        state
            .store
            .transition_agreement(&auth.actor(), id, &request)
            .await?,
    ))
}

/// The history of the agreement's states, oldest first: who changed it, when, from what to
/// what, with their note. The first event is the state it was recorded in.
#[utoipa::path(get, path = "/api/v1/agreements/{id}/history", tag = "agreements",
    params(("id" = i64, Path)),
    responses((status = 200, body = Vec<RecordEvent>), (status = 404, body = ErrorBody)))]
pub async fn agreement_history(
    State(state): State<AppState>,
    _: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<RecordEvent>>, ApiError> {
    Ok(Json(state.store.agreement_history(id).await?))
}

pub(super) fn routes() -> Routes {
    Routes::new()
        .post("/api/v1/agreements/{id}/transitions", transition_agreement)
        .get("/api/v1/agreements/{id}/history", agreement_history)
}
