//! Any bytes as an answers document for every instrument: an error or scores, never a panic;
//! every computed score finite.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mimik_domain::{Instrument, MissingMode, parse_answers_json, score};

fuzz_target!(|data: &[u8]| {
    for instrument in Instrument::ALL {
        if let Ok(answers) = parse_answers_json(instrument, data) {
            for mode in [MissingMode::Strict, MissingMode::Prorated] {
                let scores = score(&answers, mode);
                assert!(scores.all().iter().all(|s| s.value.is_none_or(f64::is_finite)));
            }
        }
    }
});
