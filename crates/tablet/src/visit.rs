//! Patient mode: a session for one participant and time point, drafts, submissions, and
//! leaving the session with a staff PIN.

use super::answers::{scores_of, strict_map};
use super::dto::{
    Answers, Draft, IdResult, Instrument, Language, OpenSession, PatientInstrument, ResumedSession,
    Session, SessionDrafts, SessionForm, SubmissionResult,
};
use super::participants::pack_for;
use super::{App, CommandError, CommandResult, ErrorCode};
use mimik_device::store::{self, Questionnaire};
use mimik_domain::answers::validate;
use mimik_domain::study::{Form, Study};

impl App {
    /// Start a session and hand the tablet to the patient (patient mode). It asks only what is
    /// not saved yet for this participant and time point; refused where the patient has nothing
    /// (left) to answer, and while an interrupted session for the same visit is still open.
    pub fn start_session(
        &mut self,
        participant: &str,
        timepoint: &str,
        language: Language,
    ) -> CommandResult<Session> {
        let store = self.staff_store_mut()?;
        let planned = planned_forms(store.study(), timepoint)?;
        if planned.is_empty() {
            return Err(CommandError::invalid(format!(
                "the patient has nothing to answer at {timepoint}; record its staff forms instead"
            )));
        }
        let interrupted = store
            .open_sessions()?
            .iter()
            .any(|s| s.participant == participant && s.timepoint == timepoint);
        if interrupted {
            return Err(CommandError::new(
                ErrorCode::SessionOpen,
                "an interrupted session for this participant and time point is still open: resume or end it first",
            ));
        }
        let saved = store.questionnaires_saved_at(participant, timepoint)?;
        let forms = not_saved(&planned, saved.iter().map(|(form, _)| form.as_str()));
        if forms.is_empty() {
            return Err(CommandError::new(
                ErrorCode::AlreadySubmitted,
                format!("everything the patient answers at {timepoint} is already saved"),
            ));
        }
        let session = store.start_session(participant, timepoint, language.code())?;
        self.patient_session = Some(session.id.clone());
        Ok(Session {
            session_id: session.id,
            participant: session.participant,
            timepoint: session.timepoint,
            language,
            forms,
        })
    }

    /// Sessions still open, for staff to resume or end.
    pub fn open_sessions(&self) -> CommandResult<Vec<OpenSession>> {
        Ok(self
            .staff_store()?
            .open_sessions()?
            .into_iter()
            .map(|s| OpenSession {
                language: stored_language(&s.language),
                session_id: s.id,
                participant: s.participant,
                timepoint: s.timepoint,
                started_by: s.started_by,
                started_at: s.started_at,
            })
            .collect())
    }

    /// Take up an open session again and hand the tablet back to the patient (patient mode).
    /// What was already sent in it is listed, so it is never asked for again.
    pub fn resume_session(&mut self, session_id: &str) -> CommandResult<ResumedSession> {
        let store = self.staff_store()?;
        let session = store.open_session(session_id)?;
        let planned = session_plan(store, &session)?;
        let saved = store.questionnaires_saved_at(&session.participant, &session.timepoint)?;
        let elsewhere = saved
            .iter()
            .filter(|(_, s)| s.as_deref() != Some(session_id))
            .map(|(form, _)| form.as_str());
        let forms = not_saved(&planned, elsewhere);
        let here = store.session_forms_saved(session_id)?;
        let submitted = forms
            .iter()
            .copied()
            .filter(|f| here.iter().any(|h| h == form_id(*f)))
            .collect();
        let resumed = ResumedSession {
            session: Session {
                session_id: session.id.clone(),
                participant: session.participant,
                timepoint: session.timepoint,
                language: stored_language(&session.language),
                forms,
            },
            submitted,
        };
        self.patient_session = Some(session.id);
        Ok(resumed)
    }

    /// Keep the answers so far (encrypted, like everything in the store).
    pub fn save_draft(
        &mut self,
        session_id: &str,
        instrument: PatientInstrument,
        answers: &Answers,
    ) -> CommandResult<()> {
        self.patient_only(session_id)?;
        let raw = strict_map(answers);
        self.store_mut()?
            .save_draft(session_id, patient_instrument(instrument), &raw)?;
        Ok(())
    }

    /// Keep the side-effect text typed so far (encrypted like everything in the store); an
    /// empty text removes it.
    pub fn save_side_effect_draft(&mut self, session_id: &str, text: &str) -> CommandResult<()> {
        self.patient_only(session_id)?;
        self.store_mut()?.save_side_effect_draft(session_id, text)?;
        Ok(())
    }

    /// The drafts of the session in progress, to resume it.
    pub fn resume_draft(&self, session_id: &str) -> CommandResult<SessionDrafts> {
        self.patient_only(session_id)?;
        let store = self.store()?;
        store.open_session(session_id)?;
        let unreadable = || CommandError::new(ErrorCode::Internal, "a saved draft cannot be read");
        let mut drafts = SessionDrafts {
            answers: Vec::new(),
            side_effects: None,
        };
        for draft in store.drafts(session_id)? {
            let instrument = match draft.instrument.as_str() {
                "face" => PatientInstrument::Face,
                "fdi" => PatientInstrument::Fdi,
                "saq" => PatientInstrument::Saq,
                "side_effects" => {
                    let text = draft.answers.get("text").and_then(|t| t.as_str());
                    drafts.side_effects = Some(text.ok_or_else(unreadable)?.to_owned());
                    continue;
                }
                _ => continue,
            };
            let answers = serde_json::from_value(draft.answers).map_err(|_| unreadable())?;
            drafts.answers.push(Draft {
                instrument,
                answers,
            });
        }
        Ok(drafts)
    }

    /// Validate, score and save one questionnaire of the session: once per participant and
    /// time point, whichever session saved it.
    pub fn submit_questionnaire(
        &mut self,
        session_id: &str,
        instrument: PatientInstrument,
        answers: &Answers,
    ) -> CommandResult<SubmissionResult> {
        self.patient_only(session_id)?;
        let store = self.store_mut()?;
        let session = store.open_session(session_id)?;
        let form = patient_instrument(instrument);
        // The session's protocol version: what it asks, the wording shown, the missing-data rule.
        let bundle = store.session_bundle(&session)?;
        store.check_collected(
            &bundle.study,
            &session.participant,
            &session.timepoint,
            form,
        )?;
        let saved = store.questionnaires_saved_at(&session.participant, &session.timepoint)?;
        if saved.iter().any(|(f, _)| f == form.id()) {
            return Err(CommandError::new(
                ErrorCode::AlreadySubmitted,
                format!(
                    "{} was already submitted for this participant at {}",
                    form.id(),
                    session.timepoint
                ),
            ));
        }
        let validated =
            validate(form, &strict_map(answers)).map_err(mimik_device::Error::InvalidAnswers)?;
        let language = stored_language(&session.language);
        let pack_language = pack_for(&bundle.packs, Instrument::from(instrument), language)?
            .language
            .clone();
        let saved = store.save_questionnaire(&Questionnaire {
            participant: session.participant,
            timepoint: session.timepoint,
            answers: validated,
            // The answers belong to the wording shown, which is what the pack's language says.
            language: pack_language,
            missing: bundle.study.missing_mode(form),
            session_id: Some(session.id),
            correction: None,
        })?;
        Ok(SubmissionResult {
            id: saved.id,
            scores: scores_of(saved.scores.as_ref()),
        })
    }

    /// Save the patient's free-text side effects (they await a clinician's grade).
    pub fn submit_side_effect(&mut self, session_id: &str, text: &str) -> CommandResult<IdResult> {
        self.patient_only(session_id)?;
        let store = self.store_mut()?;
        let session = store.open_session(session_id)?;
        let saved = store.save_side_effect(
            &session.participant,
            &session.timepoint,
            text,
            Some(&session.id),
        )?;
        Ok(IdResult { id: saved.id })
    }

    /// Save the patient's answer "no side effects since the last visit": the side-effect form
    /// is done, with nothing for a clinician to grade.
    pub fn submit_no_side_effects(&mut self, session_id: &str) -> CommandResult<IdResult> {
        self.patient_only(session_id)?;
        let store = self.store_mut()?;
        let session = store.open_session(session_id)?;
        let saved = store.save_no_side_effects(
            &session.participant,
            &session.timepoint,
            Some(&session.id),
        )?;
        Ok(IdResult { id: saved.id })
    }

    /// Leave patient mode, or end an interrupted session from the staff screens: needs a staff
    /// passphrase or PIN, whose staff member the audit log records. The session is `completed`
    /// when every questionnaire of its time point is saved, else `abandoned` with its drafts
    /// kept.
    pub fn end_session(&mut self, session_id: &str, passphrase: &str) -> CommandResult<()> {
        if self.patient_session.is_some() {
            self.patient_only(session_id)?;
        }
        let session = self.store()?.session(session_id)?;
        let confirmed = self.store()?.confirm_staff(passphrase);
        let confirmed_by = self.count_secret(confirmed)?;
        let store = self.store_mut()?;
        if session.state == "open" {
            // A time point the study no longer has (after an update) still lets the session end.
            let planned = session_plan(store, &session).unwrap_or_default();
            let saved = store.questionnaires_saved_at(&session.participant, &session.timepoint)?;
            let completed = !planned.is_empty()
                && not_saved(&planned, saved.iter().map(|(form, _)| form.as_str()))
                    .iter()
                    .all(|f| *f == SessionForm::SideEffects);
            store.end_session(session_id, completed, &confirmed_by)?;
        }
        self.patient_session = None;
        Ok(())
    }
}

/// A session's stored language code; English (the reference wording) for an unknown one.
fn stored_language(code: &str) -> Language {
    Language::from_code(code).unwrap_or(Language::En)
}

/// What a session asks: its time point's patient forms in the protocol version it started
/// under, even when a newer version (an amendment) was adopted meanwhile.
fn session_plan(store: &store::Store, session: &store::Session) -> CommandResult<Vec<SessionForm>> {
    planned_forms(&store.session_bundle(session)?.study, &session.timepoint)
}

/// What the patient is asked at a time point, in protocol order.
fn planned_forms(study: &Study, timepoint: &str) -> CommandResult<Vec<SessionForm>> {
    match study.timepoint(timepoint) {
        Some(tp) => Ok(tp
            .patient_forms
            .iter()
            .filter_map(|f| session_form(*f))
            .collect()),
        None => Err(CommandError::invalid("unknown time point")),
    }
}

/// `planned` without the questionnaires in `saved` (side effects are never "saved already":
/// a patient may report more).
fn not_saved<'a>(
    planned: &[SessionForm],
    saved: impl Iterator<Item = &'a str> + Clone,
) -> Vec<SessionForm> {
    planned
        .iter()
        .copied()
        .filter(|f| *f == SessionForm::SideEffects || !saved.clone().any(|s| s == form_id(*f)))
        .collect()
}

/// The store's name of a session form (`session_forms_saved` uses the same).
fn form_id(form: SessionForm) -> &'static str {
    match form {
        SessionForm::Face => "face",
        SessionForm::Fdi => "fdi",
        SessionForm::Saq => "saq",
        SessionForm::SideEffects => "side_effects",
    }
}

fn session_form(form: Form) -> Option<SessionForm> {
    match form {
        Form::Face => Some(SessionForm::Face),
        Form::Fdi => Some(SessionForm::Fdi),
        Form::Saq => Some(SessionForm::Saq),
        Form::SideEffects => Some(SessionForm::SideEffects),
        _ => None,
    }
}

fn patient_instrument(instrument: PatientInstrument) -> mimik_domain::Instrument {
    Instrument::from(instrument)
}

impl From<PatientInstrument> for Instrument {
    fn from(instrument: PatientInstrument) -> Instrument {
        match instrument {
            PatientInstrument::Face => Instrument::Face,
            PatientInstrument::Fdi => Instrument::Fdi,
            PatientInstrument::Saq => Instrument::Saq,
        }
    }
}
