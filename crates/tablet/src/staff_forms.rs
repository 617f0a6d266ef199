//! Staff forms: Sunnybrook with its live composite, the eligibility checklist, Clavien-Dindo
//! grading of side effects awaiting review, and the Botox injection count.

use super::answers::{scores_of, strict_map};
use super::dto::{
    Answers, ClavienDindoGrade, EligibilityResult, HistoryEntry, IdResult, Instrument, Language,
    PendingSideEffect, ScorePreview, Scores, SubmissionResult,
};
use super::participants::pack_for;
use super::{App, CommandError, CommandResult};
use mimik_device::store::{Correction, Questionnaire};
use mimik_domain::answers::validate;
use mimik_domain::clavien_dindo::Grading;
use mimik_domain::content::EligibilityContent;
use mimik_domain::{Problem, score};
use serde_json::Value;
use std::collections::BTreeMap;

impl App {
    /// Scores of a form being filled in (nothing is saved). A Sunnybrook form with ratings
    /// still missing has no composite yet, and says how many are missing.
    pub fn score_preview(
        &self,
        instrument: Instrument,
        answers: &Answers,
    ) -> CommandResult<ScorePreview> {
        let domain = instrument;
        let validated = match validate(domain, &strict_map(answers)) {
            Ok(validated) => validated,
            Err(issues) if issues.iter().all(|i| i.problem == Problem::Missing) => {
                let note = format!(
                    "all {} ratings are needed for the composite ({} missing)",
                    domain.items().len(),
                    issues.len()
                );
                return Ok(ScorePreview {
                    scores: Scores(BTreeMap::from([("composite".to_owned(), None)])),
                    notes: BTreeMap::from([("composite".to_owned(), note)]),
                    eligible: None,
                });
            }
            Err(issues) => return Err(mimik_device::Error::InvalidAnswers(issues).into()),
        };
        let scores = score(&validated, self.staff_store()?.study().missing_mode(domain));
        let eligible = match instrument {
            Instrument::Sunnybrook => {
                let max = self.staff_store()?.study().sunnybrook_max_composite;
                scores
                    .value("composite")
                    .filter(|c| *c >= 0.0)
                    .map(|c| c <= max)
            }
            _ => None,
        };
        Ok(ScorePreview {
            scores: scores_of(Some(&scores.values_json())),
            notes: scores
                .notes_json()
                .as_object()
                .map(|notes| {
                    notes
                        .iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                        .collect()
                })
                .unwrap_or_default(),
            eligible,
        })
    }

    /// Save a clinician form (Sunnybrook) for a participant and time point, filled in with the
    /// wording of `language` (the staff's; the record names the pack's language actually shown).
    pub fn submit_clinician_form(
        &mut self,
        participant: &str,
        timepoint: &str,
        instrument: Instrument,
        language: Language,
        answers: &Answers,
    ) -> CommandResult<SubmissionResult> {
        if instrument != Instrument::Sunnybrook {
            return Err(CommandError::invalid("only Sunnybrook is a clinician form"));
        }
        let domain = instrument;
        let validated =
            validate(domain, &strict_map(answers)).map_err(mimik_device::Error::InvalidAnswers)?;
        let store = self.staff_store_mut()?;
        let shown = pack_for(store.packs(), instrument, language)?
            .language
            .clone();
        let saved = store.save_questionnaire(&Questionnaire {
            participant: participant.to_owned(),
            timepoint: timepoint.to_owned(),
            answers: validated,
            language: shown,
            missing: store.study().missing_mode(domain),
            session_id: None,
            correction: None,
        })?;
        Ok(SubmissionResult {
            id: saved.id,
            scores: scores_of(saved.scores.as_ref()),
        })
    }

    /// Correct a saved clinician form: a new record that names the one it supersedes, with
    /// the staff member's reason. The original is kept unchanged (append-only).
    pub fn correct_clinician_form(
        &mut self,
        supersedes: &str,
        language: Language,
        answers: &Answers,
        reason: &str,
    ) -> CommandResult<SubmissionResult> {
        let reason = reason.trim();
        if reason.chars().count() < 3 {
            return Err(CommandError::invalid("say why the record is corrected"));
        }
        let store = self.staff_store_mut()?;
        let original = store.submission(supersedes)?;
        if original.kind != "clinician_form" {
            return Err(CommandError::invalid(
                "only clinician forms are corrected here; patients' answers are their own",
            ));
        }
        let (Some(timepoint), Some(instrument)) = (original.timepoint, original.instrument) else {
            return Err(CommandError::invalid(
                "this record has no time point or instrument",
            ));
        };
        if instrument != mimik_domain::Instrument::Sunnybrook.id() {
            return Err(CommandError::invalid("only Sunnybrook is a clinician form"));
        }
        let domain = Instrument::Sunnybrook;
        let validated =
            validate(domain, &strict_map(answers)).map_err(mimik_device::Error::InvalidAnswers)?;
        // The correction was made with the wording shown now, which may differ from the original's.
        let shown = pack_for(store.packs(), Instrument::Sunnybrook, language)?
            .language
            .clone();
        let saved = store.save_questionnaire(&Questionnaire {
            participant: original.participant,
            timepoint,
            answers: validated,
            language: shown,
            missing: store.study().missing_mode(domain),
            session_id: None,
            correction: Some(Correction {
                supersedes: supersedes.to_owned(),
                reason: reason.to_owned(),
            }),
        })?;
        Ok(SubmissionResult {
            id: saved.id,
            scores: scores_of(saved.scores.as_ref()),
        })
    }

    /// Everything saved for one participant, oldest first, with corrections linked both ways.
    pub fn participant_history(&self, participant: &str) -> CommandResult<Vec<HistoryEntry>> {
        let store = self.staff_store()?;
        store.participant(participant)?;
        let rows: Vec<_> = store
            .submissions()?
            .into_iter()
            .filter(|r| r.participant == participant)
            .collect();
        let superseded_by = |id: &str| {
            rows.iter()
                .rev()
                .find(|r| r.supersedes.as_deref() == Some(id))
                .map(|r| r.id.clone())
        };
        Ok(rows
            .iter()
            .map(|r| {
                let instrument = r.instrument.as_deref().and_then(|id| id.parse().ok());
                HistoryEntry {
                    id: r.id.clone(),
                    kind: r.kind.clone(),
                    instrument,
                    timepoint: r.timepoint.clone(),
                    recorded_at: r.recorded_at.clone(),
                    staff_id: r.staff_id.clone(),
                    answers: instrument
                        .and(r.answers.clone())
                        .and_then(|a| serde_json::from_value(a).ok()),
                    scores: scores_of(r.scores.as_ref()),
                    supersedes: r.supersedes.clone(),
                    superseded_by: superseded_by(&r.id),
                    sync_state: r.sync_state.clone(),
                }
            })
            .collect())
    }

    /// Record the eligibility checklist (`true` = the statement holds for the patient); the
    /// outcome uses the participant's latest Sunnybrook composite at that time point.
    pub fn record_eligibility(
        &mut self,
        participant: &str,
        timepoint: &str,
        checklist: &BTreeMap<String, bool>,
    ) -> CommandResult<EligibilityResult> {
        let store = self.staff_store_mut()?;
        let saved = store.save_eligibility(participant, timepoint, checklist)?;
        let stored = store.submission(&saved.id)?.answers.unwrap_or(Value::Null);
        let content: EligibilityContent = serde_json::from_value(stored)
            .map_err(|e| mimik_device::Error::Tampered(format!("eligibility just saved: {e}")))?;
        Ok(EligibilityResult {
            id: saved.id,
            eligible: content.eligible,
            unmet: content.unmet,
            unanswered: content.unanswered,
        })
    }

    /// Side effects that no clinician has graded yet, oldest first.
    pub fn pending_side_effects(&self) -> CommandResult<Vec<PendingSideEffect>> {
        Ok(self
            .staff_store()?
            .side_effects()?
            .into_iter()
            .filter(|s| s["review_state"] == "awaiting_review")
            .map(|s| {
                let text = |key: &str| s[key].as_str().unwrap_or_default().to_owned();
                PendingSideEffect {
                    id: text("id"),
                    participant: text("participant"),
                    timepoint: text("timepoint"),
                    text: text("text"),
                    created_at: text("recorded_at"),
                }
            })
            .collect())
    }

    /// Grade a side effect (Clavien-Dindo; `d` = still present at discharge).
    pub fn grade_side_effect(
        &mut self,
        side_effect_id: &str,
        grade: ClavienDindoGrade,
        d: bool,
    ) -> CommandResult<IdResult> {
        let grading =
            Grading::parse(grade.as_str(), d).map_err(|e| CommandError::invalid(e.to_string()))?;
        let saved = self
            .staff_store_mut()?
            .grade_side_effect(side_effect_id, grading)?;
        Ok(IdResult { id: saved.id })
    }

    /// Record the number of Botox injections given at a visit.
    pub fn record_botox_count(
        &mut self,
        participant: &str,
        timepoint: &str,
        count: u32,
    ) -> CommandResult<IdResult> {
        let saved = self
            .staff_store_mut()?
            .save_botox_count(participant, timepoint, count)?;
        Ok(IdResult { id: saved.id })
    }
}
