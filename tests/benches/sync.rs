//! Sync benchmarks of issue 5, as a bench binary against a real `mimik-server` (release build)
//! on 127.0.0.1, with real encrypted tablet stores:
//!
//! 1. one tablet syncing a backlog of 10,000 submissions (target ≤ 2 s);
//! 2. 50 tablets × 1,000 queued syncing at once (target ≥ 1,000 submissions/s, zero errors),
//!    on SQLite and, when `MIMIK_BENCH_POSTGRES_URL` is set, on PostgreSQL;
//! 3. export of the 110,000 submissions (target ≤ 10 s) in each format.
//!
//! The data are shaped like the study: see [`fill`].
//!
//! Run: `cargo bench -p mimik-tests --bench sync` (add `MIMIK_BENCH_POSTGRES_URL=postgres://…`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench: a panic is a failed run

use chrono::NaiveDate;
use mimik_device::store::{Correction, NewParticipant, Questionnaire};
use mimik_device::sync::{self, SyncSummary};
use mimik_device::{KdfParams, Store};
use mimik_domain::clavien_dindo::{Grade, Grading};
use mimik_domain::study::CriterionKind;
use mimik_domain::{Instrument, MissingMode, parse_answers_json};
use mimik_tests::harness::Server;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

const PASS: &str = "bench-passphrase";

/// What tablets queue, shaped like the study (issue 13 item 10: every item used to be the same
/// FaCE of the same participant, so the server stored natural-key duplicates and the wide export
/// wrote one row). Each tablet has participants of its own, from a block of the study's 1,000
/// pseudonyms (`NT-###`; sites will scope them with issue 12), and for each participant in turn:
/// the registration; baseline Sunnybrook, eligibility checklist and Botox count; FaCE, FDI, SAQ
/// and Sunnybrook at botox_no_effect, botox_max_effect, post_6m and post_12m; a correction of the
/// post_6m Sunnybrook; a Botox count at post_12m (22 items); then side effects at the four time
/// points that take them, every second one graded, until the tablet has its share.
struct Block {
    first: usize,
    participants: usize,
}

const STRUCTURED_PER_PARTICIPANT: usize = 22;

fn answers(instrument: Instrument, seed: usize) -> mimik_domain::answers::ValidatedAnswers {
    let v = |k: usize| seed % k + 1;
    let json = match instrument {
        Instrument::Face => format!(
            r#"{{"answers": {{"q1": {}, "q2": 1, "q3": 3, "q4": 2, "q5": 3, "q6": 2, "q7": 4, "q8": 3, "q9": 4, "q10": 5, "q11": 4, "q12": 3, "q13": 2, "q14": 3, "q15": 5}}}}"#,
            v(5)
        ),
        Instrument::Fdi => format!(
            r#"{{"answers": {{"q1": {}, "q2": 5, "q3": 3, "q4": 2, "q5": "other_reasons", "q6": 3, "q7": 5, "q8": 3, "q9": 2, "q10": 6}}}}"#,
            v(5)
        ),
        Instrument::Saq => format!(
            r#"{{"answers": {{"q1": {}, "q2": 3, "q3": 2, "q4": 1, "q5": 5, "q6": 3, "q7": 2, "q8": 1, "q9": 1}}}}"#,
            v(5)
        ),
        Instrument::Sunnybrook => format!(
            r#"{{"answers": {{"rest_eye": 1, "rest_cheek": {}, "rest_mouth": 0, "move_brow": 3, "move_eye_closure": 4, "move_smile": 3, "move_snarl": 3, "move_pucker": 2, "synk_brow": 1, "synk_eye_closure": 2, "synk_smile": 3, "synk_snarl": 2, "synk_pucker": 3}}}}"#,
            seed % 3
        ),
    };
    parse_answers_json(instrument, json.as_bytes()).unwrap()
}

fn save(
    store: &mut Store,
    pseudonym: &str,
    timepoint: &str,
    instrument: Instrument,
    correcting: Option<String>,
) -> String {
    let seed = pseudonym.len() + timepoint.len() + instrument as usize;
    store
        .save_questionnaire(&Questionnaire {
            participant: pseudonym.into(),
            timepoint: timepoint.into(),
            answers: answers(instrument, seed + usize::from(correcting.is_some())),
            language: "en".into(),
            missing: MissingMode::Strict,
            session_id: None,
            correction: correcting.map(|supersedes| Correction {
                supersedes,
                reason: "rating entered for the wrong side".into(),
            }),
        })
        .unwrap()
        .id
}

/// Queue `items` submissions for `block`'s participants on `store`.
fn fill(store: &mut Store, block: &Block, items: usize) {
    assert!(
        items >= block.participants * STRUCTURED_PER_PARTICIPANT,
        "{items} items cannot cover {} participants",
        block.participants
    );
    let checklist: BTreeMap<String, bool> = store
        .study()
        .eligibility
        .iter()
        .map(|c| (c.id.clone(), c.kind == CriterionKind::Inclusion))
        .collect();
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let pseudonyms: Vec<String> = (block.first..block.first + block.participants)
        .map(|n| format!("NT-{n:03}"))
        .collect();
    let mut saved = 0;
    for pseudonym in &pseudonyms {
        store
            .add_participant(&NewParticipant {
                pseudonym: pseudonym.clone(),
                inclusion: date(2025, 1, 10),
                surgery: Some(date(2025, 9, 1)),
                botox: vec![date(2025, 1, 20)],
            })
            .unwrap();
        save(store, pseudonym, "baseline", Instrument::Sunnybrook, None);
        store
            .save_eligibility(pseudonym, "baseline", &checklist)
            .unwrap();
        store.save_botox_count(pseudonym, "baseline", 24).unwrap();
        for timepoint in ["botox_no_effect", "botox_max_effect", "post_6m", "post_12m"] {
            for instrument in [Instrument::Face, Instrument::Fdi, Instrument::Saq] {
                save(store, pseudonym, timepoint, instrument, None);
            }
            let sunnybrook = save(store, pseudonym, timepoint, Instrument::Sunnybrook, None);
            if timepoint == "post_6m" {
                save(
                    store,
                    pseudonym,
                    timepoint,
                    Instrument::Sunnybrook,
                    Some(sunnybrook),
                );
            }
        }
        store.save_botox_count(pseudonym, "post_12m", 18).unwrap();
        saved += STRUCTURED_PER_PARTICIPANT;
    }
    let side_effect_timepoints = ["baseline", "botox_max_effect", "post_6m", "post_12m"];
    let mut n = 0;
    while saved < items {
        let pseudonym = &pseudonyms[n % pseudonyms.len()];
        let timepoint = side_effect_timepoints[(n / pseudonyms.len()) % 4];
        let text = format!("Stramhet i kinden, dag {n}; lite svullnad.");
        let side_effect = store
            .save_side_effect(pseudonym, timepoint, &text, None)
            .unwrap();
        saved += 1;
        if n % 2 == 0 && saved < items {
            let grade = if n % 4 == 0 { Grade::I } else { Grade::II };
            store
                .grade_side_effect(&side_effect.id, Grading::new(grade, false).unwrap())
                .unwrap();
            saved += 1;
        }
        n += 1;
    }
}

fn tablet(dir: &Path, server: &Server, block: &Block, items: usize) -> Store {
    let (mut store, _) =
        Store::init(dir, "bench", PASS, KdfParams::INSECURE_FAST_FOR_TESTS).unwrap();
    fill(&mut store, block, items);
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
    let backlog = Block {
        first: 0,
        participants: 100,
    };
    let mut one = tablet(&root.path().join("backlog"), &server, &backlog, 10_000);
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
            .map(|i| {
                // 9 participants per tablet: NT-100 to NT-549, then NT-550 to NT-999.
                let block = Block {
                    first: 100 + (round * 50 + i) * 9,
                    participants: 9,
                };
                tablet(
                    &root.path().join(format!("t{round}-{i}")),
                    &server,
                    &block,
                    1_000,
                )
            })
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
