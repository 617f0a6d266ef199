//! The command-line contracts of DESIGN.md §7 that other crates' tests rely on: `serve` prints
//! the bound address alone on its first line, `enrollment-code` prints the code alone, `export`
//! repeats byte for byte, `revoke`, `user add`, `site add` and `enrollment-code` say what went
//! wrong.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

fn server(data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mimik-server"));
    command
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("MIMIK_SERVER_DB");
    command
}

fn run(data_dir: &Path, args: &[&str]) -> Output {
    server(data_dir).args(args).output().unwrap()
}

/// `run` with a new user's password in `MIMIK_SERVER_PASSWORD`.
fn with_new_password(data_dir: &Path, args: &[&str]) -> Output {
    server(data_dir)
        .args(args)
        .env("MIMIK_SERVER_PASSWORD", "long enough password")
        .output()
        .unwrap()
}

/// Kills the server when the test ends, pass or fail.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn http_get(address: &str, path: &str) -> String {
    let host = address.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn serve_prints_the_bound_address_alone_on_its_first_line_and_answers_health() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = server(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _running = Running(child);
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    let address = first.trim_end_matches('\n');
    assert!(address.starts_with("http://127.0.0.1:"), "{first:?}");
    assert!(!address.ends_with(":0"));
    let response = http_get(address, "/health");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(dir.path().join("mimik-server.db").exists());
}

#[test]
fn enrollment_code_prints_the_code_alone() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        run(dir.path(), &["site", "add", "Karolinska"])
            .status
            .success()
    );
    let out = run(
        dir.path(),
        &[
            "enrollment-code",
            "--site",
            "Karolinska",
            "--ttl-hours",
            "2",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let code = stdout.strip_suffix('\n').unwrap();
    assert_eq!(code.len(), 19, "{stdout:?}");
    assert!(
        code.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
    );
    assert_ne!(
        run(dir.path(), &["enrollment-code", "--site", "Karolinska"]).stdout,
        stdout.as_bytes()
    );
}

#[test]
fn enrollment_codes_are_made_only_for_a_site_of_a_study_that_exists() {
    let dir = tempfile::tempdir().unwrap();
    let unknown = run(dir.path(), &["enrollment-code", "--site", "Lund"]);
    assert_eq!(unknown.status.code(), Some(1));
    let message = String::from_utf8_lossy(&unknown.stderr);
    assert!(message.contains("no site \"Lund\""), "{message}");
    assert!(message.contains("site add Lund"), "{message}");

    let added = run(
        dir.path(),
        &["site", "add", "Lund", "--name", "Skåne University Hospital"],
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&added.stdout).unwrap();
    assert_eq!(
        printed,
        serde_json::json!({"site": "Lund", "study": "NCT05191719", "name": "Skåne University Hospital"})
    );
    // Adding it again changes nothing: the stored name stays.
    let again = run(dir.path(), &["site", "add", "Lund", "--name", "Other"]);
    assert!(again.status.success());
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&again.stdout).unwrap(),
        printed
    );

    let code = run(dir.path(), &["enrollment-code", "--site", "Lund"]);
    assert!(
        code.status.success(),
        "{}",
        String::from_utf8_lossy(&code.stderr)
    );
    let explicit = run(
        dir.path(),
        &[
            "enrollment-code",
            "--study",
            "NCT05191719",
            "--site",
            "Lund",
        ],
    );
    assert!(explicit.status.success());

    let no_study = run(
        dir.path(),
        &["enrollment-code", "--study", "NCT0000", "--site", "Lund"],
    );
    assert_eq!(no_study.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&no_study.stderr).contains("no study \"NCT0000\""));
    let no_study = run(dir.path(), &["site", "add", "Umea", "--study", "NCT0000"]);
    assert_eq!(no_study.status.code(), Some(1));
    for bad in ["", "a/b", "two words"] {
        let out = run(dir.path(), &["site", "add", bad]);
        assert_eq!(out.status.code(), Some(1), "{bad:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("a site id is"));
    }
}

#[test]
fn revoking_an_unknown_device_fails_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["revoke", "dev-nope"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no device"));
}

// NL-5: exports are byte-identical when repeated.
#[test]
fn exports_of_an_empty_server_are_headers_only_and_repeat_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["csv-long", "csv-wide", "json"] {
        let first = run(dir.path(), &["export", "--format", format]);
        assert!(
            first.status.success(),
            "{}",
            String::from_utf8_lossy(&first.stderr)
        );
        assert_eq!(
            first.stdout,
            run(dir.path(), &["export", "--format", format]).stdout
        );
        let file = dir.path().join(format!("out.{format}"));
        let out = run(
            dir.path(),
            &[
                "export",
                "--format",
                format,
                "--out",
                file.to_str().unwrap(),
            ],
        );
        assert!(out.status.success());
        assert_eq!(std::fs::read(&file).unwrap(), first.stdout);
    }
    let json = run(dir.path(), &["export", "--format", "json"]).stdout;
    assert_eq!(
        String::from_utf8(json).unwrap(),
        "{\n  \"submissions\": []\n}\n"
    );
    let long =
        String::from_utf8(run(dir.path(), &["export", "--format", "csv-long"]).stdout).unwrap();
    assert_eq!(
        long,
        "submission_id,device_id,device_seq,participant,timepoint,instrument,algorithm,item,answer,recorded_at,received_at,study,site,language,pack_sha256,protocol_version,source,completed_on\n"
    );
    let bad = run(dir.path(), &["export", "--format", "xlsx"]);
    assert!(!bad.status.success());
}

#[test]
fn user_add_takes_the_password_from_the_environment_and_refuses_a_second_one_of_the_same_name() {
    let dir = tempfile::tempdir().unwrap();
    let add = || {
        server(dir.path())
            .args(["user", "add", "alice", "--role", "admin"])
            .env("MIMIK_SERVER_PASSWORD", "long enough password")
            .output()
            .unwrap()
    };
    assert!(add().status.success());
    let again = add();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[test]
fn users_get_a_role_and_sites_are_listed_as_json_and_a_disabled_user_stays_listed() {
    let dir = tempfile::tempdir().unwrap();
    let run_with = |args: &[&str]| with_new_password(dir.path(), args);
    assert!(run_with(&["site", "add", "karolinska"]).status.success());
    assert!(run_with(&["site", "add", "uppsala"]).status.success());
    let added = run_with(&[
        "user",
        "add",
        "cora",
        "--role",
        "coordinator",
        "--site",
        "karolinska",
        "--site",
        "uppsala",
    ]);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    assert!(
        run_with(&["user", "add", "mona", "--role", "monitor"])
            .status
            .success()
    );
    assert!(run_with(&["user", "disable", "mona"]).status.success());

    let list = run_with(&["user", "list", "--json"]);
    assert!(list.status.success());
    let json: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"users": [
            {"name": "cora", "role": "coordinator", "sites": ["karolinska", "uppsala"], "disabled": false},
            {"name": "mona", "role": "monitor", "sites": [], "disabled": true},
        ]})
    );
}

#[test]
fn a_user_whose_role_and_sites_do_not_fit_is_refused_with_a_clear_error_and_not_added() {
    let dir = tempfile::tempdir().unwrap();
    let run_with = |args: &[&str]| with_new_password(dir.path(), args);
    assert!(run_with(&["site", "add", "karolinska"]).status.success());
    for (args, says) in [
        (
            vec!["user", "add", "c", "--role", "coordinator"],
            "give at least one --site",
        ),
        (
            vec!["user", "add", "c", "--role", "clinician", "--site", "lund"],
            "no study has a site \"lund\"",
        ),
        (
            vec![
                "user",
                "add",
                "c",
                "--role",
                "monitor",
                "--site",
                "karolinska",
            ],
            "leave out --site",
        ),
        (vec!["user", "disable", "nobody"], "there is no user"),
    ] {
        let out = run_with(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    let bad_role = run_with(&["user", "add", "c", "--role", "superuser"]);
    assert_eq!(bad_role.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("unknown role"));
    let list = run_with(&["user", "list", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(json, serde_json::json!({"users": []}));
}

#[test]
fn the_server_writes_no_colour_codes_into_a_log_file() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = server(&dir.path().join("data"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    let response = http_get(first.trim_end_matches('\n'), "/health");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    drop(running);
    let written = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        written.contains("serving"),
        "the log has lines: {written:?}"
    );
    assert!(!written.contains('\u{1b}'), "no ANSI escapes: {written:?}");
}

fn http_post(address: &str, path: &str, headers: &str, body: &str) -> String {
    let host = address.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: application/json\r\n{headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn an_envelope_id_with_a_line_break_cannot_forge_a_log_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(run(&data, &["site", "add", "Karolinska"]).status.success());
    let code = run(&data, &["enrollment-code", "--site", "Karolinska"]);
    let code = String::from_utf8(code.stdout).unwrap();
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = server(&data)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    let address = first.trim_end_matches('\n');
    // The Ed25519 base point: a valid public key.
    let key = format!("58{}", "66".repeat(31));
    let enrolled = http_post(
        address,
        "/v1/enroll",
        "",
        &format!(r#"{{"code":"{}","public_key":"{key}"}}"#, code.trim()),
    );
    let token = enrolled
        .split("\"token\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("{enrolled}"))
        .to_owned();
    let forged = "FORGED device_id=dev-admin: device enrolled";
    let batch = format!(r#"{{"envelopes":[{{"id":"x\n{forged}\r\n{forged}"}}]}}"#);
    let auth = format!("Authorization: Bearer {token}\r\n");
    let answer = http_post(address, "/v1/submissions", &auth, &batch);
    assert!(answer.contains("bad_envelope"), "{answer}");
    drop(running);
    let written = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        written.contains("envelope rejected"),
        "it was logged: {written}"
    );
    for line in written.lines() {
        assert!(!line.starts_with("FORGED"), "a forged log line: {written}");
    }
}
