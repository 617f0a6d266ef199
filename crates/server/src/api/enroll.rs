//! `POST /v1/enroll`: a one-time code and a fresh Ed25519 public key become a device id and a
//! bearer token. The server keeps the token's SHA-256 only; the code is used up atomically.

use super::extract::JsonBody;
use crate::problem::ApiError;
use crate::secrets::{new_token, normalise_code, sha256_hex};
use crate::state::AppState;
use crate::storage::NewDevice;
use axum::Json;
use axum::extract::State;
use mimik_domain::problem::ProblemCode;
use mimik_domain::protocol::{EnrollRequest, EnrollResponse};

/// Enroll a device.
pub async fn enroll(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<EnrollRequest>,
) -> Result<Json<EnrollResponse>, ApiError> {
    if !is_public_key(&request.public_key) {
        return Err(ApiError::new(
            ProblemCode::InvalidPublicKey,
            "public_key must be a 32-byte Ed25519 public key in lower-case hex",
        ));
    }
    let device = NewDevice {
        id: format!("dev-{}", uuid::Uuid::now_v7()),
        public_key: request.public_key,
        token_sha256: String::new(),
        enrolled_at: crate::now(),
    };
    let token = new_token()?;
    let device = NewDevice {
        token_sha256: sha256_hex(token.as_bytes()),
        ..device
    };
    let code_sha256 = sha256_hex(normalise_code(&request.code).as_bytes());
    let (study, site) = state
        .storage
        .enroll(&code_sha256, &device.enrolled_at, &device)
        .await?
        .ok_or_else(|| {
            ApiError::new(
            ProblemCode::InvalidEnrollmentCode,
                "the enrollment code is unknown, already used or expired: ask the coordinator for a new one",
            )
        })?;
    tracing::info!(device_id = %device.id, study = %study, site = %site, "device enrolled");
    Ok(Json(EnrollResponse {
        device_id: device.id,
        token,
        site,
        limits: Some(state.config.limits),
        bundle_public_key: Some(state.bundles.public_key_hex()),
    }))
}

/// Make a one-time enrollment code for `site` of `study` (or of the only study), valid for
/// `ttl_hours`, and store its hash. Returns the code, which is shown once and never stored.
/// A site that does not exist gets no code.
pub async fn issue_code(
    storage: &dyn crate::Storage,
    study: Option<&str>,
    site: &str,
    ttl_hours: u32,
    actor: &crate::storage::Actor,
) -> Result<String, crate::sites::SiteError> {
    let site = crate::sites::find(storage, study, site).await?;
    let code = crate::secrets::new_enrollment_code()?;
    let now = chrono::Utc::now();
    let new = crate::storage::NewCode {
        code_sha256: sha256_hex(normalise_code(&code).as_bytes()),
        study: site.study,
        site: site.site,
        created_at: crate::timestamp(now),
        expires_at: crate::timestamp(now + chrono::Duration::hours(i64::from(ttl_hours))),
    };
    // The code itself is never stored, audited or logged.
    let audit = crate::storage::NewAudit::new(actor, "enrollment_code_issued", Some(&new.site))
        .after(
            serde_json::json!({"study": new.study, "site": new.site, "expires_at": new.expires_at}),
        );
    storage.add_enrollment_code(&new, &audit).await?;
    Ok(code)
}

fn is_public_key(hex: &str) -> bool {
    data_encoding::HEXLOWER
        .decode(hex.as_bytes())
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .is_some_and(|bytes| ed25519_dalek::VerifyingKey::from_bytes(&bytes).is_ok())
}
