//! The PostgreSQL backend, for multi-site trials: stateless servers behind a load balancer, one
//! database. READ COMMITTED is enough: every write is an `INSERT … ON CONFLICT DO NOTHING`
//! followed by a read of what won, and UNIQUE constraints make concurrent batches wait.

use crate::error::Result;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: Migrator = sqlx::migrate!("../../migrations/server/postgres");

/// [`Storage`](super::Storage) on PostgreSQL.
#[derive(Debug, Clone)]
pub struct PostgresStorage {
    pool: PgPool,
}

impl PostgresStorage {
    /// Connect to `url` and migrate its default schema.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::with_options(PgConnectOptions::from_str(url)?).await
    }

    /// Connect with `search_path` set to `schema`, creating the schema first: tests use one
    /// schema each so runs never collide. `schema` must be a plain identifier.
    pub async fn connect_in_schema(url: &str, schema: &str) -> Result<Self> {
        if schema.is_empty()
            || !schema
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(crate::Error::UnsupportedDatabase(format!(
                "schema {schema}"
            )));
        }
        let options = PgConnectOptions::from_str(url)?;
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE SCHEMA IF NOT EXISTS {schema}"
        )))
        .execute(&admin)
        .await?;
        admin.close().await;
        Self::with_options(options.options([("search_path", schema)])).await
    }

    async fn with_options(options: PgConnectOptions) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(15))
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(PostgresStorage { pool })
    }

    /// What an audit append runs first in its transaction: a lock only audit appends take, so
    /// two never read the same last row (readers are not blocked).
    fn audit_lock(&self) -> Option<&'static str> {
        Some("LOCK TABLE audit IN SHARE ROW EXCLUSIVE MODE")
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        Ok(self.pool.begin().await?)
    }
}

super::sql::impl_storage!(PostgresStorage, sqlx::Postgres);
super::bundles::impl_bundle_store!(PostgresStorage);
super::sites::impl_site_store!(PostgresStorage);
super::users::impl_user_store!(PostgresStorage);
super::audit::impl_audit_store!(PostgresStorage);
super::statuses::impl_status_store!(PostgresStorage);
super::queries::impl_query_store!(PostgresStorage);
