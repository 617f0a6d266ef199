//! `mimik-server site add` (issue 12).

use anyhow::Result;
use clap::Subcommand;
use mimik_server::Storage;
use mimik_server::storage::Actor;

#[derive(Debug, Subcommand)]
pub enum SiteCommand {
    /// Add a site to a study; prints {"site", "study", "name"}. Adding a site the study already
    /// has changes nothing and prints the stored one.
    Add {
        /// Site id: 1 to 64 letters, digits, '.', '-' or '_'.
        site: String,
        /// The study (default: the only one there is).
        #[arg(long)]
        study: Option<String>,
        /// Its name for people (default: the id).
        #[arg(long)]
        name: Option<String>,
    },
}

/// Run a `site` subcommand.
pub async fn run(command: SiteCommand, storage: &dyn Storage, actor: &Actor) -> Result<()> {
    match command {
        SiteCommand::Add { site, study, name } => {
            let site =
                mimik_server::sites::add(storage, &site, study.as_deref(), name.as_deref(), actor)
                    .await?;
            println!("{}", serde_json::to_string(&site)?);
        }
    }
    Ok(())
}
