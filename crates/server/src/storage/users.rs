//! Users, their roles and sites, and their login sessions (issue 14 point 1). Its own trait, a
//! supertrait of [`Storage`](super::Storage), stamped out for both backends by
//! [`impl_user_store`] with the same portable SQL as [`super::sql`].

use crate::error::{Error, Result};
use crate::roles::{Role, Staff};
use async_trait::async_trait;
use std::collections::BTreeSet;

/// A user as `user list` shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    /// Login name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Sites of a coordinator or clinician.
    pub sites: BTreeSet<String>,
    /// When the user was disabled.
    pub disabled_at: Option<String>,
}

/// What a login checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The Argon2id hash.
    pub password_hash: String,
    /// Whether the user was disabled (a disabled user cannot log in).
    pub disabled: bool,
}

/// Where users and sessions are kept.
#[async_trait]
pub trait UserStore {
    /// Add a user with a role and sites, in one transaction; `false` when the name is taken.
    async fn add_user(
        &self,
        name: &str,
        password_hash: &str,
        role: Role,
        sites: &BTreeSet<String>,
        now: &str,
        audit: &super::NewAudit,
    ) -> Result<bool>;
    /// Every user, by name.
    async fn users(&self) -> Result<Vec<UserRow>>;
    /// Disable a user and end their sessions; `false` when there is no such user. Disabling a
    /// disabled user keeps the first date.
    async fn disable_user(&self, name: &str, now: &str, audit: &super::NewAudit) -> Result<bool>;
    /// The password hash and state of `name`, if there is such a user.
    async fn credentials(&self, name: &str) -> Result<Option<Credentials>>;
    /// Start a session.
    async fn create_session(
        &self,
        token_sha256: &str,
        user: &str,
        now: &str,
        expires_at: &str,
    ) -> Result<()>;
    /// The user of a live session, unless they were disabled since.
    async fn session_staff(&self, token_sha256: &str, now: &str) -> Result<Option<Staff>>;
    /// End a session.
    async fn delete_session(&self, token_sha256: &str) -> Result<()>;
}

/// A stored role name back to the role.
pub fn stored_role(name: &str) -> Result<Role> {
    name.parse()
        .map_err(|e: crate::roles::UnknownRole| Error::Corrupt(e.to_string()))
}

macro_rules! impl_user_store {
    ($backend:ty) => {
        #[async_trait::async_trait]
        impl $crate::storage::UserStore for $backend {
            async fn add_user(
                &self,
                name: &str,
                password_hash: &str,
                role: $crate::roles::Role,
                sites: &std::collections::BTreeSet<String>,
                now: &str,
                audit: &$crate::storage::NewAudit,
            ) -> $crate::Result<bool> {
                let mut tx = self.begin_write().await?;
                let added = sqlx::query(
                    "INSERT INTO users (name, password_hash, created_at, role) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                )
                .bind(name)
                .bind(password_hash)
                .bind(now)
                .bind(role.name())
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if added != 1 {
                    return Ok(false);
                }
                for site in sites {
                    sqlx::query("INSERT INTO user_sites (user_name, site) VALUES ($1, $2)")
                        .bind(name)
                        .bind(site)
                        .execute(&mut *tx)
                        .await?;
                }
                $crate::storage::audit::append_audit_in!(self, tx, audit);
                tx.commit().await?;
                Ok(true)
            }

            async fn users(&self) -> $crate::Result<Vec<$crate::storage::UserRow>> {
                let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
                    "SELECT name, role, disabled_at FROM users ORDER BY name",
                )
                .fetch_all(&self.pool)
                .await?;
                let sites: Vec<(String, String)> =
                    sqlx::query_as("SELECT user_name, site FROM user_sites ORDER BY user_name, site")
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter()
                    .map(|(name, role, disabled_at)| {
                        Ok($crate::storage::UserRow {
                            sites: sites
                                .iter()
                                .filter(|(user, _)| *user == name)
                                .map(|(_, site)| site.clone())
                                .collect(),
                            role: $crate::storage::users::stored_role(&role)?,
                            name,
                            disabled_at,
                        })
                    })
                    .collect()
            }

            async fn disable_user(
                &self,
                name: &str,
                now: &str,
                audit: &$crate::storage::NewAudit,
            ) -> $crate::Result<bool> {
                let mut tx = self.begin_write().await?;
                let known = sqlx::query(
                    "UPDATE users SET disabled_at = COALESCE(disabled_at, $2) WHERE name = $1",
                )
                .bind(name)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                sqlx::query("DELETE FROM sessions WHERE user_name = $1")
                    .bind(name)
                    .execute(&mut *tx)
                    .await?;
                if known == 1 {
                    $crate::storage::audit::append_audit_in!(self, tx, audit);
                }
                tx.commit().await?;
                Ok(known == 1)
            }

            async fn credentials(
                &self,
                name: &str,
            ) -> $crate::Result<Option<$crate::storage::Credentials>> {
                let row: Option<(String, Option<String>)> = sqlx::query_as(
                    "SELECT password_hash, disabled_at FROM users WHERE name = $1",
                )
                .bind(name)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|(password_hash, disabled_at)| $crate::storage::Credentials {
                    password_hash,
                    disabled: disabled_at.is_some(),
                }))
            }

            async fn create_session(
                &self,
                token_sha256: &str,
                user: &str,
                now: &str,
                expires_at: &str,
            ) -> $crate::Result<()> {
                sqlx::query(
                    "INSERT INTO sessions (token_sha256, user_name, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(token_sha256)
                .bind(user)
                .bind(now)
                .bind(expires_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn session_staff(
                &self,
                token_sha256: &str,
                now: &str,
            ) -> $crate::Result<Option<$crate::roles::Staff>> {
                let row: Option<(String, String)> = sqlx::query_as(
                    "SELECT u.name, u.role FROM sessions s JOIN users u ON u.name = s.user_name \
                     WHERE s.token_sha256 = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL",
                )
                .bind(token_sha256)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                let Some((name, role)) = row else {
                    return Ok(None);
                };
                let sites: Vec<(String,)> =
                    sqlx::query_as("SELECT site FROM user_sites WHERE user_name = $1")
                        .bind(&name)
                        .fetch_all(&self.pool)
                        .await?;
                Ok(Some($crate::roles::Staff {
                    role: $crate::storage::users::stored_role(&role)?,
                    sites: sites.into_iter().map(|(s,)| s).collect(),
                    name,
                }))
            }

            async fn delete_session(&self, token_sha256: &str) -> $crate::Result<()> {
                sqlx::query("DELETE FROM sessions WHERE token_sha256 = $1")
                    .bind(token_sha256)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
        }
    };
}

pub(crate) use impl_user_store;
