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
use mimik_domain::protocol::{BatchRequest, EnrollRequest, SeqGap};
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
    store.set_enrollment(server_url, &answer.device_id, &answer.token, &key)?;
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
        let probe = client
            .submit(
                &identity.token,
                &BatchRequest {
                    envelopes: Vec::new(),
                },
            )
            .await;
        let response = match probe {
            Ok(response) => response,
            Err(error) => {
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
            .study(&identity.token, store.meta("study_etag")?.as_deref())
            .await
        {
            Ok(Some((study, etag))) => {
                summary.roster_updates = store.merge_roster(&study.roster)?;
                if let Some(etag) = etag {
                    store.set_meta("study_etag", &etag)?;
                }
            }
            Ok(None) => {}
            Err(error) => summary.error = Some(format!("roster not refreshed: {error}")),
        }
    }
    summary.pending = store.status()?.pending;
    Ok(summary)
}

/// Send every pending item once, batch by batch; stop at the first failing batch.
async fn send_pending(
    store: &mut Store,
    client: &Client,
    identity: &crate::store::DeviceIdentity,
    summary: &mut SyncSummary,
) -> Result<()> {
    let mut after = 0;
    loop {
        let batch = store.pending(identity, after, BATCH_SIZE)?;
        let Some(last) = batch.last() else { break };
        after = last.device_seq;
        let request = BatchRequest {
            envelopes: batch.iter().map(|p| p.envelope.clone()).collect(),
        };
        let seqs: Vec<i64> = batch.iter().map(|p| p.device_seq).collect();
        match client.submit(&identity.token, &request).await {
            Ok(response) => match plan::judge(&batch, &response) {
                Ok(judgement) => {
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
            Err(Error::DeviceRevoked) => {
                store.mark_revoked()?;
                summary.revoked = true;
                summary.error = Some(Error::DeviceRevoked.to_string());
                break;
            }
            Err(error) => {
                store.record_failure(&seqs, &error.to_string())?;
                summary.error = Some(error.to_string());
                break;
            }
        }
    }
    Ok(())
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
