//! CSV of participants (issue 14 point 2): one row per registered participant with their dates
//! and current status, so an analysis can tell who left the study and when.

use super::{csv_error, finish};
use crate::error::Result;
use crate::participants::ParticipantKey;
use crate::roster::SiteKey;
use crate::storage::StatusRow;
use mimik_domain::protocol::RosterEntry;
use std::collections::BTreeMap;

const HEADER: [&str; 9] = [
    "study",
    "site",
    "participant",
    "inclusion_date",
    "surgery_date",
    "botox_dates",
    "status",
    "status_date",
    "status_reason",
];

/// Write the participants export: `rosters` by study and site, `histories` of status changes.
pub(super) fn write(
    rosters: &BTreeMap<SiteKey, Vec<RosterEntry>>,
    histories: &BTreeMap<ParticipantKey, Vec<StatusRow>>,
) -> Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(HEADER).map_err(csv_error)?;
    for ((study, site), roster) in rosters {
        for entry in roster {
            let key = (study.clone(), site.clone(), entry.pseudonym.clone());
            let last = histories.get(&key).and_then(|h| h.last());
            let botox: Vec<String> = entry.botox_dates.iter().map(ToString::to_string).collect();
            out.write_record([
                study.as_str(),
                site,
                &entry.pseudonym,
                &entry.inclusion_date.to_string(),
                &entry
                    .surgery_date
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                &botox.join(";"),
                last.map_or("screened", |r| r.status.as_str()),
                last.map_or("", |r| r.effective_on.as_str()),
                last.map_or("", |r| r.reason.as_str()),
            ])
            .map_err(csv_error)?;
        }
    }
    finish(out)
}
