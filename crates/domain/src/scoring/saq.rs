//! SAQ (Mehta et al. 2007), algorithm `saq/1`. See instruments.md, "SAQ".

use super::{MissingMode, Score, computed, not_computable, sum_answered};
use crate::answers::ValidatedAnswers;

const ITEMS: &[&str] = &["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9"];

pub(super) fn score(answers: &ValidatedAnswers, mode: MissingMode) -> Vec<Score> {
    let (sum, m) = sum_answered(answers, ITEMS);
    let complete = m == ITEMS.len();

    // Score = Σ / (5m) × 100 (= Σ / 45 × 100 when complete). [decision] strict needs all 9.
    let total = match mode {
        _ if complete => computed("total", sum / 45.0 * 100.0),
        MissingMode::Strict => not_computable(
            "total",
            format!("strict mode needs all 9 items, {m} answered"),
        ),
        MissingMode::Prorated if m == 0 => not_computable("total", "no item answered".to_owned()),
        MissingMode::Prorated => computed("total", sum / (5.0 * m as f64) * 100.0),
    };

    // [decision] the raw sum (9–45) is only meaningful over all 9 items, in either mode.
    let raw_sum = if complete {
        computed("raw_sum", sum)
    } else {
        not_computable("raw_sum", format!("needs all 9 items, {m} answered"))
    };
    vec![total, raw_sum]
}
