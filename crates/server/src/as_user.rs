//! Who runs a server command (issue 14 point 1): with `--as USER`, that user (password from
//! `MIMIK_SERVER_AS_PASSWORD` or a prompt), whose role must allow the command; without it, the
//! operating-system user, with the admin role (whoever can run the server binary on its data
//! can read the database anyway). Either way the command's audit rows name them.

use anyhow::{Result, bail};
use mimik_server::Storage;
use mimik_server::roles::{Action, Staff};
use mimik_server::storage::{Actor, NewAudit};

/// The actor of a command, and the user when `--as` named one.
pub struct Runner {
    /// As the audit trail names them.
    pub actor: Actor,
    /// The `--as` user, whose sites limit what they may touch.
    pub staff: Option<Staff>,
}

impl Runner {
    /// Refuse `site` when the `--as` user does not work there.
    pub fn check_site(&self, site: &str) -> Result<()> {
        match &self.staff {
            Some(staff) if !staff.sees_site(site) => {
                bail!("{} does not work at site {site:?}", staff.name)
            }
            _ => Ok(()),
        }
    }
}

/// Resolve `as_user` for a command that needs `action`.
pub async fn resolve(
    as_user: Option<&str>,
    storage: &dyn Storage,
    action: Action,
) -> Result<Runner> {
    let Some(name) = as_user else {
        return Ok(Runner {
            actor: Actor::operating_system_user(),
            staff: None,
        });
    };
    let password = match std::env::var("MIMIK_SERVER_AS_PASSWORD") {
        Ok(p) => p,
        Err(_) => rpassword::prompt_password(format!("password of {name}: "))?,
    };
    let credentials = storage.credentials(name).await?;
    let ok = match &credentials {
        Some(c) => mimik_server::secrets::verify_password(&password, &c.password_hash),
        None => false,
    };
    let user = storage.users().await?.into_iter().find(|u| u.name == name);
    if !ok || credentials.as_ref().is_some_and(|c| c.disabled) {
        let actor = Actor {
            name: name.to_owned(),
            role: user.map_or_else(|| "unknown".to_owned(), |u| u.role.name().to_owned()),
        };
        storage
            .append_audit(&NewAudit::new(&actor, "login_failed", Some(name)))
            .await?;
        bail!("--as {name}: wrong name or password, or the user is disabled");
    }
    let Some(user) = user else {
        bail!("--as {name}: wrong name or password, or the user is disabled");
    };
    let staff = Staff {
        name: user.name,
        role: user.role,
        sites: user.sites,
    };
    if staff.allow(action).is_err() {
        bail!("--as {name}: a {} may not run this command", staff.role);
    }
    Ok(Runner {
        actor: staff.actor(),
        staff: Some(staff),
    })
}
