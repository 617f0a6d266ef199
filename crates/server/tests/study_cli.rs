//! `mimik-server study publish` and `study list --json` (issue 12): the reference bundle is
//! version 1, each publish the next version, invalid files exit 2 with the issues and publish
//! nothing, usage errors exit 64.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn run(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mimik-server"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("MIMIK_SERVER_DB")
        .env_remove("MIMIK_SERVER_SIGNING_KEY_FILE")
        .output()
        .unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {} / {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn list(dir: &Path) -> Value {
    let out = run(dir, &["study", "list", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    json(&out)
}

#[test]
fn a_fresh_server_lists_the_reference_bundle_as_version_1() {
    let dir = tempfile::tempdir().unwrap();
    let listing = list(dir.path());
    let studies = listing["studies"].as_array().unwrap();
    assert_eq!(studies.len(), 1, "{listing}");
    assert_eq!(studies[0]["study"], "NCT05191719");
    assert_eq!(studies[0]["version"], 1);
    assert_eq!(studies[0]["sha256"].as_str().unwrap().len(), 64);
    assert!(studies[0]["published_at"].as_str().unwrap().ends_with('Z'));
    let packs = studies[0]["packs"].as_array().unwrap();
    assert_eq!(packs.len(), 4);
    assert!(packs.iter().all(|p| p["language"] == "en"));
    // The key it signed with was made private in the data directory.
    let key = dir.path().join("mimik-server-signing.key");
    assert_eq!(
        std::fs::metadata(key).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn publishing_a_pack_makes_the_next_version_and_carries_the_other_packs_over() {
    let dir = tempfile::tempdir().unwrap();
    let study = repo("studies/nct05191719.toml");
    let swedish = repo("tests/fixtures/packs/face-sv-test.toml");
    let out = run(
        dir.path(),
        &[
            "study",
            "publish",
            "--study",
            study.to_str().unwrap(),
            "--pack",
            swedish.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let published = json(&out);
    assert_eq!(published["study"], "NCT05191719");
    assert_eq!(published["version"], 2);
    let sha = published["sha256"].as_str().unwrap().to_owned();
    assert_eq!(published.as_object().unwrap().len(), 3, "{published}");

    // Publishing the protocol alone keeps the Swedish pack.
    let out = run(
        dir.path(),
        &["study", "publish", "--study", study.to_str().unwrap()],
    );
    assert_eq!(json(&out)["version"], 3);

    let listing = list(dir.path());
    let studies = listing["studies"].as_array().unwrap();
    let versions: Vec<_> = studies
        .iter()
        .map(|s| s["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [1, 2, 3]);
    assert_eq!(studies[1]["sha256"], sha.as_str());
    for version in &studies[1..] {
        let packs = version["packs"].as_array().unwrap();
        assert_eq!(packs.len(), 5, "{version}");
        let sv = packs.iter().find(|p| p["language"] == "sv").unwrap();
        assert_eq!(sv["instrument"], "face");
        let text = std::fs::read(&swedish).unwrap();
        assert_eq!(sv["sha256"], mimik_domain::canonical::sha256_hex(&text));
    }
}

#[test]
fn an_invalid_pack_exits_2_with_the_issues_and_publishes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let study = repo("studies/nct05191719.toml");
    let text = std::fs::read_to_string(repo("tests/fixtures/packs/face-sv-test.toml")).unwrap();
    let cases = [
        (
            "unknown.toml",
            text.replacen("instrument = \"face\"", "instrument = \"hads\"", 1),
        ),
        (
            "renamed.toml",
            text.replacen("id = \"q3\"", "id = \"q33\"", 1),
        ),
    ];
    for (name, bad) in cases {
        let pack = dir.path().join(name);
        std::fs::write(&pack, bad).unwrap();
        let out = run(
            dir.path(),
            &[
                "study",
                "publish",
                "--study",
                study.to_str().unwrap(),
                "--pack",
                pack.to_str().unwrap(),
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let issues = json(&out)["issues"].as_array().unwrap().clone();
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert!(
            issues[0]["file"].as_str().unwrap().ends_with(name),
            "{issues:?}"
        );
        assert!(!issues[0]["problem"].as_str().unwrap().is_empty());
    }
    let broken = dir.path().join("study.toml");
    std::fs::write(&broken, "id = 5\n").unwrap();
    let out = run(
        dir.path(),
        &["study", "publish", "--study", broken.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(json(&out)["issues"][0]["file"], "study");
    // A protocol that offers Swedish but labels a criterion in English only.
    let english_only = std::fs::read_to_string(&study)
        .unwrap()
        .replace("label.sv = \"Rökning\"\n", "");
    std::fs::write(&broken, english_only).unwrap();
    let out = run(
        dir.path(),
        &["study", "publish", "--study", broken.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        json(&out)["issues"],
        serde_json::json!([{"file": "study", "problem": "criterion smoking: no sv label"}])
    );
    // Only the reference bundle is there.
    assert_eq!(list(dir.path())["studies"].as_array().unwrap().len(), 1);
}

#[test]
fn usage_errors_exit_64_and_unreadable_files_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        run(dir.path(), &["study", "publish"]).status.code(),
        Some(64)
    );
    assert_eq!(run(dir.path(), &["study", "list"]).status.code(), Some(64));
    assert_eq!(
        run(dir.path(), &["study", "frobnicate"]).status.code(),
        Some(64)
    );
    let out = run(
        dir.path(),
        &["study", "publish", "--study", "/nonexistent/study.toml"],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot read"),
        "{out:?}"
    );
}
