//! Patient mode: a session for one participant and time point, drafts, submissions, and
//! leaving the session with a staff PIN.

use super::dto::{
    Answers, Draft, IdResult, Instrument, Language, PatientInstrument, Session, SessionForm,
    SubmissionResult,
};
use super::participants::{domain_instrument, pack_for};
use super::staff_forms::scores_of;
use super::{App, CommandError, CommandResult};
use crate::store::{self, Questionnaire};
use mimik_domain::MissingMode;
use mimik_domain::answers::{StrictMap, validate};
use mimik_domain::study::Form;

impl App {
    /// Start a session; refused for a time point where the patient has nothing to answer.
    pub fn start_session(
        &mut self,
        participant: &str,
        timepoint: &str,
        language: Language,
    ) -> CommandResult<Session> {
        let store = self.store_mut()?;
        let forms = match store.study().timepoint(timepoint) {
            Some(tp) => tp
                .patient_forms
                .iter()
                .filter_map(|f| session_form(*f))
                .collect::<Vec<_>>(),
            None => return Err(CommandError::invalid("unknown time point")),
        };
        if forms.is_empty() {
            return Err(CommandError::invalid(format!(
                "the patient has nothing to answer at {timepoint}; record its staff forms instead"
            )));
        }
        let session = store.start_session(participant, timepoint, language.code())?;
        Ok(Session {
            session_id: session.id,
            participant: session.participant,
            timepoint: session.timepoint,
            language,
            forms,
        })
    }

    /// Keep the answers so far (encrypted, like everything in the store).
    pub fn save_draft(
        &mut self,
        session_id: &str,
        instrument: PatientInstrument,
        answers: &Answers,
    ) -> CommandResult<()> {
        let raw = strict_map(answers);
        self.store_mut()?
            .save_draft(session_id, patient_instrument(instrument), &raw)?;
        Ok(())
    }

    /// The drafts of a session still open, to resume it.
    pub fn resume_draft(&self, session_id: &str) -> CommandResult<Vec<Draft>> {
        let store = self.store()?;
        open_session(store, session_id)?;
        let mut drafts = Vec::new();
        for draft in store.drafts(session_id)? {
            let instrument = match draft.instrument.as_str() {
                "face" => PatientInstrument::Face,
                "fdi" => PatientInstrument::Fdi,
                "saq" => PatientInstrument::Saq,
                _ => continue,
            };
            let answers = serde_json::from_value(draft.answers)
                .map_err(|_| CommandError::new("internal", "a saved draft cannot be read"))?;
            drafts.push(Draft {
                instrument,
                answers,
            });
        }
        Ok(drafts)
    }

    /// Validate, score and save one questionnaire of the session (once per session).
    pub fn submit_questionnaire(
        &mut self,
        session_id: &str,
        instrument: PatientInstrument,
        answers: &Answers,
    ) -> CommandResult<SubmissionResult> {
        let store = self.store_mut()?;
        let session = open_session(store, session_id)?;
        let form = patient_instrument(instrument);
        let saved_forms = store.session_forms_saved(session_id)?;
        if saved_forms.iter().any(|f| f == form.id()) {
            return Err(CommandError::new(
                "already_submitted",
                format!("{} was already submitted in this session", form.id()),
            ));
        }
        let validated =
            validate(form, &strict_map(answers)).map_err(crate::Error::InvalidAnswers)?;
        let language = Language::from_code(&session.language).unwrap_or(Language::En);
        let pack_language = pack_for(store, Instrument::from(instrument), language)?
            .language
            .clone();
        let saved = store.save_questionnaire(&Questionnaire {
            participant: session.participant,
            timepoint: session.timepoint,
            answers: validated,
            // The answers belong to the wording shown, which is what the pack's language says.
            language: pack_language,
            missing: MissingMode::Strict,
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
        let store = self.store_mut()?;
        let session = open_session(store, session_id)?;
        let saved = store.save_side_effect(
            &session.participant,
            &session.timepoint,
            text,
            Some(&session.id),
        )?;
        Ok(IdResult { id: saved.id })
    }

    /// Leave patient mode: needs a staff passphrase or PIN. The session is `completed` when
    /// every questionnaire was submitted, else `abandoned` with its drafts kept.
    pub fn end_session(&mut self, session_id: &str, passphrase: &str) -> CommandResult<()> {
        let store = self.store_mut()?;
        let session = store.session(session_id)?;
        store.confirm_staff(passphrase)?;
        if session.state != "open" {
            return Ok(());
        }
        let saved = store.session_forms_saved(session_id)?;
        let completed = store
            .study()
            .timepoint(&session.timepoint)
            .map(|tp| {
                tp.patient_forms
                    .iter()
                    .filter_map(|f| f.instrument())
                    .all(|i| saved.iter().any(|s| s == i.id()))
            })
            .unwrap_or(false);
        store.end_session(session_id, completed)?;
        Ok(())
    }
}

fn open_session(store: &store::Store, session_id: &str) -> CommandResult<store::Session> {
    let session = store.session(session_id)?;
    if session.state == "open" {
        Ok(session)
    } else {
        Err(CommandError::new(
            "session_ended",
            "this session has ended; start a new one",
        ))
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
    domain_instrument(Instrument::from(instrument))
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

/// The answers as the domain validates them; unanswered (null) items are left out.
pub(super) fn strict_map(answers: &Answers) -> StrictMap {
    StrictMap(
        answers
            .0
            .iter()
            .filter_map(|(item, value)| {
                let value = serde_json::to_value((*value)?).ok()?;
                Some((item.clone(), value))
            })
            .collect(),
    )
}
