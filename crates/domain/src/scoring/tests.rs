//! The worked examples of instruments.md (every row), and properties of every algorithm.

use super::*;
use crate::answers::{StrictMap, validate};
use proptest::prelude::*;
use rstest::rstest;
use serde_json::json;

const EPS: f64 = 5e-4; // instruments.md gives expected values to 3 decimals

fn answers(instrument: Instrument, codes: &[(&str, Value)]) -> ValidatedAnswers {
    let map = codes
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    validate(instrument, &StrictMap(map)).expect("example answers are valid")
}

/// Items q1…qN with the given codes; a `None` leaves that item out.
fn numbered(instrument: Instrument, codes: &[Option<Value>]) -> ValidatedAnswers {
    let pairs: Vec<(String, Value)> = codes
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.clone().map(|c| (format!("q{}", i + 1), c)))
        .collect();
    let refs: Vec<(&str, Value)> = pairs.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    answers(instrument, &refs)
}

fn codes(list: &[u8]) -> Vec<Option<Value>> {
    list.iter().map(|c| Some(json!(c))).collect()
}

fn without(mut list: Vec<Option<Value>>, item: usize) -> Vec<Option<Value>> {
    list[item - 1] = None;
    list
}

fn assert_scores(scores: &Scores, expected: &[(&str, Option<f64>)]) {
    for (key, want) in expected {
        let got = scores.value(key);
        match (got, want) {
            (Some(g), Some(w)) => assert!((g - w).abs() < EPS, "{key}: got {g}, want {w}"),
            (None, None) => assert!(scores.get(key).is_some_and(|s| s.note.is_some())),
            _ => panic!("{key}: got {got:?}, want {want:?}"),
        }
    }
}

const F3: [u8; 15] = [2, 1, 3, 2, 3, 2, 4, 3, 4, 5, 4, 3, 2, 3, 5];
const F3_DOMAINS: [(&str, Option<f64>); 6] = [
    ("facial_movement", Some(25.0)),
    ("facial_comfort", Some(25.0)),
    ("oral_function", Some(62.5)),
    ("eye_comfort", Some(62.5)),
    ("lacrimal_control", Some(50.0)),
    ("social_function", Some(81.25)),
];

#[rstest]
#[case::f1_all_ones(codes(&[1; 15]), MissingMode::Strict, 0.0, Some(0.0))]
#[case::f2_all_fives(codes(&[5; 15]), MissingMode::Strict, 100.0, Some(100.0))]
fn face_f1_f2_every_domain_equals_the_total(
    #[case] list: Vec<Option<Value>>,
    #[case] mode: MissingMode,
    #[case] domain: f64,
    #[case] total: Option<f64>,
) {
    let scores = score(&numbered(Instrument::Face, &list), mode);
    for (key, _) in FACE_DOMAINS {
        assert_scores(&scores, &[(key, Some(domain))]);
    }
    assert_scores(&scores, &[("total", total)]);
}

#[test]
fn face_f3_total_is_item_weighted_not_the_mean_of_domains() {
    let scores = score(
        &numbered(Instrument::Face, &codes(&F3)),
        MissingMode::Strict,
    );
    assert_scores(&scores, &F3_DOMAINS);
    assert_scores(&scores, &[("total", Some(51.667))]);
    let mean_of_domains: f64 = F3_DOMAINS.iter().filter_map(|d| d.1).sum::<f64>() / 6.0;
    assert!(
        (mean_of_domains - 51.04).abs() < 0.01,
        "the known error is 51.04"
    );
    assert!((scores.value("total").unwrap() - mean_of_domains).abs() > 0.5);
}

#[rstest]
#[case::strict(MissingMode::Strict, None)]
#[case::prorated(MissingMode::Prorated, Some(48.214))]
fn face_f4_without_q15(#[case] mode: MissingMode, #[case] total: Option<f64>) {
    let scores = score(&numbered(Instrument::Face, &without(codes(&F3), 15)), mode);
    let mut expected = F3_DOMAINS.to_vec();
    expected[5] = ("social_function", Some(75.0));
    assert_scores(&scores, &expected);
    assert_scores(&scores, &[("total", total)]);
}

#[rstest]
#[case::strict(MissingMode::Strict, None)]
#[case::prorated(MissingMode::Prorated, Some(51.786))]
fn face_f5_without_q8_has_no_lacrimal_score(#[case] mode: MissingMode, #[case] total: Option<f64>) {
    let scores = score(&numbered(Instrument::Face, &without(codes(&F3), 8)), mode);
    let mut expected = F3_DOMAINS.to_vec();
    expected[4] = ("lacrimal_control", None);
    assert_scores(&scores, &expected);
    assert_scores(&scores, &[("total", total)]);
}

#[test]
fn face_domain_needs_half_of_its_items() {
    // movement has 3 items: 1 answered is too few, 2 is enough.
    let one = score(
        &numbered(Instrument::Face, &[Some(json!(5))]),
        MissingMode::Strict,
    );
    assert_eq!(one.value("facial_movement"), None);
    let two = score(
        &numbered(Instrument::Face, &[Some(json!(5)), Some(json!(3))]),
        MissingMode::Strict,
    );
    assert_eq!(two.value("facial_movement"), Some(75.0));
}

fn fdi(list: &[Value]) -> Vec<Option<Value>> {
    list.iter().cloned().map(Some).collect()
}

#[rstest]
#[case::d1_best(fdi(&[json!(5), json!(5), json!(5), json!(5), json!(5), json!(6), json!(6), json!(6), json!(6), json!(6)]), Some(100.0), Some(100.0))]
#[case::d2_worst(fdi(&vec![json!(1); 10]), Some(0.0), Some(0.0))]
#[case::d2b_other_reasons(fdi(&vec![json!("other_reasons"); 5]), None, None)]
#[case::d3(fdi(&[json!(4), json!(5), json!(3), json!(2), json!("other_reasons"), json!(3), json!(5), json!(3), json!(2), json!(6)]), Some(62.5), Some(56.0))]
#[case::d4_without_q9(without(fdi(&[json!(4), json!(5), json!(3), json!(2), json!("other_reasons"), json!(3), json!(5), json!(3), json!(2), json!(6)]), 9), Some(62.5), Some(65.0))]
fn fdi_worked_examples(
    #[case] list: Vec<Option<Value>>,
    #[case] physical: Option<f64>,
    #[case] social: Option<f64>,
) {
    let scores = score(&numbered(Instrument::Fdi, &list), MissingMode::Strict);
    assert_scores(&scores, &[("physical_function", physical)]);
    if list.len() > 5 {
        assert_scores(&scores, &[("social_wellbeing", social)]);
    }
}

#[test]
fn fdi_physical_ignores_other_reasons_and_not_applicable_answers() {
    // Counting them as 0 or in N would give 50 here; the rule excludes them: (4+4−2)/2×25 = 75.
    let list = fdi(&[
        json!(4),
        json!(4),
        json!("other_reasons"),
        json!("not_applicable"),
    ]);
    let scores = score(&numbered(Instrument::Fdi, &list), MissingMode::Strict);
    assert_eq!(scores.value("physical_function"), Some(75.0));
}

#[test]
fn fdi_physical_with_nothing_answered_is_null_never_minus_25() {
    let scores = score(&numbered(Instrument::Fdi, &[]), MissingMode::Strict);
    assert_scores(
        &scores,
        &[("physical_function", None), ("social_wellbeing", None)],
    );
}

#[rstest]
#[case::s1(codes(&[1; 9]), MissingMode::Strict, Some(20.0), Some(9.0))]
#[case::s2(codes(&[5; 9]), MissingMode::Strict, Some(100.0), Some(45.0))]
#[case::s3(codes(&[4, 3, 2, 1, 5, 3, 2, 1, 1]), MissingMode::Strict, Some(48.889), Some(22.0))]
#[case::s4_strict(without(codes(&[4, 3, 2, 1, 5, 3, 2, 1, 1]), 9), MissingMode::Strict, None, None)]
#[case::s4_prorated(without(codes(&[4, 3, 2, 1, 5, 3, 2, 1, 1]), 9), MissingMode::Prorated, Some(52.5), None)]
fn saq_worked_examples(
    #[case] list: Vec<Option<Value>>,
    #[case] mode: MissingMode,
    #[case] total: Option<f64>,
    #[case] raw: Option<f64>,
) {
    let scores = score(&numbered(Instrument::Saq, &list), mode);
    assert_scores(&scores, &[("total", total), ("raw_sum", raw)]);
}

fn sunnybrook(rest: [u8; 3], movement: [u8; 5], synkinesis: [u8; 5]) -> ValidatedAnswers {
    let keys = Instrument::Sunnybrook.items().iter().map(|item| item.id);
    let values = rest.into_iter().chain(movement).chain(synkinesis);
    let pairs: Vec<(&str, Value)> = keys.zip(values).map(|(k, v)| (k, json!(v))).collect();
    answers(Instrument::Sunnybrook, &pairs)
}

#[rstest]
#[case::sb1([0, 0, 0], [5; 5], [0; 5], 0.0, 100.0, 0.0, 100.0)]
#[case::sb2([1, 2, 1], [1; 5], [0; 5], 20.0, 20.0, 0.0, 0.0)]
#[case::sb3([1, 1, 0], [3, 4, 3, 3, 2], [1, 2, 3, 2, 3], 10.0, 60.0, 11.0, 39.0)]
#[case::sb4([1, 2, 1], [1; 5], [3; 5], 20.0, 20.0, 15.0, -15.0)]
#[case::sb5_not_eligible([1, 0, 0], [4; 5], [3, 3, 3, 3, 2], 5.0, 80.0, 14.0, 61.0)]
#[case::sb5_eligible([1, 0, 0], [4; 5], [3; 5], 5.0, 80.0, 15.0, 60.0)]
fn sunnybrook_worked_examples(
    #[case] rest: [u8; 3],
    #[case] movement: [u8; 5],
    #[case] synkinesis: [u8; 5],
    #[case] resting_score: f64,
    #[case] movement_score: f64,
    #[case] synkinesis_score: f64,
    #[case] composite: f64,
) {
    let scores = score(&sunnybrook(rest, movement, synkinesis), MissingMode::Strict);
    assert_scores(
        &scores,
        &[
            ("resting_symmetry", Some(resting_score)),
            ("voluntary_movement", Some(movement_score)),
            ("synkinesis", Some(synkinesis_score)),
            ("composite", Some(composite)),
        ],
    );
    let flagged = scores.get("composite").is_some_and(|s| s.note.is_some());
    assert_eq!(
        flagged,
        composite < 0.0,
        "only a negative composite is flagged"
    );
}

#[test]
fn score_json_prints_null_for_what_cannot_be_computed() {
    let scores = score(&numbered(Instrument::Saq, &[]), MissingMode::Strict);
    let doc = scores.to_json();
    assert_eq!(doc["instrument"], "saq");
    assert_eq!(doc["algorithm"], "saq/1");
    assert_eq!(doc["scores"]["total"], Value::Null);
    assert!(
        doc["notes"]["total"]
            .as_str()
            .is_some_and(|s| s.contains("strict"))
    );
}

// ---- properties ----

/// Random answers for an instrument: each item missing or any allowed code (FDI specials too).
fn arb_answers(instrument: Instrument) -> impl Strategy<Value = Vec<(usize, Option<Value>)>> {
    let items = instrument.items();
    let per_item: Vec<BoxedStrategy<(usize, Option<Value>)>> = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let codes = (item.min..=item.max).prop_map(|c| Some(json!(c)));
            let strategy = if item.accepts_non_numeric {
                prop_oneof![
                    6 => codes,
                    1 => Just(Some(json!("other_reasons"))),
                    1 => Just(Some(json!("not_applicable"))),
                    1 => Just(None),
                ]
                .boxed()
            } else if instrument == Instrument::Sunnybrook {
                codes.boxed()
            } else {
                prop_oneof![6 => codes, 1 => Just(None)].boxed()
            };
            strategy.prop_map(move |v| (i, v)).boxed()
        })
        .collect();
    per_item
}

fn build(instrument: Instrument, list: &[(usize, Option<Value>)]) -> ValidatedAnswers {
    let map = list
        .iter()
        .filter_map(|(i, v)| v.clone().map(|v| (instrument.items()[*i].id.to_owned(), v)))
        .collect();
    validate(instrument, &StrictMap(map)).expect("generated answers are valid")
}

fn range_of(instrument: Instrument, key: &str) -> (f64, f64) {
    match (instrument, key) {
        (Instrument::Saq, "total") => (20.0, 100.0),
        (Instrument::Saq, "raw_sum") => (9.0, 45.0),
        (Instrument::Sunnybrook, "resting_symmetry") => (0.0, 20.0),
        (Instrument::Sunnybrook, "voluntary_movement") => (20.0, 100.0),
        (Instrument::Sunnybrook, "synkinesis") => (0.0, 15.0),
        (Instrument::Sunnybrook, "composite") => (-35.0, 100.0),
        _ => (0.0, 100.0),
    }
}

/// +1 when a higher code should never lower the score, −1 when it should never raise it.
fn direction(instrument: Instrument, item: &str, key: &str) -> f64 {
    match (instrument, key) {
        // The composite subtracts resting and synkinesis; every sub-score rises with its codes.
        (Instrument::Sunnybrook, "composite") if !item.starts_with("move_") => -1.0,
        _ => 1.0, // FaCE, FDI, SAQ: every score rises with every item's code
    }
}

fn all_instruments() -> impl Strategy<Value = Instrument> {
    prop::sample::select(Instrument::ALL.to_vec())
}

proptest! {
    #[test]
    fn every_computable_score_lies_in_its_range(
        (instrument, list, prorated) in all_instruments()
            .prop_flat_map(|i| (Just(i), arb_answers(i), any::<bool>()))
    ) {
        let mode = if prorated { MissingMode::Prorated } else { MissingMode::Strict };
        let scores = score(&build(instrument, &list), mode);
        for s in scores.all() {
            if let Some(v) = s.value {
                let (lo, hi) = range_of(instrument, s.key);
                prop_assert!(v.is_finite() && (lo..=hi).contains(&v), "{} {} = {}", instrument, s.key, v);
            } else {
                prop_assert!(s.note.is_some(), "a null score has a reason");
            }
        }
    }

    #[test]
    fn scores_are_monotone_in_each_items_code(
        (instrument, list, item, prorated) in all_instruments()
            .prop_flat_map(|i| (Just(i), arb_answers(i), 0..i.items().len(), any::<bool>()))
    ) {
        let mode = if prorated { MissingMode::Prorated } else { MissingMode::Strict };
        let def = instrument.items()[item];
        let mut list = list;
        let mut previous: Option<Scores> = None;
        for code in def.min..=def.max {
            list[item] = (item, Some(json!(code)));
            let current = score(&build(instrument, &list), mode);
            if let Some(prev) = &previous {
                for (before, after) in prev.all().iter().zip(current.all()) {
                    if let (Some(b), Some(a)) = (before.value, after.value) {
                        prop_assert!((a - b) * direction(instrument, def.id, after.key) >= -1e-9,
                            "{} {} {}: {} -> {}", instrument, def.id, after.key, b, a);
                    }
                }
            }
            previous = Some(current);
        }
    }

    #[test]
    fn strict_and_prorated_totals_agree_when_nothing_is_missing(
        (instrument, list) in prop::sample::select(vec![Instrument::Face, Instrument::Saq])
            .prop_flat_map(|i| (Just(i), arb_answers(i)))
    ) {
        let full: Vec<(usize, Option<Value>)> = list
            .into_iter()
            .map(|(i, v)| (i, Some(v.unwrap_or(json!(3)))))
            .collect();
        let answers = build(instrument, &full);
        let strict = score(&answers, MissingMode::Strict).value("total");
        let prorated = score(&answers, MissingMode::Prorated).value("total");
        prop_assert!(strict.is_some());
        prop_assert_eq!(strict, prorated);
    }
}
