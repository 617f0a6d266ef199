//! Issue 14 point 2: participant status set by a coordinator on the pages or with
//! `participant status`, checked against the domain's table, audited, carried to the tablets
//! with the roster, and a participant who left has nothing due on the completeness page.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use mimik_server::roles::Role;
use serde_json::Value;

const FORM: [(&str, &str); 1] = [("content-type", "application/x-www-form-urlencoded")];

fn days_ago(days: u64) -> String {
    (chrono::Utc::now().date_naive() - chrono::Days::new(days)).to_string()
}

/// A server whose karolinska tablet registered NT-401 (included 100 days ago, surgery 10 days
/// ago) and a coordinator of karolinska logged in.
async fn registered() -> (
    axum::Router,
    mimik_server::AppState,
    Tablet,
    String,
    Option<tempfile::TempDir>,
) {
    let (storage, dir) = storage(Backend::Sqlite).await;
    let (app, state) = app(storage);
    let mut tablet = Tablet::new(51);
    tablet.enroll(&app, &state, "karolinska").await;
    let registration = participant("NT-401", &days_ago(100), Some(&days_ago(10)), 0);
    let envelope = tablet.envelope(&registration);
    assert_eq!(
        tablet.submit(&app, &[envelope]).await.status,
        StatusCode::OK
    );
    let cookie = login_as(&app, &state, Role::Coordinator, &["karolinska"]).await;
    (app, state, tablet, cookie, dir)
}

const PAGE: &str = "/participants/NCT05191719/karolinska/NT-401";

fn status_form(status: &str, date: &str, reason: &str) -> String {
    format!(
        "status={status}&date={date}&reason={}",
        reason.replace(' ', "+")
    )
}

#[tokio::test]
async fn a_coordinator_withdraws_a_participant_and_the_tablets_roster_and_the_matrix_follow() {
    let (app, state, tablet, cookie, _dir) = registered().await;
    let post = format!("{PAGE}/status");
    let headers = [("cookie", cookie.as_str()), FORM[0]];
    for (status, date) in [("eligible", days_ago(99)), ("included", days_ago(98))] {
        let reply = send(
            &app,
            Method::POST,
            &post,
            &headers,
            status_form(status, &date, "per protocol"),
        )
        .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    }
    let reply = send(
        &app,
        Method::POST,
        &post,
        &headers,
        status_form("withdrawn", &days_ago(5), "patient request"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());

    // The page shows the history; the matrix shows nothing due after the withdrawal.
    let page = send(&app, Method::GET, PAGE, &[("cookie", &cookie)], "")
        .await
        .text();
    assert!(
        page.contains("Withdrawn") && page.contains("patient request"),
        "{page}"
    );
    let matrix = send(
        &app,
        Method::GET,
        "/completeness",
        &[("cookie", &cookie)],
        "",
    )
    .await
    .text();
    assert!(matrix.contains("<td>Withdrawn</td>"), "{matrix}");
    let row = matrix
        .split("<tr>")
        .find(|r| r.contains(">NT-401</a>"))
        .and_then(|r| r.split("</tr>").next())
        .unwrap();
    assert!(
        !row.contains("class=\"due\"") && !row.contains("class=\"overdue\""),
        "{row}"
    );
    assert!(row.contains("class=\"not_applicable\""), "{row}");

    // The roster the tablet fetches carries the status.
    let auth = format!("Bearer {}", tablet.token);
    let study = send(
        &app,
        Method::GET,
        "/v1/study",
        &[("authorization", &auth)],
        "",
    )
    .await;
    let roster: Value = study.json()["roster"].clone();
    assert_eq!(roster[0]["status"]["status"], "withdrawn", "{roster}");
    assert_eq!(roster[0]["status"]["date"], days_ago(5));

    // The participants export says who left and when.
    let csv = mimik_server::export::export(
        state.storage.as_ref(),
        mimik_server::export::Format::Participants,
    )
    .await
    .unwrap();
    let text = String::from_utf8(csv).unwrap();
    assert_eq!(
        text,
        format!(
            "study,site,participant,inclusion_date,surgery_date,botox_dates,status,status_date,status_reason\n\
             NCT05191719,karolinska,NT-401,{},{},,withdrawn,{},patient request\n",
            days_ago(100),
            days_ago(10),
            days_ago(5)
        )
    );

    // Every change is audited with its reason, before and after.
    let audit = state.storage.audit_rows().await.unwrap();
    let changes: Vec<_> = audit
        .iter()
        .filter(|r| r.action == "participant_status_changed")
        .collect();
    assert_eq!(changes.len(), 3);
    let last = changes[2];
    assert_eq!(
        (last.actor.as_str(), last.role.as_str()),
        ("coordinator", "coordinator")
    );
    assert_eq!(last.reason.as_deref(), Some("patient request"));
    assert_eq!(
        last.before.as_deref(),
        Some(format!(r#"{{"date":"{}","status":"included"}}"#, days_ago(98)).as_str())
    );
}

#[tokio::test]
async fn a_status_change_that_is_not_allowed_is_refused_with_a_clear_error_and_changes_nothing() {
    let (app, state, _tablet, cookie, _dir) = registered().await;
    let post = format!("{PAGE}/status");
    let headers = [("cookie", cookie.as_str()), FORM[0]];
    let included = send(
        &app,
        Method::POST,
        &post,
        &headers,
        status_form("eligible", &days_ago(50), "met"),
    )
    .await;
    assert_eq!(included.status, StatusCode::SEE_OTHER);
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string();
    for (form, says) in [
        (
            status_form("screened", &days_ago(1), "oops"),
            "cannot become screened",
        ),
        (status_form("included", &tomorrow, "x"), "is in the future"),
        (
            status_form("included", &days_ago(200), "x"),
            "before the inclusion date",
        ),
        (
            status_form("included", &days_ago(60), "x"),
            "before the current status",
        ),
        (status_form("included", &days_ago(1), " "), "Give a reason"),
        (
            "status=dropped&date=2026-01-01&reason=x".to_owned(),
            "unknown status",
        ),
        (
            "status=included&date=yesterday&reason=x".to_owned(),
            "date like 2026-03-31",
        ),
    ] {
        let reply = send(&app, Method::POST, &post, &headers, form.clone()).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{form}");
        assert!(reply.text().contains(says), "{form}: {}", reply.text());
    }
    let changes = state.storage.statuses().await.unwrap();
    assert_eq!(changes.len(), 1, "only the first, allowed change");
}

#[tokio::test]
async fn only_a_coordinator_of_the_participants_site_may_set_a_status() {
    let (app, state, _tablet, _cookie, _dir) = registered().await;
    let post = format!("{PAGE}/status");
    let form = status_form("eligible", &days_ago(1), "met");
    let monitor = login_as(&app, &state, Role::Monitor, &[]).await;
    let reply = send(
        &app,
        Method::POST,
        &post,
        &[("cookie", &monitor), FORM[0]],
        form.clone(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    add_user(
        state.storage.as_ref(),
        "other-coordinator",
        Role::Coordinator,
        &["uppsala"],
    )
    .await;
    let other = log_in(&app, "other-coordinator").await;
    let reply = send(
        &app,
        Method::POST,
        &post,
        &[("cookie", &other), FORM[0]],
        form,
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(state.storage.statuses().await.unwrap().is_empty());
}

fn server(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_mimik-server"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("MIMIK_SERVER_DB")
        .output()
        .unwrap()
}

#[tokio::test]
async fn participant_status_on_the_command_line_needs_the_site_when_two_sites_have_the_pseudonym() {
    let dir = tempfile::tempdir().unwrap();
    let storage = mimik_server::open(dir.path(), None).await.unwrap();
    let (app, state) = app(std::sync::Arc::clone(&storage));
    for (seed, site) in [(61, "karolinska"), (62, "uppsala")] {
        let mut tablet = Tablet::new(seed);
        tablet.enroll(&app, &state, site).await;
        let envelope = tablet.envelope(&participant("NT-501", &days_ago(30), None, 0));
        assert_eq!(
            tablet.submit(&app, &[envelope]).await.status,
            StatusCode::OK
        );
    }
    let date = days_ago(2);
    let args = [
        "participant",
        "status",
        "NT-501",
        "eligible",
        "--date",
        &date,
        "--reason",
        "criteria met",
    ];
    let ambiguous = server(dir.path(), &args);
    assert_eq!(ambiguous.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&ambiguous.stderr);
    assert!(
        stderr.contains("exists at several sites: name one with --site"),
        "{stderr}"
    );

    let mut with_site = args.to_vec();
    with_site.extend(["--site", "uppsala"]);
    let done = server(dir.path(), &with_site);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let json: Value = serde_json::from_slice(&done.stdout).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"study": "NCT05191719", "site": "uppsala", "participant": "NT-501", "status": "eligible", "date": date})
    );
    for (args, says) in [
        (
            vec![
                "NT-501", "screened", "--date", &date, "--reason", "x", "--site", "uppsala",
            ],
            "cannot become screened",
        ),
        (
            vec!["NT-999", "eligible", "--date", &date, "--reason", "x"],
            "there is no participant",
        ),
    ] {
        let mut all = vec!["participant", "status"];
        all.extend(args.iter());
        let refused = server(dir.path(), &all);
        assert_eq!(refused.status.code(), Some(1), "{all:?}");
        assert!(
            String::from_utf8_lossy(&refused.stderr).contains(says),
            "{all:?}"
        );
    }
    let bad_status = server(
        dir.path(),
        &[
            "participant",
            "status",
            "NT-501",
            "gone",
            "--date",
            &date,
            "--reason",
            "x",
        ],
    );
    assert_eq!(bad_status.status.code(), Some(64));
    let changes = state.storage.statuses().await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(
        (changes[0].site.as_str(), changes[0].role.as_str()),
        ("uppsala", "admin")
    );
    storage.close().await;
}
