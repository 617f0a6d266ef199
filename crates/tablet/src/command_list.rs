// The tablet app's commands, declared once: name, request type (none for a command without
// input), response type. Everything else is generated from or checked against this list:
// the shell's Tauri commands and their handler list (src-tauri/src/commands.rs, lib.rs), the
// allow-permissions (src-tauri/build.rs), the TypeScript `Commands` map in
// ui/src/ipc/generated.ts (which types ui/src/ipc/commands.ts and ui/src/mock/backend.ts), and
// capabilities/default.json (a test). The functions in `mimik_tablet::commands` implement them.
//
// Plain `macro_rules!` with no dependencies, so that src-tauri/build.rs can `include!` it.
// Call it with the name of a macro that takes the list:
// `$( $name:ident ( $( $request:ty )? ) -> $response:ty ; )*`.

#[macro_export]
macro_rules! mimik_commands {
    ($callback:ident) => {
        $callback! {
            app_state() -> AppState;
            init_store(InitStoreRequest) -> InitStoreResult;
            unlock(PassphraseRequest) -> StaffMember;
            change_passphrase(PassphraseRequest) -> ();
            set_pin(SetPinRequest) -> ();
            lock() -> ();
            enroll(EnrollRequest) -> EnrollResult;
            list_participants(ListParticipantsRequest) -> Vec<Participant>;
            add_participant(NewParticipant) -> Participant;
            update_participant_dates(UpdateDatesRequest) -> Participant;
            content_pack(ContentPackRequest) -> ContentPack;
            start_session(StartSessionRequest) -> Session;
            save_draft(AnswersRequest) -> ();
            open_sessions() -> Vec<OpenSession>;
            resume_session(SessionRequest) -> ResumedSession;
            save_side_effect_draft(SideEffectTextRequest) -> ();
            resume_draft(SessionRequest) -> SessionDrafts;
            submit_questionnaire(AnswersRequest) -> SubmissionResult;
            submit_side_effect(SideEffectTextRequest) -> IdResult;
            submit_no_side_effects(SessionRequest) -> IdResult;
            end_session(EndSessionRequest) -> ();
            sync_status() -> SyncSummary;
            sync_now() -> SyncSummary;
            score_preview(ScorePreviewRequest) -> ScorePreview;
            submit_clinician_form(ClinicianFormRequest) -> SubmissionResult;
            correct_clinician_form(CorrectionRequest) -> SubmissionResult;
            participant_history(ParticipantRequest) -> Vec<HistoryEntry>;
            study_plan() -> StudyPlan;
            eligibility_criteria() -> Vec<EligibilityCriterion>;
            record_eligibility(EligibilityRequest) -> EligibilityResult;
            pending_side_effects() -> Vec<PendingSideEffect>;
            grade_side_effect(GradeRequest) -> IdResult;
            record_botox_count(BotoxCountRequest) -> IdResult;
        }
    };
}

/// The callback for the names alone: `mimik_commands!(mimik_command_names)` is the list's names
/// as a `&[&str]`, in order (build.rs's permissions, `mimik_tablet::commands::NAMES`).
#[macro_export]
macro_rules! mimik_command_names {
    ($($name:ident($($request:ty)?) -> $response:ty;)*) => {
        &[$(stringify!($name)),*]
    };
}
