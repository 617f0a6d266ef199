//! Re-keying: a new random database key, sealed to every remaining slot's public key, after a
//! staff member is removed or on request after a suspected compromise. An old copy of
//! `keyslots.json` then no longer opens the current database.
//!
//! ```text
//! 1. audit "store.rekey_started" in the old database, checkpoint its WAL
//! 2. copy it, encrypted with the new key, into mimik.db.rekey (sqlcipher_export), fsync
//! 3. write keyslots.next.json: every slot with the new key sealed to it
//! 4. close; mimik.db.rekey -> mimik.db          (the commit point)
//! 5. keyslots.next.json -> keyslots.json
//! 6. reopen with the new key, audit "store.rekeyed"
//! ```
//!
//! A kill anywhere leaves a store that opens with exactly one key: [`finish_interrupted`], run
//! before every open, removes the copy and the next slots when step 4 had not happened (the old
//! key opens the old file) and finishes step 5 when it had (the new key opens the new file).

use super::{DB_FILE, Encryption, Store, audit, open_connection, pragma};
use crate::error::{Error, Result};
use crate::fsutil::{rename_durably, write_atomic};
use crate::keys::{DatabaseKey, SlotFile};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// The re-encrypted copy, until it replaces the database.
const REKEY_DB: &str = "mimik.db.rekey";
/// The slots for the new key, until they replace keyslots.json.
const NEXT_SLOTS: &str = "keyslots.next.json";

/// Whether a re-key happened, and who stood in its way if not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rekey {
    /// The database has a new key; old copies of the slot file open nothing.
    Done,
    /// These slots predate sealed slots (made before this version): each must be unlocked once
    /// (staff with their passphrase, `recovery` with the recovery key) before a re-key can
    /// include them. Nothing was changed.
    Blocked(Vec<String>),
}

impl Store {
    /// Slots a re-key cannot reach yet (format 1): see [`Rekey::Blocked`].
    pub fn unsealed_slots(&self) -> Vec<String> {
        self.slots.unsealed_slots()
    }

    /// Give the database a new key sealed to every slot that remains. Only this connection may
    /// be open on the store (the CLI; the app offers no re-key).
    pub fn rekey(&mut self, reason: &str) -> Result<Rekey> {
        let blocked = self.slots.unsealed_slots();
        if !blocked.is_empty() {
            return Ok(Rekey::Blocked(blocked));
        }
        let new_key = DatabaseKey::generate()?;
        let new_slots = self.slots.resealed(&new_key)?;
        self.write(|tx, ctx| audit::append(tx, ctx, "store.rekey_started", None, Some(reason)))?;
        let copy = self.dir.join(REKEY_DB);
        remove_if_there(&copy)?;
        self.export_to(&copy, &new_key)?;
        write_atomic(&self.dir.join(NEXT_SLOTS), &new_slots.to_bytes()?)
            .map_err(Error::io("the next key slot file"))?;

        // Close the old database; its WAL was checkpointed, so nothing is left in it.
        let old = std::mem::replace(&mut self.conn, rusqlite::Connection::open_in_memory()?);
        old.close().map_err(|(_, e)| Error::Database(e))?;
        for wal in ["mimik.db-wal", "mimik.db-shm"] {
            remove_if_there(&self.dir.join(wal))?;
        }
        let db = self.dir.join(DB_FILE);
        rename_durably(&copy, &db).map_err(Error::io("the re-keyed database"))?;
        rename_durably(&self.dir.join(NEXT_SLOTS), &SlotFile::path(&self.dir))
            .map_err(Error::io("the key slot file"))?;

        self.conn = open_connection(&db, &new_key, false, Encryption::On)?;
        self.key = new_key;
        self.slots = new_slots;
        self.check_store_id()?;
        self.write(|tx, ctx| audit::append(tx, ctx, "store.rekeyed", None, Some(reason)))?;
        Ok(Rekey::Done)
    }

    /// Copy the whole database, schema version included, into `copy` under `key`.
    fn export_to(&self, copy: &Path, key: &DatabaseKey) -> Result<()> {
        pragma(&self.conn, "PRAGMA wal_checkpoint(TRUNCATE)")?;
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let path = copy
            .to_str()
            .ok_or_else(|| Error::Invalid("the data directory's path is not UTF-8".into()))?;
        // Created empty and private first: SQLite would create it with the umask's mode.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(copy)
            .map_err(Error::io("the re-keyed database"))?;
        self.conn.execute(
            "ATTACH DATABASE ?1 AS next_key KEY ?2",
            (path, key.pragma_value().as_str()),
        )?;
        let exported = (|| -> Result<()> {
            // The same page format as every open (store/mod.rs, open_connection).
            pragma(
                &self.conn,
                "PRAGMA next_key.cipher_hmac_algorithm = HMAC_SHA256",
            )?;
            pragma(&self.conn, "SELECT sqlcipher_export('next_key')")?;
            pragma(
                &self.conn,
                &format!("PRAGMA next_key.user_version = {version}"),
            )?;
            Ok(())
        })();
        self.conn.execute("DETACH DATABASE next_key", [])?;
        exported?;
        std::fs::File::open(copy)
            .and_then(|f| f.sync_all())
            .map_err(Error::io("the re-keyed database"))
    }
}

/// Before any open: undo a re-key that had not reached its commit point, finish one that had.
pub(super) fn finish_interrupted(dir: &Path) -> Result<()> {
    let copy = dir.join(REKEY_DB);
    let next = dir.join(NEXT_SLOTS);
    if copy.exists() {
        // Step 4 had not happened: the old key still opens the old file.
        remove_if_there(&next)?;
        remove_if_there(&copy)?;
    } else if next.exists() {
        // The new file is in place: its slots must be too.
        rename_durably(&next, &SlotFile::path(dir)).map_err(Error::io("the key slot file"))?;
    }
    Ok(())
}

fn remove_if_there(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io("a re-key's leftovers")(e)),
    }
}
