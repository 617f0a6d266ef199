//! Issue 14 point 1: every page route walked with every role, compared with one table of who may
//! do what; site scopes (another site's participant or device answers 404); disabled users.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode, header};
use common::*;
use mimik_server::roles::{Action, Role, may};

/// Who may open what, written out once more by hand. Columns: admin, coordinator, data-manager,
/// monitor, clinician, rater.
#[rustfmt::skip]
const TABLE: [(Action, [bool; 6]); 19] = [
    //                              admin  coord  data-m monitor clinic rater
    (Action::ViewStudies,          [true,  true,  true,  true,  true,  false]),
    (Action::ViewDevices,          [true,  true,  false, true,  false, false]),
    (Action::RevokeDevice,         [true,  true,  false, false, false, false]),
    (Action::ViewCompleteness,     [false, true,  true,  true,  false, false]),
    (Action::ViewParticipant,      [false, true,  true,  true,  true,  false]),
    (Action::ViewSideEffects,      [false, true,  true,  true,  true,  false]),
    (Action::ViewReview,           [false, false, true,  true,  false, false]),
    (Action::Export,               [false, false, true,  false, false, false]),
    (Action::ViewUsers,            [true,  false, false, false, false, false]),
    (Action::RatingQueue,          [false, false, false, false, false, true]),
    (Action::ViewAudit,            [false, false, true,  true,  false, false]),
    (Action::SetParticipantStatus, [false, true,  false, false, false, false]),
    (Action::ViewQueries,          [false, true,  true,  true,  false, false]),
    (Action::OpenQuery,            [false, false, true,  true,  false, false]),
    (Action::AnswerQuery,          [false, true,  false, false, false, false]),
    // Server commands run with `--as` (tests/cli.rs).
    (Action::ManageUsers,          [true,  false, false, false, false, false]),
    (Action::ManageSites,          [true,  false, false, false, false, false]),
    (Action::PublishStudy,         [true,  false, true,  false, false, false]),
    (Action::IssueEnrollmentCode,  [true,  true,  false, false, false, false]),
];

fn allowed(role: Role, action: Action) -> bool {
    let column = Role::ALL.iter().position(|r| *r == role).unwrap();
    TABLE.iter().find(|(a, _)| *a == action).unwrap().1[column]
}

#[test]
fn the_servers_table_of_grants_is_the_one_written_here() {
    for (action, _) in TABLE {
        for role in Role::ALL {
            assert_eq!(
                may(role, action),
                allowed(role, action),
                "{role} {action:?}"
            );
        }
    }
    assert_eq!(TABLE.len(), Action::ALL.len());
}

const KAROLINSKA_PARTICIPANT: &str = "/participants/NCT05191719/karolinska/NT-101";
const UPPSALA_PARTICIPANT: &str = "/participants/NCT05191719/uppsala/NT-201";

/// A server with a tablet at each of two sites, each with one participant and one side effect,
/// and one user of every role (the coordinator and the clinician work at karolinska).
async fn two_sites() -> (
    axum::Router,
    mimik_server::AppState,
    Tablet,
    Tablet,
    Vec<(Role, String)>,
    Option<tempfile::TempDir>,
) {
    let (storage, dir) = storage(Backend::Sqlite).await;
    let (app, state) = app(storage);
    let mut karolinska = Tablet::new(21);
    karolinska.enroll(&app, &state, "karolinska").await;
    let mut uppsala = Tablet::new(22);
    uppsala.enroll(&app, &state, "uppsala").await;
    for (tablet, pseudonym) in [(&mut karolinska, "NT-101"), (&mut uppsala, "NT-201")] {
        let envelopes = vec![
            tablet.envelope(&participant(pseudonym, "2025-01-10", Some("2025-03-01"), 0)),
            tablet.envelope(&side_effect(
                pseudonym,
                "post_6m",
                &format!("effect of {pseudonym}"),
                1,
            )),
        ];
        assert_eq!(tablet.submit(&app, &envelopes).await.status, StatusCode::OK);
    }
    let mut cookies = Vec::new();
    for role in Role::ALL {
        let sites: &[&str] = if role.works_at_sites() {
            &["karolinska"]
        } else {
            &[]
        };
        cookies.push((role, login_as(&app, &state, role, sites).await));
    }
    (app, state, karolinska, uppsala, cookies, dir)
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_table_says() {
    let (app, state, karolinska, _uppsala, cookies, _dir) = two_sites().await;
    let revoke = format!("/devices/{}/revoke", karolinska.device_id);
    let status = format!("{KAROLINSKA_PARTICIPANT}/status");
    // A query to answer, opened by a monitor.
    let monitor = mimik_server::roles::Staff {
        name: "query-opener".into(),
        role: Role::Monitor,
        sites: Default::default(),
    };
    let target = mimik_server::queries::Target {
        study: "NCT05191719",
        site: "karolinska",
        pseudonym: "NT-101",
        timepoint: None,
        submission_id: None,
    };
    let query = mimik_server::queries::open(state.storage.as_ref(), &monitor, &target, "why?", &[])
        .await
        .unwrap();
    let answer = format!("/queries/{}/answer", query.row.id);
    let routes: [(Method, &str, Action); 16] = [
        (Method::GET, "/studies", Action::ViewStudies),
        (Method::GET, "/devices", Action::ViewDevices),
        (Method::POST, &revoke, Action::RevokeDevice),
        (Method::GET, "/completeness", Action::ViewCompleteness),
        (Method::GET, KAROLINSKA_PARTICIPANT, Action::ViewParticipant),
        (Method::GET, "/side-effects", Action::ViewSideEffects),
        (Method::GET, "/review", Action::ViewReview),
        (Method::GET, "/exports", Action::Export),
        (Method::GET, "/exports/json", Action::Export),
        (Method::GET, "/users", Action::ViewUsers),
        (Method::GET, "/rating", Action::RatingQueue),
        (Method::GET, "/audit", Action::ViewAudit),
        (Method::POST, &status, Action::SetParticipantStatus),
        (Method::GET, "/queries", Action::ViewQueries),
        (Method::POST, "/queries", Action::OpenQuery),
        (Method::POST, &answer, Action::AnswerQuery),
    ];
    // Forms that an allowed role gets through: a status change that is allowed (screened →
    // eligible, today, with a reason), a query, an answer.
    let today = chrono::Utc::now().date_naive();
    let forms: std::collections::BTreeMap<&str, String> = [
        (
            status.as_str(),
            format!("status=eligible&date={today}&reason=walk"),
        ),
        (
            "/queries",
            "study=NCT05191719&site=karolinska&pseudonym=NT-101&text=walk".to_owned(),
        ),
        (answer.as_str(), "text=walk".to_owned()),
    ]
    .into();
    let mut walked = std::collections::BTreeSet::new();
    for (method, path, action) in &routes {
        walked.insert(*action);
        for (role, cookie) in &cookies {
            let form = forms.get(path).filter(|_| *method == Method::POST);
            let (headers, body) = match form {
                Some(form) => (
                    vec![
                        ("cookie", cookie.as_str()),
                        ("content-type", "application/x-www-form-urlencoded"),
                    ],
                    form.clone(),
                ),
                None => (vec![("cookie", cookie.as_str())], String::new()),
            };
            let reply = send(&app, method.clone(), path, &headers, body).await;
            let expected = match (allowed(*role, *action), method == Method::POST) {
                (true, true) => StatusCode::SEE_OTHER,
                (true, false) => StatusCode::OK,
                (false, _) => StatusCode::FORBIDDEN,
            };
            assert_eq!(reply.status, expected, "{role} {method} {path}");
            if expected == StatusCode::FORBIDDEN {
                assert!(
                    reply
                        .text()
                        .contains(&format!("not part of the {role} role"))
                );
            }
        }
    }
    let on_pages = Action::ALL.iter().filter(|a| a.on_pages()).count();
    assert_eq!(walked.len(), on_pages, "every page action has a route");
    // Each role lands on a page it may open, and its navigation offers only those.
    for (role, cookie) in &cookies {
        let home = send(&app, Method::GET, "/", &[("cookie", cookie)], "").await;
        assert_eq!(home.status, StatusCode::SEE_OTHER);
        let target = home.headers[header::LOCATION].to_str().unwrap().to_owned();
        let page = send(&app, Method::GET, &target, &[("cookie", cookie)], "").await;
        assert_eq!(page.status, StatusCode::OK, "{role} lands on {target}");
        let html = page.text();
        for (method, path, action) in &routes {
            if *method == Method::GET && path.matches('/').count() == 1 {
                let link = format!("href=\"{path}\"");
                assert_eq!(
                    html.contains(&link),
                    allowed(*role, *action),
                    "{role}: {link}"
                );
            }
        }
    }
}

#[tokio::test]
async fn a_coordinator_sees_only_their_sites_and_another_sites_participant_or_device_is_not_found()
{
    let (app, state, karolinska, uppsala, cookies, _dir) = two_sites().await;
    let cookie_of = |role: Role| cookies.iter().find(|(r, _)| *r == role).unwrap().1.clone();
    let coordinator = [("cookie", cookie_of(Role::Coordinator))];
    let coordinator: Vec<(&str, &str)> =
        coordinator.iter().map(|(k, v)| (*k, v.as_str())).collect();

    let matrix = send(&app, Method::GET, "/completeness", &coordinator, "")
        .await
        .text();
    assert!(
        matrix.contains("NT-101") && !matrix.contains("NT-201"),
        "{matrix}"
    );
    let devices = send(&app, Method::GET, "/devices", &coordinator, "")
        .await
        .text();
    assert!(devices.contains(&karolinska.device_id) && !devices.contains(&uppsala.device_id));
    let effects = send(&app, Method::GET, "/side-effects", &coordinator, "")
        .await
        .text();
    assert!(effects.contains("effect of NT-101") && !effects.contains("effect of NT-201"));

    // Another site's participant and an unknown one answer alike.
    for path in [
        UPPSALA_PARTICIPANT,
        "/participants/NCT05191719/karolinska/NT-999",
    ] {
        let reply = send(&app, Method::GET, path, &coordinator, "").await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
    }
    let revoke = format!("/devices/{}/revoke", uppsala.device_id);
    let reply = send(&app, Method::POST, &revoke, &coordinator, "").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(
        uppsala.submit(&app, &[]).await.status,
        StatusCode::OK,
        "not revoked"
    );

    // A clinician of karolinska sees its side effects only; a monitor sees both sites.
    let clinician = cookie_of(Role::Clinician);
    let effects = send(
        &app,
        Method::GET,
        "/side-effects",
        &[("cookie", &clinician)],
        "",
    )
    .await
    .text();
    assert!(effects.contains("effect of NT-101") && !effects.contains("effect of NT-201"));
    let reply = send(
        &app,
        Method::GET,
        UPPSALA_PARTICIPANT,
        &[("cookie", &clinician)],
        "",
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let monitor = cookie_of(Role::Monitor);
    let matrix = send(
        &app,
        Method::GET,
        "/completeness",
        &[("cookie", &monitor)],
        "",
    )
    .await
    .text();
    assert!(matrix.contains("NT-101") && matrix.contains("NT-201"));
    let reply = send(
        &app,
        Method::GET,
        UPPSALA_PARTICIPANT,
        &[("cookie", &monitor)],
        "",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    drop(state);
}

#[tokio::test]
async fn a_disabled_user_loses_their_session_and_cannot_log_in_again() {
    let (app, state, _karolinska, _uppsala, cookies, _dir) = two_sites().await;
    let monitor = cookies
        .iter()
        .find(|(r, _)| *r == Role::Monitor)
        .unwrap()
        .1
        .clone();
    let cookie = [("cookie", monitor.as_str())];
    assert_eq!(
        send(&app, Method::GET, "/review", &cookie, "").await.status,
        StatusCode::OK
    );

    mimik_server::users::disable(state.storage.as_ref(), "monitor", &tester())
        .await
        .unwrap();
    let reply = send(&app, Method::GET, "/review", &cookie, "").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.headers[header::LOCATION], "/login");
    let again = send(
        &app,
        Method::POST,
        "/login",
        &[("content-type", "application/x-www-form-urlencoded")],
        "name=monitor&password=a+long+password",
    )
    .await;
    assert_eq!(again.status, StatusCode::FORBIDDEN);
    assert!(!again.headers.contains_key(header::SET_COOKIE));
    assert!(again.text().contains("This account is disabled"));
    // A wrong password for a disabled user says no more than for anyone else.
    let wrong = send(
        &app,
        Method::POST,
        "/login",
        &[("content-type", "application/x-www-form-urlencoded")],
        "name=monitor&password=wrong",
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let users = mimik_server::users::list(state.storage.as_ref())
        .await
        .unwrap();
    assert!(users.iter().any(|u| u.name == "monitor" && u.disabled));
}
