//! Keys: the random database key and the key slots that wrap it (DESIGN.md §4, "Store").
//!
//! The SQLCipher database is encrypted with 32 random bytes given as a raw key, so opening it is
//! cheap. That key is stored only wrapped (XChaCha20-Poly1305) in key slots, in `keyslots.json`
//! beside the database: one slot per staff member, keyed by Argon2id of their passphrase, and one
//! recovery slot, keyed by a high-entropy recovery key shown once at `init`. Changing a passphrase
//! rewraps one slot; the database is never re-encrypted. A slot's AEAD tag tells a wrong
//! passphrase apart from a damaged database: if the slot opens, the key is right.
//!
//! Only a strong passphrase or the recovery key ever wraps the key ([`rules`]); the short PIN
//! for the quick unlock is checked inside the database (`store/pins.rs`). Each slot's passphrase
//! unwraps an X25519 private key to which the database key is sealed (`sealed.rs`), so a re-key
//! (`store/rekey.rs`) reaches every remaining slot without anyone's passphrase.
//!
//! The slot file format is on disk: do not change it without a version bump.

mod attempts;
mod kdf;
pub mod keystore;
mod recovery;
pub mod rules;
mod sealed;
mod slot;
mod slots;

pub use attempts::{AttemptTime, Attempts};
pub use kdf::KdfParams;
pub use recovery::RecoveryKey;
pub use slots::{Credentials, SlotFile, StoreState};

/// The key slot file's name inside the data directory.
pub fn slots_file_name() -> &'static str {
    slots::FILE_NAME
}

use zeroize::Zeroizing;

/// The 32-byte SQLCipher key. Zeroed when dropped; never printed.
pub struct DatabaseKey(Zeroizing<[u8; 32]>);

impl DatabaseKey {
    /// A fresh random key.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        getrandom::fill(bytes.as_mut())?;
        Ok(DatabaseKey(bytes))
    }

    pub(crate) fn from_bytes(bytes: Zeroizing<[u8; 32]>) -> Self {
        DatabaseKey(bytes)
    }

    /// A second copy, for a second connection to the same store (the app's sync task).
    pub(crate) fn duplicate(&self) -> DatabaseKey {
        DatabaseKey(Zeroizing::new(*self.0))
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The value for `PRAGMA key`: a raw key, so SQLCipher skips its own PBKDF2.
    pub(crate) fn pragma_value(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", mimik_domain::canonical::hex(self.bytes())))
    }
}

impl std::fmt::Debug for DatabaseKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseKey(…)")
    }
}

/// Fill a buffer with random bytes from the operating system.
pub fn random<const N: usize>() -> Result<[u8; N], getrandom::Error> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)?;
    Ok(bytes)
}
