//! The app's one error type at the IPC boundary: every [`Error`] maps to a stable code the UI
//! translates, plus the English message (which never holds patient data).

pub use super::dto::CommandError;
use mimik_device::Error;

impl CommandError {
    /// An error with a code and a message.
    pub fn new(code: &str, message: impl Into<String>) -> CommandError {
        CommandError {
            code: code.to_owned(),
            message: message.into(),
            details: None,
        }
    }

    /// The store is closed: the UI shows the lock screen.
    pub fn locked() -> CommandError {
        CommandError::new("locked", "the tablet is locked: unlock it with a staff PIN")
    }

    /// Input the command cannot use.
    pub fn invalid(message: impl Into<String>) -> CommandError {
        CommandError::new("invalid_input", message)
    }
}

/// The stable code for each error (ui/README.md lists the ones the UI translates).
fn code(error: &Error) -> &'static str {
    match error {
        Error::NotInitialized(_) => "not_initialized",
        Error::AlreadyInitialized(_) => "already_initialized",
        Error::WrongPassphrase | Error::WrongRecoveryKey | Error::UnknownStaff(_) => {
            "wrong_passphrase"
        }
        Error::TooManyAttempts { .. } => "locked_out",
        Error::WeakPassphrase => "weak_passphrase",
        Error::RekeyBlocked(_) => "invalid_input",
        Error::PassphraseChangeRequired => "passphrase_change_required",
        Error::PassphraseNeeded => "passphrase_needed",
        Error::InvalidAnswers(_) | Error::Invalid(_) | Error::BadServerUrl(_) => "invalid_input",
        Error::ParticipantExists(_) => "duplicate_participant",
        Error::UnknownParticipant(_) | Error::UnknownSubmission(_) => "not_found",
        Error::NotEnrolled => "not_enrolled",
        Error::DeviceRevoked | Error::Unauthorized => "device_revoked",
        Error::Network(_) => "network",
        Error::Server { .. } | Error::TooLarge { .. } | Error::BadResponse(_) => "server_error",
        Error::StorageFull => "storage_full",
        Error::Tampered(_) | Error::Quarantined(_) => "integrity",
        Error::DatabaseMissing(_) | Error::InitInterrupted | Error::KeySlots(_) => "store_unusable",
        Error::Io { .. } | Error::Migration(_) | Error::Random(_) | Error::Database(_) => {
            "internal"
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
            code: code(&error).to_owned(),
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
