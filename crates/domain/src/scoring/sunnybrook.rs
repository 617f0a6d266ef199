//! Sunnybrook Facial Grading System (Ross et al. 1996), algorithm `sunnybrook/1`.
//! See instruments.md, "Sunnybrook". Validation guarantees all 13 ratings are present.

use super::{Score, computed, sum_answered};
use crate::answers::ValidatedAnswers;

/// Trial inclusion "Sunnybrook < 61" means composite ≤ 60 (instruments.md).
pub const ELIGIBILITY_MAX_COMPOSITE: f64 = 60.0;

const RESTING: &[&str] = &["rest_eye", "rest_cheek", "rest_mouth"];
const MOVEMENT: &[&str] = &[
    "move_brow",
    "move_eye_closure",
    "move_smile",
    "move_snarl",
    "move_pucker",
];
const SYNKINESIS: &[&str] = &[
    "synk_brow",
    "synk_eye_closure",
    "synk_smile",
    "synk_snarl",
    "synk_pucker",
];

pub(super) fn score(answers: &ValidatedAnswers) -> Vec<Score> {
    let resting = 5.0 * sum_answered(answers, RESTING).0;
    let movement = 4.0 * sum_answered(answers, MOVEMENT).0;
    let synkinesis = sum_answered(answers, SYNKINESIS).0;
    let composite_value = movement - resting - synkinesis;

    // [decision] stored unclamped; below 0 it is flagged as a probable entry error.
    let mut composite = computed("composite", composite_value);
    if composite_value < 0.0 {
        composite.note = Some("below 0: probable entry error, please check the ratings".into());
    }
    vec![
        computed("resting_symmetry", resting),
        computed("voluntary_movement", movement),
        computed("synkinesis", synkinesis),
        composite,
    ]
}
