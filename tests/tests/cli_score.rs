//! `mimik score` and `mimik instruments` as DESIGN.md §7 promises, through the real binary.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use mimik_tests::{bin, run_with_stdin};
use rstest::rstest;
use serde_json::{Value, json};
use std::process::{Command, Output};

fn mimik(args: &[&str], stdin: &[u8]) -> Output {
    run_with_stdin(Command::new(bin("mimik")).args(args), stdin)
}

fn answers(codes: &[Value]) -> Vec<u8> {
    let map: serde_json::Map<String, Value> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("q{}", i + 1), c.clone()))
        .collect();
    serde_json::to_vec(&json!({ "answers": map })).expect("json")
}

fn scores(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

fn close(value: &Value, expected: f64) -> bool {
    value.as_f64().is_some_and(|v| (v - expected).abs() < 5e-4)
}

#[rstest]
#[case::f3_strict(&["score", "face"], json!([2,1,3,2,3,2,4,3,4,5,4,3,2,3,5]), "total", Some(51.667))]
#[case::f4_strict(&["score", "face"], json!([2,1,3,2,3,2,4,3,4,5,4,3,2,3,null]), "total", None)]
#[case::f4_prorated(&["score", "face", "--missing", "prorated"], json!([2,1,3,2,3,2,4,3,4,5,4,3,2,3,null]), "total", Some(48.214))]
#[case::d3_physical(&["score", "fdi"], json!([4,5,3,2,"other_reasons",3,5,3,2,6]), "physical_function", Some(62.5))]
#[case::d2b(&["score", "fdi"], json!(["other_reasons","other_reasons","other_reasons","other_reasons","other_reasons"]), "physical_function", None)]
#[case::s3(&["score", "saq"], json!([4,3,2,1,5,3,2,1,1]), "total", Some(48.889))]
#[case::s4_prorated(&["score", "saq", "--missing", "prorated"], json!([4,3,2,1,5,3,2,1,null]), "total", Some(52.5))]
fn score_prints_unrounded_scores_and_null_where_not_computable(
    #[case] args: &[&str],
    #[case] codes: Value,
    #[case] key: &str,
    #[case] expected: Option<f64>,
) {
    let codes = codes.as_array().expect("array").clone();
    let doc = scores(&mimik(args, &answers(&codes)));
    let value = &doc["scores"][key];
    match expected {
        Some(expected) => assert!(close(value, expected), "{key} = {value}"),
        None => assert_eq!(value, &Value::Null),
    }
    assert_eq!(doc["algorithm"], format!("{}/1", args[1]));
}

#[test]
fn f3_total_is_printed_unrounded() {
    let doc = scores(&mimik(
        &["score", "face"],
        &answers(
            json!([2, 1, 3, 2, 3, 2, 4, 3, 4, 5, 4, 3, 2, 3, 5])
                .as_array()
                .expect("array"),
        ),
    ));
    assert_eq!(doc["scores"]["total"], json!(100.0 * 31.0 / 60.0));
}

#[test]
fn sunnybrook_sb3_scores_through_the_cli() {
    let input = json!({"answers": {"rest_eye": 1, "rest_cheek": 1, "rest_mouth": 0,
        "move_brow": 3, "move_eye_closure": 4, "move_smile": 3, "move_snarl": 3, "move_pucker": 2,
        "synk_brow": 1, "synk_eye_closure": 2, "synk_smile": 3, "synk_snarl": 2, "synk_pucker": 3}});
    let doc = scores(&mimik(
        &["score", "sunnybrook"],
        input.to_string().as_bytes(),
    ));
    assert_eq!(doc["scores"]["composite"], json!(39.0));
    assert_eq!(doc["scores"]["resting_symmetry"], json!(10.0));
}

#[test]
fn invalid_answers_exit_2_with_a_json_list_of_issues() {
    let output = mimik(&["score", "saq"], br#"{"answers": {"q1": 7, "q99": 1}}"#);
    assert_eq!(output.status.code(), Some(2));
    let doc: Value = serde_json::from_slice(&output.stdout).expect("issues are JSON");
    let items: Vec<&str> = doc["issues"]
        .as_array()
        .expect("issues list")
        .iter()
        .filter_map(|i| i["item"].as_str())
        .collect();
    assert_eq!(items, ["q1", "q99"]);
}

#[rstest]
#[case::truncated(b"{\"answers\": {\"q1\": 2".as_slice())]
#[case::not_json(b"hello".as_slice())]
#[case::invalid_utf8(b"{\"answers\": {\"q\xff\": 1}}".as_slice())]
#[case::empty(b"".as_slice())]
fn malformed_json_is_a_one_line_error_and_exit_1(#[case] input: &[u8]) {
    let output = mimik(&["score", "face"], input);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("answers"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn oversized_input_is_refused() {
    let big = vec![b' '; 2 << 20];
    let output = mimik(&["score", "face"], &big);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("1024 KiB"));
}

#[rstest]
#[case::unknown_instrument(&["score", "face2"])]
#[case::unknown_mode(&["score", "face", "--missing", "lenient"])]
fn usage_errors_exit_64_not_2(#[case] args: &[&str]) {
    let output = mimik(args, b"{}");
    assert_eq!(output.status.code(), Some(64));
}

#[test]
fn instruments_lists_algorithms_and_pack_hashes() {
    let doc = scores(&mimik(&["instruments"], b""));
    let algorithms: Vec<&str> = doc["instruments"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|i| i["algorithm"].as_str())
        .collect();
    assert_eq!(algorithms, ["face/1", "fdi/1", "saq/1", "sunnybrook/1"]);
    let packs = doc["content_packs"].as_array().expect("packs");
    assert_eq!(packs.len(), 4);
    assert!(
        packs
            .iter()
            .all(|p| p["sha256"].as_str().is_some_and(|h| h.len() == 64))
    );
}
