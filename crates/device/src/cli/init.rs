//! `mimik init` and `mimik staff …`.

use super::{Context as Ctx, Outcome, secrets};
use mimik_device::store::Rekey;
use mimik_device::{KdfParams, Store};
use serde_json::json;

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The first staff member's id (a short handle, not a patient's anything).
    #[arg(long = "first-staff", default_value = "admin")]
    first_staff: String,
    /// Print the result as JSON (the recovery key included) instead of text.
    #[arg(long)]
    json: bool,
}

pub fn init(ctx: &Ctx, args: &InitArgs) -> anyhow::Result<Outcome> {
    let dir = ctx.data_dir()?;
    let passphrase = secrets::new_passphrase("MIMIK_PASSPHRASE")?;
    let (store, recovery) =
        Store::init(&dir, &args.first_staff, &passphrase, KdfParams::INTERACTIVE)?;
    let shown = recovery.display();
    if args.json {
        return Ok(Outcome::Json(json!({
            "data_dir": dir,
            "staff": store.actor(),
            "recovery_key": *shown,
        })));
    }
    Ok(Outcome::Text(format!(
        "Mimik store created in {} for staff member {}.\n\n\
         Recovery key (shown once; write it down and keep it locked away):\n\n    {}\n\n\
         It unlocks the store if every staff passphrase is lost: MIMIK_RECOVERY_KEY=… mimik …",
        dir.display(),
        store.actor(),
        *shown
    )))
}

#[derive(Debug, clap::Subcommand)]
pub enum StaffCommand {
    /// Add a staff member; their passphrase (10 characters or more, not only digits) comes from
    /// MIMIK_NEW_PASSPHRASE or a prompt.
    Add {
        /// Staff id.
        id: String,
    },
    /// Remove a staff member's access; their past actions stay attributed.
    Remove {
        /// Staff id.
        id: String,
        /// Why (audited).
        #[arg(long, default_value = "access removed")]
        reason: String,
    },
    /// Change the unlocking staff member's passphrase (MIMIK_NEW_PASSPHRASE or a prompt).
    Passphrase {
        /// Also give the database a new key (after a suspected compromise): old copies of
        /// keyslots.json then open nothing.
        #[arg(long)]
        rekey: bool,
    },
}

pub fn staff(ctx: &Ctx, command: &StaffCommand) -> anyhow::Result<Outcome> {
    let mut store = match command {
        StaffCommand::Passphrase { .. } => ctx.unlock_to_change_passphrase()?,
        _ => ctx.unlock()?,
    };
    match command {
        StaffCommand::Add { id } => {
            let passphrase = secrets::new_passphrase("MIMIK_NEW_PASSPHRASE")?;
            store.add_staff(id, &passphrase, KdfParams::INTERACTIVE)?;
            Ok(Outcome::Json(json!({"added": id})))
        }
        StaffCommand::Remove { id, reason } => {
            let rekey = store.remove_staff(id, reason)?;
            if let Rekey::Blocked(slots) = &rekey {
                eprintln!(
                    "mimik: {id} was removed, but the store could not be re-keyed yet: {} must unlock once first, then run `mimik staff passphrase --rekey`",
                    slots.join(", ")
                );
            }
            Ok(Outcome::Json(json!({
                "removed": id,
                "rekeyed": rekey == Rekey::Done,
            })))
        }
        StaffCommand::Passphrase { rekey } => {
            let own = format!("staff:{}", store.actor());
            let blocked: Vec<String> = store
                .unsealed_slots()
                .into_iter()
                .filter(|slot| *slot != own)
                .collect();
            if *rekey && !blocked.is_empty() {
                return Err(mimik_device::Error::RekeyBlocked(blocked).into());
            }
            let passphrase = secrets::new_passphrase("MIMIK_NEW_PASSPHRASE")?;
            store.change_passphrase(&passphrase, KdfParams::INTERACTIVE)?;
            let rekeyed =
                *rekey && store.rekey("requested with staff passphrase --rekey")? == Rekey::Done;
            Ok(Outcome::Json(json!({
                "passphrase_changed": store.actor(),
                "rekeyed": rekeyed,
            })))
        }
    }
}
