//! The one error type of `mimik-device`. Messages say what to do next and never contain patient
//! data (answers, free text); pseudonyms, ids and staff ids are fine.

use mimik_domain::Issue;
use mimik_domain::problem::ProblemCode;
use std::path::PathBuf;

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong on the tablet.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No store in the data directory.
    #[error("no Mimik store in {0}: run `mimik init` first")]
    NotInitialized(PathBuf),
    /// `init` over an existing store.
    #[error("a Mimik store already exists in {0}; nothing was changed")]
    AlreadyInitialized(PathBuf),
    /// The database file is gone but its key slots are there.
    #[error(
        "the database file {0} is missing; restore it from backup (no new database was created)"
    )]
    DatabaseMissing(PathBuf),
    /// `init` was interrupted before it finished; nothing was saved in the store.
    #[error(
        "setting up this store was interrupted before it finished and nothing was saved in it: run `mimik init` again"
    )]
    InitInterrupted,
    /// No staff slot opened with this passphrase.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// The recovery slot did not open with this key.
    #[error("wrong recovery key")]
    WrongRecoveryKey,
    /// No such staff member.
    #[error("no staff member {0:?} on this tablet")]
    UnknownStaff(String),
    /// A re-key cannot reach these format-1 slots yet.
    #[error(
        "the store cannot be re-keyed yet: {} predate sealed key slots; each must unlock once (staff with their passphrase, recovery with MIMIK_RECOVERY_KEY), then re-key. Nothing was changed",
        .0.join(", ")
    )]
    RekeyBlocked(Vec<String>),
    /// A secret too weak to wrap the database key.
    #[error(
        "a passphrase that opens the store needs at least 10 characters and not only digits, because a copy of the tablet's files can be guessed against offline; a short PIN is only for the quick unlock of a running tablet"
    )]
    WeakPassphrase,
    /// This staff member unlocked with a short secret from before PINs were split from
    /// passphrases: they must choose a passphrase before anything else.
    #[error(
        "you unlocked with a short secret that a copy of the tablet's files can be guessed against: choose a passphrase of at least 10 characters, not only digits (`mimik staff passphrase`), before going on"
    )]
    PassphraseChangeRequired,
    /// A PIN was given where only the passphrase opens the store.
    #[error(
        "a PIN only unlocks a tablet whose screen was locked while it ran; after a restart, a long lock or too many wrong PINs, enter your passphrase"
    )]
    PassphraseNeeded,
    /// Too many failed unlocks in a row.
    #[error("too many wrong passphrases: wait {retry_after_s} s, then try again")]
    TooManyAttempts {
        /// Seconds until the next attempt is allowed.
        retry_after_s: u64,
    },
    /// The key slot file is missing, unreadable or inconsistent.
    #[error(
        "the key slots cannot be used ({0}); unlock with the recovery key or restore keyslots.json"
    )]
    KeySlots(String),
    /// The database failed an integrity check just now. It has been quarantined.
    #[error(
        "the store failed an integrity check ({0}); it is kept unchanged and quarantined: no new data will be written to it. Contact the study's data manager"
    )]
    Tampered(String),
    /// A study bundle from the server failed a check; the bundle in force stays.
    #[error("the study bundle from the server was refused ({0}); the bundle in force stays")]
    BundleRefused(String),
    /// An earlier integrity failure quarantined this store.
    #[error(
        "this store is quarantined after an integrity failure ({0}); it is kept for investigation and takes no new data. Contact the study's data manager"
    )]
    Quarantined(String),
    /// The disk is full. Nothing of the failed operation was saved.
    #[error("storage is full: nothing was saved. Free space on the tablet, then try again")]
    StorageFull,
    /// Answers that do not validate.
    #[error("{} answer(s) are invalid", .0.len())]
    InvalidAnswers(Vec<Issue>),
    /// Other input that does not validate; the message says what is expected.
    #[error("{0}")]
    Invalid(String),
    /// The patient session is not open any more.
    #[error("this session has ended; start a new one")]
    SessionEnded,
    /// A participant this tablet does not know.
    #[error("participant {0} is not registered on this tablet: add them first")]
    UnknownParticipant(String),
    /// A pseudonym that is registered already.
    #[error("participant {0} is already registered")]
    ParticipantExists(String),
    /// A submission id this tablet does not know.
    #[error("no submission {0} on this tablet")]
    UnknownSubmission(String),
    /// A file could not be read or written.
    #[error("could not access {what}: {source}")]
    Io {
        /// Which file.
        what: &'static str,
        /// The cause.
        source: std::io::Error,
    },
    /// A schema migration failed; the store is unchanged.
    #[error("could not update the store's schema: {0}")]
    Migration(String),
    /// The operating system's random source failed.
    #[error("no secure randomness available: {0}")]
    Random(#[from] getrandom::Error),
    /// This tablet has not been enrolled with a study server.
    #[error("this tablet is not enrolled: run `mimik enroll --server URL --code CODE`")]
    NotEnrolled,
    /// The server refused this device: everything unsynced is kept.
    #[error(
        "the server revoked this device; every unsynced item is kept. Re-enroll with a new code"
    )]
    DeviceRevoked,
    /// The server refused the token (unknown device).
    #[error("the server does not recognise this device's token; re-enroll with a new code")]
    Unauthorized,
    /// A server URL that is not acceptable.
    #[error("{0}")]
    BadServerUrl(String),
    /// The network or TLS failed; worth retrying.
    #[error("could not reach the server: {0}")]
    Network(String),
    /// The server answered with an error.
    #[error("the server answered {status} {}: {message}", code_text(.code.as_ref()))]
    Server {
        /// HTTP status.
        status: u16,
        /// Its code, when the answer had the documented error shape.
        code: Option<ProblemCode>,
        /// Its message.
        message: String,
    },
    /// The server (or a proxy in front of it) refused a request as too large (HTTP 413), with
    /// the server's limits when it said them.
    #[error("the server refused the batch as too large ({})", code_text(.code.as_ref()))]
    TooLarge {
        /// `body_too_large` or `batch_too_large`; `None` from a proxy without the error shape.
        code: Option<ProblemCode>,
        /// The limits from the answer's details.
        limits: Option<mimik_domain::protocol::Limits>,
    },
    /// The server answered something that is not a valid answer (never counted as success).
    #[error("the server's answer is not valid: {0}")]
    BadResponse(String),
    /// Any other database failure.
    #[error("database error: {0}")]
    Database(rusqlite::Error),
}

impl Error {
    /// A mapper for I/O errors on `what`, turning "disk full" into [`Error::StorageFull`].
    pub fn io(what: &'static str) -> impl FnOnce(std::io::Error) -> Error {
        move |source| {
            if crate::fsutil::is_storage_full(&source) {
                Error::StorageFull
            } else {
                Error::Io { what, source }
            }
        }
    }

    /// Whether retrying later may succeed (network down, server busy or failing).
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Network(_) | Error::BadResponse(_) => true,
            Error::Server { status, .. } => *status >= 500 || *status == 429 || *status == 408,
            _ => false,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match error.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => Error::StorageFull,
            Some(ErrorCode::NotADatabase) => Error::Tampered(
                "a page does not decrypt: damaged, altered or not this tablet's database".into(),
            ),
            Some(ErrorCode::DatabaseCorrupt) => Error::Tampered("the database is corrupt".into()),
            _ => Error::Database(error),
        }
    }
}

impl From<rusqlite_migration::Error> for Error {
    fn from(error: rusqlite_migration::Error) -> Self {
        match error {
            rusqlite_migration::Error::RusqliteError { err, .. } => Error::from(err),
            other => Error::Migration(other.to_string()),
        }
    }
}

/// A server code for a message, or what stands in for a missing one.
pub(crate) fn code_text(code: Option<&ProblemCode>) -> &str {
    code.map_or("without an error code", ProblemCode::as_str)
}
