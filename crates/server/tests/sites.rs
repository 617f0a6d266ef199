//! Studies and sites through the API on both backends (issue 12): a participant is study × site ×
//! pseudonym, a tablet receives only its own site's roster, and a device cannot write about
//! another site's participant. Exports carry study and site on every row.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use mimik_domain::Instrument;
use mimik_domain::bundle::reference;
use mimik_server::export::{Format, export};
use serde_json::Value;

#[tokio::test]
async fn two_sites_never_see_or_overwrite_each_others_participants_on_sqlite() {
    two_sites(Backend::Sqlite).await;
}

#[tokio::test]
async fn two_sites_never_see_or_overwrite_each_others_participants_on_postgres() {
    if postgres_url().is_some() {
        two_sites(Backend::Postgres).await;
    }
}

/// `GET /v1/study` as `tablet`, with `extra` headers.
async fn study(app: &axum::Router, tablet: &Tablet, extra: &[(&str, &str)]) -> Value {
    let auth = format!("Bearer {}", tablet.token);
    let mut headers = vec![("authorization", auth.as_str())];
    headers.extend_from_slice(extra);
    let reply = send(app, Method::GET, "/v1/study", &headers, "").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()
}

async fn roster(app: &axum::Router, tablet: &Tablet) -> Vec<Value> {
    study(app, tablet, &[]).await["roster"]
        .as_array()
        .unwrap()
        .clone()
}

/// The study id of the signed bundle in a `GET /v1/study` answer, opened with the server's key.
fn bundle_study(state: &mimik_server::AppState, answer: &Value) -> String {
    let signed: mimik_domain::bundle::SignedBundle =
        serde_json::from_value(answer["bundle"].clone()).unwrap();
    signed
        .open(&state.bundles.public_key_hex())
        .unwrap()
        .bundle
        .study
}

fn statuses(reply: &Value) -> Vec<(String, String)> {
    reply["receipts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["status"].as_str().unwrap().to_owned(),
                r["reason"]["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn two_sites(backend: Backend) {
    let (storage, _dir) = storage(backend).await;
    let (app, state) = app(storage);
    let mut karolinska = Tablet::new(21);
    karolinska.enroll(&app, &state, "Karolinska").await;
    let mut lund = Tablet::new(22);
    lund.enroll(&app, &state, "Lund").await;

    // Both sites register NT-001 offline, with different dates; only Karolinska has NT-002.
    let at_karolinska = [
        karolinska.envelope(&participant("NT-001", "2026-01-10", None, 1)),
        karolinska.envelope(&participant("NT-002", "2026-01-11", None, 2)),
    ];
    let reply = karolinska.submit(&app, &at_karolinska).await.json();
    assert!(
        statuses(&reply).iter().all(|(s, _)| s == "stored"),
        "{reply}"
    );
    let at_lund = [lund.envelope(&participant("NT-001", "2026-03-01", None, 3))];
    let reply = lund.submit(&app, &at_lund).await.json();
    assert_eq!(statuses(&reply), [("stored".into(), String::new())]);

    let seen = roster(&app, &karolinska).await;
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[0]["pseudonym"], "NT-001");
    assert_eq!(seen[0]["inclusion_date"], "2026-01-10");
    let seen = roster(&app, &lund).await;
    assert_eq!(seen.len(), 1, "Lund never sees NT-002: {seen:?}");
    assert_eq!(seen[0]["inclusion_date"], "2026-03-01");

    // The regression: a later registration at Lund used to overwrite Karolinska's dates.
    let update = [lund.envelope(&participant("NT-001", "2026-04-01", Some("2026-05-01"), 59))];
    let reply = lund.submit(&app, &update).await.json();
    assert_eq!(statuses(&reply)[0].0, "stored");
    let seen = roster(&app, &karolinska).await;
    assert_eq!(seen[0]["inclusion_date"], "2026-01-10");
    assert_eq!(seen[0]["surgery_date"], Value::Null);
    assert_eq!(roster(&app, &lund).await[0]["surgery_date"], "2026-05-01");

    // Lund cannot write about Karolinska's NT-002; once it registers its own NT-002 (earlier in
    // the same batch counts), it can.
    let foreign = lund.envelope(&form("NT-002", "baseline", Instrument::Saq, 3, 10));
    let reply = lund
        .submit(&app, std::slice::from_ref(&foreign))
        .await
        .json();
    assert_eq!(
        statuses(&reply),
        [("rejected".into(), "participant_of_other_site".into())]
    );
    let stored = state.storage.submissions().await.unwrap();
    assert!(!stored.iter().any(|s| s.id == foreign.id.to_string()));
    let own = [
        lund.envelope(&participant("NT-002", "2026-06-01", None, 11)),
        lund.envelope(&form("NT-002", "baseline", Instrument::Saq, 3, 12)),
    ];
    let reply = lund.submit(&app, &own).await.json();
    assert!(
        statuses(&reply).iter().all(|(s, _)| s == "stored"),
        "{reply}"
    );
    let seen = roster(&app, &karolinska).await;
    assert_eq!(
        seen[1]["inclusion_date"], "2026-01-11",
        "Karolinska's NT-002 unchanged"
    );

    // A second study on the same server: its site of the same name is another site, its
    // tablets get its own bundle and see none of the first study's participants.
    let other_toml = reference::STUDY_FILE.replace("id = \"NCT05191719\"", "id = \"SYNTH-2\"");
    let packs: Vec<(String, String)> = reference::PACK_FILES
        .iter()
        .enumerate()
        .map(|(i, text)| (format!("pack-{i}.toml"), (*text).to_owned()))
        .collect();
    let published = state
        .bundles
        .publish(state.storage.as_ref(), &other_toml, &packs, &tester())
        .await
        .unwrap();
    assert_eq!(
        (published.study.as_str(), published.version),
        ("SYNTH-2", 1)
    );
    // Now there are two studies: a site must name its study.
    assert!(matches!(
        mimik_server::sites::add(state.storage.as_ref(), "Karolinska", None, None, &tester()).await,
        Err(mimik_server::sites::SiteError::StudyNeeded { .. })
    ));
    let site = mimik_server::sites::add(
        state.storage.as_ref(),
        "Karolinska",
        Some("SYNTH-2"),
        None,
        &tester(),
    )
    .await
    .unwrap();
    assert_eq!(site.study, "SYNTH-2");
    let code = mimik_server::api::enroll::issue_code(
        state.storage.as_ref(),
        Some("SYNTH-2"),
        "Karolinska",
        1,
        &tester(),
    )
    .await
    .unwrap();
    let mut other = Tablet::new(23);
    other.enroll_with(&app, &code).await;
    let body = study(&app, &other, &[]).await;
    assert_eq!(body["roster"], serde_json::json!([]));
    assert_eq!(bundle_study(&state, &body), "SYNTH-2");
    // The first study's tablets still get theirs. A tablet names the version in force on it,
    // and the devices page shows it.
    let body = study(&app, &karolinska, &[("mimik-bundle-version", "1")]).await;
    assert_eq!(bundle_study(&state, &body), "NCT05191719");
    let devices = state.storage.devices().await.unwrap();
    let reported: Vec<(&str, &str, Option<i64>)> = devices
        .iter()
        .map(|d| (d.study.as_str(), d.site.as_str(), d.bundle_version))
        .collect();
    assert!(
        reported.contains(&("NCT05191719", "Karolinska", Some(1))),
        "{reported:?}"
    );
    assert!(
        reported.contains(&("NCT05191719", "Lund", None)),
        "{reported:?}"
    );
    assert!(
        reported.contains(&("SYNTH-2", "Karolinska", None)),
        "{reported:?}"
    );

    // The same pseudonym at the same-named site of the other study is another participant,
    // and every export says which study a row belongs to.
    let synth = [
        other.envelope(&participant("NT-001", "2026-02-01", None, 1)),
        other.envelope(&form("NT-001", "baseline", Instrument::Saq, 2, 2)),
    ];
    let reply = other.submit(&app, &synth).await.json();
    assert!(
        statuses(&reply).iter().all(|(s, _)| s == "stored"),
        "{reply}"
    );
    let json = export(state.storage.as_ref(), Format::Json).await.unwrap();
    let json: Value = serde_json::from_slice(&json).unwrap();
    let studies: std::collections::BTreeSet<(&str, &str)> = json["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "questionnaire")
        .map(|r| (r["study"].as_str().unwrap(), r["site"].as_str().unwrap()))
        .collect();
    assert_eq!(
        studies,
        [("NCT05191719", "Lund"), ("SYNTH-2", "Karolinska")].into()
    );
    let wide = export(state.storage.as_ref(), Format::CsvWide)
        .await
        .unwrap();
    let wide = String::from_utf8(wide).unwrap();
    let rows: Vec<Vec<&str>> = wide
        .lines()
        .map(|l| l.split(',').take(4).collect())
        .collect();
    assert_eq!(rows[0], ["participant", "site", "study", "timepoint"]);
    assert!(
        rows.contains(&vec!["NT-001", "Karolinska", "SYNTH-2", "baseline"]),
        "{wide}"
    );
    assert!(
        rows.contains(&vec!["NT-002", "Lund", "NCT05191719", "baseline"]),
        "{wide}"
    );
    let long = export(state.storage.as_ref(), Format::CsvLong)
        .await
        .unwrap();
    let long = String::from_utf8(long).unwrap();
    let header: Vec<&str> = long.lines().next().unwrap().split(',').collect();
    let at = header.iter().position(|h| *h == "study").unwrap();
    assert!(
        long.lines()
            .skip(1)
            .any(|l| l.split(',').nth(at) == Some("SYNTH-2"))
    );
}
