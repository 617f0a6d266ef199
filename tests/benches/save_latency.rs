//! From a save on the tablet to the server's receipt, through the app's own background sync
//! (issue 13 item 3: p95 ≤ 10 s while online, with the screen unlocked or locked).
//!
//! `cargo bench -p mimik-tests --bench save_latency` (`MIMIK_BENCH_SAVES` saves, default 20)
//!
//! A bench binary that drives the tablet app's logic (`mimik_tablet`, what the Tauri shell
//! runs) with its production timing (30 s interval, 3 s debounce after a save) against a real
//! `mimik-server` on loopback. Each save is a participant registration (a signed submission like
//! any other); half are followed at once by a screen lock, as when the nurse locks the tablet
//! right after a visit. Saves are spaced by a pseudo-random 0–6 s so that they fall anywhere in
//! the interval. The latency ends when a sync pass reports the save acknowledged: the server's
//! receipt, naming the record and echoing its hash, has reached the tablet.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench: a panic is a failed run

use mimik_device::KdfParams;
use mimik_tablet::dto::NewParticipant;
use mimik_tablet::{App, Shared, Timing};
use mimik_tests::harness::Server;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PASSPHRASE: &str = "bench-passphrase";
const PIN: &str = "246810";
const TARGET_P95: Duration = Duration::from_secs(10);

fn saves() -> usize {
    std::env::var("MIMIK_BENCH_SAVES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20)
        .max(2)
}

/// When each acknowledged count was first reported.
type Reports = Arc<Mutex<Vec<(Instant, u32)>>>;

async fn acknowledged_at(reports: &Reports, count: u32) -> Instant {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let hit = reports
            .lock()
            .unwrap()
            .iter()
            .find(|(_, acknowledged)| *acknowledged >= count)
            .map(|(at, _)| *at);
        if let Some(at) = hit {
            return at;
        }
        assert!(
            Instant::now() < deadline,
            "save {count} never reached the server"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    // Nearest rank: the smallest value with at least p of the values at or below it.
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn summary(what: &str, mut latencies: Vec<Duration>) -> Duration {
    latencies.sort();
    let p95 = percentile(&latencies, 0.95);
    println!(
        "{what:>9}: {} saves, median {:.2} s, p95 {:.2} s, max {:.2} s (target p95 ≤ {} s: {})",
        latencies.len(),
        percentile(&latencies, 0.5).as_secs_f64(),
        p95.as_secs_f64(),
        latencies.last().unwrap().as_secs_f64(),
        TARGET_P95.as_secs(),
        if p95 <= TARGET_P95 { "met" } else { "NOT met" }
    );
    p95
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
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
    app.init_store("bench.nurse", PASSPHRASE).unwrap();
    app.set_pin(PIN).unwrap();
    let shared = Arc::new(Shared::new(app));
    shared
        .enroll(&server.url(), &server.enrollment_code())
        .await
        .unwrap();
    let reports: Reports = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&reports);
    tokio::spawn(
        Arc::clone(&shared).run_background_with(Timing::default(), move |status| {
            if !status.syncing {
                sink.lock()
                    .unwrap()
                    .push((Instant::now(), status.acknowledged));
            }
        }),
    );

    let (mut unlocked, mut locked) = (Vec::new(), Vec::new());
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for n in 0..saves() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        tokio::time::sleep(Duration::from_millis(seed % 6_000)).await;
        let lock_after = n % 2 == 1;
        let saved = {
            let mut app = shared.app().await;
            app.add_participant(&NewParticipant {
                pseudonym: format!("NT-{:03}", n + 1),
                inclusion_date: "2025-01-10".into(),
                surgery_date: None,
                botox_dates: Vec::new(),
            })
            .unwrap();
            let saved = Instant::now();
            if lock_after {
                app.lock();
            }
            saved
        };
        let count = u32::try_from(n + 1).unwrap();
        let received = acknowledged_at(&reports, count).await;
        let latency = received.saturating_duration_since(saved);
        if lock_after {
            locked.push(latency);
            shared.app().await.unlock(PIN).unwrap();
        } else {
            unlocked.push(latency);
        }
    }
    println!("save → server receipt, production timing (interval 30 s, debounce 3 s):");
    let worst = summary("unlocked", unlocked).max(summary("locked", locked));
    if worst > TARGET_P95 {
        std::process::exit(1);
    }
}
