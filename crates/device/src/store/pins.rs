//! Quick-unlock PINs: a staff member's short PIN, checked against a verifier kept inside the
//! encrypted database (`staff_pins`). It never wraps the database key, so it only helps someone
//! who already holds the unlocked store: the running app after a screen lock, or a patient
//! handing the tablet back (keys/rules.rs says why).

use super::{Store, audit};
use crate::error::{Error, Result};
use crate::keys::{KdfParams, random, rules};
use rusqlite::OptionalExtension;

/// The cost of a PIN verifier: a fraction of a slot's, since the verifier is only readable with
/// the database key and the app drops that key after a few wrong PINs.
pub const PIN_KDF: KdfParams = KdfParams {
    m_kib: 19 * 1024,
    t: 2,
    p: 1,
};

impl Store {
    /// Set (or replace) the unlocking staff member's quick-unlock PIN.
    pub fn set_pin(&mut self, pin: &str, kdf: KdfParams) -> Result<()> {
        rules::check_pin(pin)?;
        let staff_id = self.actor.clone();
        if !self.slots.staff_ids().contains(&staff_id.as_str()) {
            return Err(Error::Invalid(
                "unlock as the staff member whose PIN is to be set".into(),
            ));
        }
        let salt = random::<16>()?;
        let verifier = kdf.derive(pin.as_bytes(), &salt)?;
        let kdf_json = serde_json::to_string(&kdf).map_err(|e| Error::Invalid(e.to_string()))?;
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO staff_pins (staff_id, kdf, salt, verifier, set_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (staff_id) DO UPDATE SET
                   kdf = excluded.kdf, salt = excluded.salt, verifier = excluded.verifier,
                   set_at = excluded.set_at",
                (
                    &staff_id,
                    &kdf_json,
                    &salt[..],
                    &verifier[..],
                    ctx.moment.utc_text(),
                ),
            )?;
            audit::append(tx, ctx, "staff.pin_set", Some(&staff_id), None)
        })
    }

    /// Whether the unlocking staff member has a PIN.
    pub fn has_pin(&self) -> Result<bool> {
        self.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT 1 FROM staff_pins WHERE staff_id = ?1",
                    [&self.actor],
                    |_| Ok(()),
                )
                .optional()?
                .is_some())
        })
    }

    /// The staff member whose PIN this is, among those who still have a key slot. Costs one
    /// Argon2id per staff member with a PIN; a secret that is not PIN-shaped costs nothing.
    pub(super) fn pin_owner(&self, secret: &str) -> Result<Option<String>> {
        if !rules::is_pin_shaped(secret) {
            return Ok(None);
        }
        let rows: Vec<(String, String, Vec<u8>, Vec<u8>)> = self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT staff_id, kdf, salt, verifier FROM staff_pins ORDER BY staff_id",
            )?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })?;
        let with_slot = self.slots.staff_ids();
        for (staff_id, kdf, salt, verifier) in rows {
            if !with_slot.contains(&staff_id.as_str()) {
                continue;
            }
            let kdf: KdfParams = serde_json::from_str(&kdf)
                .map_err(|_| Error::Tampered("a PIN verifier is malformed".into()))?;
            let derived = kdf.derive(secret.as_bytes(), &salt)?;
            if constant_time_eq(&derived[..], &verifier) {
                return Ok(Some(staff_id));
            }
        }
        Ok(None)
    }

    /// Forget a staff member's PIN (inside the write that removes them).
    pub(super) fn delete_pin(tx: &rusqlite::Transaction<'_>, staff_id: &str) -> Result<()> {
        tx.execute("DELETE FROM staff_pins WHERE staff_id = ?1", [staff_id])?;
        Ok(())
    }
}

/// Equal bytes, compared without an early exit.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
