//! Login, logout and the session extractor.

use super::page;
use crate::problem::ApiError;
use crate::roles::Staff;
use crate::secrets::{new_token, sha256_hex, verify_password};
use crate::state::AppState;
use crate::storage::{Actor, NewAudit};
use crate::throttle::MAX_NAME_BYTES;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

/// The largest `POST /login` body read (a name and a password fit many times over).
pub const LOGIN_BODY_BYTES: usize = 4 * 1024;
/// The longest password checked (in bytes); Argon2id of a longer one is not even started.
const MAX_PASSWORD_BYTES: usize = 1024;

const COOKIE: &str = "mimik_session";
const SESSION_HOURS: i64 = 8;

/// A logged-in user; pages without one redirect to `/login`. A disabled user's session ends.
impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(token) = session_cookie(&parts.headers) else {
            return Err(Redirect::to("/login").into_response());
        };
        let staff = state
            .storage
            .session_staff(&sha256_hex(token.as_bytes()), &crate::now())
            .await
            .map_err(|e| ApiError::from(e).into_response())?;
        staff.ok_or_else(|| Redirect::to("/login").into_response())
    }
}

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// `GET /login`.
pub async fn login_page() -> Response {
    login_form(None)
}

fn login_form(problem: Option<&str>) -> Response {
    page(
        "Log in",
        None,
        html! {
            @if let Some(problem) = problem { p role="alert" { (problem) } }
            form method="post" action="/login" {
                label { "Name " input name="name" autocomplete="username" required; }
                br;
                label { "Password " input name="password" type="password" autocomplete="current-password" required; }
                br;
                button type="submit" { "Log in" }
            }
        },
    )
}

/// The login form again, with `problem` and `status`.
fn refused(status: StatusCode, problem: &str) -> Response {
    let mut response = login_form(Some(problem));
    *response.status_mut() = status;
    response
}

/// The login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    name: String,
    password: String,
}

/// The client's address, where the listener recorded it (`ConnectInfo`); `None` otherwise.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>();
        Ok(ClientAddr(peer.map(|ConnectInfo(peer)| peer.ip())))
    }
}

/// `POST /login`: a session cookie and a redirect, or the form again with 401 (429 while the
/// name or the client address is locked after repeated failures; 400 or 413 for a form that is
/// not a name and a password of sensible length, refused before anything is counted or kept).
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Result<Response, ApiError> {
    let form = match form {
        Ok(Form(form))
            if form.name.len() <= MAX_NAME_BYTES && form.password.len() <= MAX_PASSWORD_BYTES =>
        {
            form
        }
        Ok(_) => {
            return Ok(refused(
                StatusCode::BAD_REQUEST,
                "The name or password is too long.",
            ));
        }
        Err(rejection) => {
            let status = match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::BAD_REQUEST,
            };
            return Ok(refused(status, "Enter a name and a password."));
        }
    };
    let throttle = &state.login_throttle;
    if let Err(wait) = throttle.attempt(&form.name, address, Instant::now()) {
        tracing::warn!("coordinator login refused: too many failures for the name or address");
        audit_login(&state, &form.name, "login_locked_out").await?;
        let minutes = wait.as_secs().div_ceil(60).max(1);
        let mut response = login_form(Some(&format!(
            "Too many failed logins. Try again in {minutes} minute{}.",
            if minutes == 1 { "" } else { "s" }
        )));
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(wait.as_secs().max(1)),
        );
        return Ok(response);
    }
    let credentials = state.storage.credentials(&form.name).await?;
    // Verify against a dummy when the user is unknown, so timing does not reveal names.
    let known = credentials.is_some();
    let disabled = credentials.as_ref().is_some_and(|c| c.disabled);
    let hash = match credentials {
        Some(credentials) => credentials.password_hash,
        None => dummy_hash()?,
    };
    let password = form.password;
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    if !(known && ok) {
        tracing::info!("coordinator login refused");
        audit_login(&state, &form.name, "login_failed").await?;
        let mut response = login_form(Some("Wrong name or password."));
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        return Ok(response);
    }
    if disabled {
        tracing::info!("coordinator login refused: the user is disabled");
        audit_login(&state, &form.name, "login_refused_disabled").await?;
        let mut response = login_form(Some("This account is disabled. Ask an administrator."));
        *response.status_mut() = StatusCode::FORBIDDEN;
        return Ok(response);
    }
    throttle.succeeded(&form.name);
    let token = new_token()?;
    let now = chrono::Utc::now();
    state
        .storage
        .create_session(
            &sha256_hex(token.as_bytes()),
            &form.name,
            &crate::timestamp(now),
            &crate::timestamp(now + chrono::Duration::hours(SESSION_HOURS)),
        )
        .await?;
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
        SESSION_HOURS * 3600
    );
    audit_login(&state, &form.name, "login").await?;
    let mut response = Redirect::to("/").into_response();
    let value = HeaderValue::from_str(&cookie).map_err(|e| crate::Error::Corrupt(e.to_string()))?;
    response.headers_mut().insert(header::SET_COOKIE, value);
    Ok(response)
}

/// `POST /logout`.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = session_cookie(&headers) {
        let token_sha256 = sha256_hex(token.as_bytes());
        let staff = state
            .storage
            .session_staff(&token_sha256, &crate::now())
            .await?;
        state.storage.delete_session(&token_sha256).await?;
        if let Some(staff) = staff {
            let audit = NewAudit::new(&staff.actor(), "logout", Some(&staff.name));
            state.storage.append_audit(&audit).await?;
        }
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("mimik_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    Ok(response)
}

/// Audit a login attempt for the name typed (which may be no user's: its role is `unknown`).
async fn audit_login(state: &AppState, name: &str, action: &str) -> Result<(), ApiError> {
    let role = match state
        .storage
        .users()
        .await?
        .into_iter()
        .find(|u| u.name == name)
    {
        Some(user) => user.role.name().to_owned(),
        None => "unknown".to_owned(),
    };
    let actor = Actor {
        name: name.to_owned(),
        role,
    };
    state
        .storage
        .append_audit(&NewAudit::new(&actor, action, Some(name)))
        .await?;
    Ok(())
}

/// An Argon2id hash of a random password nobody knows, made once.
fn dummy_hash() -> crate::Result<String> {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash.clone());
    }
    let hash = crate::secrets::hash_password(&new_token()?)?;
    Ok(DUMMY.get_or_init(|| hash).clone())
}
