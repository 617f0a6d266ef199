//! Adding, disabling and listing users (issue 14 point 1): the checks behind `mimik-server user`.

use crate::error::Error;
use crate::roles::{Role, ScopeError, check_scope};
use crate::storage::{Actor, NewAudit, Storage, UserRow};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeSet;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Why a user could not be added or disabled.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// An empty or over-long name.
    #[error("the user name must be 1 to 100 characters")]
    BadName,
    /// A password shorter than [`MIN_PASSWORD_CHARS`].
    #[error("the password must be at least {MIN_PASSWORD_CHARS} characters")]
    ShortPassword,
    /// Sites that do not fit the role.
    #[error(transparent)]
    Scope(#[from] ScopeError),
    /// A `--site` no study has.
    #[error("no study has a site {0:?}: add it first with `site add`")]
    NoSuchSite(String),
    /// The name is taken.
    #[error("a user {0:?} already exists")]
    Exists(String),
    /// No user of that name.
    #[error("there is no user {0:?}")]
    NoSuchUser(String),
    /// The database or hashing.
    #[error(transparent)]
    Storage(#[from] Error),
}

/// One user as `user list --json` prints them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserListing {
    /// Login name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Sites (empty for the roles that see every site).
    pub sites: Vec<String>,
    /// Whether the user was disabled.
    pub disabled: bool,
}

impl From<UserRow> for UserListing {
    fn from(row: UserRow) -> Self {
        UserListing {
            name: row.name,
            role: row.role,
            sites: row.sites.into_iter().collect(),
            disabled: row.disabled_at.is_some(),
        }
    }
}

/// Add a user with `role` at `sites`; the password is hashed with Argon2id here.
pub async fn add(
    storage: &dyn Storage,
    name: &str,
    password: &str,
    role: Role,
    sites: &[String],
    actor: &Actor,
) -> Result<UserListing, UserError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(UserError::BadName);
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(UserError::ShortPassword);
    }
    let sites: BTreeSet<String> = sites.iter().map(|s| s.trim().to_owned()).collect();
    check_scope(role, &sites)?;
    let known: BTreeSet<String> = storage.sites().await?.into_iter().map(|s| s.site).collect();
    if let Some(unknown) = sites.iter().find(|s| !known.contains(*s)) {
        return Err(UserError::NoSuchSite(unknown.clone()));
    }
    let hash = crate::secrets::hash_password(password)?;
    let audit = NewAudit::new(actor, "user_added", Some(name))
        .after(json!({"role": role.name(), "sites": sites, "disabled": false}));
    if !storage
        .add_user(name, &hash, role, &sites, &crate::now(), &audit)
        .await?
    {
        return Err(UserError::Exists(name.to_owned()));
    }
    Ok(UserListing {
        name: name.to_owned(),
        role,
        sites: sites.into_iter().collect(),
        disabled: false,
    })
}

/// Disable `name`: they can no longer log in and their sessions end. The row stays. Disabling
/// a disabled user changes nothing.
pub async fn disable(storage: &dyn Storage, name: &str, actor: &Actor) -> Result<(), UserError> {
    let name = name.trim();
    match storage.credentials(name).await? {
        None => return Err(UserError::NoSuchUser(name.to_owned())),
        // Already disabled: nothing changes, nothing is audited.
        Some(c) if c.disabled => return Ok(()),
        Some(_) => {}
    }
    let audit = NewAudit::new(actor, "user_disabled", Some(name))
        .before(json!({"disabled": false}))
        .after(json!({"disabled": true}));
    if storage.disable_user(name, &crate::now(), &audit).await? {
        Ok(())
    } else {
        Err(UserError::NoSuchUser(name.trim().to_owned()))
    }
}

/// Every user, by name.
pub async fn list(storage: &dyn Storage) -> Result<Vec<UserListing>, UserError> {
    Ok(storage
        .users()
        .await?
        .into_iter()
        .map(UserListing::from)
        .collect())
}
