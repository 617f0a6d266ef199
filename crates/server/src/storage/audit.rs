//! The server's audit trail (issue 14 point 5): append-only, hash-chained rows. Its own trait, a
//! supertrait of [`Storage`](super::Storage), stamped out for both backends by
//! [`impl_audit_store`]. A change and its audit row are written in one transaction where the
//! change is a store method ([`append_audit_in`] inside that method); logins, logouts and
//! exports change nothing else and append on their own.
//!
//! The hash input is on disk: do not change [`AuditRow::content`] without a migration that
//! re-anchors the chain.

use crate::error::Result;
use async_trait::async_trait;
use mimik_domain::canonical;
use serde::Serialize;
use serde_json::{Value, json};

/// The `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub use crate::roles::Actor;

/// An audit row to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAudit {
    /// Who.
    pub actor: Actor,
    /// What: `login`, `login_failed`, `logout`, `export`, `device_revoked`, `user_added`, ….
    pub action: String,
    /// About what: a user, device, study, site or participant.
    pub subject: Option<String>,
    /// Why, where a person gave a reason.
    pub reason: Option<String>,
    /// The value before, where one changed.
    pub before: Option<Value>,
    /// The value after, where one changed.
    pub after: Option<Value>,
}

impl NewAudit {
    /// An entry without reason or values.
    pub fn new(actor: &Actor, action: &str, subject: Option<&str>) -> Self {
        NewAudit {
            actor: actor.clone(),
            action: action.to_owned(),
            subject: subject.map(str::to_owned),
            reason: None,
            before: None,
            after: None,
        }
    }

    /// With the value after the change.
    pub fn after(mut self, after: Value) -> Self {
        self.after = Some(after);
        self
    }

    /// With the value before the change.
    pub fn before(mut self, before: Value) -> Self {
        self.before = Some(before);
        self
    }
}

/// A stored audit row, as `audit export` writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRow {
    /// 1, 2, 3, … without gaps.
    pub seq: i64,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// Who.
    pub actor: String,
    /// In which role.
    pub role: String,
    /// What.
    pub action: String,
    /// About what.
    pub subject: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// Canonical JSON of the value before.
    pub before: Option<String>,
    /// Canonical JSON of the value after.
    pub after: Option<String>,
    /// The previous row's hash ([`GENESIS`] for the first).
    pub prev_hash: String,
    /// SHA-256 of [`AuditRow::content`].
    pub hash: String,
}

impl AuditRow {
    /// The row `entry` becomes after the row whose `(seq, hash)` is `last`, at `at`.
    pub fn next(last: Option<(i64, String)>, entry: &NewAudit, at: &str) -> AuditRow {
        let (seq, prev_hash) = last.unwrap_or((0, GENESIS.to_owned()));
        let text = |v: &Option<Value>| {
            v.as_ref().map(|v| {
                String::from_utf8_lossy(&canonical::to_vec(v).unwrap_or_default()).into_owned()
            })
        };
        let mut row = AuditRow {
            seq: seq + 1,
            at: at.to_owned(),
            actor: entry.actor.name.clone(),
            role: entry.actor.role.clone(),
            action: entry.action.clone(),
            subject: entry.subject.clone(),
            reason: entry.reason.clone(),
            before: text(&entry.before),
            after: text(&entry.after),
            prev_hash,
            hash: String::new(),
        };
        row.hash = row.computed_hash();
        row
    }

    /// What is hashed: every column but `hash`.
    fn content(&self) -> Value {
        json!({
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "role": self.role,
            "action": self.action,
            "subject": self.subject,
            "reason": self.reason,
            "before": self.before,
            "after": self.after,
            "prev_hash": self.prev_hash,
        })
    }

    /// SHA-256 of the canonical JSON of [`AuditRow::content`].
    pub fn computed_hash(&self) -> String {
        // Encoding a json! value cannot fail.
        canonical::sha256_hex(&canonical::to_vec(&self.content()).unwrap_or_default())
    }
}

/// The first row that does not verify, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Broken {
    /// The row's `seq` (for a missing row: the `seq` expected).
    pub seq: i64,
    /// `row missing`, `does not chain to the previous row` or `content does not match its hash`.
    pub reason: String,
}

/// Walk `rows` (in `seq` order) from the genesis.
pub fn verify_chain(rows: &[AuditRow]) -> std::result::Result<(), Broken> {
    let mut expected_prev = GENESIS.to_owned();
    for (index, row) in rows.iter().enumerate() {
        let expected_seq = index as i64 + 1;
        let broken = |reason: &str| Broken {
            seq: row.seq.min(expected_seq),
            reason: reason.to_owned(),
        };
        if row.seq != expected_seq {
            return Err(broken("row missing"));
        }
        if row.prev_hash != expected_prev {
            return Err(broken("does not chain to the previous row"));
        }
        if row.computed_hash() != row.hash {
            return Err(broken("content does not match its hash"));
        }
        expected_prev = row.hash.clone();
    }
    Ok(())
}

/// Where audit rows are kept.
#[async_trait]
pub trait AuditStore {
    /// Append one row on its own (an action that changes nothing else).
    async fn append_audit(&self, entry: &NewAudit) -> Result<AuditRow>;
    /// Every row, in `seq` order.
    async fn audit_rows(&self) -> Result<Vec<AuditRow>>;
}

/// Append `$entry` in the open write transaction `$tx` of `$self`'s backend; evaluates to the
/// stored [`AuditRow`]. PostgreSQL takes a lock on the table first, so two appends never read
/// the same last row (SQLite's `BEGIN IMMEDIATE` already serialises writers).
macro_rules! append_audit_in {
    ($self:expr, $tx:expr, $entry:expr) => {{
        if let Some(lock) = $self.audit_lock() {
            sqlx::query(lock).execute(&mut *$tx).await?;
        }
        let last: Option<(i64, String)> =
            sqlx::query_as("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&mut *$tx)
                .await?;
        let row = $crate::storage::AuditRow::next(last, $entry, &$crate::now());
        sqlx::query(
            "INSERT INTO audit (seq, at, actor, role, action, subject, reason, before_value, \
             after_value, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(row.seq)
        .bind(&row.at)
        .bind(&row.actor)
        .bind(&row.role)
        .bind(&row.action)
        .bind(&row.subject)
        .bind(&row.reason)
        .bind(&row.before)
        .bind(&row.after)
        .bind(&row.prev_hash)
        .bind(&row.hash)
        .execute(&mut *$tx)
        .await?;
        row
    }};
}

pub(crate) use append_audit_in;

macro_rules! impl_audit_store {
    ($backend:ty) => {
        #[async_trait::async_trait]
        impl $crate::storage::AuditStore for $backend {
            async fn append_audit(
                &self,
                entry: &$crate::storage::NewAudit,
            ) -> $crate::Result<$crate::storage::AuditRow> {
                let mut tx = self.begin_write().await?;
                let row = $crate::storage::audit::append_audit_in!(self, tx, entry);
                tx.commit().await?;
                Ok(row)
            }

            async fn audit_rows(&self) -> $crate::Result<Vec<$crate::storage::AuditRow>> {
                #[allow(clippy::type_complexity)]
                let rows: Vec<(
                    i64,
                    String,
                    String,
                    String,
                    String,
                    Option<String>,
                    Option<String>,
                    Option<String>,
                    Option<String>,
                    String,
                    String,
                )> = sqlx::query_as(
                    "SELECT seq, at, actor, role, action, subject, reason, before_value, \
                     after_value, prev_hash, hash FROM audit ORDER BY seq",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| $crate::storage::AuditRow {
                        seq: r.0,
                        at: r.1,
                        actor: r.2,
                        role: r.3,
                        action: r.4,
                        subject: r.5,
                        reason: r.6,
                        before: r.7,
                        after: r.8,
                        prev_hash: r.9,
                        hash: r.10,
                    })
                    .collect())
            }
        }
    };
}

pub(crate) use impl_audit_store;

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<AuditRow> {
        let actor = Actor {
            name: "ada".into(),
            role: "admin".into(),
        };
        let mut rows: Vec<AuditRow> = Vec::new();
        for i in 0..n {
            let last = rows.last().map(|r| (r.seq, r.hash.clone()));
            let entry = NewAudit::new(&actor, "login", Some(&format!("u{i}")));
            rows.push(AuditRow::next(last, &entry, "2026-12-08T00:00:00.000000Z"));
        }
        rows
    }

    #[test]
    fn a_chain_as_written_verifies() {
        assert_eq!(verify_chain(&chain(3)), Ok(()));
    }

    #[test]
    fn an_edited_row_is_reported_at_its_seq() {
        let mut rows = chain(3);
        rows[1].actor = "eve".into();
        assert_eq!(verify_chain(&rows).unwrap_err().seq, 2);
    }

    #[test]
    fn a_removed_row_and_a_rehashed_edit_are_both_reported() {
        let mut rows = chain(3);
        rows.remove(1);
        assert_eq!(
            verify_chain(&rows).unwrap_err(),
            Broken {
                seq: 2,
                reason: "row missing".into()
            }
        );
        let mut rows = chain(3);
        rows[1].reason = Some("forged".into());
        rows[1].hash = rows[1].computed_hash();
        let broken = verify_chain(&rows).unwrap_err();
        assert_eq!(
            (broken.seq, broken.reason.as_str()),
            (3, "does not chain to the previous row")
        );
    }
}
