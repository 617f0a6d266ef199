//! A participant's status on their page: the history, and for a coordinator of their site the
//! form that changes it (`POST /participants/{study}/{site}/{pseudonym}/status`).

use super::PageError;
use crate::participants::{Change, StatusError, set_status};
use crate::roles::{Action, Staff};
use crate::state::AppState;
use crate::storage::StatusRow;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use mimik_domain::study::status::{ParticipantStatus, StatusOn};
use serde::Deserialize;

/// The status form.
#[derive(Debug, Deserialize)]
pub struct StatusForm {
    status: String,
    date: String,
    reason: String,
}

/// The status section of a participant's page.
pub fn section(
    staff: &Staff,
    url: &str,
    history: &[StatusRow],
    current: Option<StatusOn>,
) -> Markup {
    let current_status = current.map_or(ParticipantStatus::Screened, |c| c.status);
    let next = current_status.next();
    html! {
        h2 { "Status" }
        p { "Now: " strong { (current_status.label().0) } @if let Some(c) = current { " since " (c.date) } }
        @if history.is_empty() {
            p { "No change recorded: screened since registration." }
        } @else {
            table {
                tr { th { "Status" } th { "From" } th { "Reason" } th { "By" } th { "Recorded (UTC)" } }
                @for row in history {
                    tr {
                        td { (row.status.parse::<ParticipantStatus>().map_or(row.status.as_str(), |s| s.label().0)) }
                        td { (row.effective_on) }
                        td { (row.reason) }
                        td { (row.actor) " (" (row.role) ")" }
                        td { (row.recorded_at) }
                    }
                }
            }
        }
        @if staff.allow(Action::SetParticipantStatus).is_ok() && !next.is_empty() {
            form method="post" action={ (url) "/status" } {
                label { "New status "
                    select name="status" required {
                        @for status in next { option value=(status.name()) { (status.label().0) } }
                    }
                }
                " "
                label { "From " input name="date" type="date" required; }
                " "
                label { "Reason " input name="reason" required maxlength="500"; }
                " "
                button type="submit" { "Change status" }
            }
            p { "The eligibility checklist and a Sunnybrook composite below 61 suggest a screen failure; a person decides." }
        }
    }
}

/// `POST /participants/{study}/{site}/{pseudonym}/status`.
pub async fn change(
    State(state): State<AppState>,
    staff: Staff,
    Path((study, site, pseudonym)): Path<(String, String, String)>,
    form: Result<Form<StatusForm>, FormRejection>,
) -> Result<Response, PageError> {
    staff.allow(Action::SetParticipantStatus)?;
    if !staff.sees_site(&site) {
        return Err(PageError::NotFound);
    }
    let back = super::completeness::participant_url(&study, &site, &pseudonym);
    let refused = |message: &str| {
        Ok(super::not_saved(
            &staff,
            "Status not changed",
            message,
            &back,
            "Back to the participant",
        ))
    };
    let Ok(Form(form)) = form else {
        return refused("Choose a status and give its date and a reason.");
    };
    let to: ParticipantStatus = match form.status.parse() {
        Ok(to) => to,
        Err(e) => return refused(&e.to_string()),
    };
    let Ok(date) = chrono::NaiveDate::parse_from_str(form.date.trim(), "%Y-%m-%d") else {
        return refused("Enter the date like 2026-03-31.");
    };
    let change = Change {
        study: Some(&study),
        site: Some(&site),
        pseudonym: &pseudonym,
        to,
        date,
        reason: &form.reason,
    };
    match set_status(state.storage.as_ref(), &change, &staff.actor(), |s| {
        staff.sees_site(s)
    })
    .await
    {
        Ok(_) => Ok(Redirect::to(&back).into_response()),
        Err(StatusError::UnknownParticipant(_)) => Err(PageError::NotFound),
        Err(StatusError::Storage(e)) => Err(e.into()),
        Err(e) => refused(&super::sentence(&e.to_string())),
    }
}
