//! `mimik-server participant status` (issue 14 point 2).

use crate::as_user::Runner;
use anyhow::Result;
use clap::Subcommand;
use mimik_domain::study::status::ParticipantStatus;
use mimik_server::Storage;
use mimik_server::participants::{Change, set_status};

#[derive(Debug, Subcommand)]
pub enum ParticipantCommand {
    /// Change a participant's status; prints {"study", "site", "participant", "status", "date"}.
    /// Allowed changes: screened → eligible or screen_failure; eligible → included or
    /// screen_failure; included → completed; any of these → withdrawn or lost_to_follow_up.
    Status {
        /// The pseudonym.
        participant: String,
        /// screened, eligible, screen_failure, included, completed, withdrawn or lost_to_follow_up.
        status: ParticipantStatus,
        /// The day it took effect (YYYY-MM-DD): not in the future, not before inclusion.
        #[arg(long)]
        date: chrono::NaiveDate,
        /// Why (required).
        #[arg(long)]
        reason: String,
        /// The site, where the pseudonym exists at more than one.
        #[arg(long)]
        site: Option<String>,
        /// The study, where the pseudonym exists in more than one.
        #[arg(long)]
        study: Option<String>,
    },
}

/// Run a `participant` subcommand.
pub async fn run(
    command: ParticipantCommand,
    storage: &dyn Storage,
    runner: &Runner,
) -> Result<()> {
    match command {
        ParticipantCommand::Status {
            participant,
            status,
            date,
            reason,
            site,
            study,
        } => {
            let change = Change {
                study: study.as_deref(),
                site: site.as_deref(),
                pseudonym: &participant,
                to: status,
                date,
                reason: &reason,
            };
            let done = set_status(storage, &change, &runner.actor, |s| {
                runner.staff.as_ref().is_none_or(|staff| staff.sees_site(s))
            })
            .await?;
            println!("{}", serde_json::to_string(&done)?);
        }
    }
    Ok(())
}
