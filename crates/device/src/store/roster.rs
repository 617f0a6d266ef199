//! The roster from the server: participants registered on other tablets of this site, new
//! dates of known ones, and the status a coordinator set (issue 14), merged into this tablet's
//! own list.

use super::{Store, audit};
use crate::error::Result;
use mimik_domain::protocol::RosterEntry;
use rusqlite::OptionalExtension;

impl Store {
    /// Add participants registered on other tablets; merge new dates into known ones.
    /// Returns how many participants were added or changed.
    pub fn merge_roster(&mut self, roster: &[RosterEntry]) -> Result<usize> {
        let pattern = self.bundle.study.pseudonym_pattern.clone();
        self.write(|tx, ctx| {
            let mut changed = 0;
            for entry in roster {
                if pattern.parse(&entry.pseudonym).is_err() {
                    continue; // not this study's: never stored
                }
                let known: Option<Option<String>> = tx
                    .query_row(
                        "SELECT surgery_date FROM participants WHERE pseudonym = ?1",
                        [&entry.pseudonym],
                        |r| r.get(0),
                    )
                    .optional()?;
                let mut touched = false;
                match known {
                    None => {
                        tx.execute(
                            // Recorded as received by whoever synced; the audit row says so.
                            "INSERT INTO participants (pseudonym, inclusion_date, surgery_date, registered_at, registered_by)
                             VALUES (?1, ?2, ?3, ?4, ?5)",
                            (&entry.pseudonym, entry.inclusion_date.to_string(),
                             entry.surgery_date.map(|d| d.to_string()), ctx.moment.utc_text(), ctx.actor),
                        )?;
                        touched = true;
                    }
                    Some(None) if entry.surgery_date.is_some() => {
                        tx.execute(
                            "UPDATE participants SET surgery_date = ?2 WHERE pseudonym = ?1",
                            (&entry.pseudonym, entry.surgery_date.map(|d| d.to_string())),
                        )?;
                        touched = true;
                    }
                    Some(_) => {}
                }
                if let Some(status) = entry.status {
                    // The server's status replaces the last one received; `None` (an older
                    // server, or no change recorded) leaves what the tablet has.
                    let changed_status = tx.execute(
                        "UPDATE participants SET status = ?2, status_date = ?3
                         WHERE pseudonym = ?1
                           AND (status IS NOT ?2 OR status_date IS NOT ?3)",
                        (&entry.pseudonym, status.status.name(), status.date.to_string()),
                    )? > 0;
                    if changed_status {
                        audit::append(
                            tx,
                            ctx,
                            "participant.status_received",
                            Some(&entry.pseudonym),
                            Some(status.status.name()),
                        )?;
                        touched = true;
                    }
                }
                for date in &entry.botox_dates {
                    touched |= tx.execute(
                        "INSERT OR IGNORE INTO botox_injections (participant, injected_on) VALUES (?1, ?2)",
                        (&entry.pseudonym, date.to_string()),
                    )? > 0;
                }
                if touched {
                    audit::append(tx, ctx, "participant.received", Some(&entry.pseudonym), None)?;
                    changed += 1;
                }
            }
            Ok(changed)
        })
    }
}
