//! What a submission may claim about other rows and about time (issue 13 item 8).
//!
//! A tablet signs what it sends, but a signature only says which device sent it, not that its
//! links and clock are right. So two claims are checked on the server, at read time, and never by
//! rejecting: a rejected envelope would sit in the tablet's quarantine, lost to the study (NL-1).
//!
//! - **Corrections.** A body's `supersedes` counts only when the corrected submission is stored
//!   and has the correction's participant, kind and instrument, and came from a device of the same
//!   site. Any other link is kept in the body and flagged, and supersedes nothing.
//! - **Times.** A `recorded_at` or `created_at` later than the receipt time plus [`CLOCK_SKEW`] is
//!   stored as sent and flagged for the data manager; such a row never wins the roster's "latest
//!   wins" over a row with a believable time.

use super::Parsed;
use crate::storage::StoredSubmission;
use std::collections::{BTreeMap, BTreeSet};

pub use crate::storage::CLOCK_SKEW;

/// Whether the row claims a time later than its receipt plus [`CLOCK_SKEW`]
/// ([`StoredSubmission::future_dated`]).
pub fn future_dated(row: &StoredSubmission) -> bool {
    row.future_dated()
}

/// Whether `correction` may supersede `target`: same participant, kind, instrument and site.
fn in_scope(correction: &StoredSubmission, target: &StoredSubmission) -> bool {
    correction.id != target.id
        && correction.participant == target.participant
        && correction.kind == target.kind
        && correction.instrument == target.instrument
        && correction.site == target.site
}

/// Each correction's link, split into those that count (corrected id → correction ids) and
/// those that do not (correction id → the id it names).
struct Links {
    trusted: BTreeSet<String>,
    untrusted: BTreeMap<String, String>,
}

fn links(all: &[Parsed]) -> Links {
    let by_id: BTreeMap<&str, &StoredSubmission> =
        all.iter().map(|p| (p.row.id.as_str(), &p.row)).collect();
    let mut out = Links {
        trusted: BTreeSet::new(),
        untrusted: BTreeMap::new(),
    };
    for p in all {
        let Some(link) = &p.body.supersedes else {
            continue;
        };
        let named = link.id.to_string();
        match by_id.get(named.as_str()) {
            Some(target) if in_scope(&p.row, target) => {
                out.trusted.insert(named);
            }
            _ => {
                out.untrusted.insert(p.row.id.clone(), named);
            }
        }
    }
    out
}

/// Ids that a trusted later correction supersedes: they stay stored, but do not count as
/// "latest".
pub fn superseded(all: &[Parsed]) -> BTreeSet<String> {
    links(all).trusted
}

/// Corrections whose link supersedes nothing: correction id → the id it names.
pub fn untrusted_corrections(all: &[Parsed]) -> BTreeMap<String, String> {
    links(all).untrusted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(recorded_at: &str, created_at: &str, received_at: &str) -> StoredSubmission {
        StoredSubmission {
            id: "x".into(),
            device_id: "d".into(),
            device_seq: 1,
            kind: "participant".into(),
            participant: "NT-001".into(),
            timepoint: None,
            instrument: None,
            algorithm: None,
            recorded_at: recorded_at.into(),
            utc_offset_minutes: 0,
            created_at: created_at.into(),
            received_at: received_at.into(),
            body: String::new(),
            body_sha256: String::new(),
            study: "NCT05191719".into(),
            site: "KS".into(),
        }
    }

    #[test]
    fn a_time_within_the_skew_is_believed_and_one_past_it_is_flagged() {
        let received = "2026-01-01T12:00:00.000000Z";
        assert!(!future_dated(&row(
            "2026-01-01T12:09:59.000000Z",
            "2026-01-01T11:00:00.000000Z",
            received
        )));
        assert!(future_dated(&row(
            "2026-01-01T12:10:01.000000Z",
            "2026-01-01T11:00:00.000000Z",
            received
        )));
        assert!(future_dated(&row(
            "2026-01-01T11:00:00.000000Z",
            "2099-01-01T00:00:00.000000Z",
            received
        )));
    }
}
