//! The eligibility checklist recorded at baseline, with the Sunnybrook rule.

use super::{CriterionKind, Study};
use serde::Serialize;
use std::collections::BTreeMap;

/// The outcome of the checklist.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Eligibility {
    /// `Some(true)` eligible, `Some(false)` not eligible, `None` while anything is unanswered.
    pub eligible: Option<bool>,
    /// Criteria (and `sunnybrook`) that make the patient ineligible.
    pub unmet: Vec<String>,
    /// Criteria (and `sunnybrook`) not yet answered.
    pub unanswered: Vec<String>,
}

/// Evaluate the checklist (`true` = the statement holds for the patient) and the Sunnybrook
/// composite against the study's rules. Unknown checklist ids are ignored by design: the
/// protocol is the list of what matters.
pub fn evaluate(
    study: &Study,
    checklist: &BTreeMap<String, bool>,
    sunnybrook_composite: Option<f64>,
) -> Eligibility {
    let mut unmet = Vec::new();
    let mut unanswered = Vec::new();
    for criterion in &study.eligibility {
        match (criterion.kind, checklist.get(&criterion.id)) {
            (_, None) => unanswered.push(criterion.id.clone()),
            (CriterionKind::Inclusion, Some(false)) | (CriterionKind::Exclusion, Some(true)) => {
                unmet.push(criterion.id.clone());
            }
            _ => {}
        }
    }
    match sunnybrook_composite {
        // Below 0 is flagged as a probable entry error (instruments.md): not a basis for a decision.
        None => unanswered.push("sunnybrook".to_owned()),
        Some(composite) if composite < 0.0 => unanswered.push("sunnybrook".to_owned()),
        Some(composite) if composite > study.sunnybrook_max_composite => {
            unmet.push("sunnybrook".to_owned());
        }
        Some(_) => {}
    }
    let eligible = if !unmet.is_empty() {
        Some(false)
    } else if unanswered.is_empty() {
        Some(true)
    } else {
        None
    };
    Eligibility {
        eligible,
        unmet,
        unanswered,
    }
}
