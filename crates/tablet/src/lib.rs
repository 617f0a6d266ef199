//! `mimik-tablet`: what the tablet app (`src-tauri`) does, as plain Rust over the `mimik-device`
//! engine. Each command is declared once (`command_list.rs`) and implemented in [`commands`]: it
//! takes the shared [`Shared`] state and one [`requests`] object, so everything the app does is
//! reachable by `cargo test`. Types crossing the IPC boundary are in [`dto`]; failures are one
//! [`CommandError`].
//!
//! Two locks (issue 13 item 1). The *screen lock* (the lock button, the inactivity timer, a
//! reload during patient mode) hides everything but keeps the store and its key in memory, so
//! the queue keeps draining and a staff PIN opens it again. The *key lock* drops the connection
//! and its key: after a restart, after [`MAX_WRONG_PINS`] wrong secrets on the lock screen, or
//! when the screen stayed locked longer than the quick-unlock window. Then only a passphrase
//! opens the store. Patient sessions live in the store (drafts are encrypted like the rest), so
//! a session interrupted by a lock resumes after the next unlock.
//!
//! Patient mode is enforced here, not only by the UI: from `start_session` or `resume_session`
//! until `end_session` (with a staff PIN) or a lock, staff commands answer `locked`, and the
//! patient's commands reach only that one session. A UI that (re)loads during patient mode
//! (`app_state`) gets the lock screen, never a staff screen.

mod answers;
#[macro_use]
mod command_list;
pub mod commands;
pub mod dto;
mod error;
mod participants;
pub mod requests;
mod staff_forms;
pub mod study_plan;
mod sync;
pub mod typescript;
mod visit;

pub use error::{CommandError, ErrorCode};
/// The key-derivation cost the shell picks at start-up (production or a test's fast one).
pub use mimik_device::KdfParams;
pub use sync::{SAVE_DEBOUNCE, SYNC_INTERVAL, Shared, Timing};

/// Wrong PINs or passphrases in a row on a locked screen before the key is dropped.
pub const MAX_WRONG_PINS: u32 = 3;

/// How long a locked screen may be opened with a PIN; after that the key is dropped and the
/// passphrase is needed (one clinic day). Moves into the study bundle with issue 12.
pub const QUICK_UNLOCK_WINDOW: Duration = Duration::from_secs(12 * 60 * 60);

use dto::{AppState, InitStoreResult, StaffMember};
use mimik_device::keys::Credentials;
use mimik_device::store::{self, Store};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// `Result` at the IPC boundary.
pub type CommandResult<T> = std::result::Result<T, CommandError>;

/// The app's state: the data directory and, while unlocked, the open store.
pub struct App {
    dir: PathBuf,
    kdf: KdfParams,
    ca_pem: Option<Vec<u8>>,
    store: Option<Store>,
    /// Set while the screen is locked with the key still in memory.
    screen_lock: Option<ScreenLock>,
    quick_unlock_window: Duration,
    /// Wrong PINs or passphrases in a row on the lock screen or when leaving patient mode.
    wrong_secrets: u32,
    /// The session a patient holds the tablet for, if any.
    patient_session: Option<String>,
    last_sync: LastSync,
}

/// A locked screen over a store that is still open.
#[derive(Debug, Clone, Copy)]
struct ScreenLock {
    /// On the monotonic clock: setting the wall clock does not change the window.
    since: Instant,
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
    /// Why the server's study bundle was refused in the last sync, if it was.
    bundle_refused: Option<String>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("dir", &self.dir)
            .field("key_held", &self.store.is_some())
            .field("screen_locked", &self.screen_lock.is_some())
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
            screen_lock: None,
            quick_unlock_window: QUICK_UNLOCK_WINDOW,
            wrong_secrets: 0,
            patient_session: None,
            last_sync: LastSync::default(),
        }
    }

    /// The same app with another quick-unlock window (tests).
    #[must_use]
    pub fn with_quick_unlock_window(mut self, window: Duration) -> App {
        self.quick_unlock_window = window;
        self
    }

    /// What the first screen should be. Asked while a patient holds the tablet (the UI was
    /// reloaded), it locks first: the answer is the lock screen, never a staff screen.
    pub fn app_state(&mut self) -> CommandResult<AppState> {
        if self.patient_session.is_some() {
            self.lock();
        }
        self.expire_quick_unlock();
        let open = self.store.as_ref().filter(|_| self.screen_lock.is_none());
        Ok(AppState {
            initialized: store::is_initialized(&self.dir)?,
            unlocked: open.is_some(),
            enrolled: store::is_enrolled(&self.dir),
            staff: open.map(staff_member),
            quick_unlock: self.store.is_some() && self.screen_lock.is_some(),
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
        self.screen_lock = None;
        Ok(InitStoreResult {
            recovery_key: recovery.display().to_string(),
        })
    }

    /// Unlock: with the key still in memory (a locked screen) a staff PIN or passphrase will
    /// do; otherwise only a passphrase (or the recovery key's CLI) opens the store. A staff
    /// member who still has a short secret as their slot gets `mustChangePassphrase`.
    pub fn unlock(&mut self, secret: &str) -> CommandResult<StaffMember> {
        self.expire_quick_unlock();
        if let (Some(store), Some(_)) = (self.store.as_mut(), self.screen_lock) {
            let checked = store.quick_unlock(secret).map(|_| staff_member(store));
            let staff = self.count_secret(checked)?;
            self.screen_lock = None;
            self.patient_session = None;
            return Ok(staff);
        }
        let credentials = Credentials::Staff {
            staff_id: None,
            passphrase: Zeroizing::new(secret.to_owned()),
        };
        let store = match Store::unlock(&self.dir, &credentials) {
            Ok(store) => store,
            // A PIN cannot open the files: say what is needed instead of "wrong".
            Err(mimik_device::Error::WrongPassphrase)
                if mimik_device::keys::rules::is_pin_shaped(secret) =>
            {
                return Err(mimik_device::Error::PassphraseNeeded.into());
            }
            Err(e) => return Err(e.into()),
        };
        let staff = staff_member(&store);
        self.store = Some(store);
        self.screen_lock = None;
        self.wrong_secrets = 0;
        self.patient_session = None;
        Ok(staff)
    }

    /// Count a PIN or passphrase checked against the open store: [`MAX_WRONG_PINS`] wrong in a
    /// row drop the key, so guessing a short PIN gets no further than a few tries.
    fn count_secret<T>(&mut self, checked: mimik_device::Result<T>) -> CommandResult<T> {
        match checked {
            Ok(value) => {
                self.wrong_secrets = 0;
                Ok(value)
            }
            Err(mimik_device::Error::WrongPassphrase) => {
                self.wrong_secrets += 1;
                if self.wrong_secrets >= MAX_WRONG_PINS {
                    self.forget_key();
                    return Err(CommandError::new(
                        ErrorCode::PassphraseNeeded,
                        "too many wrong PINs: the tablet locked and forgot its key; enter your passphrase",
                    ));
                }
                Err(mimik_device::Error::WrongPassphrase.into())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Lock the screen: staff and patient screens close, the key stays in memory for the
    /// quick unlock and the background sync.
    pub fn lock(&mut self) {
        self.patient_session = None;
        if self.store.is_some() && self.screen_lock.is_none() {
            self.screen_lock = Some(ScreenLock {
                since: Instant::now(),
            });
        }
    }

    /// Drop the store and its key: only a passphrase opens it again.
    fn forget_key(&mut self) {
        self.store = None;
        self.screen_lock = None;
        self.wrong_secrets = 0;
        self.patient_session = None;
    }

    /// Forget the key of a screen locked longer than the quick-unlock window.
    pub(crate) fn expire_quick_unlock(&mut self) {
        if self
            .screen_lock
            .is_some_and(|lock| lock.since.elapsed() >= self.quick_unlock_window)
        {
            self.forget_key();
        }
    }

    /// A short secret of an old store stands in the way: its owner must choose a passphrase.
    pub fn change_passphrase(&mut self, new_passphrase: &str) -> CommandResult<()> {
        let kdf = self.kdf;
        let store = self.staff_store_any()?;
        store.change_passphrase(new_passphrase, kdf)?;
        Ok(())
    }

    /// Set the unlocked staff member's quick-unlock PIN.
    pub fn set_pin(&mut self, pin: &str) -> CommandResult<()> {
        self.staff_store_mut()?
            .set_pin(pin, mimik_device::store::PIN_KDF)?;
        Ok(())
    }

    /// The open store, or `locked` (also while the screen is locked), or
    /// `passphrase_change_required` until a short secret is replaced.
    fn store(&self) -> CommandResult<&Store> {
        let store = self.unlocked_store()?;
        if store.must_change_passphrase() {
            return Err(mimik_device::Error::PassphraseChangeRequired.into());
        }
        Ok(store)
    }

    /// The open store for writing; see [`App::store`].
    fn store_mut(&mut self) -> CommandResult<&mut Store> {
        self.store()?;
        self.store.as_mut().ok_or_else(CommandError::locked)
    }

    /// The open store behind an unlocked screen, whatever its owner's secret.
    fn unlocked_store(&self) -> CommandResult<&Store> {
        match (&self.store, &self.screen_lock) {
            (Some(store), None) => Ok(store),
            _ => Err(CommandError::locked()),
        }
    }

    /// The open store for staff work, even before a short secret is replaced.
    fn staff_store_any(&mut self) -> CommandResult<&mut Store> {
        self.staff_only()?;
        self.unlocked_store()?;
        self.store.as_mut().ok_or_else(CommandError::locked)
    }

    /// The store while its key is in memory, screen locked or not: for the background sync.
    fn held_store(&self) -> CommandResult<&Store> {
        self.store.as_ref().ok_or_else(CommandError::locked)
    }

    /// Refuse staff work while a patient holds the tablet.
    fn staff_only(&self) -> CommandResult<()> {
        match self.patient_session {
            Some(_) => Err(CommandError::new(
                ErrorCode::Locked,
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
                ErrorCode::SessionEnded,
                "this session is not the one in progress on the tablet",
            ))
        }
    }
}

fn staff_member(store: &Store) -> StaffMember {
    StaffMember {
        id: store.actor().to_owned(),
        name: store.actor().to_owned(),
        must_change_passphrase: store.must_change_passphrase(),
        has_pin: store.has_pin().unwrap_or(false),
    }
}

#[cfg(test)]
mod bundle_tests;
#[cfg(test)]
mod scenarios;
#[cfg(test)]
mod tests;
