//! Small file-system helpers for files that must never be half-written.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Create the data directory readable by its owner only.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// Restrict an existing file to its owner.
pub fn make_private(path: &Path) -> io::Result<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))
}

/// Replace `path` with `bytes` atomically: write a temporary file beside it, fsync it, rename it
/// over the old one, fsync the directory. A crash leaves either the old or the new file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = write_temporary(path, bytes)?;
    fs::rename(&tmp, path)?;
    sync_parent(path)
}

/// Write `bytes` durably to `path` with a `.tmp` extension, readable by its owner only.
fn write_temporary(path: &Path, bytes: &[u8]) -> io::Result<std::path::PathBuf> {
    let tmp = path.with_extension("tmp");
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(tmp)
}

/// Make a rename or link in `path`'s directory durable.
fn sync_parent(path: &Path) -> io::Result<()> {
    File::open(path.parent().unwrap_or(Path::new(".")))?.sync_all()
}

/// Rename `from` to `to` (replacing it) and make the rename durable.
pub fn rename_durably(from: &Path, to: &Path) -> io::Result<()> {
    fs::rename(from, to)?;
    sync_parent(to)
}

/// Create `path` with `bytes`, failing if it exists; durable before it returns.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = write_temporary(path, bytes)?;
    // hard_link fails if `path` exists: never replaces an existing file.
    let linked = fs::hard_link(&tmp, path);
    let _ = fs::remove_file(&tmp);
    linked?;
    sync_parent(path)
}

/// Whether an I/O error means the disk (or quota) is full.
pub fn is_storage_full(error: &io::Error) -> bool {
    matches!(error.raw_os_error(), Some(28) | Some(122)) // ENOSPC, EDQUOT
}
