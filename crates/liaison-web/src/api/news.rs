//! An activity's news releases through the API: read and save one language's release, with the
//! photos chosen for it among the activity's files.

use axum::Json;
use axum::extract::State;
use liaison_core::accounts::authorize_role;
use liaison_core::{ACTIVITY, Action, NewsLanguage, NewsRelease, NewsReleaseInput};
use utoipa::OpenApi;

use crate::auth::Auth;
use crate::error::ErrorBody;
use crate::extract::{ApiBody, ApiPath};
use crate::routes::Routes;
use crate::{ApiError, AppState};

/// The saved release of an activity in one language (`zh` or `en`), with its photos in order;
/// 404 until the office has saved one.
#[utoipa::path(get, path = "/api/v1/activities/{id}/news/{language}", tag = "activities",
    params(("id" = i64, Path), ("language" = NewsLanguage, Path)),
    responses((status = 200, body = NewsRelease), (status = 404, body = ErrorBody)))]
pub async fn get_release(
    State(state): State<AppState>,
    _: Auth,
    ApiPath((id, language)): ApiPath<(i64, NewsLanguage)>,
) -> Result<Json<NewsRelease>, ApiError> {
    let release = state
        .store
        .news_release(id, language)
        .await?
        .ok_or_else(|| liaison_core::Error::not_found("news release", id))?;
    Ok(Json(release))
}

/// Saves the release of an activity in one language: its title, text, whether it is published,
/// and `photos`, the activity's photos it shows, in order, each with the caption printed under
/// it (the file's own when empty). The first save names no `version`; later ones name the
/// version they edited, or nothing is saved and 409 returns the current release. A file that is
/// not a photo of the activity is a 422 naming its place in `photos`.
#[utoipa::path(put, path = "/api/v1/activities/{id}/news/{language}", tag = "activities",
    params(("id" = i64, Path), ("language" = NewsLanguage, Path)),
    request_body = NewsReleaseInput,
    responses((status = 200, body = NewsRelease), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save_release(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiPath((id, language)): ApiPath<(i64, NewsLanguage)>,
    body: ApiBody,
) -> Result<Json<NewsRelease>, ApiError> {
    authorize_role(&auth.actor(), Action::Change, ACTIVITY)?;
    let input: NewsReleaseInput = body.json()?;
    Ok(Json(
        state
            .store
            .save_news_release(&auth.actor(), id, language, input)
            .await?,
    ))
}

#[derive(OpenApi)]
#[openapi(paths(get_release, save_release))]
pub struct NewsDoc;

/// Adds the news releases' paths and schemas to the whole API's document.
impl utoipa::Modify for NewsDoc {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi.merge(NewsDoc::openapi());
    }
}

/// The routes of the news releases.
pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/activities/{id}/news/{language}", get_release)
        .put("/api/v1/activities/{id}/news/{language}", save_release)
}
