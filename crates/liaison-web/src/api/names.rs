//! People, organizations and units found by a part of their name, for the form's pickers.

use axum::Json;
use axum::extract::State;
use liaison_core::accounts::{Action, authorize_role};
use liaison_core::{Error as DomainError, NameMatch, NameQuery};

use crate::auth::Auth;
use crate::error::ErrorBody;
use crate::extract::ApiQuery;
use crate::{ApiError, AppState};

/// The people, organizations and units with a name holding every word of `q`, in Chinese,
/// English or the original script (accents may be left out): the names typed whole first, then
/// the shortest, at most `limit`. Only kinds of record the caller may read are looked up; asking
/// for another is refused.
#[utoipa::path(get, path = "/api/v1/names", tag = "search", params(NameQuery),
    responses((status = 200, body = Vec<NameMatch>), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn find_names(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiQuery(query): ApiQuery<NameQuery>,
) -> Result<Json<Vec<NameMatch>>, ApiError> {
    let kinds = query
        .kinds()
        .map_err(|m| DomainError::invalid("kind", "invalid", m))?;
    let limit = query
        .limit()
        .map_err(|m| DomainError::invalid("limit", "out_of_range", m))?;
    for kind in &kinds {
        authorize_role(&auth.actor(), Action::Read, kind.record())?;
    }
    let typed = query.q.as_deref().unwrap_or_default();
    if typed.chars().count() > liaison_core::limits::MAX_LINE {
        return Err(DomainError::invalid("q", "too_long", "a name is shorter than this").into());
    }
    Ok(Json(state.store.find_names(&kinds, typed, limit).await?))
}
