//! `mimik verify`: SQLite and SQLCipher integrity, the audit chain, the append-only rules,
//! gap-free `device_seq`, and every stored body against its hash (NL-4, NL-6, NL-7).

use super::{Store, audit, quarantine_on_integrity_failure};
use crate::error::{Error, Result};
use mimik_domain::canonical::sha256_hex;
use serde::Serialize;

/// One check's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// What was checked.
    pub name: &'static str,
    /// Whether it passed.
    pub ok: bool,
    /// What was found.
    pub detail: String,
}

/// All checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Every check passed.
    pub ok: bool,
    /// The checks in order.
    pub checks: Vec<Check>,
}

const TRIGGERS: [&str; 6] = [
    "submissions_are_append_only_update",
    "submissions_are_append_only_delete",
    "submissions_device_seq_has_no_gaps",
    "audit_is_append_only_update",
    "audit_is_append_only_delete",
    "audit_seq_has_no_gaps",
];

impl Store {
    /// Run every check. A failed check quarantines the store (it takes no more writes) and is
    /// reported; an unreadable page is an error.
    pub fn verify(&self) -> Result<VerifyReport> {
        let c = &self.conn;
        let result = (|| -> Result<Vec<Check>> {
            let mut checks = Vec::new();

            // A page that fails its HMAC makes these pragmas error out (SQLCipher reports it as a
            // generic SQLITE_ERROR) rather than list it: unreadable pages are a failed check.
            let pragma_rows = |sql: &str| -> std::result::Result<Vec<String>, String> {
                let mut stmt = c.prepare(sql).map_err(|e| e.to_string())?;
                let rows = stmt
                    .query_map([], |r| r.get(0))
                    .map_err(|e| e.to_string())?;
                rows.collect::<rusqlite::Result<Vec<String>>>()
                    .map_err(|e| e.to_string())
            };
            let cipher = pragma_rows("PRAGMA cipher_integrity_check");
            checks.push(Check {
                name: "cipher_integrity_check",
                ok: cipher.as_ref().is_ok_and(Vec::is_empty),
                detail: match cipher {
                    Ok(rows) if rows.is_empty() => "every page authenticates".into(),
                    Ok(rows) => rows.join("; "),
                    Err(e) => format!("pages could not be read: {e}"),
                },
            });
            let integrity = pragma_rows("PRAGMA integrity_check");
            checks.push(Check {
                name: "integrity_check",
                ok: integrity.as_ref().is_ok_and(|rows| rows == &["ok"]),
                detail: match integrity {
                    Ok(rows) => rows.join("; "),
                    Err(e) => format!("pages could not be read: {e}"),
                },
            });
            if checks.iter().any(|check| !check.ok) {
                // The other checks read the same damaged pages; report what we know.
                return Ok(checks);
            }

            let chain = audit::verify(c)?;
            checks.push(Check {
                name: "audit_chain",
                ok: chain.is_none(),
                detail: match chain {
                    None => format!("{} rows chain", audit::count(c)?),
                    Some((seq, why)) => format!("audit row {seq}: {why}"),
                },
            });

            let present: Vec<String> = c
                .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let missing: Vec<&str> = TRIGGERS
                .iter()
                .copied()
                .filter(|t| !present.iter().any(|p| p == t))
                .collect();
            checks.push(Check {
                name: "append_only_triggers",
                ok: missing.is_empty(),
                detail: if missing.is_empty() {
                    "present".into()
                } else {
                    format!("missing: {}", missing.join(", "))
                },
            });

            let (count, max): (i64, i64) = c.query_row(
                "SELECT count(*), COALESCE(MAX(device_seq), 0) FROM submissions",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            checks.push(Check {
                name: "device_seq_gap_free",
                ok: count == max,
                detail: format!("{count} submissions, device_seq 1..{max}"),
            });

            let mut bad = Vec::new();
            let mut stmt = c.prepare(
                "SELECT device_seq, body, body_sha256 FROM submissions ORDER BY device_seq",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let body: Vec<u8> = r.get(1)?;
                let stored: String = r.get(2)?;
                if sha256_hex(&body) != stored {
                    bad.push(r.get::<_, i64>(0)?.to_string());
                }
            }
            checks.push(Check {
                name: "body_hashes",
                ok: bad.is_empty(),
                detail: if bad.is_empty() {
                    format!("{count} bodies match")
                } else {
                    format!("device_seq {} altered", bad.join(", "))
                },
            });

            let outbox_rows: i64 = c.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?;
            checks.push(Check {
                name: "outbox_complete",
                ok: outbox_rows == count,
                detail: format!("{outbox_rows} outbox rows for {count} submissions"),
            });
            Ok(checks)
        })();
        let checks = result.map_err(|e| quarantine_on_integrity_failure(&self.dir, e))?;
        let ok = checks.iter().all(|c| c.ok);
        if !ok {
            let failed: Vec<&str> = checks.iter().filter(|c| !c.ok).map(|c| c.name).collect();
            let _ = quarantine_on_integrity_failure(
                &self.dir,
                Error::Tampered(format!("verify failed: {}", failed.join(", "))),
            );
        }
        Ok(VerifyReport { ok, checks })
    }
}
