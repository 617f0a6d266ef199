//! The tablet's encrypted store: one SQLCipher database (DESIGN.md §4) in a data directory.
//!
//! ```text
//! DIR/mimik.db            SQLCipher database (WAL, synchronous=FULL): everything the tablet keeps
//! DIR/keyslots.json       the database key, wrapped per staff member and for recovery (keys.rs)
//! DIR/unlock-attempts.json failed-unlock counter
//! DIR/QUARANTINED         present after an integrity failure: the store then takes no writes
//! DIR/ENROLLED            present once the tablet is enrolled (no content; for the lock screen)
//! ```
//!
//! Every write is one IMMEDIATE transaction that also appends its audit row (and, for a
//! submission, its outbox row), so a change is either wholly there or absent. Submissions and
//! audit rows are append-only; the database refuses UPDATE and DELETE on them by trigger.

mod audit;
mod clock;
mod due;
mod export;
mod keystore_slot;
mod migrations;
mod outbox;
mod participants;
mod pins;
mod rekey;
mod sessions;
mod submissions;
mod sync_state;
mod verify;
mod walcheck;

pub use clock::Moment;
pub use due::ParticipantDue;
pub use outbox::QueueStatus;
pub use participants::{NewParticipant, Participant};
pub use pins::PIN_KDF;
pub use rekey::Rekey;
pub use sessions::{Draft, Session};
pub use submissions::{Correction, Questionnaire, Saved, SubmissionRow};
pub use sync_state::{DeviceIdentity, Outcome, Pending, QuarantinedItem, new_signing_key};
pub use verify::{Check, VerifyReport};

use crate::catalog;
use crate::error::{Error, Result};
use crate::keys::StoreState;
use crate::keys::rules;
use crate::keys::{
    AttemptTime, Attempts, Credentials, DatabaseKey, KdfParams, RecoveryKey, SlotFile,
};
use mimik_domain::content_pack::ContentPack;
use mimik_domain::study::Study;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::{Path, PathBuf};

/// The database file inside the data directory.
pub const DB_FILE: &str = "mimik.db";
const QUARANTINE_FILE: &str = "QUARANTINED";
/// Present once the tablet has been enrolled (see [`is_enrolled`]).
const ENROLLED_MARKER: &str = "ENROLLED";

/// An unlocked store. Dropping it closes the database.
pub struct Store {
    conn: Connection,
    dir: PathBuf,
    actor: String,
    key: DatabaseKey,
    slots: SlotFile,
    study: Study,
    packs: Vec<ContentPack>,
    /// The actor unlocked with a short secret from before PINs were split from passphrases.
    weak_secret: bool,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("dir", &self.dir)
            .field("actor", &self.actor)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Create a new store in `dir` with its first staff member. Returns the recovery key, which
    /// must be shown once and written down. Refuses if anything of a store is already there.
    pub fn init(
        dir: &Path,
        staff_id: &str,
        passphrase: &str,
        kdf: KdfParams,
    ) -> Result<(Store, RecoveryKey)> {
        validate_staff_id(staff_id)?;
        rules::check_passphrase(passphrase)?;
        crate::fsutil::create_private_dir(dir).map_err(Error::io("the data directory"))?;
        discard_interrupted_init(dir)?;
        if dir.join(DB_FILE).exists() || SlotFile::path(dir).exists() {
            return Err(Error::AlreadyInitialized(dir.to_path_buf()));
        }
        let key = DatabaseKey::generate()?;
        let recovery = RecoveryKey::generate()?;
        let store_id = uuid::Uuid::now_v7().to_string();
        let slots = SlotFile::create(&store_id, &key, staff_id, passphrase, kdf, &recovery)?;
        slots.save_new(dir)?;
        let mut store = Store::open(dir, key, staff_id.to_owned(), slots, Encryption::On)?;
        store.finish_init()?;
        Ok((store, recovery))
    }

    /// Unlock with a staff passphrase or the recovery key. A staff member whose slot still holds
    /// a short secret (a store from before PINs were split from passphrases) gets in, but
    /// [`Store::must_change_passphrase`] then says so, and a PIN-shaped secret becomes their
    /// quick-unlock PIN.
    pub fn unlock(dir: &Path, credentials: &Credentials) -> Result<Store> {
        check_not_quarantined(dir)?;
        let slots = load_slots(dir)?;
        let attempts = Attempts::in_dir(dir);
        // Counted as a failure until the passphrase proves right (parallel guesses each count).
        attempts.begin(&AttemptTime::now())?;
        let (key, actor) = match slots.unlock(credentials) {
            Ok(unlocked) => unlocked,
            Err(e) => {
                if !matches!(e, Error::WrongPassphrase | Error::WrongRecoveryKey) {
                    // Not a guess (a damaged slot file, …): it does not count against anyone.
                    attempts.forget_one();
                }
                return Err(e);
            }
        };
        attempts.reset();
        let mut store = Store::open(dir, key, actor, slots, Encryption::On)?;
        if let Credentials::Staff { passphrase, .. } = credentials {
            store.note_slot_secret(passphrase)?;
        }
        store.seal_own_slot(credentials)?;
        Ok(store)
    }

    /// A format-1 slot that just opened becomes sealed, so that a later re-key reaches it.
    fn seal_own_slot(&mut self, credentials: &Credentials) -> Result<()> {
        let mut slots = self.slots.clone();
        if slots.seal_unsealed(&self.key, credentials, &self.actor)? {
            slots.save(&self.dir)?;
            self.slots = slots;
        }
        Ok(())
    }

    /// After a staff slot opened with `secret`: a short secret must be replaced by a passphrase,
    /// and one shaped like a PIN keeps working as the quick-unlock PIN meanwhile.
    fn note_slot_secret(&mut self, secret: &str) -> Result<()> {
        self.weak_secret = !rules::is_strong_passphrase(secret);
        if self.weak_secret && rules::is_pin_shaped(secret) && !self.has_pin()? {
            self.set_pin(secret, PIN_KDF)?;
        }
        Ok(())
    }

    /// Whether the unlocking staff member must choose a passphrase before anything else: they
    /// unlocked with a short secret that still wraps the key in `keyslots.json`.
    pub fn must_change_passphrase(&self) -> bool {
        self.weak_secret
    }

    /// Open with a key already unwrapped (the app holds it while unlocked; benchmarks).
    pub fn open_with_key(dir: &Path, key: DatabaseKey, actor: &str) -> Result<Store> {
        check_not_quarantined(dir)?;
        let slots = load_slots(dir)?;
        Store::open(dir, key, actor.to_owned(), slots, Encryption::On)
    }

    /// A store whose database is NOT encrypted, only to measure encryption's cost in the
    /// benchmark. The feature that enables it is never part of a build that ships.
    #[cfg(feature = "bench-plaintext")]
    #[doc(hidden)]
    pub fn plaintext_for_benchmark(dir: &Path, create: bool) -> Result<Store> {
        let key = DatabaseKey::generate()?;
        let slots = if create {
            let recovery = RecoveryKey::generate()?;
            let id = uuid::Uuid::now_v7().to_string();
            let slots = SlotFile::create(
                &id,
                &key,
                "bench",
                "bench-only",
                KdfParams::INSECURE_FAST_FOR_TESTS,
                &recovery,
            )?;
            slots.save_new(dir)?;
            slots
        } else {
            load_slots(dir)?
        };
        let mut store = Store::open(dir, key, "bench".into(), slots, Encryption::Off)?;
        if create {
            store.finish_init()?;
        }
        Ok(store)
    }

    fn open(
        dir: &Path,
        key: DatabaseKey,
        actor: String,
        slots: SlotFile,
        encryption: Encryption,
    ) -> Result<Store> {
        let db = dir.join(DB_FILE);
        // Only `init` opens a store that is still initializing (and creates its database).
        let creating = slots.state == StoreState::Initializing;
        if !creating && !db.exists() {
            return Err(Error::DatabaseMissing(db));
        }
        let opened = (|| {
            walcheck::check(&db)?;
            let conn = open_connection(&db, &key, creating, encryption)?;
            Ok(conn)
        })();
        let mut conn = opened.map_err(|e| quarantine_on_integrity_failure(dir, e))?;
        migrations::apply(&mut conn).map_err(|e| quarantine_on_integrity_failure(dir, e))?;

        let store = Store {
            conn,
            dir: dir.to_path_buf(),
            actor,
            key,
            slots,
            study: catalog::shipped_study().map_err(|e| Error::Invalid(e.to_string()))?,
            packs: catalog::shipped_packs().map_err(|e| Error::Invalid(e.to_string()))?,
            weak_secret: false,
        };
        if !creating {
            store.check_store_id()?;
        }
        Ok(store)
    }

    /// Second half of `init`: the database gets its store id, its first staff member and the
    /// reserved `recovery` actor, then the slot file is marked ready.
    fn finish_init(&mut self) -> Result<()> {
        let store_id = self.slots.store_id.clone();
        let first_staff: Vec<String> = self
            .slots
            .staff_ids()
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        self.write(|tx, ctx| {
            let inserted = tx.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('store_id', ?1)",
                [&store_id],
            )?;
            if inserted == 1 {
                // The reserved actor of recovery-key unlocks (staff ids cannot be "recovery").
                tx.execute(
                    "INSERT INTO staff (id, added_at, added_by) VALUES ('recovery', ?1, 'recovery')",
                    [ctx.moment.utc_text()],
                )?;
                for staff in &first_staff {
                    tx.execute(
                        "INSERT INTO staff (id, added_at, added_by) VALUES (?1, ?2, ?1)",
                        (staff, ctx.moment.utc_text()),
                    )?;
                }
                audit::append(tx, ctx, "store.initialized", Some(&store_id), None)?;
            }
            Ok(())
        })?;
        self.slots.state = StoreState::Ready;
        self.slots.save(&self.dir)?;
        self.check_store_id()
    }

    fn check_store_id(&self) -> Result<()> {
        let inside: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'store_id'", [], |r| {
                r.get(0)
            })
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                other => Err(other),
            })?;
        if inside.as_deref() != Some(self.slots.store_id.as_str()) {
            let error = Error::Tampered("the database does not belong to these key slots".into());
            return Err(quarantine_on_integrity_failure(&self.dir, error));
        }
        Ok(())
    }

    /// A second connection to this store with the same key and actor, so that a long sync can
    /// run beside the screens' connection (WAL lets them read and write concurrently).
    pub fn another_connection(&self) -> Result<Store> {
        check_not_quarantined(&self.dir)?;
        let slots = load_slots(&self.dir)?;
        let mut store = Store::open(
            &self.dir,
            self.key.duplicate(),
            self.actor.clone(),
            slots,
            Encryption::On,
        )?;
        store.weak_secret = self.weak_secret;
        Ok(store)
    }

    /// Check a staff PIN or passphrase while the store is open (leaving patient mode), with the
    /// same limit on failed attempts as unlocking. Returns the staff id it belongs to.
    pub fn confirm_staff(&self, secret: &str) -> Result<String> {
        Ok(self.check_staff_secret(secret)?.0)
    }

    /// The quick unlock of a running app whose screen was locked: a staff member's PIN, or
    /// their passphrase, makes them the actor of this store. The key never left memory.
    pub fn quick_unlock(&mut self, secret: &str) -> Result<String> {
        let (staff, by_slot) = self.check_staff_secret(secret)?;
        self.actor.clone_from(&staff);
        if by_slot {
            self.note_slot_secret(secret)?;
        } else {
            self.weak_secret = false;
        }
        Ok(staff)
    }

    /// Whose PIN or passphrase `secret` is, and whether it opened a key slot (not a PIN), counted
    /// like an unlock attempt.
    fn check_staff_secret(&self, secret: &str) -> Result<(String, bool)> {
        let attempts = Attempts::in_dir(&self.dir);
        let slots = load_slots(&self.dir)?;
        attempts.begin(&AttemptTime::now())?;
        let checked = (|| {
            if let Some(staff) = self.pin_owner(secret)? {
                return Ok((staff, false));
            }
            let credentials = Credentials::Staff {
                staff_id: None,
                passphrase: zeroize::Zeroizing::new(secret.to_owned()),
            };
            slots
                .unlock(&credentials)
                .map(|(_key, staff)| (staff, true))
        })();
        match checked {
            Ok(found) => {
                attempts.reset();
                Ok(found)
            }
            Err(e @ Error::WrongPassphrase) => Err(e),
            Err(e) => {
                attempts.forget_one();
                Err(e)
            }
        }
    }

    /// Who unlocked the store (a staff id, or `recovery`).
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The study protocol in force.
    pub fn study(&self) -> &Study {
        &self.study
    }

    /// The content packs loaded.
    pub fn packs(&self) -> &[ContentPack] {
        &self.packs
    }

    /// Add a staff member with their own passphrase (rewraps the key into a new slot).
    pub fn add_staff(&mut self, staff_id: &str, passphrase: &str, kdf: KdfParams) -> Result<()> {
        validate_staff_id(staff_id)?;
        rules::check_passphrase(passphrase)?;
        if self.slots.staff_ids().contains(&staff_id) {
            return Err(Error::Invalid(format!(
                "staff member {staff_id:?} already exists"
            )));
        }
        let mut slots = self.slots.clone();
        slots.add_staff(&self.key, staff_id, passphrase, kdf)?;
        // Database row and audit first, then the slot file: a crash in between leaves a staff
        // row without a slot (harmless, re-add works), never a slot nobody audited.
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO staff (id, added_at, added_by) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET removed_at = NULL",
                (staff_id, ctx.moment.utc_text(), ctx.actor),
            )?;
            audit::append(tx, ctx, "staff.added", Some(staff_id), None)
        })?;
        slots.save(&self.dir)?;
        self.slots = slots;
        Ok(())
    }

    /// Remove a staff member's slot, then re-key so that an old copy of the slot file opens
    /// nothing; their past actions stay attributed to them. A removal is never held up by a
    /// re-key that cannot run yet ([`Rekey::Blocked`] says who must unlock first).
    pub fn remove_staff(&mut self, staff_id: &str, reason: &str) -> Result<Rekey> {
        let mut slots = self.slots.clone();
        slots.remove_staff(staff_id)?;
        // Audit first, then the slot file: a key change is never without its audit row.
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE staff SET removed_at = ?2 WHERE id = ?1",
                (staff_id, ctx.moment.utc_text()),
            )?;
            Store::delete_pin(tx, staff_id)?;
            audit::append(tx, ctx, "staff.removed", Some(staff_id), Some(reason))
        })?;
        self.save_slots(slots, staff_id)?;
        self.rekey(&format!("staff member {staff_id} removed"))
    }

    /// Save changed key slots; if that fails after the audit row was written, say so in the
    /// audit too (best effort: the disk may be what failed).
    fn save_slots(&mut self, slots: SlotFile, subject: &str) -> Result<()> {
        match slots.save(&self.dir) {
            Ok(()) => {
                self.slots = slots;
                Ok(())
            }
            Err(error) => {
                let _ = self.write(|tx, ctx| {
                    audit::append(tx, ctx, "staff.keyslot_change_failed", Some(subject), None)
                });
                Err(error)
            }
        }
    }

    /// Change the unlocking staff member's passphrase: rewraps their slot, never re-encrypts.
    pub fn change_passphrase(&mut self, new_passphrase: &str, kdf: KdfParams) -> Result<()> {
        rules::check_passphrase(new_passphrase)?;
        let staff_id = self.actor.clone();
        if !self.slots.staff_ids().contains(&staff_id.as_str()) {
            return Err(Error::Invalid(
                "unlock as the staff member whose passphrase is to change".into(),
            ));
        }
        let mut slots = self.slots.clone();
        slots.add_staff(&self.key, &staff_id, new_passphrase, kdf)?;
        slots.save(&self.dir)?;
        self.slots = slots;
        self.weak_secret = false;
        self.write(|tx, ctx| {
            audit::append(tx, ctx, "staff.passphrase_changed", Some(&staff_id), None)
        })
    }

    /// Run `f` in one IMMEDIATE transaction with the current actor and time; commit or nothing.
    fn write<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>, &Ctx<'_>) -> Result<T>,
    ) -> Result<T> {
        check_not_quarantined(&self.dir)?;
        let ctx = Ctx {
            actor: &self.actor,
            moment: Moment::now(),
        };
        let result = (|| {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&tx, &ctx)?;
            tx.commit()?;
            Ok(value)
        })();
        result.map_err(|e| quarantine_on_integrity_failure(&self.dir, e))
    }

    /// Map read errors the same way as writes (an unreadable page quarantines the store).
    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        f(&self.conn).map_err(|e| quarantine_on_integrity_failure(&self.dir, e))
    }
}

/// Who and when, for every write.
struct Ctx<'a> {
    actor: &'a str,
    moment: Moment,
}

/// Whether the database is encrypted: always, except in the encryption-overhead benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encryption {
    On,
    #[cfg_attr(not(feature = "bench-plaintext"), allow(dead_code))]
    Off,
}

fn open_connection(
    db: &Path,
    key: &DatabaseKey,
    create: bool,
    encryption: Encryption,
) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    initialize_sqlcipher_once();
    let conn = Connection::open_with_flags(db, flags)?;
    if create {
        crate::fsutil::make_private(db).map_err(Error::io("the database file"))?;
    }
    // SQLCipher logs decryption failures to stderr by default; we report them ourselves.
    pragma(&conn, "PRAGMA cipher_log_level = NONE")?;
    if encryption == Encryption::On {
        conn.pragma_update(None, "key", &*key.pragma_value())?;
        // On-disk format, applied at every open before the first read: do not change without a
        // migration (sqlcipher_export). HMAC-SHA256 instead of SQLCipher's default SHA-512:
        // ARMv8 tablets and x86 CPUs have SHA-256 instructions, and the HMAC of every page is
        // most of encryption's cost per save (README, "Measured").
        pragma(&conn, "PRAGMA cipher_hmac_algorithm = HMAC_SHA256")?;
    }
    // The key is only checked when a page is read: read one now. The slot already proved the key
    // right, so a failure here means the file is damaged, altered or another tablet's.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
    pragma(&conn, "PRAGMA journal_mode = WAL")?;
    pragma(&conn, "PRAGMA synchronous = FULL")?;
    pragma(&conn, "PRAGMA foreign_keys = ON")?;
    pragma(&conn, "PRAGMA temp_store = MEMORY")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// Let SQLCipher finish its process-wide set-up before any connection is keyed. SQLite marks
/// itself initialised before it runs SQLCipher's part of the set-up, outside its lock, so a
/// second thread opening its first connection meanwhile skips the wait and its `PRAGMA key` fails
/// (seen in CI: two app instances unlocking at the same moment). Opening one throwaway in-memory
/// connection inside a `Once` runs the whole set-up on one thread while every other opener waits.
fn initialize_sqlcipher_once() {
    static INIT: std::sync::Once = std::sync::Once::new();
    INIT.call_once(|| {
        // An error here resurfaces, with its cause, at the caller's own open.
        let _ = Connection::open_in_memory();
    });
}

/// Run a PRAGMA that may answer with a row.
fn pragma(conn: &Connection, sql: &str) -> Result<()> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    while rows.next()?.is_some() {}
    Ok(())
}

fn load_slots(dir: &Path) -> Result<SlotFile> {
    rekey::finish_interrupted(dir)?;
    match SlotFile::load(dir)? {
        Some(slots) if slots.state == StoreState::Initializing => Err(Error::InitInterrupted),
        Some(slots) => Ok(slots),
        None if dir.join(DB_FILE).exists() => Err(Error::KeySlots(
            "keyslots.json is missing next to the database".into(),
        )),
        None => Err(Error::NotInitialized(dir.to_path_buf())),
    }
}

/// An `init` that was interrupted left a slot file still marked initializing (and perhaps an
/// empty database): nothing can have been saved in it, and its recovery key may never have been
/// shown. Remove it so `init` starts over and shows a recovery key that really unlocks.
fn discard_interrupted_init(dir: &Path) -> Result<()> {
    match SlotFile::load(dir) {
        Ok(Some(slots)) if slots.state == StoreState::Initializing => {
            for name in [
                DB_FILE,
                "mimik.db-wal",
                "mimik.db-shm",
                crate::keys::slots_file_name(),
            ] {
                match std::fs::remove_file(dir.join(name)) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(Error::io("an interrupted setup's files")(e)),
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn check_not_quarantined(dir: &Path) -> Result<()> {
    match std::fs::read_to_string(dir.join(QUARANTINE_FILE)) {
        Ok(reason) => Err(Error::Quarantined(reason.trim().to_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io("the quarantine marker")(e)),
    }
}

/// On an integrity failure, leave a marker so that no later write touches the file.
fn quarantine_on_integrity_failure(dir: &Path, error: Error) -> Error {
    if let Error::Tampered(reason) = &error {
        let _ = crate::fsutil::write_atomic(&dir.join(QUARANTINE_FILE), reason.as_bytes());
    }
    error
}

/// Whether a store exists in `dir` and finished its set-up.
pub fn is_initialized(dir: &Path) -> Result<bool> {
    Ok(SlotFile::load(dir)?.is_some_and(|slots| slots.state == StoreState::Ready))
}

/// Whether the tablet in `dir` has been enrolled; readable while the store is locked.
pub fn is_enrolled(dir: &Path) -> bool {
    dir.join(ENROLLED_MARKER).exists()
}

/// Staff ids are short handles (`anna.l`, `nurse-2`), never a patient's anything.
pub fn validate_staff_id(id: &str) -> Result<()> {
    let ok = (2..=32).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok && id != "recovery" && id != keystore_slot::KEYSTORE_ACTOR {
        Ok(())
    } else {
        Err(Error::Invalid(
            "a staff id is 2–32 characters of a–z, 0–9, '.', '-' or '_'".into(),
        ))
    }
}

#[cfg(test)]
mod tests;
