//! The TypeScript declarations of the app's IPC types, rendered with ts-rs into
//! `ui/src/ipc/generated.ts`. A test fails when the committed file is stale; regenerate with
//! `MIMIK_WRITE_TS=1 cargo test -p mimik-tablet --lib typescript`.

use super::dto::*;
use ts_rs::TS;

/// Where the declarations live, relative to the workspace root.
pub const GENERATED_FILE: &str = "ui/src/ipc/generated.ts";

/// Every declaration, in a stable order, as one module.
pub fn declarations() -> String {
    let decls = [
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
        CriterionKind::decl(),
        EligibilityCriterion::decl(),
        EligibilityResult::decl(),
        HistoryEntry::decl(),
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
    out
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
