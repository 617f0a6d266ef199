//! The embedded SQLite database is encrypted with SQLCipher (issue 13 item 7): side-effect text
//! and everything else is unreadable in a copy of the data directory's database, WAL or backup
//! without the key. The key is 32 random bytes, kept as 64 hex digits in a file:
//! `--db-key-file FILE` (or `MIMIK_SERVER_DB_KEY_FILE`), by default `DIR/mimik-server.key`, made
//! on first start. A key file readable by group or others is refused, as `ssh` refuses a private
//! key. Keep the key file out of the database's backups (or the backups gain nothing).
//!
//! The data directory is 0700 and every file this server writes in it 0600; SQLite gives its WAL
//! and shared-memory files the database file's mode, so the database file is made 0600 before
//! SQLite first opens it.

use crate::error::{Error, Result};
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The default key file's name in the data directory.
pub const DEFAULT_KEY_FILE: &str = "mimik-server.key";

/// A SQLCipher raw key (never printed: `Debug` hides it).
pub struct DbKey(String);

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(…)")
    }
}

impl DbKey {
    /// The value for `PRAGMA key` and `ATTACH … KEY`: a raw key, so SQLCipher skips its KDF.
    pub fn sql_value(&self) -> String {
        format!("x'{}'", self.0)
    }
}

/// Create `dir` (0700) if missing, and tighten it to 0700 if it is looser.
pub fn private_dir(dir: &Path) -> Result<()> {
    let io = |what: &str, e: std::io::Error| {
        Error::DataDir(format!(
            "cannot {what} the data directory {}: {e}",
            dir.display()
        ))
    };
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| io("create", e))?;
    let mode = fs::metadata(dir)
        .map_err(|e| io("read", e))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .map_err(|e| io("protect", e))?;
    }
    Ok(())
}

/// Make `file` exist with mode 0600 (an empty file is an empty database to SQLite).
pub fn private_file(file: &Path) -> Result<()> {
    let io = |e: std::io::Error| Error::DataDir(format!("cannot protect {}: {e}", file.display()));
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(file)
        .map_err(io)?;
    fs::set_permissions(file, fs::Permissions::from_mode(0o600)).map_err(io)
}

/// The key from `explicit`, or from `DIR/mimik-server.key`, made there on first start.
pub fn load_or_create(data_dir: &Path, explicit: Option<&Path>) -> Result<DbKey> {
    let bytes = secret_32(data_dir, DEFAULT_KEY_FILE, explicit, "database key")?;
    Ok(DbKey(bytes.iter().map(|b| format!("{b:02x}")).collect()))
}

/// 32 secret bytes kept as 64 hex digits in `explicit`, or in `DIR/default_name`, made there
/// (0600, random) when missing. A file readable by group or others is refused, as `ssh` refuses
/// a private key; a named file must exist. `what` names the secret in messages.
pub fn secret_32(
    data_dir: &Path,
    default_name: &str,
    explicit: Option<&Path>,
    what: &str,
) -> Result<[u8; 32]> {
    let path: PathBuf = explicit.map_or_else(|| data_dir.join(default_name), Path::to_path_buf);
    let shown = path.display();
    match fs::metadata(&path) {
        Ok(meta) => {
            if meta.permissions().mode() & 0o077 != 0 {
                return Err(Error::DataDir(format!(
                    "the {what} file {shown} is readable by others: chmod 600 it"
                )));
            }
            let text = fs::read_to_string(&path)
                .map_err(|e| Error::DataDir(format!("cannot read the {what} file {shown}: {e}")))?;
            data_encoding::HEXLOWER_PERMISSIVE
                .decode(text.trim().as_bytes())
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .ok_or_else(|| {
                    Error::DataDir(format!(
                        "the {what} file {shown} does not hold 64 hex digits"
                    ))
                })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && explicit.is_none() => {
            create(&path, what)
        }
        Err(e) => Err(Error::DataDir(format!(
            "cannot read the {what} file {shown}: {e}"
        ))),
    }
}

fn create(path: &Path, what: &str) -> Result<[u8; 32]> {
    let bytes = crate::secrets::random_bytes::<32>()?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let fail = |e: std::io::Error| {
        Error::DataDir(format!(
            "cannot write the {what} file {}: {e}",
            path.display()
        ))
    };
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(fail)?;
    file.write_all(format!("{hex}\n").as_bytes())
        .map_err(fail)?;
    file.sync_all().map_err(fail)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_with_mode_0600_and_read_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let made = load_or_create(dir.path(), None).unwrap();
        let file = dir.path().join(DEFAULT_KEY_FILE);
        assert_eq!(
            fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let again = load_or_create(dir.path(), None).unwrap();
        assert_eq!(made.sql_value(), again.sql_value());
        assert_eq!(format!("{made:?}"), "DbKey(…)");
    }

    #[test]
    fn a_key_file_readable_by_others_or_not_hex_or_missing_when_named_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("k");
        fs::write(&file, "ab".repeat(32)).unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
        let open = load_or_create(dir.path(), Some(&file))
            .unwrap_err()
            .to_string();
        assert!(open.contains("chmod 600"), "{open}");
        fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).unwrap();
        assert!(load_or_create(dir.path(), Some(&file)).is_ok());
        fs::write(&file, "not a key").unwrap();
        assert!(load_or_create(dir.path(), Some(&file)).is_err());
        let missing = dir.path().join("missing");
        assert!(load_or_create(dir.path(), Some(&missing)).is_err());
        assert!(!missing.exists(), "a named key file is never made up");
    }

    #[test]
    fn the_data_directory_is_made_or_tightened_to_0700() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("data");
        private_dir(&dir).unwrap();
        assert_eq!(
            fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        private_dir(&dir).unwrap();
        assert_eq!(
            fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
    }
}
