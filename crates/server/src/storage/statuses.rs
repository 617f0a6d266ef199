//! Participant status history (issue 14 point 2): one append-only row per change, with who
//! made it and why, written with its audit row in one transaction. Its own trait, a supertrait
//! of [`Storage`](super::Storage), stamped out for both backends by [`impl_status_store`].

use crate::error::Result;
use async_trait::async_trait;

/// One status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRow {
    /// UUIDv7 of the change (its order is the order of changes).
    pub id: String,
    /// Study id.
    pub study: String,
    /// Site id.
    pub site: String,
    /// Pseudonym.
    pub pseudonym: String,
    /// The new status (`mimik_domain::study::status::ParticipantStatus::name`).
    pub status: String,
    /// The day it took effect (YYYY-MM-DD).
    pub effective_on: String,
    /// Why.
    pub reason: String,
    /// Who.
    pub actor: String,
    /// In which role.
    pub role: String,
    /// When it was recorded (RFC 3339 UTC).
    pub recorded_at: String,
}

/// Where status changes are kept.
#[async_trait]
pub trait StatusStore {
    /// Append a change and its audit row.
    async fn add_status(&self, row: &StatusRow, audit: &super::NewAudit) -> Result<()>;
    /// Every change, oldest first.
    async fn statuses(&self) -> Result<Vec<StatusRow>>;
}

macro_rules! impl_status_store {
    ($backend:ty) => {
        #[async_trait::async_trait]
        impl $crate::storage::StatusStore for $backend {
            async fn add_status(
                &self,
                row: &$crate::storage::StatusRow,
                audit: &$crate::storage::NewAudit,
            ) -> $crate::Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO participant_status (id, study, site, pseudonym, status, \
                     effective_on, reason, actor, role, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(&row.id)
                .bind(&row.study)
                .bind(&row.site)
                .bind(&row.pseudonym)
                .bind(&row.status)
                .bind(&row.effective_on)
                .bind(&row.reason)
                .bind(&row.actor)
                .bind(&row.role)
                .bind(&row.recorded_at)
                .execute(&mut *tx)
                .await?;
                $crate::storage::audit::append_audit_in!(self, tx, audit);
                tx.commit().await?;
                Ok(())
            }

            async fn statuses(&self) -> $crate::Result<Vec<$crate::storage::StatusRow>> {
                #[allow(clippy::type_complexity)]
                let rows: Vec<(
                    String,
                    String,
                    String,
                    String,
                    String,
                    String,
                    String,
                    String,
                    String,
                    String,
                )> = sqlx::query_as(
                    "SELECT id, study, site, pseudonym, status, effective_on, reason, actor, role, \
                     recorded_at FROM participant_status ORDER BY id",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| $crate::storage::StatusRow {
                        id: r.0,
                        study: r.1,
                        site: r.2,
                        pseudonym: r.3,
                        status: r.4,
                        effective_on: r.5,
                        reason: r.6,
                        actor: r.7,
                        role: r.8,
                        recorded_at: r.9,
                    })
                    .collect())
            }
        }
    };
}

pub(crate) use impl_status_store;
