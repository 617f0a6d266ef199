//! Answers and scores between the IPC's types and the domain's, used by patient mode (`visit`)
//! and the staff forms (`staff_forms`) alike, so neither imports the other.

use crate::dto::{Answers, Scores};
use mimik_domain::answers::StrictMap;
use serde_json::Value;

/// The answers as the domain validates them; unanswered (null) items are left out.
pub(crate) fn strict_map(answers: &Answers) -> StrictMap {
    StrictMap(
        answers
            .0
            .iter()
            .filter_map(|(item, value)| {
                let value = serde_json::to_value((*value)?).ok()?;
                Some((item.clone(), value))
            })
            .collect(),
    )
}

/// Scores as the UI takes them, from the stored `{"total": 51.0, …}` object.
pub(crate) fn scores_of(values: Option<&Value>) -> Scores {
    Scores(
        values
            .and_then(Value::as_object)
            .map(|map| map.iter().map(|(k, v)| (k.clone(), v.as_f64())).collect())
            .unwrap_or_default(),
    )
}
