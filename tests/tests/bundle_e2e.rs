//! Study bundles end to end (issue 12): a real `mimik-server` publishes with `study publish`, a
//! real encrypted tablet adopts on `mimik sync` and shows it on `mimik study --json`; a loopback
//! proxy that alters bytes of the bundle on the way gets it refused whole while the sync still
//! uploads, and the tablet adopts the bundle once it arrives intact. A protocol amendment that
//! moves a window changes what `mimik due` says after the next sync. A tablet does not re-enroll
//! with a server that signs with another key.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use mimik_tests::harness::{Server, Tablet};
use mimik_tests::proxy::{Fault, Proxy};
use mimik_tests::workspace_root;
use serde_json::Value;

fn publish(server: &Server, packs: &[&str]) -> Value {
    publish_protocol(
        server,
        &workspace_root().join("studies/nct05191719.toml"),
        packs,
    )
}

fn publish_protocol(server: &Server, study: &std::path::Path, packs: &[&str]) -> Value {
    let mut args = vec![
        "study".to_owned(),
        "publish".to_owned(),
        "--study".to_owned(),
    ];
    args.push(study.display().to_string());
    for pack in packs {
        args.push("--pack".to_owned());
        args.push(workspace_root().join(pack).display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = server.cli(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn server_versions(server: &Server) -> Value {
    let out = server.cli(&["study", "list", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

const SWEDISH: &str = "tests/fixtures/packs/face-sv-test.toml";

// NL-10: the tablet runs the bundle its server signed, and the submission names its version and
// the exact pack shown.
#[test]
fn a_published_swedish_pack_reaches_the_tablet_on_its_next_sync() {
    let root = tempfile::tempdir().unwrap();
    let server = Server::start(&root.path().join("server"), None);
    let tablet = Tablet::new(&root.path().join("tablet"));

    // Before enrollment the tablet runs on the very bundle the server published as version 1.
    let before = tablet.ok(&["study", "--json"], b"");
    assert_eq!(before["version"], 1);
    assert_eq!(before["study"], "NCT05191719");
    let listed = server_versions(&server);
    assert_eq!(listed["studies"][0]["version"], 1);
    assert_eq!(before["sha256"], listed["studies"][0]["sha256"]);

    tablet.ok(
        &[
            "enroll",
            "--server",
            &server.url(),
            "--code",
            &server.enrollment_code(),
        ],
        b"",
    );
    let published = publish(&server, &[SWEDISH]);
    assert_eq!(published["version"], 2);

    let summary = tablet.ok(&["sync"], b"");
    assert_eq!(summary["bundle_version"], 2, "{summary}");
    assert_eq!(summary["bundle_refused"], Value::Null);
    let after = tablet.ok(&["study", "--json"], b"");
    assert_eq!(after["version"], 2);
    assert_eq!(after["sha256"], published["sha256"]);
    let sv = after["packs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["language"] == "sv")
        .cloned()
        .unwrap();
    assert_eq!(sv["instrument"], "face");
    let text = std::fs::read(workspace_root().join(SWEDISH)).unwrap();
    assert_eq!(sv["sha256"], mimik_domain::canonical::sha256_hex(&text));
    // Nothing new: the next sync adopts nothing and keeps version 2.
    assert_eq!(tablet.ok(&["sync"], b"")["bundle_version"], 2);

    // A Swedish FaCE answered through the CLI: the server's export knows which wording it was.
    let answers: serde_json::Map<String, Value> = (1..=15)
        .map(|i| (format!("q{i}"), Value::from(3)))
        .collect();
    let saved = tablet.ok(
        &[
            "submit",
            "--participant",
            "NT-001",
            "--timepoint",
            "post_6m",
            "--instrument",
            "face",
            "--language",
            "sv",
        ],
        serde_json::json!({ "answers": answers })
            .to_string()
            .as_bytes(),
    );
    let id = saved["id"].as_str().unwrap().to_owned();
    let synced = tablet.ok(&["sync"], b"");
    assert_eq!(synced["quarantined"], 0, "{synced}");
    let export = server.export_json();
    let row = export["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id.as_str())
        .cloned()
        .unwrap();
    assert_eq!(row["language"], "sv");
    assert_eq!(row["pack_sha256"], sv["sha256"]);
    assert_eq!(row["protocol_version"], 2);
    assert_eq!(row["site"], "karolinska");
    let out = server.cli(&["export", "--format", "csv-long"]);
    let csv = String::from_utf8(out.stdout).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let line = csv.lines().find(|l| l.starts_with(&id)).unwrap();
    let cells: Vec<&str> = line.split(',').collect();
    let at = |name: &str| cells[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(at("language"), "sv");
    assert_eq!(at("pack_sha256"), sv["sha256"].as_str().unwrap());
    assert_eq!(at("protocol_version"), "2");
    assert_eq!(at("source"), "tablet");

    // A Swedish paper form from the backlog: the server knows it was paper, and when.
    let paper = serde_json::json!({
        "participant": "NT-001", "timepoint": "post_12m", "instrument": "face",
        "language": "sv", "source": "paper", "completed_on": "2026-03-02",
        "answers": answers,
    });
    let saved = tablet.ok(&["submit", "--ndjson"], paper.to_string().as_bytes());
    let id = saved["submissions"][0]["id"].as_str().unwrap().to_owned();
    let synced = tablet.ok(&["sync"], b"");
    assert_eq!(synced["quarantined"], 0, "{synced}");
    let export = server.export_json();
    let row = export["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id.as_str())
        .cloned()
        .unwrap();
    assert_eq!(row["language"], "sv");
    assert_eq!(row["pack_sha256"], sv["sha256"]);
    assert_eq!(row["source"], "paper");
    assert_eq!(row["completed_on"], "2026-03-02");
}

// NL-10 and NL-8: an altered bundle is never run, and the queue drains all the same.
#[test]
fn a_bundle_altered_in_transit_is_refused_whole_the_old_one_kept_and_the_sync_still_uploads() {
    let root = tempfile::tempdir().unwrap();
    let server = Server::start(&root.path().join("server"), None);
    let proxy = Proxy::start(server.addr);
    let tablet = Tablet::new(&root.path().join("tablet"));
    tablet.ok(
        &[
            "enroll",
            "--server",
            &proxy.url(),
            "--code",
            &server.enrollment_code(),
        ],
        b"",
    );
    tablet.save_many(3);
    publish(&server, &[SWEDISH]);

    // One letter of the synthetic wording changes on the way, wherever it appears.
    proxy.set_fault(Fault::AlterReplies(b"TESTTEXT fr", b"TESTTEXX fr"));
    let summary = tablet.ok(&["sync"], b"");
    assert_eq!(
        summary["stored"], 4,
        "the participant and three questionnaires: {summary}"
    );
    assert_eq!(summary["pending"], 0);
    assert_eq!(summary["error"], Value::Null);
    assert_eq!(summary["bundle_version"], 1);
    let why = summary["bundle_refused"].as_str().unwrap();
    assert!(why.contains("signature"), "{why}");
    assert_eq!(tablet.ok(&["study", "--json"], b"")["version"], 1);
    assert_eq!(
        server.export_json()["submissions"]
            .as_array()
            .unwrap()
            .len(),
        4
    );

    // The refused answer was not cached: once the proxy carries it intact, it is adopted.
    proxy.set_fault(Fault::None);
    let summary = tablet.ok(&["sync"], b"");
    assert_eq!(summary["bundle_version"], 2, "{summary}");
    assert_eq!(summary["bundle_refused"], Value::Null);
}

/// One participant's status at one time point, from `mimik due`.
fn due_at(tablet: &Tablet, participant: &str, timepoint: &str) -> Value {
    let due = tablet.ok(&["due", "--participant", participant], b"");
    due["due"][0]["timepoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["timepoint"] == timepoint)
        .cloned()
        .unwrap()
}

#[test]
fn an_amendment_that_widens_the_baseline_window_changes_what_is_due_after_the_next_sync() {
    let root = tempfile::tempdir().unwrap();
    let server = Server::start(&root.path().join("server"), None);
    let tablet = Tablet::new_empty(&root.path().join("tablet"));
    let included = chrono::Local::now().date_naive() - chrono::Duration::days(20);
    let included = included.to_string();
    tablet.ok(
        &[
            "participant",
            "add",
            "NT-002",
            "--inclusion-date",
            &included,
        ],
        b"",
    );
    tablet.ok(
        &[
            "enroll",
            "--server",
            &server.url(),
            "--code",
            &server.enrollment_code(),
        ],
        b"",
    );
    // Version 1: baseline closes 14 days after inclusion, so 20 days on it was missed.
    let before = due_at(&tablet, "NT-002", "baseline");
    assert_eq!(before["status"], "missed", "{before}");

    let text = std::fs::read_to_string(workspace_root().join("studies/nct05191719.toml")).unwrap();
    let widened = text.replacen("window_after_days = 14", "window_after_days = 30", 1);
    assert_ne!(widened, text);
    let amendment = root.path().join("amendment.toml");
    std::fs::write(&amendment, widened).unwrap();
    assert_eq!(publish_protocol(&server, &amendment, &[])["version"], 2);

    // Not before the tablet syncs: the schedule follows the version in force on the tablet.
    assert_eq!(due_at(&tablet, "NT-002", "baseline")["status"], "missed");
    assert_eq!(tablet.ok(&["sync"], b"")["bundle_version"], 2);
    // Version 2 keeps the window open to day 30: past its target (inclusion), not missed.
    let after = due_at(&tablet, "NT-002", "baseline");
    assert_eq!(after["status"], "overdue", "{after}");
    let closes = chrono::NaiveDate::parse_from_str(&included, "%Y-%m-%d").unwrap()
        + chrono::Duration::days(30);
    assert_eq!(after["window"]["closes"], closes.to_string());
}

/// NL-10. Found in review: enrolling again with a server that signs with another key used to
/// store the new enrollment and then fail, leaving a tablet that refused every bundle after.
#[test]
fn enrolling_with_a_server_that_signs_with_another_key_is_refused_and_keeps_the_first_enrollment() {
    let root = tempfile::tempdir().unwrap();
    let first = Server::start(&root.path().join("first"), None);
    let second = Server::start(&root.path().join("second"), None);
    let tablet = Tablet::new_empty(&root.path().join("tablet"));
    let enrolled = tablet.ok(
        &[
            "enroll",
            "--server",
            &first.url(),
            "--code",
            &first.enrollment_code(),
        ],
        b"",
    );
    tablet.ok(&["sync"], b"");

    let code = second.enrollment_code();
    let out = tablet.run(&["enroll", "--server", &second.url(), "--code", &code], b"");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("another key"), "{stderr}");

    let status = tablet.status();
    assert_eq!(status["device_id"], enrolled["device_id"], "{status}");
    assert_eq!(tablet.ok(&["sync"], b"")["error"], Value::Null);
}
