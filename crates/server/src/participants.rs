//! Participant status on the server (issue 14 point 2): who may set it, the checks of
//! `mimik_domain::study::status`, the history, and the current status of everyone, which the
//! roster carries to the tablets.

use crate::error::Error;
use crate::storage::{Actor, NewAudit, StatusRow, Storage};
use chrono::NaiveDate;
use mimik_domain::protocol::RosterEntry;
use mimik_domain::study::status::{ParticipantStatus, StatusChangeError, StatusOn, check_change};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

/// Study, site and pseudonym: one participant.
pub type ParticipantKey = (String, String, String);

/// Why a status could not be set.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    /// No registered participant of that pseudonym (at that site, or within the user's sites).
    #[error("there is no participant {0:?}")]
    UnknownParticipant(String),
    /// The pseudonym exists at several sites and none was named.
    #[error("{pseudonym:?} exists at several sites: name one with --site ({})", .sites.join(", "))]
    SiteNeeded {
        /// The pseudonym.
        pseudonym: String,
        /// Its sites.
        sites: Vec<String>,
    },
    /// The domain refused the change.
    #[error(transparent)]
    Refused(#[from] StatusChangeError),
    /// The database.
    #[error(transparent)]
    Storage(#[from] Error),
}

/// A status change as `participant status` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    /// Study id.
    pub study: String,
    /// Site id.
    pub site: String,
    /// Pseudonym.
    pub participant: String,
    /// The new status.
    pub status: ParticipantStatus,
    /// The day it took effect.
    pub date: NaiveDate,
}

/// Every participant's history, oldest change first.
pub async fn histories(
    storage: &dyn Storage,
) -> Result<BTreeMap<ParticipantKey, Vec<StatusRow>>, Error> {
    let mut all: BTreeMap<ParticipantKey, Vec<StatusRow>> = BTreeMap::new();
    for row in storage.statuses().await? {
        all.entry((row.study.clone(), row.site.clone(), row.pseudonym.clone()))
            .or_default()
            .push(row);
    }
    Ok(all)
}

/// The current status of every participant with a recorded change.
pub async fn current(storage: &dyn Storage) -> Result<BTreeMap<ParticipantKey, StatusOn>, Error> {
    Ok(histories(storage)
        .await?
        .into_iter()
        .filter_map(|(key, rows)| rows.last().and_then(status_on).map(|s| (key, s)))
        .collect())
}

/// A stored row as the domain's status (a row that does not parse is skipped: it was checked
/// on the way in).
pub fn status_on(row: &StatusRow) -> Option<StatusOn> {
    Some(StatusOn {
        status: row.status.parse().ok()?,
        date: row.effective_on.parse().ok()?,
    })
}

/// Put each participant's current status on `roster` of `study` and `site`.
pub fn with_statuses(
    mut roster: Vec<RosterEntry>,
    study: &str,
    site: &str,
    current: &BTreeMap<ParticipantKey, StatusOn>,
) -> Vec<RosterEntry> {
    for entry in &mut roster {
        let key = (study.to_owned(), site.to_owned(), entry.pseudonym.clone());
        entry.status = current.get(&key).copied();
    }
    roster
}

/// What a status change names.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    /// The study, when more than one has the pseudonym.
    pub study: Option<&'a str>,
    /// The site, when more than one has the pseudonym.
    pub site: Option<&'a str>,
    /// Pseudonym.
    pub pseudonym: &'a str,
    /// The new status.
    pub to: ParticipantStatus,
    /// The day it took effect.
    pub date: NaiveDate,
    /// Why.
    pub reason: &'a str,
}

/// Set a participant's status. `sees_site` limits which sites' participants `actor` may reach
/// (one outside it is unknown, as if it did not exist).
pub async fn set_status(
    storage: &dyn Storage,
    change: &Change<'_>,
    actor: &Actor,
    sees_site: impl Fn(&str) -> bool,
) -> Result<StatusChange, StatusError> {
    let pseudonym = change.pseudonym.trim();
    let rosters = crate::roster::by_site(&storage.submissions_of_kind("participant").await?)?;
    let found: Vec<(String, String, NaiveDate)> = rosters
        .iter()
        .filter(|((study, site), _)| {
            change.study.is_none_or(|s| s == study)
                && change.site.is_none_or(|s| s == site)
                && sees_site(site)
        })
        .flat_map(|((study, site), roster)| {
            roster
                .iter()
                .filter(|e| e.pseudonym == pseudonym)
                .map(|e| (study.clone(), site.clone(), e.inclusion_date))
        })
        .collect();
    let (study, site, inclusion) = match found.as_slice() {
        [] => return Err(StatusError::UnknownParticipant(pseudonym.to_owned())),
        [one] => one.clone(),
        many => {
            return Err(StatusError::SiteNeeded {
                pseudonym: pseudonym.to_owned(),
                sites: many
                    .iter()
                    .map(|(st, si, _)| format!("{st}/{si}"))
                    .collect(),
            });
        }
    };
    let key = (study.clone(), site.clone(), pseudonym.to_owned());
    let before = current(storage).await?.get(&key).copied();
    let today = chrono::Utc::now().date_naive();
    check_change(
        before,
        inclusion,
        change.to,
        change.date,
        change.reason,
        today,
    )?;
    let row = StatusRow {
        id: uuid::Uuid::now_v7().to_string(),
        study: study.clone(),
        site: site.clone(),
        pseudonym: pseudonym.to_owned(),
        status: change.to.name().to_owned(),
        effective_on: change.date.to_string(),
        reason: change.reason.trim().to_owned(),
        actor: actor.name.clone(),
        role: actor.role.clone(),
        recorded_at: crate::now(),
    };
    let subject = format!("{study}/{site}/{pseudonym}");
    let mut audit = NewAudit::new(actor, "participant_status_changed", Some(&subject))
        .before(match before {
            Some(s) => json!({"status": s.status, "date": s.date}),
            None => json!({"status": "screened", "date": null}),
        })
        .after(json!({"status": change.to, "date": change.date}));
    audit.reason = Some(row.reason.clone());
    storage.add_status(&row, &audit).await?;
    Ok(StatusChange {
        study,
        site,
        participant: pseudonym.to_owned(),
        status: change.to,
        date: change.date,
    })
}
