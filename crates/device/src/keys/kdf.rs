//! Argon2id for staff passphrases.

use crate::error::{Error, Result};
use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// Argon2id cost parameters, stored in each slot so they can be raised later without breaking
/// existing slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfParams {
    /// The production cost: about 0.25 s per unlock on the project machine (README, "Measured"),
    /// 64 MiB so that guessing on GPUs stays expensive.
    pub const INTERACTIVE: KdfParams = KdfParams {
        m_kib: 64 * 1024,
        t: 6,
        p: 1,
    };

    /// Deliberately weak, for tests that create many stores. Never used by the CLI or the app.
    pub const INSECURE_FAST_FOR_TESTS: KdfParams = KdfParams {
        m_kib: 64,
        t: 1,
        p: 1,
    };

    /// Derive a 32-byte wrapping key from a passphrase and a salt.
    pub fn derive(&self, passphrase: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        let params = Params::new(self.m_kib, self.t, self.p, Some(32))
            .map_err(|e| Error::KeySlots(format!("invalid Argon2 parameters: {e}")))?;
        let mut out = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase, salt, out.as_mut())
            .map_err(|e| Error::KeySlots(format!("Argon2 failed: {e}")))?;
        Ok(out)
    }
}
