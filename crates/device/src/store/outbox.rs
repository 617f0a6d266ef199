//! The outbox as staff and scripts see it (`mimik status`).

use super::Store;
use crate::error::Result;
use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;

/// Queue state, always visible (DESIGN.md §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueStatus {
    /// Saved, not yet acknowledged by the server.
    pub pending: i64,
    /// Acknowledged with a matching receipt.
    pub acknowledged: i64,
    /// Rejected or in conflict: visible to staff, not retried.
    pub quarantined: i64,
    /// Age of the oldest pending item, in seconds.
    pub oldest_pending_age_s: Option<i64>,
    /// The last sync error, if the last attempt failed.
    pub last_error: Option<String>,
    /// All submissions stored.
    pub submissions: i64,
    /// The highest `device_seq` used.
    pub last_device_seq: i64,
}

impl Store {
    /// The highest device sequence number saved (0 before the first save): it grows with every
    /// save, so a poller can see a new one with one indexed lookup.
    pub fn last_device_seq(&self) -> Result<i64> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT COALESCE(MAX(device_seq), 0) FROM submissions",
                [],
                |r| r.get(0),
            )?)
        })
    }

    /// The queue state now.
    pub fn status(&self) -> Result<QueueStatus> {
        self.read(|c| {
            let count = |state: &str| -> rusqlite::Result<i64> {
                c.query_row(
                    "SELECT count(*) FROM outbox WHERE state = ?1",
                    [state],
                    |r| r.get(0),
                )
            };
            let oldest: Option<String> = c.query_row(
                "SELECT MIN(enqueued_at) FROM outbox WHERE state = 'pending'",
                [],
                |r| r.get(0),
            )?;
            let oldest_pending_age_s = oldest
                .and_then(|t| t.parse::<DateTime<Utc>>().ok())
                .map(|t| (Utc::now() - t).num_seconds().max(0));
            let last_error: Option<String> = c
                .query_row(
                    "SELECT last_error FROM outbox WHERE last_error IS NOT NULL
                     ORDER BY last_attempt_at DESC LIMIT 1",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            let (submissions, last_device_seq) = c.query_row(
                "SELECT count(*), COALESCE(MAX(device_seq), 0) FROM submissions",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            Ok(QueueStatus {
                pending: count("pending")?,
                acknowledged: count("acknowledged")?,
                quarantined: count("quarantined")?,
                oldest_pending_age_s,
                last_error,
                submissions,
                last_device_seq,
            })
        })
    }
}
