//! The SQLite backend: one file in the data directory, WAL, `synchronous=FULL` (a commit is on
//! disk before the server answers), foreign keys on. Write transactions begin `IMMEDIATE` so two
//! concurrent batches queue on the busy timeout instead of failing on a lock upgrade.

use super::keyfile::{self, DbKey};
use crate::error::{Error, Result};
use sqlx::Connection;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: Migrator = sqlx::migrate!("../../migrations/server/sqlite");

/// [`Storage`](super::Storage) on SQLite.
#[derive(Debug, Clone)]
pub struct SqliteStorage {
    pool: SqlitePool,
}

impl SqliteStorage {
    /// Open (creating it on first start) and migrate the database file at `path`, encrypted
    /// with `key`; a plaintext database from an older server is encrypted first.
    pub async fn open_file(path: &Path, key: &DbKey) -> Result<Self> {
        Self::with_options(SqliteConnectOptions::new().filename(path), key).await
    }

    /// Open and migrate the database of an `sqlite://PATH` URL, encrypted with `key`.
    pub async fn connect(url: &str, key: &DbKey) -> Result<Self> {
        Self::with_options(SqliteConnectOptions::from_str(url)?, key).await
    }

    async fn with_options(options: SqliteConnectOptions, key: &DbKey) -> Result<Self> {
        let path = options.get_filename().to_path_buf();
        if is_plaintext_sqlite(&path)? {
            encrypt_in_place(&path, key).await?;
        }
        keyfile::private_file(&path)?;
        let options = options
            // sqlx runs `key` before every other pragma, as SQLCipher requires.
            .pragma("key", format!("\"{}\"", key.sql_value()))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(15));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(15))
            .connect_with(options)
            .await?;
        let cipher: Option<(String,)> = sqlx::query_as("PRAGMA cipher_version")
            .fetch_optional(&pool)
            .await?;
        if cipher.is_none() {
            return Err(Error::DataDir(
                "this mimik-server was built without SQLCipher: the database would be plaintext"
                    .into(),
            ));
        }
        MIGRATOR.run(&pool).await?;
        Ok(SqliteStorage { pool })
    }

    /// What an audit append runs first in its transaction (`BEGIN IMMEDIATE` already
    /// serialises SQLite writers).
    fn audit_lock(&self) -> Option<&'static str> {
        None
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

super::sql::impl_storage!(SqliteStorage, sqlx::Sqlite);
super::bundles::impl_bundle_store!(SqliteStorage);
super::sites::impl_site_store!(SqliteStorage);
super::users::impl_user_store!(SqliteStorage);
super::audit::impl_audit_store!(SqliteStorage);
super::statuses::impl_status_store!(SqliteStorage);
super::queries::impl_query_store!(SqliteStorage);

/// Whether `path` is an unencrypted SQLite database (its first 16 bytes say so in plaintext).
fn is_plaintext_sqlite(path: &Path) -> Result<bool> {
    use std::io::Read;
    let mut header = [0u8; 16];
    match std::fs::File::open(path) {
        Ok(mut file) => Ok(file.read_exact(&mut header).is_ok() && &header == b"SQLite format 3\0"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::DataDir(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

/// Encrypt an older server's plaintext database: copy it with `sqlcipher_export` into a new
/// file keyed with `key`, make that durable, then rename it over the old one (a crash before the
/// rename leaves the old file as it was; the half-made copy is replaced on the next start).
async fn encrypt_in_place(path: &Path, key: &DbKey) -> Result<()> {
    let encrypting = path.with_extension("db-encrypting");
    let _ = std::fs::remove_file(&encrypting);
    keyfile::private_file(&encrypting)?;
    let mut plain =
        sqlx::sqlite::SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(path))
            .await?;
    sqlx::query("ATTACH DATABASE ?1 AS encrypted KEY ?2")
        .bind(encrypting.to_string_lossy().into_owned())
        .bind(key.sql_value())
        .execute(&mut plain)
        .await?;
    sqlx::query("SELECT sqlcipher_export('encrypted')")
        .execute(&mut plain)
        .await?;
    sqlx::query("DETACH DATABASE encrypted")
        .execute(&mut plain)
        .await?;
    plain.close().await?;
    let durable =
        |e: std::io::Error| Error::DataDir(format!("cannot encrypt {}: {e}", path.display()));
    std::fs::File::open(&encrypting)
        .and_then(|f| f.sync_all())
        .map_err(durable)?;
    for stale in ["-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(stale);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
    std::fs::rename(&encrypting, path).map_err(durable)?;
    if let Some(dir) = path.parent() {
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(durable)?;
    }
    tracing::warn!("the plaintext database was encrypted with the database key");
    Ok(())
}
