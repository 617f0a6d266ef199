//! Study bundle rows (issue 12): one row per published version of a study, written once and
//! never updated. Its own trait, a supertrait of [`Storage`](super::Storage), stamped out for
//! both backends by [`impl_bundle_store`] with the same portable SQL as [`super::sql`].

use crate::error::Result;
use async_trait::async_trait;

/// One published version of a study's bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleRow {
    /// Study id.
    pub study: String,
    /// Its version (1, 2, …).
    pub version: i64,
    /// SHA-256 of `bundle`.
    pub sha256: String,
    /// The canonical bundle text, as signed.
    pub bundle: String,
    /// Ed25519 signature over `bundle`, hex.
    pub signature: String,
    /// The signing public key, hex.
    pub public_key: String,
    /// When it was published.
    pub published_at: String,
}

/// Where bundle versions are kept.
#[async_trait]
pub trait BundleStore {
    /// Store a new bundle version; `false` when that study already has that version (another
    /// publisher came first), and nothing is written or audited.
    async fn add_bundle(&self, row: &BundleRow, audit: &super::NewAudit) -> Result<bool>;
    /// Every bundle version of every study, by study and version.
    async fn bundles(&self) -> Result<Vec<BundleRow>>;
    /// The newest version of each study, by study.
    async fn latest_bundles(&self) -> Result<Vec<BundleRow>>;
}

macro_rules! impl_bundle_store {
    ($backend:ty) => {
        #[async_trait::async_trait]
        impl $crate::storage::BundleStore for $backend {
            async fn add_bundle(
                &self,
                row: &$crate::storage::BundleRow,
                audit: &$crate::storage::NewAudit,
            ) -> $crate::Result<bool> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(
                    "INSERT INTO study_bundles \
                     (study, version, sha256, bundle, signature, public_key, published_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                )
                .bind(&row.study)
                .bind(row.version)
                .bind(&row.sha256)
                .bind(&row.bundle)
                .bind(&row.signature)
                .bind(&row.public_key)
                .bind(&row.published_at)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() != 1 {
                    return Ok(false);
                }
                $crate::storage::audit::append_audit_in!(self, tx, audit);
                tx.commit().await?;
                Ok(true)
            }

            async fn bundles(&self) -> $crate::Result<Vec<$crate::storage::BundleRow>> {
                let rows: Vec<$crate::storage::rows::BundleTuple> = sqlx::query_as(
                    "SELECT study, version, sha256, bundle, signature, public_key, published_at \
                     FROM study_bundles ORDER BY study, version",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map($crate::storage::rows::bundle).collect())
            }

            async fn latest_bundles(&self) -> $crate::Result<Vec<$crate::storage::BundleRow>> {
                let rows: Vec<$crate::storage::rows::BundleTuple> = sqlx::query_as(
                    "SELECT study, version, sha256, bundle, signature, public_key, published_at \
                     FROM study_bundles b \
                     WHERE version = (SELECT MAX(version) FROM study_bundles WHERE study = b.study) \
                     ORDER BY study",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map($crate::storage::rows::bundle).collect())
            }
        }
    };
}

pub(crate) use impl_bundle_store;
