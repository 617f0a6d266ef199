//! The HTTP API of sync protocol v1 (DESIGN.md §5) and the router that also mounts the
//! coordinator pages. [`router`] builds everything from an [`AppState`], so tests drive it with
//! `oneshot` and `main` serves the same value.

pub mod batch;
pub mod enroll;
mod error;
pub mod extract;
pub mod guard;
pub mod study;
pub mod submissions;

pub use error::ApiError;

use crate::catalog::Catalog;
use crate::pages::LoginThrottle;
use crate::storage::Storage;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use mimik_domain::protocol::Limits;
use std::sync::Arc;
use std::time::Duration;
use tower_http::timeout::TimeoutLayer;

/// Settings that are not storage.
#[derive(Debug, Clone)]
pub struct Config {
    /// A request (including reading its body) that takes longer is answered 408.
    pub request_timeout: Duration,
    /// Mark session cookies `Secure` (when served behind HTTPS).
    pub secure_cookies: bool,
    /// The origin browsers reach the pages at (`https://host[:port]`), when a proxy in front
    /// makes it differ from the `Host` the server sees; state-changing page requests must come
    /// from it ([`guard::same_origin_only`]).
    pub public_origin: Option<String>,
    /// The largest request body and batch this server takes, advertised to tablets.
    pub limits: Limits,
    /// Failed coordinator logins for one name that lock it ...
    pub login_attempts: u32,
    /// ... within this long of the first failure, and for the rest of it.
    pub login_lockout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            request_timeout: Duration::from_secs(60),
            secure_cookies: false,
            public_origin: None,
            limits: Limits::default(),
            login_attempts: 5,
            login_lockout: Duration::from_secs(15 * 60),
        }
    }
}

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database, whichever backend `main` chose.
    pub storage: Arc<dyn Storage>,
    /// Study file and content packs.
    pub catalog: Arc<Catalog>,
    /// Settings.
    pub config: Arc<Config>,
    /// Failed coordinator logins per name.
    pub login_throttle: Arc<LoginThrottle>,
}

impl AppState {
    /// State over `storage` with the shipped catalog.
    pub fn new(storage: Arc<dyn Storage>, config: Config) -> crate::Result<Self> {
        Ok(AppState {
            storage,
            catalog: Arc::new(Catalog::shipped()?),
            login_throttle: Arc::new(LoginThrottle::new(
                config.login_attempts,
                config.login_lockout,
            )),
            config: Arc::new(config),
        })
    }
}

/// The whole server: API, coordinator pages, limits, the JSON error shape and the guards of
/// [`guard`].
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
