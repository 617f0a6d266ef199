//! The whole server as one axum [`Router`]: the sync API ([`crate::api`]), the coordinator pages
//! ([`crate::pages`]), limits, the JSON error shape and the guards of [`crate::guard`]. [`router`]
//! builds everything from an [`AppState`], so tests drive it with `oneshot` and `main` serves the
//! same value.

use crate::api::{enroll, study, submissions};
use crate::guard;
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::timeout::TimeoutLayer;

/// The whole server: API, coordinator pages, limits, the JSON error shape and the guards of
/// [`crate::guard`].
pub fn router(state: AppState) -> Router {
    let timeout = state.config.request_timeout;
    Router::new()
        .route("/health", get(health))
        .route("/v1/enroll", post(enroll::enroll))
        .route("/v1/submissions", post(submissions::submit))
        .route("/v1/study", get(study::study))
        .merge(crate::pages::routes())
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::same_origin_only,
        ))
        .layer(DefaultBodyLimit::max(state.config.limits.max_request_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(middleware::map_response_with_state(
            state.clone(),
            json_error_bodies,
        ))
        .layer(middleware::from_fn(guard::security_headers))
        .with_state(state)
}

/// `GET /health`: 200 when the database answers, 503 otherwise.
async fn health(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    state.storage.health().await?;
    Ok("ok")
}

async fn not_found() -> ApiError {
    ApiError::for_status(StatusCode::NOT_FOUND)
}

/// Layers (timeout, method router) answer errors with an empty body; give those the one JSON
/// error shape so a client never has to guess.
async fn json_error_bodies(State(state): State<AppState>, response: Response) -> Response {
    let status = response.status();
    let is_error = status.is_client_error() || status.is_server_error();
    if is_error && !response.headers().contains_key(header::CONTENT_TYPE) {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            return ApiError::body_too_large(state.config.limits).into_response();
        }
        return ApiError::for_status(status).into_response();
    }
    response
}
