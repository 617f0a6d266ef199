//! Sync with the study server (DESIGN.md §5): enroll once, then send the outbox in batches,
//! acknowledge only on matching receipts, quarantine what the server refuses without blocking
//! the rest, back off on failures, and pull the roster. Nothing is deleted by sync: revocation
//! or a long outage leaves every unsynced item in the store.

mod client;
pub mod plan;

pub use client::{Client, check_server_url};
pub use plan::{BATCH_SIZE, Backoff};

use crate::error::{Error, Result};
use crate::store::{Store, new_signing_key};
use mimik_domain::canonical::hex;
use mimik_domain::protocol::{BatchRequest, EnrollRequest, Limits, SeqGap};
use serde::Serialize;

/// What one sync did (the JSON `mimik sync` prints).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncSummary {
    /// Newly stored on the server.
    pub stored: usize,
    /// Already on the server (same id and hash): acknowledged too.
    pub duplicates: usize,
    /// Refused or in conflict: quarantined here, visible to staff.
    pub quarantined: usize,
    /// Still pending afterwards.
    pub pending: i64,
    /// Gaps the server reports in this device's sequence.
    pub gaps: Vec<SeqGap>,
    /// Acknowledged items the server reported lost (restored from a backup), sent again.
    pub requeued: usize,
    /// Participants added or updated from the server's roster.
    pub roster_updates: usize,
    /// Whether the server revoked this device.
    pub revoked: bool,
    /// The study bundle version in force after this sync.
    pub bundle_version: u64,
    /// Set when the server's bundle was refused (and the one in force kept): why.
    pub bundle_refused: Option<String>,
    /// The last error, if the sync stopped early.
    pub error: Option<String>,
}

/// Enroll this tablet with a one-time code; returns the device id.
pub async fn enroll(
    store: &mut Store,
    server_url: &str,
    code: &str,
    ca_pem: Option<&[u8]>,
) -> Result<String> {
    let client = Client::new(server_url, ca_pem)?;
    let key = new_signing_key()?;
    let request = EnrollRequest {
        code: code.trim().to_owned(),
        public_key: hex(key.verifying_key().as_bytes()),
    };
    let answer = client.enroll(&request).await?;
    // Checked before anything is stored: a tablet that holds one study's signed bundles must
    // not be moved to a server that signs with another key (it would refuse every bundle after).
    if let (Some(pinned), Some(offered)) = (store.pinned_bundle_key()?, &answer.bundle_public_key)
        && &pinned != offered
    {
        return Err(Error::BundleRefused(
            "this server signs its study bundles with another key than the one this tablet \
             pinned; the tablet keeps its enrollment and its data"
                .into(),
        ));
    }
    store.set_enrollment(server_url, &answer.device_id, &answer.token, &key)?;
    if let Some(bundle_key) = &answer.bundle_public_key {
        store.pin_bundle_key(bundle_key)?;
    }
    match answer.limits.filter(valid_limits) {
        Some(limits) => remember_limits(store, &limits)?,
        None => store.forget_meta(LIMITS_META)?,
    }
    Ok(answer.device_id)
}

/// One pass: send everything pending, then refresh the roster. Stops at the first failing batch
/// and says why in `error`; the items stay pending.
pub async fn sync_once(store: &mut Store, ca_pem: Option<&[u8]>) -> Result<SyncSummary> {
    let identity = store.device_identity()?.ok_or(Error::NotEnrolled)?;
    if identity.revoked {
        return Err(Error::DeviceRevoked);
    }
    let client = Client::new(&identity.server_url, ca_pem)?;
    let mut summary = SyncSummary::default();
    // Round two only runs when the server turned out to have lost acknowledged items.
    for _round in 0..2 {
        send_pending(store, &client, &identity, &mut summary).await?;
        if summary.error.is_some() {
            break;
        }
        // An empty batch asks the server what it holds of this device (gaps, last device_seq).
        let probe = client.submit(&identity.token, &EMPTY_BATCH).await;
        let response = match probe {
            Ok(response) => response,
            Err(error) => {
                note_revoked(store, &mut summary, &error)?;
                summary.error = Some(format!("could not check what the server holds: {error}"));
                break;
            }
        };
        summary.gaps = response.gaps.clone();
        let Some(last) = response.last_device_seq else {
            break;
        };
        let requeued = store.requeue_lost(&identity.device_id, &response.gaps, last)?;
        summary.requeued += requeued;
        if requeued == 0 {
            break;
        }
    }
    if summary.error.is_none() {
        match client
            .study(
                &identity.token,
                store.meta("study_etag")?.as_deref(),
                store.bundle().bundle.version,
            )
            .await
        {
            Ok(Some((study, etag))) => {
                summary.roster_updates = store.merge_roster(&study.roster)?;
                if let Some(limits) = study.limits.filter(valid_limits) {
                    remember_limits(store, &limits)?;
                }
                let adopted = match &study.bundle {
                    Some(signed) => adopt(store, signed),
                    None => Ok(()),
                };
                match adopted {
                    // Only a fully taken answer is cached: a refused bundle is fetched again.
                    Ok(()) => {
                        if let Some(etag) = etag {
                            store.set_meta("study_etag", &etag)?;
                        }
                    }
                    Err(why) => {
                        summary.bundle_refused = Some(why);
                    }
                }
            }
            Ok(None) => {}
            Err(error) => {
                note_revoked(store, &mut summary, &error)?;
                summary.error = Some(format!("roster not refreshed: {error}"));
            }
        }
    }
    summary.pending = store.status()?.pending;
    summary.bundle_version = store.bundle().bundle.version;
    Ok(summary)
}

/// Adopt the server's bundle, pinning its key first on a tablet enrolled before bundles (the
/// connection is the one the tablet already trusts). `Err` says why it was refused; storage
/// failures are refusals too, since the bundle in force stays either way.
fn adopt(
    store: &mut Store,
    signed: &mimik_domain::bundle::SignedBundle,
) -> std::result::Result<(), String> {
    if store
        .pinned_bundle_key()
        .map_err(|e| e.to_string())?
        .is_none()
    {
        store
            .pin_bundle_key(&signed.public_key)
            .map_err(|e| e.to_string())?;
    }
    store.adopt_bundle(signed).map(|_| ()).map_err(|e| match e {
        Error::BundleRefused(why) => why,
        other => other.to_string(),
    })
}

/// Send every pending item once, batch by batch, each within the server's limits; stop at the
/// first failing batch. A 413 halves the batch; an envelope too large to go even alone is
/// quarantined (kept here, shown to staff), so the rest always drains (NL-8).
async fn send_pending(
    store: &mut Store,
    client: &Client,
    identity: &crate::store::DeviceIdentity,
    summary: &mut SyncSummary,
) -> Result<()> {
    let mut learned = learned_limits(store)?;
    let mut max_items = learned.map_or(BATCH_SIZE, |l| l.max_batch_items.clamp(1, BATCH_SIZE));
    let mut after = 0;
    loop {
        let candidates = store.pending(identity, after, max_items)?;
        let Some(first) = candidates.first() else {
            break;
        };
        let limits = match learned {
            Some(known) => known,
            // Not known yet (first sync, or a server that does not say): ask with an empty batch
            // before sending one that might be cut off as too large.
            None => match client.submit(&identity.token, &EMPTY_BATCH).await {
                Ok(response) => {
                    let said = response.limits.filter(valid_limits);
                    if let Some(said) = said {
                        remember_limits(store, &said)?;
                        max_items = max_items.min(said.max_batch_items);
                    }
                    *learned.insert(said.unwrap_or_default())
                }
                Err(error) => {
                    note_revoked(store, summary, &error)?;
                    summary.error = Some(error.to_string());
                    break;
                }
            },
        };
        let sizes = candidates
            .iter()
            .map(|p| serde_json::to_vec(&p.envelope).map(|bytes| bytes.len()))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| Error::Tampered(format!("an envelope cannot be encoded: {e}")))?;
        let count = match plan::take(&sizes, plan::byte_budget(&limits), max_items) {
            plan::Take::Batch(count) => count,
            plan::Take::Oversize => {
                let why = format!(
                    "too large to send ({} bytes; the server takes {} per request)",
                    sizes[0], limits.max_request_bytes
                );
                quarantine_alone(store, identity, first.device_seq, why, summary)?;
                after = first.device_seq;
                continue;
            }
        };
        let batch = &candidates[..count];
        let request = BatchRequest {
            envelopes: batch.iter().map(|p| p.envelope.clone()).collect(),
        };
        let seqs: Vec<i64> = batch.iter().map(|p| p.device_seq).collect();
        match client.submit(&identity.token, &request).await {
            Ok(response) => match plan::judge(batch, &response) {
                Ok(judgement) => {
                    after = seqs[seqs.len() - 1];
                    if let Some(said) = response.limits.filter(valid_limits)
                        && said != limits
                    {
                        remember_limits(store, &said)?;
                        learned = Some(said);
                        max_items = said.max_batch_items.clamp(1, BATCH_SIZE);
                    }
                    store.record_outcomes(&identity.device_id, &judgement.outcomes)?;
                    summary.stored += judgement.stored;
                    summary.duplicates += judgement.duplicates;
                    summary.quarantined += judgement
                        .outcomes
                        .iter()
                        .filter(|(_, o)| matches!(o, crate::store::Outcome::Quarantined { .. }))
                        .count();
                    if let Some((seq, why)) = judgement.unmatched.first() {
                        let unmatched: Vec<i64> = judgement.unmatched.iter().map(|u| u.0).collect();
                        store.record_failure(&unmatched, why)?;
                        summary.error = Some(format!("device_seq {seq}: {why}"));
                    }
                    summary.gaps = response.gaps;
                }
                Err(why) => {
                    let error = Error::BadResponse(why);
                    store.record_failure(&seqs, &error.to_string())?;
                    summary.error = Some(error.to_string());
                    break;
                }
            },
            Err(Error::TooLarge {
                code,
                limits: advertised,
            }) => {
                let mut known = limits;
                if let Some(advertised) = advertised.filter(valid_limits) {
                    known = advertised;
                    remember_limits(store, &known)?;
                }
                if count == 1 {
                    let why = format!(
                        "the server refused it as too large even alone ({})",
                        crate::error::code_text(code.as_ref())
                    );
                    quarantine_alone(store, identity, seqs[0], why, summary)?;
                    after = seqs[0];
                }
                max_items = (count / 2).clamp(1, known.max_batch_items.max(1));
                learned = Some(known);
            }
            Err(error) => {
                if !note_revoked(store, summary, &error)? {
                    store.record_failure(&seqs, &error.to_string())?;
                    // A server that lowered its limits may cut a too-large request off before
                    // its 413 is read: ask for the limits again before the next batch.
                    store.forget_meta(LIMITS_META)?;
                }
                summary.error = Some(error.to_string());
                break;
            }
        }
    }
    Ok(())
}

/// Quarantine one envelope that cannot be sent, so the queue behind it drains.
fn quarantine_alone(
    store: &mut Store,
    identity: &crate::store::DeviceIdentity,
    seq: i64,
    reason: String,
    summary: &mut SyncSummary,
) -> Result<()> {
    store.record_outcomes(
        &identity.device_id,
        &[(seq, crate::store::Outcome::Quarantined { reason })],
    )?;
    summary.quarantined += 1;
    Ok(())
}

/// When `error` says the server revoked this device: record that, set the summary's flag, and
/// return true (so the flag always says what the server said).
fn note_revoked(store: &mut Store, summary: &mut SyncSummary, error: &Error) -> Result<bool> {
    if !matches!(error, Error::DeviceRevoked) {
        return Ok(false);
    }
    store.mark_revoked()?;
    summary.revoked = true;
    Ok(true)
}

const LIMITS_META: &str = "server_limits";

/// An empty batch: asks the server what it holds of this device and what it accepts.
const EMPTY_BATCH: BatchRequest = BatchRequest {
    envelopes: Vec::new(),
};

/// The limits the server last advertised (`None` before it has said any).
fn learned_limits(store: &Store) -> Result<Option<Limits>> {
    Ok(store
        .meta(LIMITS_META)?
        .and_then(|text| serde_json::from_str::<Limits>(&text).ok())
        .filter(valid_limits))
}

fn remember_limits(store: &mut Store, limits: &Limits) -> Result<()> {
    let text = serde_json::to_string(limits)
        .map_err(|e| Error::Tampered(format!("limits cannot be encoded: {e}")))?;
    store.set_meta(LIMITS_META, &text)
}

/// Limits a tablet can work with: room for at least one small envelope.
fn valid_limits(limits: &Limits) -> bool {
    limits.max_request_bytes >= 4_096 && limits.max_batch_items >= 1
}

/// Sync until the queue drains or `attempts` passes have failed, backing off between them.
pub async fn sync_with_retries(
    store: &mut Store,
    ca_pem: Option<&[u8]>,
    attempts: u32,
    backoff: Backoff,
) -> Result<SyncSummary> {
    let mut total = SyncSummary::default();
    for attempt in 0..attempts.max(1) {
        let pass = sync_once(store, ca_pem).await?;
        total.stored += pass.stored;
        total.duplicates += pass.duplicates;
        total.quarantined += pass.quarantined;
        total.roster_updates += pass.roster_updates;
        total.requeued += pass.requeued;
        total.gaps = pass.gaps;
        total.pending = pass.pending;
        total.revoked = pass.revoked;
        total.error = pass.error;
        total.bundle_version = pass.bundle_version;
        total.bundle_refused = pass.bundle_refused;
        if total.error.is_none() || total.revoked || attempt + 1 == attempts {
            break;
        }
        let unit = f64::from(
            crate::keys::random::<4>()
                .map(u32::from_le_bytes)
                .unwrap_or(0),
        ) / f64::from(u32::MAX);
        tokio::time::sleep(backoff.delay(attempt, unit)).await;
    }
    Ok(total)
}
