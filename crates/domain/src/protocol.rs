//! Sync protocol v1 (DESIGN.md §5): the JSON documents exchanged between tablet and server,
//! the device signature, and the server's re-check of a submission with this same crate.
//! Everything here is on the wire: do not change it without a protocol version bump.

use crate::answers::validate;
use crate::bundle::{PackFile, SignedBundle};
pub use crate::content::RosterDates;
use crate::content::{COUNTING_PERIOD_MONTHS, Content, FormContent, MAX_BOTOX_COUNT, Source};
use crate::envelope::{Body, Envelope, EnvelopeError, Kind};
/// The request header a tablet names its bundle version in force with on `GET /v1/study`.
pub const BUNDLE_VERSION_HEADER: &str = "mimik-bundle-version";

pub use crate::problem::ProblemCode;
use crate::scoring::score;
use chrono::{DateTime, NaiveDate, Utc};
use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// At most this many envelopes in one `POST /v1/submissions`.
pub const MAX_BATCH_ITEMS: usize = 500;
/// At most this many bytes in one request body.
pub const MAX_REQUEST_BYTES: usize = 8 << 20;

/// The request limits a server enforces, advertised in the answers to enrollment, to every batch
/// and to `GET /v1/study`, and in the details of a 413 (`body_too_large`, `batch_too_large`), so
/// a tablet sizes its batches to fit (NL-8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// The largest request body, in bytes.
    pub max_request_bytes: usize,
    /// The most envelopes in one batch.
    pub max_batch_items: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_request_bytes: MAX_REQUEST_BYTES,
            max_batch_items: MAX_BATCH_ITEMS,
        }
    }
}

/// `POST /v1/enroll`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollRequest {
    /// The one-time code from `mimik-server enrollment-code`.
    pub code: String,
    /// The device's Ed25519 public key, lower-case hex (32 bytes).
    pub public_key: String,
}

/// Answer to an enrollment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollResponse {
    /// The device id to put in every envelope.
    pub device_id: String,
    /// Bearer token for every later request; the server keeps only its hash.
    pub token: String,
    /// The site the code was made for.
    pub site: String,
    /// The server's request limits (`None` from a server that does not say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<Limits>,
    /// The public key that signs the study's bundles, lower-case hex: the tablet pins it
    /// (`None` from servers older than bundles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle_public_key: Option<String>,
}

/// `POST /v1/submissions` (with `Authorization: Bearer <token>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// The envelopes, each exactly as stored on the tablet.
    pub envelopes: Vec<Envelope>,
}

/// What the server did with one envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// New, committed.
    Stored,
    /// Same id and hash already stored: success.
    Duplicate,
    /// Same id, other hash: kept for review, never overwrites.
    Conflict,
    /// Refused (see `reason`); nothing stored.
    Rejected,
}

/// The receipt for one envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The envelope's id.
    pub id: String,
    /// What happened.
    pub status: ItemStatus,
    /// The hash the server holds for this id (echo of `body_sha256` when stored/duplicate).
    pub body_sha256: Option<String>,
    /// Why, for `rejected` and `conflict`.
    pub reason: Option<ApiError>,
}

/// A run of missing `device_seq` numbers the server has not received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeqGap {
    /// First missing.
    pub from: u64,
    /// Last missing.
    pub to: u64,
}

/// Answer to a batch: one receipt per envelope, in order; committed before it is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResponse {
    /// Receipts, in the order of the request.
    pub receipts: Vec<Receipt>,
    /// Gaps in this device's `device_seq` as the server sees them after this batch.
    pub gaps: Vec<SeqGap>,
    /// The highest `device_seq` the server holds for this device after this batch (`None` from
    /// a server that does not say). With `gaps` it tells a tablet what a server restored from
    /// an older backup has lost, so the tablet can send it again (RELIABILITY.md, "Faults").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_device_seq: Option<u64>,
    /// The server's request limits (`None` from a server that does not say), so a tablet sizes
    /// its next batch to fit before it sends it: a request refused as too large is cut off
    /// mid-send, and the tablet may see only a broken connection, not the 413.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<Limits>,
}

/// Every error body: a stable code, a message for a person, details for a program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// Stable code, from the catalogue of [`ProblemCode`].
    pub code: ProblemCode,
    /// What happened and what to do.
    pub message: String,
    /// Anything structured (issues, limits).
    #[serde(default)]
    pub details: Value,
}

impl ApiError {
    /// An error with no details.
    pub fn new(code: ProblemCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            details: Value::Null,
        }
    }
}

/// One participant on the roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterEntry {
    /// Pseudonym.
    pub pseudonym: String,
    /// Inclusion date.
    pub inclusion_date: NaiveDate,
    /// Surgery date.
    pub surgery_date: Option<NaiveDate>,
    /// Botox injection dates.
    pub botox_dates: Vec<NaiveDate>,
    /// The status a coordinator set on the server, when one was (none: screened). Absent from
    /// servers older than participant status, and ignored by older tablets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<crate::study::status::StatusOn>,
}

/// `GET /v1/study` (with an `ETag`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudyResponse {
    /// The study protocol file text (`studies/<id>.toml`).
    pub study_toml: String,
    /// Every participant registered on any tablet.
    pub roster: Vec<RosterEntry>,
    /// Content packs.
    pub content_packs: Vec<PackFile>,
    /// When the server composed this answer.
    pub generated_at: DateTime<Utc>,
    /// The server's request limits (absent from servers older than this field).
    #[serde(default)]
    pub limits: Option<Limits>,
    /// The study's newest signed bundle (absent from servers older than bundles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle: Option<SignedBundle>,
}

/// Check an envelope's Ed25519 signature against the enrolled device key (hex).
pub fn verify_signature(envelope: &Envelope, public_key_hex: &str) -> Result<(), EnvelopeError> {
    let decode = |hex: &str| data_encoding::HEXLOWER.decode(hex.as_bytes()).ok();
    let key: [u8; 32] = decode(public_key_hex)
        .and_then(|b| b.try_into().ok())
        .ok_or(EnvelopeError::BadSignature)?;
    let signature: [u8; 64] = decode(&envelope.signature)
        .and_then(|b| b.try_into().ok())
        .ok_or(EnvelopeError::BadSignature)?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| EnvelopeError::BadSignature)?;
    key.verify_strict(
        &envelope.signing_payload(),
        &Signature::from_bytes(&signature),
    )
    .map_err(|_| EnvelopeError::BadSignature)
}

/// Why the server refuses a body that hashed and signed correctly.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RecheckError {
    /// The body's content is not what its kind requires.
    #[error("{0}")]
    Invalid(String),
    /// An algorithm version this server does not run.
    #[error("algorithm {0:?} is not supported by this server: upgrade the server first")]
    UnknownAlgorithm(String),
    /// The tablet's scores differ from the server's (NL-4).
    #[error("the submitted scores differ from the server's: {0}")]
    ScoreMismatch(String),
}

/// The server's re-check of a body, with the same rules the tablet used: answers re-validated,
/// scores recomputed and compared exactly (NL-4), free text and grades re-parsed.
pub fn recheck(body: &Body) -> Result<(), RecheckError> {
    let invalid = |what: &str| RecheckError::Invalid(what.to_owned());
    match (&body.content, body.kind) {
        (Content::Form(form), Kind::Questionnaire | Kind::ClinicianForm) => {
            let instrument = form.instrument;
            if instrument.is_patient_reported() != (body.kind == Kind::Questionnaire) {
                return Err(invalid("the kind does not match the instrument"));
            }
            if form.algorithm != instrument.algorithm() {
                return Err(RecheckError::UnknownAlgorithm(
                    form.algorithm.chars().take(20).collect(),
                ));
            }
            let answers = validate(instrument, &form.answers).map_err(|issues| {
                RecheckError::Invalid(format!("{} invalid answer(s)", issues.len()))
            })?;
            let ours = score(&answers, form.missing).values_json();
            if ours != Value::Object(form.scores.clone()) {
                return Err(RecheckError::ScoreMismatch(format!(
                    "server computed {ours}"
                )));
            }
            check_source(body, form)
        }
        (Content::SideEffect(effect), Kind::SideEffect) => {
            crate::side_effect::SideEffectText::new(&effect.text)
                .map_err(|e| RecheckError::Invalid(e.to_string()))?;
            Ok(())
        }
        (Content::NoSideEffects(_), Kind::NoSideEffects)
        | (Content::Eligibility(_), Kind::Eligibility)
        | (Content::Participant(_), Kind::Participant) => Ok(()),
        (Content::SideEffectGrade(grade), Kind::SideEffectGrade) => {
            crate::clavien_dindo::Grading::parse(&grade.grade, grade.present_at_discharge)
                .map_err(|e| RecheckError::Invalid(e.to_string()))?;
            Ok(())
        }
        (Content::BotoxCount(count), Kind::BotoxCount) => {
            if count.count > MAX_BOTOX_COUNT {
                return Err(RecheckError::Invalid(format!(
                    "count must be a whole number 0–{MAX_BOTOX_COUNT}"
                )));
            }
            match count.counting_period_months {
                Some(months) if !COUNTING_PERIOD_MONTHS.contains(&months) => {
                    Err(invalid("counting_period_months must be 1–120"))
                }
                _ => Ok(()),
            }
        }
        _ => Err(invalid("the content does not match the kind")),
    }
}

/// A form's `source` (absent: the tablet) and, for a paper form, the day it was filled in, which
/// cannot be later than the day it was typed in (a day's grace for time zones).
fn check_source(body: &Body, form: &FormContent) -> Result<(), RecheckError> {
    match (form.source(), form.completed_on) {
        (Source::Tablet, None) => Ok(()),
        (Source::Paper, Some(day)) => {
            if day > body.recorded_at.date_naive() + chrono::Days::new(1) {
                return Err(RecheckError::Invalid(
                    "completed_on is later than the form was recorded".into(),
                ));
            }
            Ok(())
        }
        _ => Err(RecheckError::Invalid(
            "source must be tablet, or paper with its completed_on date".into(),
        )),
    }
}
