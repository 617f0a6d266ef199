//! `mimik participant add|update|list` and `mimik due`.

use super::{Context as Ctx, Outcome};
use chrono::NaiveDate;
use mimik_device::store::{Moment, NewParticipant};
use serde_json::json;

#[derive(Debug, clap::Subcommand)]
pub enum ParticipantCommand {
    /// Register a participant by pseudonym (e.g. NT-001).
    Add {
        /// The pseudonym.
        id: String,
        /// Inclusion date (YYYY-MM-DD); today if omitted.
        #[arg(long)]
        inclusion_date: Option<NaiveDate>,
        /// Surgery date, if planned.
        #[arg(long)]
        surgery_date: Option<NaiveDate>,
        /// A Botox injection date; repeat for several.
        #[arg(long = "botox-date")]
        botox_dates: Vec<NaiveDate>,
    },
    /// Set the surgery date or add Botox injection dates.
    Update {
        /// The pseudonym.
        id: String,
        /// Surgery date.
        #[arg(long)]
        surgery_date: Option<NaiveDate>,
        /// A Botox injection date to add; repeat for several.
        #[arg(long = "botox-date")]
        botox_dates: Vec<NaiveDate>,
    },
    /// List the participants.
    List,
}

pub fn participant(ctx: &Ctx, command: &ParticipantCommand) -> anyhow::Result<Outcome> {
    let mut store = ctx.unlock()?;
    match command {
        ParticipantCommand::Add {
            id,
            inclusion_date,
            surgery_date,
            botox_dates,
        } => {
            let saved = store.add_participant(&NewParticipant {
                pseudonym: id.clone(),
                inclusion: inclusion_date.unwrap_or_else(|| Moment::now().local_date()),
                surgery: *surgery_date,
                botox: botox_dates.clone(),
            })?;
            Ok(Outcome::Json(
                json!({"participant": store.participant(id)?, "saved": saved}),
            ))
        }
        ParticipantCommand::Update {
            id,
            surgery_date,
            botox_dates,
        } => {
            let saved = store.update_participant_dates(id, *surgery_date, botox_dates)?;
            Ok(Outcome::Json(
                json!({"participant": store.participant(id)?, "saved": saved}),
            ))
        }
        ParticipantCommand::List => Ok(Outcome::Json(
            json!({"participants": store.participants()?}),
        )),
    }
}

#[derive(Debug, clap::Args)]
pub struct DueArgs {
    /// Only this participant.
    #[arg(long)]
    participant: Option<String>,
}

pub fn due(ctx: &Ctx, args: &DueArgs) -> anyhow::Result<Outcome> {
    let store = ctx.unlock()?;
    Ok(Outcome::Json(
        json!({"due": store.due(args.participant.as_deref())?}),
    ))
}
