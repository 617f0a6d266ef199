//! Issue 13 item 8, on both backends: what a signed envelope may claim about other rows and about
//! time. A correction supersedes only a submission of its own participant, kind, instrument and
//! site; a time later than the receipt is kept and flagged, and never wins the roster. Nothing
//! here is rejected: a rejected envelope would be lost to the study (NL-1).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use mimik_server::roles::Role;

use axum::http::{Method, StatusCode};
use common::*;
use mimik_domain::Instrument;
use mimik_server::export::{Format, Parsed, export, superseded};
use serde_json::{Value, json};

/// The JSON export's row for `id`.
fn exported(json: &Value, id: &str) -> Value {
    json["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["id"] == id)
        .unwrap_or_else(|| panic!("{id} is exported"))
        .clone()
}

async fn corrections_out_of_scope_supersede_nothing(backend: Backend) {
    let (storage, _dir) = storage(backend).await;
    let (app, state) = app(storage.clone());
    let mut home = Tablet::new(11);
    home.enroll(&app, &state, "Karolinska").await;
    let mut elsewhere = Tablet::new(12);
    elsewhere.enroll(&app, &state, "Uppsala").await;

    let saq = home.envelope(&form("NT-001", "post_12m", Instrument::Saq, 2, 1));
    let other = home.envelope(&form("NT-002", "post_12m", Instrument::Saq, 4, 1));
    assert_eq!(
        home.submit(&app, &[saq.clone(), other.clone()])
            .await
            .status,
        StatusCode::OK
    );
    // The attack of the review: a device of another site, and records of another kind, another
    // participant or another instrument, each naming the SAQ as corrected.
    let from_elsewhere = elsewhere.envelope(&correcting(
        form("NT-001", "post_12m", Instrument::Saq, 5, 2),
        &saq,
    ));
    let other_kind = home.envelope(&correcting(
        side_effect("NT-001", "post_12m", "stram", 3),
        &saq,
    ));
    let other_participant = home.envelope(&correcting(
        form("NT-002", "post_12m", Instrument::Saq, 5, 4),
        &saq,
    ));
    let other_instrument = home.envelope(&correcting(
        form("NT-001", "post_12m", Instrument::Face, 5, 5),
        &saq,
    ));
    let unknown = home.envelope(&correcting(
        form("NT-002", "post_12m", Instrument::Saq, 3, 6),
        &{
            let mut ghost = saq.clone();
            ghost.id = mimik_domain::envelope::SubmissionId::new(uuid::Uuid::now_v7()).unwrap();
            ghost
        },
    ));
    let reply = elsewhere
        .submit(&app, std::slice::from_ref(&from_elsewhere))
        .await;
    assert_eq!(
        reply.json()["receipts"][0]["status"],
        "stored",
        "kept, not rejected"
    );
    let sent = [
        other_kind.clone(),
        other_participant.clone(),
        other_instrument.clone(),
        unknown.clone(),
    ];
    let reply = home.submit(&app, &sent).await.json();
    for receipt in reply["receipts"].as_array().unwrap() {
        assert_eq!(receipt["status"], "stored", "{receipt}");
    }

    let all = Parsed::all(storage.submissions().await.unwrap()).unwrap();
    assert!(superseded(&all).is_empty(), "{:?}", superseded(&all));
    let json: Value =
        serde_json::from_slice(&export(storage.as_ref(), Format::Json).await.unwrap()).unwrap();
    for flagged in [
        &from_elsewhere,
        &other_kind,
        &other_participant,
        &other_instrument,
        &unknown,
    ] {
        assert_eq!(
            exported(&json, &flagged.id.to_string())["untrusted_correction"],
            true
        );
    }
    assert_eq!(
        exported(&json, &saq.id.to_string())["untrusted_correction"],
        false
    );
    // Nothing was emptied: the wide export keeps the SAQ of NT-001 at Karolinska and the other
    // site's, where the forged link would have left one. NT-001 at Uppsala is another
    // participant (issue 12), so it has a row of its own.
    let wide = String::from_utf8(export(storage.as_ref(), Format::CsvWide).await.unwrap()).unwrap();
    let header: Vec<&str> = wide.lines().next().unwrap().split(',').collect();
    let column = header.iter().position(|c| *c == "saq_submissions").unwrap();
    for site in ["Karolinska", "Uppsala"] {
        let row = wide
            .lines()
            .find(|l| l.starts_with(&format!("NT-001,{site},NCT05191719,post_12m,")))
            .unwrap();
        assert_eq!(row.split(',').nth(column), Some("1"), "{wide}");
    }

    // The one correction in scope does supersede.
    let fix = home.envelope(&correcting(
        form("NT-001", "post_12m", Instrument::Saq, 3, 7),
        &saq,
    ));
    assert_eq!(
        home.submit(&app, std::slice::from_ref(&fix)).await.status,
        StatusCode::OK
    );
    let all = Parsed::all(storage.submissions().await.unwrap()).unwrap();
    assert_eq!(
        superseded(&all).into_iter().collect::<Vec<_>>(),
        vec![saq.id.to_string()]
    );

    // The review page lists the links that count for nothing.
    let cookie = login_as(&app, &state, Role::Monitor, &[]).await;
    let page = send(&app, Method::GET, "/review", &[("cookie", &cookie)], "").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text().contains(&from_elsewhere.id.to_string()),
        "{}",
        page.text()
    );
    // Closed before the process can exit under it (see `Storage::close`: exit 139).
    storage.close().await;
}

#[tokio::test]
async fn a_correction_from_another_site_kind_participant_or_instrument_supersedes_nothing_on_sqlite()
 {
    corrections_out_of_scope_supersede_nothing(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_correction_from_another_site_kind_participant_or_instrument_supersedes_nothing_on_postgres()
 {
    if postgres_url().is_some() {
        corrections_out_of_scope_supersede_nothing(Backend::Postgres).await;
    }
}

async fn a_future_date_never_wins(backend: Backend) {
    let (storage, _dir) = storage(backend).await;
    let (app, state) = app(storage.clone());
    let mut tablet = Tablet::new(13);
    tablet.enroll(&app, &state, "Karolinska").await;
    let mut from_2099 = participant("NT-001", "2026-01-10", None, 0);
    from_2099.recorded_at = "2099-01-01T00:00:00Z".parse().unwrap();
    let from_2099 = tablet.envelope(&from_2099);
    let later_edit = tablet.envelope(&participant("NT-001", "2026-02-01", Some("2026-03-01"), 1));
    let reply = tablet
        .submit(&app, &[from_2099.clone(), later_edit.clone()])
        .await
        .json();
    assert_eq!(
        reply["receipts"][0]["status"], "stored",
        "kept, not rejected: {reply}"
    );

    let auth = format!("Bearer {}", tablet.token);
    let study = send(
        &app,
        Method::GET,
        "/v1/study",
        &[("authorization", &auth)],
        "",
    )
    .await;
    assert_eq!(
        study.json()["roster"],
        json!([{"pseudonym": "NT-001", "inclusion_date": "2026-02-01", "surgery_date": "2026-03-01", "botox_dates": []}])
    );
    let json: Value =
        serde_json::from_slice(&export(storage.as_ref(), Format::Json).await.unwrap()).unwrap();
    assert_eq!(
        exported(&json, &from_2099.id.to_string())["future_dated"],
        true
    );
    assert_eq!(
        exported(&json, &from_2099.id.to_string())["recorded_at"],
        "2099-01-01T00:00:00.000000Z"
    );
    assert_eq!(
        exported(&json, &later_edit.id.to_string())["future_dated"],
        false
    );
    let cookie = login_as(&app, &state, Role::Monitor, &[]).await;
    let page = send(&app, Method::GET, "/review", &[("cookie", &cookie)], "").await;
    assert!(
        page.text().contains(&from_2099.id.to_string()),
        "{}",
        page.text()
    );
    // Closed before the process can exit under it (see `Storage::close`: exit 139).
    storage.close().await;
}

#[tokio::test]
async fn a_registration_dated_2099_is_kept_flagged_and_never_wins_the_roster_on_sqlite() {
    a_future_date_never_wins(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_registration_dated_2099_is_kept_flagged_and_never_wins_the_roster_on_postgres() {
    if postgres_url().is_some() {
        a_future_date_never_wins(Backend::Postgres).await;
    }
}
