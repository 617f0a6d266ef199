//! Tauri's build step, with an allow-permission generated for each app command so that
//! capabilities/default.json can name exactly the commands the UI may call.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_state",
        "init_store",
        "unlock",
        "change_passphrase",
        "set_pin",
        "lock",
        "enroll",
        "list_participants",
        "add_participant",
        "update_participant_dates",
        "content_pack",
        "start_session",
        "save_draft",
        "open_sessions",
        "resume_session",
        "save_side_effect_draft",
        "resume_draft",
        "submit_questionnaire",
        "submit_side_effect",
        "end_session",
        "sync_status",
        "sync_now",
        "score_preview",
        "submit_clinician_form",
        "correct_clinician_form",
        "participant_history",
        "eligibility_criteria",
        "record_eligibility",
        "pending_side_effects",
        "grade_side_effect",
        "record_botox_count",
    ]);
    if let Err(error) =
        tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
    {
        println!("cargo:warning=tauri build step failed: {error:#}");
        std::process::exit(1);
    }
}
