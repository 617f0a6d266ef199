//! Request extractors that answer in the one error shape: a JSON body with size and syntax
//! errors mapped to stable codes, and the device behind a bearer token.

use super::batch::{self, RawBatch};
use crate::problem::ApiError;
use crate::secrets::sha256_hex;
use crate::state::AppState;
use crate::storage::Device;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use mimik_domain::problem::ProblemCode;
use serde::de::DeserializeOwned;

/// A JSON body: 413 `body_too_large` over the limit, 400 `malformed_json` with serde's message.
/// The content type is not checked: the bytes decide.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(req, state).await?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| ApiError::malformed_json(&e.to_string()))
    }
}

/// A `POST /v1/submissions` body, parsed by [`batch::parse`]: 413 `batch_too_large` with more
/// envelopes than the server takes, counted while parsing.
#[derive(Debug)]
pub struct BatchBody(pub RawBatch);

impl FromRequest<AppState> for BatchBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(req, state).await?;
        let limits = state.config.limits;
        let batch = batch::parse(&bytes, limits.max_batch_items)
            .map_err(|e| ApiError::malformed_json(&e.to_string()))?;
        if batch.items > limits.max_batch_items {
            return Err(ApiError::batch_too_large(limits, batch.items));
        }
        Ok(BatchBody(batch))
    }
}

/// The whole body, within the server's byte limit.
async fn body_bytes(req: Request, state: &AppState) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::body_too_large(state.config.limits)
        } else {
            ApiError::new(
                ProblemCode::UnreadableBody,
                "the request body could not be read: retry",
            )
        }
    })
}

/// The enrolled, not revoked device whose token is in `Authorization: Bearer …`.
#[derive(Debug, Clone)]
pub struct AuthedDevice(pub Device);

impl FromRequestParts<AppState> for AuthedDevice {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(ApiError::unauthorized)?;
        let device = state
            .storage
            .device_by_token(&sha256_hex(token.as_bytes()))
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        if device.revoked_at.is_some() {
            tracing::info!(device_id = %device.id, "revoked device refused");
            return Err(ApiError::device_revoked());
        }
        Ok(AuthedDevice(device))
    }
}
