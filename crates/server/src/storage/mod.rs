//! One storage trait for the server, with an SQLite ([`sqlite`]) and a PostgreSQL ([`postgres`])
//! backend. The backend is chosen once, in [`open`], from the `--db` URL; everything above this
//! module sees only `Arc<dyn Storage>`.
//!
//! Both backends run the same SQL text ([`sql`]): a portable subset with `$n` parameters,
//! `ON CONFLICT DO NOTHING`, text times and 64-bit integers. Only connecting, migrating and how a
//! write transaction begins differ.

pub mod audit;
mod bundles;
mod gaps;
pub mod keyfile;
pub mod postgres;
mod queries;
mod rows;
mod sites;
mod sql;
pub mod sqlite;
mod statuses;
pub mod users;

pub use audit::{Actor, AuditRow, AuditStore, NewAudit};
pub use bundles::{BundleRow, BundleStore};
pub use gaps::gaps_from_boundaries;
pub use queries::{QueryEventRow, QueryRow, QueryStore};
pub use sites::{SiteRow, SiteStore};
pub use statuses::{StatusRow, StatusStore};
pub use users::{Credentials, UserRow, UserStore};

use crate::error::{Error, Result};
use async_trait::async_trait;
use mimik_domain::problem::ProblemCode;
use mimik_domain::protocol::{ItemStatus, SeqGap};
use std::path::Path;
use std::sync::Arc;

/// An enrolled tablet, as the token check sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// `dev-<uuid v7>`.
    pub id: String,
    /// The study of the enrollment code.
    pub study: String,
    /// The site of the enrollment code.
    pub site: String,
    /// Ed25519 public key, lower-case hex.
    pub public_key: String,
    /// Set once revoked; the token is refused from then on.
    pub revoked_at: Option<String>,
}

/// A device for the coordinator's device page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSummary {
    /// The device.
    pub id: String,
    /// Its study.
    pub study: String,
    /// Its site.
    pub site: String,
    /// When it enrolled.
    pub enrolled_at: String,
    /// Its last authenticated request.
    pub last_seen_at: Option<String>,
    /// When it was revoked.
    pub revoked_at: Option<String>,
    /// Submissions stored from it.
    pub submissions: i64,
    /// Its highest stored `device_seq` (0 when none).
    pub max_seq: i64,
    /// The bundle version in force on it at its last study request (`None` before it said).
    pub bundle_version: Option<i64>,
}

/// A new enrollment code (only its hash is stored).
#[derive(Debug, Clone)]
pub struct NewCode {
    /// SHA-256 of the normalised code.
    pub code_sha256: String,
    /// The study the device will belong to.
    pub study: String,
    /// The site (of that study) the device will belong to.
    pub site: String,
    /// Now.
    pub created_at: String,
    /// When it stops working.
    pub expires_at: String,
}

/// A device being enrolled.
#[derive(Debug, Clone)]
pub struct NewDevice {
    /// `dev-<uuid v7>`.
    pub id: String,
    /// Ed25519 public key, lower-case hex.
    pub public_key: String,
    /// SHA-256 of the bearer token.
    pub token_sha256: String,
    /// Now.
    pub enrolled_at: String,
}

/// An envelope that passed every check, ready to store. Everything but `received_at` comes
/// from the envelope or its checked body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// Submission id (UUIDv7, hyphenated).
    pub id: String,
    /// `device_seq` (checked to fit an i64 and be ≥ 1).
    pub device_seq: i64,
    /// Envelope kind.
    pub kind: String,
    /// Pseudonym.
    pub participant: String,
    /// Time point, for kinds that have one.
    pub timepoint: Option<String>,
    /// Instrument, for questionnaires and clinician forms.
    pub instrument: Option<String>,
    /// Scoring algorithm, for questionnaires and clinician forms.
    pub algorithm: Option<String>,
    /// When it was completed (RFC 3339 UTC).
    pub recorded_at: String,
    /// Device UTC offset at that moment.
    pub utc_offset_minutes: i64,
    /// Envelope `created_at` (RFC 3339 UTC).
    pub created_at: String,
    /// The canonical body text, exactly as received.
    pub body: String,
    /// Its SHA-256.
    pub body_sha256: String,
    /// The device signature.
    pub signature: String,
}

/// What the store did with one [`Incoming`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// `Stored`, `Duplicate` or `Conflict` (never `Rejected`: those never reach storage).
    pub status: ItemStatus,
    /// The hash the server holds for this id, if any.
    pub stored_sha256: Option<String>,
    /// For conflicts: `same_id_other_body` or `device_seq_taken`.
    pub conflict_reason: Option<ProblemCode>,
}

/// A batch's result: one outcome per item, in order, and the device's gaps after the commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchOutcome {
    /// In the order of the items.
    pub outcomes: Vec<Outcome>,
    /// Missing `device_seq` ranges of the device.
    pub gaps: Vec<SeqGap>,
    /// The highest `device_seq` stored for the device, if any.
    pub last_seq: Option<u64>,
}

/// A stored submission as read back for exports and pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSubmission {
    /// Id.
    pub id: String,
    /// Device.
    pub device_id: String,
    /// Per-device counter.
    pub device_seq: i64,
    /// Kind.
    pub kind: String,
    /// Pseudonym.
    pub participant: String,
    /// Time point.
    pub timepoint: Option<String>,
    /// Instrument.
    pub instrument: Option<String>,
    /// Algorithm.
    pub algorithm: Option<String>,
    /// Completed at (UTC).
    pub recorded_at: String,
    /// Device offset.
    pub utc_offset_minutes: i64,
    /// Envelope `created_at`.
    pub created_at: String,
    /// Server receive time.
    pub received_at: String,
    /// Canonical body.
    pub body: String,
    /// Its hash.
    pub body_sha256: String,
    /// The study of the device that sent it (joined from `devices`, not stored per row).
    pub study: String,
    /// The site of the device that sent it (joined from `devices`, not stored per row).
    pub site: String,
}

/// How far ahead of the server's clock a tablet's clock may be before its times are flagged.
pub const CLOCK_SKEW: chrono::Duration = chrono::Duration::minutes(10);

impl StoredSubmission {
    /// Whether the row claims a time (`recorded_at` or `created_at`) later than its receipt
    /// plus [`CLOCK_SKEW`]: a tablet clock set to 2099 (issue 13 item 8).
    pub fn future_dated(&self) -> bool {
        let parse = |text: &str| text.parse::<chrono::DateTime<chrono::Utc>>().ok();
        let Some(received) = parse(&self.received_at) else {
            return false;
        };
        let limit = received + CLOCK_SKEW;
        [&self.recorded_at, &self.created_at]
            .into_iter()
            .filter_map(|t| parse(t))
            .any(|t| t > limit)
    }
}

/// A conflict kept for review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictRow {
    /// The envelope's id.
    pub submission_id: String,
    /// Its device.
    pub device_id: String,
    /// Its `device_seq`.
    pub device_seq: i64,
    /// Its kind.
    pub kind: String,
    /// `same_id_other_body` or `device_seq_taken`.
    pub reason: String,
    /// The hash the server already holds for the id, if any.
    pub stored_sha256: Option<String>,
    /// The hash that arrived.
    pub received_sha256: String,
    /// When it arrived.
    pub received_at: String,
}

/// The server's storage. Every method is one short transaction or a read; [`Storage::store_batch`]
/// commits before it returns, so a caller that answers afterwards answers only for durable data.
#[async_trait]
pub trait Storage:
    AuditStore
    + BundleStore
    + QueryStore
    + SiteStore
    + StatusStore
    + UserStore
    + Send
    + Sync
    + std::fmt::Debug
{
    /// Whether the database answers.
    async fn health(&self) -> Result<()>;
    /// Save a one-time enrollment code (its hash).
    async fn add_enrollment_code(&self, code: &NewCode, audit: &NewAudit) -> Result<()>;
    /// Use up a code and register the device, atomically. `None` when the code is unknown,
    /// used or expired at `now`; otherwise its `(study, site)`.
    async fn enroll(
        &self,
        code_sha256: &str,
        now: &str,
        device: &NewDevice,
    ) -> Result<Option<(String, String)>>;
    /// The device holding this token hash.
    async fn device_by_token(&self, token_sha256: &str) -> Result<Option<Device>>;
    /// Record an authenticated request.
    async fn touch_device(&self, device_id: &str, now: &str) -> Result<()>;
    /// Record the bundle version a device says is in force on it.
    async fn record_bundle_version(&self, device_id: &str, version: i64) -> Result<()>;
    /// Revoke a device and audit it; false when there is no such device. Revoking a revoked
    /// device changes and audits nothing.
    async fn revoke_device(&self, device_id: &str, now: &str, audit: &NewAudit) -> Result<bool>;
    /// Store checked envelopes of one device in one transaction (see [`Outcome`]).
    async fn store_batch(
        &self,
        device_id: &str,
        items: &[Incoming],
        received_at: &str,
    ) -> Result<BatchOutcome>;
    /// The device's missing `device_seq` ranges.
    async fn gaps(&self, device_id: &str) -> Result<Vec<SeqGap>>;
    /// Every device, by id.
    async fn devices(&self) -> Result<Vec<DeviceSummary>>;
    /// Every stored submission, by id (UUIDv7 order is creation order).
    async fn submissions(&self) -> Result<Vec<StoredSubmission>>;
    /// Every stored submission of one kind, by id.
    async fn submissions_of_kind(&self, kind: &str) -> Result<Vec<StoredSubmission>>;
    /// Every conflict, oldest first.
    async fn conflicts(&self) -> Result<Vec<ConflictRow>>;
    /// Close every database connection and wait until they are closed. Call it before the
    /// process exits: an SQLite connection still closing on its own thread while SQLCipher's
    /// exit handler tears down its state crashed the process (exit 139, about 2 in 100 runs).
    async fn close(&self);
}

/// Open the storage named by `db` (a `postgres://`/`postgresql://` or `sqlite://` URL), or an
/// SQLite file `mimik-server.db` in `data_dir` when `db` is `None`; migrate it to the current
/// schema. This is the one place the backend is chosen.
pub async fn open(data_dir: &Path, db: Option<&str>) -> Result<Arc<dyn Storage>> {
    open_with_key_file(data_dir, db, None).await
}

/// [`open`], with the SQLite database key from `key_file` instead of `DIR/mimik-server.key`.
pub async fn open_with_key_file(
    data_dir: &Path,
    db: Option<&str>,
    key_file: Option<&Path>,
) -> Result<Arc<dyn Storage>> {
    keyfile::private_dir(data_dir)?;
    match db {
        None => {
            let key = keyfile::load_or_create(data_dir, key_file)?;
            let path = data_dir.join("mimik-server.db");
            Ok(Arc::new(
                sqlite::SqliteStorage::open_file(&path, &key).await?,
            ))
        }
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Ok(Arc::new(postgres::PostgresStorage::connect(url).await?))
        }
        Some(url) if url.starts_with("sqlite:") => {
            let key = keyfile::load_or_create(data_dir, key_file)?;
            Ok(Arc::new(sqlite::SqliteStorage::connect(url, &key).await?))
        }
        Some(other) => Err(Error::UnsupportedDatabase(
            other
                .split('@')
                .next_back()
                .unwrap_or_default()
                .chars()
                .take(60)
                .collect(),
        )),
    }
}
