//! Exports for the statistician (DESIGN.md §6): CSV long (one row per item answer), CSV wide
//! (one row per participant × time point with scores) and JSON.
//!
//! Exports are pure functions of the stored rows: everything is sorted, numbers are printed as
//! stored (shortest round-trip form), and no "now" is written, so a repeated export is
//! byte-identical (NL-5). Pseudonyms only: nothing else identifies a participant anywhere.

mod csv_long;
mod csv_wide;
mod json;
mod participants;
mod queries;
pub mod trust;

pub use trust::superseded;

use crate::error::{Error, Result};
use crate::storage::{Storage, StoredSubmission};
use mimik_domain::envelope::{Body, Kind};
use std::collections::BTreeMap;
use std::str::FromStr;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One row per item answer.
    CsvLong,
    /// One row per participant × time point.
    CsvWide,
    /// Every submission as JSON.
    Json,
    /// One row per data query.
    Queries,
    /// One row per participant, with the current status.
    Participants,
}

impl Format {
    /// Every format, for the download page.
    pub const ALL: [Format; 5] = [
        Format::CsvLong,
        Format::CsvWide,
        Format::Json,
        Format::Queries,
        Format::Participants,
    ];

    /// The CLI / URL name.
    pub fn name(self) -> &'static str {
        match self {
            Format::CsvLong => "csv-long",
            Format::CsvWide => "csv-wide",
            Format::Json => "json",
            Format::Queries => "queries-csv",
            Format::Participants => "participants-csv",
        }
    }

    /// The download file name.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::CsvLong => "mimik-long.csv",
            Format::CsvWide => "mimik-wide.csv",
            Format::Json => "mimik.json",
            Format::Queries => "mimik-queries.csv",
            Format::Participants => "mimik-participants.csv",
        }
    }

    /// The MIME type.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            _ => "text/csv; charset=utf-8",
        }
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                "expected csv-long, csv-wide, json, queries-csv or participants-csv".to_owned()
            })
    }
}

/// A stored submission with its body parsed.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The row.
    pub row: StoredSubmission,
    /// The checked body it holds.
    pub body: Body,
}

impl Parsed {
    /// Parse every row (bodies were checked on the way in; a failure here means corruption).
    pub fn all(rows: Vec<StoredSubmission>) -> Result<Vec<Parsed>> {
        rows.into_iter()
            .map(|row| {
                let body = serde_json::from_str(&row.body)
                    .map_err(|e| Error::Corrupt(format!("submission {}: {e}", row.id)))?;
                Ok(Parsed { row, body })
            })
            .collect()
    }

    /// Whether it is an instrument form (questionnaire or clinician form).
    pub fn is_form(&self) -> bool {
        matches!(self.body.kind, Kind::Questionnaire | Kind::ClinicianForm)
    }

    /// The language of the wording answered (forms), from the body.
    pub fn language(&self) -> Option<&str> {
        self.body.content.form().map(|f| f.language.as_str())
    }

    /// The body's `content_pack_sha256`: the pack shown (forms).
    pub fn pack_sha256(&self) -> Option<&str> {
        self.body
            .content
            .form()
            .map(|f| f.content_pack_sha256.as_str())
    }

    /// Where a form was answered: `tablet` or `paper` (forms).
    pub fn source(&self) -> Option<&'static str> {
        self.body.content.form().map(|f| f.source().as_str())
    }

    /// The day a paper form was filled in (YYYY-MM-DD).
    pub fn completed_on(&self) -> Option<String> {
        self.body
            .content
            .form()
            .and_then(|f| f.completed_on)
            .map(|day| day.to_string())
    }

    /// The study bundle version it was made under (`None` for body version 1).
    pub fn protocol_version(&self) -> Option<u64> {
        self.body.protocol_version
    }

    /// participant (study, site, pseudonym) × time point × instrument, for forms.
    pub fn natural_key(&self) -> Option<NaturalKey> {
        if !self.is_form() {
            return None;
        }
        Some(NaturalKey {
            study: self.row.study.clone(),
            site: self.row.site.clone(),
            participant: self.row.participant.clone(),
            timepoint: self.row.timepoint.clone().unwrap_or_default(),
            instrument: self.row.instrument.clone().unwrap_or_default(),
        })
    }
}

/// What a form is about (DESIGN.md §5): one participant, identified by study, site and
/// pseudonym (issue 12), at one time point, on one instrument.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct NaturalKey {
    /// Study id.
    pub study: String,
    /// Site id.
    pub site: String,
    /// Pseudonym.
    pub participant: String,
    /// Time point.
    pub timepoint: String,
    /// Instrument.
    pub instrument: String,
}

/// Natural-key duplicates (DESIGN.md §5): forms not superseded that share a [`NaturalKey`],
/// with their ids in id order. Both are kept; this only flags them.
pub fn natural_key_duplicates(all: &[Parsed]) -> BTreeMap<NaturalKey, Vec<String>> {
    let superseded = superseded(all);
    let mut groups: BTreeMap<NaturalKey, Vec<String>> = BTreeMap::new();
    for p in all.iter().filter(|p| !superseded.contains(&p.row.id)) {
        if let Some(key) = p.natural_key() {
            groups.entry(key).or_default().push(p.row.id.clone());
        }
    }
    groups.retain(|_, ids| ids.len() > 1);
    for ids in groups.values_mut() {
        ids.sort();
    }
    groups
}

/// Export everything stored, of every study, in `format`.
pub async fn export(storage: &dyn Storage, format: Format) -> Result<Vec<u8>> {
    let all = || async { Parsed::all(storage.submissions().await?) };
    match format {
        Format::CsvLong => csv_long::write(&all().await?),
        Format::CsvWide => {
            let studies = crate::bundles::newest_protocols(storage).await?;
            csv_wide::write(&all().await?, &studies)
        }
        Format::Json => json::write(&all().await?),
        Format::Queries => queries::write(&crate::queries::all(storage).await?),
        Format::Participants => {
            let rosters =
                crate::roster::by_site(&storage.submissions_of_kind("participant").await?)?;
            participants::write(&rosters, &crate::participants::histories(storage).await?)
        }
    }
}

/// A JSON value as a CSV cell: strings bare, `null` empty, numbers as printed by serde_json.
pub(crate) fn cell(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A finished CSV writer's bytes.
pub(crate) fn finish(writer: csv::Writer<Vec<u8>>) -> Result<Vec<u8>> {
    writer
        .into_inner()
        .map_err(|e| Error::Export(e.to_string()))
}

pub(crate) fn csv_error(error: csv::Error) -> Error {
    Error::Export(error.to_string())
}
