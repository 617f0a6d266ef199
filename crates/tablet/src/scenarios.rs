//! The scenarios of `ui/src/mock/scenarios.json`, run against the real [`App`]. The UI's mock
//! backend runs the same file (`ui/src/mock/scenarios.test.ts`), so a rule the mock imitates
//! (scores, schedule windows, eligibility, secrets, locks) cannot drift from the one here without
//! one of the two failing (issue 13, "tests that must prove what they claim").

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::dto::{Answers, Instrument, NewParticipant};
use super::{App, CommandError};
use mimik_device::keys::KdfParams;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

const SCENARIOS: &str = include_str!("../../../ui/src/mock/scenarios.json");

fn arg<T: DeserializeOwned>(args: &Value, key: &str) -> T {
    serde_json::from_value(args[key].clone()).unwrap_or_else(|e| panic!("argument {key}: {e}"))
}

fn json(value: impl Serialize) -> Value {
    serde_json::to_value(value).unwrap()
}

/// One IPC command with its JSON arguments, as the Tauri shell would call it.
fn call(app: &mut App, cmd: &str, args: &Value) -> Result<Value, CommandError> {
    let text = |key: &str| arg::<String>(args, key);
    match cmd {
        "app_state" => app.app_state().map(json),
        "init_store" => app
            .init_store(&text("staffName"), &text("passphrase"))
            .map(json),
        "unlock" => app.unlock(&text("passphrase")).map(json),
        "lock" => {
            app.lock();
            Ok(Value::Null)
        }
        "set_pin" => app.set_pin(&text("pin")).map(json),
        "change_passphrase" => app.change_passphrase(&text("passphrase")).map(json),
        "sync_status" => app.sync_status().map(json),
        "list_participants" => app.list_participants(None).map(json),
        "add_participant" => {
            let new: NewParticipant = serde_json::from_value(args.clone()).unwrap();
            app.add_participant(&new).map(json)
        }
        "score_preview" => app
            .score_preview(
                arg::<Instrument>(args, "instrument"),
                &arg::<Answers>(args, "answers"),
            )
            .map(json),
        other => panic!("the scenario runner does not know the command {other:?}"),
    }
}

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
fn the_shared_scenarios_hold_for_the_real_app() {
    let file: Value = serde_json::from_str(SCENARIOS).unwrap();
    let scenarios = file["scenarios"].as_array().unwrap();
    assert!(!scenarios.is_empty());
    for scenario in scenarios {
        let name = scenario["name"].as_str().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut app = App::new(
            &dir.path().join("data"),
            KdfParams::INSECURE_FAST_FOR_TESTS,
            None,
        );
        for (n, step) in scenario["steps"].as_array().unwrap().iter().enumerate() {
            let cmd = step["cmd"].as_str().unwrap();
            let result = call(&mut app, cmd, &step["args"]);
            let at = format!("{name}, step {} ({cmd})", n + 1);
            match (step.get("error"), result) {
                (Some(code), Err(error)) => assert_eq!(error.code, *code, "{at}: {error}"),
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
