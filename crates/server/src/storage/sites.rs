//! Site rows (issue 12): a site belongs to one study and is made once, by `site add`. Its own
//! trait, a supertrait of [`Storage`](super::Storage), stamped out for both backends by
//! [`impl_site_store`] with the same portable SQL as [`super::sql`].

use crate::error::Result;
use async_trait::async_trait;

/// A site of a study.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteRow {
    /// Study id.
    pub study: String,
    /// Site id, as `enrollment-code --site` names it.
    pub site: String,
    /// Its name for people.
    pub name: String,
    /// When it was made.
    pub created_at: String,
}

/// Where sites are kept.
#[async_trait]
pub trait SiteStore {
    /// Store a site and audit it; `false` when the study already has a site of that id
    /// (nothing changes, nothing is audited).
    async fn add_site(&self, row: &SiteRow, audit: &super::NewAudit) -> Result<bool>;
    /// Every site, by study and site.
    async fn sites(&self) -> Result<Vec<SiteRow>>;
    /// `(site, pseudonym)` of every participant registered in `study`, without the bodies: what
    /// a batch's site check needs on every sync.
    async fn registered(&self, study: &str) -> Result<Vec<(String, String)>>;
}

macro_rules! impl_site_store {
    ($backend:ty) => {
        #[async_trait::async_trait]
        impl $crate::storage::SiteStore for $backend {
            async fn add_site(
                &self,
                row: &$crate::storage::SiteRow,
                audit: &$crate::storage::NewAudit,
            ) -> $crate::Result<bool> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(
                    "INSERT INTO sites (study, site, name, created_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                )
                .bind(&row.study)
                .bind(&row.site)
                .bind(&row.name)
                .bind(&row.created_at)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() != 1 {
                    return Ok(false);
                }
                $crate::storage::audit::append_audit_in!(self, tx, audit);
                tx.commit().await?;
                Ok(true)
            }

            async fn sites(&self) -> $crate::Result<Vec<$crate::storage::SiteRow>> {
                let rows: Vec<(String, String, String, String)> = sqlx::query_as(
                    "SELECT study, site, name, created_at FROM sites ORDER BY study, site",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(study, site, name, created_at)| $crate::storage::SiteRow {
                        study,
                        site,
                        name,
                        created_at,
                    })
                    .collect())
            }

            async fn registered(&self, study: &str) -> $crate::Result<Vec<(String, String)>> {
                Ok(sqlx::query_as(
                    "SELECT DISTINCT d.site, s.participant \
                     FROM submissions s JOIN devices d ON d.id = s.device_id \
                     WHERE s.kind = 'participant' AND d.study = $1",
                )
                .bind(study)
                .fetch_all(&self.pool)
                .await?)
            }
        }
    };
}

pub(crate) use impl_site_store;
