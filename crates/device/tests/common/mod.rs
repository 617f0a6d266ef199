//! Helpers shared by the store's integration tests.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use chrono::NaiveDate;
use mimik_device::store::{NewParticipant, Questionnaire, Saved};
use mimik_device::{Credentials, KdfParams, Result, Store};
use mimik_domain::{Instrument, MissingMode, parse_answers_json};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use zeroize::Zeroizing;

pub const PASS: &str = "nurse-passphrase";

/// A new store with cheap key slots and participant NT-001.
pub fn new_store(dir: &Path) -> Store {
    let (mut store, _) =
        Store::init(dir, "nurse", PASS, KdfParams::INSECURE_FAST_FOR_TESTS).expect("init");
    store
        .add_participant(&NewParticipant {
            pseudonym: "NT-001".into(),
            inclusion: NaiveDate::from_ymd_opt(2025, 6, 1).expect("date"),
            surgery: Some(NaiveDate::from_ymd_opt(2026, 5, 1).expect("date")),
            botox: vec![],
        })
        .expect("participant");
    store
}

pub fn staff(passphrase: &str) -> Credentials {
    Credentials::Staff {
        staff_id: None,
        passphrase: Zeroizing::new(passphrase.to_owned()),
    }
}

pub fn unlock(dir: &Path) -> Result<Store> {
    Store::unlock(dir, &staff(PASS))
}

pub fn save_saq(store: &mut Store) -> Result<Saved> {
    let answers = parse_answers_json(
        Instrument::Saq,
        br#"{"answers": {"q1": 4, "q2": 3, "q3": 2, "q4": 1, "q5": 5, "q6": 3, "q7": 2, "q8": 1, "q9": 1}}"#,
    )
    .expect("valid");
    store.save_questionnaire(&Questionnaire {
        participant: "NT-001".into(),
        timepoint: "post_6m".into(),
        answers,
        language: "en".into(),
        missing: MissingMode::Strict,
        session_id: None,
        correction: None,
    })
}

/// Every file in the data directory, with its bytes.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).expect("read");
            (p, bytes)
        })
        .collect();
    files.sort();
    files
}

/// The `store_child` example, built on first use.
pub fn child_bin() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = Command::new(cargo)
                .args([
                    "build",
                    "--quiet",
                    "-p",
                    "mimik-device",
                    "--example",
                    "store_child",
                ])
                .status()
                .expect("cargo runs");
            assert!(status.success(), "building store_child failed");
            let exe = std::env::current_exe().expect("test exe");
            exe.parent()
                .and_then(|deps| deps.parent())
                .expect("profile dir")
                .join("examples/store_child")
        })
        .clone()
}

/// A small deterministic PRNG (xorshift64*), seeded per test and printed, so failures replay.
pub struct Rng(u64);

impl Rng {
    pub fn from_time() -> Rng {
        let seed = std::env::var("MIMIK_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos() as u64)
                    | 1
            });
        eprintln!("MIMIK_TEST_SEED={seed}");
        Rng(seed)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}
