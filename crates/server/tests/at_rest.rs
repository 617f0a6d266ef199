//! The server's data at rest (issue 13 item 7): the data directory is 0700 and its files 0600,
//! exports are written 0600, the embedded SQLite database is encrypted with SQLCipher (no
//! side-effect text in plaintext in the database or its WAL, and it does not open with another
//! key), an older server's plaintext database is encrypted on start with nothing lost, and
//! `mimik-server` enables SQLCipher itself.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::*;
use sqlx::Connection;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

const CANARY: &str = "CANARY-side-effect-7f3a9c";

fn server(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mimik-server"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("MIMIK_SERVER_DB")
        .env_remove("MIMIK_SERVER_DB_KEY_FILE")
        .output()
        .unwrap()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A data directory whose database holds a side effect with [`CANARY`] in its text.
async fn server_with_a_side_effect(dir: &Path) {
    let storage = mimik_server::open(dir, None).await.unwrap();
    let (app, state) = app(storage);
    let mut tablet = Tablet::new(3);
    tablet.enroll(&app, &state, "Karolinska").await;
    let envelopes = vec![
        tablet.envelope(&participant("NT-007", "2025-01-10", Some("2025-03-01"), 0)),
        tablet.envelope(&side_effect("NT-007", "post_6m", CANARY, 1)),
    ];
    assert_eq!(tablet.submit(&app, &envelopes).await.status, StatusCode::OK);
    // Closed before the test goes on: an SQLite connection still closing on its own thread when
    // the process exits crashed this binary (exit 139, 1 run in 12; see `Storage::close`).
    state.storage.close().await;
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn side_effect_text_is_nowhere_in_plaintext_in_the_data_directory_and_another_key_opens_nothing()
 {
    let dir = tempfile::tempdir().unwrap();
    server_with_a_side_effect(dir.path()).await;
    let mut files = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        files += 1;
        assert!(
            !contains(&std::fs::read(&path).unwrap(), CANARY),
            "{} holds the side-effect text in plaintext",
            path.display()
        );
    }
    assert!(files >= 2, "the database and its key file at least");
    // The text is there for the server that has the key.
    let export = server(dir.path(), &["export", "--format", "json"]);
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    assert!(contains(&export.stdout, CANARY));
    // Another key opens nothing and says so.
    let other = dir.path().join("other.key");
    std::fs::write(&other, "ab".repeat(32)).unwrap();
    std::fs::set_permissions(&other, std::fs::Permissions::from_mode(0o600)).unwrap();
    let other = other.to_str().unwrap();
    let refused = server(
        dir.path(),
        &["--db-key-file", other, "export", "--format", "json"],
    );
    assert!(!refused.status.success());
    assert!(!contains(&refused.stdout, CANARY));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("cannot open the database"), "{said}");
}

#[tokio::test]
async fn the_data_directory_is_0700_and_every_file_in_it_and_every_export_0600() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("data");
    server_with_a_side_effect(&dir).await;
    assert!(
        server(&dir, &["site", "add", "Karolinska"])
            .status
            .success()
    );
    let code = server(&dir, &["enrollment-code", "--site", "Karolinska"]);
    assert!(
        code.status.success(),
        "{}",
        String::from_utf8_lossy(&code.stderr)
    );
    assert_eq!(mode(&dir), 0o700);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
    let out = root.path().join("export.json");
    std::fs::write(&out, "older, world-readable").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).unwrap();
    let export = server(
        &dir,
        &["export", "--format", "json", "--out", out.to_str().unwrap()],
    );
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    assert_eq!(mode(&out), 0o600);
    assert!(contains(&std::fs::read(&out).unwrap(), CANARY));
}

#[tokio::test]
async fn an_older_servers_plaintext_database_is_encrypted_on_start_with_nothing_lost() {
    let dir = tempfile::tempdir().unwrap();
    server_with_a_side_effect(dir.path()).await;
    let before = server(dir.path(), &["export", "--format", "json"]);
    assert!(before.status.success());
    // Make the database what an older server left: the same rows, unencrypted.
    let db = dir.path().join("mimik-server.db");
    let plain = dir.path().join("plain.db");
    let key = std::fs::read_to_string(dir.path().join("mimik-server.key")).unwrap();
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&db)
        .create_if_missing(true)
        .pragma("key", format!("\"x'{}'\"", key.trim()));
    let mut conn = sqlx::sqlite::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    sqlx::query("ATTACH DATABASE ?1 AS plain KEY ''")
        .bind(plain.to_str().unwrap())
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("SELECT sqlcipher_export('plain')")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("DETACH DATABASE plain")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    std::fs::rename(&plain, &db).unwrap();
    assert!(
        contains(&std::fs::read(&db).unwrap(), CANARY),
        "the copy is plaintext"
    );

    let after = server(dir.path(), &["export", "--format", "json"]);
    assert!(
        after.status.success(),
        "{}",
        String::from_utf8_lossy(&after.stderr)
    );
    assert_eq!(after.stdout, before.stdout, "nothing lost or changed");
    assert!(
        !contains(&std::fs::read(&db).unwrap(), CANARY),
        "encrypted now"
    );
    assert!(
        !std::fs::read(&db)
            .unwrap()
            .starts_with(b"SQLite format 3\0")
    );
}

#[test]
fn mimik_server_alone_is_built_with_sqlcipher() {
    // Feature resolution for `-p mimik-server` alone, not unified with the tablet's crates.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args([
            "tree",
            "--offline",
            "-p",
            "mimik-server",
            "-e",
            "features",
            "-i",
            "libsqlite3-sys",
        ])
        .output()
        .unwrap();
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        tree.contains("libsqlite3-sys feature \"bundled-sqlcipher\""),
        "{tree}"
    );
}

#[test]
fn the_database_url_can_come_from_a_file_so_no_password_is_in_the_process_list() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("elsewhere.db");
    let url_file = dir.path().join("db-url");
    std::fs::write(&url_file, format!("sqlite://{}\n", db.display())).unwrap();
    let url_file = url_file.to_str().unwrap();
    let data = dir.path().join("data");
    let code = server(&data, &["--db-url-file", url_file, "site", "add", "S"]);
    assert!(
        code.status.success(),
        "{}",
        String::from_utf8_lossy(&code.stderr)
    );
    assert!(db.exists(), "the database named in the file was used");
    assert_eq!(mode(&db), 0o600);
    let both = server(
        &data,
        &[
            "--db",
            "sqlite://x.db",
            "--db-url-file",
            url_file,
            "enrollment-code",
            "--site",
            "S",
        ],
    );
    assert!(!both.status.success(), "--db and --db-url-file conflict");
}
