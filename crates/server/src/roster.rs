//! The roster: every participant registered on a tablet, derived from `participant`
//! submissions (nothing is updated in place). A participant is identified by study, site and
//! pseudonym, the study and site being those of the registering device (issue 12): two sites
//! registering the same pseudonym have two participants, and a site's tablets receive only
//! their own site's roster ([`of_site`]).
//!
//! [decision] For each pseudonym the registration with the latest `recorded_at` wins; ties go to
//! the higher `(device_id, device_seq)`. On one device `device_seq` order is save order, so the
//! newest edit on a tablet wins; across tablets the one made last wins. A registration dated
//! later than its receipt allows ([`crate::export::trust`]) loses to any with a believable time.

use crate::error::{Error, Result};
use crate::storage::StoredSubmission;
use mimik_domain::content::Content;
use mimik_domain::envelope::Body;
use mimik_domain::protocol::{RosterDates, RosterEntry};
use std::collections::BTreeMap;

/// Study and site: the scope a pseudonym is unique in.
pub type SiteKey = (String, String);

/// The roster of one site of one study, sorted by pseudonym.
pub fn of_site(
    participant_submissions: &[StoredSubmission],
    study: &str,
    site: &str,
) -> Result<Vec<RosterEntry>> {
    build(
        participant_submissions
            .iter()
            .filter(|s| s.study == study && s.site == site),
    )
}

/// Every site's roster, by study and site.
pub fn by_site(
    participant_submissions: &[StoredSubmission],
) -> Result<BTreeMap<SiteKey, Vec<RosterEntry>>> {
    let mut groups: BTreeMap<SiteKey, Vec<&StoredSubmission>> = BTreeMap::new();
    for submission in participant_submissions {
        groups
            .entry((submission.study.clone(), submission.site.clone()))
            .or_default()
            .push(submission);
    }
    groups
        .into_iter()
        .map(|(key, submissions)| Ok((key, build(submissions)?)))
        .collect()
}

/// The roster from `participant` submissions of one site, sorted by pseudonym.
fn build<'a>(
    participant_submissions: impl IntoIterator<Item = &'a StoredSubmission>,
) -> Result<Vec<RosterEntry>> {
    let mut latest: BTreeMap<&str, (&StoredSubmission, RosterDates)> = BTreeMap::new();
    for submission in participant_submissions {
        let body: Body = serde_json::from_str(&submission.body)
            .map_err(|e| Error::Corrupt(format!("submission {}: {e}", submission.id)))?;
        let Content::Participant(dates) = body.content else {
            return Err(Error::Corrupt(format!(
                "submission {} is not a participant",
                submission.id
            )));
        };
        // A row dated after its receipt (a tablet clock set to 2099) ranks below every row
        // with a believable time: it cannot win every later update (issue 13 item 8).
        let key = |s: &StoredSubmission| {
            let believable = !s.future_dated();
            (
                believable,
                s.recorded_at.clone(),
                s.device_id.clone(),
                s.device_seq,
            )
        };
        match latest.get(submission.participant.as_str()) {
            Some((current, _)) if key(current) >= key(submission) => {}
            _ => {
                latest.insert(&submission.participant, (submission, dates));
            }
        }
    }
    Ok(latest
        .into_iter()
        .map(|(pseudonym, (_, dates))| RosterEntry {
            pseudonym: pseudonym.to_owned(),
            inclusion_date: dates.inclusion_date,
            surgery_date: dates.surgery_date,
            botox_dates: dates.botox_dates,
            // Statuses are not submissions: [`crate::participants::with_statuses`] adds them.
            status: None,
        })
        .collect())
}
