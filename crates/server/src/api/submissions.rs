//! `POST /v1/submissions`: check every envelope, store the good ones in one transaction, and
//! answer one receipt per envelope in order, after the commit.
//!
//! An envelope that cannot be parsed or fails a check is `rejected` on its own: it never blocks
//! the rest of its batch (DESIGN.md §5). Only a body that is not a batch at all, or too big, fails
//! the whole request.

use super::extract::{AuthedDevice, BatchBody};
use super::site_check::SiteCheck;
use crate::bundles::Versions;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::storage::{Device, Incoming};
use axum::Json;
use axum::extract::State;
use mimik_domain::envelope::{Body, Envelope, EnvelopeError};
use mimik_domain::problem::ProblemCode;
use mimik_domain::protocol::{
    self, BatchResponse, ItemStatus, Receipt, RecheckError, recheck, verify_signature,
};
use mimik_domain::study::Study;
use serde::Deserialize;
use serde_json::value::RawValue;

/// Receive a batch (parsed by [`super::batch`], which also enforces the item limit).
pub async fn submit(
    State(state): State<AppState>,
    AuthedDevice(device): AuthedDevice,
    BatchBody(batch): BatchBody,
) -> Result<Json<BatchResponse>, ApiError> {
    let mut receipts: Vec<Option<Receipt>> = Vec::with_capacity(batch.envelopes.len());
    let mut accepted: Vec<(usize, Incoming)> = Vec::new();
    // Hashing, signature checks and re-scoring are CPU work: off the async workers, and spread
    // over the cores (the tablet waits for the whole batch, so this is its sync time).
    let current = state
        .bundles
        .current(state.storage.as_ref(), &device.study)
        .await?;
    let versions = state
        .bundles
        .versions(state.storage.as_ref(), &current)
        .await?;
    let checker = device.clone();
    let checked = tokio::task::spawn_blocking(move || {
        check_all(
            batch.envelopes,
            &checker,
            &Against {
                study: current.study(),
                versions: &versions,
            },
        )
    })
    .await
    .map_err(|_| {
        ApiError::new(
            ProblemCode::Internal,
            "the batch could not be checked; nothing was stored, send it again",
        )
    })?;
    let registered = state.storage.registered(&device.study).await?;
    let mut sites = SiteCheck::new(registered, &device);
    for (index, result) in checked.into_iter().enumerate() {
        let result = result.and_then(|incoming| match sites.check(&incoming) {
            Ok(()) => Ok(incoming),
            Err(reason) => Err((incoming.id, reason)),
        });
        match result {
            Ok(incoming) => {
                accepted.push((index, incoming));
                receipts.push(None);
            }
            Err((id, reason)) => {
                tracing::info!(device_id = %device.id, submission_id = ?id, code = %reason.code, "envelope rejected");
                receipts.push(Some(Receipt {
                    id,
                    status: ItemStatus::Rejected,
                    body_sha256: None,
                    reason: Some(reason),
                }));
            }
        }
    }
    let items: Vec<Incoming> = accepted.iter().map(|(_, item)| item.clone()).collect();
    let stored = state
        .storage
        .store_batch(&device.id, &items, &crate::now())
        .await?;
    for ((index, item), outcome) in accepted.into_iter().zip(stored.outcomes) {
        let reason = outcome.conflict_reason.map(|code| {
            tracing::warn!(device_id = %device.id, submission_id = %item.id, code = %code, "conflict kept for review");
            conflict_reason(code)
        });
        if let Some(slot) = receipts.get_mut(index) {
            *slot = Some(Receipt {
                id: item.id,
                status: outcome.status,
                body_sha256: outcome.stored_sha256,
                reason,
            });
        }
    }
    Ok(Json(BatchResponse {
        receipts: receipts.into_iter().flatten().collect(),
        gaps: stored.gaps,
        last_device_seq: stored.last_seq,
        limits: Some(state.config.limits),
    }))
}

fn conflict_reason(code: ProblemCode) -> protocol::ApiError {
    let message = if code == ProblemCode::DeviceSeqTaken {
        "another submission already holds this device_seq: kept for review, the stored one is unchanged"
    } else {
        "a different body is stored under this id: kept for review, the stored one is unchanged"
    };
    protocol::ApiError::new(code, message)
}

/// Every check of DESIGN.md §5 on one raw envelope, cheapest first. On failure: the id to put
/// in the receipt (as sent, cut to 64 characters, when it is not a valid id) and the reason.
/// [`check_envelope`] for every envelope, in order, on up to as many threads as there are cores.
fn check_all(raws: Vec<Box<RawValue>>, device: &Device, study: &Against<'_>) -> Vec<Checked> {
    const SERIAL_BELOW: usize = 32;
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if workers == 1 || raws.len() < SERIAL_BELOW {
        return raws
            .into_iter()
            .map(|raw| check_envelope(&raw, device, study))
            .collect();
    }
    let per_worker = raws.len().div_ceil(workers);
    let mut chunks = Vec::with_capacity(workers);
    let mut rest = raws;
    while !rest.is_empty() {
        let tail = rest.split_off(per_worker.min(rest.len()));
        chunks.push(std::mem::replace(&mut rest, tail));
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .into_iter()
                        .map(|raw| check_envelope(&raw, device, study))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().expect("envelope checks do not panic"))
            .collect()
    })
}

/// What envelopes are checked against: the newest protocol, and the packs of every version.
#[derive(Debug, Clone, Copy)]
pub struct Against<'a> {
    /// The study protocol in force.
    pub study: &'a Study,
    /// Every published version's packs.
    pub versions: &'a Versions,
}

/// One envelope's check: ready to store, or its id and the reason it is rejected.
pub type Checked = Result<Incoming, (String, protocol::ApiError)>;

pub fn check_envelope(raw: &RawValue, device: &Device, against: &Against<'_>) -> Checked {
    let study = against.study;
    let envelope: Envelope = serde_json::from_str(raw.get()).map_err(|e| {
        (
            raw_id(raw),
            protocol::ApiError::new(
                ProblemCode::BadEnvelope,
                format!("the envelope is not valid: {e}"),
            ),
        )
    })?;
    let id = envelope.id.to_string();
    let reject =
        |code: ProblemCode, message: String| (id.clone(), protocol::ApiError::new(code, message));
    if envelope.device_id != device.id {
        return Err(reject(
            ProblemCode::DeviceMismatch,
            "the envelope names another device than the token's".into(),
        ));
    }
    let device_seq = i64::try_from(envelope.device_seq)
        .ok()
        .filter(|seq| *seq >= 1)
        .ok_or_else(|| {
            reject(
                ProblemCode::BadDeviceSeq,
                "device_seq must be 1 or more".into(),
            )
        })?;
    let body = envelope
        .check_body()
        .map_err(|e| reject(envelope_code(&e), e.to_string()))?;
    verify_signature(&envelope, &device.public_key)
        .map_err(|e| reject(envelope_code(&e), e.to_string()))?;
    recheck(&body).map_err(|e| {
        let code = match e {
            RecheckError::Invalid(_) => ProblemCode::InvalidContent,
            RecheckError::UnknownAlgorithm(_) => ProblemCode::UnknownAlgorithm,
            RecheckError::ScoreMismatch(_) => ProblemCode::ScoreMismatch,
        };
        reject(code, e.to_string())
    })?;
    study
        .pseudonym_pattern
        .parse(&body.participant)
        .map_err(|_| {
            reject(
                ProblemCode::BadPseudonym,
                format!(
                    "the participant is not a pseudonym of the form {}",
                    study.pseudonym_pattern
                ),
            )
        })?;
    if let Some(tp) = &body.timepoint
        && study.timepoint(tp).is_none()
    {
        return Err(reject(
            ProblemCode::UnknownTimepoint,
            "the time point is not in the study protocol".into(),
        ));
    }
    check_protocol(&body, against.versions).map_err(|(code, message)| reject(code, message))?;
    let (instrument, algorithm) = match body.content.form() {
        Some(form) => (
            Some(form.instrument.id().to_owned()),
            Some(form.algorithm.clone()),
        ),
        None => (None, None),
    };
    Ok(Incoming {
        id,
        device_seq,
        kind: envelope.kind.as_str().to_owned(),
        participant: body.participant,
        timepoint: body.timepoint,
        instrument,
        algorithm,
        recorded_at: crate::timestamp(body.recorded_at),
        utc_offset_minutes: i64::from(body.utc_offset_minutes),
        created_at: crate::timestamp(envelope.created_at),
        body: envelope.body,
        body_sha256: envelope.body_sha256,
        signature: envelope.signature,
    })
}

/// A body of version 2 names the bundle version it was made under: that version must have been
/// published, and a questionnaire's or clinician form's pack must be in it, for its instrument
/// and language. Version 1 bodies (queued before bundles) name neither and are taken as sent.
fn check_protocol(body: &Body, versions: &Versions) -> Result<(), (ProblemCode, String)> {
    let Some(version) = body.protocol_version else {
        return Ok(());
    };
    if !versions.has(version) {
        return Err((
            ProblemCode::UnknownProtocolVersion,
            format!("study bundle version {version} was never published by this server"),
        ));
    }
    let Some(form) = body.content.form() else {
        return Ok(());
    };
    let (instrument, language, sha256) = (
        form.instrument.id(),
        form.language.as_str(),
        form.content_pack_sha256.as_str(),
    );
    if versions.has_pack(version, instrument, language, sha256) {
        Ok(())
    } else {
        Err((
            ProblemCode::UnknownContentPack,
            format!(
                "bundle version {version} has no {}/{} pack with that SHA-256",
                instrument.chars().take(20).collect::<String>(),
                language.chars().take(20).collect::<String>()
            ),
        ))
    }
}

/// The id of an envelope that does not parse, for its receipt: its `id` as sent when that is a
/// string, cut to 64 characters; empty otherwise.
fn raw_id(raw: &RawValue) -> String {
    #[derive(Deserialize)]
    struct IdOnly {
        #[serde(default)]
        id: Option<Box<RawValue>>,
    }
    serde_json::from_str::<IdOnly>(raw.get())
        .ok()
        .and_then(|probe| probe.id)
        .and_then(|id| serde_json::from_str::<String>(id.get()).ok())
        .unwrap_or_default()
        .chars()
        .take(64)
        .collect()
}

/// The stable receipt code of an envelope error.
fn envelope_code(error: &EnvelopeError) -> ProblemCode {
    match error {
        EnvelopeError::BadId => ProblemCode::BadId,
        EnvelopeError::IdNotV7 => ProblemCode::IdNotV7,
        EnvelopeError::HashMismatch => ProblemCode::HashMismatch,
        EnvelopeError::BadBody(_) | EnvelopeError::Encoding(_) => ProblemCode::BadBody,
        EnvelopeError::BadContent(_) => ProblemCode::InvalidContent,
        EnvelopeError::KindMismatch => ProblemCode::KindMismatch,
        EnvelopeError::UnsupportedVersion(_) => ProblemCode::UnsupportedVersion,
        EnvelopeError::NotCanonical => ProblemCode::NotCanonical,
        EnvelopeError::BadSignature => ProblemCode::BadSignature,
    }
}
