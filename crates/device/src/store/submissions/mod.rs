//! Saving submissions: validate, score, encode the body once, and write submission, outbox row
//! and audit row in one transaction (DESIGN.md §2 data flow; NL-1).

use super::{Ctx, Store, audit};
use crate::error::{Error, Result};
use mimik_domain::bundle::CheckedBundle;
use mimik_domain::content::Content;
use mimik_domain::envelope::{BODY_VERSION, Body, Kind, SubmissionId, Supersedes};
use mimik_domain::study::{Form, Study};
use mimik_domain::{Instrument, MissingMode, ValidatedAnswers, canonical};
use rusqlite::{OptionalExtension, Transaction};
use serde::Serialize;
use serde_json::Value;

/// A questionnaire or clinician form to save.
#[derive(Debug)]
pub struct Questionnaire {
    /// Participant pseudonym.
    pub participant: String,
    /// Time point id.
    pub timepoint: String,
    /// Validated answers (they carry their instrument).
    pub answers: ValidatedAnswers,
    /// The language the patient answered in (selects the content pack).
    pub language: String,
    /// How totals treat missing items.
    pub missing: MissingMode,
    /// The session it was answered in, if any.
    pub session_id: Option<String>,
    /// Set when this corrects an earlier submission.
    pub correction: Option<Correction>,
}

/// A correction: the submission it supersedes and why.
#[derive(Debug, Clone)]
pub struct Correction {
    /// The submission superseded.
    pub supersedes: String,
    /// The staff member's reason.
    pub reason: String,
}

/// Where a questionnaire was answered: on the tablet (the default), or on paper on a given
/// day and typed in later (`submit --ndjson` backlog lines with `"source": "paper"`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Origin {
    /// In a tablet session or entered by staff at the time.
    #[default]
    Tablet,
    /// On a paper form, completed on this day.
    Paper {
        /// The day the patient filled it in.
        completed_on: chrono::NaiveDate,
    },
}

/// What was saved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Saved {
    /// The submission id (UUIDv7).
    pub id: String,
    /// Its place in this tablet's sequence.
    pub device_seq: i64,
    /// The kind.
    pub kind: String,
    /// SHA-256 of the canonical body.
    pub body_sha256: String,
    /// Scores, for questionnaires and clinician forms.
    pub scores: Option<Value>,
}

mod eligibility;
mod kinds;
mod listing;

pub use listing::SubmissionRow;

/// Everything one submission row needs besides who/when.
pub(super) struct NewSubmission<'a> {
    pub kind: Kind,
    pub participant: &'a str,
    pub timepoint: Option<&'a str>,
    pub instrument: Option<Instrument>,
    pub content_pack_sha256: Option<String>,
    pub language: Option<&'a str>,
    pub answers: Option<Value>,
    pub scores: Option<Value>,
    pub refers_to: Option<&'a str>,
    pub session_id: Option<&'a str>,
    pub correction: Option<&'a Correction>,
    /// The full body content (kind-specific), hashed and sent.
    pub content: Content,
    /// Audit action name.
    pub action: &'static str,
    /// The study bundle version it is made under, when not the one in force (a session keeps
    /// the version it started with).
    pub protocol_version: Option<u64>,
}

impl<'a> NewSubmission<'a> {
    /// A record that is not a scored instrument (side effect, grade, count, checklist,
    /// participant): its content is both what is hashed and what is listed.
    pub(super) fn record(
        kind: Kind,
        participant: &'a str,
        timepoint: Option<&'a str>,
        content: Content,
        action: &'static str,
    ) -> Self {
        NewSubmission {
            kind,
            participant,
            timepoint,
            instrument: None,
            content_pack_sha256: None,
            language: None,
            // Serialising these plain structs cannot fail (every map key is a string).
            answers: serde_json::to_value(&content).ok(),
            scores: None,
            refers_to: None,
            session_id: None,
            correction: None,
            content,
            protocol_version: None,
            action,
        }
    }
}

/// Insert one submission with its outbox and audit rows in the caller's transaction.
pub(super) fn insert(tx: &Transaction<'_>, ctx: &Ctx<'_>, new: NewSubmission<'_>) -> Result<Saved> {
    let id = SubmissionId::new(uuid::Uuid::now_v7()).map_err(|e| Error::Invalid(e.to_string()))?;
    let seq: i64 = tx.query_row(
        "SELECT COALESCE(MAX(device_seq), 0) + 1 FROM submissions",
        [],
        |r| r.get(0),
    )?;
    let supersedes = match new.correction {
        Some(c) => {
            let found: Option<(String, String, String, Option<String>)> = tx
                .query_row(
                    "SELECT id, participant, kind, instrument FROM submissions WHERE id = ?1",
                    [&c.supersedes],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let (id, participant, kind, instrument) =
                found.ok_or_else(|| Error::UnknownSubmission(short(&c.supersedes)))?;
            // A correction replaces the same kind of record of the same participant.
            if participant != new.participant
                || kind != new.kind.as_str()
                || instrument.as_deref() != new.instrument.map(Instrument::id)
            {
                return Err(Error::Invalid(
                    "a correction must be of the same participant, kind and instrument as what it supersedes".into(),
                ));
            }
            if c.reason.trim().is_empty() {
                return Err(Error::Invalid("a correction needs a reason".into()));
            }
            Some(Supersedes {
                id: id
                    .parse()
                    .map_err(|e: mimik_domain::envelope::EnvelopeError| {
                        Error::Invalid(e.to_string())
                    })?,
                reason: c.reason.clone(),
            })
        }
        None => None,
    };
    let body = Body {
        v: BODY_VERSION,
        kind: new.kind,
        participant: new.participant.to_owned(),
        timepoint: new.timepoint.map(str::to_owned),
        recorded_at: ctx.moment.utc,
        utc_offset_minutes: ctx.moment.offset_minutes,
        staff_id: ctx.actor.to_owned(),
        session_id: new.session_id.map(str::to_owned),
        supersedes,
        content: new.content,
        protocol_version: Some(new.protocol_version.unwrap_or(ctx.protocol_version)),
    };
    let bytes = body
        .to_canonical()
        .map_err(|e| Error::Invalid(e.to_string()))?;
    let sha = canonical::sha256_hex(&bytes);
    let id_text = id.to_string();
    let json_text = |v: &Option<Value>| v.as_ref().map(Value::to_string);
    tx.execute(
        "INSERT INTO submissions (id, device_seq, kind, participant, timepoint, instrument, algorithm,
             content_pack_sha256, language, answers, scores, refers_to, session_id, staff_id,
             recorded_at, utc_offset_minutes, supersedes, supersede_reason, body, body_sha256)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
        rusqlite::params![
            id_text,
            seq,
            new.kind.as_str(),
            new.participant,
            new.timepoint,
            new.instrument.map(Instrument::id),
            new.instrument.map(Instrument::algorithm),
            new.content_pack_sha256,
            new.language,
            json_text(&new.answers),
            json_text(&new.scores),
            new.refers_to,
            new.session_id,
            ctx.actor,
            ctx.moment.utc_text(),
            ctx.moment.offset_minutes,
            new.correction.map(|c| c.supersedes.as_str()),
            new.correction.map(|c| c.reason.as_str()),
            bytes,
            sha,
        ],
    )?;
    tx.execute(
        "INSERT INTO outbox (device_seq, state, enqueued_at) VALUES (?1, 'pending', ?2)",
        (seq, ctx.moment.utc_text()),
    )?;
    let reason = new.correction.map(|c| c.reason.as_str());
    audit::append(tx, ctx, new.action, Some(&id_text), reason)?;
    Ok(Saved {
        id: id_text,
        device_seq: seq,
        kind: new.kind.as_str().to_owned(),
        body_sha256: sha,
        scores: new.scores,
    })
}

impl Store {
    /// A session that answers are saved in must be open, for this participant and time point:
    /// nothing of one patient is ever attached to another's visit.
    fn check_session(&self, session_id: &str, participant: &str, timepoint: &str) -> Result<()> {
        let session = self.open_session(session_id)?;
        if session.participant != participant || session.timepoint != timepoint {
            return Err(Error::Invalid(
                "this session is for another participant or time point".into(),
            ));
        }
        Ok(())
    }

    /// Check that `form` may be saved for `participant` at `timepoint`, and return the bundle
    /// it is saved under when that is not the one in force: in session `session_id`, the one
    /// the session started with (after checking the session is open for this participant and
    /// time point), whose protocol then decides whether the time point collects the form.
    fn check_form_for(
        &self,
        session_id: Option<&str>,
        participant: &str,
        timepoint: &str,
        form: Form,
    ) -> Result<Option<CheckedBundle>> {
        let session_bundle = match session_id {
            Some(session_id) => {
                self.check_session(session_id, participant, timepoint)?;
                Some(self.session_bundle(&self.session(session_id)?)?)
            }
            None => None,
        };
        let study = session_bundle
            .as_ref()
            .map_or(&self.bundle.study, |b| &b.study);
        self.check_form_in(study, participant, timepoint, form)?;
        Ok(session_bundle)
    }

    /// The participant must exist and the time point must collect `instrument` in `study` (the
    /// protocol of a session, or the one in force): the one rule the app asks before it shows or
    /// scores a form and the store applies when it saves one.
    pub fn check_collected(
        &self,
        study: &Study,
        participant: &str,
        timepoint: &str,
        instrument: Instrument,
    ) -> Result<()> {
        self.check_form_in(study, participant, timepoint, form_of(instrument))
    }

    /// The participant must exist and the time point must collect this form in the protocol
    /// in force.
    fn check_form(&self, participant: &str, timepoint: &str, form: Form) -> Result<()> {
        self.check_form_in(&self.bundle.study, participant, timepoint, form)
    }

    /// The participant must exist and the time point must collect this form in `study`.
    fn check_form_in(
        &self,
        study: &Study,
        participant: &str,
        timepoint: &str,
        form: Form,
    ) -> Result<()> {
        self.participant(participant)?;
        let tp = study.timepoint(timepoint).ok_or_else(|| {
            let ids: Vec<&str> = study.timepoints.iter().map(|t| t.id.as_str()).collect();
            Error::Invalid(format!(
                "unknown time point {:?}: expected one of {}",
                short(timepoint),
                ids.join(", ")
            ))
        })?;
        if tp.patient_forms.contains(&form) || tp.staff_forms.contains(&form) {
            Ok(())
        } else {
            Err(Error::Invalid(format!(
                "{} is not collected at time point {} in this study",
                form_name(form),
                tp.id
            )))
        }
    }
}

pub(super) fn form_of(instrument: Instrument) -> Form {
    match instrument {
        Instrument::Face => Form::Face,
        Instrument::Fdi => Form::Fdi,
        Instrument::Saq => Form::Saq,
        Instrument::Sunnybrook => Form::Sunnybrook,
    }
}

fn form_name(form: Form) -> String {
    serde_json::to_value(form)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Echo at most 40 characters of user input in messages.
pub(super) fn short(text: &str) -> String {
    text.chars().take(40).collect()
}
