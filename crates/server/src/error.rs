//! The library's error type. HTTP handlers map it once, in [`crate::problem::ApiError`].

/// What can go wrong below the HTTP boundary.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database could not be reached or refused a statement.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A schema migration failed.
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A `--db` URL this server cannot use.
    #[error(
        "unsupported database URL {0:?}: use sqlite://PATH or postgres://USER:PASSWORD@HOST/DB"
    )]
    UnsupportedDatabase(String),
    /// Stored data that does not parse (should never happen: it was checked on the way in).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The shipped study or a content pack does not load.
    #[error("the built-in study file or a content pack is invalid: {0}")]
    Catalog(String),
    /// Writing an export failed.
    #[error("could not write the export: {0}")]
    Export(String),
    /// Password hashing failed.
    #[error("password hashing failed: {0}")]
    Password(String),
    /// The data directory, the database key file or the database file could not be set up.
    #[error("{0}")]
    DataDir(String),
    /// The operating system's random number generator failed.
    #[error("no randomness available from the operating system: {0}")]
    Random(String),
}

/// Result with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
