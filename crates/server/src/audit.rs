//! The audit trail as it leaves the server (issue 14 point 5): `audit export --format csv|json`
//! and `audit verify`, and the monitor's page reads the same rows.

use crate::error::Result;
use crate::export::{csv_error, finish};
use crate::storage::audit::{Broken, verify_chain};
use crate::storage::{AuditRow, Storage};
use serde_json::json;

/// The CSV columns, in order: every stored column.
pub const CSV_HEADER: [&str; 11] = [
    "seq",
    "at",
    "actor",
    "role",
    "action",
    "subject",
    "reason",
    "before",
    "after",
    "prev_hash",
    "hash",
];

/// An audit export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    /// One row per audit row, [`CSV_HEADER`] first.
    Csv,
    /// `{"audit": [{seq, at, actor, role, action, subject, reason, before, after, prev_hash, hash}]}`.
    Json,
}

/// Every audit row in `format`.
pub fn render(rows: &[AuditRow], format: AuditFormat) -> Result<Vec<u8>> {
    match format {
        AuditFormat::Json => {
            let mut bytes = serde_json::to_vec(&json!({ "audit": rows }))
                .map_err(|e| crate::Error::Export(e.to_string()))?;
            bytes.push(b'\n');
            Ok(bytes)
        }
        AuditFormat::Csv => {
            let mut out = csv::Writer::from_writer(Vec::new());
            out.write_record(CSV_HEADER).map_err(csv_error)?;
            for row in rows {
                let seq = row.seq.to_string();
                let opt = |v: &Option<String>| v.clone().unwrap_or_default();
                out.write_record([
                    seq.as_str(),
                    &row.at,
                    &row.actor,
                    &row.role,
                    &row.action,
                    &opt(&row.subject),
                    &opt(&row.reason),
                    &opt(&row.before),
                    &opt(&row.after),
                    &row.prev_hash,
                    &row.hash,
                ])
                .map_err(csv_error)?;
            }
            finish(out)
        }
    }
}

/// The first row that does not verify, as `audit verify` prints it under `first_broken`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FirstBroken {
    /// Its `seq` (for a missing row: the `seq` expected).
    pub seq: i64,
    /// Why.
    pub reason: String,
    /// The stored row at that place, if there is one.
    pub row: Option<AuditRow>,
}

/// Walk the whole stored chain: how many rows verified, or the first that does not.
pub async fn verify(storage: &dyn Storage) -> Result<std::result::Result<usize, FirstBroken>> {
    let rows = storage.audit_rows().await?;
    Ok(match verify_chain(&rows) {
        Ok(()) => Ok(rows.len()),
        Err(Broken { seq, reason }) => Err(FirstBroken {
            row: usize::try_from(seq - 1)
                .ok()
                .and_then(|i| rows.get(i))
                .cloned(),
            seq,
            reason,
        }),
    })
}
