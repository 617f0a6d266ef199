//! Saving submissions: validate, score, encode the body once, and write submission, outbox row
//! and audit row in one transaction (DESIGN.md §2 data flow; NL-1).

use super::{Ctx, Store, audit};
use crate::error::{Error, Result};
use mimik_domain::clavien_dindo::Grading;
use mimik_domain::envelope::{BODY_VERSION, Body, Kind, SubmissionId, Supersedes};
use mimik_domain::side_effect::SideEffectText;
use mimik_domain::study::Form;
use mimik_domain::{Instrument, MissingMode, ValidatedAnswers, canonical, score};
use rusqlite::{OptionalExtension, Transaction};
use serde::Serialize;
use serde_json::{Value, json};

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
}

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
    pub content: Value,
    /// Audit action name.
    pub action: &'static str,
}

impl<'a> NewSubmission<'a> {
    /// A record that is not a scored instrument (side effect, grade, count, checklist,
    /// participant): its content is both what is hashed and what is listed.
    pub(super) fn record(
        kind: Kind,
        participant: &'a str,
        timepoint: Option<&'a str>,
        content: Value,
        action: &'static str,
    ) -> Self {
        NewSubmission {
            kind,
            participant,
            timepoint,
            instrument: None,
            content_pack_sha256: None,
            language: None,
            answers: Some(content.clone()),
            scores: None,
            refers_to: None,
            session_id: None,
            correction: None,
            content,
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
    /// Everything `save_questionnaire` checks before it writes: the participant, that the time
    /// point collects this form, that a content pack is loaded for the language, and that the
    /// session (if any) is open for the same participant and time point. Lets a batch import
    /// refuse a file before saving any of it.
    pub fn check_questionnaire(&self, q: &Questionnaire) -> Result<String> {
        let instrument = q.answers.instrument();
        self.check_form(&q.participant, &q.timepoint, form_of(instrument))?;
        if let Some(session) = &q.session_id {
            self.check_session(session, &q.participant, &q.timepoint)?;
        }
        let pack = self
            .packs
            .iter()
            .find(|p| p.instrument == instrument && p.language == q.language)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "no {} content pack in language {:?} is loaded; the study must supply it",
                    instrument,
                    short(&q.language)
                ))
            })?;
        Ok(pack.sha256.clone())
    }

    /// Validate, score and save a questionnaire (patient) or clinician form (Sunnybrook).
    pub fn save_questionnaire(&mut self, q: &Questionnaire) -> Result<Saved> {
        let instrument = q.answers.instrument();
        let pack_sha = self.check_questionnaire(q)?;
        let scores = score(&q.answers, q.missing);
        let answers = q.answers.to_json();
        let scores_json = scores.values_json();
        let content = json!({
            "instrument": instrument.id(),
            "algorithm": instrument.algorithm(),
            "content_pack_sha256": pack_sha,
            "language": q.language,
            "missing": q.missing.to_string(),
            "answers": answers,
            "scores": scores_json,
            "notes": scores.notes_json(),
        });
        let kind = if instrument.is_patient_reported() {
            Kind::Questionnaire
        } else {
            Kind::ClinicianForm
        };
        self.write(|tx, ctx| {
            insert(
                tx,
                ctx,
                NewSubmission {
                    kind,
                    participant: &q.participant,
                    timepoint: Some(&q.timepoint),
                    instrument: Some(instrument),
                    content_pack_sha256: Some(pack_sha.clone()),
                    language: Some(&q.language),
                    answers: Some(answers.clone()),
                    scores: Some(scores_json.clone()),
                    refers_to: None,
                    session_id: q.session_id.as_deref(),
                    correction: q.correction.as_ref(),
                    content,
                    action: if q.correction.is_some() {
                        "submission.corrected"
                    } else {
                        "submission.saved"
                    },
                },
            )
        })
    }

    /// Save a patient's free-text side effect; it awaits a clinician's grade.
    pub fn save_side_effect(
        &mut self,
        participant: &str,
        timepoint: &str,
        text: &str,
        session_id: Option<&str>,
    ) -> Result<Saved> {
        let text = SideEffectText::new(text).map_err(|e| Error::Invalid(e.to_string()))?;
        self.check_form(participant, timepoint, Form::SideEffects)?;
        if let Some(session) = session_id {
            self.check_session(session, participant, timepoint)?;
        }
        let content = json!({ "text": text.as_str() });
        let record = NewSubmission {
            session_id,
            ..NewSubmission::record(
                Kind::SideEffect,
                participant,
                Some(timepoint),
                content,
                "side_effect.saved",
            )
        };
        self.write(|tx, ctx| {
            if let Some(session) = session_id {
                // Sent: the text's draft goes in the same transaction.
                tx.execute(
                    "DELETE FROM drafts WHERE session_id = ?1 AND instrument = 'side_effects'",
                    [session],
                )?;
            }
            insert(tx, ctx, record)
        })
    }

    /// Grade a side effect (Clavien-Dindo). A later grade of the same side effect supersedes.
    pub fn grade_side_effect(&mut self, side_effect_id: &str, grading: Grading) -> Result<Saved> {
        let found: Option<(String, Option<String>)> = self.read(|c| {
            Ok(c.query_row(
                "SELECT participant, timepoint FROM submissions WHERE id = ?1 AND kind = 'side_effect'",
                [side_effect_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
        })?;
        let (participant, timepoint) =
            found.ok_or_else(|| Error::UnknownSubmission(short(side_effect_id)))?;
        let content = json!({
            "side_effect_id": side_effect_id,
            "grade": grading.grade().as_str(),
            "present_at_discharge": grading.present_at_discharge(),
        });
        let record = NewSubmission {
            refers_to: Some(side_effect_id),
            ..NewSubmission::record(
                Kind::SideEffectGrade,
                &participant,
                timepoint.as_deref(),
                content,
                "side_effect.graded",
            )
        };
        self.write(|tx, ctx| insert(tx, ctx, record))
    }

    /// Record the number of Botox injections (staff form).
    pub fn save_botox_count(
        &mut self,
        participant: &str,
        timepoint: &str,
        count: u32,
    ) -> Result<Saved> {
        if count > 200 {
            return Err(Error::Invalid(
                "a Botox injection count above 200 is not plausible".into(),
            ));
        }
        self.check_form(participant, timepoint, Form::BotoxCount)?;
        let content = json!({ "count": count });
        let record = NewSubmission::record(
            Kind::BotoxCount,
            participant,
            Some(timepoint),
            content,
            "botox_count.saved",
        );
        self.write(|tx, ctx| insert(tx, ctx, record))
    }

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

    /// A session that answers are saved in must be open, for this participant and time point:
    /// nothing of one patient is ever attached to another's visit.
    fn check_session(&self, session_id: &str, participant: &str, timepoint: &str) -> Result<()> {
        let session = self.session(session_id)?;
        if session.state != "open" {
            return Err(Error::Invalid(
                "this session has ended; start a new one".into(),
            ));
        }
        if session.participant != participant || session.timepoint != timepoint {
            return Err(Error::Invalid(
                "this session is for another participant or time point".into(),
            ));
        }
        Ok(())
    }

    /// The participant must exist and the time point must collect this form.
    fn check_form(&self, participant: &str, timepoint: &str, form: Form) -> Result<()> {
        self.participant(participant)?;
        let tp = self.study.timepoint(timepoint).ok_or_else(|| {
            let ids: Vec<&str> = self
                .study
                .timepoints
                .iter()
                .map(|t| t.id.as_str())
                .collect();
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

/// The columns of a [`SubmissionRow`].
const SUBMISSION_ROW: &str = "SELECT s.id, s.device_seq, s.kind, s.participant, s.timepoint,
        s.instrument, s.algorithm, s.answers, s.scores, s.staff_id, s.recorded_at,
        s.utc_offset_minutes, s.supersedes, s.body_sha256, o.state, s.language
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
    })
}

/// Echo at most 40 characters of user input in messages.
pub(super) fn short(text: &str) -> String {
    text.chars().take(40).collect()
}

impl Store {
    /// Record the eligibility checklist, evaluated with the participant's latest Sunnybrook
    /// composite at that time point (instruments.md: composite ≤ 60).
    pub fn save_eligibility(
        &mut self,
        participant: &str,
        timepoint: &str,
        checklist: &std::collections::BTreeMap<String, bool>,
    ) -> Result<Saved> {
        self.check_form(participant, timepoint, Form::Eligibility)?;
        let unknown: Vec<&str> = checklist
            .keys()
            .filter(|k| !self.study.eligibility.iter().any(|c| &c.id == *k))
            .map(String::as_str)
            .collect();
        if let Some(first) = unknown.first() {
            return Err(Error::Invalid(format!(
                "unknown eligibility criterion {:?}",
                short(first)
            )));
        }
        let composite: Option<f64> = self.read(|c| {
            let scores: Option<String> = c
                .query_row(
                    "SELECT scores FROM submissions WHERE participant = ?1 AND timepoint = ?2
                     AND instrument = 'sunnybrook' ORDER BY device_seq DESC LIMIT 1",
                    (participant, timepoint),
                    |r| r.get(0),
                )
                .optional()?;
            Ok(scores
                .and_then(|s| serde_json::from_str::<Value>(&s).ok())
                .and_then(|v| v["composite"].as_f64()))
        })?;
        let result = mimik_domain::study::eligibility::evaluate(&self.study, checklist, composite);
        let content = json!({
            "checklist": checklist,
            "sunnybrook_composite": composite,
            "eligible": result.eligible,
            "unmet": result.unmet,
            "unanswered": result.unanswered,
        });
        let record = NewSubmission::record(
            Kind::Eligibility,
            participant,
            Some(timepoint),
            content,
            "eligibility.saved",
        );
        self.write(|tx, ctx| insert(tx, ctx, record))
    }
}
