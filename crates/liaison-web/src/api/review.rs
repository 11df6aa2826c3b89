//! The annual review as JSON: a year's figures beside the year before.

use axum::Json;
use axum::extract::State;
use chrono::Utc;
use liaison_core::AnnualReview;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Auth;
use crate::error::ErrorBody;
use crate::extract::ApiQuery;
use crate::{ApiError, AppState};

/// Which year the review covers.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewParams {
    /// The year to review, from 1900 to 2200; last year when absent.
    pub year: Option<i32>,
}

/// The annual review of a year beside the year before: activities by kind, going global and
/// bringing in, countries, region classes, units, partners, short and long term, key projects,
/// outcomes, participants and gifts. Activities count in the year they start.
#[utoipa::path(get, path = "/api/v1/review", tag = "review", params(ReviewParams),
    responses((status = 200, body = AnnualReview), (status = 422, body = ErrorBody)))]
pub async fn annual_review(
    State(state): State<AppState>,
    Auth(auth): Auth,
    ApiQuery(params): ApiQuery<ReviewParams>,
) -> Result<Json<AnnualReview>, ApiError> {
    let year = params
        .year
        .unwrap_or_else(|| liaison_core::review::default_year(Utc::now().date_naive()));
    let review = state.store.annual_review(&auth.actor(), year).await?;
    Ok(Json(AnnualReview::clone(&review)))
}
