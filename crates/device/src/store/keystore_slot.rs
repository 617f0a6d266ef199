//! A slot held by the device's keystore (`keys/keystore.rs`): added by a staff member, opened
//! with no person's secret. Its actor is the reserved `keystore`, as recovery-key unlocks are
//! `recovery`: a staff PIN (`Store::quick_unlock`) then says who works.

use super::{Encryption, Store, audit, check_not_quarantined, load_slots};
use crate::error::Result;
use crate::keys::keystore::Keystore;
use std::path::Path;

/// The reserved actor of keystore unlocks (staff ids cannot be "keystore").
pub const KEYSTORE_ACTOR: &str = "keystore";

impl Store {
    /// Give the device's keystore a slot of its own (sealed like the others, so a re-key
    /// reaches it).
    pub fn add_keystore_slot(&mut self, keystore: &dyn Keystore) -> Result<()> {
        let mut slots = self.slots.clone();
        slots.add_keystore(&self.key, keystore)?;
        let backend = keystore.backend();
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT OR IGNORE INTO staff (id, added_at, added_by) VALUES (?1, ?2, ?3)",
                (KEYSTORE_ACTOR, ctx.moment.utc_text(), ctx.actor),
            )?;
            audit::append(tx, ctx, "store.keystore_slot_added", Some(backend), None)
        })?;
        self.save_slots(slots, backend)
    }

    /// Open the store with the device's keystore.
    pub fn unlock_with_keystore(dir: &Path, keystore: &dyn Keystore) -> Result<Store> {
        check_not_quarantined(dir)?;
        let slots = load_slots(dir)?;
        let key = slots.unlock_keystore(keystore)?;
        Store::open(dir, key, KEYSTORE_ACTOR.to_owned(), slots, Encryption::On)
    }
}
