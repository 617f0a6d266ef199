//! CSV wide: one row per participant (study × site × pseudonym) × time point that has any
//! submission, participants in pseudonym, site then study order and time points in the order of
//! their study's newest protocol. Per instrument: every score (fixed
//! column order: instrument order, then the instrument's score order), how many current
//! submissions there are (more than 1 = flagged natural-key duplicate) and which one the row
//! shows. [decision] The latest current submission wins (by `recorded_at`, then id); superseded
//! ones never count.

use super::{Parsed, cell, csv_error, finish, superseded};
use crate::error::Result;
use mimik_domain::answers::{StrictMap, validate};
use mimik_domain::envelope::Kind;
use mimik_domain::study::Study;
use mimik_domain::{Instrument, MissingMode, score};
use serde_json::Value;
use std::collections::BTreeMap;

/// The score keys of an instrument, in its scoring order (read off a scoring of a complete
/// form, so a new score key of `mimik-domain` becomes a column without an edit here).
pub fn score_keys(instrument: Instrument) -> Vec<&'static str> {
    let complete = instrument
        .items()
        .iter()
        .map(|item| (item.id.to_owned(), serde_json::Value::from(item.min)))
        .collect();
    validate(instrument, &StrictMap(complete))
        .map(|answers| {
            score(&answers, MissingMode::Strict)
                .all()
                .iter()
                .map(|s| s.key)
                .collect()
        })
        .unwrap_or_default()
}

/// The header row.
pub fn header() -> Vec<String> {
    let mut columns = vec![
        "participant".to_owned(),
        "site".to_owned(),
        "study".to_owned(),
        "timepoint".to_owned(),
    ];
    for instrument in Instrument::ALL {
        for key in score_keys(instrument) {
            columns.push(format!("{instrument}_{key}"));
        }
        columns.push(format!("{instrument}_submissions"));
        columns.push(format!("{instrument}_submission_id"));
        columns.push(format!("{instrument}_language"));
        columns.push(format!("{instrument}_pack_sha256"));
        columns.push(format!("{instrument}_protocol_version"));
    }
    columns.push("botox_count".to_owned());
    columns.push("side_effects".to_owned());
    columns.push("no_side_effects".to_owned());
    columns
}

/// Write the wide export.
pub(super) fn write(all: &[Parsed], studies: &[Study]) -> Result<Vec<u8>> {
    let superseded = superseded(all);
    let current: Vec<&Parsed> = all
        .iter()
        .filter(|p| !superseded.contains(&p.row.id))
        .collect();
    // A time point no protocol has any longer (an amendment removed it) sorts last.
    let order = |study: &str, tp: &str| {
        studies
            .iter()
            .find(|s| s.id == study)
            .and_then(|s| s.timepoints.iter().position(|t| t.id == tp))
            .unwrap_or(usize::MAX)
    };
    // One pass to group rows by participant × time point (a filter per row was quadratic: 7 s
    // for 110,000 study-shaped submissions), and each instrument's score keys worked out once.
    // A participant is study × site × pseudonym (issue 12): the same pseudonym at two sites is
    // two participants, two rows.
    type Cell<'a> = (&'a str, &'a str, &'a str, usize, &'a str);
    let mut cells: BTreeMap<Cell<'_>, Vec<&Parsed>> = BTreeMap::new();
    for p in &current {
        if let Some(tp) = &p.row.timepoint {
            cells
                .entry((
                    p.row.participant.as_str(),
                    p.row.site.as_str(),
                    p.row.study.as_str(),
                    order(&p.row.study, tp),
                    tp.as_str(),
                ))
                .or_default()
                .push(p);
        }
    }
    let keys: Vec<(Instrument, Vec<&str>)> = Instrument::ALL
        .into_iter()
        .map(|instrument| (instrument, score_keys(instrument)))
        .collect();
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(header()).map_err(csv_error)?;
    for ((participant, site, study, _, timepoint), here) in cells {
        let mut record = vec![
            participant.to_owned(),
            site.to_owned(),
            study.to_owned(),
            timepoint.to_owned(),
        ];
        for (instrument, instrument_keys) in &keys {
            let mut forms: Vec<&&Parsed> = here
                .iter()
                .filter(|p| p.is_form() && p.row.instrument.as_deref() == Some(instrument.id()))
                .collect();
            forms.sort_by(|a, b| {
                (&a.row.recorded_at, &a.row.id).cmp(&(&b.row.recorded_at, &b.row.id))
            });
            let latest = forms.last();
            for key in instrument_keys {
                record.push(
                    latest
                        .and_then(|p| p.body.content.form())
                        .map(|f| cell(f.scores.get(*key).unwrap_or(&Value::Null)))
                        .unwrap_or_default(),
                );
            }
            record.push(forms.len().to_string());
            record.push(latest.map(|p| p.row.id.clone()).unwrap_or_default());
            record.push(
                latest
                    .and_then(|p| p.language())
                    .unwrap_or_default()
                    .to_owned(),
            );
            record.push(
                latest
                    .and_then(|p| p.pack_sha256())
                    .unwrap_or_default()
                    .to_owned(),
            );
            record.push(
                latest
                    .and_then(|p| p.protocol_version())
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
            );
        }
        let latest_count = here
            .iter()
            .filter(|p| p.body.kind == Kind::BotoxCount)
            .max_by(|a, b| (&a.row.recorded_at, &a.row.id).cmp(&(&b.row.recorded_at, &b.row.id)));
        record.push(
            latest_count
                .and_then(|p| p.body.content.botox_count())
                .map(|c| c.count.to_string())
                .unwrap_or_default(),
        );
        record.push(
            here.iter()
                .filter(|p| p.body.kind == Kind::SideEffect)
                .count()
                .to_string(),
        );
        // The patient said so explicitly: 0 side effects is then an answer, not a gap.
        let said_none = here.iter().any(|p| p.body.kind == Kind::NoSideEffects);
        record.push(if said_none { "yes" } else { "" }.to_owned());
        out.write_record(&record).map_err(csv_error)?;
    }
    finish(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wide_header_has_every_score_in_a_fixed_order() {
        let header = header();
        let find = |c: &str| header.iter().position(|h| h == c).unwrap();
        assert!(
            find("face_total") < find("face_facial_movement")
                || find("face_facial_movement") < find("face_total")
        );
        assert!(find("face_submissions") < find("fdi_physical_function"));
        assert!(find("fdi_social_wellbeing") < find("saq_total"));
        assert!(find("saq_raw_sum") < find("sunnybrook_composite"));
        assert_eq!(header[0], "participant");
    }
}
