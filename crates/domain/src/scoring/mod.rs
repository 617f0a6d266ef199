//! Scoring: [`ValidatedAnswers`] → [`Scores`], exactly as `instruments.md` says.
//!
//! Every score is computed in `f64` and never rounded here (rounding is for display only). A score
//! that cannot be computed is `None` with a reason, never 0 and never filled in. The algorithm id
//! (`face/1`, …) is stored with every submission: a change to any rule here, including the
//! [confirm] tables, needs a new algorithm version.

mod face;
mod fdi;
mod saq;
mod sunnybrook;

pub use face::FACE_DOMAINS;
pub use sunnybrook::ELIGIBILITY_MAX_COMPOSITE;

use crate::answers::ValidatedAnswers;
use crate::instrument::Instrument;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;
use std::str::FromStr;

/// How a total treats missing items (instruments.md: FaCE and SAQ totals).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingMode {
    /// The total needs every item (the default).
    #[default]
    Strict,
    /// The total is computed over the answered items.
    Prorated,
}

impl FromStr for MissingMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "strict" => Ok(MissingMode::Strict),
            "prorated" => Ok(MissingMode::Prorated),
            other => Err(format!(
                "unknown missing-data mode {:?}: expected strict or prorated",
                other.chars().take(20).collect::<String>()
            )),
        }
    }
}

impl fmt::Display for MissingMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MissingMode::Strict => "strict",
            MissingMode::Prorated => "prorated",
        })
    }
}

/// One named score: a value, or `None` with the reason it could not be computed.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// The score key of instruments.md ("Score names").
    pub key: &'static str,
    /// The unrounded value; `None` when it cannot be computed.
    pub value: Option<f64>,
    /// Why the value is `None`, or a flag on a computed value.
    pub note: Option<String>,
}

/// All scores of one submission, in the order of instruments.md's score table.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    instrument: Instrument,
    mode: MissingMode,
    scores: Vec<Score>,
}

impl Scores {
    /// The instrument scored.
    pub fn instrument(&self) -> Instrument {
        self.instrument
    }

    /// The algorithm id (`face/1`, …).
    pub fn algorithm(&self) -> &'static str {
        self.instrument.algorithm()
    }

    /// The missing-data mode the totals were computed with.
    pub fn mode(&self) -> MissingMode {
        self.mode
    }

    /// Every score, in a stable order.
    pub fn all(&self) -> &[Score] {
        &self.scores
    }

    /// One score's value; `None` when not computable or not a key of this instrument.
    pub fn value(&self, key: &str) -> Option<f64> {
        self.get(key).and_then(|score| score.value)
    }

    /// One score, if the instrument has that key.
    pub fn get(&self, key: &str) -> Option<&Score> {
        self.scores.iter().find(|score| score.key == key)
    }

    /// `{"facial_movement": 25.0, "total": null, …}`: unrounded, `null` where not computable.
    pub fn values_json(&self) -> Value {
        Value::Object(self.values_map())
    }

    /// Score key → value, `null` where it cannot be computed (a form body's `scores`).
    pub fn values_map(&self) -> Map<String, Value> {
        self.scores
            .iter()
            .map(|score| {
                let value = score
                    .value
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number);
                (score.key.to_owned(), value)
            })
            .collect()
    }

    /// `{"total": "strict mode needs …"}`: the reasons and flags, for the scores that have one.
    pub fn notes_json(&self) -> Value {
        Value::Object(
            self.notes_map()
                .into_iter()
                .map(|(key, note)| (key, Value::String(note)))
                .collect(),
        )
    }

    /// Score key → why it is null or prorated (a form body's `notes`).
    pub fn notes_map(&self) -> std::collections::BTreeMap<String, String> {
        self.scores
            .iter()
            .filter_map(|score| Some((score.key.to_owned(), score.note.clone()?)))
            .collect()
    }

    /// The document `mimik score` prints (DESIGN.md §7).
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "instrument": self.instrument.id(),
            "algorithm": self.algorithm(),
            "missing": self.mode.to_string(),
            "scores": self.values_json(),
            "notes": self.notes_json(),
        })
    }
}

/// Score validated answers with the instrument's current algorithm.
pub fn score(answers: &ValidatedAnswers, mode: MissingMode) -> Scores {
    let scores = match answers.instrument() {
        Instrument::Face => face::score(answers, mode),
        Instrument::Fdi => fdi::score(answers),
        Instrument::Saq => saq::score(answers, mode),
        Instrument::Sunnybrook => sunnybrook::score(answers),
    };
    Scores {
        instrument: answers.instrument(),
        mode,
        scores,
    }
}

/// Sum and count of the numeric codes of `items` that were answered.
fn sum_answered(answers: &ValidatedAnswers, items: &[&str]) -> (f64, usize) {
    items
        .iter()
        .filter_map(|item| answers.code(item))
        .fold((0.0, 0), |(sum, n), code| (sum + f64::from(code), n + 1))
}

fn computed(key: &'static str, value: f64) -> Score {
    Score {
        key,
        value: Some(value),
        note: None,
    }
}

fn not_computable(key: &'static str, reason: String) -> Score {
    Score {
        key,
        value: None,
        note: Some(reason),
    }
}

#[cfg(test)]
mod tests;
