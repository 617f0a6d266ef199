//! Sync benchmarks of issue 5, as a bench binary against a real `mimik-server` (release build)
//! on 127.0.0.1, with real encrypted tablet stores:
//!
//! 1. one tablet syncing a backlog of 10,000 submissions (target ≤ 2 s);
//! 2. 50 tablets × 1,000 queued syncing at once (target ≥ 1,000 submissions/s, zero errors),
//!    on SQLite and, when `MIMIK_BENCH_POSTGRES_URL` is set, on PostgreSQL;
//! 3. export of 100,000 submissions (target ≤ 10 s) in each format.
//!
//! Run: `cargo bench -p mimik-tests --bench sync` (add `MIMIK_BENCH_POSTGRES_URL=postgres://…`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench: a panic is a failed run

use chrono::NaiveDate;
use mimik_device::store::{NewParticipant, Questionnaire};
use mimik_device::sync::{self, SyncSummary};
use mimik_device::{KdfParams, Store};
use mimik_domain::{Instrument, MissingMode, parse_answers_json};
use mimik_tests::harness::Server;
use std::path::Path;
use std::time::{Duration, Instant};

const PASS: &str = "bench-passphrase";

fn tablet(dir: &Path, server: &Server, queued: usize) -> Store {
    let (mut store, _) =
        Store::init(dir, "bench", PASS, KdfParams::INSECURE_FAST_FOR_TESTS).unwrap();
    store
        .add_participant(&NewParticipant {
            pseudonym: "NT-001".into(),
            inclusion: NaiveDate::from_ymd_opt(2025, 6, 1).unwrap(),
            surgery: NaiveDate::from_ymd_opt(2026, 5, 1),
            botox: vec![],
        })
        .unwrap();
    for n in 0..queued.saturating_sub(1) {
        let json = format!(
            r#"{{"answers": {{"q1": {}, "q2": 1, "q3": 3, "q4": 2, "q5": 3, "q6": 2, "q7": 4, "q8": 3, "q9": 4, "q10": 5, "q11": 4, "q12": 3, "q13": 2, "q14": 3, "q15": 5}}}}"#,
            n % 5 + 1
        );
        store
            .save_questionnaire(&Questionnaire {
                participant: "NT-001".into(),
                timepoint: "post_6m".into(),
                answers: parse_answers_json(Instrument::Face, json.as_bytes()).unwrap(),
                language: "en".into(),
                missing: MissingMode::Strict,
                session_id: None,
                correction: None,
            })
            .unwrap();
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime
        .block_on(sync::enroll(
            &mut store,
            &server.url(),
            &server.enrollment_code(),
            None,
        ))
        .unwrap();
    store
}

fn sync_one(store: &mut Store) -> SyncSummary {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(sync::sync_once(store, None)).unwrap()
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn backend(label: &str, db: Option<&str>) {
    let root = tempfile::tempdir().unwrap();
    let server = Server::start(&root.path().join("server"), db);

    // 1. One tablet, 10,000 queued.
    let mut one = tablet(&root.path().join("backlog"), &server, 10_000);
    let start = Instant::now();
    let summary = sync_one(&mut one);
    let elapsed = start.elapsed();
    assert_eq!(
        (summary.stored, summary.pending, summary.error.clone()),
        (10_000, 0, None),
        "{summary:?}"
    );
    println!(
        "| {label} | one tablet, backlog of 10,000 | {} | ≤ 2 s |",
        secs(elapsed)
    );

    // 2. 50 tablets × 1,000, twice (the second round also fills the server to 110,000 for 3).
    for round in 0..2 {
        let mut stores: Vec<Store> = (0..50)
            .map(|i| tablet(&root.path().join(format!("t{round}-{i}")), &server, 1_000))
            .collect();
        let start = Instant::now();
        let results: Vec<SyncSummary> = std::thread::scope(|scope| {
            let handles: Vec<_> = stores
                .iter_mut()
                .map(|s| scope.spawn(move || sync_one(s)))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let elapsed = start.elapsed();
        let stored: usize = results.iter().map(|r| r.stored).sum();
        let errors = results
            .iter()
            .filter(|r| r.error.is_some() || r.pending != 0)
            .count();
        assert_eq!(
            (stored, errors),
            (50_000, 0),
            "{:?}",
            results.iter().find(|r| r.error.is_some())
        );
        println!(
            "| {label} | 50 tablets × 1,000 at once (round {}) | {:.0} submissions/s ({}, {errors} errors) | ≥ 1,000/s, 0 errors |",
            round + 1,
            stored as f64 / elapsed.as_secs_f64(),
            secs(elapsed)
        );
    }

    // 3. Export of 110,000 submissions.
    for format in ["csv-long", "csv-wide", "json"] {
        let out = root.path().join(format!("export.{format}"));
        let start = Instant::now();
        let result = server.cli(&["export", "--format", format, "--out", out.to_str().unwrap()]);
        let elapsed = start.elapsed();
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        let size = std::fs::metadata(&out).unwrap().len();
        println!(
            "| {label} | export {format} of 110,000 submissions | {} ({} MB) | ≤ 10 s |",
            secs(elapsed),
            size / 1_000_000
        );
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    println!("| backend | what | measured | target |");
    println!("|---|---|---|---|");
    backend("SQLite", None);
    if let Ok(url) = std::env::var("MIMIK_BENCH_POSTGRES_URL") {
        backend("PostgreSQL", Some(&url));
    }
}
