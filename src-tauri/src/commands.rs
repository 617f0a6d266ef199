//! The Tauri commands: each takes the shared state and calls one `mimik_tablet` method.
//! Argument names are the UI's camelCase keys in snake_case (Tauri maps them).

use mimik_tablet::dto::*;
use mimik_tablet::{CommandResult, Shared};
use std::collections::BTreeMap;
use std::sync::Arc;
use tauri::State;

type Shell<'a> = State<'a, Arc<Shared>>;

#[tauri::command]
pub async fn app_state(state: Shell<'_>) -> CommandResult<AppState> {
    state.app().await.app_state()
}

#[tauri::command]
pub async fn init_store(
    state: Shell<'_>,
    staff_name: String,
    passphrase: String,
) -> CommandResult<InitStoreResult> {
    state.app().await.init_store(&staff_name, &passphrase)
}

#[tauri::command]
pub async fn unlock(state: Shell<'_>, passphrase: String) -> CommandResult<StaffMember> {
    state.app().await.unlock(&passphrase)
}

#[tauri::command]
pub async fn change_passphrase(state: Shell<'_>, passphrase: String) -> CommandResult<()> {
    state.app().await.change_passphrase(&passphrase)
}

#[tauri::command]
pub async fn set_pin(state: Shell<'_>, pin: String) -> CommandResult<()> {
    state.app().await.set_pin(&pin)
}

#[tauri::command]
pub async fn lock(state: Shell<'_>) -> CommandResult<()> {
    state.app().await.lock();
    Ok(())
}

#[tauri::command]
pub async fn enroll(
    state: Shell<'_>,
    server_url: String,
    code: String,
) -> CommandResult<EnrollResult> {
    state.enroll(&server_url, &code).await
}

#[tauri::command]
pub async fn list_participants(
    state: Shell<'_>,
    query: Option<String>,
) -> CommandResult<Vec<Participant>> {
    state.app().await.list_participants(query.as_deref())
}

#[tauri::command]
pub async fn add_participant(
    state: Shell<'_>,
    pseudonym: String,
    inclusion_date: String,
    surgery_date: Option<String>,
    botox_dates: Option<Vec<String>>,
) -> CommandResult<Participant> {
    let new = NewParticipant {
        pseudonym,
        inclusion_date,
        surgery_date,
        botox_dates: botox_dates.unwrap_or_default(),
    };
    state.app().await.add_participant(&new)
}

#[tauri::command]
pub async fn update_participant_dates(
    state: Shell<'_>,
    pseudonym: String,
    update: DatesUpdate,
) -> CommandResult<Participant> {
    state
        .app()
        .await
        .update_participant_dates(&pseudonym, &update)
}

#[tauri::command]
pub async fn content_pack(
    state: Shell<'_>,
    instrument: Instrument,
    language: Language,
) -> CommandResult<ContentPack> {
    state.app().await.content_pack(instrument, language)
}

#[tauri::command]
pub async fn start_session(
    state: Shell<'_>,
    participant: String,
    timepoint: String,
    language: Language,
) -> CommandResult<Session> {
    state
        .app()
        .await
        .start_session(&participant, &timepoint, language)
}

#[tauri::command]
pub async fn save_draft(
    state: Shell<'_>,
    session_id: String,
    instrument: PatientInstrument,
    answers: Answers,
) -> CommandResult<()> {
    state
        .app()
        .await
        .save_draft(&session_id, instrument, &answers)
}

#[tauri::command]
pub async fn open_sessions(state: Shell<'_>) -> CommandResult<Vec<OpenSession>> {
    state.app().await.open_sessions()
}

#[tauri::command]
pub async fn resume_session(state: Shell<'_>, session_id: String) -> CommandResult<ResumedSession> {
    state.app().await.resume_session(&session_id)
}

#[tauri::command]
pub async fn save_side_effect_draft(
    state: Shell<'_>,
    session_id: String,
    text: String,
) -> CommandResult<()> {
    state.app().await.save_side_effect_draft(&session_id, &text)
}

#[tauri::command]
pub async fn resume_draft(state: Shell<'_>, session_id: String) -> CommandResult<SessionDrafts> {
    state.app().await.resume_draft(&session_id)
}

#[tauri::command]
pub async fn submit_questionnaire(
    state: Shell<'_>,
    session_id: String,
    instrument: PatientInstrument,
    answers: Answers,
) -> CommandResult<SubmissionResult> {
    state
        .app()
        .await
        .submit_questionnaire(&session_id, instrument, &answers)
}

#[tauri::command]
pub async fn submit_side_effect(
    state: Shell<'_>,
    session_id: String,
    text: String,
) -> CommandResult<IdResult> {
    state.app().await.submit_side_effect(&session_id, &text)
}

#[tauri::command]
pub async fn end_session(
    state: Shell<'_>,
    session_id: String,
    passphrase: String,
) -> CommandResult<()> {
    state.app().await.end_session(&session_id, &passphrase)
}

#[tauri::command]
pub async fn sync_status(state: Shell<'_>) -> CommandResult<SyncSummary> {
    state.sync_status().await
}

#[tauri::command]
pub async fn sync_now(state: Shell<'_>) -> CommandResult<SyncSummary> {
    state.sync_now().await
}

#[tauri::command]
pub async fn score_preview(
    state: Shell<'_>,
    instrument: Instrument,
    answers: Answers,
) -> CommandResult<ScorePreview> {
    state.app().await.score_preview(instrument, &answers)
}

#[tauri::command]
pub async fn submit_clinician_form(
    state: Shell<'_>,
    participant: String,
    timepoint: String,
    instrument: Instrument,
    language: Language,
    answers: Answers,
) -> CommandResult<SubmissionResult> {
    state.app().await.submit_clinician_form(
        &participant,
        &timepoint,
        instrument,
        language,
        &answers,
    )
}

#[tauri::command]
pub async fn correct_clinician_form(
    state: Shell<'_>,
    supersedes: String,
    language: Language,
    answers: Answers,
    reason: String,
) -> CommandResult<SubmissionResult> {
    state
        .app()
        .await
        .correct_clinician_form(&supersedes, language, &answers, &reason)
}

#[tauri::command]
pub async fn participant_history(
    state: Shell<'_>,
    participant: String,
) -> CommandResult<Vec<HistoryEntry>> {
    state.app().await.participant_history(&participant)
}

#[tauri::command]
pub async fn eligibility_criteria(state: Shell<'_>) -> CommandResult<Vec<EligibilityCriterion>> {
    state.app().await.eligibility_criteria()
}

#[tauri::command]
pub async fn record_eligibility(
    state: Shell<'_>,
    participant: String,
    timepoint: String,
    checklist: BTreeMap<String, bool>,
) -> CommandResult<EligibilityResult> {
    state
        .app()
        .await
        .record_eligibility(&participant, &timepoint, &checklist)
}

#[tauri::command]
pub async fn pending_side_effects(state: Shell<'_>) -> CommandResult<Vec<PendingSideEffect>> {
    state.app().await.pending_side_effects()
}

#[tauri::command]
pub async fn grade_side_effect(
    state: Shell<'_>,
    side_effect_id: String,
    grade: ClavienDindoGrade,
    d: bool,
) -> CommandResult<IdResult> {
    state
        .app()
        .await
        .grade_side_effect(&side_effect_id, grade, d)
}

#[tauri::command]
pub async fn record_botox_count(
    state: Shell<'_>,
    participant: String,
    timepoint: String,
    count: u32,
) -> CommandResult<IdResult> {
    state
        .app()
        .await
        .record_botox_count(&participant, &timepoint, count)
}
