//! Rules the database enforces itself, checked from inside the crate (raw SQL with the key).

use super::*;
use crate::keys::KdfParams;
use crate::store::{Correction, NewParticipant, Questionnaire};
use chrono::NaiveDate;
use mimik_domain::clavien_dindo::Grading;
use mimik_domain::{Instrument, MissingMode, parse_answers_json};

const PASS: &str = "nurse-passphrase";

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = Store::init(
        dir.path(),
        "nurse",
        PASS,
        KdfParams::INSECURE_FAST_FOR_TESTS,
    )
    .unwrap();
    store
        .add_participant(&participant("NT-001", Some((2026, 5, 1))))
        .unwrap();
    (dir, store)
}

/// Participant `pseudonym`, included 2025-06-01, with an optional surgery date.
fn participant(pseudonym: &str, surgery: Option<(i32, u32, u32)>) -> NewParticipant {
    NewParticipant {
        pseudonym: pseudonym.into(),
        inclusion: NaiveDate::from_ymd_opt(2025, 6, 1).unwrap(),
        surgery: surgery.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
        botox: vec![],
    }
}

fn saq(store: &mut Store, timepoint: &str) -> Result<Saved> {
    let answers = parse_answers_json(
        Instrument::Saq,
        br#"{"answers": {"q1": 4, "q2": 3, "q3": 2, "q4": 1, "q5": 5, "q6": 3, "q7": 2, "q8": 1, "q9": 1}}"#,
    )
    .unwrap();
    store.save_questionnaire(&Questionnaire {
        participant: "NT-001".into(),
        timepoint: timepoint.into(),
        answers,
        language: "en".into(),
        missing: MissingMode::Strict,
        session_id: None,
        correction: None,
    })
}

fn counts(store: &Store) -> (i64, i64, i64) {
    let one = |sql: &str| {
        store
            .conn
            .query_row(sql, [], |r| r.get::<_, i64>(0))
            .unwrap()
    };
    (
        one("SELECT count(*) FROM submissions"),
        one("SELECT count(*) FROM outbox"),
        one("SELECT count(*) FROM audit"),
    )
}

#[test]
fn submissions_cannot_be_updated_or_deleted_even_with_the_key() {
    let (_dir, mut store) = store();
    saq(&mut store, "post_6m").unwrap();
    for sql in [
        "UPDATE submissions SET answers = '{}'",
        "DELETE FROM submissions",
        "UPDATE audit SET reason = 'edited'",
        "DELETE FROM audit",
    ] {
        let error = store.conn.execute(sql, []).unwrap_err().to_string();
        assert!(
            error.contains("append-only") || error.contains("cannot be"),
            "{sql}: {error}"
        );
    }
}

#[test]
fn device_seq_cannot_skip_a_number() {
    let (_dir, mut store) = store();
    saq(&mut store, "post_6m").unwrap();
    let error = store
        .conn
        .execute(
            "INSERT INTO submissions (id, device_seq, kind, participant, staff_id, recorded_at,
                 utc_offset_minutes, body, body_sha256)
             SELECT 'x', (SELECT MAX(device_seq) FROM submissions) + 2, kind, participant, staff_id, recorded_at,
                 utc_offset_minutes, body, body_sha256 FROM submissions LIMIT 1",
            [],
        )
        .unwrap_err();
    assert!(error.to_string().contains("without gaps"), "{error}");
}

#[test]
fn a_refused_save_leaves_no_submission_outbox_or_audit_row() {
    let (_dir, mut store) = store();
    let before = counts(&store);
    assert!(matches!(
        saq(&mut store, "baseline"),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        saq(&mut store, "no_such_tp"),
        Err(Error::Invalid(_))
    ));
    assert_eq!(counts(&store), before);
    saq(&mut store, "post_6m").unwrap();
    let after = counts(&store);
    assert_eq!(
        (after.0, after.1, after.2),
        (before.0 + 1, before.1 + 1, before.2 + 1)
    );
}

#[test]
fn an_audit_row_edited_with_the_key_is_detected_by_verify_at_that_row() {
    let (_dir, mut store) = store();
    saq(&mut store, "post_6m").unwrap();
    saq(&mut store, "post_12m").unwrap();
    assert!(store.verify().unwrap().ok);
    // Someone with the key drops the guard, edits row 3, and puts the guard back.
    store
        .conn
        .execute_batch(
            "DROP TRIGGER audit_is_append_only_update;
             UPDATE audit SET actor = 'someone-else' WHERE seq = 3;
             CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
             BEGIN SELECT RAISE(ABORT, 'audit rows cannot be changed'); END;",
        )
        .unwrap();
    let report = store.verify().unwrap();
    assert!(!report.ok);
    let chain = report
        .checks
        .iter()
        .find(|c| c.name == "audit_chain")
        .unwrap();
    assert_eq!(chain.detail, "audit row 3: content does not match its hash");
    // …and the store takes no more writes.
    assert!(matches!(
        saq(&mut store, "post_6m"),
        Err(Error::Quarantined(_))
    ));
}

#[test]
fn an_altered_body_is_detected_by_verify() {
    let (_dir, mut store) = store();
    saq(&mut store, "post_6m").unwrap();
    store
        .conn
        .execute_batch(
            "DROP TRIGGER submissions_are_append_only_update;
             UPDATE submissions SET body = CAST(replace(CAST(body AS TEXT), '\"q1\":4', '\"q1\":5') AS BLOB)
                 WHERE device_seq = 2;",
        )
        .unwrap();
    let report = store.verify().unwrap();
    let failed: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| c.name)
        .collect();
    assert_eq!(failed, ["append_only_triggers", "body_hashes"]);
}

#[test]
fn side_effects_await_review_until_graded_and_the_latest_grade_counts() {
    let (_dir, mut store) = store();
    let effect = store
        .save_side_effect("NT-001", "post_6m", "Stram kind", None)
        .unwrap();
    let listed = store.side_effects().unwrap();
    assert_eq!(listed[0]["review_state"], "awaiting_review");
    assert_eq!(listed[0]["text"], "Stram kind");
    store
        .grade_side_effect(&effect.id, Grading::parse("I", false).unwrap())
        .unwrap();
    store
        .grade_side_effect(&effect.id, Grading::parse("IIIa", true).unwrap())
        .unwrap();
    let listed = store.side_effects().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["review_state"], "graded");
    assert_eq!(listed[0]["grade"]["grade"], "IIIa");
    assert!(
        store
            .grade_side_effect("nope", Grading::parse("I", false).unwrap())
            .is_err()
    );
}

#[test]
fn free_text_is_stored_exactly_sql_metacharacters_rtl_emoji_and_nul_included() {
    let (_dir, mut store) = store();
    let text = "'); DROP TABLE submissions; -- שלום 😖 \0 slut";
    store
        .save_side_effect("NT-001", "post_6m", text, None)
        .unwrap();
    assert_eq!(store.side_effects().unwrap()[0]["text"], text);
    assert!(store.verify().unwrap().ok);
}

#[test]
fn a_correction_names_what_it_supersedes_and_why() {
    let (_dir, mut store) = store();
    let first = saq(&mut store, "post_6m").unwrap();
    let answers = parse_answers_json(Instrument::Saq, br#"{"answers": {"q1": 1}}"#).unwrap();
    let mut correction = Questionnaire {
        participant: "NT-001".into(),
        timepoint: "post_6m".into(),
        answers,
        language: "en".into(),
        missing: MissingMode::Prorated,
        session_id: None,
        correction: Some(Correction {
            supersedes: "01936f0e-7a1c-7cc3-8a5e-1d2b3c4d5e6f".into(),
            reason: "typo".into(),
        }),
    };
    assert!(matches!(
        store.save_questionnaire(&correction),
        Err(Error::UnknownSubmission(_))
    ));
    correction.correction = Some(Correction {
        supersedes: first.id.clone(),
        reason: "paper form misread".into(),
    });
    let saved = store.save_questionnaire(&correction).unwrap();
    let rows = store.submissions().unwrap();
    let row = rows.iter().find(|r| r.id == saved.id).unwrap();
    assert_eq!(row.supersedes.as_deref(), Some(first.id.as_str()));
    // The original is still there, unchanged.
    assert!(
        rows.iter()
            .any(|r| r.id == first.id && r.body_sha256 == first.body_sha256)
    );
}

#[test]
fn drafts_are_kept_until_the_session_completes() {
    let (_dir, mut store) = store();
    let session = store.start_session("NT-001", "post_6m", "sv").unwrap();
    let partial: mimik_domain::answers::StrictMap =
        serde_json::from_str(r#"{"q1": 2, "q2": null}"#).unwrap();
    store
        .save_draft(&session.id, Instrument::Face, &partial)
        .unwrap();
    assert_eq!(
        store.drafts(&session.id).unwrap()[0].answers,
        serde_json::json!({"q1": 2})
    );
    let bad: mimik_domain::answers::StrictMap = serde_json::from_str(r#"{"q1": 9}"#).unwrap();
    assert!(matches!(
        store.save_draft(&session.id, Instrument::Face, &bad),
        Err(Error::InvalidAnswers(_))
    ));
    store.end_session(&session.id, false, "nurse-1").unwrap();
    assert_eq!(
        store.drafts(&session.id).unwrap().len(),
        1,
        "abandoned keeps the draft"
    );
    assert!(
        store
            .save_draft(&session.id, Instrument::Face, &partial)
            .is_err(),
        "ended"
    );
    let next = store.start_session("NT-001", "post_6m", "en").unwrap();
    store
        .save_draft(&next.id, Instrument::Face, &partial)
        .unwrap();
    store.end_session(&next.id, true, "nurse-2").unwrap();
    assert!(store.drafts(&next.id).unwrap().is_empty());
    let (action, reason): (String, String) = store
        .conn
        .query_row(
            "SELECT action, reason FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (action.as_str(), reason.as_str()),
        ("session.completed", "confirmed by nurse-2")
    );
    assert!(store.start_session("NT-001", "post_6m", "de").is_err());
}

#[test]
fn a_time_point_is_done_once_its_questionnaires_and_staff_forms_are_saved() {
    let (_dir, mut store) = store();
    let status = |store: &Store| {
        let due = store.due(Some("NT-001")).unwrap();
        let tp = due[0]
            .timepoints
            .iter()
            .find(|t| t.timepoint == "post_6m")
            .unwrap()
            .clone();
        serde_json::to_value(&tp).unwrap()["status"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_ne!(status(&store), "done");
    saq(&mut store, "post_6m").unwrap();
    for (instrument, json) in [
        (Instrument::Face, r#"{"answers": {"q1": 3}}"#),
        (Instrument::Fdi, r#"{"answers": {"q1": 3}}"#),
    ] {
        let answers = parse_answers_json(instrument, json.as_bytes()).unwrap();
        store
            .save_questionnaire(&Questionnaire {
                participant: "NT-001".into(),
                timepoint: "post_6m".into(),
                answers,
                language: "en".into(),
                missing: MissingMode::Strict,
                session_id: None,
                correction: None,
            })
            .unwrap();
    }
    assert_ne!(status(&store), "done", "Sunnybrook is still missing");
    let sunnybrook = parse_answers_json(
        Instrument::Sunnybrook,
        br#"{"answers": {"rest_eye": 1, "rest_cheek": 0, "rest_mouth": 0, "move_brow": 4,
            "move_eye_closure": 4, "move_smile": 4, "move_snarl": 4, "move_pucker": 4,
            "synk_brow": 3, "synk_eye_closure": 3, "synk_smile": 3, "synk_snarl": 3, "synk_pucker": 3}}"#,
    )
    .unwrap();
    let saved = store
        .save_questionnaire(&Questionnaire {
            participant: "NT-001".into(),
            timepoint: "post_6m".into(),
            answers: sunnybrook,
            language: "en".into(),
            missing: MissingMode::Strict,
            session_id: None,
            correction: None,
        })
        .unwrap();
    assert_eq!(saved.kind, "clinician_form");
    assert_eq!(status(&store), "done");
}

#[test]
fn eligibility_uses_the_latest_sunnybrook_composite_of_the_time_point() {
    let (_dir, mut store) = store();
    let all_met: std::collections::BTreeMap<String, bool> = store
        .study()
        .eligibility
        .iter()
        .map(|c| {
            (
                c.id.clone(),
                c.kind == mimik_domain::study::CriterionKind::Inclusion,
            )
        })
        .collect();
    let open = store
        .save_eligibility("NT-001", "baseline", &all_met)
        .unwrap();
    let row = |store: &Store, id: &str| {
        store
            .submissions()
            .unwrap()
            .into_iter()
            .find(|r| r.id == id)
            .unwrap()
    };
    assert_eq!(
        row(&store, &open.id).answers.unwrap()["eligible"],
        serde_json::Value::Null
    );
    let sb5 = parse_answers_json(
        Instrument::Sunnybrook,
        br#"{"answers": {"rest_eye": 1, "rest_cheek": 0, "rest_mouth": 0, "move_brow": 4,
            "move_eye_closure": 4, "move_smile": 4, "move_snarl": 4, "move_pucker": 4,
            "synk_brow": 3, "synk_eye_closure": 3, "synk_smile": 3, "synk_snarl": 3, "synk_pucker": 3}}"#,
    )
    .unwrap();
    store
        .save_questionnaire(&Questionnaire {
            participant: "NT-001".into(),
            timepoint: "baseline".into(),
            answers: sb5,
            language: "en".into(),
            missing: MissingMode::Strict,
            session_id: None,
            correction: None,
        })
        .unwrap();
    let decided = store
        .save_eligibility("NT-001", "baseline", &all_met)
        .unwrap();
    let content = row(&store, &decided.id).answers.unwrap();
    assert_eq!(content["sunnybrook_composite"], 60.0);
    assert_eq!(content["eligible"], true);
}

#[test]
fn pseudonyms_must_follow_the_study_pattern_and_be_unique() {
    let (_dir, mut store) = store();
    let new = |p: &str| participant(p, None);
    assert!(matches!(
        store.add_participant(&new("Anna Svensson")),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        store.add_participant(&new("NT-001")),
        Err(Error::ParticipantExists(_))
    ));
    store.add_participant(&new("NT-002")).unwrap();
    let roster: Vec<String> = store
        .participants()
        .unwrap()
        .into_iter()
        .map(|p| p.pseudonym)
        .collect();
    assert_eq!(roster, ["NT-001", "NT-002"]);
}

#[test]
fn a_correction_of_another_participant_or_instrument_is_refused() {
    let (_dir, mut store) = store();
    store
        .add_participant(&participant("NT-002", Some((2026, 5, 1))))
        .unwrap();
    let original = saq(&mut store, "post_6m").unwrap();
    let fdi = parse_answers_json(Instrument::Fdi, br#"{"answers": {"q1": 2}}"#).unwrap();
    let saq_answers = parse_answers_json(Instrument::Saq, br#"{"answers": {"q1": 2}}"#).unwrap();
    for (participant, answers) in [("NT-002", saq_answers), ("NT-001", fdi)] {
        let correction = Questionnaire {
            participant: participant.into(),
            timepoint: "post_6m".into(),
            answers,
            language: "en".into(),
            missing: MissingMode::Prorated,
            session_id: None,
            correction: Some(Correction {
                supersedes: original.id.clone(),
                reason: "wrong".into(),
            }),
        };
        let result = store.save_questionnaire(&correction);
        assert!(
            matches!(result, Err(Error::Invalid(_))),
            "{participant}: {result:?}"
        );
    }
}

#[test]
fn answers_cannot_be_saved_into_another_patients_or_an_ended_session() {
    let (_dir, mut store) = store();
    let session = store.start_session("NT-001", "post_6m", "en").unwrap();
    assert!(
        store
            .save_side_effect("NT-001", "post_12m", "Ont", Some(&session.id))
            .is_err()
    );
    store
        .save_side_effect("NT-001", "post_6m", "Ont", Some(&session.id))
        .unwrap();
    store.end_session(&session.id, true, "nurse-1").unwrap();
    // Issue 11 point 3: the store and the app give an ended session the same error
    // (the app's `session_ended`), where the store said "invalid input" before.
    assert!(matches!(
        store.save_side_effect("NT-001", "post_6m", "Ont", Some(&session.id)),
        Err(Error::SessionEnded)
    ));
    assert!(matches!(
        store.save_side_effect_draft(&session.id, "Ont"),
        Err(Error::SessionEnded)
    ));
}

#[test]
fn a_typed_name_instead_of_a_pseudonym_is_never_echoed() {
    let (_dir, store) = store();
    let error = store.participant("Anna Svensson").unwrap_err().to_string();
    assert!(!error.contains("Anna"), "{error}");
    assert!(matches!(
        store.participant("NT-404"),
        Err(Error::UnknownParticipant(_))
    ));
}

#[test]
fn the_recovery_key_holder_can_work_with_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let (store, recovery) = Store::init(
        dir.path(),
        "nurse",
        PASS,
        KdfParams::INSECURE_FAST_FOR_TESTS,
    )
    .unwrap();
    drop(store);
    let mut store = Store::unlock(dir.path(), &crate::Credentials::Recovery(recovery)).unwrap();
    store.add_participant(&participant("NT-003", None)).unwrap();
    assert!(store.start_session("NT-003", "baseline", "sv").is_ok());
    assert!(store.verify().unwrap().ok);
}

#[test]
fn a_passphrase_change_is_audited_before_the_key_slot_changes() {
    let (dir, mut store) = store();
    store
        .change_passphrase("a-new-passphrase", KdfParams::INSECURE_FAST_FOR_TESTS)
        .unwrap();
    let actions: Vec<String> = store
        .conn
        .prepare("SELECT action FROM audit ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        actions.last().map(String::as_str),
        Some("staff.passphrase_changed")
    );
    drop(store);
    let new = crate::Credentials::Staff {
        staff_id: None,
        passphrase: "a-new-passphrase".to_owned().into(),
    };
    assert!(Store::unlock(dir.path(), &new).is_ok());
}

/// Issue 13 item 1: a PIN never wraps the key. Setting one leaves `keyslots.json` as it was, a
/// PIN does not unlock the files, and its verifier is a row of the encrypted database.
#[test]
fn a_pin_is_never_a_key_slot_and_cannot_open_the_store_from_its_files() {
    let (dir, mut store) = store();
    let slots_before = std::fs::read(SlotFile::path(dir.path())).unwrap();
    store
        .set_pin("246810", KdfParams::INSECURE_FAST_FOR_TESTS)
        .unwrap();
    assert!(store.has_pin().unwrap());
    assert_eq!(
        std::fs::read(SlotFile::path(dir.path())).unwrap(),
        slots_before
    );
    assert_eq!(store.confirm_staff("246810").unwrap(), "nurse");
    assert_eq!(store.confirm_staff(PASS).unwrap(), "nurse");
    assert!(matches!(
        store.confirm_staff("135790"),
        Err(Error::WrongPassphrase)
    ));
    drop(store);
    let pin = Credentials::Staff {
        staff_id: None,
        passphrase: zeroize::Zeroizing::new("246810".into()),
    };
    assert!(matches!(
        Store::unlock(dir.path(), &pin),
        Err(Error::WrongPassphrase)
    ));
}

#[test]
fn a_removed_staff_members_pin_no_longer_confirms_anything() {
    let (_dir, mut store) = store();
    store
        .add_staff("bo", "bo-passphrase", KdfParams::INSECURE_FAST_FOR_TESTS)
        .unwrap();
    store
        .set_pin("246810", KdfParams::INSECURE_FAST_FOR_TESTS)
        .unwrap();
    store
        .add_staff("cay", "cay-passphrase", KdfParams::INSECURE_FAST_FOR_TESTS)
        .unwrap();
    store.remove_staff("nurse", "left the clinic").unwrap();
    assert!(matches!(
        store.confirm_staff("246810"),
        Err(Error::WrongPassphrase)
    ));
}

#[test]
fn the_store_itself_refuses_a_short_or_digits_only_passphrase_for_a_key_slot() {
    let (_dir, mut store) = store();
    for weak in ["12345678", "1234567890123", "too-short"] {
        assert!(matches!(
            store.add_staff("bo", weak, KdfParams::INSECURE_FAST_FOR_TESTS),
            Err(Error::WeakPassphrase)
        ));
        assert!(matches!(
            store.change_passphrase(weak, KdfParams::INSECURE_FAST_FOR_TESTS),
            Err(Error::WeakPassphrase)
        ));
    }
    assert!(!store.slots.staff_ids().contains(&"bo"));
}

/// Copies of `dir`'s database with `slots` beside them: whether `credentials` open it.
fn copy_opens(dir: &Path, slots: &[u8], credentials: &Credentials) -> bool {
    let scratch = tempfile::tempdir().unwrap();
    for name in [DB_FILE, "mimik.db-wal"] {
        if dir.join(name).exists() {
            std::fs::copy(dir.join(name), scratch.path().join(name)).unwrap();
        }
    }
    std::fs::write(SlotFile::path(scratch.path()), slots).unwrap();
    Store::unlock(scratch.path(), credentials).is_ok()
}

fn staff_secret(passphrase: &str) -> Credentials {
    Credentials::Staff {
        staff_id: None,
        passphrase: zeroize::Zeroizing::new(passphrase.into()),
    }
}

/// Issue 13 item 1: removing a staff member re-keys the store, so a copy of keyslots.json taken
/// before opens nothing, while the remaining staff and the recovery key need nothing new.
#[test]
fn removing_a_staff_member_rekeys_so_an_old_copy_of_the_slot_file_opens_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, recovery) = Store::init(
        dir.path(),
        "nurse",
        PASS,
        KdfParams::INSECURE_FAST_FOR_TESTS,
    )
    .unwrap();
    store
        .add_staff("bo", "bo-passphrase", KdfParams::INSECURE_FAST_FOR_TESTS)
        .unwrap();
    store
        .add_participant(&participant("NT-001", Some((2026, 5, 1))))
        .unwrap();
    saq(&mut store, "post_6m").unwrap();
    let old_slots = std::fs::read(SlotFile::path(dir.path())).unwrap();
    assert!(copy_opens(
        dir.path(),
        &old_slots,
        &staff_secret("bo-passphrase")
    ));

    assert_eq!(
        store.remove_staff("bo", "left the clinic").unwrap(),
        Rekey::Done
    );
    drop(store);
    assert!(!copy_opens(
        dir.path(),
        &old_slots,
        &staff_secret("bo-passphrase")
    ));
    assert!(!copy_opens(dir.path(), &old_slots, &staff_secret(PASS)));
    let store = Store::unlock(dir.path(), &staff_secret(PASS)).unwrap();
    assert!(store.verify().unwrap().ok);
    assert_eq!(
        counts(&store).0,
        2,
        "the registration and the SAQ are still there"
    );
    drop(store);
    Store::unlock(dir.path(), &Credentials::Recovery(recovery)).unwrap();
}

/// A store from before sealed slots: each format-1 slot becomes sealed at its owner's next
/// unlock; until then a re-key is refused, naming who must unlock, and changes nothing.
#[test]
fn format_1_slots_are_sealed_at_their_next_unlock_and_a_rekey_waits_for_them() {
    let dir = tempfile::tempdir().unwrap();
    let (store, recovery) = Store::init(
        dir.path(),
        "nurse",
        PASS,
        KdfParams::INSECURE_FAST_FOR_TESTS,
    )
    .unwrap();
    let mut slots = store.slots.clone();
    slots
        .add_format_1_slot(
            &store.key,
            "nurse",
            PASS,
            KdfParams::INSECURE_FAST_FOR_TESTS,
        )
        .unwrap();
    slots
        .add_format_1_slot(
            &store.key,
            "bo",
            "bo-passphrase",
            KdfParams::INSECURE_FAST_FOR_TESTS,
        )
        .unwrap();
    slots.save(dir.path()).unwrap();
    drop(store);

    let mut store = Store::unlock(dir.path(), &staff_secret(PASS)).unwrap();
    assert_eq!(store.unsealed_slots(), ["staff:bo"]);
    let before = std::fs::read(SlotFile::path(dir.path())).unwrap();
    assert_eq!(
        store.rekey("test").unwrap(),
        Rekey::Blocked(vec!["staff:bo".into()])
    );
    assert_eq!(std::fs::read(SlotFile::path(dir.path())).unwrap(), before);
    drop(store);

    Store::unlock(dir.path(), &staff_secret("bo-passphrase")).unwrap();
    let mut store = Store::unlock(dir.path(), &Credentials::Recovery(recovery)).unwrap();
    assert!(store.unsealed_slots().is_empty());
    assert_eq!(store.rekey("test").unwrap(), Rekey::Done);
    drop(store);
    Store::unlock(dir.path(), &staff_secret("bo-passphrase")).unwrap();
}

/// The two states a kill can leave a re-key in, made exactly: before its commit point (a copy
/// and next slots beside the untouched store) it is undone; after it (the new database in place,
/// the old slot file, the next slots beside it) it is finished.
#[test]
fn an_interrupted_rekey_is_undone_before_its_commit_point_and_finished_after_it() {
    let (dir, mut store) = store();
    let old_slots = std::fs::read(SlotFile::path(dir.path())).unwrap();
    drop(store);
    std::fs::write(dir.path().join("mimik.db.rekey"), b"half a copy").unwrap();
    std::fs::write(dir.path().join("keyslots.next.json"), b"{}").unwrap();
    store = Store::unlock(dir.path(), &staff_secret(PASS)).unwrap();
    assert!(!dir.path().join("mimik.db.rekey").exists());
    assert!(!dir.path().join("keyslots.next.json").exists());
    assert_eq!(
        std::fs::read(SlotFile::path(dir.path())).unwrap(),
        old_slots
    );

    assert_eq!(store.rekey("test").unwrap(), Rekey::Done);
    drop(store);
    let new_slots = std::fs::read(SlotFile::path(dir.path())).unwrap();
    std::fs::write(dir.path().join("keyslots.next.json"), &new_slots).unwrap();
    std::fs::write(SlotFile::path(dir.path()), &old_slots).unwrap();
    let store = Store::unlock(dir.path(), &staff_secret(PASS)).unwrap();
    assert!(store.verify().unwrap().ok);
    assert!(!dir.path().join("keyslots.next.json").exists());
    assert_eq!(
        std::fs::read(SlotFile::path(dir.path())).unwrap(),
        new_slots
    );
}

/// Issue 14 point 2: a participant the server's roster says withdrew has nothing due and no
/// new session; what was collected before stays, and the change is audited on the tablet.
#[test]
fn a_withdrawal_on_the_roster_ends_what_is_due_and_refuses_a_new_session_but_keeps_the_data() {
    use mimik_domain::protocol::RosterEntry;
    use mimik_domain::study::status::{ParticipantStatus, StatusOn};
    let (_dir, mut store) = store();
    saq(&mut store, "post_6m").unwrap();
    let status_of = |store: &Store, tp: &str| {
        let due = store.due(Some("NT-001")).unwrap();
        let t = due[0]
            .timepoints
            .iter()
            .find(|t| t.timepoint == tp)
            .unwrap();
        t.status.name()
    };
    assert_ne!(status_of(&store, "post_12m"), "not_applicable");
    let before = counts(&store);

    let withdrawn = StatusOn {
        status: ParticipantStatus::Withdrawn,
        date: NaiveDate::from_ymd_opt(2026, 6, 15).unwrap(),
    };
    let roster = [RosterEntry {
        pseudonym: "NT-001".into(),
        inclusion_date: NaiveDate::from_ymd_opt(2025, 6, 1).unwrap(),
        surgery_date: NaiveDate::from_ymd_opt(2026, 5, 1),
        botox_dates: vec![],
        status: Some(withdrawn),
    }];
    assert_eq!(store.merge_roster(&roster).unwrap(), 1);
    assert_eq!(
        store.merge_roster(&roster).unwrap(),
        0,
        "the same status again changes nothing"
    );
    assert_eq!(store.participant("NT-001").unwrap().status, Some(withdrawn));
    // Nothing falls due after leaving; baseline, whose window closed before, stays missed.
    assert_eq!(status_of(&store, "post_12m"), "not_applicable");
    assert_eq!(status_of(&store, "post_6m"), "not_applicable");
    assert_eq!(status_of(&store, "baseline"), "missed");
    let refused = store.start_session("NT-001", "post_12m", "en").unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("left the study (withdrawn since 2026-06-15)"),
        "{refused}"
    );
    let after = counts(&store);
    assert_eq!(
        (after.0, after.1),
        (before.0, before.1),
        "submissions and outbox kept"
    );
    let audited: i64 = store
        .conn
        .query_row(
            "SELECT count(*) FROM audit WHERE action = 'participant.status_received'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 1);
}
