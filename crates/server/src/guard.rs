//! Two layers every answer passes through (issue 13 items 6 and 9):
//!
//! - [`security_headers`]: a strict Content-Security-Policy (the pages have no script and take
//!   their one stylesheet from `/style.css`), `nosniff`, no referrer, and `Cache-Control:
//!   no-store` on everything, so pages and exports never sit in a shared or browser cache.
//! - [`same_origin_only`]: a state-changing request (anything but GET, HEAD and OPTIONS) to the
//!   coordinator pages must come from the server's own origin. `SameSite=Strict` alone let a page
//!   on another port of the same host revoke a device with the coordinator's cookie: the browser
//!   calls that "same site". The check is on the `Origin` header every current browser sends
//!   with a POST, and on `Sec-Fetch-Site` where a browser sends `Origin: null`. The device API
//!   (`/v1/…`) is exempt: it is authorised by a bearer token, which a browser never adds on its
//!   own.

use crate::problem::ApiError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use mimik_domain::problem::ProblemCode;

/// The pages' Content-Security-Policy.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; \
    frame-ancestors 'none'";

/// Add the security headers to every answer.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// Refuse a state-changing page request from another origin with 403 `cross_origin_request`.
pub async fn same_origin_only(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let device_api = request.uri().path().starts_with("/v1/");
    if !safe && !device_api && !from_own_origin(request.headers(), &state) {
        tracing::warn!(path = ?request.uri().path(), "cross-origin request refused");
        return Err(ApiError::new(
            ProblemCode::CrossOriginRequest,
            "this request did not come from the server's own pages: open the page again and retry",
        ));
    }
    Ok(next.run(request).await)
}

/// Whether the request's `Origin` (or, without one, its `Sec-Fetch-Site`) says it comes from
/// this server's own pages.
fn from_own_origin(headers: &HeaderMap, state: &AppState) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    match headers.get(header::ORIGIN).map(HeaderValue::to_str) {
        // A privacy-sensitive context (a sandboxed frame, a redirect chain): only the browser's
        // own word that it is the same origin will do.
        Some(Ok("null")) => fetch_site == Some("same-origin"),
        Some(Ok(origin)) => own_origins(headers, state).iter().any(|own| own == origin),
        Some(Err(_)) => false,
        // No Origin: not a current browser's form post (a script, curl, an old client), unless
        // the browser's fetch metadata says it came from elsewhere.
        None => matches!(fetch_site, None | Some("same-origin" | "none")),
    }
}

/// The origins this server answers as: its public URL when one is set, else the `Host` the
/// browser addressed, with the scheme it is served on.
fn own_origins(headers: &HeaderMap, state: &AppState) -> Vec<String> {
    if let Some(public) = &state.config.public_origin {
        return vec![public.clone()];
    }
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return Vec::new();
    };
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    vec![format!("{scheme}://{host}")]
}

/// The origin (`scheme://host[:port]`, lower-case, no path) of a public URL, or why it is not one.
pub fn origin_of(url: &str) -> Result<String, String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("{url:?} is not a URL: expected https://HOST[:PORT]"))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return Err(format!(
            "{url:?}: the public URL must be https:// (or http:// on loopback)"
        ));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') || authority.contains(char::is_whitespace) {
        return Err(format!("{url:?} has no valid host"));
    }
    Ok(format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_url_gives_its_origin_without_path_and_in_lower_case() {
        assert_eq!(
            origin_of("https://Study.Example.org/mimik/").unwrap(),
            "https://study.example.org"
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(origin_of("study.example.org").is_err());
        assert!(origin_of("ftp://study.example.org").is_err());
        assert!(origin_of("https://user@study.example.org").is_err());
    }
}
