//! The app's one error type at the IPC boundary: a [`CommandError`] with an [`ErrorCode`], the
//! English message (which never holds patient data) and optional details. Every
//! [`mimik_device::Error`] maps to one code here. The codes are one enum with one catalogue
//! ([`ErrorCode::ALL`], [`ErrorCode::meaning`]); ts-rs exports it to the UI, whose compiler
//! checks that the Swedish and English messages cover every code (`ui/src/lib/errors.ts`).

use mimik_device::Error;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Every failed command rejects with this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CommandError {
    /// Stable machine-readable code.
    pub code: ErrorCode,
    /// What happened and what to do, in English; never patient data.
    pub message: String,
    /// Structured details (e.g. the list of invalid answers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "unknown")]
    pub details: Option<serde_json::Value>,
}

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal: $meaning:literal,)*) => {
        /// The stable code of a failed command. Serialised as its catalogue name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        pub enum ErrorCode {
            $($(#[$doc])* #[serde(rename = $code)] $variant,)*
        }

        impl ErrorCode {
            /// The catalogue, in order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The code as the UI receives it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }

            /// What the code means, for people reading the catalogue (the UI has its own
            /// translated messages).
            pub fn meaning(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $meaning,)*
                }
            }
        }
    };
}

error_codes! {
    NotInitialized = "not_initialized": "the tablet has no store yet: set it up",
    AlreadyInitialized = "already_initialized": "the store exists already: unlock it",
    WrongPassphrase = "wrong_passphrase": "the passphrase, PIN or recovery key does not open the store",
    LockedOut = "locked_out": "too many wrong secrets: wait `retryAfterS` seconds",
    WeakPassphrase = "weak_passphrase": "a passphrase must be at least 10 characters, not only digits",
    PassphraseChangeRequired = "passphrase_change_required": "an old short secret opened the store: choose a passphrase first",
    PassphraseNeeded = "passphrase_needed": "the key is not in memory: only a passphrase opens the store",
    InvalidInput = "invalid_input": "the request cannot be used (details may list the answers)",
    DuplicateParticipant = "duplicate_participant": "a participant with this pseudonym exists",
    NotFound = "not_found": "no such participant, submission or session",
    NotEnrolled = "not_enrolled": "the tablet is not enrolled with a study server",
    EnrollmentFailed = "enrollment_failed": "the server refused the enrollment code",
    DeviceRevoked = "device_revoked": "the server no longer accepts this tablet; its queue is kept",
    Network = "network": "the server could not be reached",
    ServerError = "server_error": "the server answered with an error",
    StorageFull = "storage_full": "the tablet's storage is full",
    Integrity = "integrity": "a stored record failed its integrity check",
    StoreUnusable = "store_unusable": "the encrypted store cannot be opened",
    Internal = "internal": "an unexpected error",
    Locked = "locked": "the screen is locked, or patient mode allows only its own session",
    NoChanges = "no_changes": "the update changes nothing",
    AlreadySubmitted = "already_submitted": "this form is saved for this participant and time point",
    SessionEnded = "session_ended": "the patient session has ended",
    SessionOpen = "session_open": "a patient session is open: finish or end it first",
    UnknownCommand = "unknown_command": "no command of that name",
    /// Never sent by the app: the UI's code for a rejection that is not a `CommandError`.
    Unknown = "unknown": "the UI could not read the error",
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl CommandError {
    /// An error with a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> CommandError {
        CommandError {
            code,
            message: message.into(),
            details: None,
        }
    }

    /// The store is closed: the UI shows the lock screen.
    pub fn locked() -> CommandError {
        CommandError::new(
            ErrorCode::Locked,
            "the tablet is locked: unlock it with a staff PIN",
        )
    }

    /// Input the command cannot use.
    pub fn invalid(message: impl Into<String>) -> CommandError {
        CommandError::new(ErrorCode::InvalidInput, message)
    }
}

/// The code for each engine error.
fn code(error: &Error) -> ErrorCode {
    use ErrorCode as C;
    match error {
        Error::NotInitialized(_) => C::NotInitialized,
        Error::AlreadyInitialized(_) => C::AlreadyInitialized,
        Error::WrongPassphrase | Error::WrongRecoveryKey | Error::UnknownStaff(_) => {
            C::WrongPassphrase
        }
        Error::TooManyAttempts { .. } => C::LockedOut,
        Error::WeakPassphrase => C::WeakPassphrase,
        Error::RekeyBlocked(_) => C::InvalidInput,
        Error::PassphraseChangeRequired => C::PassphraseChangeRequired,
        Error::PassphraseNeeded => C::PassphraseNeeded,
        Error::InvalidAnswers(_) | Error::Invalid(_) | Error::BadServerUrl(_) => C::InvalidInput,
        Error::SessionEnded => C::SessionEnded,
        Error::ParticipantExists(_) => C::DuplicateParticipant,
        Error::UnknownParticipant(_) | Error::UnknownSubmission(_) => C::NotFound,
        Error::NotEnrolled => C::NotEnrolled,
        Error::DeviceRevoked | Error::Unauthorized => C::DeviceRevoked,
        Error::Network(_) => C::Network,
        Error::Server { .. } | Error::TooLarge { .. } | Error::BadResponse(_) => C::ServerError,
        Error::StorageFull => C::StorageFull,
        Error::Tampered(_) | Error::Quarantined(_) => C::Integrity,
        Error::BundleRefused(_) => C::ServerError,
        Error::DatabaseMissing(_) | Error::InitInterrupted | Error::KeySlots(_) => C::StoreUnusable,
        Error::Io { .. } | Error::Migration(_) | Error::Random(_) | Error::Database(_) => {
            C::Internal
        }
    }
}

impl From<Error> for CommandError {
    fn from(error: Error) -> CommandError {
        let details = match &error {
            Error::InvalidAnswers(issues) => serde_json::to_value(issues).ok(),
            Error::TooManyAttempts { retry_after_s } => {
                Some(serde_json::json!({ "retryAfterS": retry_after_s }))
            }
            _ => None,
        };
        CommandError {
            code: code(&error),
            message: error.to_string(),
            details,
        }
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for CommandError {}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn each_code_serialises_as_its_catalogue_name_and_the_names_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ErrorCode::ALL {
            let json = serde_json::to_value(code).unwrap_or_default();
            assert_eq!(json, code.as_str(), "{code:?}");
            assert!(seen.insert(code.as_str()), "{code} twice");
            assert!(!code.meaning().is_empty());
        }
    }
}
