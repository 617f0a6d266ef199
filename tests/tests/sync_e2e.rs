//! Tablet ↔ server end to end, with faults (issue 5; RELIABILITY.md NL-1 … NL-4, NL-8):
//! a real `mimik-server` on 127.0.0.1:0, real encrypted tablet stores driven by `mimik`, and a
//! loopback proxy that cuts connections. After each fault: reconcile tablet and server.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use mimik_tests::harness::{Server, Tablet};
use mimik_tests::proxy::{Fault, Proxy};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// NL-1 … NL-4 once the queue has drained: every tablet submission is on the server exactly
/// once with the same hash, and the server holds device_seq 1..max for the device.
fn reconcile(tablet: &Tablet, server: &Server) {
    let status = tablet.status();
    assert_eq!(status["pending"], 0, "the queue drained: {status}");
    assert_eq!(status["quarantined"], 0, "{status}");
    let ours = tablet.hashes();
    let export = server.export_json();
    let rows = export["submissions"].as_array().expect("submissions");
    let mut theirs = BTreeMap::new();
    let mut seqs: BTreeMap<String, BTreeSet<u64>> = BTreeMap::new();
    for row in rows {
        let id = row["id"].as_str().unwrap().to_owned();
        let sha = row["body_sha256"].as_str().unwrap_or_default().to_owned();
        assert!(
            theirs.insert(id.clone(), sha).is_none(),
            "NL-2: {id} is on the server twice"
        );
        let device = row["device_id"].as_str().unwrap().to_owned();
        assert!(
            seqs.entry(device)
                .or_default()
                .insert(row["device_seq"].as_u64().unwrap()),
            "NL-2: (device_id, device_seq) repeated"
        );
    }
    for (id, sha) in &ours {
        assert_eq!(
            theirs.get(id),
            Some(sha),
            "NL-1/NL-4: {id} missing or altered on the server"
        );
    }
    assert_eq!(
        theirs.len(),
        ours.len(),
        "the server holds nothing the tablet did not send"
    );
    for (device, seqs) in seqs {
        let max = *seqs.iter().max().unwrap();
        assert_eq!(seqs.len() as u64, max, "NL-3: device {device} has gaps");
    }
}

fn setup(count: usize) -> (tempfile::TempDir, Server, Proxy, Tablet) {
    let root = tempfile::tempdir().unwrap();
    let server = Server::start(&root.path().join("server"), None);
    let proxy = Proxy::start(server.addr);
    let tablet = Tablet::new(&root.path().join("tablet"));
    let code = server.enrollment_code();
    tablet.ok(&["enroll", "--server", &proxy.url(), "--code", &code], b"");
    tablet.save_many(count);
    (root, server, proxy, tablet)
}

#[test]
fn a_visit_syncs_once_and_a_second_sync_sends_nothing() {
    let (_root, server, _proxy, tablet) = setup(3);
    tablet.ok(
        &[
            "side-effect",
            "--participant",
            "NT-001",
            "--timepoint",
            "post_6m",
            "--text",
            "Stramt",
        ],
        b"",
    );
    let first = tablet.ok(&["sync"], b"");
    assert_eq!(
        first["stored"], 5,
        "participant + 3 SAQ + side effect: {first}"
    );
    assert_eq!(first["pending"], 0);
    let second = tablet.ok(&["sync"], b"");
    assert_eq!(
        (second["stored"].clone(), second["duplicates"].clone()),
        (Value::from(0), Value::from(0))
    );
    reconcile(&tablet, &server);
    assert_eq!(tablet.status()["acknowledged"], 5);
}

// NL-1, NL-2 and NL-8: a cut connection neither loses nor duplicates, and nothing is acknowledged without a receipt.
#[test]
fn a_connection_cut_at_any_byte_of_the_batch_loses_and_duplicates_nothing() {
    let (_root, server, proxy, tablet) = setup(40);
    for cut in [0, 1, 100, 300, 1000, 5000, 20_000] {
        proxy.set_fault(Fault::CutRequestAfter(cut));
        let out = tablet.run(&["sync"], b"");
        assert_eq!(
            out.status.code(),
            Some(7),
            "cut at {cut}: sync reports it did not finish"
        );
        let status = tablet.status();
        assert_eq!(
            status["acknowledged"], 0,
            "cut at {cut}: nothing acknowledged without a receipt"
        );
        assert!(
            status["last_error"].as_str().is_some(),
            "the error is visible to staff"
        );
    }
    proxy.set_fault(Fault::None);
    let done = tablet.ok(&["sync"], b"");
    assert_eq!(done["stored"], 41);
    reconcile(&tablet, &server);
}

// NL-2 and NL-8.
#[test]
fn a_reply_lost_after_the_server_committed_is_resent_and_counted_as_duplicate() {
    let (_root, server, proxy, tablet) = setup(10);
    proxy.set_fault(Fault::DropReply);
    let out = tablet.run(&["sync"], b"");
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(
        tablet.status()["pending"],
        11,
        "no receipt, so still pending"
    );
    assert_eq!(
        server.export_json()["submissions"]
            .as_array()
            .unwrap()
            .len(),
        11,
        "but committed"
    );
    proxy.set_fault(Fault::None);
    let retry = tablet.ok(&["sync"], b"");
    assert_eq!(
        (retry["stored"].clone(), retry["duplicates"].clone()),
        (Value::from(0), Value::from(11))
    );
    reconcile(&tablet, &server);
}

/// The kill lands between two batches of one sync: the proxy holds the second batch's request
/// until the server has been SIGKILLed (a sleep used to guess, and the kill often landed before
/// the first request). NL-1, NL-2.
#[test]
fn the_server_sigkilled_mid_sync_and_restarted_loses_nothing() {
    let (_root, mut server, proxy, tablet) = setup(1500);
    proxy.set_fault(Fault::HoldAfterReplies(1));
    let queued = tablet.status()["pending"].as_u64().unwrap();
    let dir = tablet.dir.clone();
    let syncing = std::thread::spawn(move || {
        let tablet = mimik_tests::harness::Tablet::reopen(&dir);
        tablet.run(&["sync", "--max-attempts", "1"], b"")
    });
    assert!(
        proxy.wait_until_held(std::time::Duration::from_secs(60)),
        "the sync sent a second request after the first reply"
    );
    assert_eq!(proxy.replies(), 1);
    server.kill_and_restart();
    proxy.set_upstream(server.addr);
    proxy.release();
    let interrupted = syncing.join().unwrap();
    assert_eq!(
        interrupted.status.code(),
        Some(7),
        "the interrupted sync says it did not finish: {}",
        String::from_utf8_lossy(&interrupted.stdout)
    );
    let summary: serde_json::Value = serde_json::from_slice(&interrupted.stdout).unwrap();
    assert_eq!(
        summary["stored"], 500,
        "one batch landed before the kill: {summary}"
    );
    assert_eq!(
        summary["pending"].as_u64(),
        Some(queued - 500),
        "the rest is still queued: {summary}"
    );
    proxy.set_fault(Fault::None);
    let done = tablet.ok(&["sync", "--max-attempts", "3"], b"");
    assert_eq!(done["pending"], 0, "{done}");
    reconcile(&tablet, &server);
}

// NL-2.
#[test]
fn the_same_queue_synced_twice_at_once_is_stored_once() {
    let (_root, server, _proxy, tablet) = setup(300);
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let dir = tablet.dir.clone();
            std::thread::spawn(move || {
                mimik_tests::harness::Tablet::reopen(&dir).run(&["sync"], b"")
            })
        })
        .collect();
    for run in runs {
        let _ = run.join().unwrap();
    }
    tablet.ok(&["sync"], b"");
    reconcile(&tablet, &server);
}

// NL-1: revocation loses nothing queued.
#[test]
fn a_revoked_device_keeps_its_queue_and_says_it_must_re_enroll() {
    let (_root, server, proxy, tablet) = setup(2);
    tablet.ok(&["sync"], b"");
    let device = tablet.status()["device_id"].as_str().unwrap().to_owned();
    let revoke = server.cli(&["revoke", &device]);
    assert!(
        revoke.status.success(),
        "{}",
        String::from_utf8_lossy(&revoke.stderr)
    );
    tablet.save_many(4);
    let out = tablet.run(&["sync"], b"");
    assert_eq!(out.status.code(), Some(7));
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let said = format!("{summary} {}", String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("revoked"), "{said}");
    let status = tablet.status();
    assert_eq!(
        (status["pending"].clone(), status["revoked"].clone()),
        (Value::from(4), Value::from(true))
    );
    // A new code re-enrolls the tablet; the kept queue then drains.
    let code = server.enrollment_code();
    tablet.ok(&["enroll", "--server", &proxy.url(), "--code", &code], b"");
    let done = tablet.ok(&["sync"], b"");
    assert_eq!(done["pending"], 0);
    assert_eq!(done["stored"], 4);
}

#[test]
fn a_participant_registered_on_one_tablet_reaches_the_other() {
    let (root, server, proxy, first) = setup(0);
    let second = Tablet::new_empty(&root.path().join("second"));
    second.ok(
        &[
            "enroll",
            "--server",
            &proxy.url(),
            "--code",
            &server.enrollment_code(),
        ],
        b"",
    );
    first.ok(
        &[
            "participant",
            "add",
            "NT-002",
            "--inclusion-date",
            "2025-09-01",
            "--botox-date",
            "2026-01-10",
        ],
        b"",
    );
    first.ok(&["sync"], b"");
    let pulled = second.ok(&["sync"], b"");
    assert!(pulled["roster_updates"].as_u64().unwrap() >= 2, "{pulled}");
    let roster = second.ok(&["participant", "list"], b"");
    let names: Vec<&str> = roster["participants"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["pseudonym"].as_str())
        .collect();
    assert_eq!(names, ["NT-001", "NT-002"]);
    assert_eq!(roster["participants"][1]["botox_dates"][0], "2026-01-10");
}

/// Copy the server's SQLite files (database, WAL, SHM) from `from` into `to`.
fn copy_database(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(to).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("mimik-server.db")
        {
            std::fs::remove_file(path).unwrap();
        }
    }
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        if name.to_string_lossy().starts_with("mimik-server.db") {
            std::fs::copy(&path, to.join(name)).unwrap();
        }
    }
}

// NL-1 and NL-3: the gaps a restored server reports are filled from the tablet.
#[test]
fn a_server_restored_from_an_older_backup_gets_back_what_it_lost_from_the_tablet() {
    let (root, mut server, proxy, tablet) = setup(3);
    tablet.ok(&["sync"], b"");
    let backup = root.path().join("backup");
    server.kill_then_restart(|dir| copy_database(dir, &backup));
    proxy.set_upstream(server.addr);
    tablet.save_many(3);
    tablet.ok(&["sync"], b"");
    // The server's disk is lost and last night's backup restored: the last 3 are gone there.
    server.kill_then_restart(|dir| copy_database(&backup, dir));
    proxy.set_upstream(server.addr);
    assert_eq!(
        server.export_json()["submissions"]
            .as_array()
            .unwrap()
            .len(),
        4
    );

    let healed = tablet.ok(&["sync"], b"");
    assert_eq!(healed["requeued"], 3, "{healed}");
    assert_eq!(healed["stored"], 3, "{healed}");
    reconcile(&tablet, &server);
    let again = tablet.ok(&["sync"], b"");
    assert_eq!(
        (again["requeued"].clone(), again["stored"].clone()),
        (Value::from(0), Value::from(0))
    );
}

/// `count` side effects for NT-001 of `chars` four-byte characters each (UTF-8: 4 bytes apiece).
fn save_side_effects(tablet: &Tablet, count: usize, chars: usize) {
    let text = "\u{1F600}".repeat(chars);
    for _ in 0..count {
        let saved = tablet.ok(
            &[
                "side-effect",
                "--participant",
                "NT-001",
                "--timepoint",
                "post_6m",
                "--text",
                "-",
            ],
            text.as_bytes(),
        );
        assert!(saved["id"].is_string(), "{saved}");
    }
}

fn server_with_limit(root: &tempfile::TempDir, max_request_bytes: u32) -> (Server, Tablet) {
    let server = Server::start_with(
        &root.path().join("server"),
        None,
        &[
            "--max-request-bytes".to_owned(),
            max_request_bytes.to_string(),
        ],
    );
    let tablet = Tablet::new(&root.path().join("tablet"));
    let code = server.enrollment_code();
    tablet.ok(&["enroll", "--server", &server.url(), "--code", &code], b"");
    (server, tablet)
}

// NL-9: oversized batches split.
#[test]
fn a_queue_larger_than_one_request_drains_in_batches_that_fit_the_server_limit() {
    // NL-8: 40 side effects of 16 KB each are 640 KB; this server takes 256 KiB per request.
    let root = tempfile::tempdir().unwrap();
    let (server, tablet) = server_with_limit(&root, 262_144);
    save_side_effects(&tablet, 40, 4_000);
    tablet.save_many(3);
    let summary = tablet.ok(&["sync"], b"");
    assert_eq!(
        (summary["stored"].clone(), summary["quarantined"].clone()),
        (Value::from(44), Value::from(0)),
        "participant + 40 side effects + 3 SAQ: {summary}"
    );
    reconcile(&tablet, &server);
}

// NL-9: an envelope that can never fit is quarantined and blocks nothing.
#[test]
fn an_envelope_too_large_for_the_server_is_quarantined_and_the_rest_still_syncs() {
    // 4,000 four-byte characters are more than this server's 16 KiB per request.
    let root = tempfile::tempdir().unwrap();
    let (server, tablet) = server_with_limit(&root, 16_384);
    tablet.save_many(1);
    save_side_effects(&tablet, 1, 4_000);
    tablet.save_many(2);
    let first = tablet.ok(&["sync"], b"");
    assert_eq!(
        (first["stored"].clone(), first["quarantined"].clone()),
        (Value::from(4), Value::from(1)),
        "participant + 3 SAQ stored, the side effect set aside: {first}"
    );
    let status = tablet.status();
    assert_eq!(
        (status["pending"].clone(), status["quarantined"].clone()),
        (Value::from(0), Value::from(1)),
        "{status}"
    );
    // Once the limit is known, a later oversize envelope is set aside before it is sent.
    save_side_effects(&tablet, 1, 4_000);
    tablet.save_many(1);
    let second = tablet.ok(&["sync"], b"");
    assert_eq!(
        (second["stored"].clone(), second["quarantined"].clone()),
        (Value::from(1), Value::from(1)),
        "{second}"
    );
    let rows = server.export_json()["submissions"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        rows,
        4 + 1,
        "the participant and four questionnaires reached the server"
    );
}

#[test]
fn a_revoked_device_with_nothing_to_send_still_learns_it_is_revoked() {
    let (_root, server, _proxy, tablet) = setup(1);
    tablet.ok(&["sync"], b"");
    let device = tablet.status()["device_id"].as_str().unwrap().to_owned();
    assert!(server.cli(&["revoke", &device]).status.success());
    let out = tablet.run(&["sync"], b"");
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    assert_eq!(summary["revoked"], true, "{summary}");
    assert_eq!(tablet.status()["revoked"], true);
}

// NL-9.
#[test]
fn a_tablet_adapts_when_the_server_lowers_its_limits_after_enrollment() {
    let root = tempfile::tempdir().unwrap();
    let mut server = Server::start(&root.path().join("server"), None);
    let proxy = Proxy::start(server.addr);
    let tablet = Tablet::new(&root.path().join("tablet"));
    let code = server.enrollment_code();
    tablet.ok(&["enroll", "--server", &proxy.url(), "--code", &code], b"");
    tablet.ok(&["sync"], b"");
    // The tablet learnt 8 MiB at enrollment; the server now takes 64 KiB per request.
    server.kill_and_restart_with(&["--max-request-bytes".to_owned(), "65536".to_owned()]);
    proxy.set_upstream(server.addr);
    save_side_effects(&tablet, 20, 4_000);
    let done = tablet.ok(&["sync", "--max-attempts", "3"], b"");
    assert_eq!(
        (done["pending"].clone(), done["quarantined"].clone()),
        (Value::from(0), Value::from(0)),
        "{done}"
    );
    reconcile(&tablet, &server);
}
