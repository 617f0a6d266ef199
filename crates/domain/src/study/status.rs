//! A participant's status in the study (issue 14 point 2) and the one table of the changes
//! allowed between statuses. A person decides every change; the tablet's eligibility checklist
//! and a Sunnybrook composite below 61 only suggest one.

use super::schedule::Participation;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a participant stands in the study.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParticipantStatus {
    /// Registered; eligibility not yet decided. Every participant starts here.
    Screened,
    /// Meets the criteria; not yet included.
    Eligible,
    /// Does not meet the criteria: out of the study.
    ScreenFailure,
    /// In the study.
    Included,
    /// Finished the study.
    Completed,
    /// Withdrew (or was withdrawn).
    Withdrawn,
    /// No longer reachable.
    LostToFollowUp,
}

use ParticipantStatus::{
    Completed, Eligible, Included, LostToFollowUp, ScreenFailure, Screened, Withdrawn,
};

impl ParticipantStatus {
    /// Every status, in the order of the study.
    pub const ALL: [ParticipantStatus; 7] = [
        Screened,
        Eligible,
        ScreenFailure,
        Included,
        Completed,
        Withdrawn,
        LostToFollowUp,
    ];

    /// Its name on the command line, on the wire and in exports.
    pub fn name(self) -> &'static str {
        match self {
            Screened => "screened",
            Eligible => "eligible",
            ScreenFailure => "screen_failure",
            Included => "included",
            Completed => "completed",
            Withdrawn => "withdrawn",
            LostToFollowUp => "lost_to_follow_up",
        }
    }

    /// Its label for people: `(English, Swedish)`.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Screened => ("Screened", "Screenad"),
            Eligible => ("Eligible", "Uppfyller kriterierna"),
            ScreenFailure => ("Screen failure", "Screeningbortfall"),
            Included => ("Included", "Inkluderad"),
            Completed => ("Completed", "Avslutad"),
            Withdrawn => ("Withdrawn", "Utträdd"),
            LostToFollowUp => ("Lost to follow-up", "Förlorad till uppföljning"),
        }
    }

    /// Whether the participant is still in the study (time points fall due).
    pub fn is_active(self) -> bool {
        matches!(self, Screened | Eligible | Included)
    }

    /// The statuses this one may change to.
    pub fn next(self) -> &'static [ParticipantStatus] {
        TRANSITIONS
            .iter()
            .find(|(from, _)| *from == self)
            .map_or(&[], |(_, to)| to)
    }
}

/// The one table of allowed changes. Withdrawn and lost to follow-up are reachable from every
/// active status; a status that left the study is final.
pub const TRANSITIONS: [(ParticipantStatus, &[ParticipantStatus]); 7] = [
    (
        Screened,
        &[Eligible, ScreenFailure, Withdrawn, LostToFollowUp],
    ),
    (
        Eligible,
        &[Included, ScreenFailure, Withdrawn, LostToFollowUp],
    ),
    (ScreenFailure, &[]),
    (Included, &[Completed, Withdrawn, LostToFollowUp]),
    (Completed, &[]),
    (Withdrawn, &[]),
    (LostToFollowUp, &[]),
];

impl fmt::Display for ParticipantStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A status name that is not one of [`ParticipantStatus::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown status {0:?}: use screened, eligible, screen_failure, included, completed, withdrawn or lost_to_follow_up"
)]
pub struct UnknownStatus(pub String);

impl FromStr for ParticipantStatus {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ParticipantStatus::ALL
            .into_iter()
            .find(|st| st.name() == s)
            .ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

/// A participant's current status and the date it took effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusOn {
    /// The status.
    pub status: ParticipantStatus,
    /// The day it took effect.
    pub date: NaiveDate,
}

impl StatusOn {
    /// What the schedule needs to know.
    pub fn participation(self) -> Participation {
        if self.status.is_active() {
            Participation::Active
        } else {
            Participation::LeftOn(self.date)
        }
    }
}

/// The participation of a participant with `status` (none recorded: screened, active).
pub fn participation(status: Option<StatusOn>) -> Participation {
    status.map_or(Participation::Active, StatusOn::participation)
}

/// Why a status change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusChangeError {
    /// Not in [`TRANSITIONS`].
    #[error("a participant who is {from} cannot become {to}{}", allowed(*.from))]
    NotAllowed {
        /// The current status.
        from: ParticipantStatus,
        /// The status asked for.
        to: ParticipantStatus,
    },
    /// A date after today.
    #[error("the date {0} is in the future")]
    Future(NaiveDate),
    /// A date before the participant's inclusion date or their current status's date.
    #[error("the date {date} is before {what} ({earliest})")]
    TooEarly {
        /// The date given.
        date: NaiveDate,
        /// The date it may not precede.
        earliest: NaiveDate,
        /// What that date is.
        what: &'static str,
    },
    /// An empty reason.
    #[error("give a reason")]
    NoReason,
}

fn allowed(from: ParticipantStatus) -> String {
    let next = from.next();
    if next.is_empty() {
        " (that status is final)".to_owned()
    } else {
        let names: Vec<&str> = next.iter().map(|s| s.name()).collect();
        format!(" (allowed: {})", names.join(", "))
    }
}

/// Check a change from `current` (none recorded: screened on the inclusion date) to `to` on
/// `date` with `reason`, for a participant included on `inclusion`, today being `today`.
pub fn check_change(
    current: Option<StatusOn>,
    inclusion: NaiveDate,
    to: ParticipantStatus,
    date: NaiveDate,
    reason: &str,
    today: NaiveDate,
) -> Result<(), StatusChangeError> {
    let from = current.map_or(Screened, |c| c.status);
    if !from.next().contains(&to) {
        return Err(StatusChangeError::NotAllowed { from, to });
    }
    if date > today {
        return Err(StatusChangeError::Future(date));
    }
    if date < inclusion {
        return Err(StatusChangeError::TooEarly {
            date,
            earliest: inclusion,
            what: "the inclusion date",
        });
    }
    if let Some(current) = current.filter(|c| date < c.date) {
        return Err(StatusChangeError::TooEarly {
            date,
            earliest: current.date,
            what: "the current status's date",
        });
    }
    if reason.trim().is_empty() {
        return Err(StatusChangeError::NoReason);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn every_status_name_parses_back_and_has_one_row_in_the_table() {
        for status in ParticipantStatus::ALL {
            assert_eq!(status.name().parse::<ParticipantStatus>(), Ok(status));
            assert_eq!(TRANSITIONS.iter().filter(|(f, _)| *f == status).count(), 1);
        }
        assert!("dropped".parse::<ParticipantStatus>().is_err());
    }

    #[test]
    fn withdrawal_and_loss_are_allowed_from_every_active_status_and_nothing_leaves_a_final_one() {
        for status in ParticipantStatus::ALL {
            let next = status.next();
            assert_eq!(next.contains(&Withdrawn), status.is_active(), "{status}");
            assert_eq!(
                next.contains(&LostToFollowUp),
                status.is_active(),
                "{status}"
            );
            assert_eq!(next.is_empty(), !status.is_active(), "{status}");
        }
    }

    #[test]
    fn an_included_participant_cannot_go_back_to_screened_and_the_error_says_what_is_allowed() {
        let current = Some(StatusOn {
            status: Included,
            date: d("2026-02-01"),
        });
        let error = check_change(
            current,
            d("2026-01-01"),
            Screened,
            d("2026-03-01"),
            "x",
            d("2026-04-01"),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "a participant who is included cannot become screened (allowed: completed, withdrawn, lost_to_follow_up)"
        );
    }

    #[test]
    fn a_change_needs_a_reason_and_a_date_between_inclusion_and_today() {
        let inclusion = d("2026-01-10");
        let today = d("2026-03-01");
        let check = |date: &str, reason: &str| {
            check_change(None, inclusion, Eligible, d(date), reason, today)
        };
        assert_eq!(check("2026-02-01", "criteria met"), Ok(()));
        assert_eq!(
            check("2026-03-02", "x"),
            Err(StatusChangeError::Future(d("2026-03-02")))
        );
        assert!(matches!(
            check("2026-01-09", "x"),
            Err(StatusChangeError::TooEarly { .. })
        ));
        assert_eq!(check("2026-02-01", "  "), Err(StatusChangeError::NoReason));
        let current = Some(StatusOn {
            status: Eligible,
            date: d("2026-02-01"),
        });
        assert!(matches!(
            check_change(current, inclusion, Included, d("2026-01-20"), "x", today),
            Err(StatusChangeError::TooEarly { .. })
        ));
    }

    #[test]
    fn a_participant_who_left_is_scheduled_as_left_on_that_date() {
        assert_eq!(participation(None), Participation::Active);
        let withdrawn = StatusOn {
            status: Withdrawn,
            date: d("2026-05-05"),
        };
        assert_eq!(
            participation(Some(withdrawn)),
            Participation::LeftOn(d("2026-05-05"))
        );
    }
}
