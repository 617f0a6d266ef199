//! Staff home: participants with what is due, registering one, and the content packs.

use super::dto::{
    ContentItem, ContentOption, ContentPack, DatesUpdate, Instrument, Language, NewParticipant,
    Participant, TimepointState, TimepointStatus,
};
use super::{App, CommandError, CommandResult, ErrorCode};
use chrono::NaiveDate;
use mimik_device::store::{self, Store};
use mimik_domain::study::schedule::{DueStatus, TimepointDue};

impl App {
    /// Participants whose pseudonym contains `query` (any case), each with today's schedule.
    pub fn list_participants(&self, query: Option<&str>) -> CommandResult<Vec<Participant>> {
        let store = self.staff_store()?;
        let query = query.map(|q| q.trim().to_lowercase()).unwrap_or_default();
        let mut registered: std::collections::BTreeMap<String, store::Participant> = store
            .participants()?
            .into_iter()
            .map(|p| (p.pseudonym.clone(), p))
            .collect();
        let mut listed: Vec<Participant> = store
            .due(None)?
            .into_iter()
            .filter(|d| d.participant.to_lowercase().contains(&query))
            .filter_map(|d| Some(view(&registered.remove(&d.participant)?, d.timepoints)))
            .collect();
        listed.sort_by(|a, b| a.pseudonym.cmp(&b.pseudonym));
        Ok(listed)
    }

    /// Register a participant (pseudonym and study dates only).
    pub fn add_participant(&mut self, new: &NewParticipant) -> CommandResult<Participant> {
        let parsed = store::NewParticipant {
            pseudonym: new.pseudonym.trim().to_owned(),
            inclusion: date("inclusion date", &new.inclusion_date)?,
            surgery: match new.surgery_date.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(text) => Some(date("surgery date", text)?),
            },
            botox: new
                .botox_dates
                .iter()
                .map(|d| date("Botox injection date", d))
                .collect::<CommandResult<_>>()?,
        };
        let store = self.staff_store_mut()?;
        store.add_participant(&parsed)?;
        participant_view(store, &parsed.pseudonym)
    }

    /// Record a surgery date or Botox injections given since registration; the schedule follows
    /// (and the server's roster after the next sync).
    pub fn update_participant_dates(
        &mut self,
        pseudonym: &str,
        update: &DatesUpdate,
    ) -> CommandResult<Participant> {
        let surgery = match update.surgery_date.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(date("surgery date", text)?),
        };
        let botox = update
            .add_botox_dates
            .iter()
            .map(|d| date("Botox injection date", d))
            .collect::<CommandResult<Vec<_>>>()?;
        let store = self.staff_store_mut()?;
        let current = store.participant(pseudonym)?;
        let changes_surgery = surgery.is_some_and(|d| current.surgery_date != Some(d));
        let adds_botox = botox.iter().any(|d| !current.botox_dates.contains(d));
        if !changes_surgery && !adds_botox {
            return Err(CommandError::new(ErrorCode::NoChanges, "no date changes"));
        }
        store.update_participant_dates(pseudonym, surgery, &botox)?;
        participant_view(store, pseudonym)
    }

    /// The wording of an instrument for a patient's language: the study's pack in that
    /// language, or the English reference wording when the study has loaded none.
    /// In a session, the packs of the bundle the session started under.
    pub fn content_pack(
        &self,
        instrument: Instrument,
        language: Language,
        session_id: Option<&str>,
    ) -> CommandResult<ContentPack> {
        // The patient's screens need the wording too: not staff-only.
        let store = self.store()?;
        let bundle = match session_id {
            Some(id) => store.session_bundle(&store.session(id)?)?,
            None => store.bundle().clone(),
        };
        let pack = pack_for(&bundle.packs, instrument, language)?;
        // The developer notice of a reference pack is for development: never shown to a
        // patient once the study has loaded a licensed pack.
        let licensed_loaded = bundle.packs.iter().any(|p| !p.reference);
        let notice = (!pack.reference || !licensed_loaded).then(|| pack.notice.clone());
        Ok(ContentPack {
            instrument,
            language: pack.language.clone(),
            title: pack.title.clone(),
            instructions: pack.instructions.clone(),
            recall: pack.recall.clone(),
            notice,
            reference: pack.reference,
            sha256: pack.sha256.clone(),
            items: pack
                .items
                .iter()
                .map(|item| ContentItem {
                    id: item.id.clone(),
                    text: item.text.clone(),
                    options: item
                        .options
                        .iter()
                        .map(|o| ContentOption {
                            value: o.value,
                            label: o.label.clone(),
                        })
                        .collect(),
                })
                .collect(),
        })
    }
}

/// The pack of `packs` a patient sees for `instrument`: their language if loaded, else English.
pub(super) fn pack_for(
    packs: &[mimik_domain::content_pack::ContentPack],
    instrument: Instrument,
    language: Language,
) -> CommandResult<&mimik_domain::content_pack::ContentPack> {
    let wanted = instrument;
    let find = |lang: &str| {
        packs
            .iter()
            .find(|p| p.instrument == wanted && p.language == lang)
    };
    find(language.code()).or_else(|| find("en")).ok_or_else(|| {
        CommandError::new(
            ErrorCode::NotFound,
            format!("no content pack for {} is loaded", wanted.id()),
        )
    })
}

fn date(label: &str, text: &str) -> CommandResult<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| CommandError::invalid(format!("the {label} must be a date like 2026-03-31")))
}

pub(super) fn participant_view(store: &Store, pseudonym: &str) -> CommandResult<Participant> {
    let participant = store.participant(pseudonym)?;
    let timepoints = store
        .due(Some(pseudonym))?
        .into_iter()
        .next()
        .map(|d| d.timepoints)
        .unwrap_or_default();
    Ok(view(&participant, timepoints))
}

fn view(p: &store::Participant, timepoints: Vec<TimepointDue>) -> Participant {
    Participant {
        pseudonym: p.pseudonym.clone(),
        inclusion_date: p.inclusion_date.to_string(),
        surgery_date: p.surgery_date.map(|d| d.to_string()),
        botox_dates: p.botox_dates.iter().map(ToString::to_string).collect(),
        status: p.status.map(|s| s.status.name().to_owned()),
        status_date: p.status.map(|s| s.date.to_string()),
        left_study: p.status.is_some_and(|s| !s.status.is_active()),
        timepoints: timepoints.into_iter().map(timepoint_state).collect(),
    }
}

fn timepoint_state(due: TimepointDue) -> TimepointState {
    let window = due.status.window();
    let status = match due.status {
        DueStatus::NotYetDue { .. } => TimepointStatus::NotYetDue,
        DueStatus::Due { .. } => TimepointStatus::Due,
        DueStatus::Overdue { .. } => TimepointStatus::Overdue,
        DueStatus::Missed { .. } => TimepointStatus::Missed,
        DueStatus::Done => TimepointStatus::Done,
        DueStatus::NotApplicable => TimepointStatus::NotApplicable,
    };
    TimepointState {
        timepoint: due.timepoint,
        status,
        window_start: window.map(|w| w.opens.to_string()),
        window_end: window.map(|w| w.closes.to_string()),
    }
}
