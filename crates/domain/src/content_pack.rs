//! Content packs: the wording of an instrument in one language, as data.
//!
//! A pack is a TOML file (`instruments/<lang>/<instrument>.toml`). Loading checks that every item
//! of the instrument is there exactly once and that every allowed answer has a label, so a patient
//! can never be shown an item without its options. The SHA-256 of the file's bytes is stored with
//! every submission answered with it: wording never changes silently (instruments.md).

use crate::answers::{Answer, SpecialAnswer};
use crate::canonical::sha256_hex;
use crate::instrument::Instrument;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A loaded and checked content pack.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContentPack {
    /// The instrument it words.
    pub instrument: Instrument,
    /// BCP 47 language tag (`en`, `sv`).
    pub language: String,
    /// The instrument's title.
    pub title: String,
    /// The publication the wording comes from.
    pub citation: String,
    /// Licensing and provenance notice.
    pub notice: String,
    /// A reference pack shipped for development and testing (`reference = true`), not a
    /// licensed wording: its notice says so, and is shown only while no licensed pack is loaded.
    pub reference: bool,
    /// Shown to the patient before the first item.
    pub instructions: String,
    /// The recall period ("During the past week").
    pub recall: String,
    /// Items in presentation order.
    pub items: Vec<PackItem>,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// One item's wording and its labelled options, in display order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PackItem {
    /// The item id (`q1`, `move_smile`).
    pub id: String,
    /// The item text.
    pub text: String,
    /// The options in the order they are shown.
    pub options: Vec<PackOption>,
}

/// One answer option.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackOption {
    /// The code stored when the patient picks it.
    pub value: Answer,
    /// The full-word label shown on the button.
    pub label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    instrument: String,
    language: String,
    title: String,
    citation: String,
    notice: String,
    instructions: String,
    recall: String,
    #[serde(default)]
    reference: bool,
    response_sets: BTreeMap<String, ResponseSet>,
    items: Vec<ItemFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResponseSet {
    options: Vec<PackOption>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemFile {
    id: String,
    text: String,
    response_set: String,
}

/// Why a content pack was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentPackError {
    /// Not TOML of the pack's shape.
    #[error("content pack is not valid: {0}")]
    Syntax(String),
    /// Checked, but incomplete or inconsistent.
    #[error("content pack {instrument}/{language} is not usable: {problem}")]
    Invalid {
        /// The instrument named in the file.
        instrument: String,
        /// The language named in the file.
        language: String,
        /// What is wrong.
        problem: String,
    },
}

impl ContentPack {
    /// Parse and check a pack from its file text.
    pub fn load(text: &str) -> Result<ContentPack, ContentPackError> {
        let file: PackFile =
            toml::from_str(text).map_err(|e| ContentPackError::Syntax(one_line(&e)))?;
        let invalid = |problem: String| ContentPackError::Invalid {
            instrument: file.instrument.chars().take(20).collect(),
            language: file.language.chars().take(20).collect(),
            problem,
        };
        let instrument: Instrument = file
            .instrument
            .parse()
            .map_err(|e: crate::instrument::UnknownInstrument| invalid(e.to_string()))?;
        if !is_language_tag(&file.language) {
            return Err(invalid("language must be a tag such as en or sv".into()));
        }
        for (name, value) in [
            ("title", &file.title),
            ("citation", &file.citation),
            ("notice", &file.notice),
            ("instructions", &file.instructions),
        ] {
            if value.trim().is_empty() {
                return Err(invalid(format!("{name} is empty")));
            }
        }

        let mut seen = BTreeSet::new();
        let mut items = Vec::with_capacity(file.items.len());
        for item in &file.items {
            let Some(def) = instrument.item(&item.id) else {
                return Err(invalid(format!("unknown item {:?}", short(&item.id))));
            };
            if !seen.insert(def.id) {
                return Err(invalid(format!("item {} appears twice", def.id)));
            }
            if item.text.trim().is_empty() {
                return Err(invalid(format!("item {} has no text", def.id)));
            }
            let Some(set) = file.response_sets.get(&item.response_set) else {
                return Err(invalid(format!(
                    "item {} names response set {:?}, which is not defined",
                    def.id,
                    short(&item.response_set)
                )));
            };
            let expected: BTreeSet<String> = (def.min..=def.max)
                .map(|c| c.to_string())
                .chain(
                    def.accepts_non_numeric
                        .then(|| ["other_reasons".to_owned(), "not_applicable".to_owned()])
                        .into_iter()
                        .flatten(),
                )
                .collect();
            let mut labelled = BTreeSet::new();
            for option in &set.options {
                if option.label.trim().is_empty() {
                    return Err(invalid(format!(
                        "an option of item {} has no label",
                        def.id
                    )));
                }
                if !labelled.insert(value_key(option.value)) {
                    return Err(invalid(format!("item {} lists a value twice", def.id)));
                }
            }
            if labelled != expected {
                return Err(invalid(format!(
                    "item {} must label exactly the values {}",
                    def.id,
                    expected.into_iter().collect::<Vec<_>>().join(", ")
                )));
            }
            items.push(PackItem {
                id: def.id.to_owned(),
                text: item.text.clone(),
                options: set.options.clone(),
            });
        }
        if let Some(missing) = instrument.items().iter().find(|d| !seen.contains(d.id)) {
            return Err(invalid(format!("item {} is missing", missing.id)));
        }

        Ok(ContentPack {
            instrument,
            language: file.language,
            title: file.title,
            citation: file.citation,
            notice: file.notice,
            reference: file.reference,
            instructions: file.instructions,
            recall: file.recall,
            items,
            sha256: sha256_hex(text.as_bytes()),
        })
    }
}

fn value_key(value: Answer) -> String {
    match value {
        Answer::Code(code) => code.to_string(),
        Answer::Special(SpecialAnswer::OtherReasons) => "other_reasons".to_owned(),
        Answer::Special(SpecialAnswer::NotApplicable) => "not_applicable".to_owned(),
    }
}

fn is_language_tag(tag: &str) -> bool {
    (2..=8).contains(&tag.len())
        && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && tag.chars().next().is_some_and(|c| c.is_ascii_lowercase())
}

fn short(text: &str) -> String {
    text.chars().take(40).collect()
}

/// A TOML error on one line: "line 3, column 7: missing field `title`".
pub(crate) fn one_line(error: &toml::de::Error) -> String {
    error.message().trim().replace('\n', " ")
}

#[cfg(test)]
mod tests;
