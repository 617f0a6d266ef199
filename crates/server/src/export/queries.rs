//! CSV of data queries (issue 14 point 6): one row per query, oldest first, with its state and
//! its latest step. Every step is in the audit trail.

use super::{csv_error, finish};
use crate::error::Result;
use crate::queries::Query;

const HEADER: [&str; 14] = [
    "query_id",
    "study",
    "site",
    "participant",
    "timepoint",
    "submission_id",
    "state",
    "opened_by",
    "opened_role",
    "opened_at",
    "text",
    "steps",
    "last_step_at",
    "last_step_text",
];

/// Write the queries export.
pub(super) fn write(queries: &[Query]) -> Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(HEADER).map_err(csv_error)?;
    for q in queries {
        let last = q.events.last();
        let steps = q.events.len().to_string();
        out.write_record([
            q.row.id.as_str(),
            &q.row.study,
            &q.row.site,
            &q.row.pseudonym,
            q.row.timepoint.as_deref().unwrap_or(""),
            q.row.submission_id.as_deref().unwrap_or(""),
            q.state().name(),
            &q.row.opened_by,
            &q.row.opened_role,
            &q.row.opened_at,
            q.text(),
            &steps,
            last.map_or("", |e| e.at.as_str()),
            last.map_or("", |e| e.text.as_str()),
        ])
        .map_err(csv_error)?;
    }
    finish(out)
}
