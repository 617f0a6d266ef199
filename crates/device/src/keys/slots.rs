//! `keyslots.json`: the database key, wrapped once per staff member and once for recovery.
//!
//! Format 2 (sealed slots): each slot holds an X25519 key pair whose private half is wrapped by
//! the slot's passphrase (or the recovery key), and the database key sealed to its public half
//! (`sealed.rs`), so a re-key reaches every slot without anyone's passphrase. Format-1 slots (the
//! key wrapped directly) still open, and become sealed at their owner's next unlock.

use super::keystore::Keystore;
use super::sealed;
#[cfg(any(test, feature = "test-support"))]
use super::slot::seal_format_1;
use super::slot::{Slot, SlotKind, decode, open, seal};
use super::{DatabaseKey, KdfParams, RecoveryKey, random};
use crate::error::{Error, Result};
use crate::fsutil::{write_atomic, write_new};
use data_encoding::HEXLOWER;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The file name inside the data directory.
pub const FILE_NAME: &str = "keyslots.json";
const FORMAT_VERSION: u32 = 2;
/// Files of this format are read too; they are written as [`FORMAT_VERSION`].
const OLDEST_FORMAT_READ: u32 = 1;

/// How an unlock is attempted.
pub enum Credentials {
    /// A staff member's passphrase; with `staff_id` `None` every staff slot is tried.
    Staff {
        /// Which staff member, if known.
        staff_id: Option<String>,
        /// Their passphrase.
        passphrase: Zeroizing<String>,
    },
    /// The recovery key.
    Recovery(RecoveryKey),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Staff { staff_id, .. } => write!(f, "Staff({staff_id:?}, …)"),
            Credentials::Recovery(_) => f.write_str("Recovery(…)"),
        }
    }
}

/// Whether `init` finished: a slot file written before its database is `Initializing`, so a
/// crash in between is resumed rather than leaving a key that opens nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreState {
    /// `init` wrote the slots and is creating the database.
    Initializing,
    /// The database exists and has its schema.
    Ready,
}

/// The slot file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlotFile {
    version: u32,
    /// Identifies the store; also written inside the database and bound into every slot.
    pub store_id: String,
    /// See [`StoreState`].
    pub state: StoreState,
    slots: Vec<Slot>,
}

impl SlotFile {
    /// Where the slot file of `dir` lives.
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(FILE_NAME)
    }

    /// A new slot file for a new store with its first staff member and the recovery key.
    pub fn create(
        store_id: &str,
        key: &DatabaseKey,
        staff_id: &str,
        passphrase: &str,
        kdf: KdfParams,
        recovery: &RecoveryKey,
    ) -> Result<SlotFile> {
        let mut file = SlotFile {
            version: FORMAT_VERSION,
            store_id: store_id.to_owned(),
            state: StoreState::Initializing,
            slots: Vec::new(),
        };
        file.add_staff(key, staff_id, passphrase, kdf)?;
        file.set_recovery(key, recovery)?;
        Ok(file)
    }

    /// (Re)make the recovery slot, sealed.
    fn set_recovery(&mut self, key: &DatabaseKey, recovery: &RecoveryKey) -> Result<()> {
        let salt = random::<16>()?;
        let wrapping = recovery.wrapping_key(&salt);
        let slot = seal(
            &self.store_id,
            "recovery",
            SlotKind::Recovery,
            &salt,
            &wrapping,
            key,
        )?;
        self.slots.retain(|s| s.id != "recovery");
        self.slots.push(slot);
        Ok(())
    }

    /// Read the slot file of `dir`; `None` when there is none.
    pub fn load(dir: &Path) -> Result<Option<SlotFile>> {
        let path = Self::path(dir);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io("the key slot file")(e)),
        };
        let file: SlotFile = serde_json::from_slice(&bytes)
            .map_err(|e| Error::KeySlots(format!("keyslots.json is damaged: {e}")))?;
        if !(OLDEST_FORMAT_READ..=FORMAT_VERSION).contains(&file.version) {
            return Err(Error::KeySlots(format!(
                "keyslots.json has format {}, this Mimik reads {OLDEST_FORMAT_READ} to {FORMAT_VERSION}",
                file.version
            )));
        }
        Ok(Some(file))
    }

    /// Write the file for a new store; fails if one exists.
    pub fn save_new(&self, dir: &Path) -> Result<()> {
        write_new(&Self::path(dir), &self.to_bytes()?).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::AlreadyInitialized(dir.to_path_buf())
            } else {
                Error::io("the key slot file")(e)
            }
        })
    }

    /// Replace the file atomically (old or new survives a crash, never a mix).
    pub fn save(&self, dir: &Path) -> Result<()> {
        write_atomic(&Self::path(dir), &self.to_bytes()?).map_err(Error::io("the key slot file"))
    }

    /// The file's bytes, always in the current format.
    pub(crate) fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut current = self.clone();
        current.version = FORMAT_VERSION;
        serde_json::to_vec_pretty(&current).map_err(|e| Error::KeySlots(e.to_string()))
    }

    /// Slots whose key is wrapped directly (format 1): a re-key cannot reach them.
    pub fn unsealed_slots(&self) -> Vec<String> {
        self.slots
            .iter()
            .filter(|s| s.public_key.is_none())
            .map(|s| s.id.clone())
            .collect()
    }

    /// The same slots with `new_key` sealed to each; fails on an unsealed slot.
    pub fn resealed(&self, new_key: &DatabaseKey) -> Result<SlotFile> {
        let mut next = self.clone();
        for slot in &mut next.slots {
            let public = slot.public_key.as_deref().ok_or_else(|| {
                Error::KeySlots(format!("slot {} predates sealed slots", slot.id))
            })?;
            slot.sealed_key = Some(sealed::seal(&next.store_id, &slot.id, public, new_key)?);
        }
        Ok(next)
    }

    /// After `credentials` opened a format-1 slot: make it sealed (same secret). Returns whether
    /// anything changed; a staff secret too weak for a slot is left for its owner to replace.
    pub fn seal_unsealed(
        &mut self,
        key: &DatabaseKey,
        credentials: &Credentials,
        staff: &str,
    ) -> Result<bool> {
        let slot_id = match credentials {
            Credentials::Staff { .. } => format!("staff:{staff}"),
            Credentials::Recovery(_) => "recovery".to_owned(),
        };
        let unsealed = self
            .slots
            .iter()
            .find(|s| s.id == slot_id)
            .is_some_and(|s| s.public_key.is_none());
        if !unsealed {
            return Ok(false);
        }
        match credentials {
            Credentials::Staff { passphrase, .. } => {
                if !super::rules::is_strong_passphrase(passphrase) {
                    return Ok(false);
                }
                let kdf = self
                    .slots
                    .iter()
                    .find_map(|s| match &s.kind {
                        SlotKind::Staff { staff_id, kdf } if *staff_id == staff => Some(*kdf),
                        _ => None,
                    })
                    .unwrap_or(KdfParams::INTERACTIVE);
                self.add_staff(key, staff, passphrase, kdf)?;
            }
            Credentials::Recovery(recovery) => self.set_recovery(key, recovery)?,
        }
        Ok(true)
    }

    /// Staff members with a slot.
    pub fn staff_ids(&self) -> Vec<&str> {
        self.slots
            .iter()
            .filter_map(|slot| match &slot.kind {
                SlotKind::Staff { staff_id, .. } => Some(staff_id.as_str()),
                SlotKind::Recovery | SlotKind::Keystore { .. } => None,
            })
            .collect()
    }

    /// Add a slot for a staff member (or replace theirs: that is a passphrase change).
    pub fn add_staff(
        &mut self,
        key: &DatabaseKey,
        staff_id: &str,
        passphrase: &str,
        kdf: KdfParams,
    ) -> Result<()> {
        // Never a short secret: a slot can be guessed against offline (rules.rs).
        super::rules::check_passphrase(passphrase)?;
        let salt = random::<16>()?;
        let wrapping = kdf.derive(passphrase.as_bytes(), &salt)?;
        let slot_id = format!("staff:{staff_id}");
        let kind = SlotKind::Staff {
            staff_id: staff_id.to_owned(),
            kdf,
        };
        let slot = seal(&self.store_id, &slot_id, kind, &salt, &wrapping, key)?;
        self.slots.retain(|s| s.id != slot_id);
        self.slots.push(slot);
        Ok(())
    }

    /// A format-1 slot (the key wrapped directly, any secret), as stores made before sealed slots
    /// and before PINs were split from passphrases have them: only for tests of their migration.
    #[cfg(any(test, feature = "test-support"))]
    pub fn add_format_1_slot(
        &mut self,
        key: &DatabaseKey,
        staff_id: &str,
        secret: &str,
        kdf: KdfParams,
    ) -> Result<()> {
        let salt = random::<16>()?;
        let wrapping = kdf.derive(secret.as_bytes(), &salt)?;
        let slot_id = format!("staff:{staff_id}");
        let kind = SlotKind::Staff {
            staff_id: staff_id.to_owned(),
            kdf,
        };
        let slot = seal_format_1(&self.store_id, &slot_id, kind, &salt, &wrapping, key)?;
        self.slots.retain(|s| s.id != slot_id);
        self.slots.push(slot);
        Ok(())
    }

    /// Add (or replace) a slot held by the device's keystore.
    pub fn add_keystore(&mut self, key: &DatabaseKey, keystore: &dyn Keystore) -> Result<()> {
        let wrapping = Zeroizing::new(random::<32>()?);
        let blob = keystore.seal(&wrapping)?;
        let slot_id = format!("keystore:{}", keystore.backend());
        let kind = SlotKind::Keystore {
            backend: keystore.backend().to_owned(),
        };
        let mut slot = seal(&self.store_id, &slot_id, kind, &[], &wrapping, key)?;
        slot.keystore_blob = Some(HEXLOWER.encode(&blob));
        self.slots.retain(|s| s.id != slot_id);
        self.slots.push(slot);
        Ok(())
    }

    /// Unwrap the database key with the device's keystore.
    pub fn unlock_keystore(&self, keystore: &dyn Keystore) -> Result<DatabaseKey> {
        let slot_id = format!("keystore:{}", keystore.backend());
        let slot = self
            .slots
            .iter()
            .find(|s| s.id == slot_id)
            .ok_or_else(|| Error::KeySlots(format!("there is no {slot_id} slot")))?;
        let blob = decode(slot.keystore_blob.as_deref().unwrap_or_default())?;
        let wrapping = keystore.unseal(&blob)?;
        open(&self.store_id, slot, &wrapping)?
            .ok_or_else(|| Error::KeySlots(format!("the keystore's key does not open {slot_id}")))
    }

    /// Remove a staff member's slot. The last staff slot cannot be removed.
    pub fn remove_staff(&mut self, staff_id: &str) -> Result<()> {
        let slot_id = format!("staff:{staff_id}");
        if !self.slots.iter().any(|s| s.id == slot_id) {
            return Err(Error::UnknownStaff(staff_id.to_owned()));
        }
        if self.staff_ids().len() == 1 {
            return Err(Error::Invalid(
                "the last staff member cannot be removed: add another one first".into(),
            ));
        }
        self.slots.retain(|s| s.id != slot_id);
        Ok(())
    }

    /// Unwrap the database key. Returns it and who unlocked (a staff id, or `recovery`).
    pub fn unlock(&self, credentials: &Credentials) -> Result<(DatabaseKey, String)> {
        match credentials {
            Credentials::Staff {
                staff_id,
                passphrase,
            } => {
                let candidates: Vec<&Slot> = self
                    .slots
                    .iter()
                    .filter(|slot| match (&slot.kind, staff_id) {
                        (SlotKind::Staff { staff_id: id, .. }, Some(wanted)) => id == wanted,
                        (SlotKind::Staff { .. }, None) => true,
                        (SlotKind::Recovery | SlotKind::Keystore { .. }, _) => false,
                    })
                    .collect();
                if let (Some(wanted), true) = (staff_id, candidates.is_empty()) {
                    return Err(Error::UnknownStaff(wanted.clone()));
                }
                for slot in candidates {
                    let SlotKind::Staff { staff_id, kdf } = &slot.kind else {
                        continue;
                    };
                    let wrapping = kdf.derive(passphrase.as_bytes(), &decode(&slot.salt)?)?;
                    if let Some(key) = open(&self.store_id, slot, &wrapping)? {
                        return Ok((key, staff_id.clone()));
                    }
                }
                Err(Error::WrongPassphrase)
            }
            Credentials::Recovery(recovery) => {
                let slot = self
                    .slots
                    .iter()
                    .find(|s| matches!(s.kind, SlotKind::Recovery))
                    .ok_or_else(|| Error::KeySlots("there is no recovery slot".into()))?;
                let wrapping = recovery.wrapping_key(&decode(&slot.salt)?);
                open(&self.store_id, slot, &wrapping)?
                    .map(|key| (key, "recovery".to_owned()))
                    .ok_or(Error::WrongRecoveryKey)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: KdfParams = KdfParams::INSECURE_FAST_FOR_TESTS;

    fn staff(id: Option<&str>, passphrase: &str) -> Credentials {
        Credentials::Staff {
            staff_id: id.map(str::to_owned),
            passphrase: Zeroizing::new(passphrase.to_owned()),
        }
    }

    fn file() -> (SlotFile, DatabaseKey, RecoveryKey) {
        let key = DatabaseKey::generate().unwrap();
        let recovery = RecoveryKey::generate().unwrap();
        let slots =
            SlotFile::create("store-1", &key, "anna", "correct horse", FAST, &recovery).unwrap();
        (slots, key, recovery)
    }

    #[test]
    fn each_slot_unwraps_the_same_database_key() {
        let (mut slots, key, recovery) = file();
        slots.add_staff(&key, "bo", "second staff", FAST).unwrap();
        for credentials in [
            staff(Some("anna"), "correct horse"),
            staff(None, "second staff"),
            Credentials::Recovery(recovery),
        ] {
            let (unwrapped, _) = slots.unlock(&credentials).unwrap();
            assert_eq!(unwrapped.bytes(), key.bytes());
        }
    }

    #[test]
    fn a_wrong_passphrase_or_recovery_key_is_an_error_that_says_so() {
        let (slots, ..) = file();
        assert!(matches!(
            slots.unlock(&staff(None, "wrong")),
            Err(Error::WrongPassphrase)
        ));
        let other = RecoveryKey::generate().unwrap();
        assert!(matches!(
            slots.unlock(&Credentials::Recovery(other)),
            Err(Error::WrongRecoveryKey)
        ));
        assert!(matches!(
            slots.unlock(&staff(Some("nobody"), "correct horse")),
            Err(Error::UnknownStaff(_))
        ));
    }

    #[test]
    fn changing_a_passphrase_rewraps_only_that_slot() {
        let (mut slots, key, _) = file();
        slots
            .add_staff(&key, "anna", "new passphrase", FAST)
            .unwrap();
        assert!(slots.unlock(&staff(Some("anna"), "new passphrase")).is_ok());
        assert!(matches!(
            slots.unlock(&staff(Some("anna"), "correct horse")),
            Err(Error::WrongPassphrase)
        ));
        assert_eq!(slots.staff_ids(), ["anna"]);
    }

    #[test]
    fn a_slot_moved_into_another_stores_file_does_not_open() {
        let (slots, ..) = file();
        let mut moved = slots.clone();
        moved.store_id = "store-2".into();
        assert!(matches!(
            moved.unlock(&staff(None, "correct horse")),
            Err(Error::WrongPassphrase)
        ));
    }

    #[test]
    fn the_last_staff_member_cannot_be_removed() {
        let (mut slots, key, _) = file();
        assert!(slots.remove_staff("anna").is_err());
        slots.add_staff(&key, "bo", "second staff", FAST).unwrap();
        slots.remove_staff("anna").unwrap();
        assert_eq!(slots.staff_ids(), ["bo"]);
    }
}
