//! Visits: a staff member starts a session for one participant and time point, the patient
//! answers, half-finished answers are kept as drafts (encrypted like everything in the store).

use super::submissions::short;
use super::{Store, audit};
use crate::error::{Error, Result};
use mimik_domain::answers::StrictMap;
use mimik_domain::{Instrument, answers};
use rusqlite::OptionalExtension;
use serde::Serialize;
use serde_json::Value;

/// A session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    /// Id (UUIDv7).
    pub id: String,
    /// Participant.
    pub participant: String,
    /// Time point.
    pub timepoint: String,
    /// The patient's language.
    pub language: String,
    /// Who started it.
    pub started_by: String,
    /// When it started (UTC, RFC 3339).
    pub started_at: String,
    /// `open`, `completed` or `abandoned`.
    pub state: String,
    /// The study bundle it started under (`None`: before bundles, the shipped one).
    pub bundle_sha256: Option<String>,
}

/// Saved, unsubmitted answers of one instrument in a session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Draft {
    /// Instrument.
    pub instrument: String,
    /// The answers so far (`{"q1": 2, …}`).
    pub answers: Value,
}

const SESSION_COLUMNS: &str = "SELECT id, participant, timepoint, language, started_by, started_at, state, bundle_sha256 \
     FROM sessions";

fn session_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Session> {
    Ok(Session {
        id: r.get(0)?,
        participant: r.get(1)?,
        timepoint: r.get(2)?,
        language: r.get(3)?,
        started_by: r.get(4)?,
        started_at: r.get(5)?,
        state: r.get(6)?,
        bundle_sha256: r.get(7)?,
    })
}

impl Store {
    /// Start a session for a participant at a time point, in the patient's language.
    pub fn start_session(
        &mut self,
        participant: &str,
        timepoint: &str,
        language: &str,
    ) -> Result<Session> {
        let who = self.participant(participant)?;
        if let Some(left) = who.status.filter(|s| !s.status.is_active()) {
            return Err(Error::Invalid(format!(
                "this participant left the study ({} since {}): no new session can start",
                left.status, left.date
            )));
        }
        if self.bundle.study.timepoint(timepoint).is_none() {
            return Err(Error::Invalid(format!(
                "unknown time point {:?}",
                short(timepoint)
            )));
        }
        if !self.bundle.study.languages.iter().any(|l| l == language) {
            return Err(Error::Invalid(format!(
                "language {:?} is not offered by this study ({})",
                short(language),
                self.bundle.study.languages.join(", ")
            )));
        }
        let id = uuid::Uuid::now_v7().to_string();
        let bundle_sha256 = self.bundle.sha256.clone();
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO sessions
                     (id, participant, timepoint, language, started_by, started_at, state, bundle_sha256)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7)",
                (
                    &id,
                    participant,
                    timepoint,
                    language,
                    ctx.actor,
                    ctx.moment.utc_text(),
                    &bundle_sha256,
                ),
            )?;
            audit::append(tx, ctx, "session.started", Some(&id), None)
        })?;
        self.session(&id)
    }

    /// A session that is still open: an ended one is [`Error::SessionEnded`].
    pub fn open_session(&self, id: &str) -> Result<Session> {
        let session = self.session(id)?;
        if session.state == "open" {
            Ok(session)
        } else {
            Err(Error::SessionEnded)
        }
    }

    /// A session by id, open or ended.
    pub fn session(&self, id: &str) -> Result<Session> {
        self.read(|c| {
            c.query_row(
                &format!("{SESSION_COLUMNS} WHERE id = ?1"),
                [id],
                session_row,
            )
            .optional()?
            .ok_or_else(|| Error::Invalid(format!("no session {}", short(id))))
        })
    }

    /// Sessions still open (interrupted by a lock or a restart), oldest first.
    pub fn open_sessions(&self) -> Result<Vec<Session>> {
        self.read(|c| {
            let mut stmt = c.prepare(&format!(
                "{SESSION_COLUMNS} WHERE state = 'open' ORDER BY started_at, id"
            ))?;
            let rows = stmt.query_map([], session_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// The questionnaires saved for a participant at a time point, each with the session it
    /// was saved in (if any): a new session must not ask for them again.
    pub fn questionnaires_saved_at(
        &self,
        participant: &str,
        timepoint: &str,
    ) -> Result<Vec<(String, Option<String>)>> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT instrument, session_id FROM submissions
                 WHERE participant = ?1 AND timepoint = ?2 AND kind = 'questionnaire'
                 ORDER BY device_seq",
            )?;
            let rows = stmt.query_map((participant, timepoint), |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// Keep the answers so far. Drafts are validated like submissions (missing items allowed).
    pub fn save_draft(
        &mut self,
        session_id: &str,
        instrument: Instrument,
        raw: &StrictMap,
    ) -> Result<()> {
        self.open_session(session_id)?;
        let validated = match answers::validate(instrument, raw) {
            Ok(v) => v.to_json(),
            // A Sunnybrook draft is allowed to be incomplete; other problems are not.
            Err(issues)
                if issues
                    .iter()
                    .all(|i| i.problem == mimik_domain::Problem::Missing) =>
            {
                serde_json::to_value(&raw.0).unwrap_or(Value::Null)
            }
            Err(issues) => return Err(Error::InvalidAnswers(issues)),
        };
        self.write(|tx, ctx| {
            tx.execute(
                "INSERT INTO drafts (session_id, instrument, answers, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (session_id, instrument) DO UPDATE SET answers = ?3, updated_at = ?4",
                (session_id, instrument.id(), validated.to_string(), ctx.moment.utc_text()),
            )?;
            audit::append(tx, ctx, "draft.saved", Some(session_id), None)
        })
    }

    /// Keep the side-effect text typed so far (the draft's instrument is `side_effects`, its
    /// answers `{"text": …}`); an empty text removes the draft.
    pub fn save_side_effect_draft(&mut self, session_id: &str, text: &str) -> Result<()> {
        self.open_session(session_id)?;
        if self
            .session_forms_saved(session_id)?
            .iter()
            .any(|f| f == "side_effects")
        {
            return Err(Error::Invalid(
                "the side effects of this session are already sent".into(),
            ));
        }
        let chars = text.chars().count();
        if chars > mimik_domain::side_effect::MAX_CHARS {
            return Err(Error::Invalid(format!(
                "the side-effect description is {chars} characters long; at most {} fit",
                mimik_domain::side_effect::MAX_CHARS
            )));
        }
        let answers = serde_json::json!({ "text": text }).to_string();
        self.write(|tx, ctx| {
            if text.trim().is_empty() {
                tx.execute(
                    "DELETE FROM drafts WHERE session_id = ?1 AND instrument = 'side_effects'",
                    [session_id],
                )?;
            } else {
                tx.execute(
                    "INSERT INTO drafts (session_id, instrument, answers, updated_at)
                     VALUES (?1, 'side_effects', ?2, ?3)
                     ON CONFLICT (session_id, instrument) DO UPDATE SET answers = ?2, updated_at = ?3",
                    (session_id, &answers, ctx.moment.utc_text()),
                )?;
            }
            audit::append(tx, ctx, "draft.saved", Some(session_id), None)
        })
    }

    /// The drafts of a session.
    pub fn drafts(&self, session_id: &str) -> Result<Vec<Draft>> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT instrument, answers FROM drafts WHERE session_id = ?1 ORDER BY instrument",
            )?;
            let rows = stmt.query_map([session_id], |r| {
                let text: String = r.get(1)?;
                Ok(Draft {
                    instrument: r.get(0)?,
                    answers: serde_json::from_str(&text).unwrap_or(Value::Null),
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// What has been saved in a session so far: the instrument of each questionnaire and
    /// `side_effects` for each side effect.
    pub fn session_forms_saved(&self, session_id: &str) -> Result<Vec<String>> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT COALESCE(instrument, kind) FROM submissions WHERE session_id = ?1
                 ORDER BY device_seq",
            )?;
            let rows = stmt.query_map([session_id], |r| r.get::<_, String>(0))?;
            Ok(rows
                .map(|r| {
                    r.map(|f| {
                        if f == "side_effect" || f == "no_side_effects" {
                            "side_effects".into()
                        } else {
                            f
                        }
                    })
                })
                .collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// End a session, confirmed by staff member `confirmed_by` (recorded in the audit log):
    /// `completed` deletes its drafts (they became submissions), `abandoned` keeps them.
    pub fn end_session(
        &mut self,
        session_id: &str,
        completed: bool,
        confirmed_by: &str,
    ) -> Result<()> {
        self.session(session_id)?;
        let state = if completed { "completed" } else { "abandoned" };
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE sessions SET state = ?2, ended_at = ?3 WHERE id = ?1",
                (session_id, state, ctx.moment.utc_text()),
            )?;
            if completed {
                tx.execute("DELETE FROM drafts WHERE session_id = ?1", [session_id])?;
            }
            let confirmed = format!("confirmed by {confirmed_by}");
            audit::append(
                tx,
                ctx,
                &format!("session.{state}"),
                Some(session_id),
                Some(&confirmed),
            )
        })
    }
}
