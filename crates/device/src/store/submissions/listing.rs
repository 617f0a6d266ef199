//! Reading submissions back: the rows as listed and exported, one by id, and side effects with
//! their review state.

use super::short;
use crate::error::{Error, Result};
use crate::store::Store;
use rusqlite::OptionalExtension;
use serde::Serialize;
use serde_json::{Value, json};

/// A stored submission, as listed and exported.
#[derive(Debug, Clone, Serialize)]
pub struct SubmissionRow {
    /// Id.
    pub id: String,
    /// Sequence number on this tablet.
    pub device_seq: i64,
    /// Kind.
    pub kind: String,
    /// Participant.
    pub participant: String,
    /// Time point.
    pub timepoint: Option<String>,
    /// Instrument.
    pub instrument: Option<String>,
    /// Algorithm id.
    pub algorithm: Option<String>,
    /// Kind-specific content: answers, text, grade, count.
    pub answers: Option<Value>,
    /// Scores.
    pub scores: Option<Value>,
    /// Who.
    pub staff_id: String,
    /// When (UTC).
    pub recorded_at: String,
    /// Device offset then.
    pub utc_offset_minutes: i32,
    /// Superseded submission, for corrections.
    pub supersedes: Option<String>,
    /// Hash of the body.
    pub body_sha256: String,
    /// Outbox state: pending, acknowledged or quarantined.
    pub sync_state: String,
    /// The language of the wording answered (questionnaires and clinician forms).
    pub language: Option<String>,
    /// SHA-256 of the content pack shown (questionnaires and clinician forms).
    pub content_pack_sha256: Option<String>,
    /// The study bundle version it was made under (absent from body version 1).
    pub protocol_version: Option<u64>,
}

impl Store {
    /// Every submission, oldest first.
    pub fn submissions(&self) -> Result<Vec<SubmissionRow>> {
        self.read(|c| {
            let mut stmt = c.prepare(&format!("{SUBMISSION_ROW} ORDER BY s.device_seq"))?;
            let rows = stmt
                .query_map([], submission_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    /// One submission.
    pub fn submission(&self, id: &str) -> Result<SubmissionRow> {
        self.read(|c| {
            c.query_row(
                &format!("{SUBMISSION_ROW} WHERE s.id = ?1"),
                [id],
                submission_row,
            )
            .optional()?
            .ok_or_else(|| Error::UnknownSubmission(short(id)))
        })
    }

    /// Side effects with their review state and latest grade.
    pub fn side_effects(&self) -> Result<Vec<Value>> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT id, participant, timepoint, recorded_at, text_json, grade_json, review_state
                 FROM side_effects ORDER BY recorded_at",
            )?;
            let rows = stmt
                .query_map([], |r| {
                    let text: Option<String> = r.get(4)?;
                    let grade: Option<String> = r.get(5)?;
                    let parse = |t: Option<String>| {
                        t.and_then(|t| serde_json::from_str::<Value>(&t).ok())
                            .unwrap_or(Value::Null)
                    };
                    Ok(json!({
                        "id": r.get::<_, String>(0)?,
                        "participant": r.get::<_, String>(1)?,
                        "timepoint": r.get::<_, Option<String>>(2)?,
                        "recorded_at": r.get::<_, String>(3)?,
                        "text": parse(text)["text"],
                        "grade": parse(grade),
                        "review_state": r.get::<_, String>(6)?,
                    }))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }
}

/// The columns of a [`SubmissionRow`].
const SUBMISSION_ROW: &str = "SELECT s.id, s.device_seq, s.kind, s.participant, s.timepoint,
        s.instrument, s.algorithm, s.answers, s.scores, s.staff_id, s.recorded_at,
        s.utc_offset_minutes, s.supersedes, s.body_sha256, o.state, s.language,
        s.content_pack_sha256, json_extract(s.body, '$.protocol_version')
    FROM submissions s JOIN outbox o ON o.device_seq = s.device_seq";

fn submission_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SubmissionRow> {
    let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
    Ok(SubmissionRow {
        id: r.get(0)?,
        device_seq: r.get(1)?,
        kind: r.get(2)?,
        participant: r.get(3)?,
        timepoint: r.get(4)?,
        instrument: r.get(5)?,
        algorithm: r.get(6)?,
        answers: parse(r.get(7)?),
        scores: parse(r.get(8)?),
        staff_id: r.get(9)?,
        recorded_at: r.get(10)?,
        utc_offset_minutes: r.get(11)?,
        supersedes: r.get(12)?,
        body_sha256: r.get(13)?,
        sync_state: r.get(14)?,
        language: r.get(15)?,
        content_pack_sha256: r.get(16)?,
        protocol_version: r
            .get::<_, Option<i64>>(17)?
            .and_then(|v| u64::try_from(v).ok()),
    })
}
