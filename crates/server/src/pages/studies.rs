//! `GET /studies`: every study the server hosts, its protocol in force (time points with their
//! labels, windows and forms, windows the study team chose marked [decision], the checklist),
//! every published bundle version with its packs, and how many devices run each version.

use super::PageError;
use super::page;
use crate::roles::{Action, Staff};
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use maud::{Markup, html};
use mimik_domain::study::{Anchor, Form, Label, Study, Timepoint};
use std::collections::BTreeMap;

pub async fn studies(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    staff.allow(Action::ViewStudies)?;
    let listing = crate::bundles::listing(state.storage.as_ref()).await?;
    let devices = state.storage.devices().await?;
    // (study, version) → devices that said they run it; `None`: not reported yet.
    let mut adopted: BTreeMap<(String, Option<i64>), usize> = BTreeMap::new();
    for device in devices.iter().filter(|d| d.revoked_at.is_none()) {
        *adopted
            .entry((device.study.clone(), device.bundle_version))
            .or_default() += 1;
    }
    let mut sections = Vec::new();
    for id in crate::sites::studies(state.storage.as_ref()).await? {
        let current = state.bundles.current(state.storage.as_ref(), &id).await?;
        let versions: Vec<_> = listing.studies.iter().filter(|v| v.study == id).collect();
        let not_reported = adopted.get(&(id.clone(), None)).copied().unwrap_or(0);
        sections.push(html! {
            h2 { (id) ": " (current.study().title) }
            p { "Protocol version in force: " strong { (current.row.version) } }
            h3 { "Bundle versions" }
            table {
                tr { th { "Version" } th { "Published" } th { "SHA-256" } th { "Packs" } th title="Devices that reported this version at their last sync (revoked ones not counted)" { "Devices" } }
                @for v in versions.iter().rev() {
                    tr {
                        td { (v.version) }
                        td { (v.published_at) }
                        td { code title=(v.sha256) { (v.sha256.get(..12).unwrap_or(&v.sha256)) } }
                        td { @for p in &v.packs { (p.instrument) " " (p.language) "; " } }
                        td { (adopted.get(&(id.clone(), Some(v.version))).copied().unwrap_or(0)) }
                    }
                }
            }
            @if not_reported > 0 { p { (not_reported) " device(s) have not reported a version yet (before their first sync since the upgrade)." } }
            (protocol(current.study()))
        });
    }
    Ok(page(
        "Studies",
        Some(&staff),
        html! { @for section in &sections { (section) } },
    ))
}

/// "English / Swedish", or English alone where the protocol has no Swedish.
fn both(label: &Label) -> String {
    match &label.sv {
        Some(sv) if sv != &label.en => format!("{} / {sv}", label.en),
        _ => label.en.clone(),
    }
}

fn forms(study: &Study, forms: &[Form]) -> String {
    forms
        .iter()
        .map(|f| study.form_label(*f, "en").unwrap_or(f.id()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn when(tp: &Timepoint) -> String {
    let anchor = match tp.anchor {
        Anchor::Inclusion => "inclusion",
        Anchor::LastBotox => "last Botox injection",
        Anchor::Surgery => "surgery",
    };
    let mut offset = Vec::new();
    if tp.offset_months > 0 {
        offset.push(format!("{} months", tp.offset_months));
    }
    if tp.offset_days > 0 {
        offset.push(format!("{} days", tp.offset_days));
    }
    if offset.is_empty() {
        format!("at {anchor}")
    } else {
        format!("{} after {anchor}", offset.join(" "))
    }
}

fn protocol(study: &Study) -> Markup {
    html! {
        h3 { "Time points" }
        table {
            tr { th { "Id" } th { "Label" } th { "When" } th { "Window" } th { "Patient forms" } th { "Staff forms" } }
            @for tp in &study.timepoints {
                tr {
                    td { code { (tp.id) } }
                    td { (both(&tp.label)) }
                    td { (when(tp)) }
                    td {
                        "−" (tp.window_before_days) " / +" (tp.window_after_days) " days"
                        @if tp.window_is_decision { " " abbr title="The registry record gives no window: the study team chose it" { "[decision]" } }
                    }
                    td { (forms(study, &tp.patient_forms)) }
                    td { (forms(study, &tp.staff_forms)) }
                }
            }
        }
        h3 { "Forms" }
        table {
            tr { th { "Form" } th { "Label" } th { "Missing items" } th { "Counting period" } }
            @for (form, settings) in &study.forms {
                tr {
                    td { code { (form.id()) } }
                    td { @if let Some(label) = &settings.label { (both(label)) } }
                    td { @if let Some(mode) = settings.missing { (mode.to_string()) } }
                    td { @if let Some(months) = settings.counting_period_months { (months) " months" } }
                }
            }
        }
        h3 { "Eligibility checklist" }
        table {
            tr { th { "Id" } th { "Kind" } th { "Criterion" } }
            @for c in &study.eligibility {
                tr {
                    td { code { (c.id) } }
                    td { (format!("{:?}", c.kind).to_lowercase()) }
                    td { (both(&c.label)) }
                }
            }
        }
        p { "A patient whose Sunnybrook composite is above " (study.sunnybrook_max_composite) " is not eligible. An ineligible checklist suggests a screen failure; a person decides." }
    }
}
