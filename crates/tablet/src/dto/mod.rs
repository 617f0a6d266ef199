//! The data the tablet app's commands take and return, exactly as the UI sees it (camelCase
//! JSON). TypeScript declarations for `ui/src/ipc/` are rendered from these types
//! ([`super::typescript`]); change them only together with the UI.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

mod session;
pub use session::{Draft, OpenSession, ResumedSession, Session, SessionDrafts, SessionForm};

/// A language the study offers patients and the UI speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Swedish.
    Sv,
    /// English.
    En,
}

impl Language {
    /// The code stored with sessions and submissions.
    pub fn code(self) -> &'static str {
        match self {
            Language::Sv => "sv",
            Language::En => "en",
        }
    }

    /// The language for a stored code.
    pub fn from_code(code: &str) -> Option<Language> {
        match code {
            "sv" => Some(Language::Sv),
            "en" => Some(Language::En),
            _ => None,
        }
    }
}

/// The staff member who unlocked the tablet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StaffMember {
    /// Staff id (`anna.l`).
    pub id: String,
    /// What the screens show: the staff id (the tablet keeps no names).
    pub name: String,
    /// They unlocked with a short secret from an old store and must choose a passphrase
    /// (`change_passphrase`) before anything else.
    pub must_change_passphrase: bool,
    /// They have a quick-unlock PIN.
    pub has_pin: bool,
}

/// What the app shows first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppState {
    /// A store exists (otherwise: first-run set-up).
    pub initialized: bool,
    /// The store is open.
    pub unlocked: bool,
    /// The tablet is enrolled with a study server.
    pub enrolled: bool,
    /// Who unlocked it, while unlocked.
    pub staff: Option<StaffMember>,
    /// The screen is locked but the key is in memory: a staff PIN opens it.
    pub quick_unlock: bool,
}

/// The result of creating the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InitStoreResult {
    /// Shown once, to be written down: it is the only way in if every PIN is forgotten.
    pub recovery_key: String,
}

/// The result of enrolling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EnrollResult {
    /// The id the server gave this tablet.
    pub device_id: String,
}

/// Where a time point stands today: the names of `mimik_domain::study::schedule::DueStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TimepointStatus {
    /// Its window has not opened (or cannot be computed yet).
    NotYetDue,
    /// Inside its window, the target date not passed.
    Due,
    /// Past the target date, the window still open.
    Overdue,
    /// The window closed with forms missing.
    Missed,
    /// Every form it needs is saved.
    Done,
    /// Nothing to collect here (no tablet form, or the participant left the study).
    NotApplicable,
}

/// One time point of one participant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TimepointState {
    /// Time point id (`post_6m`).
    pub timepoint: String,
    /// Its status today.
    pub status: TimepointStatus,
    /// First day of the window (YYYY-MM-DD), when it can be computed.
    pub window_start: Option<String>,
    /// Last day of the window.
    pub window_end: Option<String>,
}

/// A participant with their schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    /// Pseudonym (`NT-001`).
    pub pseudonym: String,
    /// Inclusion date (YYYY-MM-DD).
    pub inclusion_date: String,
    /// Surgery date, once planned.
    pub surgery_date: Option<String>,
    /// Botox injection dates, oldest first.
    pub botox_dates: Vec<String>,
    /// The status a coordinator set on the server (`withdrawn`, …), as the last sync brought
    /// it; `None`: screened, no change recorded.
    pub status: Option<String>,
    /// The day that status took effect.
    pub status_date: Option<String>,
    /// Whether the participant left the study (nothing falls due, no new session).
    pub left_study: bool,
    /// Every time point, in protocol order.
    pub timepoints: Vec<TimepointState>,
}

/// A participant to register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewParticipant {
    /// Pseudonym, checked against the study's pattern.
    pub pseudonym: String,
    /// Inclusion date (YYYY-MM-DD).
    pub inclusion_date: String,
    /// Surgery date, if planned.
    #[serde(default)]
    #[ts(optional)]
    pub surgery_date: Option<String>,
    /// Botox injection dates so far.
    #[serde(default)]
    pub botox_dates: Vec<String>,
}

/// Study dates learned after registration: the surgery date once planned, Botox injections as
/// they are given. They move the schedule; nothing already recorded is removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DatesUpdate {
    /// The surgery date (YYYY-MM-DD), set or moved.
    #[serde(default)]
    #[ts(optional)]
    pub surgery_date: Option<String>,
    /// Botox injection dates to add.
    #[serde(default)]
    pub add_botox_dates: Vec<String>,
}

/// Questionnaires the patient answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum PatientInstrument {
    /// FaCE.
    Face,
    /// FDI.
    Fdi,
    /// SAQ.
    Saq,
}

/// Every instrument with a content pack: the domain's own type, exported to TypeScript as it is.
pub use mimik_domain::Instrument;

/// One answer, a code or one of FDI's two special answers: the domain's own types.
pub use mimik_domain::answers::{Answer as AnswerValue, SpecialAnswer};

/// Item id → answer; a missing item is absent or null.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Answers(pub BTreeMap<String, Option<AnswerValue>>);

/// One answer option of an item, labelled in full words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ContentOption {
    /// The value sent back as the answer.
    pub value: AnswerValue,
    /// Its label.
    pub label: String,
}

/// One item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ContentItem {
    /// Item id (`q1`).
    pub id: String,
    /// The question.
    pub text: String,
    /// Its answers.
    pub options: Vec<ContentOption>,
}

/// An instrument's wording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ContentPack {
    /// Instrument.
    pub instrument: Instrument,
    /// The language of the wording delivered: the study's own pack in the patient's language
    /// when it has one, otherwise the English reference wording.
    pub language: String,
    /// Title.
    pub title: String,
    /// Instructions.
    pub instructions: String,
    /// Recall period.
    pub recall: String,
    /// The pack's licence and provenance notice, to show with the wording; `None` for a
    /// reference pack's developer notice once the study has loaded a licensed pack.
    pub notice: Option<String>,
    /// A reference pack shipped for development and testing, not licensed wording.
    pub reference: bool,
    /// SHA-256 of the pack, stored with every submission.
    pub sha256: String,
    /// Items in order.
    pub items: Vec<ContentItem>,
}

/// Score name → value; `null` where it cannot be computed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Scores(pub BTreeMap<String, Option<f64>>);

/// A saved questionnaire or clinician form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SubmissionResult {
    /// Submission id.
    pub id: String,
    /// Its scores.
    pub scores: Scores,
}

/// A saved record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IdResult {
    /// Submission id.
    pub id: String,
}

/// The sync queue as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncSummary {
    /// Saved, not yet acknowledged by the server.
    pub pending: u32,
    /// Acknowledged with a matching receipt.
    pub acknowledged: u32,
    /// Refused by the server: kept here for the data manager, not retried.
    pub quarantined: u32,
    /// Age of the oldest pending item in seconds.
    pub oldest_pending_age_s: Option<u32>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    /// RFC 3339 UTC time of the last sync that finished without error.
    pub last_sync_at: Option<String>,
    /// A sync is running now.
    pub syncing: bool,
    /// The server revoked this tablet: it must be enrolled again with a new code (everything
    /// unsynced is kept and goes to the server after that).
    pub revoked: bool,
    /// The study bundle version in force (1: the one shipped with the app).
    pub bundle_version: u32,
    /// Why the last sync refused the server's study bundle (the one in force stays), if it did.
    pub bundle_refused: Option<String>,
}

/// Scores while a form is being filled in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ScorePreview {
    /// Scores so far.
    pub scores: Scores,
    /// Why a score is missing or flagged.
    pub notes: BTreeMap<String, String>,
    /// Sunnybrook: whether the composite meets the inclusion rule (absent until computable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub eligible: Option<bool>,
}

/// A side effect awaiting a Clavien-Dindo grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PendingSideEffect {
    /// Submission id of the side effect.
    pub id: String,
    /// Participant.
    pub participant: String,
    /// Time point.
    pub timepoint: String,
    /// The patient's words.
    pub text: String,
    /// When it was recorded (RFC 3339).
    pub created_at: String,
}

/// Clavien-Dindo grades (`none` = no complication): the domain's own type.
pub use mimik_domain::clavien_dindo::Grade as ClavienDindoGrade;

/// The recorded checklist's outcome, with the Sunnybrook rule applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EligibilityResult {
    /// Submission id of the record.
    pub id: String,
    /// Eligible, not eligible, or `null` while anything (Sunnybrook included) is unanswered.
    pub eligible: Option<bool>,
    /// Criteria (and `sunnybrook`) that make the patient ineligible.
    pub unmet: Vec<String>,
    /// Criteria (and `sunnybrook`) not answered yet.
    pub unanswered: Vec<String>,
}

/// One saved record of a participant, for the staff history and corrections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    /// Submission id.
    pub id: String,
    /// `questionnaire`, `clinician_form`, `side_effect`, `side_effect_grade`, `botox_count`,
    /// `eligibility` or `participant`.
    pub kind: String,
    /// Instrument, for questionnaires and clinician forms.
    pub instrument: Option<Instrument>,
    /// Time point.
    pub timepoint: Option<String>,
    /// When (RFC 3339 UTC).
    pub recorded_at: String,
    /// Who saved it.
    pub staff_id: String,
    /// The answers, for questionnaires and clinician forms.
    pub answers: Option<Answers>,
    /// Scores, for questionnaires and clinician forms.
    pub scores: Scores,
    /// The record this one corrects.
    pub supersedes: Option<String>,
    /// The later record that corrects this one.
    pub superseded_by: Option<String>,
    /// `pending`, `acknowledged` or `quarantined`.
    pub sync_state: String,
}
