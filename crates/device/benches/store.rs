//! Store benchmarks of issue 4, as a bench binary (criterion reports no p99):
//! unlock with a passphrase, open with the raw key, durable save of one questionnaire (p50, p99),
//! the same save on a plain unencrypted SQLite store in the same run, and all of it again with
//! 20,000 submissions already stored.
//!
//! Run: `cargo bench -p mimik-device --features bench-plaintext --bench store`
//! (`MIMIK_BENCH_PREFILL=N` changes the 20,000.)

use mimik_device::keys::SlotFile;
use mimik_device::store::{NewParticipant, Questionnaire};
use mimik_device::{Credentials, KdfParams, Store};
use mimik_domain::{Instrument, MissingMode, parse_answers_json};
use std::path::Path;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

const PASS: &str = "benchmark-passphrase";

fn staff() -> Credentials {
    Credentials::Staff {
        staff_id: None,
        passphrase: Zeroizing::new(PASS.into()),
    }
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn questionnaire(n: usize) -> Questionnaire {
    let json = format!(
        r#"{{"answers": {{"q1": {}, "q2": 1, "q3": 3, "q4": 2, "q5": 3, "q6": 2, "q7": 4, "q8": 3, "q9": 4, "q10": 5, "q11": 4, "q12": 3, "q13": 2, "q14": 3, "q15": 5}}}}"#,
        n % 5 + 1
    );
    Questionnaire {
        participant: "NT-001".into(),
        timepoint: "post_6m".into(),
        answers: parse_answers_json(Instrument::Face, json.as_bytes()).expect("valid"),
        language: "en".into(),
        missing: MissingMode::Strict,
        session_id: None,
        correction: None,
    }
}

fn add_participant(store: &mut Store) {
    store
        .add_participant(&NewParticipant {
            pseudonym: "NT-001".into(),
            inclusion: chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("date"),
            surgery: chrono::NaiveDate::from_ymd_opt(2026, 5, 1),
            botox: vec![],
        })
        .expect("participant");
}

fn prefill(store: &mut Store, count: usize) {
    for n in 0..count {
        store
            .save_questionnaire(&questionnaire(n))
            .expect("prefill");
    }
}

/// Durable saves: each returns after its transaction committed with synchronous=FULL.
fn saves(store: &mut Store, count: usize) -> Vec<Duration> {
    (0..count)
        .map(|n| {
            let q = questionnaire(n);
            let start = Instant::now();
            store.save_questionnaire(&q).expect("save");
            start.elapsed()
        })
        .collect()
}

fn unlock_times(dir: &Path, count: usize) -> Vec<Duration> {
    (0..count)
        .map(|_| {
            let start = Instant::now();
            let store = Store::unlock(dir, &staff()).expect("unlock");
            let elapsed = start.elapsed();
            drop(store);
            elapsed
        })
        .collect()
}

fn open_times(dir: &Path, count: usize) -> Vec<Duration> {
    let slots = SlotFile::load(dir).expect("slots").expect("present");
    (0..count)
        .map(|_| {
            let (key, actor) = slots.unlock(&staff()).expect("unwrap");
            let start = Instant::now();
            let store = Store::open_with_key(dir, key, &actor).expect("open");
            let elapsed = start.elapsed();
            drop(store);
            elapsed
        })
        .collect()
}

fn round(label: &str, encrypted: &Path, plain: &Path, save_count: usize) {
    let mut unlock = unlock_times(encrypted, 15);
    let mut open = open_times(encrypted, 30);
    let mut enc = saves(
        &mut Store::unlock(encrypted, &staff()).expect("unlock"),
        save_count,
    );
    let mut pln = saves(
        &mut Store::plaintext_for_benchmark(plain, false).expect("plain"),
        save_count,
    );
    let (enc50, enc99) = (percentile(&mut enc, 0.5), percentile(&mut enc, 0.99));
    let (pln50, pln99) = (percentile(&mut pln, 0.5), percentile(&mut pln, 0.99));
    let mean = |v: &[Duration]| v.iter().sum::<Duration>() / v.len() as u32;
    println!(
        "| {label} | unlock (passphrase) median | {} (p95 {}) | ≤ 400 ms |",
        ms(percentile(&mut unlock, 0.5)),
        ms(percentile(&mut unlock, 0.95))
    );
    println!(
        "| {label} | open with raw key median | {} (p95 {}) | ≤ 50 ms |",
        ms(percentile(&mut open, 0.5)),
        ms(percentile(&mut open, 0.95))
    );
    println!(
        "| {label} | durable save, encrypted | p50 {} · p99 {} | p99 ≤ 5 ms |",
        ms(enc50),
        ms(enc99)
    );
    println!(
        "| {label} | durable save, plain SQLite | p50 {} · p99 {} | |",
        ms(pln50),
        ms(pln99)
    );
    println!(
        "| {label} | encryption overhead (mean / p50) | {:.2}× / {:.2}× | ≤ 1.3× |",
        mean(&enc).as_secs_f64() / mean(&pln).as_secs_f64(),
        enc50.as_secs_f64() / pln50.as_secs_f64()
    );
}

fn main() {
    // `cargo bench` passes --bench; a plain `cargo test --benches` run passes nothing we need.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let prefill_count: usize = std::env::var("MIMIK_BENCH_PREFILL")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let root = tempfile::tempdir().expect("tempdir");
    let encrypted = root.path().join("encrypted");
    let plain = root.path().join("plain");
    let (mut store, _) =
        Store::init(&encrypted, "bench", PASS, KdfParams::INTERACTIVE).expect("init");
    add_participant(&mut store);
    drop(store);
    std::fs::create_dir_all(&plain).expect("dir");
    add_participant(&mut Store::plaintext_for_benchmark(&plain, true).expect("plain"));

    println!("| stored | what | measured | target |");
    println!("|---|---|---|---|");
    round("empty", &encrypted, &plain, 1000);
    prefill(
        &mut Store::unlock(&encrypted, &staff()).expect("unlock"),
        prefill_count,
    );
    prefill(
        &mut Store::plaintext_for_benchmark(&plain, false).expect("plain"),
        prefill_count,
    );
    round(&format!("{prefill_count}"), &encrypted, &plain, 1000);
}
