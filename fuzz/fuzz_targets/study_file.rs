//! Any text as a study file: a study or an error naming a line, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mimik_domain::study::Study;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(error) = Study::load(text) {
            assert!(error.line >= 1);
        }
    }
});
