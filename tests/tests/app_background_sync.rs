//! The app's background sync loop (`Shared::run_background_with`, what the Tauri shell spawns)
//! against a real `mimik-server` on loopback, behind the fault proxy: it sends what was saved
//! without anyone pressing "Sync now", keeps the queue while the server is unreachable and drains
//! it once the network is back (NL-8), sends a save shortly after it is made whatever the
//! interval, keeps draining behind a locked screen, and does nothing once the key is forgotten.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use mimik_device::KdfParams;
use mimik_device::sync::Backoff;
use mimik_tablet::dto::{NewParticipant, SyncSummary};
use mimik_tablet::{App, Shared, Timing};
use mimik_tests::harness::Server;
use mimik_tests::proxy::{Fault, Proxy};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PASSPHRASE: &str = "nurse-pin-1234";
const INTERVAL: Duration = Duration::from_millis(200);
const TIMING: Timing = Timing {
    interval: INTERVAL,
    retry: Backoff {
        base: Duration::from_millis(200),
        cap: Duration::from_millis(800),
    },
    debounce: Duration::from_millis(200),
};

fn participant(pseudonym: &str) -> NewParticipant {
    NewParticipant {
        pseudonym: pseudonym.into(),
        inclusion_date: "2025-01-10".into(),
        surgery_date: None,
        botox_dates: Vec::new(),
    }
}

/// A server, a proxy in front of it, and an unlocked app enrolled through the proxy, with the
/// background loop running and every status it reports collected.
struct Rig {
    _root: tempfile::TempDir,
    _server: Server,
    proxy: Proxy,
    shared: Arc<Shared>,
    reports: Arc<Mutex<Vec<SyncSummary>>>,
}

async fn rig() -> Rig {
    rig_with(TIMING).await
}

async fn rig_with(timing: Timing) -> Rig {
    let root = tempfile::tempdir().unwrap();
    let server = tokio::task::spawn_blocking({
        let dir = root.path().join("server");
        move || Server::start(&dir, None)
    })
    .await
    .unwrap();
    let proxy = Proxy::start(server.addr);
    let mut app = App::new(
        &root.path().join("tablet"),
        KdfParams::INSECURE_FAST_FOR_TESTS,
        None,
    );
    app.init_store("anna.l", PASSPHRASE).unwrap();
    let shared = Arc::new(Shared::new(app));
    shared
        .enroll(&proxy.url(), &server.enrollment_code())
        .await
        .unwrap();
    let reports = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&reports);
    tokio::spawn(
        Arc::clone(&shared).run_background_with(timing, move |status| {
            sink.lock().unwrap().push(status.clone());
        }),
    );
    Rig {
        _root: root,
        _server: server,
        proxy,
        shared,
        reports,
    }
}

/// Wait up to 20 s for the last reported status to satisfy `done`.
async fn until(rig: &Rig, what: &str, done: impl Fn(&SyncSummary) -> bool) -> SyncSummary {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let last = rig.reports.lock().unwrap().last().cloned();
        if let Some(last) = last.filter(|s| !s.syncing && done(s)) {
            return last;
        }
        assert!(
            Instant::now() < deadline,
            "the background loop never reported {what}: {:?}",
            rig.reports.lock().unwrap().last()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// NL-8: once the network is up the queue drains by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_loop_sends_a_save_without_sync_now_and_drains_once_the_network_is_back() {
    let rig = rig().await;
    rig.shared
        .app()
        .await
        .add_participant(&participant("NT-001"))
        .unwrap();
    let sent = until(&rig, "an empty queue", |s| {
        s.pending == 0 && s.acknowledged == 1
    })
    .await;
    assert_eq!(sent.last_error, None);

    // The network goes away: every connection is cut before a byte reaches the server.
    rig.proxy.set_fault(Fault::CutRequestAfter(0));
    rig.shared
        .app()
        .await
        .add_participant(&participant("NT-002"))
        .unwrap();
    let failing = until(&rig, "a failure with the record kept", |s| {
        s.pending == 1 && s.last_error.is_some()
    })
    .await;
    assert_eq!(failing.acknowledged, 1, "{failing:?}");

    // Back: the loop retries by itself (NL-8: the queue drains without staff doing anything).
    rig.proxy.set_fault(Fault::None);
    let drained = until(&rig, "the queue drained after the failure", |s| {
        s.pending == 0 && s.last_error.is_none()
    })
    .await;
    // Acknowledged means a receipt from the server that names the record and echoes its hash.
    assert_eq!(drained.acknowledged, 2, "{drained:?}");
}

/// Issue 13 item 3: a questionnaire saved just before the nurse locked the tablet sat there all
/// night. The screen lock keeps the key in memory, and the queue drains behind it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_made_just_before_the_screen_locks_reaches_the_server_behind_the_locked_screen() {
    let rig = rig().await;
    until(&rig, "a first pass", |s| s.pending == 0).await;
    {
        let mut app = rig.shared.app().await;
        app.add_participant(&participant("NT-001")).unwrap();
        app.lock();
        assert!(app.app_state().unwrap().quick_unlock);
    }
    let sent = until(&rig, "the save sent while locked", |s| {
        s.pending == 0 && s.acknowledged == 1
    })
    .await;
    assert_eq!(sent.last_error, None);
    assert!(
        !rig.shared.app().await.app_state().unwrap().unlocked,
        "the screen stayed locked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_loop_stops_once_wrong_pins_drop_the_key_and_resumes_after_the_passphrase() {
    let rig = rig().await;
    until(&rig, "a first pass", |s| s.pending == 0).await;
    rig.proxy.set_fault(Fault::CutRequestAfter(0));
    {
        let mut app = rig.shared.app().await;
        app.set_pin("246810").unwrap();
        app.add_participant(&participant("NT-001")).unwrap();
        app.lock();
        for _ in 0..mimik_tablet::MAX_WRONG_PINS {
            assert!(app.unlock("135790").is_err());
        }
        let state = app.app_state().unwrap();
        assert!(!state.unlocked && !state.quick_unlock, "the key is gone");
    }
    rig.proxy.set_fault(Fault::None);
    // A pass that had already begun may still report its end.
    tokio::time::sleep(INTERVAL * 2).await;
    let passes_before = rig.reports.lock().unwrap().len();
    tokio::time::sleep(INTERVAL * 6).await;
    assert_eq!(
        rig.reports.lock().unwrap().len(),
        passes_before,
        "no pass runs while the store's key is not in memory"
    );
    // The wrong PINs earned a one-second wait, long over by now.
    rig.shared.app().await.unlock(PASSPHRASE).unwrap();
    let resumed = until(&rig, "the queue drained after unlock", |s| {
        s.pending == 0 && s.acknowledged == 1
    })
    .await;
    assert_eq!(resumed.last_error, None);
}

/// Issue 13: data left the tablet only at the next 30 s interval. With an interval of an hour, a
/// save still reaches the server a moment after the visit's last save.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_is_sent_shortly_after_it_is_made_without_waiting_for_the_interval() {
    let rig = rig_with(Timing {
        interval: Duration::from_secs(3600),
        debounce: Duration::from_millis(300),
        ..TIMING
    })
    .await;
    let saved = Instant::now();
    rig.shared
        .app()
        .await
        .add_participant(&participant("NT-001"))
        .unwrap();
    let sent = until(&rig, "the save sent", |s| s.acknowledged == 1).await;
    assert_eq!((sent.pending, sent.last_error), (0, None));
    assert!(
        saved.elapsed() < Duration::from_secs(10),
        "sent {:?} after the save",
        saved.elapsed()
    );
}
