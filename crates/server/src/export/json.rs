//! JSON: `{"submissions": [...]}`, every stored submission of every kind in id order (DESIGN.md
//! §7). Field order is fixed by the struct; maps inside come from canonical bodies (sorted).

use super::trust::{future_dated, untrusted_corrections};
use super::{Parsed, natural_key_duplicates};
use crate::error::{Error, Result};
use mimik_domain::answers::StrictMap;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

#[derive(Serialize)]
struct Document<'a> {
    submissions: Vec<Row<'a>>,
}

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    device_id: &'a str,
    device_seq: i64,
    kind: &'a str,
    /// The study of the device that sent it.
    study: &'a str,
    /// The site of the device that sent it.
    site: &'a str,
    participant: &'a str,
    timepoint: Option<&'a str>,
    instrument: Option<&'a str>,
    algorithm: Option<&'a str>,
    answers: Option<&'a StrictMap>,
    scores: Option<&'a Map<String, Value>>,
    /// Re-encoded through a map so that its keys come sorted, as in the canonical body.
    content: Value,
    supersedes: Option<String>,
    recorded_at: &'a str,
    utc_offset_minutes: i64,
    created_at: &'a str,
    received_at: &'a str,
    body_sha256: &'a str,
    /// The language of the wording answered (forms).
    language: Option<&'a str>,
    /// The body's `content_pack_sha256` (forms).
    pack_sha256: Option<&'a str>,
    /// The study bundle version it was made under (absent before bundles: `null`).
    protocol_version: Option<u64>,
    /// `tablet` or `paper` (forms).
    source: Option<&'a str>,
    /// The day a paper form was filled in.
    completed_on: Option<String>,
    natural_key_duplicate: bool,
    /// Its `recorded_at` or `created_at` is later than its receipt allows ([`super::trust`]).
    future_dated: bool,
    /// It names a submission it may not supersede, so it supersedes nothing.
    untrusted_correction: bool,
}

/// Write the JSON export (pretty, trailing newline).
pub(super) fn write(all: &[Parsed]) -> Result<Vec<u8>> {
    let flagged: BTreeSet<String> = natural_key_duplicates(all)
        .into_values()
        .flatten()
        .collect();
    let untrusted = untrusted_corrections(all);
    let submissions = all
        .iter()
        .map(|p| Row {
            id: &p.row.id,
            device_id: &p.row.device_id,
            device_seq: p.row.device_seq,
            kind: &p.row.kind,
            study: &p.row.study,
            site: &p.row.site,
            participant: &p.row.participant,
            timepoint: p.row.timepoint.as_deref(),
            instrument: p.row.instrument.as_deref(),
            algorithm: p.row.algorithm.as_deref(),
            answers: p.body.content.form().map(|f| &f.answers),
            scores: p.body.content.form().map(|f| &f.scores),
            content: serde_json::to_value(&p.body.content).unwrap_or(Value::Null),
            supersedes: p.body.supersedes.as_ref().map(|s| s.id.to_string()),
            recorded_at: &p.row.recorded_at,
            utc_offset_minutes: p.row.utc_offset_minutes,
            created_at: &p.row.created_at,
            received_at: &p.row.received_at,
            body_sha256: &p.row.body_sha256,
            language: p.language(),
            pack_sha256: p.pack_sha256(),
            protocol_version: p.protocol_version(),
            source: p.source(),
            completed_on: p.completed_on(),
            natural_key_duplicate: flagged.contains(&p.row.id),
            future_dated: future_dated(&p.row),
            untrusted_correction: untrusted.contains_key(&p.row.id),
        })
        .collect();
    let mut bytes = serde_json::to_vec_pretty(&Document { submissions })
        .map_err(|e| Error::Export(e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}
