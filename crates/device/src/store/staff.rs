//! Staff on this tablet: their key slots (add, remove with re-key, change a passphrase), the
//! quick-unlock PIN check, and confirming a staff member's secret (leaving patient mode).

use super::connection::load_slots;
use super::{PIN_KDF, Rekey, Store, audit, keystore_slot};
use crate::error::{Error, Result};
use crate::keys::rules;
use crate::keys::{AttemptTime, Attempts, Credentials, KdfParams, SlotFile};

impl Store {
    /// A format-1 slot that just opened becomes sealed, so that a later re-key reaches it.
    pub(super) fn seal_own_slot(&mut self, credentials: &Credentials) -> Result<()> {
        let mut slots = self.slots.clone();
        if slots.seal_unsealed(&self.key, credentials, &self.actor)? {
            slots.save(&self.dir)?;
            self.slots = slots;
        }
        Ok(())
    }

    /// After a staff slot opened with `secret`: a short secret must be replaced by a passphrase,
    /// and one shaped like a PIN keeps working as the quick-unlock PIN meanwhile.
    pub(super) fn note_slot_secret(&mut self, secret: &str) -> Result<()> {
        self.weak_secret = !rules::is_strong_passphrase(secret);
        if self.weak_secret && rules::is_pin_shaped(secret) && !self.has_pin()? {
            self.set_pin(secret, PIN_KDF)?;
        }
        Ok(())
    }

    /// Whether the unlocking staff member must choose a passphrase before anything else: they
    /// unlocked with a short secret that still wraps the key in `keyslots.json`.
    pub fn must_change_passphrase(&self) -> bool {
        self.weak_secret
    }

    /// Check a staff PIN or passphrase while the store is open (leaving patient mode), with the
    /// same limit on failed attempts as unlocking. Returns the staff id it belongs to.
    pub fn confirm_staff(&self, secret: &str) -> Result<String> {
        Ok(self.check_staff_secret(secret)?.0)
    }

    /// The quick unlock of a running app whose screen was locked: a staff member's PIN, or
    /// their passphrase, makes them the actor of this store. The key never left memory.
    pub fn quick_unlock(&mut self, secret: &str) -> Result<String> {
        let (staff, by_slot) = self.check_staff_secret(secret)?;
        self.actor.clone_from(&staff);
        if by_slot {
            self.note_slot_secret(secret)?;
        } else {
            self.weak_secret = false;
        }
        Ok(staff)
    }

    /// Whose PIN or passphrase `secret` is, and whether it opened a key slot (not a PIN), counted
    /// like an unlock attempt.
    pub(super) fn check_staff_secret(&self, secret: &str) -> Result<(String, bool)> {
        let attempts = Attempts::in_dir(&self.dir);
        let slots = load_slots(&self.dir)?;
        attempts.begin(&AttemptTime::now())?;
        let checked = (|| {
            if let Some(staff) = self.pin_owner(secret)? {
                return Ok((staff, false));
            }
            let credentials = Credentials::Staff {
                staff_id: None,
                passphrase: zeroize::Zeroizing::new(secret.to_owned()),
            };
            slots
                .unlock(&credentials)
                .map(|(_key, staff)| (staff, true))
        })();
        match checked {
            Ok(found) => {
                attempts.reset();
                Ok(found)
            }
            Err(e @ Error::WrongPassphrase) => Err(e),
            Err(e) => {
                attempts.forget_one();
                Err(e)
            }
        }
    }

    /// Add a staff member with their own passphrase (rewraps the key into a new slot).
    pub fn add_staff(&mut self, staff_id: &str, passphrase: &str, kdf: KdfParams) -> Result<()> {
        validate_staff_id(staff_id)?;
        rules::check_passphrase(passphrase)?;
        if self.slots.staff_ids().contains(&staff_id) {
            return Err(Error::Invalid(format!(
                "staff member {staff_id:?} already exists"
            )));
        }
        let mut slots = self.slots.clone();
        slots.add_staff(&self.key, staff_id, passphrase, kdf)?;
        // Database row and audit first, then the slot file: a crash in between leaves a staff
        // row without a slot (harmless, re-add works), never a slot nobody audited.
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO staff (id, added_at, added_by) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET removed_at = NULL",
                (staff_id, ctx.moment.utc_text(), ctx.actor),
            )?;
            audit::append(tx, ctx, "staff.added", Some(staff_id), None)
        })?;
        slots.save(&self.dir)?;
        self.slots = slots;
        Ok(())
    }

    /// Remove a staff member's slot, then re-key so that an old copy of the slot file opens
    /// nothing; their past actions stay attributed to them. A removal is never held up by a
    /// re-key that cannot run yet ([`Rekey::Blocked`] says who must unlock first).
    pub fn remove_staff(&mut self, staff_id: &str, reason: &str) -> Result<Rekey> {
        let mut slots = self.slots.clone();
        slots.remove_staff(staff_id)?;
        // Audit first, then the slot file: a key change is never without its audit row.
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE staff SET removed_at = ?2 WHERE id = ?1",
                (staff_id, ctx.moment.utc_text()),
            )?;
            Store::delete_pin(tx, staff_id)?;
            audit::append(tx, ctx, "staff.removed", Some(staff_id), Some(reason))
        })?;
        self.save_slots(slots, staff_id)?;
        self.rekey(&format!("staff member {staff_id} removed"))
    }

    /// Save changed key slots; if that fails after the audit row was written, say so in the
    /// audit too (best effort: the disk may be what failed).
    pub(super) fn save_slots(&mut self, slots: SlotFile, subject: &str) -> Result<()> {
        match slots.save(&self.dir) {
            Ok(()) => {
                self.slots = slots;
                Ok(())
            }
            Err(error) => {
                let _ = self.write(|tx, ctx| {
                    audit::append(tx, ctx, "staff.keyslot_change_failed", Some(subject), None)
                });
                Err(error)
            }
        }
    }

    /// Change the unlocking staff member's passphrase: rewraps their slot, never re-encrypts.
    pub fn change_passphrase(&mut self, new_passphrase: &str, kdf: KdfParams) -> Result<()> {
        rules::check_passphrase(new_passphrase)?;
        let staff_id = self.actor.clone();
        if !self.slots.staff_ids().contains(&staff_id.as_str()) {
            return Err(Error::Invalid(
                "unlock as the staff member whose passphrase is to change".into(),
            ));
        }
        let mut slots = self.slots.clone();
        slots.add_staff(&self.key, &staff_id, new_passphrase, kdf)?;
        slots.save(&self.dir)?;
        self.slots = slots;
        self.weak_secret = false;
        self.write(|tx, ctx| {
            audit::append(tx, ctx, "staff.passphrase_changed", Some(&staff_id), None)
        })
    }
}

/// Staff ids are short handles (`anna.l`, `nurse-2`), never a patient's anything.
pub fn validate_staff_id(id: &str) -> Result<()> {
    let ok = (2..=32).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok && id != "recovery" && id != keystore_slot::KEYSTORE_ACTOR {
        Ok(())
    } else {
        Err(Error::Invalid(
            "a staff id is 2–32 characters of a–z, 0–9, '.', '-' or '_'".into(),
        ))
    }
}
