#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::dto::*;
use super::study_plan::CriterionKind;
use super::*;
use mimik_device::keys::KdfParams;
use std::collections::BTreeMap;

const PASS: &str = "nurse-pin-1234";

fn fresh() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::new(
        &dir.path().join("data"),
        KdfParams::INSECURE_FAST_FOR_TESTS,
        None,
    );
    (dir, app)
}

fn unlocked() -> (tempfile::TempDir, App) {
    let (dir, mut app) = fresh();
    app.init_store("anna.l", PASS).unwrap();
    (dir, app)
}

fn today_minus(days: i64) -> String {
    (chrono::Local::now().date_naive() - chrono::Duration::days(days)).to_string()
}

fn register(app: &mut App, pseudonym: &str) -> Participant {
    // Surgery six months ago: post_6m is due today.
    app.add_participant(&NewParticipant {
        pseudonym: pseudonym.into(),
        inclusion_date: today_minus(400),
        surgery_date: Some(today_minus(183)),
        botox_dates: vec![today_minus(380)],
    })
    .unwrap()
}

fn answers(pairs: &[(&str, AnswerValue)]) -> Answers {
    Answers(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Some(*v)))
            .collect(),
    )
}

fn all_codes(instrument: mimik_domain::Instrument, code: u8) -> Answers {
    Answers(
        instrument
            .items()
            .iter()
            .map(|item| (item.id.to_owned(), Some(AnswerValue::Code(code))))
            .collect(),
    )
}

#[test]
fn first_run_creates_an_unlocked_store_and_gives_the_recovery_key_once() {
    let (_dir, mut app) = fresh();
    let before = app.app_state().unwrap();
    assert!(!before.initialized && !before.unlocked && !before.enrolled);

    let created = app.init_store("anna.l", PASS).unwrap();
    assert!(created.recovery_key.len() >= 20);
    let after = app.app_state().unwrap();
    assert!(after.initialized && after.unlocked);
    assert_eq!(after.staff.unwrap().id, "anna.l");

    let again = app.init_store("bo.k", PASS).unwrap_err();
    assert_eq!(again.code, "already_initialized");
}

#[test]
fn a_locked_app_answers_locked_and_unlocks_with_the_staff_pin_only() {
    let (_dir, mut app) = unlocked();
    app.lock();
    assert!(!app.app_state().unwrap().unlocked);
    assert_eq!(app.list_participants(None).unwrap_err().code, "locked");
    assert_eq!(app.sync_status().unwrap_err().code, "locked");

    assert_eq!(
        app.unlock("not-the-pin").unwrap_err().code,
        "wrong_passphrase"
    );
    assert_eq!(app.unlock(PASS).unwrap().id, "anna.l");
    assert!(app.list_participants(None).unwrap().is_empty());
}

#[test]
fn registering_lists_the_participant_with_todays_schedule_and_refuses_duplicates() {
    let (_dir, mut app) = unlocked();
    let p = register(&mut app, "NT-001");
    let post_6m = p
        .timepoints
        .iter()
        .find(|t| t.timepoint == "post_6m")
        .unwrap();
    assert_eq!(post_6m.status, TimepointStatus::Due);
    assert!(post_6m.window_start.is_some());
    // Nothing is filled in on a tablet before surgery: listed, never due.
    let pre_surgery = p
        .timepoints
        .iter()
        .find(|t| t.timepoint == "pre_surgery")
        .unwrap();
    assert_eq!(pre_surgery.status, TimepointStatus::NotApplicable);
    assert_eq!(pre_surgery.window_start, None);

    let again = app
        .add_participant(&NewParticipant {
            pseudonym: "NT-001".into(),
            inclusion_date: today_minus(1),
            surgery_date: None,
            botox_dates: vec![],
        })
        .unwrap_err();
    assert_eq!(again.code, "duplicate_participant");
    let bad_date = app
        .add_participant(&NewParticipant {
            pseudonym: "NT-002".into(),
            inclusion_date: "31/03/2026".into(),
            surgery_date: None,
            botox_dates: vec![],
        })
        .unwrap_err();
    assert_eq!(bad_date.code, "invalid_input");

    register(&mut app, "NT-010");
    let found = app.list_participants(Some("nt-01")).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].pseudonym, "NT-010");
}

#[test]
fn a_botox_injection_recorded_on_the_tablet_moves_the_schedule_and_waits_to_sync() {
    let (_dir, mut app) = unlocked();
    app.add_participant(&NewParticipant {
        pseudonym: "NT-005".into(),
        inclusion_date: today_minus(60),
        surgery_date: None,
        botox_dates: vec![today_minus(50)],
    })
    .unwrap();
    let pending = app.sync_status().unwrap().pending;
    let max_effect = |p: &Participant| {
        p.timepoints
            .iter()
            .find(|t| t.timepoint == "botox_max_effect")
            .map(|t| t.window_start.clone())
    };
    let before = max_effect(&app.list_participants(Some("NT-005")).unwrap()[0]);

    let updated = app
        .update_participant_dates(
            "NT-005",
            &DatesUpdate {
                surgery_date: Some(today_minus(-30)),
                add_botox_dates: vec![today_minus(14)],
            },
        )
        .unwrap();
    assert_eq!(updated.botox_dates, vec![today_minus(50), today_minus(14)]);
    assert_eq!(updated.surgery_date, Some(today_minus(-30)));
    assert_ne!(
        max_effect(&updated),
        before,
        "the schedule follows the new injection"
    );
    assert_eq!(app.sync_status().unwrap().pending, pending + 1);

    let nothing = DatesUpdate {
        surgery_date: Some(today_minus(-30)),
        add_botox_dates: vec![today_minus(14)],
    };
    assert_eq!(
        app.update_participant_dates("NT-005", &nothing)
            .unwrap_err()
            .code,
        "no_changes"
    );
    let bad_date = DatesUpdate {
        surgery_date: Some("2025-02-30".into()),
        add_botox_dates: Vec::new(),
    };
    assert_eq!(
        app.update_participant_dates("NT-005", &bad_date)
            .unwrap_err()
            .code,
        "invalid_input"
    );
    assert_eq!(
        app.update_participant_dates("NT-404", &nothing)
            .unwrap_err()
            .code,
        "not_found"
    );
    assert_eq!(app.sync_status().unwrap().pending, pending + 1);
}

#[test]
fn a_whole_post_6m_visit_saves_every_form_and_marks_the_time_point_done() {
    let (_dir, mut app) = unlocked();
    register(&mut app, "NT-001");
    let session = app
        .start_session("NT-001", "post_6m", Language::En)
        .unwrap();
    assert_eq!(
        session.forms,
        vec![
            SessionForm::Face,
            SessionForm::Fdi,
            SessionForm::Saq,
            SessionForm::SideEffects
        ]
    );
    let id = &session.session_id;

    let face = app
        .submit_questionnaire(
            id,
            PatientInstrument::Face,
            &all_codes(mimik_domain::Instrument::Face, 3),
        )
        .unwrap();
    assert_eq!(face.scores.0["total"], Some(50.0));
    let mut fdi = all_codes(mimik_domain::Instrument::Fdi, 4);
    fdi.0.insert(
        "q2".into(),
        Some(AnswerValue::Special(SpecialAnswer::NotApplicable)),
    );
    app.submit_questionnaire(id, PatientInstrument::Fdi, &fdi)
        .unwrap();
    app.submit_questionnaire(
        id,
        PatientInstrument::Saq,
        &all_codes(mimik_domain::Instrument::Saq, 2),
    )
    .unwrap();
    app.submit_side_effect(id, "Stel kind i två dagar").unwrap();

    assert_eq!(
        app.end_session(id, "wrong-pin").unwrap_err().code,
        "wrong_passphrase"
    );
    app.end_session(id, PASS).unwrap();
    let store = app.store().unwrap();
    assert_eq!(store.session(id).unwrap().state, "completed");
    assert_eq!(
        app.submit_side_effect(id, "more").unwrap_err().code,
        "session_ended"
    );

    let sunnybrook = app
        .submit_clinician_form(
            "NT-001",
            "post_6m",
            Instrument::Sunnybrook,
            Language::Sv,
            &all_codes(mimik_domain::Instrument::Sunnybrook, 1),
        )
        .unwrap();
    assert!(sunnybrook.scores.0.contains_key("composite"));
    // Staff working in Swedish saw the English reference wording (no Swedish pack is loaded),
    // and the record says so.
    let row = app.store().unwrap().submission(&sunnybrook.id).unwrap();
    assert_eq!(row.language.as_deref(), Some("en"));
    let p = &app.list_participants(Some("NT-001")).unwrap()[0];
    let post_6m = p
        .timepoints
        .iter()
        .find(|t| t.timepoint == "post_6m")
        .unwrap();
    assert_eq!(post_6m.status, TimepointStatus::Done);

    let pending = app.pending_side_effects().unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].text, "Stel kind i två dagar");
    app.grade_side_effect(&pending[0].id, ClavienDindoGrade::II, true)
        .unwrap();
    assert!(app.pending_side_effects().unwrap().is_empty());
    assert_eq!(app.sync_status().unwrap().pending, 7);
}

#[test]
fn the_same_questionnaire_twice_in_one_session_is_refused() {
    let (_dir, mut app) = unlocked();
    register(&mut app, "NT-001");
    let s = app
        .start_session("NT-001", "post_6m", Language::En)
        .unwrap();
    let face = all_codes(mimik_domain::Instrument::Face, 2);
    app.submit_questionnaire(&s.session_id, PatientInstrument::Face, &face)
        .unwrap();
    let twice = app
        .submit_questionnaire(&s.session_id, PatientInstrument::Face, &face)
        .unwrap_err();
    assert_eq!(twice.code, "already_submitted");
    assert_eq!(app.sync_status().unwrap().pending, 2);
}

#[test]
fn no_side_effects_since_the_last_visit_is_saved_once_and_awaits_no_grade() {
    let (_dir, mut app) = unlocked();
    register(&mut app, "NT-001");
    let s = app
        .start_session("NT-001", "post_6m", Language::En)
        .unwrap();
    let saved = app.submit_no_side_effects(&s.session_id).unwrap();
    let row = app.store().unwrap().submission(&saved.id).unwrap();
    assert_eq!(row.kind, "no_side_effects");
    assert_eq!(row.protocol_version, Some(1));
    let twice = app.submit_no_side_effects(&s.session_id).unwrap_err();
    assert_eq!(twice.code, "invalid_input", "{twice:?}");
    let text = app.submit_side_effect(&s.session_id, "Stel kind");
    assert!(text.is_ok(), "a patient may still remember one: {text:?}");
    app.end_session(&s.session_id, PASS).unwrap();
    // Only the written side effect waits for a clinician.
    let pending = app.pending_side_effects().unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].text, "Stel kind");
    // Not at a time point whose protocol asks for no side effects.
    let other = app
        .start_session("NT-001", "botox_no_effect", Language::En)
        .unwrap();
    let refused = app.submit_no_side_effects(&other.session_id).unwrap_err();
    assert_eq!(refused.code, "invalid_input", "{refused:?}");
}

#[test]
fn invalid_answers_are_refused_with_the_list_of_issues() {
    let (_dir, mut app) = unlocked();
    register(&mut app, "NT-001");
    let s = app
        .start_session("NT-001", "post_6m", Language::En)
        .unwrap();
    let bad = answers(&[("q1", AnswerValue::Code(9)), ("q99", AnswerValue::Code(1))]);
    let error = app
        .submit_questionnaire(&s.session_id, PatientInstrument::Saq, &bad)
        .unwrap_err();
    assert_eq!(error.code, "invalid_input");
    assert_eq!(error.details.unwrap().as_array().unwrap().len(), 2);
    assert_eq!(
        app.sync_status().unwrap().pending,
        1,
        "only the registration is saved"
    );
}

#[test]
fn a_swedish_session_shows_the_english_reference_wording_and_records_that_language() {
    let (_dir, mut app) = unlocked();
    register(&mut app, "NT-001");
    let s = app
        .start_session("NT-001", "post_6m", Language::Sv)
        .unwrap();
    assert_eq!(s.language, Language::Sv);
    let pack = app
        .content_pack(Instrument::Fdi, Language::Sv, None)
        .unwrap();
    assert_eq!(pack.language, "en");
    assert!(
        pack.items[0]
            .options
            .iter()
            .any(|o| o.value == AnswerValue::Special(SpecialAnswer::OtherReasons))
    );

    let saved = app
        .submit_questionnaire(
            &s.session_id,
            PatientInstrument::Saq,
            &all_codes(mimik_domain::Instrument::Saq, 1),
        )
        .unwrap();
    let row = app.store().unwrap().submission(&saved.id).unwrap();
    assert_eq!(row.language.as_deref(), Some("en"));
}

#[test]
fn a_time_point_without_patient_forms_cannot_start_a_session() {
    let (_dir, mut app) = unlocked();
    register(&mut app, "NT-001");
    let error = app
        .start_session("NT-001", "pre_surgery", Language::En)
        .unwrap_err();
    assert_eq!(error.code, "invalid_input");
    assert_eq!(
        app.start_session("NT-404", "post_6m", Language::En)
            .unwrap_err()
            .code,
        "not_found"
    );
}

#[test]
fn a_draft_survives_the_inactivity_lock_and_resumes_after_unlock() {
    let (_dir, mut app) = unlocked();
    register(&mut app, "NT-001");
    let s = app
        .start_session("NT-001", "post_6m", Language::En)
        .unwrap();
    let partial = answers(&[("q1", AnswerValue::Code(4)), ("q3", AnswerValue::Code(2))]);
    app.save_draft(&s.session_id, PatientInstrument::Face, &partial)
        .unwrap();
    app.save_side_effect_draft(&s.session_id, "Stramt i kinden")
        .unwrap();

    app.lock();
    assert_eq!(
        app.resume_draft(&s.session_id).unwrap_err().code,
        "session_ended"
    );
    app.unlock(PASS).unwrap();
    let open = app.open_sessions().unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(
        (open[0].participant.as_str(), open[0].timepoint.as_str()),
        ("NT-001", "post_6m")
    );
    assert_eq!(
        app.resume_draft(&s.session_id).unwrap_err().code,
        "session_ended",
        "staff must take the session up again first"
    );
    let resumed = app.resume_session(&s.session_id).unwrap();
    assert_eq!(resumed.session.forms, s.forms);
    assert!(resumed.submitted.is_empty());
    let drafts = app.resume_draft(&s.session_id).unwrap();
    assert_eq!(
        drafts,
        SessionDrafts {
            answers: vec![Draft {
                instrument: PatientInstrument::Face,
                answers: partial
            }],
            side_effects: Some("Stramt i kinden".into()),
        }
    );

    // Left without finishing: abandoned, and its drafts are kept.
    app.end_session(&s.session_id, PASS).unwrap();
    let store = app.store().unwrap();
    assert_eq!(store.session(&s.session_id).unwrap().state, "abandoned");
    assert_eq!(store.drafts(&s.session_id).unwrap().len(), 2);
    assert!(app.open_sessions().unwrap().is_empty());
}

#[test]
fn the_side_effect_draft_follows_the_text_and_is_gone_once_the_text_is_sent() {
    let (_dir, mut app) = unlocked();
    register(&mut app, "NT-001");
    let s = app
        .start_session("NT-001", "post_6m", Language::En)
        .unwrap();
    let id = &s.session_id;
    app.save_side_effect_draft(id, "Stel").unwrap();
    app.save_side_effect_draft(id, "Stel kind").unwrap();
    assert_eq!(
        app.resume_draft(id).unwrap().side_effects.as_deref(),
        Some("Stel kind")
    );
    app.save_side_effect_draft(id, "  ").unwrap();
    assert_eq!(app.resume_draft(id).unwrap().side_effects, None);
    let too_long = "å".repeat(mimik_domain::side_effect::MAX_CHARS + 1);
    assert_eq!(
        app.save_side_effect_draft(id, &too_long).unwrap_err().code,
        "invalid_input"
    );
    app.save_side_effect_draft(id, "Stel kind").unwrap();
    app.submit_side_effect(id, "Stel kind").unwrap();
    assert_eq!(app.resume_draft(id).unwrap().side_effects, None);
    // A save that arrives late cannot bring the sent text back as a draft.
    assert_eq!(
        app.save_side_effect_draft(id, "Stel kind")
            .unwrap_err()
            .code,
        "invalid_input"
    );
    assert_eq!(app.resume_draft(id).unwrap().side_effects, None);
}

#[test]
fn patient_mode_refuses_staff_commands_and_a_reloaded_ui_gets_the_lock_screen() {
    let (_dir, mut app) = unlocked();
    register(&mut app, "NT-001");
    register(&mut app, "NT-002");
    let s = app
        .start_session("NT-001", "post_6m", Language::En)
        .unwrap();
    let refused = [
        app.list_participants(None).map(|_| ()),
        app.participant_history("NT-002").map(|_| ()),
        app.pending_side_effects().map(|_| ()),
        app.open_sessions().map(|_| ()),
        app.start_session("NT-002", "post_6m", Language::En)
            .map(|_| ()),
        app.resume_session(&s.session_id).map(|_| ()),
        app.record_botox_count("NT-002", "post_6m", 12).map(|_| ()),
    ];
    for (i, result) in refused.into_iter().enumerate() {
        assert_eq!(result.unwrap_err().code, "locked", "command {i}");
    }
    // The patient's own screens still work.
    app.content_pack(Instrument::Face, Language::En, None)
        .unwrap();
    app.save_draft(
        &s.session_id,
        PatientInstrument::Face,
        &answers(&[("q1", AnswerValue::Code(2))]),
    )
    .unwrap();

    // A UI loading now (a reload) is shown the lock screen, and the store is closed.
    let state = app.app_state().unwrap();
    assert!(state.initialized && !state.unlocked && state.staff.is_none());
    assert_eq!(app.list_participants(None).unwrap_err().code, "locked");
    app.unlock(PASS).unwrap();
    assert_eq!(app.list_participants(None).unwrap().len(), 2);
    assert_eq!(app.open_sessions().unwrap().len(), 1);
}

#[test]
fn a_patient_command_reaches_only_the_session_in_progress() {
    let (_dir, mut app) = unlocked();
    register(&mut app, "NT-001");
    register(&mut app, "NT-002");
    let first = app
        .start_session("NT-001", "post_6m", Language::En)
        .unwrap();
    app.lock();
    app.unlock(PASS).unwrap();
    let second = app
        .start_session("NT-002", "post_6m", Language::En)
        .unwrap();
    let face = all_codes(mimik_domain::Instrument::Face, 2);
    let id = &first.session_id;
    let refused = [
        app.save_draft(id, PatientInstrument::Face, &face)
            .map(|_| ()),
        app.resume_draft(id).map(|_| ()),
        app.submit_questionnaire(id, PatientInstrument::Face, &face)
            .map(|_| ()),
        app.submit_side_effect(id, "text").map(|_| ()),
        app.end_session(id, PASS),
    ];
    for (i, result) in refused.into_iter().enumerate() {
        assert_eq!(result.unwrap_err().code, "session_ended", "command {i}");
    }
    app.submit_questionnaire(&second.session_id, PatientInstrument::Face, &face)
        .unwrap();
    app.end_session(&second.session_id, PASS).unwrap();
    // Back in staff mode, the interrupted first session can be ended with a PIN.
    app.end_session(id, PASS).unwrap();
    assert!(app.open_sessions().unwrap().is_empty());
}

#[test]
fn a_visit_never_asks_again_for_a_questionnaire_already_saved() {
    let (_dir, mut app) = unlocked();
    register(&mut app, "NT-001");
    let s = app
        .start_session("NT-001", "post_6m", Language::En)
        .unwrap();
    let face = all_codes(mimik_domain::Instrument::Face, 3);
    app.submit_questionnaire(&s.session_id, PatientInstrument::Face, &face)
        .unwrap();
    app.lock();
    app.unlock(PASS).unwrap();

    // The interrupted session must be resumed or ended, not started again.
    let again = app
        .start_session("NT-001", "post_6m", Language::Sv)
        .unwrap_err();
    assert_eq!(again.code, "session_open");
    let resumed = app.resume_session(&s.session_id).unwrap();
    assert_eq!(resumed.submitted, vec![SessionForm::Face]);
    assert_eq!(
        app.submit_questionnaire(&s.session_id, PatientInstrument::Face, &face)
            .unwrap_err()
            .code,
        "already_submitted"
    );
    app.end_session(&s.session_id, PASS).unwrap();
    assert_eq!(
        app.store().unwrap().session(&s.session_id).unwrap().state,
        "abandoned"
    );

    // A later session for the same visit asks only what is missing ...
    let next = app
        .start_session("NT-001", "post_6m", Language::En)
        .unwrap();
    assert_eq!(
        next.forms,
        vec![SessionForm::Fdi, SessionForm::Saq, SessionForm::SideEffects]
    );
    assert_eq!(
        app.submit_questionnaire(&next.session_id, PatientInstrument::Face, &face)
            .unwrap_err()
            .code,
        "already_submitted"
    );
    app.submit_questionnaire(
        &next.session_id,
        PatientInstrument::Fdi,
        &all_codes(mimik_domain::Instrument::Fdi, 4),
    )
    .unwrap();
    app.submit_questionnaire(
        &next.session_id,
        PatientInstrument::Saq,
        &all_codes(mimik_domain::Instrument::Saq, 2),
    )
    .unwrap();
    app.end_session(&next.session_id, PASS).unwrap();
    assert_eq!(
        app.store()
            .unwrap()
            .session(&next.session_id)
            .unwrap()
            .state,
        "completed"
    );
    // ... and once all are saved, only side effects can still be reported.
    let last = app
        .start_session("NT-001", "post_6m", Language::En)
        .unwrap();
    assert_eq!(last.forms, vec![SessionForm::SideEffects]);
    let questionnaires = app
        .store()
        .unwrap()
        .questionnaires_saved_at("NT-001", "post_6m");
    assert_eq!(questionnaires.unwrap().len(), 3, "each saved once");
}

#[test]
fn the_sunnybrook_preview_waits_for_every_rating_then_applies_the_inclusion_rule() {
    let (_dir, app) = unlocked();
    let partial = answers(&[("rest_eye", AnswerValue::Code(1))]);
    let preview = app.score_preview(Instrument::Sunnybrook, &partial).unwrap();
    assert_eq!(preview.scores.0["composite"], None);
    assert!(preview.notes["composite"].contains("missing"));
    assert_eq!(preview.eligible, None);

    let all_ones = all_codes(mimik_domain::Instrument::Sunnybrook, 1);
    let preview = app
        .score_preview(Instrument::Sunnybrook, &all_ones)
        .unwrap();
    let composite = preview.scores.0["composite"].unwrap();
    let expected = (composite >= 0.0).then_some(composite <= 60.0);
    assert_eq!(preview.eligible, expected);

    let wrong = answers(&[("rest_eye", AnswerValue::Code(7))]);
    assert_eq!(
        app.score_preview(Instrument::Sunnybrook, &wrong)
            .unwrap_err()
            .code,
        "invalid_input"
    );
}

#[test]
fn the_eligibility_checklist_uses_the_sunnybrook_rule() {
    let (_dir, mut app) = unlocked();
    app.add_participant(&NewParticipant {
        pseudonym: "NT-001".into(),
        inclusion_date: today_minus(2),
        surgery_date: None,
        botox_dates: vec![],
    })
    .unwrap();
    let criteria = app.eligibility_criteria().unwrap();
    let all_met: BTreeMap<String, bool> = criteria
        .iter()
        .map(|c| (c.id.clone(), c.kind == CriterionKind::Inclusion))
        .collect();
    let before = app
        .record_eligibility("NT-001", "baseline", &all_met)
        .unwrap();
    assert_eq!(before.eligible, None);
    assert_eq!(before.unanswered, vec!["sunnybrook".to_owned()]);

    let mut ratings = all_codes(mimik_domain::Instrument::Sunnybrook, 1);
    ratings
        .0
        .insert("rest_cheek".into(), Some(AnswerValue::Code(0)));
    app.submit_clinician_form(
        "NT-001",
        "baseline",
        Instrument::Sunnybrook,
        Language::En,
        &ratings,
    )
    .unwrap();
    let after = app
        .record_eligibility("NT-001", "baseline", &all_met)
        .unwrap();
    assert!(after.eligible.is_some());
    let count = app.record_botox_count("NT-001", "baseline", 12).unwrap();
    // The count goes with the protocol's counting period.
    let row = app.store().unwrap().submission(&count.id).unwrap();
    let content = row.answers.unwrap();
    assert_eq!(content["count"], 12, "{content}");
    assert_eq!(content["counting_period_months"], 12, "{content}");
    let p = &app.list_participants(None).unwrap()[0];
    assert_eq!(p.timepoints[0].timepoint, "baseline");
    assert_eq!(p.timepoints[0].status, TimepointStatus::Done);
}

#[tokio::test]
async fn sync_before_enrollment_keeps_everything_and_says_why() {
    let (_dir, mut app) = unlocked();
    register(&mut app, "NT-001");
    let shared = Shared::new(app);
    let status = shared.sync_now().await.unwrap();
    assert_eq!(status.pending, 1);
    assert!(status.last_error.unwrap().contains("not enrolled"));
    assert!(!status.syncing);

    shared.app().await.lock();
    assert_eq!(shared.sync_now().await.unwrap_err().code, "locked");
}

#[tokio::test]
async fn enrolling_with_a_plain_http_remote_url_is_refused() {
    let (_dir, app) = unlocked();
    let shared = Shared::new(app);
    let error = shared
        .enroll("http://example.org", "CODE")
        .await
        .unwrap_err();
    assert_eq!(error.code, "invalid_input");
    assert!(!shared.app().await.app_state().unwrap().enrolled);
}

#[test]
fn a_sunnybrook_correction_keeps_the_original_and_links_both_ways() {
    let (_dir, mut app) = unlocked();
    register(&mut app, "NT-001");
    let ratings = all_codes(mimik_domain::Instrument::Sunnybrook, 1);
    let first = app
        .submit_clinician_form(
            "NT-001",
            "post_6m",
            Instrument::Sunnybrook,
            Language::En,
            &ratings,
        )
        .unwrap();
    let mut fixed = ratings.clone();
    fixed
        .0
        .insert("rest_cheek".into(), Some(AnswerValue::Code(2)));
    assert_eq!(
        app.correct_clinician_form(&first.id, Language::En, &fixed, " ")
            .unwrap_err()
            .code,
        "invalid_input"
    );
    let second = app
        .correct_clinician_form(
            &first.id,
            Language::En,
            &fixed,
            "typed the cheek rating wrong",
        )
        .unwrap();
    assert_ne!(first.scores, second.scores);

    let history = app.participant_history("NT-001").unwrap();
    let old = history.iter().find(|h| h.id == first.id).unwrap();
    let new = history.iter().find(|h| h.id == second.id).unwrap();
    assert_eq!(old.superseded_by.as_deref(), Some(second.id.as_str()));
    assert_eq!(new.supersedes.as_deref(), Some(first.id.as_str()));
    assert_eq!(old.answers.as_ref(), Some(&ratings));
    assert_eq!(new.answers.as_ref(), Some(&fixed));
    assert_eq!(history[0].kind, "participant");

    // A patient's questionnaire is not corrected by staff.
    let s = app
        .start_session("NT-001", "post_6m", Language::En)
        .unwrap();
    let saq = app
        .submit_questionnaire(
            &s.session_id,
            PatientInstrument::Saq,
            &all_codes(mimik_domain::Instrument::Saq, 2),
        )
        .unwrap();
    app.end_session(&s.session_id, PASS).unwrap();
    let refused = app
        .correct_clinician_form(&saq.id, Language::En, &fixed, "wrong")
        .unwrap_err();
    assert_eq!(refused.code, "invalid_input");
}

// Issue 13 item 1: a PIN is never a key slot; it opens only a running app that holds the key.

const PIN: &str = "246810";

#[test]
fn a_locked_screen_opens_with_the_staff_pin_but_a_restarted_app_needs_the_passphrase() {
    let (dir, mut app) = unlocked();
    app.set_pin(PIN).unwrap();
    app.lock();
    assert!(app.app_state().unwrap().quick_unlock);
    assert_eq!(app.list_participants(None).unwrap_err().code, "locked");
    assert_eq!(app.unlock(PIN).unwrap().id, "anna.l");
    assert!(app.app_state().unwrap().unlocked);

    // A restart (a new App over the same files): the PIN offers nothing against the files.
    drop(app);
    let mut restarted = App::new(
        &dir.path().join("data"),
        KdfParams::INSECURE_FAST_FOR_TESTS,
        None,
    );
    assert!(!restarted.app_state().unwrap().quick_unlock);
    assert_eq!(restarted.unlock(PIN).unwrap_err().code, "passphrase_needed");
    assert_eq!(restarted.unlock(PASS).unwrap().id, "anna.l");
}

#[test]
fn three_wrong_pins_on_the_lock_screen_drop_the_key_so_only_the_passphrase_opens_the_store() {
    let (_dir, mut app) = unlocked();
    app.set_pin(PIN).unwrap();
    app.lock();
    for _ in 1..MAX_WRONG_PINS {
        assert_eq!(app.unlock("135790").unwrap_err().code, "wrong_passphrase");
        assert!(
            app.app_state().unwrap().quick_unlock,
            "the key is still held"
        );
    }
    assert_eq!(app.unlock("135790").unwrap_err().code, "passphrase_needed");
    let state = app.app_state().unwrap();
    assert!(!state.unlocked && !state.quick_unlock);
    // The wrong PINs also counted against the files' unlock: the next try waits a second.
    assert_eq!(app.unlock(PASS).unwrap_err().code, "locked_out");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(app.unlock(PASS).unwrap().id, "anna.l");
}

#[test]
fn a_screen_locked_longer_than_the_quick_unlock_window_needs_the_passphrase() {
    let (dir, _) = unlocked();
    let mut app = App::new(
        &dir.path().join("data"),
        KdfParams::INSECURE_FAST_FOR_TESTS,
        None,
    )
    .with_quick_unlock_window(std::time::Duration::from_millis(200));
    app.unlock(PASS).unwrap();
    app.set_pin(PIN).unwrap();
    app.lock();
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        !app.app_state().unwrap().quick_unlock,
        "the key was dropped"
    );
    assert_eq!(app.unlock(PIN).unwrap_err().code, "passphrase_needed");
}

#[test]
fn a_patient_guessing_the_pin_to_leave_patient_mode_gets_three_tries_then_the_key_is_dropped() {
    let (_dir, mut app) = unlocked();
    app.set_pin(PIN).unwrap();
    register(&mut app, "NT-001");
    let s = app
        .start_session("NT-001", "post_6m", Language::Sv)
        .unwrap();
    for _ in 1..MAX_WRONG_PINS {
        assert_eq!(
            app.end_session(&s.session_id, "111111").unwrap_err().code,
            "wrong_passphrase"
        );
    }
    assert_eq!(
        app.end_session(&s.session_id, "111111").unwrap_err().code,
        "passphrase_needed"
    );
    assert!(!app.app_state().unwrap().quick_unlock);
    // Only the passphrase opens the store now (after the wait the wrong PINs earned), and the
    // session is there to resume.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    app.unlock(PASS).unwrap();
    assert_eq!(app.open_sessions().unwrap().len(), 1);
    app.end_session(&s.session_id, PIN).unwrap();
}

#[test]
fn a_pin_or_digits_only_secret_cannot_become_the_passphrase_that_opens_the_store() {
    let (_dir, mut app) = fresh();
    for weak in ["246810", "1234567890123", "short-one"] {
        assert_eq!(
            app.init_store("anna.l", weak).unwrap_err().code,
            "weak_passphrase",
            "{weak:?}"
        );
    }
    app.init_store("anna.l", PASS).unwrap();
    assert_eq!(
        app.change_passphrase("987654321098").unwrap_err().code,
        "weak_passphrase"
    );
    assert_eq!(app.set_pin("12345").unwrap_err().code, "invalid_input");
    assert_eq!(app.set_pin("abcdef").unwrap_err().code, "invalid_input");
}

#[test]
fn a_store_whose_slot_is_a_short_pin_opens_once_then_asks_for_a_passphrase_and_keeps_the_pin() {
    let (dir, app) = unlocked();
    drop(app);
    let data = dir.path().join("data");
    // A slot as stores made before this change have them: a 6-digit PIN wraps the key.
    let mut slots = mimik_device::keys::SlotFile::load(&data).unwrap().unwrap();
    let (key, _) = slots
        .unlock(&Credentials::Staff {
            staff_id: None,
            passphrase: Zeroizing::new(PASS.to_owned()),
        })
        .unwrap();
    slots
        .add_format_1_slot(&key, "anna.l", PIN, KdfParams::INSECURE_FAST_FOR_TESTS)
        .unwrap();
    slots.save(&data).unwrap();

    let mut app = App::new(&data, KdfParams::INSECURE_FAST_FOR_TESTS, None);
    let staff = app.unlock(PIN).unwrap();
    assert!(staff.must_change_passphrase && staff.has_pin);
    assert_eq!(
        app.list_participants(None).unwrap_err().code,
        "passphrase_change_required"
    );
    assert_eq!(
        app.change_passphrase("654321").unwrap_err().code,
        "weak_passphrase"
    );
    app.change_passphrase("a-long-new-passphrase").unwrap();
    assert!(app.list_participants(None).unwrap().is_empty());

    // The short slot is gone from the file; the old PIN still opens the locked screen.
    let file = mimik_device::keys::SlotFile::load(&data).unwrap().unwrap();
    assert!(matches!(
        file.unlock(&Credentials::Staff {
            staff_id: None,
            passphrase: Zeroizing::new(PIN.to_owned()),
        }),
        Err(mimik_device::Error::WrongPassphrase)
    ));
    app.lock();
    assert!(!app.unlock(PIN).unwrap().must_change_passphrase);
}
