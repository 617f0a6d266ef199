//! One story, run against every storage backend (STYLE.md: atuin's db_story): enroll → submit
//! → duplicate → conflict → gaps → roster via /v1/study with its ETag → natural-key duplicate
//! from a second tablet → export → revoke.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode, header};
use common::*;
use mimik_domain::Instrument;
use mimik_server::export::{Format, export};
use serde_json::{Value, json};

async fn story(backend: Backend) {
    let (storage, _dir) = storage(backend).await;
    let (app, state) = app(storage.clone());

    // Health.
    let reply = send(&app, Method::GET, "/health", &[], "").await;
    assert_eq!(reply.status, StatusCode::OK);

    // Enrollment: a code works once.
    let mut tablet = Tablet::new(7);
    tablet.enroll(&app, &state, "Karolinska").await;
    assert!(tablet.device_id.starts_with("dev-"));
    let code = common::code_for(storage.as_ref(), "Karolinska").await;
    let request = json!({"code": code, "public_key": tablet.public_key()});
    assert_eq!(
        post_json(&app, "/v1/enroll", None, &request).await.status,
        StatusCode::OK
    );
    let again = post_json(&app, "/v1/enroll", None, &request).await;
    assert_eq!(again.status, StatusCode::FORBIDDEN);
    assert_eq!(again.json()["code"], "invalid_enrollment_code");

    // A first batch is stored, in order, with no gaps.
    let registered = tablet.envelope(&participant("NT-001", "2026-01-10", Some("2026-03-01"), 0));
    let face = tablet.envelope(&form("NT-001", "post_6m", Instrument::Face, 4, 1));
    let effect = tablet.envelope(&side_effect(
        "NT-001",
        "post_6m",
        "<script>alert(1)</script> stram",
        2,
    ));
    let batch = vec![registered.clone(), face.clone(), effect.clone()];
    let reply = tablet.submit(&app, &batch).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body = reply.json();
    for (receipt, sent) in body["receipts"].as_array().unwrap().iter().zip(&batch) {
        assert_eq!(receipt["status"], "stored", "{receipt}");
        assert_eq!(receipt["id"], sent.id.to_string());
        assert_eq!(receipt["body_sha256"], sent.body_sha256);
    }
    assert_eq!(body["gaps"], json!([]));

    // The same batch again: duplicates, each echoing its hash.
    let body = tablet.submit(&app, &batch).await.json();
    let statuses: Vec<&Value> = body["receipts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["status"])
        .collect();
    assert_eq!(statuses, vec!["duplicate", "duplicate", "duplicate"]);
    assert_eq!(body["receipts"][1]["body_sha256"], face.body_sha256);

    // Same id, other body: a conflict, kept for review, the stored one unchanged.
    let altered = tablet.envelope_at(
        &form("NT-001", "post_6m", Instrument::Face, 2, 1),
        face.device_seq,
        face.id.uuid(),
    );
    let body = tablet
        .submit(&app, std::slice::from_ref(&altered))
        .await
        .json();
    assert_eq!(body["receipts"][0]["status"], "conflict");
    assert_eq!(body["receipts"][0]["reason"]["code"], "same_id_other_body");
    assert_eq!(body["receipts"][0]["body_sha256"], face.body_sha256);
    let conflicts = storage.conflicts().await.unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].received_sha256, altered.body_sha256);
    // A new id on a used device_seq: also a conflict.
    let reused = tablet.envelope_at(
        &form("NT-001", "post_6m", Instrument::Saq, 2, 3),
        face.device_seq,
        uuid::Uuid::now_v7(),
    );
    let body = tablet.submit(&app, &[reused]).await.json();
    assert_eq!(body["receipts"][0]["reason"]["code"], "device_seq_taken");

    // Skipping seq 4 shows a gap; one bad envelope does not block the good one.
    tablet.next_seq = 5;
    let fdi = tablet.envelope(&form("NT-001", "post_6m", Instrument::Fdi, 3, 4));
    let mut forged = tablet.envelope(&form("NT-001", "post_6m", Instrument::Saq, 3, 5));
    forged.signature = "00".repeat(64);
    let body = tablet.submit(&app, &[forged, fdi]).await.json();
    assert_eq!(body["receipts"][0]["status"], "rejected");
    assert_eq!(body["receipts"][0]["reason"]["code"], "bad_signature");
    assert_eq!(body["receipts"][0]["body_sha256"], Value::Null);
    assert_eq!(body["receipts"][1]["status"], "stored");
    assert_eq!(body["gaps"], json!([{"from": 4, "to": 4}]));

    // The roster comes back on /v1/study with an ETag that honours If-None-Match.
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
    let etag = reply.headers[header::ETAG].to_str().unwrap().to_owned();
    let study = reply.json();
    assert_eq!(
        study["roster"],
        json!([{"pseudonym": "NT-001", "inclusion_date": "2026-01-10", "surgery_date": "2026-03-01", "botox_dates": []}])
    );
    assert_eq!(study["content_packs"].as_array().unwrap().len(), 4);
    let reply = send(
        &app,
        Method::GET,
        "/v1/study",
        &[("authorization", &auth), ("if-none-match", &etag)],
        "",
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_MODIFIED);
    assert!(reply.bytes.is_empty());
    // A roster change changes the ETag.
    let update = tablet.envelope(&participant("NT-001", "2026-01-10", Some("2026-03-15"), 10));
    assert_eq!(
        tablet.submit(&app, &[update]).await.json()["receipts"][0]["status"],
        "stored"
    );
    let reply = send(
        &app,
        Method::GET,
        "/v1/study",
        &[("authorization", &auth), ("if-none-match", &etag)],
        "",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_ne!(reply.headers[header::ETAG].to_str().unwrap(), etag);
    assert_eq!(reply.json()["roster"][0]["surgery_date"], "2026-03-15");

    // A second tablet answers the same form for the same visit: both kept, both flagged.
    let mut second = Tablet::new(8);
    second.enroll(&app, &state, "Karolinska").await;
    let twin = second.envelope(&form("NT-001", "post_6m", Instrument::Face, 5, 20));
    assert_eq!(
        second
            .submit(&app, std::slice::from_ref(&twin))
            .await
            .json()["receipts"][0]["status"],
        "stored"
    );
    // An envelope naming another device is refused.
    let mut foreign = second.envelope(&form("NT-001", "post_6m", Instrument::Saq, 3, 21));
    foreign.device_id = tablet.device_id.clone();
    let body = second.submit(&app, &[foreign]).await.json();
    assert_eq!(body["receipts"][0]["reason"]["code"], "device_mismatch");

    // Exports: faithful and byte-identical when repeated.
    let json_export = export(storage.as_ref(), Format::Json).await.unwrap();
    assert_eq!(
        json_export,
        export(storage.as_ref(), Format::Json).await.unwrap()
    );
    let exported: Value = serde_json::from_slice(&json_export).unwrap();
    let rows = exported["submissions"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    let flagged: Vec<&str> = rows
        .iter()
        .filter(|r| r["natural_key_duplicate"] == true)
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let mut expected = vec![face.id.to_string(), twin.id.to_string()];
    expected.sort();
    assert_eq!(flagged, expected);
    let stored_face = rows
        .iter()
        .find(|r| r["id"] == face.id.to_string())
        .unwrap();
    assert_eq!(stored_face["body_sha256"], face.body_sha256);
    assert_eq!(stored_face["answers"]["q1"], 4);
    for format in [Format::CsvLong, Format::CsvWide] {
        let first = export(storage.as_ref(), format).await.unwrap();
        assert_eq!(first, export(storage.as_ref(), format).await.unwrap());
    }
    let wide = String::from_utf8(export(storage.as_ref(), Format::CsvWide).await.unwrap()).unwrap();
    let header: Vec<&str> = wide.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = wide.lines().nth(1).unwrap().split(',').collect();
    let column = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(column("participant"), "NT-001");
    assert_eq!(column("face_submissions"), "2");
    assert_eq!(column("face_submission_id"), twin.id.to_string());
    assert_eq!(column("face_total"), "100.0");
    let long = String::from_utf8(export(storage.as_ref(), Format::CsvLong).await.unwrap()).unwrap();
    assert_eq!(
        long.lines().count(),
        1 + 15 + 15 + Instrument::Fdi.items().len()
    );

    // Revocation: 403 for the revoked token, 401 for an unknown one, the other tablet unaffected.
    assert!(
        storage
            .revoke_device(
                &tablet.device_id,
                &mimik_server::now(),
                &mimik_server::storage::NewAudit::new(
                    &tester(),
                    "device_revoked",
                    Some(&tablet.device_id)
                )
            )
            .await
            .unwrap()
    );
    let reply = tablet.submit(&app, &[]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.json()["code"], "device_revoked");
    let reply = post_json(
        &app,
        "/v1/submissions",
        Some("not-a-token"),
        &json!({"envelopes": []}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json()["code"], "unauthorized");
    assert_eq!(second.submit(&app, &[]).await.status, StatusCode::OK);
    let devices = storage.devices().await.unwrap();
    assert_eq!(devices.len(), 3);
    assert!(
        devices
            .iter()
            .any(|d| d.id == tablet.device_id && d.revoked_at.is_some() && d.max_seq == 7)
    );
}

#[tokio::test]
async fn the_story_holds_on_sqlite() {
    story(Backend::Sqlite).await;
}

#[tokio::test]
async fn the_story_holds_on_postgres() {
    if postgres_url().is_some() {
        story(Backend::Postgres).await;
    }
}

// NL-2: one row per id however many times it arrives at once.
/// The same batch sent eight times at once: each id stored exactly once, every other answer a
/// duplicate, nothing fails (RELIABILITY.md: "the same id concurrently").
async fn concurrent_retries(backend: Backend) {
    let (storage, _dir) = storage(backend).await;
    let (app, state) = app(storage.clone());
    let mut tablet = Tablet::new(9);
    tablet.enroll(&app, &state, "Karolinska").await;
    let batch: Vec<_> = (0..20)
        .map(|i| {
            tablet.envelope(&form(
                "NT-003",
                "post_12m",
                Instrument::Saq,
                1 + (i % 5) as u8,
                i,
            ))
        })
        .collect();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (app, batch, token) = (app.clone(), batch.clone(), tablet.token.clone());
        tasks.spawn(async move {
            post_json(
                &app,
                "/v1/submissions",
                Some(&token),
                &json!({ "envelopes": batch }),
            )
            .await
        });
    }
    let mut stored = 0;
    while let Some(reply) = tasks.join_next().await {
        let reply = reply.unwrap();
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        for receipt in reply.json()["receipts"].as_array().unwrap() {
            match receipt["status"].as_str().unwrap() {
                "stored" => stored += 1,
                "duplicate" => {}
                other => panic!("unexpected {other}: {receipt}"),
            }
        }
    }
    assert_eq!(stored, 20);
    assert_eq!(storage.submissions().await.unwrap().len(), 20);
    assert!(storage.gaps(&tablet.device_id).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_retries_store_each_id_once_on_sqlite() {
    concurrent_retries(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_retries_store_each_id_once_on_postgres() {
    if postgres_url().is_some() {
        concurrent_retries(Backend::Postgres).await;
    }
}
