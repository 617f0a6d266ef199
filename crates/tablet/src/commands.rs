//! One function per command of `command_list.rs`, in its order: each takes the shared state and
//! the command's request and calls one method of [`App`](crate::App) or [`Shared`]. The shell's
//! Tauri commands are generated from the list and call these, so the compiler checks that the
//! list, these signatures and the shell agree; [`call_json`], which runs a command by name as the
//! shell would, checks it without the shell.

use crate::dto::*;
use crate::requests::*;
use crate::study_plan::*;
use crate::{CommandResult, ErrorCode, Shared};

pub async fn app_state(s: &Shared) -> CommandResult<AppState> {
    s.app().await.app_state()
}

pub async fn init_store(s: &Shared, r: InitStoreRequest) -> CommandResult<InitStoreResult> {
    s.app().await.init_store(&r.staff_name, &r.passphrase)
}

pub async fn unlock(s: &Shared, r: PassphraseRequest) -> CommandResult<StaffMember> {
    s.app().await.unlock(&r.passphrase)
}

pub async fn change_passphrase(s: &Shared, r: PassphraseRequest) -> CommandResult<()> {
    s.app().await.change_passphrase(&r.passphrase)
}

pub async fn set_pin(s: &Shared, r: SetPinRequest) -> CommandResult<()> {
    s.app().await.set_pin(&r.pin)
}

pub async fn lock(s: &Shared) -> CommandResult<()> {
    s.app().await.lock();
    Ok(())
}

pub async fn enroll(s: &Shared, r: EnrollRequest) -> CommandResult<EnrollResult> {
    s.enroll(&r.server_url, &r.code).await
}

pub async fn list_participants(
    s: &Shared,
    r: ListParticipantsRequest,
) -> CommandResult<Vec<Participant>> {
    s.app().await.list_participants(r.query.as_deref())
}

pub async fn add_participant(s: &Shared, r: NewParticipant) -> CommandResult<Participant> {
    s.app().await.add_participant(&r)
}

pub async fn update_participant_dates(
    s: &Shared,
    r: UpdateDatesRequest,
) -> CommandResult<Participant> {
    s.app()
        .await
        .update_participant_dates(&r.pseudonym, &r.update)
}

pub async fn content_pack(s: &Shared, r: ContentPackRequest) -> CommandResult<ContentPack> {
    s.app()
        .await
        .content_pack(r.instrument, r.language, r.session_id.as_deref())
}

pub async fn start_session(s: &Shared, r: StartSessionRequest) -> CommandResult<Session> {
    s.app()
        .await
        .start_session(&r.participant, &r.timepoint, r.language)
}

pub async fn save_draft(s: &Shared, r: AnswersRequest) -> CommandResult<()> {
    s.app()
        .await
        .save_draft(&r.session_id, r.instrument, &r.answers)
}

pub async fn open_sessions(s: &Shared) -> CommandResult<Vec<OpenSession>> {
    s.app().await.open_sessions()
}

pub async fn resume_session(s: &Shared, r: SessionRequest) -> CommandResult<ResumedSession> {
    s.app().await.resume_session(&r.session_id)
}

pub async fn save_side_effect_draft(s: &Shared, r: SideEffectTextRequest) -> CommandResult<()> {
    s.app().await.save_side_effect_draft(&r.session_id, &r.text)
}

pub async fn resume_draft(s: &Shared, r: SessionRequest) -> CommandResult<SessionDrafts> {
    s.app().await.resume_draft(&r.session_id)
}

pub async fn submit_questionnaire(
    s: &Shared,
    r: AnswersRequest,
) -> CommandResult<SubmissionResult> {
    s.app()
        .await
        .submit_questionnaire(&r.session_id, r.instrument, &r.answers)
}

pub async fn submit_side_effect(s: &Shared, r: SideEffectTextRequest) -> CommandResult<IdResult> {
    s.app().await.submit_side_effect(&r.session_id, &r.text)
}

pub async fn submit_no_side_effects(s: &Shared, r: SessionRequest) -> CommandResult<IdResult> {
    s.app().await.submit_no_side_effects(&r.session_id)
}

pub async fn end_session(s: &Shared, r: EndSessionRequest) -> CommandResult<()> {
    s.app().await.end_session(&r.session_id, &r.passphrase)
}

pub async fn sync_status(s: &Shared) -> CommandResult<SyncSummary> {
    s.sync_status().await
}

pub async fn sync_now(s: &Shared) -> CommandResult<SyncSummary> {
    s.sync_now().await
}

pub async fn score_preview(s: &Shared, r: ScorePreviewRequest) -> CommandResult<ScorePreview> {
    s.app().await.score_preview(r.instrument, &r.answers)
}

pub async fn submit_clinician_form(
    s: &Shared,
    r: ClinicianFormRequest,
) -> CommandResult<SubmissionResult> {
    s.app().await.submit_clinician_form(
        &r.participant,
        &r.timepoint,
        r.instrument,
        r.language,
        &r.answers,
    )
}

pub async fn correct_clinician_form(
    s: &Shared,
    r: CorrectionRequest,
) -> CommandResult<SubmissionResult> {
    s.app()
        .await
        .correct_clinician_form(&r.supersedes, r.language, &r.answers, &r.reason)
}

pub async fn participant_history(
    s: &Shared,
    r: ParticipantRequest,
) -> CommandResult<Vec<HistoryEntry>> {
    s.app().await.participant_history(&r.participant)
}

pub async fn study_plan(s: &Shared) -> CommandResult<StudyPlan> {
    s.app().await.study_plan()
}

pub async fn eligibility_criteria(s: &Shared) -> CommandResult<Vec<EligibilityCriterion>> {
    s.app().await.eligibility_criteria()
}

pub async fn record_eligibility(
    s: &Shared,
    r: EligibilityRequest,
) -> CommandResult<EligibilityResult> {
    s.app()
        .await
        .record_eligibility(&r.participant, &r.timepoint, &r.checklist)
}

pub async fn pending_side_effects(s: &Shared) -> CommandResult<Vec<PendingSideEffect>> {
    s.app().await.pending_side_effects()
}

pub async fn grade_side_effect(s: &Shared, r: GradeRequest) -> CommandResult<IdResult> {
    s.app()
        .await
        .grade_side_effect(&r.side_effect_id, r.grade, r.d)
}

pub async fn record_botox_count(s: &Shared, r: BotoxCountRequest) -> CommandResult<IdResult> {
    s.app()
        .await
        .record_botox_count(&r.participant, &r.timepoint, r.count)
}

/// Every command's name, in the order of `command_list.rs`.
pub const NAMES: &[&str] = crate::mimik_commands!(mimik_command_names);

/// Decode a request as the shell does (camelCase keys, unknown keys refused).
fn decode<T: serde::de::DeserializeOwned>(
    name: &str,
    request: serde_json::Value,
) -> CommandResult<T> {
    serde_json::from_value(request)
        .map_err(|e| crate::CommandError::invalid(format!("the request of {name}: {e}")))
}

macro_rules! json_dispatch {
    ($($name:ident($($request:ty)?) -> $response:ty;)*) => {
        /// Run one command by name with its JSON request object, decoded by the same request type
        /// the shell uses, and return its response as JSON. The shared scenario table
        /// (`ui/src/mock/scenarios.json`) drives the app through this, so the mock backend's
        /// request keys cannot drift from the Rust types.
        pub async fn call_json(
            s: &Shared,
            name: &str,
            #[allow(unused_variables)] request: serde_json::Value,
        ) -> CommandResult<serde_json::Value> {
            match name {
                $(stringify!($name) => {
                    // Typed as the list says: a function above that takes or returns anything
                    // else is a type error here, before the shell is built.
                    let response: $response =
                        $name(s, $(decode::<$request>(name, request)?)?).await?;
                    serde_json::to_value(response)
                        .map_err(|e| crate::CommandError::new(ErrorCode::Internal, e.to_string()))
                })*
                other => Err(crate::CommandError::new(
                    ErrorCode::UnknownCommand,
                    format!("there is no command {other}"),
                )),
            }
        }
    };
}
crate::mimik_commands!(json_dispatch);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::NAMES;
    use std::path::PathBuf;

    fn repo_file(path: &str) -> String {
        let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(path);
        std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
    }

    #[test]
    fn the_capabilities_allow_exactly_the_commands_of_the_list() {
        let capabilities: serde_json::Value =
            serde_json::from_str(&repo_file("src-tauri/capabilities/default.json")).unwrap();
        let allowed: Vec<String> = capabilities["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str())
            .filter(|p| !p.starts_with("core:"))
            .map(str::to_owned)
            .collect();
        let wanted: Vec<String> = NAMES
            .iter()
            .map(|n| format!("allow-{}", n.replace('_', "-")))
            .collect();
        assert_eq!(
            allowed, wanted,
            "src-tauri/capabilities/default.json must allow each command of command_list.rs, in its order"
        );
    }

    #[test]
    fn every_command_of_the_list_has_a_typed_wrapper_and_a_mock_in_the_ui() {
        // The compiler checks the names the UI calls (they are typed by the generated
        // `Commands`); this finds a command of the list that the UI forgot.
        let wrappers = repo_file("ui/src/ipc/commands.ts");
        let mock = repo_file("ui/src/mock/backend.ts");
        for name in NAMES {
            assert!(
                wrappers.contains(&format!("call('{name}'")),
                "ui/src/ipc/commands.ts has no wrapper calling {name}"
            );
            assert!(
                mock.contains(&format!("case '{name}':")),
                "ui/src/mock/backend.ts does not handle {name}"
            );
        }
    }

    fn shared() -> (tempfile::TempDir, crate::Shared) {
        let dir = tempfile::tempdir().unwrap();
        let app = crate::App::new(
            &dir.path().join("data"),
            mimik_device::KdfParams::INSECURE_FAST_FOR_TESTS,
            None,
        );
        (dir, crate::Shared::new(app))
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn a_request_with_a_key_its_type_does_not_know_is_refused_and_creates_nothing() {
        let (_dir, shared) = shared();
        let request = serde_json::json!({"staffName": "anna.b", "passphrase": "correct horse battery", "pin": "123456"});
        let error = block_on(super::call_json(&shared, "init_store", request)).unwrap_err();
        assert_eq!(error.code, "invalid_input");
        assert!(error.message.contains("unknown field `pin`"), "{error}");
        assert!(
            !error.message.contains("correct horse"),
            "no secret in the message: {error}"
        );
        let state = block_on(super::call_json(
            &shared,
            "app_state",
            serde_json::json!({}),
        ))
        .unwrap();
        assert_eq!(state["initialized"], false);
    }

    #[test]
    fn a_command_that_is_not_in_the_list_is_an_unknown_command() {
        let (_dir, shared) = shared();
        let error = block_on(super::call_json(
            &shared,
            "drop_store",
            serde_json::json!({}),
        ))
        .unwrap_err();
        assert_eq!(error.code, "unknown_command");
    }

    #[test]
    fn requests_that_carry_a_secret_or_patient_words_print_nothing_of_them() {
        let request: crate::requests::EndSessionRequest =
            serde_json::from_value(serde_json::json!({"sessionId": "s-1", "passphrase": "246810"}))
                .unwrap();
        assert_eq!(format!("{request:?}"), "EndSessionRequest { .. }");
        let text: crate::requests::SideEffectTextRequest =
            serde_json::from_value(serde_json::json!({"sessionId": "s-1", "text": "ont i kinden"}))
                .unwrap();
        assert!(!format!("{text:?}").contains("kinden"));
    }

    #[test]
    fn the_list_names_each_command_once() {
        let mut names = NAMES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), NAMES.len(), "a command is declared twice");
    }
}
