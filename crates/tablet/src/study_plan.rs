//! The protocol in force as staff screens need it (issue 12): time points with their labels and
//! forms, each form's name and settings, and the eligibility checklist, in Swedish and English.
//! The UI takes labels and "which time points have patient forms" from here, not from code, so
//! a protocol amendment reaches the screens with the bundle.

use super::{App, CommandResult};
use mimik_domain::study::{Form, Study};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A text in English and, when the protocol gives it, Swedish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Label {
    /// English.
    pub en: String,
    /// Swedish, if the protocol has it (else show English).
    pub sv: Option<String>,
}

impl From<&mimik_domain::study::Label> for Label {
    fn from(label: &mimik_domain::study::Label) -> Label {
        Label {
            en: label.en.clone(),
            sv: label.sv.clone(),
        }
    }
}

/// One time point of the protocol in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlannedTimepoint {
    /// Time point id (`post_6m`).
    pub id: String,
    /// Its name.
    pub label: Label,
    /// What the patient answers (`face`, `side_effects`, …), in protocol order.
    pub patient_forms: Vec<String>,
    /// What staff record (`sunnybrook`, `botox_count`, …).
    pub staff_forms: Vec<String>,
}

/// One form as the protocol describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlannedForm {
    /// Form id (`botox_count`).
    pub form: String,
    /// Its name, if the protocol gives one.
    pub label: Option<Label>,
    /// `strict` or `prorated`, for questionnaires.
    pub missing: Option<String>,
    /// The Botox count's counting period, in months before the visit.
    pub counting_period_months: Option<u32>,
}

/// The protocol in force on the tablet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StudyPlan {
    /// Study id.
    pub study: String,
    /// The bundle version in force.
    #[ts(type = "number")]
    pub version: u64,
    /// Time points in protocol order.
    pub timepoints: Vec<PlannedTimepoint>,
    /// The forms the protocol says something about.
    pub forms: Vec<PlannedForm>,
}

/// Whether a criterion must hold or must be absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum CriterionKind {
    /// Must hold.
    Inclusion,
    /// Must be absent.
    Exclusion,
}

/// One item of the study's eligibility checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EligibilityCriterion {
    /// Stable id.
    pub id: String,
    /// Inclusion or exclusion.
    pub kind: CriterionKind,
    /// The criterion as the registry record words it.
    pub label: Label,
}

fn ids(forms: &[Form]) -> Vec<String> {
    forms.iter().map(|f| f.id().to_owned()).collect()
}

/// The plan of `study` at bundle version `version`.
pub(super) fn plan(study: &Study, version: u64) -> StudyPlan {
    StudyPlan {
        study: study.id.clone(),
        version,
        timepoints: study
            .timepoints
            .iter()
            .map(|tp| PlannedTimepoint {
                id: tp.id.clone(),
                label: Label::from(&tp.label),
                patient_forms: ids(&tp.patient_forms),
                staff_forms: ids(&tp.staff_forms),
            })
            .collect(),
        forms: study
            .forms
            .iter()
            .map(|(form, settings)| PlannedForm {
                form: form.id().to_owned(),
                label: settings.label.as_ref().map(Label::from),
                missing: settings.missing.map(|m| m.to_string()),
                counting_period_months: settings.counting_period_months,
            })
            .collect(),
    }
}

impl App {
    /// The protocol in force, for the staff screens.
    pub fn study_plan(&self) -> CommandResult<StudyPlan> {
        let store = self.staff_store()?;
        Ok(plan(store.study(), store.bundle().bundle.version))
    }

    /// The study's eligibility checklist.
    pub fn eligibility_criteria(&self) -> CommandResult<Vec<EligibilityCriterion>> {
        Ok(self
            .staff_store()?
            .study()
            .eligibility
            .iter()
            .map(|c| EligibilityCriterion {
                id: c.id.clone(),
                kind: match c.kind {
                    mimik_domain::study::CriterionKind::Inclusion => CriterionKind::Inclusion,
                    mimik_domain::study::CriterionKind::Exclusion => CriterionKind::Exclusion,
                },
                label: Label::from(&c.label),
            })
            .collect())
    }
}
