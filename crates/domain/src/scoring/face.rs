//! FaCE (Kahn et al. 2001), algorithm `face/1`. See instruments.md, "FaCE".

use super::{MissingMode, Score, computed, not_computable, sum_answered};
use crate::answers::ValidatedAnswers;

/// FaCE domains and their items.
///
/// [confirm] instruments.md: the counts 3+3+2+2+1+4 and movement = items 1–3 are published; the
/// other item numbers come from one public port and must be confirmed against the study's
/// licensed scoring sheet. A confirmed change is a diff to this table plus `face/2`.
pub const FACE_DOMAINS: &[(&str, &[&str])] = &[
    ("facial_movement", &["q1", "q2", "q3"]),
    ("facial_comfort", &["q4", "q6", "q13"]),
    ("oral_function", &["q11", "q12"]),
    ("eye_comfort", &["q5", "q7"]),
    ("lacrimal_control", &["q8"]),
    ("social_function", &["q9", "q10", "q14", "q15"]),
];

const ALL_ITEMS: &[&str] = &[
    "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "q11", "q12", "q13", "q14", "q15",
];

/// 100 × (Σ − n) / (4n): codes 1…5 mapped onto 0…100.
fn scaled(sum: f64, n: usize) -> f64 {
    let n = n as f64;
    100.0 * (sum - n) / (4.0 * n)
}

pub(super) fn score(answers: &ValidatedAnswers, mode: MissingMode) -> Vec<Score> {
    let mut scores: Vec<Score> = FACE_DOMAINS
        .iter()
        .map(|&(key, items)| {
            let (sum, n) = sum_answered(answers, items);
            // [decision] instruments.md: a domain needs at least half of its items answered.
            let needed = items.len().div_ceil(2);
            if n >= needed {
                computed(key, scaled(sum, n))
            } else {
                not_computable(
                    key,
                    format!(
                        "needs at least {needed} of {} items, {n} answered",
                        items.len()
                    ),
                )
            }
        })
        .collect();

    // The total is item-weighted over all items, NOT the mean of the six domains
    // (instruments.md: the mean of domains is a known error; F3 gives 51.04 that way).
    let (sum, n) = sum_answered(answers, ALL_ITEMS);
    let total = match mode {
        _ if n == ALL_ITEMS.len() => computed("total", scaled(sum, n)),
        MissingMode::Strict => not_computable(
            "total",
            format!("strict mode needs all 15 items, {n} answered"),
        ),
        MissingMode::Prorated if n == 0 => not_computable("total", "no item answered".to_owned()),
        MissingMode::Prorated => computed("total", scaled(sum, n)),
    };
    scores.push(total);
    scores
}
