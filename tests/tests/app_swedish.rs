//! A Swedish patient session in the real tablet app (issue 12): a real `mimik-server` publishes
//! a synthetic Swedish FaCE pack, the app adopts it on "Sync now", the patient answers FaCE in
//! Swedish (Swedish screens and wording), FDI in English with the app saying so, and "no side
//! effects since the last visit". The server's export then holds language `sv`, the Swedish
//! pack's SHA-256 and bundle version 2 for FaCE, English for FDI, and the explicit "none".
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mimik_tests::app_flow::{
    PASS, first_run, hand_over, leave_patient_mode, pending_is, register, start_session, sync_now,
};
use mimik_tests::harness::Server;
use mimik_tests::webdriver::{Driver, Screen};
use mimik_tests::{bin, workspace_root};
use serde_json::Value;
use std::ffi::OsString;

const SWEDISH: &str = "tests/fixtures/packs/face-sv-test.toml";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_swedish_patient_answers_the_swedish_pack_in_the_real_app_and_the_server_knows_it() {
    let root = tempfile::tempdir().unwrap();
    let server = Server::start(&root.path().join("server"), None);
    let pack = workspace_root().join(SWEDISH);
    let study = workspace_root().join("studies/nct05191719.toml");
    let published = server.cli(&[
        "study",
        "publish",
        "--study",
        study.to_str().unwrap(),
        "--pack",
        pack.to_str().unwrap(),
    ]);
    assert!(published.status.success(), "{published:?}");
    let swedish_sha = mimik_domain::canonical::sha256_hex(&std::fs::read(&pack).unwrap());

    let home = root.path().join("app-home");
    std::fs::create_dir_all(&home).unwrap();
    let driver = Driver::start(&[
        ("MIMIK_DATA_DIR", OsString::from(root.path().join("tablet"))),
        ("MIMIK_SYNC_INTERVAL_S", OsString::from("3600")),
        ("MIMIK_SYNC_DEBOUNCE_S", OsString::from("3600")),
        ("HOME", OsString::from(&home)),
    ]);
    let ui = Screen {
        client: driver.launch(&bin("mimik-app")).await,
    };
    first_run(&ui, &server.url(), &server.enrollment_code()).await;
    ui.wait_text("Participants").await;
    register(&ui, "NT-001").await;
    // The sync adopts version 2, with the Swedish FaCE.
    sync_now(&ui).await;

    start_session(&ui, "NT-001", "post_6m", "sv").await;
    hand_over(&ui, "Välkommen", "Starta").await;
    ui.wait_text("TESTTEXT FaCE på svenska").await;
    ui.click("Nästa").await;
    for n in 1..=15 {
        ui.wait_text(&format!("Fråga {n} av 15")).await;
        ui.wait_text(&format!("TESTTEXT fråga {n}")).await;
        ui.choose(2).await;
        ui.click("Nästa").await;
    }
    // No Swedish FDI in the bundle: English, and the app says so in Swedish.
    ui.wait_text("Facial Disability Index").await;
    ui.wait_text("Frågorna visas på engelska.").await;
    ui.click("Nästa").await;
    for n in 1..=10 {
        ui.wait_text(&format!("Fråga {n} av 10")).await;
        ui.choose(0).await;
        ui.click("Nästa").await;
    }
    ui.wait_text("Synkinesis Assessment Questionnaire").await;
    ui.click("Nästa").await;
    for n in 1..=9 {
        ui.wait_text(&format!("Fråga {n} av 9")).await;
        ui.choose(0).await;
        ui.click("Nästa").await;
    }
    ui.wait_text("Jag har inte haft några biverkningar sedan mitt senaste besök")
        .await;
    ui.tap("[data-testid=no-side-effects]").await;
    ui.click("Nästa").await;
    ui.wait_text("Granska dina svar").await;
    ui.wait_text("Inga biverkningar sedan förra besöket").await;
    ui.click("Skicka mina svar").await;
    ui.wait_text("Tack!").await;
    ui.click("Staff").await;
    leave_patient_mode(&ui, PASS).await;
    pending_is(&ui, 4).await;
    sync_now(&ui).await;
    ui.client.clone().close().await.unwrap();
    drop(driver);

    let export = server.export_json();
    let rows = export["submissions"].as_array().unwrap();
    let of = |what: &str| -> Vec<&Value> {
        rows.iter()
            .filter(|s| s["instrument"] == what || s["kind"] == what)
            .collect()
    };
    let face = of("face");
    assert_eq!(face.len(), 1, "{export}");
    assert_eq!(face[0]["language"], "sv");
    assert_eq!(face[0]["pack_sha256"], swedish_sha.as_str());
    assert_eq!(face[0]["protocol_version"], 2);
    assert_eq!(face[0]["source"], "tablet");
    let fdi = of("fdi");
    assert_eq!(fdi[0]["language"], "en", "shown in English: {}", fdi[0]);
    assert_eq!(fdi[0]["protocol_version"], 2);
    assert_eq!(of("no_side_effects").len(), 1, "{export}");
    assert!(of("side_effect").is_empty());
}
