//! Coordinator pages: login with a session cookie, every page behind it, user text escaped.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode, header};
use common::*;
use mimik_domain::Instrument;
use mimik_server::roles::Role;

async fn logged_in(
    role: Role,
) -> (
    axum::Router,
    mimik_server::AppState,
    String,
    Option<tempfile::TempDir>,
) {
    logged_in_on(Backend::Sqlite, role).await
}

async fn logged_in_on(
    backend: Backend,
    role: Role,
) -> (
    axum::Router,
    mimik_server::AppState,
    String,
    Option<tempfile::TempDir>,
) {
    let (storage, dir) = storage(backend).await;
    let (app, state) = app(storage);
    let session = login_as(&app, &state, role, &[]).await;
    (app, state, session, dir)
}

#[tokio::test]
async fn pages_redirect_to_login_without_a_session_and_a_wrong_password_is_refused_on_sqlite() {
    pages_redirect_to_login_without_a_session_and_a_wrong_password_is_refused(Backend::Sqlite)
        .await;
}

#[tokio::test]
async fn pages_redirect_to_login_without_a_session_and_a_wrong_password_is_refused_on_postgres() {
    if postgres_url().is_some() {
        pages_redirect_to_login_without_a_session_and_a_wrong_password_is_refused(
            Backend::Postgres,
        )
        .await;
    }
}

async fn pages_redirect_to_login_without_a_session_and_a_wrong_password_is_refused(
    backend: Backend,
) {
    let (storage, _dir) = storage(backend).await;
    add_user(storage.as_ref(), "coord", Role::Monitor, &[]).await;
    let (app, _state) = app(storage);
    for path in [
        "/devices",
        "/completeness",
        "/side-effects",
        "/review",
        "/exports",
        "/exports/json",
    ] {
        let reply = send(&app, Method::GET, path, &[], "").await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(reply.headers[header::LOCATION], "/login");
    }
    let bogus = send(
        &app,
        Method::GET,
        "/devices",
        &[("cookie", "mimik_session=forged")],
        "",
    )
    .await;
    assert_eq!(bogus.status, StatusCode::SEE_OTHER);
    for form in [
        "name=coord&password=wrong",
        "name=nobody&password=a+long+password",
    ] {
        let reply = send(
            &app,
            Method::POST,
            "/login",
            &[("content-type", "application/x-www-form-urlencoded")],
            form,
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert!(!reply.headers.contains_key(header::SET_COOKIE));
    }
}

#[tokio::test]
async fn repeated_failed_logins_lock_that_name_for_a_while_even_with_the_right_password_on_sqlite()
{
    repeated_failed_logins_lock_that_name_for_a_while_even_with_the_right_password(Backend::Sqlite)
        .await;
}

#[tokio::test]
async fn repeated_failed_logins_lock_that_name_for_a_while_even_with_the_right_password_on_postgres()
 {
    if postgres_url().is_some() {
        repeated_failed_logins_lock_that_name_for_a_while_even_with_the_right_password(
            Backend::Postgres,
        )
        .await;
    }
}

async fn repeated_failed_logins_lock_that_name_for_a_while_even_with_the_right_password(
    backend: Backend,
) {
    let (storage, _dir) = storage(backend).await;
    for name in ["coord", "other"] {
        add_user(storage.as_ref(), name, Role::Monitor, &[]).await;
    }
    let lockout = std::time::Duration::from_secs(3);
    let config = mimik_server::Config {
        login_attempts: 3,
        login_lockout: lockout,
        ..Default::default()
    };
    let app = mimik_server::router(mimik_server::AppState::new(storage, config).unwrap());
    let login = |form: &'static str| {
        let app = app.clone();
        async move {
            send(
                &app,
                Method::POST,
                "/login",
                &[("content-type", "application/x-www-form-urlencoded")],
                form,
            )
            .await
        }
    };
    let started = std::time::Instant::now();
    for _ in 0..3 {
        let reply = login("name=coord&password=wrong").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let locked = login("name=coord&password=a+long+password").await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!locked.headers.contains_key(header::SET_COOKIE));
    assert!(locked.headers.contains_key(header::RETRY_AFTER));
    assert!(
        locked.text().contains("Too many failed logins"),
        "{}",
        locked.text()
    );
    // Another coordinator is not affected.
    let other = login("name=other&password=a+long+password").await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);

    tokio::time::sleep(lockout.saturating_sub(started.elapsed()) + lockout / 10).await;
    let again = login("name=coord&password=a+long+password").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert!(again.headers.contains_key(header::SET_COOKIE));
}

/// An app whose names lock after one failure (so an address after ten), with user `coord`.
async fn strict_login_app() -> (axum::Router, Option<tempfile::TempDir>) {
    let (storage, dir) = storage(Backend::Sqlite).await;
    add_user(storage.as_ref(), "coord", Role::Monitor, &[]).await;
    let config = mimik_server::Config {
        login_attempts: 1,
        login_lockout: std::time::Duration::from_secs(600),
        ..Default::default()
    };
    let app = mimik_server::router(mimik_server::AppState::new(storage, config).unwrap());
    (app, dir)
}

const FORM: [(&str, &str); 1] = [("content-type", "application/x-www-form-urlencoded")];

#[tokio::test]
async fn one_client_address_guessing_many_names_is_locked_out_and_another_address_is_not() {
    let (app, _dir) = strict_login_app().await;
    let guesser = "192.0.2.7:40000";
    for i in 0..10 {
        let form = format!("name=guess-{i}&password=wrong");
        let reply = send_from(&app, guesser, Method::POST, "/login", &FORM, form).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "guess {i}");
    }
    let right = "name=coord&password=a+long+password";
    let locked = send_from(&app, guesser, Method::POST, "/login", &FORM, right).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!locked.headers.contains_key(header::SET_COOKIE));
    let elsewhere = send_from(
        &app,
        "192.0.2.8:40000",
        Method::POST,
        "/login",
        &FORM,
        right,
    )
    .await;
    assert_eq!(elsewhere.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_over_long_login_name_or_body_is_refused_before_anything_is_counted() {
    let (app, _dir) = strict_login_app().await;
    let client = "192.0.2.9:40000";
    let long_name = format!("name={}&password=wrong", "n".repeat(129));
    let huge = format!("name=coord&password={}", "p".repeat(5000));
    for _ in 0..20 {
        let reply = send_from(
            &app,
            client,
            Method::POST,
            "/login",
            &FORM,
            long_name.clone(),
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert!(reply.text().contains("too long"), "{}", reply.text());
        let reply = send_from(&app, client, Method::POST, "/login", &FORM, huge.clone()).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(
            reply.text().contains("<form"),
            "the login form again: {}",
            reply.text()
        );
    }
    // Forty refusals counted nothing: the address and the name still log in.
    let right = "name=coord&password=a+long+password";
    let reply = send_from(&app, client, Method::POST, "/login", &FORM, right).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
}

/// NT-007 of the site `<b>Site</b>`, as the completeness page links it.
const PARTICIPANT: &str = "/participants/NCT05191719/%3Cb%3ESite%3C%2Fb%3E/NT-007";

#[tokio::test]
async fn every_page_renders_and_free_text_is_html_escaped_on_sqlite() {
    every_page_renders_and_free_text_is_html_escaped(Backend::Sqlite).await;
}

#[tokio::test]
async fn every_page_renders_and_free_text_is_html_escaped_on_postgres() {
    if postgres_url().is_some() {
        every_page_renders_and_free_text_is_html_escaped(Backend::Postgres).await;
    }
}

async fn every_page_renders_and_free_text_is_html_escaped(backend: Backend) {
    let (app, state, session, _dir) = logged_in_on(backend, Role::Monitor).await;
    let data_manager = login_as(&app, &state, Role::DataManager, &[]).await;
    let admin = login_as(&app, &state, Role::Admin, &[]).await;
    let mut tablet = Tablet::new(5);
    // `site add` takes only URL-safe ids, but the sites migration keeps every site an older
    // server knew, whatever its spelling: such a site is stored directly here.
    state
        .storage
        .add_site(
            &mimik_server::storage::SiteRow {
                study: "NCT05191719".into(),
                site: "<b>Site</b>".into(),
                name: "<b>Site</b>".into(),
                created_at: mimik_server::now(),
            },
            &mimik_server::storage::NewAudit::new(&tester(), "site_added", None),
        )
        .await
        .unwrap();
    tablet.enroll(&app, &state, "<b>Site</b>").await;
    let envelopes = vec![
        tablet.envelope(&participant("NT-007", "2025-01-10", Some("2025-03-01"), 0)),
        tablet.envelope(&form("NT-007", "post_6m", Instrument::Face, 3, 1)),
        tablet.envelope(&side_effect(
            "NT-007",
            "post_6m",
            "<script>alert('x')</script> & ont",
            2,
        )),
    ];
    assert_eq!(tablet.submit(&app, &envelopes).await.status, StatusCode::OK);
    let cookie = [("cookie", session.as_str())];
    for path in [
        "/studies",
        "/devices",
        "/completeness",
        PARTICIPANT,
        "/side-effects",
        "/review",
    ] {
        let reply = send(&app, Method::GET, path, &cookie, "").await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        let html = reply.text();
        assert!(!html.contains("<script>"), "{path}");
        assert!(!html.contains("<b>Site"), "{path}");
    }
    let effects = send(&app, Method::GET, "/side-effects", &cookie, "")
        .await
        .text();
    assert!(
        effects.contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; ont"),
        "{effects}"
    );
    let devices = send(&app, Method::GET, "/devices", &cookie, "")
        .await
        .text();
    assert!(devices.contains("&lt;b&gt;Site&lt;/b&gt;"));
    let matrix = send(&app, Method::GET, "/completeness", &cookie, "")
        .await
        .text();
    assert!(matrix.contains("NT-007"));
    assert!(
        matrix.contains(&format!("href=\"{PARTICIPANT}\"")),
        "{matrix}"
    );
    let trajectory = send(&app, Method::GET, PARTICIPANT, &cookie, "")
        .await
        .text();
    assert!(trajectory.contains("Participant NT-007 (&lt;b&gt;Site&lt;/b&gt;, NCT05191719)"));
    assert!(trajectory.contains("<svg") && trajectory.contains("<circle"));
    // Each submission says which language it was answered in, and with which wording.
    let face_pack = reference_pack_sha256(Instrument::Face);
    let row = trajectory
        .split("<tr>")
        .find(|r| r.contains("<td>face</td>"))
        .unwrap_or_else(|| panic!("{trajectory}"));
    assert!(row.contains("<td>en</td>"), "{row}");
    assert!(row.contains(&format!("title=\"{face_pack}\"")), "{row}");
    assert!(row.contains("6 months after surgery"), "{row}");

    // The studies page: the protocol in force with its labels in both languages, the windows
    // the team chose marked, the versions and how many devices run each.
    let studies = send(&app, Method::GET, "/studies", &cookie, "")
        .await
        .text();
    assert!(
        studies.contains("Protocol version in force: <strong>1</strong>"),
        "{studies}"
    );
    assert!(
        studies.contains("Baseline (inclusion) / Baslinje (inklusion)"),
        "{studies}"
    );
    assert!(studies.contains("[decision]"), "{studies}");
    assert!(
        studies.contains("Contractures in the facial muscles / Kontrakturer i ansiktsmuskulaturen")
    );
    assert!(studies.contains("12 months"), "the Botox counting period");
    assert!(
        studies.contains("1 device(s) have not reported a version yet"),
        "{studies}"
    );
    // The same pseudonym at a site that never registered it, or one that is not a
    // participant at all, has no page.
    for path in [
        "/participants/NCT05191719/Lund/NT-007",
        "/participants/NCT05191719/%3Cb%3ESite%3C%2Fb%3E/%3Cscript%3E",
    ] {
        let reply = send(&app, Method::GET, path, &cookie, "").await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
    }

    // Downloads (a data manager's) are the CLI's bytes.
    let cookie = [("cookie", data_manager.as_str())];
    let reply = send(&app, Method::GET, "/exports", &cookie, "").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(!reply.text().contains("<script>"));
    let reply = send(&app, Method::GET, "/exports/csv-wide", &cookie, "").await;
    assert_eq!(reply.status, StatusCode::OK);
    let expected = mimik_server::export::export(
        state.storage.as_ref(),
        mimik_server::export::Format::CsvWide,
    )
    .await
    .unwrap();
    assert_eq!(reply.bytes, expected);

    // Revoke from the page (an admin), then log out.
    let cookie = [("cookie", admin.as_str())];
    let path = format!("/devices/{}/revoke", tablet.device_id);
    let reply = send(&app, Method::POST, &path, &cookie, "").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        tablet.submit(&app, &[]).await.json()["code"],
        "device_revoked"
    );
    let reply = send(&app, Method::POST, "/logout", &cookie, "").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        send(&app, Method::GET, "/devices", &cookie, "")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

/// Issue 13 item 9: `SameSite=Strict` let a page on another port of the same host revoke a
/// device with the coordinator's cookie; a POST from another origin is now refused and changes
/// nothing, while the server's own pages still work.
#[tokio::test]
async fn a_page_form_posted_from_another_origin_is_refused_and_revokes_nothing() {
    let (app, state, session, _dir) = logged_in(Role::Admin).await;
    let mut tablet = Tablet::new(9);
    tablet.enroll(&app, &state, "Site-A").await;
    let path = format!("/devices/{}/revoke", tablet.device_id);
    let host = ("host", "127.0.0.1:8080");
    let cookie = ("cookie", session.as_str());

    for forged in [
        vec![cookie, host, ("origin", "http://127.0.0.1:9999")],
        vec![cookie, host, ("origin", "null")],
        vec![cookie, host, ("sec-fetch-site", "same-site")],
    ] {
        let reply = send(&app, Method::POST, &path, &forged, "").await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{forged:?}");
        assert_eq!(reply.json()["code"], "cross_origin_request");
        assert_eq!(tablet.submit(&app, &[]).await.status, StatusCode::OK);
    }

    let own = [cookie, host, ("origin", "http://127.0.0.1:8080")];
    let reply = send(&app, Method::POST, &path, &own, "").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        tablet.submit(&app, &[]).await.json()["code"],
        "device_revoked"
    );
}

/// Issue 13 item 6: pages, exports, the stylesheet and the API all carry the security headers,
/// and the pages need no inline style.
#[tokio::test]
async fn every_answer_carries_the_security_headers_and_pages_use_only_the_served_stylesheet() {
    let (app, _state, session, _dir) = logged_in(Role::DataManager).await;
    let cookie = [("cookie", session.as_str())];
    for path in [
        "/studies",
        "/exports/json",
        "/style.css",
        "/login",
        "/v1/study",
        "/nowhere",
    ] {
        let reply = send(&app, Method::GET, path, &cookie, "").await;
        let header = |name: header::HeaderName| {
            reply
                .headers
                .get(&name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        assert_eq!(
            header(header::CONTENT_SECURITY_POLICY).as_deref(),
            Some(mimik_server::guard::CONTENT_SECURITY_POLICY),
            "{path}"
        );
        assert_eq!(
            header(header::X_CONTENT_TYPE_OPTIONS).as_deref(),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            header(header::REFERRER_POLICY).as_deref(),
            Some("no-referrer"),
            "{path}"
        );
        assert_eq!(
            header(header::CACHE_CONTROL).as_deref(),
            Some("no-store"),
            "{path}"
        );
    }
    let page = send(&app, Method::GET, "/studies", &cookie, "")
        .await
        .text();
    assert!(
        page.contains(r#"href="/style.css""#)
            && !page.contains("<style")
            && !page.contains("style=")
    );
    let css = send(&app, Method::GET, "/style.css", &[], "").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.text().contains(".series-0{"));
}

/// The cell of the `timepoint_index`-th time point in the row of `pseudonym` on the
/// completeness page.
fn cell(matrix: &str, pseudonym: &str, timepoint_index: usize) -> String {
    let row = matrix
        .split("<tr>")
        .find(|r| r.contains(&format!(">{pseudonym}</a>")))
        .unwrap_or_else(|| panic!("{matrix}"));
    // Site, participant, status, open queries, then one cell per time point.
    row.split("<td")
        .nth(5 + timepoint_index)
        .unwrap()
        .to_owned()
}

/// Issue 14 point 3: the page decides with the tablet's rule. Sunnybrook alone does not make a
/// time point done, a time point with nothing to collect on a tablet is never overdue, and a
/// closed window with forms missing is missed, not overdue forever.
#[tokio::test]
async fn completeness_cells_use_the_same_rule_as_the_tablet() {
    let (app, state, session, _dir) = logged_in(Role::Monitor).await;
    let mut tablet = Tablet::new(12);
    tablet.enroll(&app, &state, "Site-A").await;
    // Surgery six months ago today: post_6m's target is today.
    let today = chrono::Utc::now().date_naive();
    let surgery = today.checked_sub_months(chrono::Months::new(6)).unwrap();
    let inclusion = surgery.checked_sub_months(chrono::Months::new(3)).unwrap();
    let envelopes = vec![
        tablet.envelope(&participant(
            "NT-300",
            &inclusion.to_string(),
            Some(&surgery.to_string()),
            0,
        )),
        tablet.envelope(&form("NT-300", "post_6m", Instrument::Sunnybrook, 1, 1)),
    ];
    assert_eq!(tablet.submit(&app, &envelopes).await.status, StatusCode::OK);
    let cookie = [("cookie", session.as_str())];
    let matrix = send(&app, Method::GET, "/completeness", &cookie, "")
        .await
        .text();
    // baseline (0) closed long ago with nothing saved; pre_surgery (3); post_6m (4).
    let baseline = cell(&matrix, "NT-300", 0);
    assert!(
        baseline.starts_with(r#" class="missed">missed: closed"#),
        "{baseline}"
    );
    let pre_surgery = cell(&matrix, "NT-300", 3);
    assert!(pre_surgery.starts_with(r#" class="not_applicable">nothing to collect"#));
    let post_6m = cell(&matrix, "NT-300", 4);
    assert!(
        post_6m.starts_with(r#" class="due">due until"#),
        "{post_6m}"
    );
    assert!(post_6m.contains("(missing face, fdi, saq)"), "{post_6m}");

    let patient: Vec<_> = [Instrument::Face, Instrument::Fdi, Instrument::Saq]
        .into_iter()
        .zip(2..)
        .map(|(instrument, minute)| {
            tablet.envelope(&form("NT-300", "post_6m", instrument, 1, minute))
        })
        .collect();
    assert_eq!(tablet.submit(&app, &patient).await.status, StatusCode::OK);
    let matrix = send(&app, Method::GET, "/completeness", &cookie, "")
        .await
        .text();
    let post_6m = cell(&matrix, "NT-300", 4);
    assert!(post_6m.starts_with(r#" class="done">done"#), "{post_6m}");
}

/// Issue 14 point 8: long lists come a page at a time (`/side-effects` was 16.5 MB with 20,000
/// rows); the matrix filters by site, participant status and time point, and its links keep the
/// filters.
#[tokio::test]
async fn long_lists_come_a_page_at_a_time_and_the_matrix_filters_by_site_status_and_time_point() {
    let (app, state, session, _dir) = logged_in(Role::Monitor).await;
    let mut tablet = Tablet::new(13);
    tablet.enroll(&app, &state, "karolinska").await;
    let mut envelopes = Vec::new();
    for n in 0..120u32 {
        let pseudonym = format!("NT-{:03}", n + 100);
        envelopes.push(tablet.envelope(&participant(&pseudonym, "2025-01-10", None, n)));
    }
    for n in 0..105u32 {
        envelopes.push(tablet.envelope(&side_effect(
            "NT-100",
            "baseline",
            &format!("effect {n}"),
            200 + n,
        )));
    }
    assert_eq!(tablet.submit(&app, &envelopes).await.status, StatusCode::OK);
    let cookie = [("cookie", session.as_str())];
    let get = |path: &'static str| {
        let app = app.clone();
        async move { send(&app, Method::GET, path, &cookie, "").await.text() }
    };
    let rows = |html: &str| html.matches("<tr>").count() - 1;

    let first = get("/side-effects").await;
    assert!(
        first.contains("105 awaiting") && first.contains("page 1 of 2"),
        "{first}"
    );
    assert_eq!(rows(&first), 100);
    assert!(first.contains(r#"href="/side-effects?page=2""#));
    assert_eq!(rows(&get("/side-effects?page=2").await), 5);

    let matrix = get("/completeness").await;
    assert!(matrix.contains("120 rows; page 1 of 2"), "{matrix}");
    assert_eq!(matrix.matches("href=\"/participants/").count(), 100);
    assert_eq!(
        get("/completeness?site=uppsala")
            .await
            .matches("href=\"/participants/")
            .count(),
        0
    );
    mimik_server::participants::set_status(
        state.storage.as_ref(),
        &mimik_server::participants::Change {
            study: None,
            site: None,
            pseudonym: "NT-150",
            to: mimik_domain::study::status::ParticipantStatus::Withdrawn,
            date: chrono::Utc::now().date_naive(),
            reason: "test",
        },
        &tester(),
        |_| true,
    )
    .await
    .unwrap();
    let withdrawn = get("/completeness?status=withdrawn&site=karolinska").await;
    assert_eq!(withdrawn.matches("href=\"/participants/").count(), 1);
    assert!(withdrawn.contains(">NT-150</a>"), "{withdrawn}");
    let one_column = get("/completeness?timepoint=post_6m").await;
    assert!(
        one_column.contains(">6 months after surgery</th>"),
        "{one_column}"
    );
    assert!(!one_column.contains(">Baseline (inclusion)</th>"));
    assert!(one_column.contains(r#"href="/completeness?page=2&amp;timepoint=post_6m""#));
    assert!(
        one_column.contains("missed: the window closed"),
        "the legend"
    );
}

/// Issue 14 point 8: each of the review page's four lists is paged on its own.
#[tokio::test]
async fn the_review_pages_each_list_on_its_own() {
    let (app, state, session, _dir) = logged_in(Role::Monitor).await;
    let mut tablet = Tablet::new(14);
    tablet.enroll(&app, &state, "karolinska").await;
    let mut envelopes = vec![tablet.envelope(&participant("NT-100", "2025-01-10", None, 0))];
    for n in 0..105u32 {
        let mut effect = side_effect("NT-100", "baseline", &format!("effect {n}"), n + 1);
        effect.recorded_at =
            chrono::DateTime::from_timestamp(4_070_908_800 + i64::from(n), 0).unwrap();
        envelopes.push(tablet.envelope(&effect));
    }
    assert_eq!(tablet.submit(&app, &envelopes).await.status, StatusCode::OK);
    let cookie = [("cookie", session.as_str())];
    let page = send(&app, Method::GET, "/review", &cookie, "").await.text();
    let future = page.split("Dated in the future").nth(1).unwrap();
    assert_eq!(future.matches("<tr>").count() - 1, 100, "{future}");
    assert!(future.contains("105 rows; page 1 of 2"));
    let next = r#"href="/review?future=2&amp;conflicts=1&amp;duplicates=1&amp;untrusted=1""#;
    assert!(future.contains(next), "{future}");
    let second = send(&app, Method::GET, "/review?future=2", &cookie, "")
        .await
        .text();
    let future = second.split("Dated in the future").nth(1).unwrap();
    assert_eq!(future.matches("<tr>").count() - 1, 5);
}
