//! Raw answers → validated answers, or a list of typed issues.
//!
//! Parse, don't validate: [`ValidatedAnswers`] can only be built here, and scoring accepts
//! nothing else. The wire form is `{"answers": {"q1": 2, "q2": null, …}}` (DESIGN.md §7): a
//! missing item is absent or `null`; FDI physical items also take `"other_reasons"` and
//! `"not_applicable"`, which are kept as their own values, never as 0 or missing.

use crate::instrument::Instrument;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// At most this many issues are listed; the last one then says how many more there were.
const MAX_LISTED_ISSUES: usize = 50;
/// Item names echoed in issues are cut to this many characters (unknown keys can be anything).
const MAX_ECHOED_KEY: usize = 40;

/// One answer a patient or clinician gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AnswerValue"))]
#[serde(untagged)]
pub enum Answer {
    /// A numeric code, as listed for the item in `instruments.md`.
    Code(u8),
    /// A non-numeric FDI answer.
    Special(SpecialAnswer),
}

/// FDI physical items' two non-numeric answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SpecialAnswer {
    /// "Usually did not do for other reasons".
    OtherReasons,
    /// "Not applicable".
    NotApplicable,
}

impl Answer {
    /// The numeric code, if this is one.
    pub fn code(self) -> Option<u8> {
        match self {
            Answer::Code(code) => Some(code),
            Answer::Special(_) => None,
        }
    }
}

/// The answers document as it arrives, with duplicate keys already refused.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAnswers {
    /// Item id → JSON value, exactly as sent.
    pub answers: StrictMap,
}

/// A JSON object that refuses duplicate keys (serde_json would silently keep the last one).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StrictMap(pub BTreeMap<String, Value>);

impl<'de> Deserialize<'de> for StrictMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrictMapVisitor;

        impl<'de> Visitor<'de> for StrictMapVisitor {
            type Value = StrictMap;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of item ids to answer codes")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<StrictMap, A::Error> {
                let mut map = BTreeMap::new();
                while let Some(key) = access.next_key::<String>()? {
                    let value: Value = access.next_value()?;
                    if map.contains_key(&key) {
                        let shown: String = key.chars().take(MAX_ECHOED_KEY).collect();
                        return Err(de::Error::custom(format!("duplicate item {shown:?}")));
                    }
                    map.insert(key, value);
                }
                Ok(StrictMap(map))
            }
        }

        deserializer.deserialize_map(StrictMapVisitor)
    }
}

/// Answers that passed validation for one instrument. Only [`validate`] makes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatedAnswers {
    instrument: Instrument,
    /// Answered items only; a missing item is absent.
    answers: BTreeMap<&'static str, Answer>,
}

impl ValidatedAnswers {
    /// The instrument these answers belong to.
    pub fn instrument(&self) -> Instrument {
        self.instrument
    }

    /// The answer to one item, `None` when it is missing.
    pub fn get(&self, item: &str) -> Option<Answer> {
        self.answers.get(item).copied()
    }

    /// The numeric code of one item, `None` when missing or non-numeric.
    pub fn code(&self, item: &str) -> Option<u8> {
        self.get(item).and_then(Answer::code)
    }

    /// Answered items in item order of the instrument.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, Answer)> + '_ {
        self.instrument
            .items()
            .iter()
            .filter_map(|item| self.get(item.id).map(|answer| (item.id, answer)))
    }

    /// Items of the instrument that have no answer.
    pub fn missing(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.instrument
            .items()
            .iter()
            .map(|item| item.id)
            .filter(|id| !self.answers.contains_key(id))
    }

    /// The wire form `{"q1": 2, …}` with answered items only (stable key order).
    pub fn to_json(&self) -> Value {
        Value::Object(self.to_map().0.into_iter().collect())
    }

    /// Item id → answer as JSON (a form body's `answers`).
    pub fn to_map(&self) -> StrictMap {
        StrictMap(
            self.answers
                .iter()
                .map(|(id, answer)| {
                    let value = serde_json::to_value(answer).unwrap_or(Value::Null);
                    ((*id).to_owned(), value)
                })
                .collect(),
        )
    }
}

/// What is wrong with one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// The item id as sent (cut to 40 characters), or `*` for the document as a whole.
    pub item: String,
    /// What is wrong, as a stable code.
    pub problem: Problem,
    /// The same in words, for a person.
    pub message: String,
}

/// The stable codes of [`Issue::problem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// The instrument has no such item.
    UnknownItem,
    /// A number, but not one of the item's codes.
    OutOfRange,
    /// Not a number, not `null`, and not an allowed text answer.
    WrongType,
    /// An answer that must be there is missing (Sunnybrook needs all 13 ratings).
    Missing,
    /// More issues than are listed.
    TooManyIssues,
}

impl Issue {
    fn new(item: &str, problem: Problem, message: String) -> Self {
        Issue {
            item: item.chars().take(MAX_ECHOED_KEY).collect(),
            problem,
            message,
        }
    }
}

/// Why an answers document could not be turned into [`ValidatedAnswers`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnswersError {
    /// Not JSON of the expected shape at all.
    #[error("the answers are not valid JSON of the form {{\"answers\": {{\"q1\": 2, …}}}}: {0}")]
    Malformed(String),
    /// Well-formed, but some items are wrong.
    #[error("{} answer(s) are invalid", .0.len())]
    Invalid(Vec<Issue>),
}

/// Parse an answers document (`{"answers": {…}}`) for `instrument`.
pub fn parse_answers_json(
    instrument: Instrument,
    json: &[u8],
) -> Result<ValidatedAnswers, AnswersError> {
    let raw: RawAnswers =
        serde_json::from_slice(json).map_err(|e| AnswersError::Malformed(e.to_string()))?;
    validate(instrument, &raw.answers).map_err(AnswersError::Invalid)
}

/// Validate raw item values for `instrument`: every problem is reported, not just the first.
pub fn validate(instrument: Instrument, raw: &StrictMap) -> Result<ValidatedAnswers, Vec<Issue>> {
    let mut issues = Vec::new();
    let mut answers = BTreeMap::new();

    for (key, value) in &raw.0 {
        let Some(item) = instrument.item(key) else {
            issues.push(Issue::new(
                key,
                Problem::UnknownItem,
                format!("{instrument} has no item with this id"),
            ));
            continue;
        };
        match parse_value(item.min, item.max, item.accepts_non_numeric, value) {
            Ok(Some(answer)) => {
                answers.insert(item.id, answer);
            }
            Ok(None) => {}
            Err((problem, message)) => issues.push(Issue::new(key, problem, message)),
        }
    }

    // Sunnybrook is graded by a clinician: a form with a rating missing is invalid
    // (instruments.md, Sunnybrook: "All 13 ratings required").
    if instrument == Instrument::Sunnybrook {
        for item in instrument.items() {
            let present = answers.contains_key(item.id);
            let reported = issues.iter().any(|issue| issue.item == item.id);
            if !present && !reported {
                issues.push(Issue::new(
                    item.id,
                    Problem::Missing,
                    "every Sunnybrook rating is required".to_owned(),
                ));
            }
        }
    }

    if issues.is_empty() {
        Ok(ValidatedAnswers {
            instrument,
            answers,
        })
    } else {
        if issues.len() > MAX_LISTED_ISSUES {
            let more = issues.len() - MAX_LISTED_ISSUES;
            issues.truncate(MAX_LISTED_ISSUES);
            issues.push(Issue::new(
                "*",
                Problem::TooManyIssues,
                format!("{more} more issue(s) not listed"),
            ));
        }
        Err(issues)
    }
}

fn parse_value(
    min: u8,
    max: u8,
    accepts_non_numeric: bool,
    value: &Value,
) -> Result<Option<Answer>, (Problem, String)> {
    let allowed = || {
        if accepts_non_numeric {
            format!("a whole number {min}–{max}, \"other_reasons\", \"not_applicable\" or null")
        } else {
            format!("a whole number {min}–{max} or null")
        }
    };
    match value {
        Value::Null => Ok(None),
        Value::Number(number) => match number.as_u64() {
            Some(n) if (u64::from(min)..=u64::from(max)).contains(&n) => {
                Ok(Some(Answer::Code(n as u8)))
            }
            Some(_) => Err((
                Problem::OutOfRange,
                format!("{number} is not an allowed code: expected {}", allowed()),
            )),
            None if number.is_i64() => Err((
                Problem::OutOfRange,
                format!("{number} is not an allowed code: expected {}", allowed()),
            )),
            None => Err((
                Problem::WrongType,
                format!("{number} is not a whole number: expected {}", allowed()),
            )),
        },
        Value::String(text) if accepts_non_numeric && text == "other_reasons" => {
            Ok(Some(Answer::Special(SpecialAnswer::OtherReasons)))
        }
        Value::String(text) if accepts_non_numeric && text == "not_applicable" => {
            Ok(Some(Answer::Special(SpecialAnswer::NotApplicable)))
        }
        Value::String(_) => Err((Problem::WrongType, format!("expected {}", allowed()))),
        Value::Bool(_) | Value::Array(_) | Value::Object(_) => {
            Err((Problem::WrongType, format!("expected {}", allowed())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn parse(instrument: Instrument, json: &str) -> Result<ValidatedAnswers, AnswersError> {
        parse_answers_json(instrument, json.as_bytes())
    }

    fn problems(result: Result<ValidatedAnswers, AnswersError>) -> Vec<(String, Problem)> {
        match result {
            Err(AnswersError::Invalid(issues)) => {
                issues.into_iter().map(|i| (i.item, i.problem)).collect()
            }
            other => panic!("expected invalid answers, got {other:?}"),
        }
    }

    #[test]
    fn null_and_absent_items_are_both_missing() {
        let answers = parse(Instrument::Saq, r#"{"answers": {"q1": 3, "q2": null}}"#).unwrap();
        assert_eq!(answers.code("q1"), Some(3));
        assert_eq!(answers.get("q2"), None);
        assert_eq!(answers.missing().count(), 8);
    }

    #[test]
    fn fdi_physical_items_keep_other_reasons_and_not_applicable_distinct() {
        let answers = parse(
            Instrument::Fdi,
            r#"{"answers": {"q1": "other_reasons", "q2": "not_applicable", "q3": 4}}"#,
        )
        .unwrap();
        assert_eq!(
            answers.get("q1"),
            Some(Answer::Special(SpecialAnswer::OtherReasons))
        );
        assert_eq!(
            answers.get("q2"),
            Some(Answer::Special(SpecialAnswer::NotApplicable))
        );
        assert_eq!(
            answers.to_json(),
            serde_json::json!({"q1": "other_reasons", "q2": "not_applicable", "q3": 4})
        );
    }

    #[rstest]
    #[case::unknown_item(
        Instrument::Face,
        r#"{"answers": {"q16": 1}}"#,
        "q16",
        Problem::UnknownItem
    )]
    #[case::zero(
        Instrument::Face,
        r#"{"answers": {"q1": 0}}"#,
        "q1",
        Problem::OutOfRange
    )]
    #[case::six_on_face(
        Instrument::Face,
        r#"{"answers": {"q1": 6}}"#,
        "q1",
        Problem::OutOfRange
    )]
    #[case::negative(
        Instrument::Saq,
        r#"{"answers": {"q1": -1}}"#,
        "q1",
        Problem::OutOfRange
    )]
    #[case::huge(
        Instrument::Saq,
        r#"{"answers": {"q1": 18446744073709551616}}"#,
        "q1",
        Problem::WrongType
    )]
    #[case::fraction(
        Instrument::Saq,
        r#"{"answers": {"q1": 2.5}}"#,
        "q1",
        Problem::WrongType
    )]
    #[case::float_looking_whole(
        Instrument::Saq,
        r#"{"answers": {"q1": 2.0}}"#,
        "q1",
        Problem::WrongType
    )]
    #[case::string_code(
        Instrument::Saq,
        r#"{"answers": {"q1": "2"}}"#,
        "q1",
        Problem::WrongType
    )]
    #[case::bool(
        Instrument::Saq,
        r#"{"answers": {"q1": true}}"#,
        "q1",
        Problem::WrongType
    )]
    #[case::array(
        Instrument::Saq,
        r#"{"answers": {"q1": [1]}}"#,
        "q1",
        Problem::WrongType
    )]
    #[case::other_reasons_outside_fdi(
        Instrument::Face,
        r#"{"answers": {"q1": "other_reasons"}}"#,
        "q1",
        Problem::WrongType
    )]
    #[case::other_reasons_on_fdi_social(
        Instrument::Fdi,
        r#"{"answers": {"q6": "other_reasons"}}"#,
        "q6",
        Problem::WrongType
    )]
    #[case::fdi_social_seven(
        Instrument::Fdi,
        r#"{"answers": {"q7": 7}}"#,
        "q7",
        Problem::OutOfRange
    )]
    #[case::fdi_physical_six(
        Instrument::Fdi,
        r#"{"answers": {"q1": 6}}"#,
        "q1",
        Problem::OutOfRange
    )]
    fn bad_answers_are_reported_per_item(
        #[case] instrument: Instrument,
        #[case] json: &str,
        #[case] item: &str,
        #[case] problem: Problem,
    ) {
        assert_eq!(
            problems(parse(instrument, json)),
            vec![(item.to_owned(), problem)]
        );
    }

    #[rstest]
    #[case::empty("")]
    #[case::truncated(r#"{"answers": {"q1": 2"#)]
    #[case::not_an_object("[1,2,3]")]
    #[case::answers_not_an_object(r#"{"answers": [1, 2]}"#)]
    #[case::duplicate_item(r#"{"answers": {"q1": 2, "q1": 3}}"#)]
    #[case::duplicate_top_level(r#"{"answers": {}, "answers": {}}"#)]
    #[case::unknown_top_level(r#"{"answers": {}, "participant": "NT-001"}"#)]
    #[case::missing_answers(r#"{}"#)]
    #[case::number_too_large_for_json(r#"{"answers": {"q1": 1e400}}"#)]
    #[case::trailing_garbage(r#"{"answers": {}} x"#)]
    fn malformed_documents_are_refused_with_a_message(#[case] json: &str) {
        match parse(Instrument::Face, json) {
            Err(AnswersError::Malformed(message)) => assert!(!message.is_empty()),
            other => panic!("expected malformed, got {other:?}"),
        }
    }

    #[test]
    fn invalid_utf8_is_malformed_not_a_panic() {
        let bytes = b"{\"answers\": {\"q1\xff\": 1}}";
        assert!(matches!(
            parse_answers_json(Instrument::Face, bytes),
            Err(AnswersError::Malformed(_))
        ));
    }

    #[test]
    fn every_problem_is_reported_not_just_the_first() {
        let found = problems(parse(
            Instrument::Face,
            r#"{"answers": {"q1": 9, "q2": "x", "zz": 1}}"#,
        ));
        assert_eq!(found.len(), 3);
    }

    #[test]
    fn sunnybrook_with_a_rating_missing_is_invalid() {
        let json = r#"{"answers": {"rest_eye": 0, "rest_cheek": 0, "rest_mouth": 0,
            "move_brow": 5, "move_eye_closure": 5, "move_smile": 5, "move_snarl": 5,
            "move_pucker": 5, "synk_brow": 0, "synk_eye_closure": 0, "synk_smile": 0,
            "synk_snarl": 0, "synk_pucker": null}}"#;
        assert_eq!(
            problems(parse(Instrument::Sunnybrook, json)),
            vec![("synk_pucker".to_owned(), Problem::Missing)]
        );
    }

    #[test]
    fn a_flood_of_unknown_items_is_listed_with_a_cap() {
        let items: Vec<String> = (0..500).map(|i| format!("\"x{i}\": 1")).collect();
        let json = format!("{{\"answers\": {{{}}}}}", items.join(","));
        let found = problems(parse(Instrument::Face, &json));
        assert_eq!(found.len(), MAX_LISTED_ISSUES + 1);
        assert_eq!(found.last().map(|f| f.1), Some(Problem::TooManyIssues));
    }
}
