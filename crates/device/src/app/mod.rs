//! What the tablet app (`src-tauri`) does, as plain Rust: each Tauri command extracts the
//! shared [`Shared`] state and calls one method here, so everything the app does is reachable
//! by `cargo test`. Types crossing the IPC boundary are in [`dto`]; failures are one
//! [`CommandError`].
//!
//! The store is open only while a staff member has unlocked the tablet: locking drops the
//! connection and its key. Patient sessions live in the store (drafts are encrypted like the
//! rest), so a session interrupted by the inactivity lock resumes after the next unlock.
//!
//! Patient mode is enforced here, not only by the UI: from `start_session` or `resume_session`
//! until `end_session` (with a staff PIN) or a lock, staff commands answer `locked`, and the
//! patient's commands reach only that one session. A UI that (re)loads during patient mode
//! (`app_state`) gets the lock screen, never a staff screen.

pub mod dto;
mod error;
mod participants;
mod staff_forms;
mod sync;
pub mod typescript;
mod visit;

pub use error::CommandError;
pub use sync::{SAVE_DEBOUNCE, SYNC_INTERVAL, Shared, Timing};

use crate::keys::{Credentials, KdfParams};
use crate::store::{self, Store};
use dto::{AppState, InitStoreResult, StaffMember};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// `Result` at the IPC boundary.
pub type CommandResult<T> = std::result::Result<T, CommandError>;

/// The app's state: the data directory and, while unlocked, the open store.
pub struct App {
    dir: PathBuf,
    kdf: KdfParams,
    ca_pem: Option<Vec<u8>>,
    store: Option<Store>,
    /// The session a patient holds the tablet for, if any.
    patient_session: Option<String>,
    last_sync: LastSync,
}

/// The outcome of the last sync attempt in this run of the app.
#[derive(Debug, Clone, Default)]
struct LastSync {
    /// When a sync last finished without error (RFC 3339 UTC).
    ok_at: Option<String>,
    /// Why the last attempt failed; `None` after a success.
    error: Option<String>,
    /// A sync is running.
    running: bool,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("dir", &self.dir)
            .field("unlocked", &self.store.is_some())
            .field("patient_mode", &self.patient_session.is_some())
            .finish_non_exhaustive()
    }
}

impl App {
    /// The app for the store in `dir`. `kdf` is the cost of new passphrase slots
    /// ([`KdfParams::INTERACTIVE`] in the app); `ca_pem` is an extra trusted CA for the server.
    pub fn new(dir: &Path, kdf: KdfParams, ca_pem: Option<Vec<u8>>) -> App {
        App {
            dir: dir.to_path_buf(),
            kdf,
            ca_pem,
            store: None,
            patient_session: None,
            last_sync: LastSync::default(),
        }
    }

    /// What the first screen should be. Asked while a patient holds the tablet (the UI was
    /// reloaded), it locks first: the answer is the lock screen, never a staff screen.
    pub fn app_state(&mut self) -> CommandResult<AppState> {
        if self.patient_session.is_some() {
            self.lock();
        }
        Ok(AppState {
            initialized: store::is_initialized(&self.dir)?,
            unlocked: self.store.is_some(),
            enrolled: store::is_enrolled(&self.dir),
            staff: self.store.as_ref().map(|s| staff_member(s.actor())),
        })
    }

    /// First run: create the store with its first staff member; it stays unlocked. The
    /// recovery key is returned once and never again.
    pub fn init_store(
        &mut self,
        staff_id: &str,
        passphrase: &str,
    ) -> CommandResult<InitStoreResult> {
        let (store, recovery) = Store::init(&self.dir, staff_id.trim(), passphrase, self.kdf)?;
        self.store = Some(store);
        Ok(InitStoreResult {
            recovery_key: recovery.display().to_string(),
        })
    }

    /// Open the store with a staff passphrase or PIN.
    pub fn unlock(&mut self, passphrase: &str) -> CommandResult<StaffMember> {
        let credentials = Credentials::Staff {
            staff_id: None,
            passphrase: Zeroizing::new(passphrase.to_owned()),
        };
        let store = Store::unlock(&self.dir, &credentials)?;
        let staff = staff_member(store.actor());
        self.store = Some(store);
        self.patient_session = None;
        Ok(staff)
    }

    /// Close the store; its key is zeroed when the connection is dropped.
    pub fn lock(&mut self) {
        self.store = None;
        self.patient_session = None;
    }

    /// The open store, or `locked`.
    fn store(&self) -> CommandResult<&Store> {
        self.store.as_ref().ok_or_else(CommandError::locked)
    }

    /// The open store for writing, or `locked`.
    fn store_mut(&mut self) -> CommandResult<&mut Store> {
        self.store.as_mut().ok_or_else(CommandError::locked)
    }

    /// Refuse staff work while a patient holds the tablet.
    fn staff_only(&self) -> CommandResult<()> {
        match self.patient_session {
            Some(_) => Err(CommandError::new(
                "locked",
                "a patient session is in progress; a staff passphrase or PIN ends it",
            )),
            None => Ok(()),
        }
    }

    /// The open store for staff work.
    fn staff_store(&self) -> CommandResult<&Store> {
        self.staff_only()?;
        self.store()
    }

    /// The open store for staff work, for writing.
    fn staff_store_mut(&mut self) -> CommandResult<&mut Store> {
        self.staff_only()?;
        self.store_mut()
    }

    /// Refuse a session command for any session but the one the tablet was handed over for.
    fn patient_only(&self, session_id: &str) -> CommandResult<()> {
        if self.patient_session.as_deref() == Some(session_id) {
            Ok(())
        } else {
            Err(CommandError::new(
                "session_ended",
                "this session is not the one in progress on the tablet",
            ))
        }
    }
}

fn staff_member(actor: &str) -> StaffMember {
    StaffMember {
        id: actor.to_owned(),
        name: actor.to_owned(),
    }
}

#[cfg(test)]
mod tests;
