//! The pure half of sync: judging the server's answer to a batch, and backing off. No I/O,
//! so every rule here is tested directly (atuin's plan/executor split).

use crate::store::{Outcome, Pending};
use mimik_domain::protocol::{BatchResponse, ItemStatus, Limits};
use std::time::Duration;

/// How many envelopes go in one request: the server's limit, since every request costs a commit
/// on each side (a backlog of 10,000 is 20 requests).
pub const BATCH_SIZE: usize = mimik_domain::protocol::MAX_BATCH_ITEMS;

/// The bytes of `{"envelopes":[` and `]}` around a batch's envelopes.
const BATCH_FRAME_BYTES: usize = 16;

/// The bytes a batch body may use under the server's limits: a sixteenth stays as headroom, so
/// a server whose limit counts slightly differently still takes the batch.
pub fn byte_budget(limits: &Limits) -> usize {
    limits.max_request_bytes - limits.max_request_bytes / 16
}

/// What to send next from the front of the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    /// The first this many envelopes (at least one).
    Batch(usize),
    /// The first envelope alone is over the budget: quarantine it so the rest can drain.
    Oversize,
}

/// The longest prefix of the queue (each envelope's encoded size in bytes, in order) that fits
/// in `budget` bytes and `max_items` envelopes. `sizes` must not be empty.
pub fn take(sizes: &[usize], budget: usize, max_items: usize) -> Take {
    let mut used = BATCH_FRAME_BYTES;
    let mut count = 0;
    for size in sizes.iter().take(max_items.max(1)) {
        // Every envelope after the first is preceded by a comma.
        let cost = size + usize::from(count > 0);
        if used + cost > budget {
            break;
        }
        used += cost;
        count += 1;
    }
    if count == 0 {
        Take::Oversize
    } else {
        Take::Batch(count)
    }
}

/// What one batch's answer means for each item.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Judgement {
    /// Decided items: acknowledged or quarantined.
    pub outcomes: Vec<(i64, Outcome)>,
    /// Receipts that said stored.
    pub stored: usize,
    /// Receipts that said duplicate (success).
    pub duplicates: usize,
    /// Items left pending because their receipt did not match, with why.
    pub unmatched: Vec<(i64, String)>,
}

/// Judge a batch answer. A receipt acknowledges an item only when it names the item's id and
/// echoes its hash (DESIGN.md §5); an answer that does not line up with the batch is refused
/// whole, as "HTTP 200 from anything that is not a valid receipt is a failure".
pub fn judge(batch: &[Pending], response: &BatchResponse) -> Result<Judgement, String> {
    if response.receipts.len() != batch.len() {
        return Err(format!(
            "{} receipts for {} envelopes",
            response.receipts.len(),
            batch.len()
        ));
    }
    let mut judgement = Judgement::default();
    for (item, receipt) in batch.iter().zip(&response.receipts) {
        if receipt.id != item.envelope.id.to_string() {
            return Err("the receipts are not in the order of the batch".into());
        }
        let echoed = receipt.body_sha256.as_deref() == Some(item.envelope.body_sha256.as_str());
        match receipt.status {
            ItemStatus::Stored | ItemStatus::Duplicate if echoed => {
                if receipt.status == ItemStatus::Stored {
                    judgement.stored += 1;
                } else {
                    judgement.duplicates += 1;
                }
                judgement.outcomes.push((
                    item.device_seq,
                    Outcome::Acknowledged {
                        receipt_sha256: item.envelope.body_sha256.clone(),
                    },
                ));
            }
            ItemStatus::Stored | ItemStatus::Duplicate => judgement
                .unmatched
                .push((item.device_seq, "the receipt's hash does not match".into())),
            ItemStatus::Conflict | ItemStatus::Rejected => {
                let reason = receipt.reason.as_ref().map_or_else(
                    || format!("{:?}", receipt.status).to_lowercase(),
                    |r| format!("{}: {}", r.code, r.message),
                );
                judgement
                    .outcomes
                    .push((item.device_seq, Outcome::Quarantined { reason }));
            }
        }
    }
    Ok(judgement)
}

/// Exponential backoff with jitter, capped.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// The first delay.
    pub base: Duration,
    /// The longest delay.
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_secs(2),
            cap: Duration::from_secs(15 * 60),
        }
    }
}

impl Backoff {
    /// The delay before retry `attempt` (0-based), with `unit` ∈ [0, 1) as the random part:
    /// between half and all of `min(cap, base × 2^attempt)`, so tablets coming back online
    /// together do not retry in step.
    pub fn delay(&self, attempt: u32, unit: f64) -> Duration {
        let exponential = self.base.saturating_mul(1u32 << attempt.min(20));
        let ceiling = exponential.min(self.cap);
        ceiling.mul_f64(0.5 + 0.5 * unit.clamp(0.0, 1.0))
    }
}

#[cfg(test)]
mod tests;
