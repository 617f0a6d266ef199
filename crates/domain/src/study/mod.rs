//! The study protocol as data: time points, anchors, windows, forms and the eligibility
//! checklist (`studies/<id>.toml`), with the schedule ([`schedule`]) and eligibility rules
//! ([`eligibility`]) that follow from it.

pub mod eligibility;
mod labels;
mod pseudonym;
pub mod schedule;
pub mod status;

pub use labels::{FormSettings, Label};
pub use pseudonym::{Pseudonym, PseudonymError, PseudonymPattern};

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What a time point's window is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// The participant's inclusion date.
    Inclusion,
    /// The most recent Botox injection on or before today.
    LastBotox,
    /// The surgery date (unknown until it is planned).
    Surgery,
}

/// A form filled in at a time point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    /// FaCE (patient).
    Face,
    /// FDI (patient).
    Fdi,
    /// SAQ (patient).
    Saq,
    /// Free-text side effects (patient).
    SideEffects,
    /// Sunnybrook (clinician).
    Sunnybrook,
    /// Eligibility checklist (staff).
    Eligibility,
    /// Botox injection count (staff).
    BotoxCount,
    /// Clavien-Dindo grading of side effects (clinician).
    ClavienDindo,
}

/// One time point of the protocol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timepoint {
    /// Stable id (`post_6m`), stored with every submission.
    pub id: String,
    /// For staff screens and pages, in the study's languages.
    pub label: Label,
    /// What the target date is counted from.
    pub anchor: Anchor,
    /// Calendar months from the anchor to the target date.
    #[serde(default)]
    pub offset_months: u32,
    /// Days added after the months.
    #[serde(default)]
    pub offset_days: u32,
    /// The window opens this many days before the target date.
    pub window_before_days: u32,
    /// The window closes this many days after the target date.
    pub window_after_days: u32,
    /// The registry record gives no window: the study team chose it (`[decision]`).
    #[serde(default)]
    pub window_is_decision: bool,
    /// Forms the patient fills in.
    pub patient_forms: Vec<Form>,
    /// Forms staff fill in.
    pub staff_forms: Vec<Form>,
}

/// Inclusion criteria must be met; exclusion criteria must be absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CriterionKind {
    /// Must be true.
    Inclusion,
    /// Must be false.
    Exclusion,
}

/// One line of the eligibility checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// Stable id.
    pub id: String,
    /// Inclusion or exclusion.
    pub kind: CriterionKind,
    /// The criterion as the registry record words it, in the study's languages (`text` in
    /// protocols published before labels had languages).
    #[serde(alias = "text")]
    pub label: Label,
}

/// A study protocol, loaded and checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Study {
    /// Registry id (`NCT05191719`).
    pub id: String,
    /// Title.
    pub title: String,
    /// Site.
    pub site: String,
    /// Version of this protocol file.
    pub version: String,
    /// The pseudonym format.
    pub pseudonym_pattern: PseudonymPattern,
    /// Languages patients may choose.
    pub languages: Vec<String>,
    /// The Sunnybrook composite at or below which a patient is eligible.
    pub sunnybrook_max_composite: f64,
    /// Time points in protocol order.
    pub timepoints: Vec<Timepoint>,
    /// The eligibility checklist.
    pub eligibility: Vec<Criterion>,
    /// What the protocol says about each form (labels, missing data, counting period).
    #[serde(default)]
    pub forms: BTreeMap<Form, FormSettings>,
}

/// A study file that cannot be used; the message names the line and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("study file, line {line}{}: {message}", field.as_ref().map(|f| format!(", field `{f}`")).unwrap_or_default())]
pub struct StudyError {
    /// 1-based line of the problem (1 when the whole file is concerned).
    pub line: usize,
    /// The field concerned, when known.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl Study {
    /// Parse and check a study file.
    pub fn load(text: &str) -> Result<Study, StudyError> {
        let study: Study = toml::from_str(text).map_err(|e| {
            let (line, field) = match e.span() {
                Some(span) => line_and_key(text, span.start),
                None => (1, None),
            };
            let message = crate::content_pack::one_line(&e);
            let field = field.or_else(|| backticked(&message));
            StudyError {
                line,
                field,
                message,
            }
        })?;
        study.check(text)?;
        Ok(study)
    }

    /// The time point with this id.
    pub fn timepoint(&self, id: &str) -> Option<&Timepoint> {
        self.timepoints.iter().find(|tp| tp.id == id)
    }

    fn check(&self, text: &str) -> Result<(), StudyError> {
        let at = |needle: &str, field: &str, message: String| StudyError {
            line: find_field_line(text, needle, field),
            field: Some(field.to_owned()),
            message,
        };
        if self.timepoints.is_empty() {
            return Err(at("", "timepoints", "the study has no time points".into()));
        }
        let mut ids = BTreeSet::new();
        for tp in &self.timepoints {
            let needle = format!("\"{}\"", tp.id);
            if !is_id(&tp.id) {
                return Err(at(
                    &needle,
                    "id",
                    "ids are lower-case letters, digits and _".into(),
                ));
            }
            if !ids.insert(tp.id.as_str()) {
                // The second one is the mistake: point at it.
                let second = text.rfind(&format!("id = {needle}")).unwrap_or(0);
                return Err(StudyError {
                    line: text.get(..second).unwrap_or("").matches('\n').count() + 1,
                    field: Some("id".into()),
                    message: format!("time point {} appears twice", tp.id),
                });
            }
            if tp.offset_months > 120 || tp.offset_days > 3660 {
                return Err(at(
                    &needle,
                    "offset_months",
                    "offset beyond 10 years".into(),
                ));
            }
            if tp.window_before_days > 366 || tp.window_after_days > 366 {
                return Err(at(
                    &needle,
                    "window_before_days",
                    "window beyond a year".into(),
                ));
            }
            if tp.patient_forms.iter().any(|f| !f.is_patient_form())
                || tp.staff_forms.iter().any(|f| f.is_patient_form())
            {
                return Err(at(
                    &needle,
                    "patient_forms",
                    "patient forms are face, fdi, saq, side_effects; the others are staff forms"
                        .into(),
                ));
            }
        }
        let mut criteria = BTreeSet::new();
        for criterion in &self.eligibility {
            if !criteria.insert(criterion.id.as_str()) || !is_id(&criterion.id) {
                let needle = format!("\"{}\"", criterion.id);
                return Err(at(&needle, "id", "criterion ids must be unique ids".into()));
            }
        }
        for (form, settings) in &self.forms {
            if let Some((field, message)) = labels::misfit(*form, settings) {
                return Err(at(&format!("[forms.{}]", form.id()), field, message));
            }
        }
        if !(0.0..=100.0).contains(&self.sunnybrook_max_composite) {
            return Err(at(
                "sunnybrook_max_composite",
                "sunnybrook_max_composite",
                "must be between 0 and 100".into(),
            ));
        }
        if self.languages.is_empty() {
            return Err(at("languages", "languages", "at least one language".into()));
        }
        Ok(())
    }
}

impl From<crate::Instrument> for Form {
    fn from(instrument: crate::Instrument) -> Form {
        match instrument {
            crate::Instrument::Face => Form::Face,
            crate::Instrument::Fdi => Form::Fdi,
            crate::Instrument::Saq => Form::Saq,
            crate::Instrument::Sunnybrook => Form::Sunnybrook,
        }
    }
}

impl Form {
    /// Its id in protocol files and records (`side_effects`).
    pub fn id(self) -> &'static str {
        match self {
            Form::Face => "face",
            Form::Fdi => "fdi",
            Form::Saq => "saq",
            Form::SideEffects => "side_effects",
            Form::Sunnybrook => "sunnybrook",
            Form::Eligibility => "eligibility",
            Form::BotoxCount => "botox_count",
            Form::ClavienDindo => "clavien_dindo",
        }
    }

    /// Whether the patient fills it in.
    pub fn is_patient_form(self) -> bool {
        matches!(self, Form::Face | Form::Fdi | Form::Saq | Form::SideEffects)
    }

    /// The instrument behind the form, if it is one.
    pub fn instrument(self) -> Option<crate::Instrument> {
        match self {
            Form::Face => Some(crate::Instrument::Face),
            Form::Fdi => Some(crate::Instrument::Fdi),
            Form::Saq => Some(crate::Instrument::Saq),
            Form::Sunnybrook => Some(crate::Instrument::Sunnybrook),
            _ => None,
        }
    }
}

fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 40
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The 1-based line of byte `offset`, and the key assigned on that line, if any.
fn line_and_key(text: &str, offset: usize) -> (usize, Option<String>) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let key = text
        .lines()
        .nth(line - 1)
        .and_then(|l| l.split_once('='))
        .map(|(k, _)| k.trim().to_owned())
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    (line, key)
}

/// The line of `field` in the table that contains `needle` (or of `needle` itself).
fn find_field_line(text: &str, needle: &str, field: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines
        .iter()
        .position(|line| !needle.is_empty() && line.contains(needle))
    else {
        return 1;
    };
    let table_end = lines
        .iter()
        .skip(start + 1)
        .position(|line| line.trim_start().starts_with('['))
        .map_or(lines.len(), |i| start + 1 + i);
    let field_line = lines
        .get(start..table_end)
        .and_then(|table| table.iter().position(|l| l.trim_start().starts_with(field)))
        .map_or(start, |i| start + i);
    field_line + 1
}

/// The field of "missing field `x`" / "unknown field `x`" messages.
fn backticked(message: &str) -> Option<String> {
    if !message.contains(" field `") {
        return None;
    }
    let start = message.find('`')? + 1;
    let len = message.get(start..)?.find('`')?;
    Some(message.get(start..start + len)?.to_owned())
}

#[cfg(test)]
mod tests;
