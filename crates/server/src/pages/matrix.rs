//! `GET /completeness?site=&status=&timepoint=&page=`: participants × time points, by the
//! tablet's rule ([`super::completeness`]), with a legend, filters (site, participant status,
//! one time point) and [`PAGE_ROWS`] participants a page.

use super::completeness::{participant_url, statuses};
use super::paging::{Paging, encode};
use super::{PageError, page};
use crate::export::{Parsed, superseded};
use crate::roles::{Action, Staff};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;
use mimik_domain::protocol::RosterEntry;
use mimik_domain::study::status::{ParticipantStatus, participation};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// Participants a page.
pub const PAGE_ROWS: usize = 100;

/// The filters and the page.
#[derive(Debug, Default, Deserialize)]
pub struct MatrixQuery {
    /// Only this site.
    site: Option<String>,
    /// Only participants of this status.
    status: Option<String>,
    /// Only this time point's column.
    timepoint: Option<String>,
    /// 1-based.
    page: Option<usize>,
}

/// The legend: class, meaning.
const LEGEND: [(&str, &str); 6] = [
    ("not_yet_due", "not yet due: the window has not opened"),
    ("due", "due: the window is open, the target date not passed"),
    (
        "overdue",
        "overdue: past the target date, the window still open",
    ),
    (
        "missed",
        "missed: the window closed with forms missing (a deviation)",
    ),
    ("done", "done: every form saved"),
    (
        "not_applicable",
        "nothing to collect here, or the participant left the study",
    ),
];

/// `GET /completeness`.
pub async fn matrix(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<MatrixQuery>,
) -> Result<Response, PageError> {
    staff.allow(Action::ViewCompleteness)?;
    let storage = state.storage.as_ref();
    let rosters = crate::roster::by_site(&storage.submissions_of_kind("participant").await?)?;
    let all = Parsed::all(storage.submissions().await?)?;
    let standing = crate::participants::current(storage).await?;
    let mut unresolved: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for q in crate::queries::all(storage).await? {
        if q.state().is_unresolved() {
            *unresolved
                .entry((q.row.study, q.row.site, q.row.pseudonym))
                .or_default() += 1;
        }
    }
    let gone = superseded(&all);
    let current: Vec<&Parsed> = all.iter().filter(|p| !gone.contains(&p.row.id)).collect();
    let wanted = |v: &Option<String>| v.as_deref().filter(|s| !s.is_empty()).map(str::to_owned);
    let (site_filter, status_filter, tp_filter) = (
        wanted(&query.site),
        wanted(&query.status),
        wanted(&query.timepoint),
    );
    let sites: BTreeSet<&String> = rosters
        .keys()
        .map(|(_, site)| site)
        .filter(|s| staff.sees_site(s))
        .collect();
    let status_of = |study: &str, site: &str, e: &RosterEntry| {
        standing
            .get(&(study.to_owned(), site.to_owned(), e.pseudonym.clone()))
            .copied()
    };
    let rows: Vec<(&String, &String, &RosterEntry)> = rosters
        .iter()
        .filter(|((_, site), _)| staff.sees_site(site))
        .filter(|((_, site), _)| site_filter.as_ref().is_none_or(|f| f == site))
        .flat_map(|((study, site), roster)| roster.iter().map(move |e| (study, site, e)))
        .filter(|(study, site, e)| {
            let now = status_of(study, site, e).map_or(ParticipantStatus::Screened, |s| s.status);
            status_filter.as_deref().is_none_or(|f| f == now.name())
        })
        .collect();
    let paging = Paging::new(query.page, rows.len(), PAGE_ROWS);
    let shown = paging.slice(&rows);
    let mut params = Vec::new();
    for (key, value) in [
        ("site", &site_filter),
        ("status", &status_filter),
        ("timepoint", &tp_filter),
    ] {
        if let Some(value) = value {
            params.push(format!("{key}={}", encode(value)));
        }
    }
    let mut tables = Vec::new();
    let mut timepoint_ids = BTreeSet::new();
    for id in crate::sites::studies(storage).await? {
        let bundle = state.bundles.current(storage, &id).await?;
        let study = bundle.study();
        timepoint_ids.extend(study.timepoints.iter().map(|t| t.id.clone()));
        let here: Vec<_> = shown.iter().filter(|(s, _, _)| **s == id).collect();
        if here.is_empty() {
            continue;
        }
        let columns: Vec<usize> = study
            .timepoints
            .iter()
            .enumerate()
            .filter(|(_, tp)| tp_filter.as_ref().is_none_or(|f| *f == tp.id))
            .map(|(i, _)| i)
            .collect();
        tables.push(html! {
            h2 { (study.id) ": " (study.title) " (protocol version " (bundle.row.version) ")" }
            table {
                tr {
                    th { "Site" } th { "Participant" } th { "Status" } th { "Open queries" }
                    @for (i, tp) in study.timepoints.iter().enumerate() { @if columns.contains(&i) { th title=(tp.id) { (tp.label.en) } } }
                }
                @for (_, site, entry) in here {
                    @let key = (id.clone(), (*site).clone(), entry.pseudonym.clone());
                    @let now = standing.get(&key).copied();
                    @let open = unresolved.get(&key).copied().unwrap_or(0);
                    @let cells = statuses(study, site, entry, &current, participation(now));
                    tr {
                        td { (site) }
                        td { a href=(participant_url(&id, site, &entry.pseudonym)) { (entry.pseudonym) } }
                        td { (now.map_or(ParticipantStatus::Screened, |s| s.status).label().0) }
                        td data-open-queries=(open) { @if open > 0 { a href="/queries" { (open) } } @else { "0" } }
                        @for (i, (_, class, label)) in cells.iter().enumerate() { @if columns.contains(&i) { td class=(class) { (label) } } }
                    }
                }
            }
        });
    }
    Ok(page(
        "Completeness",
        Some(&staff),
        html! {
            form method="get" action="/completeness" {
                label { "Site "
                    select name="site" {
                        option value="" { "all" }
                        @for site in &sites { option value=(site) selected[site_filter.as_deref() == Some(site.as_str())] { (site) } }
                    }
                }
                " "
                label { "Status "
                    select name="status" {
                        option value="" { "all" }
                        @for s in ParticipantStatus::ALL { option value=(s.name()) selected[status_filter.as_deref() == Some(s.name())] { (s.label().0) } }
                    }
                }
                " "
                label { "Time point "
                    select name="timepoint" {
                        option value="" { "all" }
                        @for tp in &timepoint_ids { option value=(tp) selected[tp_filter.as_deref() == Some(tp.as_str())] { (tp) } }
                    }
                }
                " " button type="submit" { "Filter" }
            }
            (paging.nav("/completeness", &params))
            @for table in &tables { (table) }
            h2 { "Legend" }
            ul { @for (class, meaning) in LEGEND { li class=(class) { (meaning) } } }
        },
    ))
}
