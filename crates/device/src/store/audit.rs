//! The audit chain: each row hashes its content and the previous row's hash (NL-6).
//! The hash input is on disk: do not change it without a migration that re-anchors the chain.

use super::Ctx;
use crate::error::Result;
use mimik_domain::canonical;
use rusqlite::{Connection, OptionalExtension, Transaction};
use serde_json::json;

/// The `prev_hash` of the first row.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

struct Row {
    seq: i64,
    at: String,
    utc_offset_minutes: i32,
    actor: String,
    action: String,
    subject: Option<String>,
    reason: Option<String>,
    prev_hash: String,
}

impl Row {
    fn hash(&self) -> String {
        let content = json!({
            "seq": self.seq,
            "at": self.at,
            "utc_offset_minutes": self.utc_offset_minutes,
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "reason": self.reason,
            "prev_hash": self.prev_hash,
        });
        // Encoding a json! value cannot fail.
        canonical::sha256_hex(&canonical::to_vec(&content).unwrap_or_default())
    }
}

/// Append one audit row in the caller's transaction.
pub(super) fn append(
    tx: &Transaction<'_>,
    ctx: &Ctx<'_>,
    action: &str,
    subject: Option<&str>,
    reason: Option<&str>,
) -> Result<()> {
    let last: Option<(i64, String)> = tx
        .query_row(
            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (seq, prev_hash) = last.unwrap_or((0, GENESIS.to_owned()));
    let row = Row {
        seq: seq + 1,
        at: ctx.moment.utc_text(),
        utc_offset_minutes: ctx.moment.offset_minutes,
        actor: ctx.actor.to_owned(),
        action: action.to_owned(),
        subject: subject.map(str::to_owned),
        reason: reason.map(str::to_owned),
        prev_hash,
    };
    tx.execute(
        "INSERT INTO audit (seq, at, utc_offset_minutes, actor, action, subject, reason, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        rusqlite::params![
            row.seq,
            row.at,
            row.utc_offset_minutes,
            row.actor,
            row.action,
            row.subject,
            row.reason,
            row.prev_hash,
            row.hash()
        ],
    )?;
    Ok(())
}

/// Walk the chain. `Ok(None)` when it verifies; otherwise the first bad row and why.
pub(super) fn verify(conn: &Connection) -> Result<Option<(i64, String)>> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, utc_offset_minutes, actor, action, subject, reason, prev_hash, hash
         FROM audit ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut expected_prev = GENESIS.to_owned();
    let mut expected_seq = 1;
    while let Some(r) = rows.next()? {
        let row = Row {
            seq: r.get(0)?,
            at: r.get(1)?,
            utc_offset_minutes: r.get(2)?,
            actor: r.get(3)?,
            action: r.get(4)?,
            subject: r.get(5)?,
            reason: r.get(6)?,
            prev_hash: r.get(7)?,
        };
        let stored: String = r.get(8)?;
        if row.seq != expected_seq {
            return Ok(Some((expected_seq, "row missing".into())));
        }
        if row.prev_hash != expected_prev {
            return Ok(Some((row.seq, "does not chain to the previous row".into())));
        }
        if row.hash() != stored {
            return Ok(Some((row.seq, "content does not match its hash".into())));
        }
        expected_prev = stored;
        expected_seq += 1;
    }
    Ok(None)
}

/// How many audit rows there are.
pub(super) fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM audit", [], |r| r.get(0))?)
}
