//! Data queries on the pages: `GET /queries` (every query of the user's sites, unresolved first,
//! counted per site, a page of [`PAGE_ROWS`] at a time), `POST /queries` (open one, from a
//! participant's page) and `POST /queries/{id}/{answer|close|reopen}`.

use super::paging::{Paging, encode};
use super::{PageError, page};
use crate::queries::{Query, QueryError, QueryState, Step, Target};
use crate::roles::{Action, Staff};
use crate::state::AppState;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query as UrlQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Queries per page.
pub const PAGE_ROWS: usize = 50;

/// `?state=&page=`.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// `open`, `answered`, `closed`, or empty for all.
    state: Option<String>,
    /// 1-based.
    page: Option<usize>,
}

/// `GET /queries`.
pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    UrlQuery(query): UrlQuery<ListQuery>,
) -> Result<Response, PageError> {
    staff.allow(Action::ViewQueries)?;
    let mut all: Vec<Query> = crate::queries::all(state.storage.as_ref())
        .await?
        .into_iter()
        .filter(|q| staff.sees_site(&q.row.site))
        .collect();
    let mut per_site: BTreeMap<(String, String), usize> = BTreeMap::new();
    for q in all.iter().filter(|q| q.state().is_unresolved()) {
        *per_site
            .entry((q.row.study.clone(), q.row.site.clone()))
            .or_default() += 1;
    }
    let wanted = query.state.as_deref().filter(|s| !s.is_empty());
    all.retain(|q| wanted.is_none_or(|w| q.state().name() == w));
    // Unresolved first, newest first within each.
    all.sort_by(|a, b| {
        (a.state() == QueryState::Closed, &b.row.id)
            .cmp(&(b.state() == QueryState::Closed, &a.row.id))
    });
    let paging = Paging::new(query.page, all.len(), PAGE_ROWS);
    let params: Vec<String> = wanted
        .map(|w| format!("state={}", encode(w)))
        .into_iter()
        .collect();
    Ok(page(
        "Data queries",
        Some(&staff),
        html! {
            h2 { "Unresolved per site" }
            @if per_site.is_empty() { p { "None." } }
            @else {
                table {
                    tr { th { "Study" } th { "Site" } th { "Open or answered" } }
                    @for ((study, site), n) in &per_site { tr { td { (study) } td { (site) } td { (n) } } }
                }
            }
            form method="get" action="/queries" {
                label { "State "
                    select name="state" {
                        option value="" { "all" }
                        @for s in [QueryState::Open, QueryState::Answered, QueryState::Closed] {
                            option value=(s.name()) selected[wanted == Some(s.name())] { (s.name()) }
                        }
                    }
                }
                " " button type="submit" { "Show" }
            }
            (paging.nav("/queries", &params))
            @for q in paging.slice(&all) { (card(&staff, q)) }
        },
    ))
}

/// One query with its steps and the forms the user may use on it.
pub fn card(staff: &Staff, q: &Query) -> Markup {
    let url = super::completeness::participant_url(&q.row.study, &q.row.site, &q.row.pseudonym);
    let state = q.state();
    let mine = staff.name == q.row.opened_by;
    html! {
        section class="query" data-query=(q.row.id) data-state=(state.name()) {
            h3 {
                "Query on " a href=(url) { (q.row.pseudonym) } " (" (q.row.site) ")"
                @if let Some(tp) = &q.row.timepoint { ", time point " (tp) }
                @if let Some(id) = &q.row.submission_id { ", submission " code { (id) } }
                ": " strong { (state.name()) }
            }
            ol {
                @for e in &q.events {
                    li { (e.at) " — " (e.actor) " (" (e.role) ") " (e.action) ": " (e.text) }
                }
            }
            @if state == QueryState::Open && staff.allow(Action::AnswerQuery).is_ok() {
                (step_form(&q.row.id, "answer", "Answer", "Answer"))
            }
            @if mine && state.is_unresolved() { (step_form(&q.row.id, "close", "How it was resolved", "Close")) }
            @if mine && state == QueryState::Closed { (step_form(&q.row.id, "reopen", "Why it is re-opened", "Re-open")) }
        }
    }
}

fn step_form(id: &str, step: &str, label: &str, button: &str) -> Markup {
    html! {
        form method="post" action={ "/queries/" (id) "/" (step) } {
            label { (label) " " input name="text" required maxlength="2000"; }
            " " button type="submit" { (button) }
        }
    }
}

/// The form that opens a query on a participant (their page).
pub fn open_form(study: &str, site: &str, pseudonym: &str, timepoints: &[String]) -> Markup {
    html! {
        form method="post" action="/queries" {
            input type="hidden" name="study" value=(study);
            input type="hidden" name="site" value=(site);
            input type="hidden" name="pseudonym" value=(pseudonym);
            label { "Time point "
                select name="timepoint" {
                    option value="" { "(none)" }
                    @for tp in timepoints { option value=(tp) { (tp) } }
                }
            }
            " "
            label { "Submission id (optional) " input name="submission_id"; }
            " "
            label { "Query " input name="text" required maxlength="2000"; }
            " " button type="submit" { "Open query" }
        }
    }
}

/// `POST /queries`.
#[derive(Debug, Deserialize)]
pub struct OpenForm {
    study: String,
    site: String,
    pseudonym: String,
    #[serde(default)]
    timepoint: String,
    #[serde(default)]
    submission_id: String,
    text: String,
}

/// `POST /queries`: open a query, back to the participant's page.
pub async fn open(
    State(state): State<AppState>,
    staff: Staff,
    form: Result<Form<OpenForm>, FormRejection>,
) -> Result<Response, PageError> {
    staff.allow(Action::OpenQuery)?;
    let Ok(Form(form)) = form else {
        return Ok(super::not_saved(
            &staff,
            "Not saved",
            "Write the query.",
            "/queries",
            "Back",
        ));
    };
    let bundle = state
        .bundles
        .current(state.storage.as_ref(), &form.study)
        .await;
    let timepoints: Vec<String> = match &bundle {
        Ok(b) => b.study().timepoints.iter().map(|t| t.id.clone()).collect(),
        Err(_) => Vec::new(),
    };
    let optional = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_owned);
    let (timepoint, submission_id) = (optional(&form.timepoint), optional(&form.submission_id));
    let target = Target {
        study: &form.study,
        site: &form.site,
        pseudonym: &form.pseudonym,
        timepoint: timepoint.as_deref(),
        submission_id: submission_id.as_deref(),
    };
    let back = super::completeness::participant_url(&form.study, &form.site, &form.pseudonym);
    match crate::queries::open(
        state.storage.as_ref(),
        &staff,
        &target,
        &form.text,
        &timepoints,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&back).into_response()),
        Err(QueryError::Storage(e)) => Err(e.into()),
        Err(QueryError::UnknownTarget(_)) if !staff.sees_site(&form.site) => {
            Err(PageError::NotFound)
        }
        Err(e) => Ok(super::not_saved(
            &staff,
            "Not saved",
            &super::sentence(&e.to_string()),
            &back,
            "Back",
        )),
    }
}

/// `POST /queries/{id}/{answer|close|reopen}`.
#[derive(Debug, Deserialize)]
pub struct StepForm {
    text: String,
}

/// `POST /queries/{id}/{step}`.
pub async fn step(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, step)): Path<(String, String)>,
    form: Result<Form<StepForm>, FormRejection>,
) -> Result<Response, PageError> {
    staff.allow(Action::ViewQueries)?;
    let step = match step.as_str() {
        "answer" => Step::Answer,
        "close" => Step::Close,
        "reopen" => Step::Reopen,
        _ => return Err(PageError::NotFound),
    };
    let text = form.map(|Form(f)| f.text).unwrap_or_default();
    match crate::queries::step(state.storage.as_ref(), &staff, &id, step, &text).await {
        Ok(_) => Ok(Redirect::to("/queries").into_response()),
        Err(QueryError::NotFound) => Err(PageError::NotFound),
        Err(QueryError::Forbidden(role)) => Err(crate::roles::Forbidden { role }.into()),
        Err(QueryError::Storage(e)) => Err(e.into()),
        Err(e) => Ok(super::not_saved(
            &staff,
            "Not saved",
            &super::sentence(&e.to_string()),
            "/queries",
            "Back",
        )),
    }
}
