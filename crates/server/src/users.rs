//! Adding, disabling and listing users (issue 14 point 1): the checks behind `mimik-server user`.

use crate::error::Error;
use crate::roles::{Role, ScopeError, check_scope};
use crate::storage::{Storage, UserRow};
use serde::Serialize;
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
    if !storage
        .add_user(name, &hash, role, &sites, &crate::now())
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

/// Disable `name`: they can no longer log in and their sessions end. The row stays.
pub async fn disable(storage: &dyn Storage, name: &str) -> Result<(), UserError> {
    if storage.disable_user(name.trim(), &crate::now()).await? {
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
