//! FDI (VanSwearingen & Brach 1996), algorithm `fdi/1`. See instruments.md, "FDI".

use super::{Score, computed, not_computable, sum_answered};
use crate::answers::ValidatedAnswers;

const PHYSICAL: &[&str] = &["q1", "q2", "q3", "q4", "q5"];
const SOCIAL: &[&str] = &["q6", "q7", "q8", "q9", "q10"];

pub(super) fn score(answers: &ValidatedAnswers) -> Vec<Score> {
    // [decision, confirm] instruments.md: `other_reasons`, `not_applicable` and missing are
    // excluded from both Σ and N; counting them would push the score below 0–100.
    // `sum_answered` only sees numeric codes, which is exactly that rule.
    let (sum, n) = sum_answered(answers, PHYSICAL);
    let physical = if n == 0 {
        not_computable(
            "physical_function",
            "no physical item answered with a code 1–5".to_owned(),
        )
    } else {
        computed("physical_function", (sum - n as f64) / n as f64 * 25.0)
    };

    let (sum, n) = sum_answered(answers, SOCIAL);
    let social = if n == 0 {
        not_computable("social_wellbeing", "no social item answered".to_owned())
    } else {
        computed("social_wellbeing", (sum - n as f64) / n as f64 * 20.0)
    };

    // [decision] no total by default.
    vec![physical, social]
}
