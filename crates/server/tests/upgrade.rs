//! Upgrading a server from before studies and sites (issue 12): a database made by migrations
//! 0001–0002, with a device that has synced and an enrollment code not yet used, is migrated on
//! open. Both belong to the reference study, every site they name becomes a site, the old
//! device keeps syncing with its token and sees its own site's roster, and the old code still
//! enrolls a tablet for its site; its one user becomes an admin (issue 14). Both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use mimik_server::secrets::{normalise_code, sha256_hex};
use mimik_server::storage::Storage;
use mimik_server::storage::postgres::PostgresStorage;
use serde_json::Value;
use sqlx::migrate::Migrator;
use std::path::Path;
use std::sync::Arc;

const OLD_CODE: &str = "OLDC-ODE1-2345";
const OLD_TOKEN: &str = "old-device-token";

#[tokio::test]
async fn a_database_from_before_sites_upgrades_and_keeps_its_devices_and_codes_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mimik-server.db");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&file)
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    before_sites("sqlite").await.run(&pool).await.unwrap();
    let old = old_tablet();
    for statement in old_rows(&old) {
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;
    // The server encrypts the older plaintext file and migrates it.
    let storage = mimik_server::open(dir.path(), None).await.unwrap();
    upgraded(Arc::clone(&storage), old).await;
    storage.close().await;
}

#[tokio::test]
async fn a_database_from_before_sites_upgrades_and_keeps_its_devices_and_codes_on_postgres() {
    let Some(url) = postgres_url() else { return };
    let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
    let options: sqlx::postgres::PgConnectOptions = url.parse().unwrap();
    let admin = sqlx::PgPool::connect_with(options.clone()).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let pool = sqlx::PgPool::connect_with(options.options([("search_path", schema.as_str())]))
        .await
        .unwrap();
    before_sites("postgres").await.run(&pool).await.unwrap();
    let old = old_tablet();
    for statement in old_rows(&old) {
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;
    let storage = PostgresStorage::connect_in_schema(&url, &schema)
        .await
        .unwrap();
    upgraded(Arc::new(storage), old).await;
}

/// The tablet of the device enrolled before the upgrade.
fn old_tablet() -> Tablet {
    let mut old = Tablet::new(31);
    old.device_id = uuid::Uuid::now_v7().to_string();
    old
}

/// The migrations a server had before sites: 0001 and 0002 of `backend`, copied on their own.
async fn before_sites(backend: &str) -> Migrator {
    let all =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../migrations/server/{backend}"));
    let old = tempfile::tempdir().unwrap();
    for name in ["0001_initial.sql", "0002_study_bundles.sql"] {
        std::fs::copy(all.join(name), old.path().join(name)).unwrap();
    }
    // The migrator reads the files now; the copies can go.
    Migrator::new(old.path()).await.unwrap()
}

/// What such a server held: a device at Uppsala that had synced, and an unused code for
/// Karolinska, in the columns of that time (no study anywhere).
fn old_rows(old: &Tablet) -> Vec<String> {
    vec![
        format!(
            "INSERT INTO devices (id, site, public_key, token_sha256, enrolled_at, last_seen_at) \
             VALUES ('{}', 'Uppsala', '{}', '{}', '2026-01-05T09:00:00.000000Z', \
             '2026-01-06T09:00:00.000000Z')",
            old.device_id,
            old.public_key(),
            sha256_hex(OLD_TOKEN.as_bytes())
        ),
        format!(
            "INSERT INTO enrollment_codes (code_sha256, site, created_at, expires_at) \
             VALUES ('{}', 'Karolinska', '2026-01-05T09:00:00.000000Z', '2999-01-01T00:00:00.000000Z')",
            sha256_hex(normalise_code(OLD_CODE).as_bytes())
        ),
        format!(
            "INSERT INTO users (name, password_hash, created_at) \
             VALUES ('old-user', '{}', '2026-01-05T09:00:00.000000Z')",
            mimik_server::secrets::hash_password("a long password").unwrap()
        ),
    ]
}

async fn upgraded(storage: Arc<dyn Storage>, mut old: Tablet) {
    let sites: Vec<(String, String)> = storage
        .sites()
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.study, s.site))
        .collect();
    assert_eq!(
        sites,
        [
            ("NCT05191719".to_owned(), "Karolinska".to_owned()),
            ("NCT05191719".to_owned(), "Uppsala".to_owned()),
        ]
    );
    let devices = storage.devices().await.unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(
        (devices[0].study.as_str(), devices[0].site.as_str()),
        ("NCT05191719", "Uppsala")
    );

    // A user from before roles could do everything, and becomes an admin.
    let users = mimik_server::users::list(storage.as_ref()).await.unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(
        (users[0].name.as_str(), users[0].role, users[0].disabled),
        ("old-user", mimik_server::roles::Role::Admin, false)
    );

    let (app, _state) = app(storage);
    let cookie = log_in(&app, "old-user").await;
    let page = send(&app, Method::GET, "/users", &[("cookie", &cookie)], "").await;
    assert_eq!(page.status, StatusCode::OK);
    // The old device syncs on with the token it has.
    old.token = OLD_TOKEN.to_owned();
    let registration = old.envelope(&participant("NT-001", "2026-01-10", None, 1));
    let reply = old.submit(&app, &[registration]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["receipts"][0]["status"], "stored");
    // The old code enrolls a tablet for Karolinska, which does not see Uppsala's participant.
    let mut new = Tablet::new(32);
    new.enroll_with(&app, OLD_CODE).await;
    for (tablet, expected) in [(&old, 1), (&new, 0)] {
        let auth = format!("Bearer {}", tablet.token);
        let reply = send(
            &app,
            Method::GET,
            "/v1/study",
            &[("authorization", &auth)],
            "",
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        let roster: Value = reply.json()["roster"].clone();
        assert_eq!(roster.as_array().unwrap().len(), expected, "{roster}");
    }
}
