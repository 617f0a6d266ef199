//! Which time points are due, done or missed: one pure function of the protocol, the
//! participant's dates, what was saved, whether they are still in the study, and today. The
//! tablet (`mimik due`, the staff screens), the server's pages and the exports all use
//! [`schedule`], so they never disagree (issue 14 point 3).

use super::{Anchor, Form, Study, Timepoint};
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
    /// Last day of the window; a time point not done by then is missed.
    pub closes: NaiveDate,
}

/// Where a time point stands today. The names are the `status` values of `mimik due`, the pages
/// and the exports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum DueStatus {
    /// Not yet due. `window` is `None` while the anchor date is unknown (e.g. no surgery date).
    NotYetDue {
        /// The window, once it can be computed.
        window: Option<Window>,
    },
    /// The window is open and the target date has not passed.
    Due {
        /// The window.
        window: Window,
    },
    /// Past the target date, the window still open.
    Overdue {
        /// The window.
        window: Window,
    },
    /// The window closed with forms missing: a protocol deviation, never due again.
    Missed {
        /// The window.
        window: Window,
    },
    /// Every form that yields one record is saved.
    Done,
    /// Nothing to collect here: the time point has no such form (EMG before surgery is recorded
    /// elsewhere), or the participant left the study before its window closed.
    NotApplicable,
}

impl DueStatus {
    /// The `status` value.
    pub fn name(&self) -> &'static str {
        match self {
            DueStatus::NotYetDue { .. } => "not_yet_due",
            DueStatus::Due { .. } => "due",
            DueStatus::Overdue { .. } => "overdue",
            DueStatus::Missed { .. } => "missed",
            DueStatus::Done => "done",
            DueStatus::NotApplicable => "not_applicable",
        }
    }

    /// The window, where there is one.
    pub fn window(&self) -> Option<Window> {
        match self {
            DueStatus::NotYetDue { window } => *window,
            DueStatus::Due { window }
            | DueStatus::Overdue { window }
            | DueStatus::Missed { window } => Some(*window),
            DueStatus::Done | DueStatus::NotApplicable => None,
        }
    }
}

/// One time point's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimepointDue {
    /// The time point id.
    pub timepoint: String,
    /// Its status.
    #[serde(flatten)]
    pub status: DueStatus,
    /// The forms still missing (empty when done or not applicable).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<Form>,
}

/// Whether the participant is still in the study.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Participation {
    /// Screened, eligible or included: time points fall due.
    Active,
    /// Withdrawn, lost to follow-up, a screen failure or completed on this date: nothing falls
    /// due any more; what was collected stays done.
    LeftOn(NaiveDate),
}

/// What was saved for a participant: `(time point id, record name)` of every current
/// submission, the record name being [`Form::record_name`].
pub type Saved = BTreeSet<(String, String)>;

impl Form {
    /// The name a saved record of this form carries (its instrument id or envelope kind), for
    /// the forms that yield exactly one record per time point; `None` for side effects and
    /// their grades, which are event-driven (zero or more) and hold no time point open.
    pub fn record_name(self) -> Option<&'static str> {
        match self {
            Form::SideEffects | Form::ClavienDindo => None,
            Form::Face | Form::Fdi | Form::Saq | Form::Sunnybrook => Some(self.id()),
            Form::Eligibility => Some("eligibility"),
            Form::BotoxCount => Some("botox_count"),
        }
    }
}

impl Timepoint {
    /// [decision] The forms that must be saved for the time point to be done: every patient and
    /// staff form with a [`Form::record_name`].
    pub fn required_forms(&self) -> Vec<Form> {
        self.patient_forms
            .iter()
            .chain(&self.staff_forms)
            .copied()
            .filter(|f| f.record_name().is_some())
            .collect()
    }
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

/// One time point's status today.
pub fn status(
    tp: &Timepoint,
    dates: &ParticipantDates,
    saved: &Saved,
    today: NaiveDate,
    participation: Participation,
) -> TimepointDue {
    let required = tp.required_forms();
    let missing: Vec<Form> = required
        .iter()
        .copied()
        .filter(|f| {
            let name = f.record_name().unwrap_or_default();
            !saved.contains(&(tp.id.clone(), name.to_owned()))
        })
        .collect();
    let window = window(tp, dates, today);
    let status = if required.is_empty() {
        DueStatus::NotApplicable
    } else if missing.is_empty() {
        DueStatus::Done
    } else if let Participation::LeftOn(left) = participation {
        match window {
            Some(w) if w.closes < left => DueStatus::Missed { window: w },
            _ => DueStatus::NotApplicable,
        }
    } else {
        match window {
            None => DueStatus::NotYetDue { window: None },
            Some(w) if today < w.opens => DueStatus::NotYetDue { window: Some(w) },
            Some(w) if today <= w.target => DueStatus::Due { window: w },
            Some(w) if today <= w.closes => DueStatus::Overdue { window: w },
            Some(w) => DueStatus::Missed { window: w },
        }
    };
    let missing = match status {
        DueStatus::Done | DueStatus::NotApplicable => Vec::new(),
        _ => missing,
    };
    TimepointDue {
        timepoint: tp.id.clone(),
        status,
        missing,
    }
}

/// Every time point of the study, in protocol order, with its status today.
pub fn schedule(
    study: &Study,
    dates: &ParticipantDates,
    saved: &Saved,
    today: NaiveDate,
    participation: Participation,
) -> Vec<TimepointDue> {
    study
        .timepoints
        .iter()
        .map(|tp| status(tp, dates, saved, today, participation))
        .collect()
}
