//! Data queries (issue 14 point 6). A data manager or monitor opens a query (free text) on a
//! submission or on a participant × time point; a coordinator of the participant's site answers;
//! the one who opened it closes it or re-opens it. A query is `open` after opening or
//! re-opening, `answered` after an answer, `closed` after closing. Every step is audited.

use crate::error::Error;
use crate::roles::{Action, Staff};
use crate::storage::{NewAudit, QueryEventRow, QueryRow, Storage};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

/// The longest query or answer text, in characters.
pub const MAX_TEXT_CHARS: usize = 2_000;

/// Where a query stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QueryState {
    /// Waiting for the site.
    Open,
    /// The site answered; waiting for the opener.
    Answered,
    /// Resolved.
    Closed,
}

impl QueryState {
    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            QueryState::Open => "open",
            QueryState::Answered => "answered",
            QueryState::Closed => "closed",
        }
    }

    /// Whether it still needs someone (open or answered).
    pub fn is_unresolved(self) -> bool {
        self != QueryState::Closed
    }
}

/// A step of a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// A coordinator answers.
    Answer,
    /// The opener closes it.
    Close,
    /// The opener re-opens it.
    Reopen,
}

impl Step {
    /// Its stored name.
    pub fn name(self) -> &'static str {
        match self {
            Step::Answer => "answer",
            Step::Close => "close",
            Step::Reopen => "reopen",
        }
    }
}

/// A query with its steps and state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// As opened.
    pub row: QueryRow,
    /// Every step, oldest first (the first is the opening).
    pub events: Vec<QueryEventRow>,
}

impl Query {
    /// Where it stands after its last step.
    pub fn state(&self) -> QueryState {
        match self.events.last().map(|e| e.action.as_str()) {
            Some("answer") => QueryState::Answered,
            Some("close") => QueryState::Closed,
            _ => QueryState::Open,
        }
    }

    /// The opening text.
    pub fn text(&self) -> &str {
        self.events.first().map_or("", |e| e.text.as_str())
    }
}

/// Why a query step is refused.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// No such query, or not within the user's sites.
    #[error("there is no such query")]
    NotFound,
    /// No such participant (or time point, or submission of theirs).
    #[error("{0}")]
    UnknownTarget(String),
    /// Empty or over-long text.
    #[error("write the query or answer (1 to {MAX_TEXT_CHARS} characters)")]
    BadText,
    /// A step that does not fit the query's state.
    #[error("this query is {state}: it cannot be {done} now", state = .state.name())]
    WrongState {
        /// Its state.
        state: QueryState,
        /// What was asked.
        done: &'static str,
    },
    /// Closing or re-opening someone else's query.
    #[error("only {0} who opened this query can close or re-open it")]
    NotOpener(String),
    /// The role may not take this step.
    #[error("a {0} may not do this")]
    Forbidden(crate::roles::Role),
    /// The database.
    #[error(transparent)]
    Storage(#[from] Error),
}

/// Every query with its steps, oldest first.
pub async fn all(storage: &dyn Storage) -> Result<Vec<Query>, Error> {
    let mut events: BTreeMap<String, Vec<QueryEventRow>> = BTreeMap::new();
    for event in storage.query_events().await? {
        events
            .entry(event.query_id.clone())
            .or_default()
            .push(event);
    }
    Ok(storage
        .queries()
        .await?
        .into_iter()
        .map(|row| Query {
            events: events.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect())
}

/// What a new query is about.
#[derive(Debug, Clone)]
pub struct Target<'a> {
    /// Study.
    pub study: &'a str,
    /// Site.
    pub site: &'a str,
    /// Pseudonym.
    pub pseudonym: &'a str,
    /// A time point of the study, or none.
    pub timepoint: Option<&'a str>,
    /// A submission about the participant, or none.
    pub submission_id: Option<&'a str>,
}

fn checked_text(text: &str) -> Result<String, QueryError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_TEXT_CHARS {
        return Err(QueryError::BadText);
    }
    Ok(text.to_owned())
}

/// Open a query on `target` as `staff` (a data manager or monitor).
pub async fn open(
    storage: &dyn Storage,
    staff: &Staff,
    target: &Target<'_>,
    text: &str,
    study_timepoints: &[String],
) -> Result<Query, QueryError> {
    if staff.allow(Action::OpenQuery).is_err() {
        return Err(QueryError::Forbidden(staff.role));
    }
    let text = checked_text(text)?;
    let rosters = crate::roster::by_site(&storage.submissions_of_kind("participant").await?)?;
    let known = staff.sees_site(target.site)
        && rosters
            .get(&(target.study.to_owned(), target.site.to_owned()))
            .is_some_and(|r| r.iter().any(|e| e.pseudonym == target.pseudonym));
    if !known {
        return Err(QueryError::UnknownTarget(
            "there is no such participant".to_owned(),
        ));
    }
    if let Some(tp) = target.timepoint
        && !study_timepoints.iter().any(|t| t == tp)
    {
        return Err(QueryError::UnknownTarget(format!(
            "there is no time point {tp:?}"
        )));
    }
    if let Some(id) = target.submission_id {
        let theirs = storage.submissions().await?.into_iter().any(|s| {
            s.id == id
                && s.study == target.study
                && s.site == target.site
                && s.participant == target.pseudonym
        });
        if !theirs {
            return Err(QueryError::UnknownTarget(
                "the participant has no such submission".to_owned(),
            ));
        }
    }
    let now = crate::now();
    let row = QueryRow {
        id: uuid::Uuid::now_v7().to_string(),
        study: target.study.to_owned(),
        site: target.site.to_owned(),
        pseudonym: target.pseudonym.to_owned(),
        timepoint: target.timepoint.map(str::to_owned),
        submission_id: target.submission_id.map(str::to_owned),
        opened_by: staff.name.clone(),
        opened_role: staff.role.name().to_owned(),
        opened_at: now.clone(),
    };
    let first = QueryEventRow {
        id: uuid::Uuid::now_v7().to_string(),
        query_id: row.id.clone(),
        action: "open".to_owned(),
        text,
        actor: staff.name.clone(),
        role: staff.role.name().to_owned(),
        at: now,
    };
    let audit = NewAudit::new(&staff.actor(), "query_opened", Some(&row.id)).after(json!({
        "state": "open",
        "participant": format!("{}/{}/{}", row.study, row.site, row.pseudonym),
        "timepoint": row.timepoint,
        "submission_id": row.submission_id,
    }));
    storage.open_query(&row, &first, &audit).await?;
    Ok(Query {
        row,
        events: vec![first],
    })
}

/// Take `step` on query `id` as `staff`.
pub async fn step(
    storage: &dyn Storage,
    staff: &Staff,
    id: &str,
    step: Step,
    text: &str,
) -> Result<Query, QueryError> {
    let mut query = all(storage)
        .await?
        .into_iter()
        .find(|q| q.row.id == id && staff.sees_site(&q.row.site))
        .ok_or(QueryError::NotFound)?;
    let state = query.state();
    match step {
        Step::Answer => {
            if staff.allow(Action::AnswerQuery).is_err() {
                return Err(QueryError::Forbidden(staff.role));
            }
            if state != QueryState::Open {
                return Err(QueryError::WrongState {
                    state,
                    done: "answered",
                });
            }
        }
        Step::Close | Step::Reopen => {
            if staff.name != query.row.opened_by {
                return Err(QueryError::NotOpener(query.row.opened_by.clone()));
            }
            let fits = match step {
                Step::Close => state.is_unresolved(),
                _ => state == QueryState::Closed,
            };
            if !fits {
                let done = if step == Step::Close {
                    "closed"
                } else {
                    "re-opened"
                };
                return Err(QueryError::WrongState { state, done });
            }
        }
    }
    let text = checked_text(text)?;
    let event = QueryEventRow {
        id: uuid::Uuid::now_v7().to_string(),
        query_id: query.row.id.clone(),
        action: step.name().to_owned(),
        text,
        actor: staff.name.clone(),
        role: staff.role.name().to_owned(),
        at: crate::now(),
    };
    let after = match step {
        Step::Answer => QueryState::Answered,
        Step::Close => QueryState::Closed,
        Step::Reopen => QueryState::Open,
    };
    let mut audit = NewAudit::new(&staff.actor(), &format!("query_{}", step.name()), Some(id))
        .before(json!({"state": state}))
        .after(json!({"state": after}));
    audit.reason = Some(event.text.clone());
    storage.add_query_event(&event, &audit).await?;
    query.events.push(event);
    Ok(query)
}
