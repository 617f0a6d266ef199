//! Opening the SQLCipher connection (key, pragmas, WAL), reading the key slots, and the files
//! that mark an interrupted set-up or a quarantined store.

use super::{DB_FILE, QUARANTINE_FILE, rekey};
use crate::error::{Error, Result};
use crate::keys::{DatabaseKey, SlotFile, StoreState};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// Whether the database is encrypted: always, except in the encryption-overhead benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Encryption {
    On,
    #[cfg_attr(not(feature = "bench-plaintext"), allow(dead_code))]
    Off,
}

pub(super) fn open_connection(
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
pub(super) fn initialize_sqlcipher_once() {
    static INIT: std::sync::Once = std::sync::Once::new();
    INIT.call_once(|| {
        // An error here resurfaces, with its cause, at the caller's own open.
        let _ = Connection::open_in_memory();
    });
}

/// Run a PRAGMA that may answer with a row.
pub(super) fn pragma(conn: &Connection, sql: &str) -> Result<()> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    while rows.next()?.is_some() {}
    Ok(())
}

pub(super) fn load_slots(dir: &Path) -> Result<SlotFile> {
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
pub(super) fn discard_interrupted_init(dir: &Path) -> Result<()> {
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

pub(super) fn check_not_quarantined(dir: &Path) -> Result<()> {
    match std::fs::read_to_string(dir.join(QUARANTINE_FILE)) {
        Ok(reason) => Err(Error::Quarantined(reason.trim().to_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io("the quarantine marker")(e)),
    }
}

/// On an integrity failure, leave a marker so that no later write touches the file.
pub(super) fn quarantine_on_integrity_failure(dir: &Path, error: Error) -> Error {
    if let Error::Tampered(reason) = &error {
        let _ = crate::fsutil::write_atomic(&dir.join(QUARANTINE_FILE), reason.as_bytes());
    }
    error
}
