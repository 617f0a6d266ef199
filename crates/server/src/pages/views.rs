//! Devices, side effects awaiting a grade, conflicts and duplicates, exports.

use super::PageError;
use super::page;
use super::paging::Paging;
use crate::export::trust::{future_dated, untrusted_corrections};
use crate::export::{Format, Parsed, export, natural_key_duplicates};
use crate::roles::{Action, Staff};
use crate::state::AppState;
use crate::storage::NewAudit;
use axum::extract::Query;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeSet;

/// Rows a page on the lists of this module.
pub const PAGE_ROWS: usize = 100;

/// The page of each list of `/review`.
#[derive(Debug, Default, Deserialize)]
pub struct ReviewQuery {
    conflicts: Option<usize>,
    duplicates: Option<usize>,
    untrusted: Option<usize>,
    future: Option<usize>,
}

/// `?page=N`.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// 1-based.
    page: Option<usize>,
}

/// `GET /devices`: last seen, gaps, revoke.
pub async fn devices(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<PageQuery>,
) -> Result<Response, PageError> {
    staff.allow(Action::ViewDevices)?;
    let devices: Vec<_> = state
        .storage
        .devices()
        .await?
        .into_iter()
        .filter(|d| staff.sees_site(&d.site))
        .collect();
    let paging = Paging::new(query.page, devices.len(), PAGE_ROWS);
    let may_revoke = staff.allow(Action::RevokeDevice).is_ok();
    let mut rows = Vec::new();
    for device in paging.slice(&devices).iter().cloned() {
        let gaps = state.storage.gaps(&device.id).await?;
        rows.push((device, gaps));
    }
    Ok(page(
        "Devices",
        Some(&staff),
        html! {
            (paging.nav("/devices", &[]))
            table {
                tr { th { "Device" } th { "Study" } th { "Site" } th title="The study bundle version in force on the tablet at its last sync" { "Bundle" } th { "Enrolled" } th { "Last seen" } th { "Stored" } th { "Highest seq" } th { "Gaps" } th { "" } }
                @for (device, gaps) in &rows {
                    tr {
                        td { code { (device.id) } }
                        td { (device.study) }
                        td { (device.site) }
                        td { @if let Some(v) = device.bundle_version { "v" (v) } @else { "not reported" } }
                        td { (device.enrolled_at) }
                        td { (device.last_seen_at.as_deref().unwrap_or("never")) }
                        td { (device.submissions) }
                        td { (device.max_seq) }
                        td {
                            @if gaps.is_empty() { "none" }
                            @for gap in gaps { (gap.from) "–" (gap.to) " " }
                        }
                        td {
                            @if let Some(at) = &device.revoked_at { "revoked " (at) }
                            @else if may_revoke {
                                form method="post" action={ "/devices/" (device.id) "/revoke" } {
                                    button type="submit" { "Revoke" }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

/// `POST /devices/{id}/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    staff.allow(Action::RevokeDevice)?;
    // Another site's device answers as if there were none.
    let devices = state.storage.devices().await?;
    if !devices
        .iter()
        .any(|d| d.id == id && staff.sees_site(&d.site))
    {
        return Err(PageError::NotFound);
    }
    let now = crate::now();
    let audit = NewAudit::new(&staff.actor(), "device_revoked", Some(&id))
        .before(json!({"revoked_at": null}))
        .after(json!({"revoked_at": now}));
    if !state.storage.revoke_device(&id, &now, &audit).await? {
        return Err(PageError::NotFound);
    }
    tracing::info!(device_id = ?id, user = %staff.name, "device revoked from the devices page");
    Ok(Redirect::to("/devices").into_response())
}

/// `GET /side-effects`: patient side effects no clinician has graded yet.
pub async fn side_effects(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<PageQuery>,
) -> Result<Response, PageError> {
    staff.allow(Action::ViewSideEffects)?;
    let effects = Parsed::all(state.storage.submissions_of_kind("side_effect").await?)?;
    let grades = Parsed::all(
        state
            .storage
            .submissions_of_kind("side_effect_grade")
            .await?,
    )?;
    let graded: BTreeSet<String> = grades
        .iter()
        .filter_map(|g| g.body.content.grade().map(|g| g.side_effect_id.clone()))
        .collect();
    let waiting: Vec<&Parsed> = effects
        .iter()
        .filter(|e| !graded.contains(&e.row.id) && staff.sees_site(&e.row.site))
        .collect();
    let paging = Paging::new(query.page, waiting.len(), PAGE_ROWS);
    Ok(page(
        "Side effects awaiting a Clavien-Dindo grade",
        Some(&staff),
        html! {
            p { (waiting.len()) " awaiting a grade; grade them on a tablet in clinician mode." }
            (paging.nav("/side-effects", &[]))
            table {
                tr { th { "Participant" } th { "Time point" } th { "Recorded" } th { "Text" } th { "Id" } }
                @for effect in paging.slice(&waiting) {
                    tr {
                        td { (effect.row.participant) }
                        td { (effect.row.timepoint.as_deref().unwrap_or("")) }
                        td { (effect.row.recorded_at) }
                        td { (effect.body.content.side_effect_text().unwrap_or("")) }
                        td { code { (effect.row.id) } }
                    }
                }
            }
        },
    ))
}

/// `GET /review`: conflicts (kept, never applied), natural-key duplicates (both kept), and what
/// [`crate::export::trust`] flags.
/// Rejected envelopes are not stored, so they appear in the tablet's quarantine, not here.
pub async fn review(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<ReviewQuery>,
) -> Result<Response, PageError> {
    staff.allow(Action::ViewReview)?;
    let conflicts = state.storage.conflicts().await?;
    let all = Parsed::all(state.storage.submissions().await?)?;
    let duplicates: Vec<_> = natural_key_duplicates(&all).into_iter().collect();
    let untrusted: Vec<_> = untrusted_corrections(&all).into_iter().collect();
    let future: Vec<&Parsed> = all.iter().filter(|p| future_dated(&p.row)).collect();
    // Four lists, each paged on its own; each list's links keep the others' pages.
    let pages = [
        (
            "conflicts",
            Paging::new(query.conflicts, conflicts.len(), PAGE_ROWS),
        ),
        (
            "duplicates",
            Paging::new(query.duplicates, duplicates.len(), PAGE_ROWS),
        ),
        (
            "untrusted",
            Paging::new(query.untrusted, untrusted.len(), PAGE_ROWS),
        ),
        ("future", Paging::new(query.future, future.len(), PAGE_ROWS)),
    ];
    let nav = |index: usize| {
        let others: Vec<String> = pages
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != index)
            .map(|(_, (key, p))| format!("{key}={}", p.current))
            .collect();
        pages
            .get(index)
            .map(|(key, paging)| paging.nav_keyed("/review", key, &others))
            .unwrap_or_default()
    };
    let [(_, pc), (_, pd), (_, pu), (_, pf)] = &pages;
    Ok(page(
        "Conflicts and duplicates",
        Some(&staff),
        html! {
            h2 { "Conflicts" }
            p { "An envelope that clashed with a stored one. The stored submission is unchanged." }
            (nav(0))
            table {
                tr { th { "Submission" } th { "Device" } th { "Seq" } th { "Kind" } th { "Reason" } th { "Received" } }
                @for c in pc.slice(&conflicts) {
                    tr {
                        td { code { (c.submission_id) } }
                        td { code { (c.device_id) } }
                        td { (c.device_seq) }
                        td { (c.kind) }
                        td { (c.reason) }
                        td { (c.received_at) }
                    }
                }
            }
            h2 { "Natural-key duplicates" }
            p { "The same form for the same participant and time point more than once. All are kept; the latest counts in the wide export." }
            (nav(1))
            table {
                tr { th { "Study" } th { "Site" } th { "Participant" } th { "Time point" } th { "Instrument" } th { "Submissions" } }
                @for (key, ids) in pd.slice(&duplicates) {
                    tr {
                        td { (key.study) }
                        td { (key.site) }
                        td { (key.participant) }
                        td { (key.timepoint) }
                        td { (key.instrument) }
                        td { @for id in ids { code { (id) } " " } }
                    }
                }
            }
            h2 { "Corrections that supersede nothing" }
            p { "A correction may only supersede a stored submission of the same participant, kind and instrument from a device of the same site. These name another one: both are kept and both count." }
            (nav(2))
            table {
                tr { th { "Correction" } th { "Names" } }
                @for (id, named) in pu.slice(&untrusted) {
                    tr { td { code { (id) } } td { code { (named) } } }
                }
            }
            h2 { "Dated in the future" }
            p { "Recorded or created later than the server received them (beyond ten minutes of clock difference): kept as sent; a roster entry dated like this never wins over one with a believable date." }
            (nav(3))
            table {
                tr { th { "Submission" } th { "Kind" } th { "Participant" } th { "Recorded" } th { "Created" } th { "Received" } }
                @for p in pf.slice(&future) {
                    tr {
                        td { code { (p.row.id) } }
                        td { (p.row.kind) }
                        td { (p.row.participant) }
                        td { (p.row.recorded_at) }
                        td { (p.row.created_at) }
                        td { (p.row.received_at) }
                    }
                }
            }
        },
    ))
}

/// `GET /exports`.
pub async fn exports(staff: Staff) -> Result<Response, PageError> {
    staff.allow(Action::Export)?;
    Ok(page(
        "Exports",
        Some(&staff),
        html! {
            ul {
                @for format in Format::ALL {
                    li { a href={ "/exports/" (format.name()) } { (format.file_name()) } }
                }
            }
        },
    ))
}

/// `GET /exports/{format}`: the same bytes as `mimik-server export`.
pub async fn download(
    State(state): State<AppState>,
    staff: Staff,
    Path(format): Path<String>,
) -> Result<Response, PageError> {
    staff.allow(Action::Export)?;
    let format: Format = format.parse().map_err(|_| PageError::NotFound)?;
    let bytes = export(state.storage.as_ref(), format).await?;
    let audit = NewAudit::new(&staff.actor(), "export", Some(format.name()));
    state.storage.append_audit(&audit).await?;
    tracing::info!(user = %staff.name, format = format.name(), "export downloaded");
    let disposition =
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", format.file_name()))
            .map_err(|e| crate::Error::Corrupt(e.to_string()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
