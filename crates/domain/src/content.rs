//! The content of a submission body: one type per kind (issue 11 point 3).
//!
//! The canonical bytes of every kind are what tablets wrote before these types existed
//! (`tests/fixtures/bodies.ndjson`, checked in `envelope` tests): field names, which fields are
//! null and which are left out are on the wire and hashed. Do not change them without a body
//! version bump.

use crate::answers::{StrictMap, ValidatedAnswers};
use crate::instrument::Instrument;
use crate::scoring::{MissingMode, score};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A body's content; which variant is decided by the body's kind ([`crate::envelope`] decodes it).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Content {
    /// `questionnaire` (patient) and `clinician_form` (Sunnybrook): one instrument's answers.
    Form(FormContent),
    /// `side_effect`: the patient's free text.
    SideEffect(SideEffectContent),
    /// `no_side_effects`: the explicit answer, with nothing in it.
    NoSideEffects(NoSideEffectsContent),
    /// `side_effect_grade`: a clinician's Clavien-Dindo grade of one side effect.
    SideEffectGrade(GradeContent),
    /// `botox_count`: injections counted over the protocol's period.
    BotoxCount(BotoxCountContent),
    /// `eligibility`: the checklist and what it suggests.
    Eligibility(EligibilityContent),
    /// `participant`: the registration and its dates.
    Participant(RosterDates),
}

impl Content {
    /// The questionnaire or clinician form, if it is one.
    pub fn form(&self) -> Option<&FormContent> {
        match self {
            Content::Form(form) => Some(form),
            _ => None,
        }
    }

    /// The side effect's text, if it is one.
    pub fn side_effect_text(&self) -> Option<&str> {
        match self {
            Content::SideEffect(effect) => Some(&effect.text),
            _ => None,
        }
    }

    /// The graded side effect, if it is a grade.
    pub fn grade(&self) -> Option<&GradeContent> {
        match self {
            Content::SideEffectGrade(grade) => Some(grade),
            _ => None,
        }
    }

    /// The Botox count, if it is one.
    pub fn botox_count(&self) -> Option<&BotoxCountContent> {
        match self {
            Content::BotoxCount(count) => Some(count),
            _ => None,
        }
    }

    /// The participant's dates, if it is a registration.
    pub fn participant(&self) -> Option<&RosterDates> {
        match self {
            Content::Participant(dates) => Some(dates),
            _ => None,
        }
    }
}

/// Where a form was filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// On the tablet (the default; bodies leave it out).
    Tablet,
    /// On paper, typed in later (the paper backlog of `mimik submit --ndjson`).
    Paper,
}

impl Source {
    /// As exported: `tablet` or `paper`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Tablet => "tablet",
            Source::Paper => "paper",
        }
    }
}

/// One instrument's answers and the scores the tablet computed from them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormContent {
    /// The instrument.
    pub instrument: Instrument,
    /// Its scoring algorithm version (`face/1`, …); the server refuses one it does not run.
    pub algorithm: String,
    /// SHA-256 of the content pack shown.
    pub content_pack_sha256: String,
    /// The language of the pack shown (`sv`, `en`).
    pub language: String,
    /// How the totals treat missing items.
    pub missing: MissingMode,
    /// Item id → answer, exactly as answered; a missing item is absent.
    pub answers: StrictMap,
    /// Score key → value (null when it cannot be computed), re-computed by the server (NL-4).
    pub scores: Map<String, Value>,
    /// Score key → why it is null or prorated.
    pub notes: BTreeMap<String, String>,
    /// Left out for a form filled in on the tablet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// The day a paper form was filled in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_on: Option<NaiveDate>,
}

impl FormContent {
    /// Validated answers with the scores computed from them, answered from the pack
    /// `content_pack_sha256` in `language`, on the tablet.
    pub fn scored(
        answers: &ValidatedAnswers,
        missing: MissingMode,
        content_pack_sha256: &str,
        language: &str,
    ) -> FormContent {
        let instrument = answers.instrument();
        let scores = score(answers, missing);
        FormContent {
            instrument,
            algorithm: instrument.algorithm().to_owned(),
            content_pack_sha256: content_pack_sha256.to_owned(),
            language: language.to_owned(),
            missing,
            answers: answers.to_map(),
            scores: scores.values_map(),
            notes: scores.notes_map(),
            source: None,
            completed_on: None,
        }
    }

    /// The same, filled in on paper on `day`.
    pub fn on_paper(self, day: NaiveDate) -> FormContent {
        FormContent {
            source: Some(Source::Paper),
            completed_on: Some(day),
            ..self
        }
    }

    /// Where it was filled in.
    pub fn source(&self) -> Source {
        self.source.unwrap_or(Source::Tablet)
    }
}

/// A side effect in the patient's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SideEffectContent {
    /// At most [`crate::side_effect::MAX_CHARS`] characters after NFC.
    pub text: String,
}

/// Nothing: "no side effects since the last visit" is the whole answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoSideEffectsContent {}

/// A Clavien-Dindo grade of one side effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeContent {
    /// The side effect graded (its submission id).
    pub side_effect_id: String,
    /// `I`, `II`, `IIIa`, …
    pub grade: String,
    /// The "d" suffix: present at discharge.
    #[serde(default)]
    pub present_at_discharge: bool,
}

/// The highest Botox injection count believed (one rule for the tablet and the server).
pub const MAX_BOTOX_COUNT: u64 = 200;

/// The counting periods a protocol may give a Botox count, in months.
pub const COUNTING_PERIOD_MONTHS: std::ops::RangeInclusive<u64> = 1..=120;

/// A Botox injection count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotoxCountContent {
    /// Injections counted.
    pub count: u64,
    /// Over the last this many months (the protocol's `counting_period_months`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counting_period_months: Option<u64>,
}

/// The eligibility checklist as answered, and what it suggests (a person decides).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EligibilityContent {
    /// Criterion id → met.
    pub checklist: BTreeMap<String, bool>,
    /// The latest Sunnybrook composite of the time point, if any.
    pub sunnybrook_composite: Option<f64>,
    /// `None` while anything is unanswered.
    pub eligible: Option<bool>,
    /// Criteria not met.
    pub unmet: Vec<String>,
    /// Criteria not answered.
    pub unanswered: Vec<String>,
}

/// The content of a `participant` submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RosterDates {
    /// Inclusion date.
    pub inclusion_date: NaiveDate,
    /// Surgery date.
    pub surgery_date: Option<NaiveDate>,
    /// Botox injection dates.
    pub botox_dates: Vec<NaiveDate>,
}
