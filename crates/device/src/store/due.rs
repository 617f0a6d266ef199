//! What is due for each participant (`mimik due`).

use super::Store;
use crate::error::Result;
use mimik_domain::study::schedule::{ParticipantDates, TimepointDue, schedule};
use mimik_domain::study::{Form, Timepoint};
use serde::Serialize;
use std::collections::BTreeSet;

/// One participant's schedule today.
#[derive(Debug, Clone, Serialize)]
pub struct ParticipantDue {
    /// Pseudonym.
    pub participant: String,
    /// Every time point that has a form on the tablet, in protocol order.
    pub timepoints: Vec<TimepointDue>,
}

/// [decision] A time point is done when every form that yields exactly one record is saved:
/// the questionnaires, Sunnybrook, eligibility and the Botox count. Side effects and their
/// Clavien-Dindo grades are event-driven (zero or more) and do not hold a time point open.
fn required(tp: &Timepoint) -> Vec<Form> {
    tp.patient_forms
        .iter()
        .chain(&tp.staff_forms)
        .copied()
        .filter(|f| !matches!(f, Form::SideEffects | Form::ClavienDindo))
        .collect()
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
            Ok(rows.collect::<rusqlite::Result<BTreeSet<_>>>()?)
        })?;
        // Time points with no tablet form at all (pre_surgery: EMG is recorded elsewhere) are
        // not listed: nothing on the tablet can make them done.
        let study = &self.bundle.study;
        let shown: Vec<&Timepoint> = study
            .timepoints
            .iter()
            .filter(|tp| !required(tp).is_empty())
            .collect();
        Ok(participants
            .into_iter()
            .map(|p| {
                let done: BTreeSet<String> = shown
                    .iter()
                    .filter(|tp| {
                        required(tp).iter().all(|form| {
                            let name = form_record_name(*form);
                            submitted.contains(&(p.pseudonym.clone(), tp.id.clone(), name))
                        })
                    })
                    .map(|tp| tp.id.clone())
                    .collect();
                let dates = ParticipantDates {
                    inclusion: p.inclusion_date,
                    botox: p.botox_dates.clone(),
                    surgery: p.surgery_date,
                };
                let timepoints = schedule(study, &dates, &done, today)
                    .into_iter()
                    .filter(|t| shown.iter().any(|tp| tp.id == t.timepoint))
                    .collect();
                ParticipantDue {
                    participant: p.pseudonym,
                    timepoints,
                }
            })
            .collect())
    }
}

/// The `COALESCE(instrument, kind)` value a form's submission carries.
fn form_record_name(form: Form) -> String {
    match form.instrument() {
        Some(instrument) => instrument.id().to_owned(),
        None => match form {
            Form::BotoxCount => "botox_count".to_owned(),
            Form::Eligibility => "eligibility".to_owned(),
            _ => String::new(),
        },
    }
}
