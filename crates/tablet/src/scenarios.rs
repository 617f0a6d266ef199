//! The scenarios of `ui/src/mock/scenarios.json`, run against the real [`App`]. The UI's mock
//! backend runs the same file (`ui/src/mock/scenarios.test.ts`), so a rule the mock imitates
//! (scores, schedule windows, eligibility, secrets, locks) cannot drift from the one here without
//! one of the two failing (issue 13, "tests that must prove what they claim").

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::commands::call_json;
use super::{App, Shared};
use mimik_device::keys::KdfParams;
use serde_json::Value;

const SCENARIOS: &str = include_str!("../../../ui/src/mock/scenarios.json");

/// Every key of `expected` is in `actual` with a matching value; numbers within 0.001; a null
/// also matches an absent key.
fn matches(expected: &Value, actual: Option<&Value>) -> bool {
    match (expected, actual) {
        (Value::Null, None | Some(Value::Null)) => true,
        (Value::Object(want), Some(Value::Object(have))) => {
            want.iter().all(|(k, v)| matches(v, have.get(k)))
        }
        (Value::Array(want), Some(Value::Array(have))) => {
            want.len() == have.len() && want.iter().zip(have).all(|(w, h)| matches(w, Some(h)))
        }
        (Value::Number(want), Some(Value::Number(have))) => {
            (want.as_f64().unwrap() - have.as_f64().unwrap()).abs() <= 1e-3
        }
        (want, Some(have)) => want == have,
        (_, None) => false,
    }
}

#[test]
fn the_shared_scenarios_hold_for_the_real_app_through_the_command_list() {
    let file: Value = serde_json::from_str(SCENARIOS).unwrap();
    let scenarios = file["scenarios"].as_array().unwrap();
    assert!(!scenarios.is_empty());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for scenario in scenarios {
        let name = scenario["name"].as_str().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let shared = Shared::new(App::new(
            &dir.path().join("data"),
            KdfParams::INSECURE_FAST_FOR_TESTS,
            None,
        ));
        for (n, step) in scenario["steps"].as_array().unwrap().iter().enumerate() {
            let cmd = step["cmd"].as_str().unwrap();
            // As the shell runs it: the command's request decoded by its Rust type.
            let request = match &step["args"] {
                Value::Null => Value::Object(Default::default()),
                args => args.clone(),
            };
            let result = runtime.block_on(call_json(&shared, cmd, request));
            let at = format!("{name}, step {} ({cmd})", n + 1);
            match (step.get("error"), result) {
                (Some(code), Err(error)) => assert_eq!(error.code.as_str(), code, "{at}: {error}"),
                (Some(code), Ok(value)) => panic!("{at}: expected {code}, got {value}"),
                (None, Err(error)) => panic!("{at}: {error}"),
                (None, Ok(value)) => assert!(
                    matches(&step["expect"], Some(&value)),
                    "{at}: expected {}, got {value}",
                    step["expect"]
                ),
            }
        }
    }
}
