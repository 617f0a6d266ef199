//! Issue 14 point 5 (server side): logins (failed too), logouts, exports, revocations, user
//! changes, sites, codes and publications are append-only, hash-chained audit rows; triggers
//! refuse UPDATE and DELETE on both backends; `audit verify` finds a rewritten row and
//! `audit export` writes every row; `--as` runs a command as a user of the right role.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use mimik_server::roles::Role;
use mimik_server::storage::postgres::PostgresStorage;
use mimik_server::storage::{AuditRow, Storage};
use sqlx::Connection;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

const FORM: [(&str, &str); 1] = [("content-type", "application/x-www-form-urlencoded")];

#[tokio::test]
async fn what_people_do_on_the_pages_is_audited_in_a_chain_that_verifies_on_sqlite() {
    let (storage, _dir) = storage(Backend::Sqlite).await;
    what_people_do_on_the_pages_is_audited_in_a_chain_that_verifies(storage).await;
}

#[tokio::test]
async fn what_people_do_on_the_pages_is_audited_in_a_chain_that_verifies_on_postgres() {
    if postgres_url().is_some() {
        let (storage, _dir) = storage(Backend::Postgres).await;
        what_people_do_on_the_pages_is_audited_in_a_chain_that_verifies(storage).await;
    }
}

/// `(actor, role, action, subject)` of every row after the first `skip`.
fn summary(rows: &[AuditRow], skip: usize) -> Vec<(String, String, String, String)> {
    rows.iter()
        .skip(skip)
        .map(|r| {
            (
                r.actor.clone(),
                r.role.clone(),
                r.action.clone(),
                r.subject.clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn row(actor: &str, role: &str, action: &str, subject: &str) -> (String, String, String, String) {
    (actor.into(), role.into(), action.into(), subject.into())
}

async fn what_people_do_on_the_pages_is_audited_in_a_chain_that_verifies(
    storage: Arc<dyn Storage>,
) {
    let (app, state) = app(storage);
    let mut tablet = Tablet::new(41);
    tablet.enroll(&app, &state, "karolinska").await;
    add_user(state.storage.as_ref(), "ada", Role::Admin, &[]).await;
    add_user(state.storage.as_ref(), "dan", Role::DataManager, &[]).await;
    let setup = state.storage.audit_rows().await.unwrap();
    assert_eq!(
        summary(&setup, 0),
        [
            row("test-setup", "admin", "site_added", "karolinska"),
            row(
                "test-setup",
                "admin",
                "enrollment_code_issued",
                "karolinska"
            ),
            row("test-setup", "admin", "user_added", "ada"),
            row("test-setup", "admin", "user_added", "dan"),
        ]
    );
    assert_eq!(
        setup[2].after.as_deref(),
        Some(r#"{"disabled":false,"role":"admin","sites":[]}"#)
    );

    let wrong = send(
        &app,
        Method::POST,
        "/login",
        &FORM,
        "name=ada&password=nope",
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let stranger = send(
        &app,
        Method::POST,
        "/login",
        &FORM,
        "name=zed&password=nope",
    )
    .await;
    assert_eq!(stranger.status, StatusCode::UNAUTHORIZED);
    let ada = log_in(&app, "ada").await;
    let revoke = format!("/devices/{}/revoke", tablet.device_id);
    let reply = send(&app, Method::POST, &revoke, &[("cookie", &ada)], "").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    // Revoking again changes nothing and adds no row.
    send(&app, Method::POST, &revoke, &[("cookie", &ada)], "").await;
    send(&app, Method::POST, "/logout", &[("cookie", &ada)], "").await;
    let dan = log_in(&app, "dan").await;
    let export = send(&app, Method::GET, "/exports/json", &[("cookie", &dan)], "").await;
    assert_eq!(export.status, StatusCode::OK);

    let rows = state.storage.audit_rows().await.unwrap();
    assert_eq!(
        summary(&rows, setup.len()),
        [
            row("ada", "admin", "login_failed", "ada"),
            row("zed", "unknown", "login_failed", "zed"),
            row("ada", "admin", "login", "ada"),
            row("ada", "admin", "device_revoked", &tablet.device_id),
            row("ada", "admin", "logout", "ada"),
            row("dan", "data-manager", "login", "dan"),
            row("dan", "data-manager", "export", "json"),
        ]
    );
    let revoked = &rows[setup.len() + 3];
    assert_eq!(revoked.before.as_deref(), Some(r#"{"revoked_at":null}"#));
    assert!(
        revoked
            .after
            .as_deref()
            .unwrap()
            .starts_with(r#"{"revoked_at":"20"#)
    );
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.seq, i as i64 + 1);
        assert!(r.at.ends_with('Z'));
    }
    assert_eq!(
        mimik_server::audit::verify(state.storage.as_ref())
            .await
            .unwrap(),
        Ok(rows.len())
    );
    // The monitor's page shows the rows and says the chain verifies.
    let monitor = login_as(&app, &state, Role::Monitor, &[]).await;
    let page = send(
        &app,
        Method::GET,
        "/audit?actor=ada",
        &[("cookie", &monitor)],
        "",
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("rows verify"), "{html}");
    assert!(
        html.contains("device_revoked") && !html.contains("data-manager"),
        "{html}"
    );
}

#[tokio::test]
async fn the_database_refuses_to_change_or_delete_an_audit_row_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let storage = mimik_server::open(dir.path(), None).await.unwrap();
    add_user(storage.as_ref(), "ada", Role::Admin, &[]).await;
    storage.close().await;
    let mut conn = sqlite_connection(dir.path()).await;
    for statement in [
        "UPDATE audit SET actor = 'eve'",
        "DELETE FROM audit",
        "INSERT INTO audit SELECT seq + 5, at, actor, role, action, subject, reason, \
         before_value, after_value, prev_hash, hash FROM audit",
    ] {
        let refused = sqlx::query(statement).execute(&mut conn).await;
        assert!(refused.is_err(), "{statement}");
    }
    let left: (i64,) = sqlx::query_as("SELECT count(*) FROM audit")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(left.0, 1);
}

#[tokio::test]
async fn the_database_refuses_to_change_delete_or_truncate_an_audit_row_on_postgres() {
    let Some(url) = postgres_url() else { return };
    let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
    let storage = PostgresStorage::connect_in_schema(&url, &schema)
        .await
        .unwrap();
    add_user(&storage, "ada", Role::Admin, &[]).await;
    let options: sqlx::postgres::PgConnectOptions = url.parse().unwrap();
    let mut conn =
        sqlx::PgConnection::connect_with(&options.options([("search_path", schema.as_str())]))
            .await
            .unwrap();
    for statement in [
        "UPDATE audit SET actor = 'eve'",
        "DELETE FROM audit",
        "TRUNCATE audit",
        "INSERT INTO audit SELECT seq + 5, at, actor, role, action, subject, reason, \
         before_value, after_value, prev_hash, hash FROM audit",
    ] {
        let refused = sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(&mut conn)
            .await;
        assert!(refused.is_err(), "{statement}");
    }
    let left: (i64,) = sqlx::query_as("SELECT count(*) FROM audit")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(left.0, 1);
    storage.close().await;
}

async fn sqlite_connection(dir: &Path) -> sqlx::sqlite::SqliteConnection {
    let key = std::fs::read_to_string(dir.join("mimik-server.key")).unwrap();
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.join("mimik-server.db"))
        .pragma("key", format!("\"x'{}'\"", key.trim()));
    sqlx::sqlite::SqliteConnection::connect_with(&options)
        .await
        .unwrap()
}

fn server(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mimik-server"));
    command
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("MIMIK_SERVER_DB")
        .env_remove("MIMIK_SERVER_AS_PASSWORD")
        .env("USER", "operator");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn commands_run_as_a_user_of_the_right_role_are_audited_as_them_and_others_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let password = [("MIMIK_SERVER_PASSWORD", "long enough password")];
    assert!(
        server(dir, &["site", "add", "karolinska"], &[])
            .status
            .success()
    );
    for (name, role, site) in [
        ("ada", "admin", None),
        ("dan", "data-manager", None),
        ("cora", "coordinator", Some("karolinska")),
    ] {
        let mut args = vec!["user", "add", name, "--role", role];
        if let Some(site) = site {
            args.extend(["--site", site]);
        }
        assert!(server(dir, &args, &password).status.success());
    }
    let as_password = |p: &'static str| [("MIMIK_SERVER_AS_PASSWORD", p)];

    // A data manager exports; a coordinator may not, and a wrong password is refused.
    let export = server(
        dir,
        &["--as", "dan", "export", "--format", "json"],
        &as_password("long enough password"),
    );
    assert!(export.status.success(), "{}", stderr(&export));
    let refused = server(
        dir,
        &["--as", "cora", "export", "--format", "json"],
        &as_password("long enough password"),
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("a coordinator may not run this command"));
    assert!(refused.stdout.is_empty());
    let wrong = server(
        dir,
        &["--as", "dan", "export", "--format", "json"],
        &as_password("not the password"),
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert!(wrong.stdout.is_empty());
    // A coordinator makes codes for their own site only.
    assert!(
        server(dir, &["site", "add", "uppsala"], &[])
            .status
            .success()
    );
    let other_site = server(
        dir,
        &["--as", "cora", "enrollment-code", "--site", "uppsala"],
        &as_password("long enough password"),
    );
    assert!(stderr(&other_site).contains("does not work at site \"uppsala\""));
    let own_site = server(
        dir,
        &["--as", "cora", "enrollment-code", "--site", "karolinska"],
        &as_password("long enough password"),
    );
    assert!(own_site.status.success(), "{}", stderr(&own_site));

    let exported = server(dir, &["audit", "export", "--format", "json"], &[]);
    assert!(exported.status.success(), "{}", stderr(&exported));
    let json: serde_json::Value = serde_json::from_slice(&exported.stdout).unwrap();
    let rows: Vec<(String, String, String)> = json["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["actor"].as_str().unwrap().to_owned(),
                r["role"].as_str().unwrap().to_owned(),
                r["action"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String, String)> = [
        ("os:operator", "admin", "site_added"),
        ("os:operator", "admin", "user_added"),
        ("os:operator", "admin", "user_added"),
        ("os:operator", "admin", "user_added"),
        ("dan", "data-manager", "export"),
        ("dan", "data-manager", "login_failed"),
        ("os:operator", "admin", "site_added"),
        ("cora", "coordinator", "enrollment_code_issued"),
    ]
    .iter()
    .map(|(a, r, x)| ((*a).to_owned(), (*r).to_owned(), (*x).to_owned()))
    .collect();
    assert_eq!(rows, expected);
    let csv = server(dir, &["audit", "export", "--format", "csv"], &[]);
    let text = String::from_utf8(csv.stdout).unwrap();
    assert!(
        text.starts_with("seq,at,actor,role,action,subject,reason,before,after,prev_hash,hash\n")
    );
    // The JSON export before it is now a row too.
    assert_eq!(text.lines().count(), 1 + expected.len() + 1);
}

#[tokio::test]
async fn audit_verify_reports_the_first_row_rewritten_behind_the_servers_back() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let password = [("MIMIK_SERVER_PASSWORD", "long enough password")];
    for name in ["ada", "bea", "cai"] {
        let added = server(dir, &["user", "add", name, "--role", "admin"], &password);
        assert!(added.status.success());
    }
    let ok = server(dir, &["audit", "verify"], &[]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    let json: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(json, serde_json::json!({"ok": true, "rows": 3}));

    // Someone with the key drops the trigger and rewrites who added bea.
    let mut conn = sqlite_connection(dir).await;
    for statement in [
        "DROP TRIGGER audit_is_append_only_update",
        "UPDATE audit SET actor = 'eve' WHERE seq = 2",
    ] {
        sqlx::query(statement).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();
    let broken = server(dir, &["audit", "verify"], &[]);
    assert_eq!(broken.status.code(), Some(4), "{}", stderr(&broken));
    let json: serde_json::Value = serde_json::from_slice(&broken.stdout).unwrap();
    assert_eq!(json["ok"], false);
    assert_eq!(json["first_broken"]["seq"], 2);
    assert_eq!(
        json["first_broken"]["reason"],
        "content does not match its hash"
    );
    assert_eq!(json["first_broken"]["row"]["actor"], "eve");
}
