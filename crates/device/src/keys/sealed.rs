//! Sealing the database key to a slot's X25519 public key, so that re-keying (a staff member
//! removed, a suspected compromise) can wrap a new key for every remaining slot without their
//! passphrases: each slot keeps an X25519 key pair whose private half only its passphrase (or
//! the recovery key) unwraps, and the database key is sealed to the public half.
//!
//! Sealing: an ephemeral X25519 key pair, the shared secret with the slot's public key, and
//! SHA-256 over a domain label, the shared secret and both public keys as the key of an
//! XChaCha20-Poly1305 box whose associated data binds it to its store and slot.

use super::{DatabaseKey, random};
use crate::error::{Error, Result};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use data_encoding::HEXLOWER;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

/// A slot's key pair; the private half is zeroed when dropped.
pub struct KeyPair {
    pub(super) secret: StaticSecret,
    pub(super) public: PublicKey,
}

impl KeyPair {
    /// A fresh key pair.
    pub fn generate() -> Result<KeyPair> {
        KeyPair::from_secret_bytes(Zeroizing::new(random::<32>()?))
    }

    /// The key pair of stored private bytes.
    pub fn from_secret_bytes(bytes: Zeroizing<[u8; 32]>) -> Result<KeyPair> {
        let secret = StaticSecret::from(*bytes);
        let public = PublicKey::from(&secret);
        Ok(KeyPair { secret, public })
    }

    /// The private half, to be wrapped by the slot's passphrase.
    pub fn secret_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.secret.to_bytes())
    }

    /// The public half, hex.
    pub fn public_hex(&self) -> String {
        HEXLOWER.encode(self.public.as_bytes())
    }
}

/// The database key sealed to one public key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sealed {
    ephemeral: String,
    nonce: String,
    ciphertext: String,
}

fn box_key(shared: &[u8; 32], ephemeral: &PublicKey, recipient: &PublicKey) -> Zeroizing<[u8; 32]> {
    let mut hash = Sha256::new();
    hash.update(b"mimik-sealed-key-v1\n");
    hash.update(shared);
    hash.update(ephemeral.as_bytes());
    hash.update(recipient.as_bytes());
    Zeroizing::new(hash.finalize().into())
}

fn associated_data(store_id: &str, slot_id: &str) -> Vec<u8> {
    format!("mimik-sealed-key-v1\n{store_id}\n{slot_id}").into_bytes()
}

/// Seal `key` to `recipient` (a slot's public key, hex).
pub fn seal(
    store_id: &str,
    slot_id: &str,
    recipient_hex: &str,
    key: &DatabaseKey,
) -> Result<Sealed> {
    let recipient = public_key(recipient_hex)?;
    let ephemeral = StaticSecret::from(random::<32>()?);
    let ephemeral_public = PublicKey::from(&ephemeral);
    let shared = Zeroizing::new(ephemeral.diffie_hellman(&recipient).to_bytes());
    let cipher = XChaCha20Poly1305::new(
        box_key(&shared, &ephemeral_public, &recipient)
            .as_ref()
            .into(),
    );
    let nonce = random::<24>()?;
    let aad = associated_data(store_id, slot_id);
    let ciphertext = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: key.bytes(),
                aad: &aad,
            },
        )
        .map_err(|_| Error::KeySlots("could not seal the key".into()))?;
    Ok(Sealed {
        ephemeral: HEXLOWER.encode(ephemeral_public.as_bytes()),
        nonce: HEXLOWER.encode(&nonce),
        ciphertext: HEXLOWER.encode(&ciphertext),
    })
}

/// Open a sealed key with the slot's key pair; `Err` when it does not open (the slot's private
/// key opened, so a box that fails is damage or tampering, not a wrong passphrase).
pub fn open(store_id: &str, slot_id: &str, pair: &KeyPair, sealed: &Sealed) -> Result<DatabaseKey> {
    let malformed = || Error::KeySlots(format!("slot {slot_id} is malformed"));
    let ephemeral = public_key(&sealed.ephemeral)?;
    let shared = Zeroizing::new(pair.secret.diffie_hellman(&ephemeral).to_bytes());
    let cipher = XChaCha20Poly1305::new(box_key(&shared, &ephemeral, &pair.public).as_ref().into());
    let nonce = decode(&sealed.nonce)?;
    if nonce.len() != 24 {
        return Err(malformed());
    }
    let aad = associated_data(store_id, slot_id);
    let plain = cipher
        .decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &decode(&sealed.ciphertext)?,
                aad: &aad,
            },
        )
        .map_err(|_| malformed())?;
    let plain = Zeroizing::new(plain);
    let bytes: [u8; 32] = plain.as_slice().try_into().map_err(|_| malformed())?;
    Ok(DatabaseKey::from_bytes(Zeroizing::new(bytes)))
}

fn public_key(hex: &str) -> Result<PublicKey> {
    let bytes: [u8; 32] = decode(hex)?
        .try_into()
        .map_err(|_| Error::KeySlots("a slot's public key is malformed".into()))?;
    Ok(PublicKey::from(bytes))
}

fn decode(text: &str) -> Result<Vec<u8>> {
    HEXLOWER
        .decode(text.as_bytes())
        .map_err(|_| Error::KeySlots("a slot is not valid hex".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_key_opens_only_with_its_slots_key_pair_in_its_store_and_slot() {
        let pair = KeyPair::generate().unwrap();
        let key = DatabaseKey::generate().unwrap();
        let sealed = seal("store-1", "staff:anna", &pair.public_hex(), &key).unwrap();
        assert_eq!(
            open("store-1", "staff:anna", &pair, &sealed)
                .unwrap()
                .bytes(),
            key.bytes()
        );
        let other = KeyPair::generate().unwrap();
        assert!(open("store-1", "staff:anna", &other, &sealed).is_err());
        assert!(open("store-2", "staff:anna", &pair, &sealed).is_err());
        assert!(open("store-1", "staff:bo", &pair, &sealed).is_err());
    }
}
