//! What is due for each participant (`mimik due`).

use super::Store;
use crate::error::Result;
use mimik_domain::study::schedule::{ParticipantDates, Saved, TimepointDue, schedule};
use mimik_domain::study::status::participation;
use serde::Serialize;

/// One participant's schedule today.
#[derive(Debug, Clone, Serialize)]
pub struct ParticipantDue {
    /// Pseudonym.
    pub participant: String,
    /// Every time point, in protocol order, as `mimik_domain::study::schedule` decides it
    /// (`pre_surgery`, with nothing to fill in on a tablet, is `not_applicable`).
    pub timepoints: Vec<TimepointDue>,
}

impl Store {
    /// The schedule of one or all participants, today in the device's time zone.
    pub fn due(&self, only: Option<&str>) -> Result<Vec<ParticipantDue>> {
        let today = super::Moment::now().local_date();
        let participants = match only {
            Some(p) => vec![self.participant(p)?],
            None => self.participants()?,
        };
        let submitted = self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT DISTINCT participant, timepoint, COALESCE(instrument, kind) FROM submissions
                 WHERE timepoint IS NOT NULL",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })?;
        let study = &self.bundle.study;
        Ok(participants
            .into_iter()
            .map(|p| {
                let saved: Saved = submitted
                    .iter()
                    .filter(|(who, _, _)| *who == p.pseudonym)
                    .map(|(_, tp, name)| (tp.clone(), name.clone()))
                    .collect();
                let dates = ParticipantDates {
                    inclusion: p.inclusion_date,
                    botox: p.botox_dates.clone(),
                    surgery: p.surgery_date,
                };
                ParticipantDue {
                    timepoints: schedule(study, &dates, &saved, today, participation(p.status)),
                    participant: p.pseudonym,
                }
            })
            .collect())
    }
}
