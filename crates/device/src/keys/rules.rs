//! What a secret must be to open the store from its files, and what a PIN is.
//!
//! A key slot can be guessed against offline by anyone with a copy of `keyslots.json`: each
//! guess costs one Argon2id, and the slot's tag says whether it was right. A 6-digit PIN fell to
//! that in days on one machine (issue 13). So a slot is only ever a passphrase of at least
//! [`MIN_PASSPHRASE_CHARS`] characters that is not all digits (or the recovery key); the short
//! PIN staff type many times a day never becomes a slot: its verifier lives inside the encrypted
//! database and only unlocks an app that still holds the key (`store/pins.rs`).

use crate::error::{Error, Result};

/// The shortest passphrase that may wrap the database key.
pub const MIN_PASSPHRASE_CHARS: usize = 10;
/// A quick-unlock PIN is this many digits, inclusive.
pub const PIN_DIGITS: std::ops::RangeInclusive<usize> = 6..=12;

/// Whether `secret` may wrap the database key: long enough and not only digits (separators
/// such as spaces or dashes between digits do not make a PIN a passphrase).
pub fn is_strong_passphrase(secret: &str) -> bool {
    let long_enough = secret.chars().count() >= MIN_PASSPHRASE_CHARS;
    let has_a_non_digit = secret
        .chars()
        .any(|c| !(c.is_ascii_digit() || c.is_whitespace() || matches!(c, '-' | '.' | '_')));
    long_enough && has_a_non_digit
}

/// Refuse a passphrase that would make a weak key slot, saying why.
pub fn check_passphrase(secret: &str) -> Result<()> {
    if is_strong_passphrase(secret) {
        Ok(())
    } else {
        Err(Error::WeakPassphrase)
    }
}

/// Whether `secret` has the shape of a PIN (6–12 digits).
pub fn is_pin_shaped(secret: &str) -> bool {
    PIN_DIGITS.contains(&secret.len()) && secret.bytes().all(|b| b.is_ascii_digit())
}

/// Refuse a PIN that is not 6–12 digits.
pub fn check_pin(pin: &str) -> Result<()> {
    if is_pin_shaped(pin) {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "a PIN is {} to {} digits",
            PIN_DIGITS.start(),
            PIN_DIGITS.end()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_passphrase_needs_ten_characters_and_something_besides_digits() {
        for weak in [
            "",
            "123456",
            "12345678",
            "1234567890123",
            "1234 5678 90",
            "12-34-56-78-90",
            "short pw",
            "ninechars",
        ] {
            assert!(!is_strong_passphrase(weak), "{weak:?} must be refused");
            assert!(matches!(check_passphrase(weak), Err(Error::WeakPassphrase)));
        }
        for strong in ["passphrase", "correct horse", "1234567890a", "åäö-ÅÄÖ-xyz"] {
            assert!(is_strong_passphrase(strong), "{strong:?} must be accepted");
        }
    }

    #[test]
    fn a_pin_is_six_to_twelve_ascii_digits() {
        for pin in ["123456", "000000", "123456789012"] {
            assert!(check_pin(pin).is_ok(), "{pin:?}");
        }
        for not_a_pin in ["12345", "1234567890123", "12345a", "١٢٣٤٥٦", "123 456"] {
            assert!(check_pin(not_a_pin).is_err(), "{not_a_pin:?}");
        }
    }
}
