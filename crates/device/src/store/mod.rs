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
mod bundles;
mod clock;
mod connection;
mod due;
mod export;
mod keystore_slot;
mod migrations;
mod outbox;
mod participants;
mod pins;
mod rekey;
mod roster;
mod sessions;
mod staff;
mod submissions;
mod sync_state;
mod verify;
mod walcheck;

pub use bundles::{Adoption, BundleSummary};
pub use clock::Moment;
pub use due::ParticipantDue;
pub use outbox::QueueStatus;
pub use participants::{NewParticipant, Participant};
pub use pins::PIN_KDF;
pub use rekey::Rekey;
pub use sessions::{Draft, Session};
pub use staff::validate_staff_id;
pub use submissions::{Correction, Origin, Questionnaire, Saved, SubmissionRow};
pub use sync_state::{DeviceIdentity, Outcome, Pending, QuarantinedItem, new_signing_key};
pub use verify::{Check, VerifyReport};

use crate::catalog;
use crate::error::{Error, Result};
use crate::keys::StoreState;
use crate::keys::rules;
use crate::keys::{
    AttemptTime, Attempts, Credentials, DatabaseKey, KdfParams, RecoveryKey, SlotFile,
};
use connection::{
    Encryption, check_not_quarantined, discard_interrupted_init, load_slots, open_connection,
    pragma, quarantine_on_integrity_failure,
};
use mimik_domain::bundle::CheckedBundle;
use mimik_domain::content_pack::ContentPack;
use mimik_domain::study::Study;
use rusqlite::{Connection, TransactionBehavior};
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
    /// The study bundle in force: the newest adopted, or the one shipped with this build.
    bundle: CheckedBundle,
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
            bundle: catalog::shipped_bundle().map_err(Error::Invalid)?,
            weak_secret: false,
        };
        if !creating {
            store.check_store_id()?;
        }
        let mut store = store;
        if let Some(adopted) = store.load_active_bundle()? {
            store.bundle = adopted;
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
        &self.bundle.study
    }

    /// The content packs in force.
    pub fn packs(&self) -> &[ContentPack] {
        &self.bundle.packs
    }

    /// The study bundle in force.
    pub fn bundle(&self) -> &CheckedBundle {
        &self.bundle
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
            protocol_version: self.bundle.bundle.version,
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
    /// The version of the study bundle in force, recorded in every body.
    protocol_version: u64,
}

/// Whether a store exists in `dir` and finished its set-up.
pub fn is_initialized(dir: &Path) -> Result<bool> {
    Ok(SlotFile::load(dir)?.is_some_and(|slots| slots.state == StoreState::Ready))
}

/// Whether the tablet in `dir` has been enrolled; readable while the store is locked.
pub fn is_enrolled(dir: &Path) -> bool {
    dir.join(ENROLLED_MARKER).exists()
}

#[cfg(test)]
mod body_fixture_tests;
#[cfg(test)]
mod tests;
