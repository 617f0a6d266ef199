//! The eligibility checklist, evaluated with the participant's latest Sunnybrook composite.

use super::{NewSubmission, Saved, insert, short};
use crate::error::{Error, Result};
use crate::store::Store;
use mimik_domain::content::{Content, EligibilityContent};
use mimik_domain::envelope::Kind;
use mimik_domain::study::Form;
use rusqlite::OptionalExtension;
use serde_json::Value;

impl Store {
    /// Record the eligibility checklist, evaluated with the participant's latest Sunnybrook
    /// composite at that time point (instruments.md: composite ≤ 60).
    pub fn save_eligibility(
        &mut self,
        participant: &str,
        timepoint: &str,
        checklist: &std::collections::BTreeMap<String, bool>,
    ) -> Result<Saved> {
        self.check_form(participant, timepoint, Form::Eligibility)?;
        let unknown: Vec<&str> = checklist
            .keys()
            .filter(|k| !self.bundle.study.eligibility.iter().any(|c| &c.id == *k))
            .map(String::as_str)
            .collect();
        if let Some(first) = unknown.first() {
            return Err(Error::Invalid(format!(
                "unknown eligibility criterion {:?}",
                short(first)
            )));
        }
        let composite: Option<f64> = self.read(|c| {
            let scores: Option<String> = c
                .query_row(
                    "SELECT scores FROM submissions WHERE participant = ?1 AND timepoint = ?2
                     AND instrument = 'sunnybrook' ORDER BY device_seq DESC LIMIT 1",
                    (participant, timepoint),
                    |r| r.get(0),
                )
                .optional()?;
            Ok(scores
                .and_then(|s| serde_json::from_str::<Value>(&s).ok())
                .and_then(|v| v["composite"].as_f64()))
        })?;
        let result =
            mimik_domain::study::eligibility::evaluate(&self.bundle.study, checklist, composite);
        let content = Content::Eligibility(EligibilityContent {
            checklist: checklist.clone(),
            sunnybrook_composite: composite,
            eligible: result.eligible,
            unmet: result.unmet,
            unanswered: result.unanswered,
        });
        let record = NewSubmission::record(
            Kind::Eligibility,
            participant,
            Some(timepoint),
            content,
            "eligibility.saved",
        );
        self.write(|tx, ctx| insert(tx, ctx, record))
    }
}
