//! Data queries (issue 14 point 6): a query and every step of it (opened, answered, closed,
//! re-opened) are append-only rows, each written with its audit row in one transaction. Its own
//! trait, a supertrait of [`Storage`](super::Storage), stamped out for both backends by
//! [`impl_query_store`].

use crate::error::Result;
use async_trait::async_trait;

/// A query as opened: what it is about and who opened it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryRow {
    /// UUIDv7.
    pub id: String,
    /// Study id.
    pub study: String,
    /// Site id.
    pub site: String,
    /// Pseudonym.
    pub pseudonym: String,
    /// The time point it is about, if any.
    pub timepoint: Option<String>,
    /// The submission it is about, if any.
    pub submission_id: Option<String>,
    /// Who opened it (only they close or re-open it).
    pub opened_by: String,
    /// In which role.
    pub opened_role: String,
    /// When (RFC 3339 UTC).
    pub opened_at: String,
}

/// One step of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryEventRow {
    /// UUIDv7 (their order is the order of steps).
    pub id: String,
    /// The query.
    pub query_id: String,
    /// `open`, `answer`, `close` or `reopen`.
    pub action: String,
    /// The text written with it.
    pub text: String,
    /// Who.
    pub actor: String,
    /// In which role.
    pub role: String,
    /// When (RFC 3339 UTC).
    pub at: String,
}

/// Where queries are kept.
#[async_trait]
pub trait QueryStore {
    /// Store a new query with its opening step and audit row.
    async fn open_query(
        &self,
        query: &QueryRow,
        first: &QueryEventRow,
        audit: &super::NewAudit,
    ) -> Result<()>;
    /// Append a step and its audit row.
    async fn add_query_event(&self, event: &QueryEventRow, audit: &super::NewAudit) -> Result<()>;
    /// Every query, oldest first.
    async fn queries(&self) -> Result<Vec<QueryRow>>;
    /// Every step of every query, oldest first.
    async fn query_events(&self) -> Result<Vec<QueryEventRow>>;
}

macro_rules! impl_query_store {
    ($backend:ty) => {
        #[async_trait::async_trait]
        impl $crate::storage::QueryStore for $backend {
            async fn open_query(
                &self,
                query: &$crate::storage::QueryRow,
                first: &$crate::storage::QueryEventRow,
                audit: &$crate::storage::NewAudit,
            ) -> $crate::Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO queries (id, study, site, pseudonym, timepoint, submission_id, \
                     opened_by, opened_role, opened_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(&query.id)
                .bind(&query.study)
                .bind(&query.site)
                .bind(&query.pseudonym)
                .bind(&query.timepoint)
                .bind(&query.submission_id)
                .bind(&query.opened_by)
                .bind(&query.opened_role)
                .bind(&query.opened_at)
                .execute(&mut *tx)
                .await?;
                $crate::storage::queries::insert_event!(tx, first);
                $crate::storage::audit::append_audit_in!(self, tx, audit);
                tx.commit().await?;
                Ok(())
            }

            async fn add_query_event(
                &self,
                event: &$crate::storage::QueryEventRow,
                audit: &$crate::storage::NewAudit,
            ) -> $crate::Result<()> {
                let mut tx = self.begin_write().await?;
                $crate::storage::queries::insert_event!(tx, event);
                $crate::storage::audit::append_audit_in!(self, tx, audit);
                tx.commit().await?;
                Ok(())
            }

            async fn queries(&self) -> $crate::Result<Vec<$crate::storage::QueryRow>> {
                #[allow(clippy::type_complexity)]
                let rows: Vec<(
                    String,
                    String,
                    String,
                    String,
                    Option<String>,
                    Option<String>,
                    String,
                    String,
                    String,
                )> = sqlx::query_as(
                    "SELECT id, study, site, pseudonym, timepoint, submission_id, opened_by, \
                     opened_role, opened_at FROM queries ORDER BY id",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| $crate::storage::QueryRow {
                        id: r.0,
                        study: r.1,
                        site: r.2,
                        pseudonym: r.3,
                        timepoint: r.4,
                        submission_id: r.5,
                        opened_by: r.6,
                        opened_role: r.7,
                        opened_at: r.8,
                    })
                    .collect())
            }

            async fn query_events(&self) -> $crate::Result<Vec<$crate::storage::QueryEventRow>> {
                let rows: Vec<(String, String, String, String, String, String, String)> =
                    sqlx::query_as(
                        "SELECT id, query_id, action, text, actor, role, at FROM query_events \
                         ORDER BY id",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| $crate::storage::QueryEventRow {
                        id: r.0,
                        query_id: r.1,
                        action: r.2,
                        text: r.3,
                        actor: r.4,
                        role: r.5,
                        at: r.6,
                    })
                    .collect())
            }
        }
    };
}

pub(crate) use impl_query_store;

/// Insert one [`QueryEventRow`] in the open transaction `$tx`.
macro_rules! insert_event {
    ($tx:expr, $event:expr) => {
        sqlx::query(
            "INSERT INTO query_events (id, query_id, action, text, actor, role, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&$event.id)
        .bind(&$event.query_id)
        .bind(&$event.action)
        .bind(&$event.text)
        .bind(&$event.actor)
        .bind(&$event.role)
        .bind(&$event.at)
        .execute(&mut *$tx)
        .await?;
    };
}

pub(crate) use insert_event;
