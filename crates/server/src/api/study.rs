//! `GET /v1/study`: the study's newest signed bundle, the roster, and (for tablets older than
//! bundles) the bundle's study file and content packs, with a strong ETag.
//!
//! The ETag is the SHA-256 of the canonical JSON of `{bundle_sha256, roster}`: it changes exactly
//! when what a tablet would store changes, never with `generated_at`. A request whose
//! `If-None-Match` names it gets `304 Not Modified` with no body.

use super::extract::AuthedDevice;
use crate::problem::ApiError;
use crate::secrets::sha256_hex;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mimik_domain::protocol::{RosterEntry, StudyResponse};

/// Serve the study.
pub async fn study(
    State(state): State<AppState>,
    AuthedDevice(device): AuthedDevice,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let participants = state.storage.submissions_of_kind("participant").await?;
    // Only the device's own site's participants (issue 12).
    let roster = crate::roster::of_site(&participants, &device.study, &device.site)?;
    let statuses = crate::participants::current(state.storage.as_ref()).await?;
    let roster = crate::participants::with_statuses(roster, &device.study, &device.site, &statuses);
    let current = state
        .bundles
        .current(state.storage.as_ref(), &device.study)
        .await?;
    let tag = etag(&current.row.sha256, &roster)?;
    state
        .storage
        .touch_device(&device.id, &crate::now())
        .await?;
    // What the tablet says it has in force, for the devices page; a value that is not a
    // version is ignored (older tablets send none).
    if let Some(version) = headers
        .get(mimik_domain::protocol::BUNDLE_VERSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|v| *v >= 1)
    {
        state
            .storage
            .record_bundle_version(&device.id, version)
            .await?;
    }
    let tag_header =
        HeaderValue::from_str(&tag).map_err(|e| crate::Error::Corrupt(e.to_string()))?;
    let cache = HeaderValue::from_static("no-cache");
    if if_none_match(&headers, &tag) {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, tag_header), (header::CACHE_CONTROL, cache)],
        )
            .into_response());
    }
    let body = StudyResponse {
        study_toml: current.checked.bundle.study_toml.clone(),
        roster,
        content_packs: current.checked.bundle.packs.clone(),
        bundle: Some(current.signed()),
        generated_at: chrono::Utc::now(),
        limits: Some(state.config.limits),
    };
    Ok((
        [(header::ETAG, tag_header), (header::CACHE_CONTROL, cache)],
        Json(body),
    )
        .into_response())
}

/// The quoted strong ETag of what a tablet stores.
pub fn etag(bundle_sha256: &str, roster: &[RosterEntry]) -> crate::Result<String> {
    let content = serde_json::json!({
        "bundle_sha256": bundle_sha256,
        "roster": roster,
    });
    let bytes = mimik_domain::canonical::to_vec(&content)
        .map_err(|e| crate::Error::Corrupt(e.to_string()))?;
    Ok(format!("\"{}\"", sha256_hex(&bytes)))
}

/// Whether `If-None-Match` lists `tag` (or `*`). Weak comparison, as RFC 9110 says for this
/// header: `W/"x"` matches `"x"`.
fn if_none_match(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == tag)
}
