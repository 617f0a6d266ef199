//! The store commands of `mimik` (DESIGN.md §7) through the real binary: what a nurse's script
//! or the paper-backlog import relies on.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use mimik_tests::{bin, run_with_stdin};
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Output};

const PASS: &str = "clinic-passphrase";

fn mimik_with(dir: &Path, env: &[(&str, &str)], args: &[&str], stdin: &[u8]) -> Output {
    let mut command = Command::new(bin("mimik"));
    command
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("MIMIK_PASSPHRASE")
        .env_remove("MIMIK_RECOVERY_KEY")
        .env_remove("MIMIK_STAFF");
    for (k, v) in env {
        command.env(k, v);
    }
    run_with_stdin(&mut command, stdin)
}

fn mimik(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    mimik_with(dir, &[("MIMIK_PASSPHRASE", PASS)], args, stdin)
}

fn json_of(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

fn initialized() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let init = json_of(&mimik(
        dir.path(),
        &["init", "--json", "--first-staff", "anna"],
        b"",
    ));
    let recovery = init["recovery_key"].as_str().unwrap().to_owned();
    json_of(&mimik(
        dir.path(),
        &[
            "participant",
            "add",
            "NT-001",
            "--inclusion-date",
            "2025-06-01",
            "--surgery-date",
            "2026-05-01",
        ],
        b"",
    ));
    (dir, recovery)
}

/// `submit` of an SAQ for NT-001 at post_6m (answers on stdin).
const SUBMIT_SAQ: &[&str] = &[
    "submit",
    "--participant",
    "NT-001",
    "--timepoint",
    "post_6m",
    "--instrument",
    "saq",
];

const SAQ_S3: &[u8] = br#"{"answers": {"q1": 4, "q2": 3, "q3": 2, "q4": 1, "q5": 5, "q6": 3, "q7": 2, "q8": 1, "q9": 1}}"#;

#[test]
fn a_visit_from_the_shell_saves_scores_and_shows_in_status_verify_and_export() {
    let (dir, _) = initialized();
    let d = dir.path();
    let saved = json_of(&mimik(d, SUBMIT_SAQ, SAQ_S3));
    assert_eq!(saved["device_seq"], 2);
    assert!((saved["scores"]["total"].as_f64().unwrap() - 48.889).abs() < 1e-3);
    let effect = json_of(&mimik(
        d,
        &[
            "side-effect",
            "--participant",
            "NT-001",
            "--timepoint",
            "post_6m",
            "--text",
            "-",
        ],
        "Ont i kinden efter injektionen".as_bytes(),
    ));
    json_of(&mimik(
        d,
        &[
            "grade",
            "--side-effect",
            effect["id"].as_str().unwrap(),
            "--grade",
            "II",
        ],
        b"",
    ));

    let status = json_of(&mimik(d, &["status", "--json"], b""));
    assert_eq!(status["pending"], 4);
    assert_eq!(status["acknowledged"], 0);
    assert_eq!(status["quarantined"], 0);
    assert!(status["oldest_pending_age_s"].as_i64().is_some());

    let report = json_of(&mimik(d, &["verify"], b""));
    assert_eq!(report["ok"], true);

    let export = json_of(&mimik(d, &["export", "--format", "json"], b""));
    let kinds: Vec<&str> = export["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "participant",
            "questionnaire",
            "side_effect",
            "side_effect_grade"
        ]
    );
    assert_eq!(export["side_effects"][0]["review_state"], "graded");
    let due = json_of(&mimik(d, &["due", "--participant", "NT-001"], b""));
    assert_eq!(due["due"][0]["participant"], "NT-001");
}

#[test]
fn a_wrong_passphrase_exits_3_and_a_missing_one_says_how_to_give_it() {
    let (dir, recovery) = initialized();
    let wrong = mimik_with(
        dir.path(),
        &[("MIMIK_PASSPHRASE", "wrong-passphrase")],
        &["status"],
        b"",
    );
    assert_eq!(wrong.status.code(), Some(3));
    assert_eq!(
        String::from_utf8_lossy(&wrong.stderr).trim(),
        "mimik: wrong passphrase"
    );
    let none = mimik_with(dir.path(), &[], &["status"], b"");
    assert_eq!(none.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&none.stderr).contains("MIMIK_PASSPHRASE"));
    let by_recovery = mimik_with(
        dir.path(),
        &[("MIMIK_RECOVERY_KEY", &recovery)],
        &["status"],
        b"",
    );
    assert!(by_recovery.status.success());
}

#[test]
fn init_never_overwrites_an_existing_store() {
    let (dir, _) = initialized();
    let db = dir.path().join("mimik.db");
    let before = std::fs::read(&db).unwrap();
    let again = mimik(dir.path(), &["init"], b"");
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn invalid_answers_exit_2_with_issues_and_save_nothing() {
    let (dir, _) = initialized();
    let out = mimik(dir.path(), SUBMIT_SAQ, br#"{"answers": {"q1": 9}}"#);
    assert_eq!(out.status.code(), Some(2));
    let issues: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(issues["issues"][0]["item"], "q1");
    let wrong_tp = mimik(
        dir.path(),
        &[
            "submit",
            "--participant",
            "NT-001",
            "--timepoint",
            "baseline",
            "--instrument",
            "saq",
        ],
        SAQ_S3,
    );
    assert_eq!(wrong_tp.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&wrong_tp.stderr).contains("not collected at time point baseline")
    );
    let status = json_of(&mimik(dir.path(), &["status"], b""));
    assert_eq!(
        status["submissions"], 1,
        "only the participant registration"
    );
}

#[test]
fn the_paper_backlog_import_saves_all_lines_or_none() {
    let (dir, _) = initialized();
    let line = |participant: &str, code: u8| {
        json!({"participant": participant, "timepoint": "post_6m", "instrument": "fdi",
               "answers": {"q1": code, "q5": "not_applicable", "q6": 6}})
        .to_string()
    };
    let bad = [line("NT-001", 5), line("NT-001", 9), "not json".to_owned()].join("\n");
    let out = mimik(dir.path(), &["submit", "--ndjson"], bad.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines: Vec<i64> = report["invalid_lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["line"].as_i64())
        .collect();
    assert_eq!(lines, [2, 3]);
    assert_eq!(
        json_of(&mimik(dir.path(), &["status"], b""))["submissions"],
        1
    );

    let good = [
        line("NT-001", 5),
        line("NT-001", 4),
        String::new(),
        line("NT-001", 3),
    ]
    .join("\n");
    let out = json_of(&mimik(dir.path(), &["submit", "--ndjson"], good.as_bytes()));
    assert_eq!(out["saved"], 3);
    let seqs: Vec<i64> = out["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["device_seq"].as_i64())
        .collect();
    assert_eq!(seqs, [2, 3, 4]);
}

#[test]
fn paper_backlog_lines_say_when_the_paper_was_filled_in_or_are_refused_whole() {
    let (dir, _) = initialized();
    let line = |extra: Value| {
        let mut line = json!({"participant": "NT-001", "timepoint": "post_6m", "instrument": "fdi",
               "answers": {"q1": 5, "q5": "not_applicable", "q6": 6}});
        line.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        line.to_string()
    };
    let tomorrow = (chrono::Local::now().date_naive() + chrono::Days::new(1)).to_string();
    let bad = [
        line(json!({"source": "paper", "completed_on": "2026-03-01"})),
        line(json!({"source": "paper"})),
        line(json!({"completed_on": "2026-03-01"})),
        line(json!({"source": "fax", "completed_on": "2026-03-01"})),
        line(json!({"source": "paper", "completed_on": "1 March"})),
        line(json!({"source": "paper", "completed_on": tomorrow})),
    ]
    .join("\n");
    let out = mimik(dir.path(), &["submit", "--ndjson"], bad.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines: Vec<i64> = report["invalid_lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["line"].as_i64())
        .collect();
    assert_eq!(lines, [2, 3, 4, 5, 6], "{report}");
    assert_eq!(
        json_of(&mimik(dir.path(), &["status"], b""))["submissions"],
        1,
        "nothing saved, the valid first line included"
    );

    let good = [
        line(json!({"source": "paper", "completed_on": "2026-03-01"})),
        line(json!({"source": "tablet"})),
    ]
    .join("\n");
    let out = json_of(&mimik(dir.path(), &["submit", "--ndjson"], good.as_bytes()));
    assert_eq!(out["saved"], 2);
}

#[test]
fn a_second_staff_member_unlocks_with_their_own_passphrase_and_is_audited_as_themselves() {
    let (dir, _) = initialized();
    json_of(&mimik_with(
        dir.path(),
        &[
            ("MIMIK_PASSPHRASE", PASS),
            ("MIMIK_NEW_PASSPHRASE", "bo-passphrase"),
        ],
        &["staff", "add", "bo"],
        b"",
    ));
    let saved = json_of(&mimik_with(
        dir.path(),
        &[("MIMIK_PASSPHRASE", "bo-passphrase")],
        SUBMIT_SAQ,
        SAQ_S3,
    ));
    let export = json_of(&mimik(dir.path(), &["export"], b""));
    let row = export["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == saved["id"])
        .unwrap()
        .clone();
    assert_eq!(row["staff_id"], "bo");
    let slots_before = std::fs::read(dir.path().join("keyslots.json")).unwrap();
    let removal = json_of(&mimik(dir.path(), &["staff", "remove", "bo"], b""));
    assert_eq!(
        removal,
        serde_json::json!({"removed": "bo", "rekeyed": true})
    );
    let removed = mimik_with(
        dir.path(),
        &[("MIMIK_PASSPHRASE", "bo-passphrase")],
        &["status"],
        b"",
    );
    assert_eq!(removed.status.code(), Some(3));
    // Issue 13 item 1: the store was re-keyed, so bo's copy of the old slot file opens nothing.
    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(dir.path().join("mimik.db"), copy.path().join("mimik.db")).unwrap();
    std::fs::write(copy.path().join("keyslots.json"), &slots_before).unwrap();
    let with_old_slots = mimik_with(
        copy.path(),
        &[("MIMIK_PASSPHRASE", "bo-passphrase")],
        &["status"],
        b"",
    );
    assert!(!with_old_slots.status.success());
    json_of(&mimik(dir.path(), &["status"], b""));
}

/// Issue 13 item 1: the CLI refuses a PIN-like passphrase for a key slot and says why, and
/// `staff passphrase --rekey` gives the database a new key.
#[test]
fn a_digits_only_passphrase_is_refused_and_passphrase_rekey_gives_the_store_a_new_key() {
    let (dir, _) = initialized();
    let weak = mimik_with(
        dir.path(),
        &[
            ("MIMIK_PASSPHRASE", PASS),
            ("MIMIK_NEW_PASSPHRASE", "12345678901"),
        ],
        &["staff", "add", "bo"],
        b"",
    );
    assert_eq!(weak.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&weak.stderr);
    assert!(
        stderr.contains("at least 10 characters and not only digits"),
        "{stderr}"
    );

    let slots_before = std::fs::read(dir.path().join("keyslots.json")).unwrap();
    let changed = json_of(&mimik_with(
        dir.path(),
        &[
            ("MIMIK_PASSPHRASE", PASS),
            ("MIMIK_NEW_PASSPHRASE", "another-passphrase"),
        ],
        &["staff", "passphrase", "--rekey"],
        b"",
    ));
    assert_eq!(changed["rekeyed"], true);
    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(dir.path().join("mimik.db"), copy.path().join("mimik.db")).unwrap();
    std::fs::write(copy.path().join("keyslots.json"), &slots_before).unwrap();
    assert!(!mimik(copy.path(), &["status"], b"").status.success());
    json_of(&mimik_with(
        dir.path(),
        &[("MIMIK_PASSPHRASE", "another-passphrase")],
        &["status"],
        b"",
    ));
}
