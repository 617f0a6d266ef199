//! The patient session as the UI sees it: what it asks, and what it kept to be resumed.

use super::{Answers, Language, PatientInstrument};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a session asks of the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SessionForm {
    /// FaCE.
    Face,
    /// FDI.
    Fdi,
    /// SAQ.
    Saq,
    /// Free-text side effects.
    SideEffects,
}

/// A patient session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// Session id (UUIDv7).
    pub session_id: String,
    /// Participant.
    pub participant: String,
    /// Time point.
    pub timepoint: String,
    /// The patient's language.
    pub language: Language,
    /// What the patient is asked, in order.
    pub forms: Vec<SessionForm>,
}

/// A patient session that is still open (interrupted by a lock or a restart of the app), for
/// staff to resume or end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OpenSession {
    /// Session id (UUIDv7).
    pub session_id: String,
    /// Participant.
    pub participant: String,
    /// Time point.
    pub timepoint: String,
    /// The patient's language.
    pub language: Language,
    /// Who started it (staff id).
    pub started_by: String,
    /// When it started (UTC, RFC 3339).
    pub started_at: String,
}

/// A session taken up again: what it asks and what was already sent in it (never asked again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ResumedSession {
    /// The session.
    pub session: Session,
    /// Forms of `session.forms` already saved in this session.
    pub submitted: Vec<SessionForm>,
}

/// Unsubmitted answers of one instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Draft {
    /// Instrument.
    pub instrument: PatientInstrument,
    /// Answers so far.
    pub answers: Answers,
}

/// What a session in progress has kept so far, to resume it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionDrafts {
    /// Unsubmitted answers, one entry per questionnaire.
    pub answers: Vec<Draft>,
    /// The side-effect text typed so far, if any.
    pub side_effects: Option<String>,
}
