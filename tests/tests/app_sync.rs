//! The app's sync commands (`mimik_tablet::Shared`, what the Tauri shell calls) against a
//! real `mimik-server` on loopback: a revoked tablet says so in its sync status, keeps its queue,
//! and enrolls again from the app.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use mimik_device::KdfParams;
use mimik_tablet::dto::NewParticipant;
use mimik_tablet::{App, Shared};
use mimik_tests::harness::Server;

fn participant(pseudonym: &str) -> NewParticipant {
    NewParticipant {
        pseudonym: pseudonym.into(),
        inclusion_date: "2025-01-10".into(),
        surgery_date: None,
        botox_dates: Vec::new(),
    }
}

#[tokio::test]
async fn a_revoked_tablet_says_so_keeps_its_queue_and_enrolls_again_from_the_app() {
    let root = tempfile::tempdir().unwrap();
    let server = tokio::task::spawn_blocking({
        let dir = root.path().join("server");
        move || Server::start(&dir, None)
    })
    .await
    .unwrap();
    let mut app = App::new(
        &root.path().join("tablet"),
        KdfParams::INSECURE_FAST_FOR_TESTS,
        None,
    );
    app.init_store("anna.l", "nurse-pin-1234").unwrap();
    app.add_participant(&participant("NT-001")).unwrap();
    let shared = Shared::new(app);

    let first = shared
        .enroll(&server.url(), &server.enrollment_code())
        .await
        .unwrap();
    let synced = shared.sync_now().await.unwrap();
    assert_eq!((synced.pending, synced.revoked), (0, false));

    let revoke = server.cli(&["revoke", &first.device_id]);
    assert!(revoke.status.success(), "{revoke:?}");
    shared
        .app()
        .await
        .add_participant(&participant("NT-002"))
        .unwrap();
    let refused = shared.sync_now().await.unwrap();
    assert!(refused.revoked, "{refused:?}");
    assert_eq!(refused.pending, 1, "the queue is kept");
    assert!(shared.sync_status().await.unwrap().revoked);

    let again = shared
        .enroll(&server.url(), &server.enrollment_code())
        .await
        .unwrap();
    assert_ne!(again.device_id, first.device_id);
    let drained = shared.sync_now().await.unwrap();
    assert_eq!(
        (drained.pending, drained.revoked),
        (0, false),
        "{drained:?}"
    );
    assert_eq!(drained.last_error, None);
}
