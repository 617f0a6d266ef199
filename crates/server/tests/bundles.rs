//! Study bundles through the API on both backends (issue 12): the reference bundle is version 1,
//! a publish is the next version and changes the ETag, the bundle on `GET /v1/study` opens with
//! the key the enrollment answer gave, and two publishers at once never share a version.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use mimik_domain::bundle::SignedBundle;
use mimik_server::bundles::PublishError;

const STUDY: &str = include_str!("../../../studies/nct05191719.toml");
const SWEDISH_TEST_FACE: &str = include_str!("../../../tests/fixtures/packs/face-sv-test.toml");

fn swedish() -> Vec<(String, String)> {
    vec![("face-sv-test.toml".into(), SWEDISH_TEST_FACE.into())]
}

#[tokio::test]
async fn a_published_bundle_reaches_the_tablet_signed_with_the_pinned_key_on_sqlite() {
    a_published_bundle_reaches_the_tablet_signed_with_the_pinned_key(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_published_bundle_reaches_the_tablet_signed_with_the_pinned_key_on_postgres() {
    if postgres_url().is_some() {
        a_published_bundle_reaches_the_tablet_signed_with_the_pinned_key(Backend::Postgres).await;
    }
}

async fn a_published_bundle_reaches_the_tablet_signed_with_the_pinned_key(backend: Backend) {
    let (storage, _dir) = storage(backend).await;
    let (app, state) = app(storage);
    let code = common::code_for(state.storage.as_ref(), "Karolinska").await;
    let tablet = Tablet::new(4);
    let answer = post_json(
        &app,
        "/v1/enroll",
        None,
        &serde_json::json!({"code": code, "public_key": tablet.public_key()}),
    )
    .await
    .json();
    let pinned = answer["bundle_public_key"].as_str().unwrap().to_owned();
    let auth = format!("Bearer {}", answer["token"].as_str().unwrap());

    let get = |etag: Option<String>| {
        let app = app.clone();
        let auth = auth.clone();
        async move {
            let mut headers = vec![("authorization", auth.as_str())];
            if let Some(tag) = &etag {
                headers.push(("if-none-match", tag.as_str()));
            }
            send(&app, Method::GET, "/v1/study", &headers, "").await
        }
    };
    let first = get(None).await;
    assert_eq!(first.status, StatusCode::OK);
    let tag = first.headers["etag"].to_str().unwrap().to_owned();
    let signed: SignedBundle = serde_json::from_value(first.json()["bundle"].clone()).unwrap();
    let reference = signed.open(&pinned).unwrap();
    assert_eq!(reference.bundle.version, 1);
    // The very bundle the tablet embeds: same files, same hash.
    assert_eq!(
        reference.sha256,
        mimik_domain::bundle::reference::bundle().unwrap().sha256
    );
    assert_eq!(
        get(Some(tag.clone())).await.status,
        StatusCode::NOT_MODIFIED
    );

    let published = state
        .bundles
        .publish(state.storage.as_ref(), STUDY, &swedish(), &tester())
        .await
        .unwrap();
    assert_eq!(published.version, 2);
    let second = get(Some(tag.clone())).await;
    assert_eq!(second.status, StatusCode::OK, "a publish changes the ETag");
    let body = second.json();
    let signed: SignedBundle = serde_json::from_value(body["bundle"].clone()).unwrap();
    let opened = signed.open(&pinned).unwrap();
    assert_eq!(opened.bundle.version, 2);
    assert_eq!(opened.sha256, published.sha256);
    assert!(opened.packs.iter().any(|p| p.language == "sv"));
    // Tablets older than bundles still read the packs beside it.
    assert_eq!(body["content_packs"].as_array().unwrap().len(), 5);
    state.storage.close().await;
}

#[tokio::test]
async fn two_publishers_at_once_get_two_versions_on_sqlite() {
    two_publishers_at_once_get_two_versions(Backend::Sqlite).await;
}

#[tokio::test]
async fn two_publishers_at_once_get_two_versions_on_postgres() {
    if postgres_url().is_some() {
        two_publishers_at_once_get_two_versions(Backend::Postgres).await;
    }
}

async fn two_publishers_at_once_get_two_versions(backend: Backend) {
    let (storage, _dir) = storage(backend).await;
    let (_app, state) = app(storage);
    let publish = || {
        let state = state.clone();
        tokio::spawn(async move {
            state
                .bundles
                .publish(state.storage.as_ref(), STUDY, &swedish(), &tester())
                .await
                .unwrap()
                .version
        })
    };
    let (a, b) = (publish(), publish());
    let mut versions = [a.await.unwrap(), b.await.unwrap()];
    versions.sort_unstable();
    assert_eq!(versions, [2, 3]);
    let rows = state.storage.bundles().await.unwrap();
    assert_eq!(
        rows.iter().map(|r| r.version).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(state.storage.latest_bundles().await.unwrap()[0].version, 3);
    state.storage.close().await;
}

// NL-10: only what the study's server signed, whole, is adopted.
#[tokio::test]
async fn a_bundle_that_does_not_check_is_refused_whole_and_the_current_one_stays() {
    let (storage, _dir) = storage(Backend::Sqlite).await;
    let (_app, state) = app(storage);
    let before = state
        .bundles
        .current(state.storage.as_ref(), "NCT05191719")
        .await
        .unwrap();
    let bad = SWEDISH_TEST_FACE.replacen("id = \"q1\"", "id = \"q0\"", 1);
    let error = state
        .bundles
        .publish(
            state.storage.as_ref(),
            STUDY,
            &[
                ("ok.toml".into(), SWEDISH_TEST_FACE.into()),
                ("bad.toml".into(), bad),
            ],
            &tester(),
        )
        .await
        .unwrap_err();
    let PublishError::Invalid(issues) = error else {
        panic!("{error:?}")
    };
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].file, "bad.toml");
    let other_study = STUDY.replacen("id = \"NCT05191719\"", "id = \"NCT99999999\"", 1);
    let published = state
        .bundles
        .publish(state.storage.as_ref(), &other_study, &[], &tester())
        .await;
    // A second study's first version holds no packs, so its protocol's instruments are missing.
    assert!(
        matches!(published, Err(PublishError::Invalid(_))),
        "{published:?}"
    );
    let after = state
        .bundles
        .current(state.storage.as_ref(), "NCT05191719")
        .await
        .unwrap();
    assert_eq!(after.row, before.row);
    assert_eq!(state.storage.bundles().await.unwrap().len(), 1);
    state.storage.close().await;
}

// NL-10: a submission names a published bundle version and a pack that version holds.
#[tokio::test]
async fn a_submission_must_name_a_published_version_holding_the_pack_it_was_shown() {
    let (storage, _dir) = storage(Backend::Sqlite).await;
    let (app, state) = app(storage);
    let mut tablet = Tablet::new(5);
    tablet.enroll(&app, &state, "Karolinska").await;
    let published = state
        .bundles
        .publish(state.storage.as_ref(), STUDY, &swedish(), &tester())
        .await
        .unwrap();
    assert_eq!(published.version, 2);
    let swedish_sha = mimik_domain::canonical::sha256_hex(SWEDISH_TEST_FACE.as_bytes());
    let shown = |language: &str, sha: &str, version: Option<u64>| {
        let mut body = form("NT-001", "post_6m", mimik_domain::Instrument::Face, 3, 1);
        form_mut(&mut body).language = language.into();
        form_mut(&mut body).content_pack_sha256 = sha.into();
        body.protocol_version = version;
        if version.is_none() {
            body.v = 1;
        }
        body
    };
    let english = reference_pack_sha256(mimik_domain::Instrument::Face);
    let bodies = [
        participant("NT-001", "2025-06-01", None, 0),
        // Shown the Swedish pack of version 2: stored.
        shown("sv", &swedish_sha, Some(2)),
        // The English pack is in both versions.
        shown("en", &english, Some(1)),
        // Version 1 had no Swedish pack.
        shown("sv", &swedish_sha, Some(1)),
        // A version never published.
        shown("en", &english, Some(9)),
        // A pack filed under another language.
        shown("sv", &english, Some(2)),
        // Queued before bundles (body version 1): taken as sent.
        shown("en", &english, None),
    ];
    let envelopes: Vec<_> = bodies.iter().map(|b| tablet.envelope(b)).collect();
    let reply = tablet.submit(&app, &envelopes).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let receipts = reply.json()["receipts"].as_array().unwrap().clone();
    let outcome = |i: usize| {
        let r = &receipts[i];
        match r["status"].as_str().unwrap() {
            "rejected" => r["reason"]["code"].as_str().unwrap().to_owned(),
            status => status.to_owned(),
        }
    };
    let outcomes: Vec<String> = (0..receipts.len()).map(outcome).collect();
    assert_eq!(
        outcomes,
        [
            "stored",
            "stored",
            "stored",
            "unknown_content_pack",
            "unknown_protocol_version",
            "unknown_content_pack",
            "stored"
        ]
    );
    state.storage.close().await;
}
