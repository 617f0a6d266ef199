//! Study bundles in the app (issue 12): a Swedish session shows the Swedish pack once a bundle
//! holds one, falls back to English (saying so through the pack's language) for the others,
//! hides the reference packs' developer notice once a licensed pack is loaded, and a session
//! keeps the bundle it started with when a newer one is adopted meanwhile.

use super::dto::*;
use super::*;
use ed25519_dalek::SigningKey;
use mimik_device::keys::KdfParams;
use mimik_domain::bundle::PackFile;
use mimik_domain::bundle::{Bundle, reference};
use mimik_domain::content_pack::ContentPack as DomainPack;

const PASS: &str = "correct horse battery";
const SWEDISH_TEST_FACE: &str = include_str!("../../../tests/fixtures/packs/face-sv-test.toml");

fn server_key() -> SigningKey {
    SigningKey::from_bytes(&[11; 32])
}

/// Version `version` of the reference study; with the synthetic Swedish FaCE pack if `swedish`,
/// and with FaCE's Swedish wording marked `variant` (a pack may change wording between versions).
fn version(version: u64, swedish: Option<&str>) -> Bundle {
    let mut packs = reference::bundle().unwrap().bundle.packs;
    if let Some(variant) = swedish {
        let text = SWEDISH_TEST_FACE.replace(
            "TESTTEXT fråga 1\"",
            &format!("TESTTEXT fråga 1 {variant}\""),
        );
        let pack = DomainPack::load(&text).unwrap();
        packs.push(PackFile {
            instrument: "face".into(),
            language: "sv".into(),
            sha256: pack.sha256,
            text,
        });
    }
    Bundle::new("NCT05191719", version, reference::STUDY_FILE, packs)
}

fn app_with_participant() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::new(dir.path(), KdfParams::INSECURE_FAST_FOR_TESTS, None);
    app.init_store("anna.l", PASS).unwrap();
    let today = chrono::Local::now().date_naive();
    app.add_participant(&NewParticipant {
        pseudonym: "NT-001".into(),
        inclusion_date: (today - chrono::Duration::days(400)).to_string(),
        surgery_date: Some((today - chrono::Duration::days(183)).to_string()),
        botox_dates: vec![(today - chrono::Duration::days(380)).to_string()],
    })
    .unwrap();
    let store = app.staff_store_mut().unwrap();
    store
        .pin_bundle_key(&mimik_domain::bundle::public_key_hex(&server_key()))
        .unwrap();
    (dir, app)
}

fn adopt(app: &mut App, bundle: &Bundle) {
    app.staff_store_mut()
        .unwrap()
        .adopt_bundle(&bundle.sign(&server_key()))
        .unwrap();
}

/// What the background sync does while a patient session runs: adopt on its own connection,
/// then the app's connection takes it up.
fn adopt_during_session(app: &mut App, bundle: &Bundle) {
    let mut sync = app.store().unwrap().another_connection().unwrap();
    sync.adopt_bundle(&bundle.sign(&server_key())).unwrap();
    app.store.as_mut().unwrap().refresh_bundle().unwrap();
}

fn all_codes(instrument: mimik_domain::Instrument, code: u8) -> Answers {
    Answers(
        instrument
            .items()
            .iter()
            .map(|item| {
                (
                    item.id.to_owned(),
                    Some(AnswerValue::Code(code.clamp(item.min, item.max))),
                )
            })
            .collect(),
    )
}

#[test]
fn a_swedish_session_shows_the_swedish_pack_and_records_its_hash_and_bundle_version() {
    let (_dir, mut app) = app_with_participant();
    let v2 = version(2, Some("v2"));
    adopt(&mut app, &v2);
    let s = app
        .start_session("NT-001", "post_6m", Language::Sv)
        .unwrap();
    let face = app
        .content_pack(Instrument::Face, Language::Sv, Some(&s.session_id))
        .unwrap();
    assert_eq!(face.language, "sv");
    assert!(face.items[0].text.starts_with("TESTTEXT fråga 1"));
    assert!(!face.reference);
    assert!(face.notice.as_deref().unwrap().contains("TESTTEXT"));
    // No Swedish FDI: English, and the reference pack's developer notice is not shown now that
    // a licensed pack is loaded.
    let fdi = app
        .content_pack(Instrument::Fdi, Language::Sv, Some(&s.session_id))
        .unwrap();
    assert_eq!(fdi.language, "en");
    assert!(fdi.reference);
    assert_eq!(fdi.notice, None);

    let saved = app
        .submit_questionnaire(
            &s.session_id,
            PatientInstrument::Face,
            &all_codes(mimik_domain::Instrument::Face, 3),
        )
        .unwrap();
    let row = app.store().unwrap().submission(&saved.id).unwrap();
    assert_eq!(row.language.as_deref(), Some("sv"));
    assert_eq!(
        row.content_pack_sha256.as_deref(),
        Some(face.sha256.as_str())
    );
    assert_eq!(row.protocol_version, Some(2));
}

#[test]
fn with_only_reference_packs_the_developer_notice_is_shown() {
    let (_dir, app) = app_with_participant();
    let face = app
        .content_pack(Instrument::Face, Language::Sv, None)
        .unwrap();
    assert_eq!(face.language, "en");
    assert!(face.reference);
    assert!(face.notice.unwrap().contains("not a licensed"));
}

#[test]
fn a_session_keeps_the_bundle_it_started_with_when_a_newer_one_is_adopted() {
    let (_dir, mut app) = app_with_participant();
    adopt(&mut app, &version(2, Some("v2")));
    let started = app
        .start_session("NT-001", "post_6m", Language::Sv)
        .unwrap();
    let shown = app
        .content_pack(Instrument::Face, Language::Sv, Some(&started.session_id))
        .unwrap();
    adopt_during_session(&mut app, &version(3, Some("v3")));

    // The open session still shows and saves version 2's wording.
    let again = app
        .content_pack(Instrument::Face, Language::Sv, Some(&started.session_id))
        .unwrap();
    assert_eq!(again.sha256, shown.sha256);
    assert!(again.items[0].text.ends_with("v2"));
    let saved = app
        .submit_questionnaire(
            &started.session_id,
            PatientInstrument::Face,
            &all_codes(mimik_domain::Instrument::Face, 2),
        )
        .unwrap();
    let row = app.store().unwrap().submission(&saved.id).unwrap();
    assert_eq!(
        row.content_pack_sha256.as_deref(),
        Some(shown.sha256.as_str())
    );
    assert_eq!(row.protocol_version, Some(2));

    // Outside the session, version 3 is in force.
    let newest = app
        .content_pack(Instrument::Face, Language::Sv, None)
        .unwrap();
    assert!(newest.items[0].text.ends_with("v3"));
}

/// The reference protocol with `post_6m` asking only `patient_forms` (an amendment).
fn post_6m_asks(patient_forms: &str) -> String {
    let post_6m = reference::STUDY_FILE
        .split("[[timepoints]]")
        .find(|block| block.contains("id = \"post_6m\""))
        .unwrap();
    let old = post_6m
        .lines()
        .find(|l| l.starts_with("patient_forms"))
        .unwrap();
    let amended = post_6m.replace(old, &format!("patient_forms = {patient_forms}"));
    reference::STUDY_FILE.replace(post_6m, &amended)
}

#[test]
fn a_session_started_before_an_amendment_asks_and_finishes_under_the_old_protocol() {
    let (_dir, mut app) = app_with_participant();
    let started = app
        .start_session("NT-001", "post_6m", Language::En)
        .unwrap();
    assert!(started.forms.contains(&SessionForm::Saq));
    let packs = reference::bundle().unwrap().bundle.packs;
    let amendment = Bundle::new(
        "NCT05191719",
        2,
        &post_6m_asks(r#"["face", "fdi", "side_effects"]"#),
        packs,
    );
    adopt_during_session(&mut app, &amendment);

    // The open session still asks for SAQ, and ends completed only once all three are saved.
    let asked = [
        (PatientInstrument::Face, mimik_domain::Instrument::Face),
        (PatientInstrument::Fdi, mimik_domain::Instrument::Fdi),
    ];
    for (instrument, domain) in asked {
        app.submit_questionnaire(&started.session_id, instrument, &all_codes(domain, 2))
            .unwrap();
    }
    let saq = app
        .submit_questionnaire(
            &started.session_id,
            PatientInstrument::Saq,
            &all_codes(mimik_domain::Instrument::Saq, 2),
        )
        .unwrap();
    let row = app.store().unwrap().submission(&saq.id).unwrap();
    assert_eq!(
        row.protocol_version,
        Some(1),
        "saved under the version it started with"
    );
    app.end_session(&started.session_id, PASS).unwrap();
    let ended = app.store().unwrap().session(&started.session_id).unwrap();
    assert_eq!(ended.state, "completed");

    // A new session follows the amendment: at another participant's post_6m, no SAQ.
    let today = chrono::Local::now().date_naive();
    app.add_participant(&NewParticipant {
        pseudonym: "NT-002".into(),
        inclusion_date: (today - chrono::Duration::days(400)).to_string(),
        surgery_date: Some((today - chrono::Duration::days(183)).to_string()),
        botox_dates: vec![],
    })
    .unwrap();
    let next = app
        .start_session("NT-002", "post_6m", Language::En)
        .unwrap();
    assert!(!next.forms.contains(&SessionForm::Saq), "{:?}", next.forms);
}

#[test]
fn the_staff_screens_get_the_labels_and_forms_of_the_protocol_in_force() {
    let (_dir, mut app) = app_with_participant();
    let plan = app.study_plan().unwrap();
    assert_eq!(plan.version, 1);
    let baseline = &plan.timepoints[0];
    assert_eq!(baseline.label.sv.as_deref(), Some("Baslinje (inklusion)"));
    assert_eq!(baseline.patient_forms, ["side_effects"]);
    let botox = plan.forms.iter().find(|f| f.form == "botox_count").unwrap();
    assert_eq!(botox.counting_period_months, Some(12));
    let criteria = app.eligibility_criteria().unwrap();
    let contractures = criteria.iter().find(|c| c.id == "contractures").unwrap();
    assert_eq!(
        contractures.label.sv.as_deref(),
        Some("Kontrakturer i ansiktsmuskulaturen")
    );

    let renamed = post_6m_asks(r#"["face", "fdi", "side_effects"]"#).replace(
        "label.sv = \"6 månader efter operation\"",
        "label.sv = \"Halvårsbesök efter operationen\"",
    );
    let packs = reference::bundle().unwrap().bundle.packs;
    adopt(&mut app, &Bundle::new("NCT05191719", 2, &renamed, packs));
    let plan = app.study_plan().unwrap();
    assert_eq!(plan.version, 2);
    let post_6m = plan.timepoints.iter().find(|t| t.id == "post_6m").unwrap();
    assert_eq!(
        post_6m.label.sv.as_deref(),
        Some("Halvårsbesök efter operationen")
    );
    assert_eq!(post_6m.patient_forms, ["face", "fdi", "side_effects"]);
}
