//! Issue 14 point 6: a monitor opens a data query on a participant × time point, a coordinator
//! of the site answers, the opener closes and re-opens it; unresolved queries show on the
//! participant's page, the completeness page and per site; every step is audited; a step that
//! does not fit is refused and changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use mimik_server::roles::Role;

const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");
const PAGE: &str = "/participants/NCT05191719/karolinska/NT-601";

/// A server with NT-601 registered at karolinska, a monitor, a data manager and a coordinator
/// of karolinska logged in (cookies in that order).
async fn server() -> (
    axum::Router,
    mimik_server::AppState,
    [String; 3],
    Option<tempfile::TempDir>,
) {
    let (storage, dir) = storage(Backend::Sqlite).await;
    let (app, state) = app(storage);
    let mut tablet = Tablet::new(71);
    tablet.enroll(&app, &state, "karolinska").await;
    let envelope = tablet.envelope(&participant("NT-601", "2025-01-10", None, 0));
    assert_eq!(
        tablet.submit(&app, &[envelope]).await.status,
        StatusCode::OK
    );
    let monitor = login_as(&app, &state, Role::Monitor, &[]).await;
    let data_manager = login_as(&app, &state, Role::DataManager, &[]).await;
    let coordinator = login_as(&app, &state, Role::Coordinator, &["karolinska"]).await;
    (app, state, [monitor, data_manager, coordinator], dir)
}

async fn post(app: &axum::Router, cookie: &str, path: &str, form: &str) -> Reply {
    send(
        app,
        Method::POST,
        path,
        &[("cookie", cookie), FORM],
        form.to_owned(),
    )
    .await
}

fn open_form(text: &str) -> String {
    format!(
        "study=NCT05191719&site=karolinska&pseudonym=NT-601&timepoint=baseline&submission_id=&text={}",
        text.replace(' ', "+")
    )
}

#[tokio::test]
async fn a_query_is_opened_answered_closed_and_reopened_and_every_step_is_audited() {
    let (app, state, [monitor, _data_manager, coordinator], _dir) = server().await;
    let opened = post(
        &app,
        &monitor,
        "/queries",
        &open_form("Sunnybrook missing at baseline"),
    )
    .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text());
    let queries = mimik_server::queries::all(state.storage.as_ref())
        .await
        .unwrap();
    assert_eq!(queries.len(), 1);
    let id = queries[0].row.id.clone();

    // It shows on the participant's page, on the matrix and per site.
    let page = send(&app, Method::GET, PAGE, &[("cookie", &coordinator)], "")
        .await
        .text();
    assert!(page.contains("Sunnybrook missing at baseline"), "{page}");
    let matrix = send(
        &app,
        Method::GET,
        "/completeness",
        &[("cookie", &coordinator)],
        "",
    )
    .await
    .text();
    let row = matrix
        .split("<tr>")
        .find(|r| r.contains(">NT-601</a>"))
        .unwrap();
    assert!(row.contains("data-open-queries=\"1\""), "{row}");
    let list = send(
        &app,
        Method::GET,
        "/queries",
        &[("cookie", &coordinator)],
        "",
    )
    .await
    .text();
    assert!(list.contains("<td>karolinska</td><td>1</td>"), "{list}");

    let answer = format!("/queries/{id}/answer");
    let reply = post(
        &app,
        &coordinator,
        &answer,
        "text=Graded+on+paper,+entered+now",
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let close = format!("/queries/{id}/close");
    // Only the opener closes it.
    let refused = post(&app, &coordinator, &close, "text=done").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .contains("Only monitor who opened this query"),
        "{}",
        refused.text()
    );
    assert_eq!(
        post(&app, &monitor, &close, "text=checked").await.status,
        StatusCode::SEE_OTHER
    );
    // An answer on a closed query is refused and changes nothing.
    let late = post(&app, &coordinator, &answer, "text=more").await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        late.text()
            .contains("This query is closed: it cannot be answered now")
    );
    let reopen = format!("/queries/{id}/reopen");
    assert_eq!(
        post(&app, &monitor, &reopen, "text=value+still+odd")
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    let query = &mimik_server::queries::all(state.storage.as_ref())
        .await
        .unwrap()[0];
    let steps: Vec<(&str, &str)> = query
        .events
        .iter()
        .map(|e| (e.action.as_str(), e.actor.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            ("open", "monitor"),
            ("answer", "coordinator"),
            ("close", "monitor"),
            ("reopen", "monitor")
        ]
    );
    assert_eq!(query.state(), mimik_server::queries::QueryState::Open);
    let audited: Vec<String> = state
        .storage
        .audit_rows()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.action.starts_with("query_"))
        .map(|r| r.action)
        .collect();
    assert_eq!(
        audited,
        [
            "query_opened",
            "query_answer",
            "query_close",
            "query_reopen"
        ]
    );

    // Exported: one row per query with its state and latest step.
    let csv = mimik_server::export::export(
        state.storage.as_ref(),
        mimik_server::export::Format::Queries,
    )
    .await
    .unwrap();
    let text = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "query_id,study,site,participant,timepoint,submission_id,state,opened_by,opened_role,\
         opened_at,text,steps,last_step_at,last_step_text"
    );
    assert_eq!(lines.len(), 2);
    let row = lines[1];
    let prefix = format!("{id},NCT05191719,karolinska,NT-601,baseline,,open,monitor,monitor,");
    assert!(row.starts_with(&prefix), "{row}");
    assert!(row.contains(",Sunnybrook missing at baseline,4,"), "{row}");
    assert!(row.ends_with(",value still odd"), "{row}");
}

#[tokio::test]
async fn who_may_open_and_answer_queries_and_what_bad_input_gets() {
    let (app, state, [monitor, data_manager, coordinator], _dir) = server().await;
    // A coordinator cannot open one; a data manager can.
    let reply = post(&app, &coordinator, "/queries", &open_form("x")).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(
        post(&app, &data_manager, "/queries", &open_form("check date"))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    for (form, says) in [
        (open_form(" "), "Write the query or answer"),
        (
            open_form("x").replace("timepoint=baseline", "timepoint=week_99"),
            "There is no time point",
        ),
        (
            open_form("x").replace("submission_id=", "submission_id=0190-nope"),
            "The participant has no such submission",
        ),
        (
            open_form("x").replace("NT-601", "NT-999"),
            "There is no such participant",
        ),
    ] {
        let reply = post(&app, &monitor, "/queries", &form).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{form}");
        assert!(reply.text().contains(says), "{form}: {}", reply.text());
    }
    let id = mimik_server::queries::all(state.storage.as_ref())
        .await
        .unwrap()[0]
        .row
        .id
        .clone();
    // A monitor cannot answer; a coordinator of another site does not see it.
    let answer = format!("/queries/{id}/answer");
    assert_eq!(
        post(&app, &monitor, &answer, "text=x").await.status,
        StatusCode::FORBIDDEN
    );
    add_user(
        state.storage.as_ref(),
        "elsewhere",
        Role::Coordinator,
        &["uppsala"],
    )
    .await;
    let elsewhere = log_in(&app, "elsewhere").await;
    assert_eq!(
        post(&app, &elsewhere, &answer, "text=x").await.status,
        StatusCode::NOT_FOUND
    );
    let list = send(&app, Method::GET, "/queries", &[("cookie", &elsewhere)], "")
        .await
        .text();
    assert!(!list.contains("check date"));
    // Still one open query with only its opening step.
    let all = mimik_server::queries::all(state.storage.as_ref())
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].events.len(), 1);
}
