//! The recovery key: 160 random bits shown once at `init`, written down and kept locked away.

use crate::error::{Error, Result};
use data_encoding::BASE32_NOPAD;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// A recovery key, e.g. `K7QX-3M2P-…` (8 groups of 4 base32 characters). Never logged.
pub struct RecoveryKey(Zeroizing<[u8; 20]>);

impl RecoveryKey {
    /// A fresh random recovery key.
    pub fn generate() -> Result<Self> {
        Ok(RecoveryKey(Zeroizing::new(super::random::<20>()?)))
    }

    /// Parse what a person typed: case, spaces and dashes do not matter.
    pub fn parse(text: &str) -> Result<Self> {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = BASE32_NOPAD
            .decode(cleaned.as_bytes())
            .map_err(|_| Error::WrongRecoveryKey)?;
        let array: [u8; 20] = bytes.try_into().map_err(|_| Error::WrongRecoveryKey)?;
        Ok(RecoveryKey(Zeroizing::new(array)))
    }

    /// The form shown to staff once.
    pub fn display(&self) -> Zeroizing<String> {
        let encoded = BASE32_NOPAD.encode(self.0.as_ref());
        let groups: Vec<&str> = encoded
            .as_bytes()
            .chunks(4)
            .filter_map(|c| std::str::from_utf8(c).ok())
            .collect();
        Zeroizing::new(groups.join("-"))
    }

    /// The wrapping key: the recovery key already has 160 bits of entropy, so a salted hash is
    /// enough (no Argon2 needed).
    pub(crate) fn wrapping_key(&self, salt: &[u8]) -> Zeroizing<[u8; 32]> {
        let mut hasher = Sha256::new();
        hasher.update(b"mimik-recovery-v1");
        hasher.update(salt);
        hasher.update(self.0.as_ref());
        Zeroizing::new(hasher.finalize().into())
    }
}

impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKey(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recovery_key_parses_back_from_its_display_form_however_it_is_typed() {
        let key = RecoveryKey::generate().unwrap();
        let shown = key.display();
        assert_eq!(shown.len(), 8 * 4 + 7);
        let typed = shown.to_lowercase().replace('-', " ");
        let parsed = RecoveryKey::parse(&typed).unwrap();
        assert_eq!(parsed.0.as_ref(), key.0.as_ref());
    }

    #[test]
    fn a_mistyped_recovery_key_is_refused() {
        assert!(matches!(
            RecoveryKey::parse("AAAA-BBBB"),
            Err(Error::WrongRecoveryKey)
        ));
        assert!(matches!(
            RecoveryKey::parse("!!!!"),
            Err(Error::WrongRecoveryKey)
        ));
    }
}
