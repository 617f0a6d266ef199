//! `GET /audit`: the server's audit trail for a monitor, newest first, filtered by who and
//! what, a page of [`PAGE_ROWS`] at a time, with whether the whole chain verifies.

use super::paging::{Paging, encode};
use super::{PageError, page};
use crate::roles::{Action, Staff};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

/// Rows per page.
pub const PAGE_ROWS: usize = 100;

/// The filters and the page, from the query string.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    /// Only this user (exact name).
    actor: Option<String>,
    /// Only this action (exact).
    action: Option<String>,
    /// 1-based page.
    page: Option<usize>,
}

/// `GET /audit?actor=&action=&page=`.
pub async fn audit(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<AuditQuery>,
) -> Result<Response, PageError> {
    staff.allow(Action::ViewAudit)?;
    let rows = state.storage.audit_rows().await?;
    let verified = crate::storage::audit::verify_chain(&rows);
    let actor = query.actor.as_deref().filter(|v| !v.is_empty());
    let action = query.action.as_deref().filter(|v| !v.is_empty());
    let matching: Vec<_> = rows
        .iter()
        .rev()
        .filter(|r| actor.is_none_or(|a| r.actor == a))
        .filter(|r| action.is_none_or(|a| r.action == a))
        .collect();
    let paging = Paging::new(query.page, matching.len(), PAGE_ROWS);
    let params: Vec<String> = [("actor", actor), ("action", action)]
        .into_iter()
        .filter_map(|(key, value)| value.map(|v| format!("{key}={}", encode(v))))
        .collect();
    Ok(page(
        "Audit trail",
        Some(&staff),
        html! {
            @match &verified {
                Ok(()) => p { "All " (rows.len()) " rows verify: each hashes its content and the row before it." },
                Err(broken) => p role="alert" { "The chain is broken at row " (broken.seq) ": " (broken.reason) "." },
            }
            form method="get" action="/audit" {
                label { "User " input name="actor" value=(actor.unwrap_or("")); }
                " "
                label { "Action " input name="action" value=(action.unwrap_or("")); }
                " "
                button type="submit" { "Filter" }
            }
            (paging.nav("/audit", &params))
            table {
                tr { th { "Seq" } th { "When (UTC)" } th { "User" } th { "Role" } th { "Action" } th { "About" } th { "Reason" } th { "Before" } th { "After" } }
                @for row in paging.slice(&matching) {
                    tr {
                        td { (row.seq) }
                        td { (row.at) }
                        td { (row.actor) }
                        td { (row.role) }
                        td { (row.action) }
                        td { (row.subject.as_deref().unwrap_or("")) }
                        td { (row.reason.as_deref().unwrap_or("")) }
                        td { code { (row.before.as_deref().unwrap_or("")) } }
                        td { code { (row.after.as_deref().unwrap_or("")) } }
                    }
                }
            }
        },
    ))
}
