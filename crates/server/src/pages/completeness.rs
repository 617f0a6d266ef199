//! Completeness (participants × time points) and one participant's score trajectories.
//!
//! Each cell is `mimik_domain::study::schedule`, the same function `mimik due` uses: done when
//! every form that yields one record is saved (current submissions only), otherwise not yet due,
//! due, overdue (past the target date), missed (the window closed) or not applicable (nothing
//! is collected on a tablet at that time point).

use super::PageError;
use super::page;
use crate::export::{Parsed, superseded};
use crate::problem::ApiError;
use crate::roles::{Action, Staff};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use maud::{Markup, html};
use mimik_domain::protocol::RosterEntry;
use mimik_domain::study::Study;
use mimik_domain::study::schedule::{DueStatus, ParticipantDates, Participation, Saved, schedule};
use std::collections::BTreeSet;

/// Whether `p` is about the participant `pseudonym` of site `site` of study `study`.
fn about(p: &Parsed, study: &str, site: &str, pseudonym: &str) -> bool {
    p.row.participant == pseudonym && p.row.site == site && p.row.study == study
}

/// `(time point id, status name, label)` for every time point of one participant of `site`.
pub(super) fn statuses(
    study: &Study,
    site: &str,
    entry: &RosterEntry,
    current: &[&Parsed],
    participation: Participation,
) -> Vec<(String, &'static str, String)> {
    let saved: Saved = current
        .iter()
        .filter(|p| about(p, &study.id, site, &entry.pseudonym))
        .filter_map(|p| {
            let name = p
                .row
                .instrument
                .clone()
                .unwrap_or_else(|| p.row.kind.clone());
            p.row.timepoint.clone().map(|tp| (tp, name))
        })
        .collect();
    let dates = ParticipantDates {
        inclusion: entry.inclusion_date,
        botox: entry.botox_dates.clone(),
        surgery: entry.surgery_date,
    };
    let today = chrono::Utc::now().date_naive();
    schedule(study, &dates, &saved, today, participation)
        .into_iter()
        .map(|due| {
            let missing = due
                .missing
                .iter()
                .map(|f| f.id())
                .collect::<Vec<_>>()
                .join(", ");
            let label = match &due.status {
                DueStatus::Done => "done".to_owned(),
                DueStatus::NotApplicable if participation != Participation::Active => {
                    "not applicable: left the study".to_owned()
                }
                DueStatus::NotApplicable => "nothing to collect".to_owned(),
                DueStatus::NotYetDue { window: Some(w) } => format!("from {}", w.opens),
                DueStatus::NotYetDue { window: None } => "not scheduled".to_owned(),
                DueStatus::Due { window } => {
                    format!("due until {} (missing {missing})", window.closes)
                }
                DueStatus::Overdue { window } => {
                    format!(
                        "overdue since {}, open until {} (missing {missing})",
                        window.target, window.closes
                    )
                }
                DueStatus::Missed { window } => {
                    format!("missed: closed {} (missing {missing})", window.closes)
                }
            };
            (due.timepoint, due.status.name(), label)
        })
        .collect()
}

type Rosters = std::collections::BTreeMap<crate::roster::SiteKey, Vec<RosterEntry>>;

async fn load(state: &AppState) -> Result<(Rosters, Vec<Parsed>), ApiError> {
    let roster = crate::roster::by_site(&state.storage.submissions_of_kind("participant").await?)?;
    let all = Parsed::all(state.storage.submissions().await?)?;
    Ok((roster, all))
}

/// The series drawn per participant: (instrument, score key).
const SERIES: [(&str, &str); 5] = [
    ("face", "total"),
    ("fdi", "physical_function"),
    ("fdi", "social_wellbeing"),
    ("saq", "total"),
    ("sunnybrook", "composite"),
];

/// The page of one participant: study, site and pseudonym, each percent-encoded.
pub fn participant_url(study: &str, site: &str, pseudonym: &str) -> String {
    use super::paging::encode;
    format!(
        "/participants/{}/{}/{}",
        encode(study),
        encode(site),
        encode(pseudonym)
    )
}

/// `GET /participants/{study}/{site}/{pseudonym}`: scores per time point as inline SVG (0–100
/// scales).
pub async fn participant(
    State(state): State<AppState>,
    staff: Staff,
    Path((study_id, site, pseudonym)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    staff.allow(Action::ViewParticipant)?;
    let (rosters, all) = load(&state).await?;
    // Another site's participant answers as if there were none.
    let registered = staff.sees_site(&site)
        && rosters
            .get(&(study_id.clone(), site.clone()))
            .is_some_and(|roster| roster.iter().any(|e| e.pseudonym == pseudonym));
    if !registered {
        return Err(PageError::NotFound);
    }
    let gone = superseded(&all);
    let bundle = state
        .bundles
        .current(state.storage.as_ref(), &study_id)
        .await?;
    let study = bundle.study();
    let mut series = Vec::new();
    for (instrument, key) in SERIES {
        let mut points = Vec::new();
        for (x, tp) in study.timepoints.iter().enumerate() {
            let latest = all
                .iter()
                .filter(|p| !gone.contains(&p.row.id) && about(p, &study.id, &site, &pseudonym))
                .filter(|p| {
                    p.row.timepoint.as_deref() == Some(tp.id.as_str())
                        && p.row.instrument.as_deref() == Some(instrument)
                })
                .max_by(|a, b| {
                    (&a.row.recorded_at, &a.row.id).cmp(&(&b.row.recorded_at, &b.row.id))
                });
            if let Some(value) = latest
                .and_then(|p| p.body.content.form())
                .and_then(|f| f.scores.get(key))
                .and_then(serde_json::Value::as_f64)
            {
                points.push((x, value));
            }
        }
        series.push((format!("{instrument} {key}"), points));
    }
    let mut theirs: Vec<&Parsed> = all
        .iter()
        .filter(|p| about(p, &study.id, &site, &pseudonym))
        .collect();
    theirs.sort_by(|a, b| (&a.row.recorded_at, &a.row.id).cmp(&(&b.row.recorded_at, &b.row.id)));
    let key = (study.id.clone(), site.clone(), pseudonym.clone());
    let history = crate::participants::histories(state.storage.as_ref())
        .await?
        .remove(&key)
        .unwrap_or_default();
    let now = history.last().and_then(crate::participants::status_on);
    let url = participant_url(&study.id, &site, &pseudonym);
    let queries: Vec<crate::queries::Query> = crate::queries::all(state.storage.as_ref())
        .await?
        .into_iter()
        .filter(|q| q.row.study == study.id && q.row.site == site && q.row.pseudonym == pseudonym)
        .collect();
    let timepoint_ids: Vec<String> = study.timepoints.iter().map(|t| t.id.clone()).collect();
    Ok(page(
        &format!("Participant {pseudonym} ({site}, {})", study.id),
        Some(&staff),
        html! {
            (super::status::section(&staff, &url, &history, now))
            h2 { "Data queries" }
            @for q in &queries { (super::queries::card(&staff, q)) }
            @if queries.is_empty() { p { "None." } }
            @if staff.allow(Action::OpenQuery).is_ok() {
                (super::queries::open_form(&study.id, &site, &pseudonym, &timepoint_ids))
            }
            (chart(study, &series))
            (submissions(study, &theirs, &gone))
        },
    ))
}

/// Every submission about the participant, oldest first: what, when, in which language and
/// wording, under which protocol version, and whether a correction replaced it.
fn submissions(study: &Study, theirs: &[&Parsed], gone: &BTreeSet<String>) -> Markup {
    let label = |tp: &str| {
        study
            .timepoint(tp)
            .map_or_else(|| tp.to_owned(), |t| t.label.en.clone())
    };
    html! {
        h2 { "Submissions" }
        table {
            tr { th { "Recorded" } th { "Time point" } th { "Form" } th { "Language" } th title="SHA-256 of the content pack shown" { "Wording" } th title="The study bundle version it was made under" { "Protocol" } th { "" } }
            @for p in theirs {
                tr {
                    td { (p.row.recorded_at) }
                    td { @if let Some(tp) = &p.row.timepoint { (label(tp)) } }
                    td { (p.row.instrument.as_deref().unwrap_or(&p.row.kind)) }
                    td { (p.language().unwrap_or("")) }
                    td { @if let Some(sha) = p.pack_sha256() { code title=(sha) { (sha.get(..12).unwrap_or(sha)) } } }
                    td { @if let Some(v) = p.protocol_version() { "v" (v) } }
                    td { @if gone.contains(&p.row.id) { "superseded" } }
                }
            }
        }
    }
}

/// The series colours; the legend's `series-N` classes in the stylesheet use the same ones.
const COLOURS: [&str; 5] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"];

fn chart(study: &Study, series: &[(String, Vec<(usize, f64)>)]) -> Markup {
    let (w, h, left, top) = (640.0, 260.0, 40.0, 10.0);
    let n = study.timepoints.len().max(2) as f64 - 1.0;
    let x = |i: usize| left + (i as f64) * (w - left - 20.0) / n;
    let y = |v: f64| top + (100.0 - v.clamp(0.0, 100.0)) * (h - top - 30.0) / 100.0;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" width=(w) height=(h) role="img" aria-label="score trajectories" {
            line x1=(left) y1=(y(0.0)) x2=(w - 20.0) y2=(y(0.0)) stroke="#888" {}
            line x1=(left) y1=(y(0.0)) x2=(left) y2=(y(100.0)) stroke="#888" {}
            text x="4" y=(y(100.0) + 4.0) font-size="10" { "100" }
            text x="4" y=(y(0.0)) font-size="10" { "0" }
            @for (i, tp) in study.timepoints.iter().enumerate() {
                text x=(x(i) - 20.0) y=(h - 8.0) font-size="9" { (tp.id) }
            }
            @for ((name, points), colour) in series.iter().zip(COLOURS) {
                @if !points.is_empty() {
                    polyline fill="none" stroke=(colour) stroke-width="2"
                        points=(points.iter().map(|&(i, v)| format!("{:.1},{:.1}", x(i), y(v))).collect::<Vec<_>>().join(" ")) {
                        title { (name) }
                    }
                    @for &(i, v) in points { circle cx=(format!("{:.1}", x(i))) cy=(format!("{:.1}", y(v))) r="3" fill=(colour) { title { (name) ": " (format!("{v:.1}")) } } }
                }
            }
        }
        ul { @for (index, (name, points)) in series.iter().take(COLOURS.len()).enumerate() { li class={ "series-" (index) } { (name) ": " (points.len()) " point(s)" } } }
    }
}
