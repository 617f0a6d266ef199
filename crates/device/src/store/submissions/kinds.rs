//! Saving each kind of submission: questionnaires and clinician forms (with corrections), side
//! effects, their grades and Botox counts. Each checks what it must, then writes through
//! [`insert`](super::insert) in one transaction.

use super::{NewSubmission, Origin, Questionnaire, Saved, form_of, insert, short};
use crate::error::{Error, Result};
use crate::store::Store;
use mimik_domain::clavien_dindo::Grading;
use mimik_domain::content::{
    BotoxCountContent, Content, FormContent, GradeContent, MAX_BOTOX_COUNT, NoSideEffectsContent,
    SideEffectContent,
};
use mimik_domain::envelope::Kind;
use mimik_domain::side_effect::SideEffectText;
use mimik_domain::study::Form;
use rusqlite::OptionalExtension;
use serde_json::Value;

impl Store {
    /// Everything `save_questionnaire` checks before it writes: the participant, that the time
    /// point collects this form, that a content pack is loaded for the language, and that the
    /// session (if any) is open for the same participant and time point. Lets a batch import
    /// refuse a file before saving any of it.
    /// Returns the SHA-256 of the pack it is saved with and, in a session, the bundle version the
    /// session started under (whose packs it is shown and saved with).
    pub fn check_questionnaire(&self, q: &Questionnaire) -> Result<(String, Option<u64>)> {
        let instrument = q.answers.instrument();
        let session_bundle = self.check_form_for(
            q.session_id.as_deref(),
            &q.participant,
            &q.timepoint,
            form_of(instrument),
        )?;
        let bundle = session_bundle.as_ref().unwrap_or(&self.bundle);
        let pack = bundle
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
        Ok((
            pack.sha256.clone(),
            session_bundle.map(|b| b.bundle.version),
        ))
    }

    /// Validate, score and save a questionnaire (patient) or clinician form (Sunnybrook).
    pub fn save_questionnaire(&mut self, q: &Questionnaire) -> Result<Saved> {
        self.save_questionnaire_from(q, Origin::Tablet)
    }

    /// [`Store::save_questionnaire`], for answers given where `origin` says: a paper form's
    /// content also says `"source": "paper"` and the day it was `completed_on`.
    pub fn save_questionnaire_from(&mut self, q: &Questionnaire, origin: Origin) -> Result<Saved> {
        let instrument = q.answers.instrument();
        if let Origin::Paper { completed_on } = origin
            && completed_on > crate::store::Moment::now().local_date()
        {
            return Err(Error::Invalid(
                "completed_on is later than today: a paper form is typed in after it is filled in"
                    .into(),
            ));
        }
        let (pack_sha, protocol_version) = self.check_questionnaire(q)?;
        let mut form = FormContent::scored(&q.answers, q.missing, &pack_sha, &q.language);
        if let Origin::Paper { completed_on } = origin {
            form = form.on_paper(completed_on);
        }
        let answers = Value::Object(form.answers.0.clone().into_iter().collect());
        let scores_json = Value::Object(form.scores.clone());
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
                    answers: Some(answers),
                    scores: Some(scores_json),
                    refers_to: None,
                    session_id: q.session_id.as_deref(),
                    correction: q.correction.as_ref(),
                    content: Content::Form(form),
                    action: if q.correction.is_some() {
                        "submission.corrected"
                    } else {
                        "submission.saved"
                    },
                    protocol_version,
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
        let session_bundle =
            self.check_form_for(session_id, participant, timepoint, Form::SideEffects)?;
        let content = Content::SideEffect(SideEffectContent {
            text: text.as_str().to_owned(),
        });
        let record = NewSubmission {
            session_id,
            protocol_version: session_bundle.map(|b| b.bundle.version),
            ..NewSubmission::record(
                Kind::SideEffect,
                participant,
                Some(timepoint),
                content,
                "side_effect.saved",
            )
        };
        self.save_side_effect_answer(session_id, record)
    }

    /// Save a side-effect answer (a text or "none"); in a session its text draft goes in the
    /// same transaction: it was answered.
    fn save_side_effect_answer(
        &mut self,
        session_id: Option<&str>,
        record: NewSubmission<'_>,
    ) -> Result<Saved> {
        self.write(|tx, ctx| {
            if let Some(session) = session_id {
                tx.execute(
                    "DELETE FROM drafts WHERE session_id = ?1 AND instrument = 'side_effects'",
                    [session],
                )?;
            }
            insert(tx, ctx, record)
        })
    }

    /// Save a patient's explicit "no side effects since the last visit": the side-effect form
    /// is done and nothing awaits a grade. Refused in a session that already reported one, and
    /// a second time in the same session.
    pub fn save_no_side_effects(
        &mut self,
        participant: &str,
        timepoint: &str,
        session_id: Option<&str>,
    ) -> Result<Saved> {
        let session_bundle =
            self.check_form_for(session_id, participant, timepoint, Form::SideEffects)?;
        if let Some(session) = session_id
            && self
                .session_forms_saved(session)?
                .iter()
                .any(|f| f == "side_effects")
        {
            return Err(Error::Invalid(
                "side effects were already answered in this session".into(),
            ));
        }
        let record = NewSubmission {
            session_id,
            protocol_version: session_bundle.map(|b| b.bundle.version),
            ..NewSubmission::record(
                Kind::NoSideEffects,
                participant,
                Some(timepoint),
                Content::NoSideEffects(NoSideEffectsContent {}),
                "no_side_effects.saved",
            )
        };
        self.save_side_effect_answer(session_id, record)
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
        let content = Content::SideEffectGrade(GradeContent {
            side_effect_id: side_effect_id.to_owned(),
            grade: grading.grade().as_str().to_owned(),
            present_at_discharge: grading.present_at_discharge(),
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

    /// Record the number of Botox injections (staff form), with the counting period the
    /// protocol in force gives (`counting_period_months`).
    pub fn save_botox_count(
        &mut self,
        participant: &str,
        timepoint: &str,
        count: u32,
    ) -> Result<Saved> {
        if u64::from(count) > MAX_BOTOX_COUNT {
            return Err(Error::Invalid(format!(
                "a Botox injection count above {MAX_BOTOX_COUNT} is not plausible"
            )));
        }
        self.check_form(participant, timepoint, Form::BotoxCount)?;
        // The count means something only with its period: the protocol's goes with it.
        let period = self
            .bundle
            .study
            .forms
            .get(&Form::BotoxCount)
            .and_then(|f| f.counting_period_months);
        let content = Content::BotoxCount(BotoxCountContent {
            count: u64::from(count),
            counting_period_months: period.map(u64::from),
        });
        let record = NewSubmission::record(
            Kind::BotoxCount,
            participant,
            Some(timepoint),
            content,
            "botox_count.saved",
        );
        self.write(|tx, ctx| insert(tx, ctx, record))
    }
}
