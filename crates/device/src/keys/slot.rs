//! One key slot of `keyslots.json` and its cryptography: a sealed slot (an X25519 key pair whose
//! private half is wrapped by the slot's secret, the database key sealed to its public half) or a
//! format-1 slot (the database key wrapped directly), each bound to its store and slot id.

use super::sealed::{self, KeyPair, Sealed};
use super::{DatabaseKey, KdfParams, random};
use crate::error::{Error, Result};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use data_encoding::HEXLOWER;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

// No `deny_unknown_fields` here: serde does not support it together with `flatten`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Slot {
    pub(super) id: String,
    #[serde(flatten)]
    pub(super) kind: SlotKind,
    pub(super) salt: String,
    pub(super) nonce: String,
    /// Format 1: the database key. Sealed slots: the slot's X25519 private key.
    pub(super) wrapped_key: String,
    /// Sealed slots: the X25519 public key the database key is sealed to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) public_key: Option<String>,
    /// Sealed slots: the database key, sealed to `public_key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) sealed_key: Option<Sealed>,
    /// Keystore slots: the wrapping key, sealed by the device's keystore (hex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) keystore_blob: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(super) enum SlotKind {
    Staff {
        staff_id: String,
        kdf: KdfParams,
    },
    Recovery,
    /// The device's own keystore (`keystore.rs`): no person's secret.
    Keystore {
        backend: String,
    },
}

/// The AEAD's associated data binds a wrapped key to its store and slot: a slot copied into
/// another store's file, or renamed, does not open.
pub(super) fn associated_data(store_id: &str, slot_id: &str) -> Vec<u8> {
    format!("mimik-keyslot-v1\n{store_id}\n{slot_id}").into_bytes()
}

/// A sealed slot: a new key pair, its private half wrapped by `wrapping`, `key` sealed to it.
pub(super) fn seal(
    store_id: &str,
    slot_id: &str,
    kind: SlotKind,
    salt: &[u8],
    wrapping: &[u8; 32],
    key: &DatabaseKey,
) -> Result<Slot> {
    let pair = KeyPair::generate()?;
    let nonce = random::<24>()?;
    let cipher = XChaCha20Poly1305::new(wrapping.into());
    let aad = associated_data_sealed(store_id, slot_id);
    let wrapped = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: pair.secret_bytes().as_slice(),
                aad: &aad,
            },
        )
        .map_err(|_| Error::KeySlots("could not wrap the key".into()))?;
    let public = pair.public_hex();
    Ok(Slot {
        id: slot_id.to_owned(),
        kind,
        salt: HEXLOWER.encode(salt),
        nonce: HEXLOWER.encode(&nonce),
        wrapped_key: HEXLOWER.encode(&wrapped),
        sealed_key: Some(sealed::seal(store_id, slot_id, &public, key)?),
        public_key: Some(public),
        keystore_blob: None,
    })
}

/// A sealed slot's private key is bound to its store and slot like a format-1 key.
pub(super) fn associated_data_sealed(store_id: &str, slot_id: &str) -> Vec<u8> {
    format!("mimik-keyslot-v2\n{store_id}\n{slot_id}").into_bytes()
}

#[cfg_attr(not(test), allow(dead_code))]
pub(super) fn seal_format_1(
    store_id: &str,
    slot_id: &str,
    kind: SlotKind,
    salt: &[u8],
    wrapping: &[u8; 32],
    key: &DatabaseKey,
) -> Result<Slot> {
    let nonce = random::<24>()?;
    let cipher = XChaCha20Poly1305::new(wrapping.into());
    let aad = associated_data(store_id, slot_id);
    let wrapped = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: key.bytes(),
                aad: &aad,
            },
        )
        .map_err(|_| Error::KeySlots("could not wrap the key".into()))?;
    Ok(Slot {
        id: slot_id.to_owned(),
        kind,
        salt: HEXLOWER.encode(salt),
        nonce: HEXLOWER.encode(&nonce),
        wrapped_key: HEXLOWER.encode(&wrapped),
        public_key: None,
        sealed_key: None,
        keystore_blob: None,
    })
}

/// `Ok(None)` when the tag does not verify (wrong passphrase); `Err` when the slot is malformed.
pub(super) fn open(
    store_id: &str,
    slot: &Slot,
    wrapping: &[u8; 32],
) -> Result<Option<DatabaseKey>> {
    let nonce = decode(&slot.nonce)?;
    if nonce.len() != 24 {
        return Err(Error::KeySlots(format!("slot {} is malformed", slot.id)));
    }
    let cipher = XChaCha20Poly1305::new(wrapping.into());
    if let (Some(public), Some(sealed_key)) = (&slot.public_key, &slot.sealed_key) {
        let aad = associated_data_sealed(store_id, &slot.id);
        let Ok(private) = cipher.decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &decode(&slot.wrapped_key)?,
                aad: &aad,
            },
        ) else {
            return Ok(None);
        };
        let private = Zeroizing::new(private);
        let bytes: [u8; 32] = private
            .as_slice()
            .try_into()
            .map_err(|_| Error::KeySlots(format!("slot {} is malformed", slot.id)))?;
        let pair = KeyPair::from_secret_bytes(Zeroizing::new(bytes))?;
        if pair.public_hex() != *public {
            return Err(Error::KeySlots(format!("slot {} is malformed", slot.id)));
        }
        return sealed::open(store_id, &slot.id, &pair, sealed_key).map(Some);
    }
    let aad = associated_data(store_id, &slot.id);
    let Ok(plain) = cipher.decrypt(
        XNonce::from_slice(&nonce),
        Payload {
            msg: &decode(&slot.wrapped_key)?,
            aad: &aad,
        },
    ) else {
        return Ok(None);
    };
    let plain = Zeroizing::new(plain);
    let bytes: [u8; 32] = plain
        .as_slice()
        .try_into()
        .map_err(|_| Error::KeySlots(format!("slot {} is malformed", slot.id)))?;
    Ok(Some(DatabaseKey::from_bytes(Zeroizing::new(bytes))))
}

pub(super) fn decode(text: &str) -> Result<Vec<u8>> {
    HEXLOWER
        .decode(text.as_bytes())
        .map_err(|_| Error::KeySlots("a slot is not valid hex".into()))
}
