//! `mimik-server user add | disable | list` (issue 14 point 1).

use anyhow::Result;
use clap::Subcommand;
use mimik_server::Storage;
use mimik_server::roles::Role;
use mimik_server::storage::Actor;
use serde_json::json;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; the password comes from MIMIK_SERVER_PASSWORD or a prompt.
    Add {
        /// Login name.
        name: String,
        /// admin, coordinator, data-manager, monitor, clinician or rater.
        #[arg(long)]
        role: Role,
        /// A site the user works at (coordinator and clinician: at least one; repeat for more).
        #[arg(long = "site")]
        sites: Vec<String>,
    },
    /// Disable a user: they can no longer log in, their sessions end, their row stays.
    Disable {
        /// Login name.
        name: String,
    },
    /// List users.
    List {
        /// Print {"users": [{"name", "role", "sites", "disabled"}]}.
        #[arg(long)]
        json: bool,
    },
}

/// Run a `user` subcommand.
pub async fn run(command: UserCommand, storage: &dyn Storage, actor: &Actor) -> Result<()> {
    match command {
        UserCommand::Add { name, role, sites } => {
            let password = match std::env::var("MIMIK_SERVER_PASSWORD") {
                Ok(p) => p,
                Err(_) => rpassword::prompt_password(format!("password for {}: ", name.trim()))?,
            };
            let user =
                mimik_server::users::add(storage, &name, &password, role, &sites, actor).await?;
            eprintln!("user {} added as {}", user.name, user.role);
        }
        UserCommand::Disable { name } => {
            mimik_server::users::disable(storage, &name, actor).await?;
            eprintln!("user {} disabled", name.trim());
        }
        UserCommand::List { json } => {
            let users = mimik_server::users::list(storage).await?;
            if json {
                println!("{}", json!({ "users": users }));
            } else {
                for user in &users {
                    let sites = if user.role.works_at_sites() {
                        user.sites.join(",")
                    } else {
                        "every site".to_owned()
                    };
                    let state = if user.disabled { "disabled" } else { "active" };
                    println!("{}\t{}\t{}\t{}", user.name, user.role, sites, state);
                }
            }
        }
    }
    Ok(())
}
