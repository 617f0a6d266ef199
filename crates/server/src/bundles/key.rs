//! The study's bundle signing key: an Ed25519 key whose public half every tablet pins at
//! enrollment. It never leaves the server side. By default it is made on first use as
//! `DIR/mimik-server-signing.key` (32 random bytes as 64 hex digits, mode 0600); `--signing-key
//! FILE` or `MIMIK_SERVER_SIGNING_KEY_FILE` names it instead, and is required on PostgreSQL,
//! where several server processes must sign with the same key. A key file readable by group or
//! others is refused.

use crate::error::{Error, Result};
use ed25519_dalek::SigningKey;
#[cfg(test)]
use std::fs;
#[cfg(test)]
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

/// The default signing key file in the data directory.
pub const DEFAULT_SIGNING_KEY_FILE: &str = "mimik-server-signing.key";

/// The bundle signing key (never printed: `Debug` shows the public key only).
#[derive(Clone)]
pub struct BundleKey(Arc<SigningKey>);

impl std::fmt::Debug for BundleKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BundleKey(public {})", self.public_key_hex())
    }
}

impl BundleKey {
    /// A fresh random key (tests, and servers whose key file is made now).
    pub fn generate() -> Result<BundleKey> {
        Ok(BundleKey(Arc::new(SigningKey::from_bytes(
            &crate::secrets::random_bytes::<32>()?,
        ))))
    }

    /// The signing key.
    pub fn signing_key(&self) -> &SigningKey {
        &self.0
    }

    /// The public key tablets pin, lower-case hex.
    pub fn public_key_hex(&self) -> String {
        mimik_domain::bundle::public_key_hex(&self.0)
    }

    /// The key from `explicit`, or from `DIR/mimik-server-signing.key`, made there on first use.
    /// With `shared` (PostgreSQL) the key must be named explicitly.
    pub fn load_or_create(data_dir: &Path, explicit: Option<&Path>, shared: bool) -> Result<Self> {
        if shared && explicit.is_none() {
            return Err(Error::DataDir(
                "on PostgreSQL every server process must sign study bundles with the same key: \
                 give --signing-key FILE (or MIMIK_SERVER_SIGNING_KEY_FILE)"
                    .into(),
            ));
        }
        let bytes = crate::storage::keyfile::secret_32(
            data_dir,
            DEFAULT_SIGNING_KEY_FILE,
            explicit,
            "signing key",
        )?;
        Ok(BundleKey(Arc::new(SigningKey::from_bytes(&bytes))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_made_once_private_and_read_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let made = BundleKey::load_or_create(dir.path(), None, false).unwrap();
        let file = dir.path().join(DEFAULT_SIGNING_KEY_FILE);
        assert_eq!(
            fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let again = BundleKey::load_or_create(dir.path(), None, false).unwrap();
        assert_eq!(made.public_key_hex(), again.public_key_hex());
        assert!(!format!("{made:?}").contains(&mimik_domain::canonical::hex(made.0.as_bytes())));
    }

    #[test]
    fn a_shared_database_needs_a_named_key_and_a_loose_key_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let error = BundleKey::load_or_create(dir.path(), None, true).unwrap_err();
        assert!(error.to_string().contains("--signing-key"), "{error}");
        let file = dir.path().join("key");
        fs::write(&file, "ab".repeat(32)).unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
        let error = BundleKey::load_or_create(dir.path(), Some(&file), true).unwrap_err();
        assert!(error.to_string().contains("chmod 600"), "{error}");
        let missing = dir.path().join("missing");
        assert!(BundleKey::load_or_create(dir.path(), Some(&missing), true).is_err());
    }
}
