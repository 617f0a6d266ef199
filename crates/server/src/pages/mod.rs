//! Coordinator pages (DESIGN.md §6): server-rendered HTML, no JavaScript. maud escapes every
//! interpolated string, so pseudonyms and free text can never become markup.
//!
//! Login is a name and an Argon2id password; the session is a random id in an `HttpOnly`,
//! `SameSite=Strict` cookie (its SHA-256 is stored). Every page but the login page needs it;
//! state changes (revoke, logout) are POST forms, accepted only from the server's own origin
//! ([`crate::guard`]).
//! Repeated failed logins for a name, or from one client address, lock it for a while
//! ([`crate::throttle`]); `/login` reads at most 4 KiB and refuses over-long names before counting them.

mod audit;
mod auth;
mod completeness;
mod error;
mod matrix;
mod paging;
mod people;
mod queries;
mod status;
mod studies;
mod views;

pub use error::PageError;

pub use crate::throttle::LoginThrottle;

use crate::roles::{Action, Staff};
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{DOCTYPE, Markup, html};

/// The coordinator routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/",
            get(|staff: Staff| async move { Redirect::to(staff.role.home()) }),
        )
        .route("/style.css", get(stylesheet))
        .route(
            "/login",
            get(auth::login_page)
                .post(auth::login)
                .layer(DefaultBodyLimit::max(auth::LOGIN_BODY_BYTES)),
        )
        .route("/logout", post(auth::logout))
        .route("/studies", get(studies::studies))
        .route("/devices", get(views::devices))
        .route("/devices/{id}/revoke", post(views::revoke))
        .route("/completeness", get(matrix::matrix))
        .route(
            "/participants/{study}/{site}/{pseudonym}",
            get(completeness::participant),
        )
        .route(
            "/participants/{study}/{site}/{pseudonym}/status",
            post(status::change),
        )
        .route("/side-effects", get(views::side_effects))
        .route("/review", get(views::review))
        .route("/exports", get(views::exports))
        .route("/exports/{format}", get(views::download))
        .route("/users", get(people::users))
        .route("/rating", get(people::rating))
        .route("/audit", get(audit::audit))
        .route("/queries", get(queries::list).post(queries::open))
        .route("/queries/{id}/{step}", post(queries::step))
}

/// The navigation: each page, the action it needs, its label.
const NAV: [(&str, Action, &str); 10] = [
    ("/studies", Action::ViewStudies, "Studies"),
    ("/devices", Action::ViewDevices, "Devices"),
    ("/completeness", Action::ViewCompleteness, "Completeness"),
    ("/side-effects", Action::ViewSideEffects, "Side effects"),
    ("/review", Action::ViewReview, "Conflicts and duplicates"),
    ("/queries", Action::ViewQueries, "Queries"),
    ("/exports", Action::Export, "Exports"),
    ("/users", Action::ViewUsers, "Users"),
    ("/rating", Action::RatingQueue, "Rating queue"),
    ("/audit", Action::ViewAudit, "Audit trail"),
];

/// A page in the common frame; the navigation shows only the pages `staff`'s role may open.
fn page(title: &str, staff: Option<&Staff>, body: Markup) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Mimik" }
                link rel="stylesheet" href="/style.css";
            }
            body {
                @if let Some(staff) = staff {
                    nav {
                        @for (href, action, label) in NAV {
                            @if staff.allow(action).is_ok() {
                                a href=(href) { (label) } " · "
                            }
                        }
                        form method="post" action="/logout" class="inline" {
                            button type="submit" { "Log out " (staff.name) " (" (staff.role) ")" }
                        }
                    }
                }
                main { h1 { (title) } (body) }
            }
        }
    };
    Html(markup.into_string()).into_response()
}

/// A form that changed nothing: 422, `message` and a link back.
fn not_saved(staff: &Staff, title: &str, message: &str, back: &str, back_label: &str) -> Response {
    let mut response = page(
        title,
        Some(staff),
        html! {
            p role="alert" { (message) }
            p { a href=(back) { (back_label) } }
        },
    );
    *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    response
}

/// An error message (`the date … is in the future`) as a sentence: capitalised, full stop.
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>() + ".",
        None => String::new(),
    }
}

/// `GET /style.css`: the pages' one stylesheet (the Content-Security-Policy allows no inline
/// style).
async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response()
}

const STYLE: &str = "body{font-family:sans-serif;margin:1.5rem;color:#222}table{border-collapse:collapse}\
td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}.inline{display:inline}\
.done{background:#d8f0d8}.due{background:#fff3c4}.overdue,.missed{background:#f6d0d0}\
.not_applicable,.not_yet_due{color:#555}\
nav{margin-bottom:1rem}.series-0{color:#1f77b4}.series-1{color:#ff7f0e}.series-2{color:#2ca02c}\
.series-3{color:#d62728}.series-4{color:#9467bd}";
