//! The HTTP boundary on SQLite: every error has the `{code, message, details}` shape and a
//! stable code; bad input is refused per envelope or per request, never with a panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body as HttpBody;
use axum::http::{Method, StatusCode};
use common::*;
use mimik_domain::Instrument;
use mimik_domain::protocol::{MAX_BATCH_ITEMS, MAX_REQUEST_BYTES};
use mimik_server::{AppState, Config};
use serde_json::{Value, json};
use std::time::Duration;

async fn enrolled() -> (axum::Router, AppState, Tablet, Option<tempfile::TempDir>) {
    enrolled_on(Backend::Sqlite).await
}

async fn enrolled_on(
    backend: Backend,
) -> (axum::Router, AppState, Tablet, Option<tempfile::TempDir>) {
    let (storage, dir) = storage(backend).await;
    let (app, state) = app(storage);
    let mut tablet = Tablet::new(3);
    tablet.enroll(&app, &state, "Karolinska").await;
    (app, state, tablet, dir)
}

fn assert_error(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["code"], code, "{body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(body.get("details").is_some());
}

#[tokio::test]
async fn malformed_json_is_a_400_with_serdes_message_on_sqlite() {
    malformed_json_is_a_400_with_serdes_message(Backend::Sqlite).await;
}

#[tokio::test]
async fn malformed_json_is_a_400_with_serdes_message_on_postgres() {
    if postgres_url().is_some() {
        malformed_json_is_a_400_with_serdes_message(Backend::Postgres).await;
    }
}

async fn malformed_json_is_a_400_with_serdes_message(backend: Backend) {
    let (app, _state, tablet, _dir) = enrolled_on(backend).await;
    let auth = format!("Bearer {}", tablet.token);
    for body in [
        "{",
        "not json",
        "{\"envelopes\": 5}",
        "{\"envelopes\": [], \"extra\": 1}",
        "\u{0}",
    ] {
        let reply = send(
            &app,
            Method::POST,
            "/v1/submissions",
            &[("authorization", &auth)],
            body,
        )
        .await;
        assert_error(&reply, StatusCode::BAD_REQUEST, "malformed_json");
    }
    let reply = send(
        &app,
        Method::POST,
        "/v1/submissions",
        &[("authorization", &auth)],
        "{",
    )
    .await;
    assert!(reply.json()["message"].as_str().unwrap().contains("EOF"));
    let invalid_utf8 = send(
        &app,
        Method::POST,
        "/v1/enroll",
        &[],
        vec![b'{', 0xff, b'}'],
    )
    .await;
    assert_error(&invalid_utf8, StatusCode::BAD_REQUEST, "malformed_json");
}

// NL-9: the 413 carries the limits, so the tablet can split its batch.
#[tokio::test]
async fn a_body_over_the_limit_is_a_413_body_too_large() {
    let (app, _state, tablet, _dir) = enrolled().await;
    let auth = format!("Bearer {}", tablet.token);
    let huge = format!(
        "{{\"envelopes\": [\"{}\"]}}",
        "x".repeat(MAX_REQUEST_BYTES + 1)
    );
    let reply = send(
        &app,
        Method::POST,
        "/v1/submissions",
        &[("authorization", &auth)],
        huge,
    )
    .await;
    assert_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "body_too_large");
    // NL-8: the tablet learns the limits from the refusal itself.
    assert_eq!(
        reply.json()["details"],
        json!({"max_request_bytes": MAX_REQUEST_BYTES, "max_batch_items": MAX_BATCH_ITEMS})
    );
}

#[tokio::test]
async fn a_batch_of_millions_of_tiny_values_is_counted_while_parsing_and_refused() {
    // Issue 13 item 5: 8 MiB of `0,` used to be parsed into a Vec<Value> (about 80 MB) before
    // the item check; now the envelopes past the limit are counted, never kept.
    let (app, state, tablet, _dir) = enrolled().await;
    let items = (MAX_REQUEST_BYTES - 64) / 2;
    let body = format!("{{\"envelopes\":[{}0]}}", "0,".repeat(items - 1));
    assert!(body.len() <= MAX_REQUEST_BYTES);
    let auth = format!("Bearer {}", tablet.token);
    let reply = send(
        &app,
        Method::POST,
        "/v1/submissions",
        &[("authorization", &auth)],
        body,
    )
    .await;
    assert_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "batch_too_large");
    assert_eq!(reply.json()["details"]["items"], items);
    assert!(state.storage.submissions().await.unwrap().is_empty());
}

// NL-9: tablets learn the limits before they send.
#[tokio::test]
async fn the_study_answer_advertises_the_server_limits() {
    let (app, _state, tablet, _dir) = enrolled().await;
    let auth = format!("Bearer {}", tablet.token);
    let reply = send(
        &app,
        Method::GET,
        "/v1/study",
        &[("authorization", &auth)],
        Vec::new(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json()["limits"],
        json!({"max_request_bytes": MAX_REQUEST_BYTES, "max_batch_items": MAX_BATCH_ITEMS})
    );
}

// NL-9.
#[tokio::test]
async fn a_batch_over_the_item_limit_is_a_413_batch_too_large_and_stores_nothing() {
    let (app, state, tablet, _dir) = enrolled().await;
    let envelopes: Vec<Value> = (0..=MAX_BATCH_ITEMS).map(|_| json!({})).collect();
    let reply = post_json(
        &app,
        "/v1/submissions",
        Some(&tablet.token),
        &json!({ "envelopes": envelopes }),
    )
    .await;
    assert_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "batch_too_large");
    assert_eq!(reply.json()["details"]["max_batch_items"], MAX_BATCH_ITEMS);
    assert_eq!(
        reply.json()["details"]["max_request_bytes"],
        MAX_REQUEST_BYTES
    );
    assert_eq!(reply.json()["details"]["items"], MAX_BATCH_ITEMS + 1);
    assert!(state.storage.submissions().await.unwrap().is_empty());
}

#[tokio::test]
async fn bad_envelopes_are_rejected_one_by_one_with_stable_codes_on_sqlite() {
    bad_envelopes_are_rejected_one_by_one_with_stable_codes(Backend::Sqlite).await;
}

#[tokio::test]
async fn bad_envelopes_are_rejected_one_by_one_with_stable_codes_on_postgres() {
    if postgres_url().is_some() {
        bad_envelopes_are_rejected_one_by_one_with_stable_codes(Backend::Postgres).await;
    }
}

// NL-4 and NL-9: an altered envelope is refused alone; the rest of the batch is stored.
async fn bad_envelopes_are_rejected_one_by_one_with_stable_codes(backend: Backend) {
    let (app, state, mut tablet, _dir) = enrolled_on(backend).await;
    let good = form("NT-002", "post_12m", Instrument::Saq, 2, 0);
    let mut cases: Vec<(Value, &str)> = Vec::new();
    cases.push((json!({"id": "x"}), "bad_envelope"));
    cases.push((json!("not an object"), "bad_envelope"));
    let mut e = tablet.envelope(&good);
    e.body_sha256 = "0".repeat(64);
    cases.push((serde_json::to_value(&e).unwrap(), "hash_mismatch"));
    let wrong_scores = edited(&good, |b| b["content"]["scores"]["total"] = json!(1.0));
    cases.push((
        serde_json::to_value(tablet.envelope_json(&wrong_scores)).unwrap(),
        "score_mismatch",
    ));
    let unknown_item = edited(&good, |b| b["content"]["answers"]["q99"] = json!(1));
    cases.push((
        serde_json::to_value(tablet.envelope_json(&unknown_item)).unwrap(),
        "invalid_content",
    ));
    let mut name = good.clone();
    name.participant = "Anna Svensson".to_owned();
    cases.push((
        serde_json::to_value(tablet.envelope(&name)).unwrap(),
        "bad_pseudonym",
    ));
    let mut timepoint = good.clone();
    timepoint.timepoint = Some("post_99m".to_owned());
    cases.push((
        serde_json::to_value(tablet.envelope(&timepoint)).unwrap(),
        "unknown_timepoint",
    ));
    let algorithm = edited(&good, |b| b["content"]["algorithm"] = json!("saq/9"));
    cases.push((
        serde_json::to_value(tablet.envelope_json(&algorithm)).unwrap(),
        "unknown_algorithm",
    ));
    // A paper form typed in before it was filled in, a source that is neither, a paper form
    // without its day.
    let source = |source: Value, completed_on: Value| {
        edited(&good, |b| {
            b["content"]["source"] = source;
            if !completed_on.is_null() {
                b["content"]["completed_on"] = completed_on;
            }
        })
    };
    let later = (good.recorded_at.date_naive() + chrono::Days::new(3)).to_string();
    for body in [
        source(json!("paper"), json!(later)),
        source(json!("fax"), Value::Null),
        source(json!("paper"), Value::Null),
    ] {
        cases.push((
            serde_json::to_value(tablet.envelope_json(&body)).unwrap(),
            "invalid_content",
        ));
    }
    let zero = tablet.envelope_at(&good, 0, uuid::Uuid::now_v7());
    cases.push((serde_json::to_value(&zero).unwrap(), "bad_device_seq"));
    let mut v4 = serde_json::to_value(tablet.envelope(&good)).unwrap();
    v4["id"] = json!("6ba7b810-9dad-41d1-80b4-00c04fd430c8");
    cases.push((v4, "bad_envelope"));
    let sql = side_effect(
        "NT-002",
        "post_12m",
        "'; DROP TABLE submissions; -- \u{202e}😀",
        1,
    );
    let stored = tablet.envelope(&sql);

    let mut envelopes: Vec<Value> = cases.iter().map(|(v, _)| v.clone()).collect();
    envelopes.push(serde_json::to_value(&stored).unwrap());
    let reply = post_json(
        &app,
        "/v1/submissions",
        Some(&tablet.token),
        &json!({ "envelopes": envelopes }),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let receipts = reply.json()["receipts"].as_array().unwrap().clone();
    assert_eq!(receipts.len(), cases.len() + 1);
    for (receipt, (_, code)) in receipts.iter().zip(&cases) {
        assert_eq!(receipt["status"], "rejected", "{receipt}");
        assert_eq!(receipt["reason"]["code"], *code, "{receipt}");
    }
    assert_eq!(receipts.last().unwrap()["status"], "stored");
    let rows = state.storage.submissions().await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].body, stored.body, "free text is stored exactly");
}

#[tokio::test]
async fn missing_and_unknown_tokens_are_401_with_a_bearer_challenge_on_sqlite() {
    missing_and_unknown_tokens_are_401_with_a_bearer_challenge(Backend::Sqlite).await;
}

#[tokio::test]
async fn missing_and_unknown_tokens_are_401_with_a_bearer_challenge_on_postgres() {
    if postgres_url().is_some() {
        missing_and_unknown_tokens_are_401_with_a_bearer_challenge(Backend::Postgres).await;
    }
}

async fn missing_and_unknown_tokens_are_401_with_a_bearer_challenge(backend: Backend) {
    let (app, _state, _tablet, _dir) = enrolled_on(backend).await;
    for auth in [
        None,
        Some("Bearer nope"),
        Some("Basic abc"),
        Some("Bearer "),
    ] {
        let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("authorization", *a)).collect();
        let reply = send(&app, Method::GET, "/v1/study", &headers, "").await;
        assert_error(&reply, StatusCode::UNAUTHORIZED, "unauthorized");
        assert_eq!(reply.headers["www-authenticate"], "Bearer");
    }
}

#[tokio::test]
async fn enrollment_refuses_a_bad_key_and_an_unknown_code_on_sqlite() {
    enrollment_refuses_a_bad_key_and_an_unknown_code(Backend::Sqlite).await;
}

#[tokio::test]
async fn enrollment_refuses_a_bad_key_and_an_unknown_code_on_postgres() {
    if postgres_url().is_some() {
        enrollment_refuses_a_bad_key_and_an_unknown_code(Backend::Postgres).await;
    }
}

async fn enrollment_refuses_a_bad_key_and_an_unknown_code(backend: Backend) {
    let (app, _state, tablet, _dir) = enrolled_on(backend).await;
    let reply = post_json(
        &app,
        "/v1/enroll",
        None,
        &json!({"code": "AAAA-BBBB", "public_key": "zz"}),
    )
    .await;
    assert_error(&reply, StatusCode::BAD_REQUEST, "invalid_public_key");
    let reply = post_json(
        &app,
        "/v1/enroll",
        None,
        &json!({"code": "AAAA-BBBB", "public_key": tablet.public_key()}),
    )
    .await;
    assert_error(&reply, StatusCode::FORBIDDEN, "invalid_enrollment_code");
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_in_the_error_shape() {
    let (app, _state, _tablet, _dir) = enrolled().await;
    assert_error(
        &send(&app, Method::GET, "/v2/nothing", &[], "").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &send(&app, Method::GET, "/v1/submissions", &[], "").await,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );
}

#[tokio::test]
async fn a_slow_sender_gets_a_408_request_timeout() {
    let (storage, _dir) = storage(Backend::Sqlite).await;
    let config = Config {
        request_timeout: Duration::from_millis(200),
        ..Config::default()
    };
    let app = mimik_server::router(AppState::new(storage, config).unwrap());
    // A body that never ends: the sender is held, nothing is ever sent.
    let (_sender, never) = http_body_util::channel::Channel::<axum::body::Bytes>::new(1);
    let reply = send(&app, Method::POST, "/v1/enroll", &[], HttpBody::new(never)).await;
    assert_error(&reply, StatusCode::REQUEST_TIMEOUT, "request_timeout");
}

#[tokio::test]
async fn no_side_effects_is_stored_as_an_answer_and_the_wide_export_says_so() {
    use mimik_domain::envelope::Kind;
    let (app, state, mut tablet, _dir) = enrolled().await;
    let registration = participant("NT-002", "2025-01-10", Some("2025-03-01"), 0);
    let none = body(Kind::NoSideEffects, "NT-002", Some("post_6m"), 1, json!({}));
    let with_text = edited(&none, |b| b["content"] = json!({"text": "hidden"}));
    let envelopes = [
        tablet.envelope(&registration),
        tablet.envelope(&none),
        tablet.envelope_json(&with_text),
    ];
    let reply = tablet.submit(&app, &envelopes).await.json();
    let statuses: Vec<&str> = reply["receipts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["stored", "stored", "rejected"], "{reply}");
    assert_eq!(reply["receipts"][2]["reason"]["code"], "invalid_content");
    let wide = mimik_server::export::export(
        state.storage.as_ref(),
        mimik_server::export::Format::CsvWide,
    )
    .await
    .unwrap();
    let wide = String::from_utf8(wide).unwrap();
    let header: Vec<&str> = wide.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = wide
        .lines()
        .find(|l| l.starts_with("NT-002,"))
        .unwrap()
        .split(',')
        .collect();
    let at = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(at("no_side_effects"), "yes");
    assert_eq!(at("side_effects"), "0");
}
