//! What the protocol says about people-facing text and about each form: labels in the study's
//! languages (`label.en`, `label.sv`) and per-form settings (`[forms.<form>]`): the missing-data
//! policy of a questionnaire's total and the counting period of the Botox injection count.

use super::{Form, Study};
use crate::MissingMode;
use serde::{Deserialize, Serialize};

/// Text for people in English and, when the protocol gives it, Swedish. In the file either
/// `label.en = "…"` with `label.sv = "…"`, or a plain `label = "…"` (English only: protocols
/// published before labels had languages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "LabelFile")]
pub struct Label {
    /// English.
    pub en: String,
    /// Swedish.
    pub sv: Option<String>,
}

#[derive(Deserialize)]
#[serde(
    untagged,
    expecting = "a text, or a table with en and sv texts (label.en, label.sv)"
)]
enum LabelFile {
    Plain(String),
    ByLanguage(ByLanguage),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ByLanguage {
    en: String,
    #[serde(default)]
    sv: Option<String>,
}

impl From<LabelFile> for Label {
    fn from(file: LabelFile) -> Label {
        match file {
            LabelFile::Plain(en) => Label { en, sv: None },
            LabelFile::ByLanguage(ByLanguage { en, sv }) => Label { en, sv },
        }
    }
}

impl Label {
    /// The text in language `code` (`sv`, `en`), English when there is none in that language.
    pub fn in_language(&self, code: &str) -> &str {
        match (code, &self.sv) {
            ("sv", Some(sv)) => sv,
            _ => &self.en,
        }
    }

    /// The languages of `wanted` this label has no text in.
    pub fn missing<'a>(&self, wanted: &'a [String]) -> Vec<&'a str> {
        wanted
            .iter()
            .map(String::as_str)
            .filter(|code| match *code {
                "en" => self.en.trim().is_empty(),
                "sv" => self.sv.as_deref().is_none_or(|sv| sv.trim().is_empty()),
                _ => false,
            })
            .collect()
    }
}

/// What the protocol says about one form (`[forms.face]`, `[forms.botox_count]`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormSettings {
    /// Its name on staff screens and pages.
    #[serde(default)]
    pub label: Option<Label>,
    /// How the total of a patient questionnaire treats unanswered items (default strict).
    #[serde(default)]
    pub missing: Option<MissingMode>,
    /// The Botox injection count counts the injections of this many months before the visit.
    #[serde(default)]
    pub counting_period_months: Option<u32>,
}

/// Why `settings` cannot belong to `form`, if it cannot.
pub(super) fn misfit(form: Form, settings: &FormSettings) -> Option<(&'static str, String)> {
    let prorates = matches!(form, Form::Face | Form::Saq);
    if settings.missing == Some(MissingMode::Prorated) && !prorates {
        return Some((
            "missing",
            "only the FaCE and SAQ totals can be prorated".to_owned(),
        ));
    }
    if settings.missing.is_some() && form.instrument().is_none() {
        return Some((
            "missing",
            "a missing-data policy belongs to a questionnaire".to_owned(),
        ));
    }
    match settings.counting_period_months {
        Some(_) if form != Form::BotoxCount => Some((
            "counting_period_months",
            "only the Botox injection count has a counting period".to_owned(),
        )),
        Some(months) if !crate::content::COUNTING_PERIOD_MONTHS.contains(&u64::from(months)) => {
            Some((
                "counting_period_months",
                "a counting period of 1 to 120 months".to_owned(),
            ))
        }
        _ => None,
    }
}

impl Study {
    /// How the total of `instrument` treats unanswered items: as the protocol says, else
    /// strict.
    pub fn missing_mode(&self, instrument: crate::Instrument) -> MissingMode {
        self.forms
            .get(&Form::from(instrument))
            .and_then(|f| f.missing)
            .unwrap_or_default()
    }

    /// The name of `form` in language `code`, if the protocol gives one.
    pub fn form_label(&self, form: Form, code: &str) -> Option<&str> {
        self.forms
            .get(&form)
            .and_then(|f| f.label.as_ref())
            .map(|l| l.in_language(code))
    }

    /// Every label without text in one of the study's languages, as `what: languages`. A new
    /// protocol is published only without any (`study publish`); protocols published before
    /// labels had languages still load.
    pub fn untranslated(&self) -> Vec<String> {
        let timepoints = self
            .timepoints
            .iter()
            .map(|tp| (format!("time point {}", tp.id), &tp.label));
        let criteria = self
            .eligibility
            .iter()
            .map(|c| (format!("criterion {}", c.id), &c.label));
        let forms = self.forms.iter().filter_map(|(form, settings)| {
            settings
                .label
                .as_ref()
                .map(|l| (format!("form {}", form.id()), l))
        });
        timepoints
            .chain(criteria)
            .chain(forms)
            .filter_map(|(what, label)| {
                let missing = label.missing(&self.languages);
                (!missing.is_empty()).then(|| format!("{what}: no {} label", missing.join(", ")))
            })
            .collect()
    }
}
