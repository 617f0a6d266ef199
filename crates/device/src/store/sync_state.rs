//! What the sync client needs from the store: the device identity after enrollment, the pending
//! envelopes (rebuilt from the stored body bytes, identical on every retry), and recording what
//! the server answered. Every state change is audited.

use super::{Store, audit};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signer, SigningKey};
use mimik_domain::canonical::hex;
use mimik_domain::envelope::{Envelope, Kind};
use mimik_domain::protocol::SeqGap;
use rusqlite::OptionalExtension;
use serde::Serialize;
use zeroize::Zeroizing;

/// The enrolled device: who the server knows this tablet as.
pub struct DeviceIdentity {
    /// Server base URL.
    pub server_url: String,
    /// Device id given by the server.
    pub device_id: String,
    /// Bearer token (secret; only in the encrypted store).
    pub token: Zeroizing<String>,
    /// Whether the server revoked this device.
    pub revoked: bool,
    signing_key: SigningKey,
}

impl std::fmt::Debug for DeviceIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceIdentity")
            .field("server_url", &self.server_url)
            .field("device_id", &self.device_id)
            .field("revoked", &self.revoked)
            .finish_non_exhaustive()
    }
}

/// What the server said about one envelope, as the client decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A matching receipt: acknowledged.
    Acknowledged {
        /// The hash the receipt echoed.
        receipt_sha256: String,
    },
    /// Rejected or in conflict: quarantined, visible to staff, not retried.
    Quarantined {
        /// Why, for staff.
        reason: String,
    },
}

/// A pending item, ready to send.
#[derive(Debug, Clone)]
pub struct Pending {
    /// Its place in the device sequence.
    pub device_seq: i64,
    /// The envelope (signed).
    pub envelope: Envelope,
}

/// A quarantined item, as staff see it.
#[derive(Debug, Clone, Serialize)]
pub struct QuarantinedItem {
    /// Submission id.
    pub id: String,
    /// device_seq.
    pub device_seq: i64,
    /// Kind.
    pub kind: String,
    /// Why.
    pub reason: Option<String>,
}

/// A fresh Ed25519 key for enrollment (32 random bytes).
pub fn new_signing_key() -> Result<SigningKey> {
    let seed = Zeroizing::new(crate::keys::random::<32>()?);
    Ok(SigningKey::from_bytes(&seed))
}

impl Store {
    /// Remember the enrollment. A later enrollment replaces an earlier one (re-enrolling a
    /// revoked device); the queue is untouched.
    pub fn set_enrollment(
        &mut self,
        server_url: &str,
        device_id: &str,
        token: &str,
        signing_key: &SigningKey,
    ) -> Result<()> {
        let key_hex = Zeroizing::new(hex(signing_key.as_bytes()));
        self.write(|tx, ctx| {
            for (key, value) in [
                ("server_url", server_url),
                ("device_id", device_id),
                ("device_token", token),
                ("device_signing_key", key_hex.as_str()),
                ("device_revoked", "false"),
            ] {
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET value = ?2",
                    (key, value),
                )?;
            }
            tx.execute("DELETE FROM meta WHERE key = 'study_etag'", [])?;
            audit::append(
                tx,
                ctx,
                "device.enrolled",
                Some(device_id),
                Some(server_url),
            )
        })?;
        // Readable while locked, so the lock screen knows the tablet is enrolled. It says
        // nothing about anyone: the device id and server stay inside the encrypted store.
        crate::fsutil::write_atomic(&self.dir.join(super::ENROLLED_MARKER), b"enrolled\n")
            .map_err(Error::io("the enrollment marker"))
    }

    /// The enrollment, if any.
    pub fn device_identity(&self) -> Result<Option<DeviceIdentity>> {
        let get = |key: &str| -> Result<Option<String>> { self.meta(key) };
        let (Some(server_url), Some(device_id), Some(token), Some(key_hex)) = (
            get("server_url")?,
            get("device_id")?,
            get("device_token")?,
            get("device_signing_key")?,
        ) else {
            return Ok(None);
        };
        let key_hex = Zeroizing::new(key_hex);
        let bytes = Zeroizing::new(
            data_encoding::HEXLOWER
                .decode(key_hex.as_bytes())
                .map_err(|_| Error::Invalid("the stored device key is damaged".into()))?,
        );
        let seed: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| Error::Invalid("the stored device key is damaged".into()))?;
        Ok(Some(DeviceIdentity {
            server_url,
            device_id,
            token: Zeroizing::new(token),
            revoked: get("device_revoked")?.as_deref() == Some("true"),
            signing_key: SigningKey::from_bytes(&seed),
        }))
    }

    /// The server refused this device's token: keep everything, say it must be re-enrolled.
    pub fn mark_revoked(&mut self) -> Result<()> {
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE meta SET value = 'true' WHERE key = 'device_revoked'",
                [],
            )?;
            audit::append(tx, ctx, "device.revoked_by_server", None, None)
        })
    }

    pub(crate) fn meta(&self, key: &str) -> Result<Option<String>> {
        self.read(|c| {
            Ok(
                c.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                    .optional()?,
            )
        })
    }

    /// Drop one meta value (a cache that may be stale).
    pub(crate) fn forget_meta(&mut self, key: &str) -> Result<()> {
        self.write(|tx, _| {
            tx.execute("DELETE FROM meta WHERE key = ?1", [key])?;
            Ok(())
        })
    }

    /// Store one meta value (not audited: caches such as the study ETag).
    pub(crate) fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.write(|tx, _| {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
                (key, value),
            )?;
            Ok(())
        })
    }

    /// Up to `limit` pending items after `after_seq`, oldest first, as signed envelopes.
    /// The body bytes are the stored ones; Ed25519 signatures are deterministic, so a retry
    /// sends exactly the same envelope.
    pub fn pending(
        &self,
        identity: &DeviceIdentity,
        after_seq: i64,
        limit: usize,
    ) -> Result<Vec<Pending>> {
        let rows: Vec<(i64, String, String, String, Vec<u8>, String)> = self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT s.device_seq, s.id, s.kind, s.recorded_at, s.body, s.body_sha256
                 FROM outbox o JOIN submissions s ON s.device_seq = o.device_seq
                 WHERE o.state = 'pending' AND o.device_seq > ?1
                 ORDER BY o.device_seq LIMIT ?2",
            )?;
            let rows = stmt.query_map((after_seq, limit as i64), |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })?;
        rows.into_iter()
            .map(|(seq, id, kind, recorded_at, body, sha)| {
                let damaged =
                    || Error::Tampered(format!("stored submission {seq} cannot be sent as stored"));
                let kind: Kind = serde_json::from_value(serde_json::Value::String(kind))
                    .map_err(|_| damaged())?;
                let created_at: DateTime<Utc> = recorded_at.parse().map_err(|_| damaged())?;
                let body = String::from_utf8(body).map_err(|_| damaged())?;
                let mut envelope = Envelope {
                    id: id.parse().map_err(|_| damaged())?,
                    device_id: identity.device_id.clone(),
                    device_seq: u64::try_from(seq).map_err(|_| damaged())?,
                    kind,
                    created_at,
                    body,
                    body_sha256: sha,
                    signature: String::new(),
                };
                envelope.signature = hex(&identity
                    .signing_key
                    .sign(&envelope.signing_payload())
                    .to_bytes());
                Ok(Pending {
                    device_seq: seq,
                    envelope,
                })
            })
            .collect()
    }

    /// Record the outcomes of one batch in one transaction, with one audit row.
    pub fn record_outcomes(&mut self, device_id: &str, outcomes: &[(i64, Outcome)]) -> Result<()> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let (first, last) = (outcomes[0].0, outcomes[outcomes.len() - 1].0);
        let acknowledged = outcomes
            .iter()
            .filter(|(_, o)| matches!(o, Outcome::Acknowledged { .. }))
            .count();
        let summary = format!(
            "{acknowledged} acknowledged, {} quarantined",
            outcomes.len() - acknowledged
        );
        self.write(|tx, ctx| {
            let now = ctx.moment.utc_text();
            for (seq, outcome) in outcomes {
                match outcome {
                    Outcome::Acknowledged { receipt_sha256 } => tx.execute(
                        "UPDATE outbox SET state = 'acknowledged', acknowledged_at = ?2, receipt_sha256 = ?3,
                             acknowledged_device_id = ?4, attempts = attempts + 1,
                             last_attempt_at = ?2, last_error = NULL
                         WHERE device_seq = ?1 AND state = 'pending'",
                        (seq, &now, receipt_sha256, device_id),
                    )?,
                    Outcome::Quarantined { reason } => tx.execute(
                        "UPDATE outbox SET state = 'quarantined', quarantine_reason = ?2,
                             attempts = attempts + 1, last_attempt_at = ?3
                         WHERE device_seq = ?1 AND state = 'pending'",
                        (seq, reason, &now),
                    )?,
                };
            }
            let subject = format!("device_seq {first}..{last}");
            audit::append(tx, ctx, "sync.batch_answered", Some(&subject), Some(&summary))
        })
    }

    /// The server (as `device_id`) no longer holds what it acknowledged in `gaps` or above
    /// `last_seq` (restored from an older backup): put those items back in the queue, to be sent
    /// again from their stored bytes. Returns how many.
    pub fn requeue_lost(
        &mut self,
        device_id: &str,
        gaps: &[SeqGap],
        last_seq: u64,
    ) -> Result<usize> {
        let last = i64::try_from(last_seq).unwrap_or(i64::MAX);
        self.write(|tx, ctx| {
            let mut requeued = tx.execute(
                "UPDATE outbox SET state = 'pending', acknowledged_at = NULL, receipt_sha256 = NULL
                 WHERE state = 'acknowledged' AND acknowledged_device_id = ?1 AND device_seq > ?2",
                (device_id, last),
            )?;
            for gap in gaps {
                let from = i64::try_from(gap.from).unwrap_or(i64::MAX);
                let to = i64::try_from(gap.to).unwrap_or(i64::MAX);
                requeued += tx.execute(
                    "UPDATE outbox SET state = 'pending', acknowledged_at = NULL, receipt_sha256 = NULL
                     WHERE state = 'acknowledged' AND acknowledged_device_id = ?1
                       AND device_seq BETWEEN ?2 AND ?3",
                    (device_id, from, to),
                )?;
            }
            if requeued > 0 {
                let reason = format!("{requeued} acknowledged item(s) missing on the server");
                audit::append(tx, ctx, "sync.requeued_lost_on_server", Some(device_id), Some(&reason))?;
            }
            Ok(requeued)
        })
    }

    /// A batch failed as a whole (network, server error): count the attempt, keep it pending.
    pub fn record_failure(&mut self, seqs: &[i64], error: &str) -> Result<()> {
        let error = short_error(error);
        self.write(|tx, ctx| {
            let now = ctx.moment.utc_text();
            for seq in seqs {
                tx.execute(
                    "UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?2, last_error = ?3
                     WHERE device_seq = ?1 AND state = 'pending'",
                    (seq, &now, &error),
                )?;
            }
            Ok(())
        })
    }

    /// Items the server rejected or found in conflict.
    pub fn quarantined(&self) -> Result<Vec<QuarantinedItem>> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT s.id, s.device_seq, s.kind, o.quarantine_reason FROM outbox o
                 JOIN submissions s ON s.device_seq = o.device_seq
                 WHERE o.state = 'quarantined' ORDER BY o.device_seq",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(QuarantinedItem {
                    id: r.get(0)?,
                    device_seq: r.get(1)?,
                    kind: r.get(2)?,
                    reason: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}

/// Errors are kept for staff to read, cut to 200 characters.
fn short_error(error: &str) -> String {
    error.chars().take(200).collect()
}
