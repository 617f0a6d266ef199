//! The TypeScript declarations of the app's IPC types, rendered with ts-rs into
//! `ui/src/ipc/generated.ts`. A test fails when the committed file is stale; regenerate with
//! `MIMIK_WRITE_TS=1 cargo test -p mimik-tablet --lib typescript`.

use super::dto::*;
use super::error::{CommandError, ErrorCode};
use super::requests::*;
use super::study_plan::*;
use ts_rs::TS;

/// Where the declarations live, relative to the workspace root.
pub const GENERATED_FILE: &str = "ui/src/ipc/generated.ts";

/// Every declaration, in a stable order, as one module.
pub fn declarations() -> String {
    let decls = [
        ErrorCode::decl(),
        CommandError::decl(),
        Language::decl(),
        StaffMember::decl(),
        AppState::decl(),
        InitStoreResult::decl(),
        EnrollResult::decl(),
        TimepointStatus::decl(),
        TimepointState::decl(),
        Participant::decl(),
        NewParticipant::decl(),
        DatesUpdate::decl(),
        PatientInstrument::decl(),
        Instrument::decl(),
        SessionForm::decl(),
        SpecialAnswer::decl(),
        AnswerValue::decl(),
        Answers::decl(),
        ContentOption::decl(),
        ContentItem::decl(),
        ContentPack::decl(),
        Session::decl(),
        OpenSession::decl(),
        ResumedSession::decl(),
        Draft::decl(),
        SessionDrafts::decl(),
        Scores::decl(),
        SubmissionResult::decl(),
        IdResult::decl(),
        SyncSummary::decl(),
        ScorePreview::decl(),
        PendingSideEffect::decl(),
        ClavienDindoGrade::decl(),
        Label::decl(),
        PlannedTimepoint::decl(),
        PlannedForm::decl(),
        StudyPlan::decl(),
        CriterionKind::decl(),
        EligibilityCriterion::decl(),
        EligibilityResult::decl(),
        HistoryEntry::decl(),
        InitStoreRequest::decl(),
        PassphraseRequest::decl(),
        SetPinRequest::decl(),
        EnrollRequest::decl(),
        ListParticipantsRequest::decl(),
        UpdateDatesRequest::decl(),
        ContentPackRequest::decl(),
        StartSessionRequest::decl(),
        AnswersRequest::decl(),
        SessionRequest::decl(),
        SideEffectTextRequest::decl(),
        EndSessionRequest::decl(),
        ScorePreviewRequest::decl(),
        ClinicianFormRequest::decl(),
        CorrectionRequest::decl(),
        ParticipantRequest::decl(),
        EligibilityRequest::decl(),
        GradeRequest::decl(),
        BotoxCountRequest::decl(),
    ];
    let mut out = String::from(
        "// Generated from crates/tablet/src/dto.rs by ts-rs. Do not edit: change the Rust\n\
         // types, then run `MIMIK_WRITE_TS=1 cargo test -p mimik-tablet --lib typescript`.\n",
    );
    for decl in decls {
        out.push('\n');
        out.push_str("export ");
        out.push_str(decl.trim());
        out.push('\n');
    }
    out.push_str(&command_map());
    out.push_str(
        "\n/** Every error code, in the order of the catalogue (crates/tablet/src/error.rs). */\n",
    );
    out.push_str("export const ERROR_CODES = [\n");
    for code in ErrorCode::ALL {
        out.push_str(&format!("  '{code}',\n"));
    }
    out.push_str("] as const satisfies readonly ErrorCode[];\n");
    out.push_str(&format!(
        "\n/** The longest side-effect text: Unicode scalar values after NFC (mimik_domain::side_effect::MAX_CHARS). */\n\
         export const SIDE_EFFECT_MAX_CHARS = {};\n",
        mimik_domain::side_effect::MAX_CHARS
    ));
    out.push_str(&format!(
        "\n/** The highest Botox injection count (mimik_domain::content::MAX_BOTOX_COUNT). */\n\
         export const BOTOX_MAX_COUNT = {};\n",
        mimik_domain::content::MAX_BOTOX_COUNT
    ));
    out
}

/// The request type's TypeScript name, `null` for a command without one.
macro_rules! request_ts {
    () => {
        String::from("null")
    };
    ($request:ty) => {
        <$request as TS>::name()
    };
}

/// `Commands` (name → request and response) and `COMMAND_NAMES`, from `command_list.rs`.
macro_rules! command_map {
    ($($name:ident($($request:ty)?) -> $response:ty;)*) => {{
        let mut map = String::from(
            "\n/** Every command of crates/tablet/src/command_list.rs: its request (null: it takes none) and its response. */\n\
             export type Commands = {\n",
        );
        $(
            map.push_str(&format!(
                "  {}: {{ request: {}; response: {} }};\n",
                stringify!($name),
                request_ts!($($request)?),
                <$response as TS>::name(),
            ));
        )*
        map.push_str("};\n\nexport type CommandName = keyof Commands;\n\n");
        map.push_str("/** The command names in the order of the list. */\nexport const COMMAND_NAMES = [\n");
        $( map.push_str(&format!("  '{}',\n", stringify!($name))); )*
        map.push_str("] as const satisfies readonly CommandName[];\n");
        map
    }};
}

fn command_map() -> String {
    crate::mimik_commands!(command_map)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use std::path::PathBuf;

    #[test]
    fn the_committed_typescript_types_match_the_rust_types() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(GENERATED_FILE);
        let wanted = declarations();
        if std::env::var_os("MIMIK_WRITE_TS").is_some() {
            std::fs::write(&path, &wanted).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == wanted,
            "{} is stale: run `MIMIK_WRITE_TS=1 cargo test -p mimik-tablet --lib typescript` and commit it",
            GENERATED_FILE
        );
    }
}
