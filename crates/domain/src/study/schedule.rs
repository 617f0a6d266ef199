//! Which time points are due: a pure function of the protocol, the participant's dates and today.

use super::{Anchor, Study, Timepoint};
use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The dates a participant's schedule is counted from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantDates {
    /// Inclusion date.
    pub inclusion: NaiveDate,
    /// Botox injection dates, in any order.
    pub botox: Vec<NaiveDate>,
    /// Surgery date, once it is planned.
    pub surgery: Option<NaiveDate>,
}

/// A time point's window, inclusive at both ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// The target date.
    pub target: NaiveDate,
    /// First day it is due.
    pub opens: NaiveDate,
    /// Last day it is due; after this it is overdue.
    pub closes: NaiveDate,
}

/// Where a time point stands today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum DueStatus {
    /// Not yet due. `window` is `None` while the anchor date is unknown (e.g. no surgery date).
    NotYetDue {
        /// The window, once it can be computed.
        window: Option<Window>,
    },
    /// Due today.
    Due {
        /// The window.
        window: Window,
    },
    /// The window has closed and it is not done.
    Overdue {
        /// The window.
        window: Window,
    },
    /// Done.
    Done,
}

/// One time point's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimepointDue {
    /// The time point id.
    pub timepoint: String,
    /// Its status.
    #[serde(flatten)]
    pub status: DueStatus,
}

/// The window of one time point for these dates, if its anchor is known.
///
/// [decision] `last_botox` is the most recent injection on or before `today`: both Botox time
/// points follow the latest injection, so a new injection starts a new cycle.
pub fn window(tp: &Timepoint, dates: &ParticipantDates, today: NaiveDate) -> Option<Window> {
    let anchor = match tp.anchor {
        Anchor::Inclusion => Some(dates.inclusion),
        Anchor::LastBotox => dates.botox.iter().copied().filter(|d| *d <= today).max(),
        Anchor::Surgery => dates.surgery,
    }?;
    // Calendar months: 31 Aug + 6 months = 28/29 Feb (chrono clamps to the month's last day).
    let target = anchor
        .checked_add_months(Months::new(tp.offset_months))?
        .checked_add_days(Days::new(u64::from(tp.offset_days)))?;
    Some(Window {
        target,
        opens: target.checked_sub_days(Days::new(u64::from(tp.window_before_days)))?,
        closes: target.checked_add_days(Days::new(u64::from(tp.window_after_days)))?,
    })
}

/// Every time point of the study, in protocol order, with its status today.
pub fn schedule(
    study: &Study,
    dates: &ParticipantDates,
    done: &BTreeSet<String>,
    today: NaiveDate,
) -> Vec<TimepointDue> {
    study
        .timepoints
        .iter()
        .map(|tp| {
            let status = if done.contains(&tp.id) {
                DueStatus::Done
            } else {
                match window(tp, dates, today) {
                    None => DueStatus::NotYetDue { window: None },
                    Some(w) if today < w.opens => DueStatus::NotYetDue { window: Some(w) },
                    Some(w) if today <= w.closes => DueStatus::Due { window: w },
                    Some(w) => DueStatus::Overdue { window: w },
                }
            };
            TimepointDue {
                timepoint: tp.id.clone(),
                status,
            }
        })
        .collect()
}
