//! Users (admin) and the rater's queue.

use super::{PageError, page};
use crate::roles::{Action, Staff};
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use maud::html;

/// `GET /users`: every user with role, sites and state. Users are added and disabled with
/// `mimik-server user add` / `user disable`.
pub async fn users(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    staff.allow(Action::ViewUsers)?;
    let users = state.storage.users().await?;
    Ok(page(
        "Users",
        Some(&staff),
        html! {
            p { "Add or disable users with " code { "mimik-server user add NAME --role ROLE [--site SITE]" } " and " code { "mimik-server user disable NAME" } "." }
            table {
                tr { th { "Name" } th { "Role" } th { "Sites" } th { "State" } }
                @for user in &users {
                    tr {
                        td { (user.name) }
                        td { (user.role) }
                        td { @if user.role.works_at_sites() { (user.sites.iter().cloned().collect::<Vec<_>>().join(", ")) } @else { "every site" } }
                        td { @if let Some(at) = &user.disabled_at { "disabled " (at) } @else { "active" } }
                    }
                }
            }
        },
    ))
}

/// `GET /rating`: the blinded rating queue. Recordings to rate arrive with a later issue; until
/// then the queue is empty.
pub async fn rating(staff: Staff) -> Result<Response, PageError> {
    staff.allow(Action::RatingQueue)?;
    Ok(page(
        "Rating queue",
        Some(&staff),
        html! { p { "No recordings are waiting to be rated." } },
    ))
}
