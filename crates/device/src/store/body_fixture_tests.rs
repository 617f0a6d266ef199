//! Issue 11 point 3: the body of every kind exactly as this tablet writes it, kept in
//! `tests/fixtures/bodies.ndjson` (one canonical body per line). The domain decodes and
//! re-encodes each line and compares bytes (`mimik_domain::envelope` tests), so a typed content
//! can never change what tablets already hold. `MIMIK_WRITE_BODIES=1` rewrites the file; do that
//! only with a body version bump.

use super::*;
use crate::keys::KdfParams;
use crate::store::{NewParticipant, Questionnaire};
use chrono::NaiveDate;
use mimik_domain::clavien_dindo::Grading;
use mimik_domain::{Instrument, MissingMode, parse_answers_json};
use std::collections::BTreeSet;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/bodies.ndjson"
);

fn questionnaire(instrument: Instrument, timepoint: &str, answers: &[u8]) -> Questionnaire {
    Questionnaire {
        participant: "NT-001".into(),
        timepoint: timepoint.into(),
        answers: parse_answers_json(instrument, answers).unwrap(),
        language: "en".into(),
        missing: MissingMode::Strict,
        session_id: None,
        correction: None,
    }
}

/// One store with every kind, a correction, a paper form and a session's answers in it.
fn bodies_of_every_kind() -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = Store::init(
        dir.path(),
        "nurse",
        "nurse-passphrase",
        KdfParams::INSECURE_FAST_FOR_TESTS,
    )
    .unwrap();
    let inclusion = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
    store
        .add_participant(&NewParticipant {
            pseudonym: "NT-001".into(),
            inclusion,
            surgery: NaiveDate::from_ymd_opt(2025, 7, 1),
            botox: vec![],
        })
        .unwrap();
    store
        .update_participant_dates(
            "NT-001",
            NaiveDate::from_ymd_opt(2025, 7, 2),
            &[NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()],
        )
        .unwrap();
    let saq = br#"{"answers": {"q1": 4, "q2": 3, "q3": 2, "q4": 1, "q5": 5, "q6": 3, "q7": 2, "q8": 1, "q9": 1}}"#;
    let first = store
        .save_questionnaire(&questionnaire(Instrument::Saq, "post_6m", saq))
        .unwrap();
    let mut correction = questionnaire(Instrument::Saq, "post_6m", br#"{"answers": {"q1": 1}}"#);
    correction.missing = MissingMode::Prorated;
    correction.correction = Some(crate::store::Correction {
        supersedes: first.id.clone(),
        reason: "paper form misread".into(),
    });
    store.save_questionnaire(&correction).unwrap();
    store
        .save_questionnaire_from(
            &questionnaire(Instrument::Saq, "post_12m", saq),
            Origin::Paper {
                completed_on: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
            },
        )
        .unwrap();
    let sunnybrook = br#"{"answers": {"rest_eye": 1, "rest_cheek": 0, "rest_mouth": 0, "move_brow": 4,
        "move_eye_closure": 4, "move_smile": 4, "move_snarl": 4, "move_pucker": 4,
        "synk_brow": 3, "synk_eye_closure": 3, "synk_smile": 3, "synk_snarl": 3, "synk_pucker": 3}}"#;
    store
        .save_questionnaire(&questionnaire(
            Instrument::Sunnybrook,
            "baseline",
            sunnybrook,
        ))
        .unwrap();
    let checklist = store
        .bundle
        .study
        .eligibility
        .iter()
        .map(|c| (c.id.clone(), true))
        .collect();
    store
        .save_eligibility("NT-001", "baseline", &checklist)
        .unwrap();
    store.save_botox_count("NT-001", "baseline", 7).unwrap();
    let session = store.start_session("NT-001", "post_6m", "sv").unwrap();
    let effect = store
        .save_side_effect("NT-001", "post_6m", "Stram kind 😖", Some(&session.id))
        .unwrap();
    store
        .grade_side_effect(&effect.id, Grading::parse("IIIa", true).unwrap())
        .unwrap();
    let other = store.start_session("NT-001", "post_12m", "en").unwrap();
    store
        .save_no_side_effects("NT-001", "post_12m", Some(&other.id))
        .unwrap();
    store
        .read(|c| {
            let mut stmt = c.prepare("SELECT body FROM submissions ORDER BY device_seq")?;
            let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .unwrap()
        .into_iter()
        .map(|body| String::from_utf8(body).unwrap())
        .collect()
}

fn kinds(lines: &[String]) -> BTreeSet<String> {
    lines
        .iter()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            value["kind"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[test]
fn the_body_fixture_holds_every_kind_this_tablet_writes() {
    let written = bodies_of_every_kind();
    if std::env::var_os("MIMIK_WRITE_BODIES").is_some() {
        std::fs::write(FIXTURE, written.join("\n") + "\n").unwrap();
    }
    let fixture: Vec<String> = std::fs::read_to_string(FIXTURE)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(kinds(&fixture), kinds(&written));
    assert_eq!(kinds(&written).len(), 8, "{:?}", kinds(&written));
}
