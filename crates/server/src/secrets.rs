//! Random tokens and codes, and the hashes the server keeps instead of them.
//!
//! Bearer tokens, enrollment codes and session ids are stored only as SHA-256 hashes: a copy of
//! the database does not let anyone act as a device or a coordinator. Coordinator passwords are
//! Argon2id (PHC string with its own salt).

use crate::error::{Error, Result};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

/// `n` random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| Error::Random(e.to_string()))?;
    Ok(bytes)
}

/// A bearer token or session id: 32 random bytes, base64url without padding.
pub fn new_token() -> Result<String> {
    Ok(data_encoding::BASE64URL_NOPAD.encode(&random_bytes::<32>()?))
}

/// A one-time enrollment code a person can type: 80 random bits as 16 base32 letters/digits in
/// groups of four (`ABCD-EFGH-IJKL-MNOP`).
pub fn new_enrollment_code() -> Result<String> {
    let text = data_encoding::BASE32_NOPAD.encode(&random_bytes::<10>()?);
    let groups: Vec<&str> = text
        .as_bytes()
        .chunks(4)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .collect();
    Ok(groups.join("-"))
}

/// The form of an enrollment code that is hashed: upper case, without dashes or spaces, so a
/// code typed as `abcd efgh…` still matches.
pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(bytes))
}

/// Argon2id PHC string of a password.
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()?)
        .map_err(|e| Error::Password(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Password(e.to_string()))
}

/// Whether `password` matches the stored PHC string (false for a malformed hash).
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enrollment_codes_are_sixteen_characters_in_four_groups() {
        let code = new_enrollment_code().unwrap();
        assert_eq!(code.len(), 19);
        assert_eq!(code.split('-').count(), 4);
        assert_eq!(
            normalise_code(&code.to_lowercase().replace('-', " ")),
            code.replace('-', "")
        );
    }

    #[test]
    fn tokens_differ_and_hash_to_hex() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_ne!(a, b);
        assert_eq!(sha256_hex(a.as_bytes()).len(), 64);
    }

    #[test]
    fn a_password_verifies_only_against_its_own_hash() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
    }
}
