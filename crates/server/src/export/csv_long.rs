//! CSV long: one row per item of every questionnaire and clinician form, in the instrument's
//! item order; an unanswered item has an empty `answer`. Other kinds (side effects, grades,
//! counts, roster) are in the JSON export. `source` is `tablet` or `paper`; a paper form's
//! `completed_on` is the day it was filled in (its `recorded_at` is when it was typed in).

use super::{Parsed, cell, csv_error, finish};
use crate::error::Result;
use mimik_domain::Instrument;
use serde_json::Value;

const HEADER: [&str; 18] = [
    "submission_id",
    "device_id",
    "device_seq",
    "participant",
    "timepoint",
    "instrument",
    "algorithm",
    "item",
    "answer",
    "recorded_at",
    "received_at",
    "study",
    "site",
    "language",
    "pack_sha256",
    "protocol_version",
    "source",
    "completed_on",
];

/// Write the long export.
pub(super) fn write(all: &[Parsed]) -> Result<Vec<u8>> {
    let mut forms: Vec<&Parsed> = all.iter().filter(|p| p.is_form()).collect();
    forms.sort_by(|a, b| {
        (
            &a.row.participant,
            &a.row.timepoint,
            &a.row.instrument,
            &a.row.recorded_at,
            &a.row.id,
        )
            .cmp(&(
                &b.row.participant,
                &b.row.timepoint,
                &b.row.instrument,
                &b.row.recorded_at,
                &b.row.id,
            ))
    });
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(HEADER).map_err(csv_error)?;
    for p in forms {
        let Some(instrument) = p
            .row
            .instrument
            .as_deref()
            .and_then(|i| i.parse::<Instrument>().ok())
        else {
            continue;
        };
        let answers = p.body.content.form().map(|f| &f.answers.0);
        let protocol_version = p
            .protocol_version()
            .map(|v| v.to_string())
            .unwrap_or_default();
        for item in instrument.items() {
            out.write_record([
                p.row.id.as_str(),
                &p.row.device_id,
                &p.row.device_seq.to_string(),
                &p.row.participant,
                p.row.timepoint.as_deref().unwrap_or_default(),
                instrument.id(),
                p.row.algorithm.as_deref().unwrap_or_default(),
                item.id,
                &cell(answers.and_then(|a| a.get(item.id)).unwrap_or(&Value::Null)),
                &p.row.recorded_at,
                &p.row.received_at,
                &p.row.study,
                &p.row.site,
                p.language().unwrap_or_default(),
                p.pack_sha256().unwrap_or_default(),
                &protocol_version,
                p.source().unwrap_or_default(),
                &p.completed_on().unwrap_or_default(),
            ])
            .map_err(csv_error)?;
        }
    }
    finish(out)
}
