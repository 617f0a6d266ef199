//! A device writes only about its own site's participants (issue 12). A participant is study ×
//! site × pseudonym, so a registration always names the device's own site and never touches
//! another site's. What remains to refuse is a form, correction or side effect about a pseudonym
//! that another site of the study registered and the device's own site never did: that device
//! cannot have shown the patient a screen for it (its roster holds only its own site).

use crate::storage::{Device, Incoming};
use mimik_domain::envelope::Kind;
use mimik_domain::problem::ProblemCode;
use mimik_domain::protocol;
use std::collections::BTreeSet;

/// The registrations a batch is checked against.
#[derive(Debug)]
pub struct SiteCheck {
    own: BTreeSet<String>,
    elsewhere: BTreeSet<String>,
}

impl SiteCheck {
    /// From the `(site, pseudonym)` registrations of the device's study
    /// ([`SiteStore::registered`](crate::storage::SiteStore::registered)), for `device`.
    pub fn new(registered: Vec<(String, String)>, device: &Device) -> SiteCheck {
        let mut own = BTreeSet::new();
        let mut elsewhere = BTreeSet::new();
        for (site, pseudonym) in registered {
            if site == device.site {
                own.insert(pseudonym);
            } else {
                elsewhere.insert(pseudonym);
            }
        }
        SiteCheck { own, elsewhere }
    }

    /// Check one envelope that passed every other check, in batch order: a registration earlier
    /// in the batch counts as the site's own.
    pub fn check(&mut self, item: &Incoming) -> Result<(), protocol::ApiError> {
        if item.kind == Kind::Participant.as_str() {
            self.own.insert(item.participant.clone());
            return Ok(());
        }
        if self.elsewhere.contains(&item.participant) && !self.own.contains(&item.participant) {
            return Err(protocol::ApiError::new(
                ProblemCode::ParticipantOfOtherSite,
                "this pseudonym is a participant of another site: a device writes only about its own site's participants",
            ));
        }
        Ok(())
    }
}
