//! What operators' tools ask a running process: whether it can serve (`/healthz`).

use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// A load balancer marks a process down when it does not answer in time; answering "down"
/// first says why.
const HEALTH_LIMIT: Duration = Duration::from_secs(5);

/// `GET /healthz`: 200 when the database answers on a reading and a writing connection, 503
/// when it does not. Open to everyone, as it tells nothing but that.
pub(crate) async fn health(State(state): State<AppState>) -> Response {
    let plain = [(header::CONTENT_TYPE, "text/plain; charset=utf-8")];
    match tokio::time::timeout(HEALTH_LIMIT, state.store.health()).await {
        Ok(Ok(())) => (StatusCode::OK, plain, "ok\n").into_response(),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "health check: the database does not answer");
            let body = "the database does not answer\n";
            (StatusCode::SERVICE_UNAVAILABLE, plain, body).into_response()
        }
        Err(_) => {
            tracing::warn!("health check: the database did not answer in time");
            let body = "the database did not answer in time\n";
            (StatusCode::SERVICE_UNAVAILABLE, plain, body).into_response()
        }
    }
}
