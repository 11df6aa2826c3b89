//! Liaison's HTTP interface: the JSON API under `/api/v1` and its OpenAPI description.

pub mod api;
mod error;
mod extract;

pub use error::ApiError;

use axum::Router;
use liaison_store::Store;
use tower_http::trace::TraceLayer;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
}

/// The whole application: every route Liaison serves.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(api::router())
        .fallback(error::not_found)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
