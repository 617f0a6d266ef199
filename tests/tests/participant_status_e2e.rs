//! Issue 14 point 2 end to end: a coordinator withdraws a participant on a real `mimik-server`
//! with `participant status`; on its next `mimik sync` a real encrypted tablet shows nothing due
//! for them any more, and what it had collected stays and still verifies.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use mimik_tests::harness::{Server, Tablet};
use serde_json::Value;

fn statuses(tablet: &Tablet, participant: &str) -> Vec<(String, String)> {
    let due = tablet.ok(&["due", "--participant", participant], b"");
    due["due"][0]["timepoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["timepoint"].as_str().unwrap().to_owned(),
                t["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_participant_withdrawn_on_the_server_drops_off_the_tablets_due_list_after_its_next_sync() {
    let root = tempfile::tempdir().unwrap();
    let server = Server::start(&root.path().join("server"), None);
    let tablet = Tablet::new_empty(&root.path().join("tablet"));
    let today = chrono::Local::now().date_naive();
    let included = (today - chrono::Duration::days(3)).to_string();
    let surgery = (today - chrono::Duration::days(2)).to_string();
    tablet.ok(
        &[
            "participant",
            "add",
            "NT-003",
            "--inclusion-date",
            &included,
            "--surgery-date",
            &surgery,
        ],
        b"",
    );
    tablet.ok(
        &[
            "side-effect",
            "--participant",
            "NT-003",
            "--timepoint",
            "baseline",
            "--none",
        ],
        b"",
    );
    let code = server.enrollment_code();
    tablet.ok(&["enroll", "--server", &server.url(), "--code", &code], b"");
    assert_eq!(tablet.ok(&["sync"], b"")["pending"], 0);
    let before = statuses(&tablet, "NT-003");
    assert!(
        before.contains(&("baseline".to_owned(), "overdue".to_owned())),
        "{before:?}"
    );
    assert!(
        before.contains(&("post_6m".to_owned(), "not_yet_due".to_owned())),
        "{before:?}"
    );

    let withdrawn_on = (today - chrono::Duration::days(1)).to_string();
    let out = server.cli(&[
        "participant",
        "status",
        "NT-003",
        "withdrawn",
        "--date",
        &withdrawn_on,
        "--reason",
        "patient request",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let changed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(changed["status"], "withdrawn");

    // Not before the tablet syncs; then every open or coming time point is not applicable.
    assert_eq!(statuses(&tablet, "NT-003"), before);
    tablet.ok(&["sync"], b"");
    let after = statuses(&tablet, "NT-003");
    assert!(
        after.iter().all(|(_, status)| status == "not_applicable"),
        "{after:?}"
    );
    let listed = tablet.ok(&["participant", "list"], b"");
    let entry = listed["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["pseudonym"] == "NT-003")
        .cloned()
        .unwrap();
    assert_eq!(entry["status"]["status"], "withdrawn", "{entry}");
    // What was collected stays, on both sides, and the tablet's chain still verifies.
    assert_eq!(tablet.status()["submissions"], 2);
    assert_eq!(
        server.export_json()["submissions"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let verify = tablet.run(&["verify"], b"");
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}
