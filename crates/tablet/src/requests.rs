//! The request object of each command that takes input (see `command_list.rs`). A command takes
//! exactly one: the UI sends `{ request: { …camelCase keys… } }`, and a key the Rust type does not
//! know is refused instead of ignored. Requests that carry a secret do not derive `Debug`.

use crate::dto::{
    Answers, ClavienDindoGrade, DatesUpdate, Instrument, Language, PatientInstrument,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use ts_rs::TS;

/// `Debug` that names the type and nothing of what it holds (passphrases, PINs, patient words).
macro_rules! redacted_debug {
    ($($t:ident),*) => {$(
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($t), " { .. }"))
            }
        }
    )*};
}
redacted_debug!(
    InitStoreRequest,
    PassphraseRequest,
    SetPinRequest,
    SideEffectTextRequest,
    EndSessionRequest
);

/// Create the store with its first staff member.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InitStoreRequest {
    /// The first staff member's name.
    pub staff_name: String,
    /// Their passphrase (it opens a key slot).
    pub passphrase: String,
}

/// A staff passphrase: to unlock, or the new one when changing it.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PassphraseRequest {
    /// The passphrase (or, on a locked screen whose key is held, the PIN).
    pub passphrase: String,
}

/// A new quick-unlock PIN for the staff member signed in.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetPinRequest {
    /// 6–12 digits.
    pub pin: String,
}

/// Enroll with a study server.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnrollRequest {
    /// `https://…`, or `http://` for a loopback address only.
    pub server_url: String,
    /// The one-time code from the study coordinator.
    pub code: String,
}

/// Search the roster.
#[derive(Debug, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListParticipantsRequest {
    /// Part of a pseudonym; absent lists everyone.
    #[serde(default)]
    #[ts(optional)]
    pub query: Option<String>,
}

/// Dates learned after registration.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateDatesRequest {
    /// Whose dates.
    pub pseudonym: String,
    /// What to set or add.
    pub update: DatesUpdate,
}

/// A content pack in a language.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContentPackRequest {
    /// Which instrument.
    pub instrument: Instrument,
    /// Which wording.
    pub language: Language,
    /// The patient session it is shown in: its wording comes from the bundle the session
    /// started under.
    #[serde(default)]
    pub session_id: Option<String>,
}

/// Start a patient session.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StartSessionRequest {
    /// The participant's pseudonym.
    pub participant: String,
    /// The time point id.
    pub timepoint: String,
    /// The patient's language.
    pub language: Language,
}

/// A questionnaire's answers in the session in progress: as a draft, or to submit.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnswersRequest {
    /// The session.
    pub session_id: String,
    /// Which questionnaire.
    pub instrument: PatientInstrument,
    /// Item id → answer.
    pub answers: Answers,
}

/// One session, by id.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SessionRequest {
    /// The session.
    pub session_id: String,
}

/// The side-effect text of the session in progress: as a draft, or to submit.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SideEffectTextRequest {
    /// The session.
    pub session_id: String,
    /// The patient's words (never logged).
    pub text: String,
}

/// Leave patient mode: staff confirm with their passphrase or PIN.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EndSessionRequest {
    /// The session.
    pub session_id: String,
    /// The staff passphrase or PIN.
    pub passphrase: String,
}

/// Scores of answers not yet saved.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScorePreviewRequest {
    /// Which instrument.
    pub instrument: Instrument,
    /// Item id → answer.
    pub answers: Answers,
}

/// A clinician form for a participant's time point.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClinicianFormRequest {
    /// The participant's pseudonym.
    pub participant: String,
    /// The time point id.
    pub timepoint: String,
    /// Which form.
    pub instrument: Instrument,
    /// The wording the form was filled in with.
    pub language: Language,
    /// Item id → answer.
    pub answers: Answers,
}

/// A correction of a saved clinician form.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CorrectionRequest {
    /// The submission it supersedes.
    pub supersedes: String,
    /// The wording the form was filled in with.
    pub language: Language,
    /// The corrected answers, complete.
    pub answers: Answers,
    /// Why (kept with the record).
    pub reason: String,
}

/// One participant, by pseudonym.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParticipantRequest {
    /// The participant's pseudonym.
    pub participant: String,
}

/// The eligibility checklist as staff filled it in.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EligibilityRequest {
    /// The participant's pseudonym.
    pub participant: String,
    /// The time point id.
    pub timepoint: String,
    /// Criterion id → whether the statement holds; unanswered ids are left out.
    pub checklist: BTreeMap<String, bool>,
}

/// A Clavien-Dindo grade for a reported side effect.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GradeRequest {
    /// The side-effect submission graded.
    pub side_effect_id: String,
    /// The grade.
    pub grade: ClavienDindoGrade,
    /// The "d" suffix: still present at discharge.
    pub d: bool,
}

/// A Botox injection count.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BotoxCountRequest {
    /// The participant's pseudonym.
    pub participant: String,
    /// The time point id.
    pub timepoint: String,
    /// Injections counted.
    pub count: u32,
}
