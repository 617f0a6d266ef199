//! Time as the store records it: UTC plus the device's offset at that moment (DESIGN.md §8).

use chrono::{DateTime, Local, Utc};

/// A moment: the UTC instant and the local offset in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    /// UTC.
    pub utc: DateTime<Utc>,
    /// Local offset from UTC, in minutes, when it happened.
    pub offset_minutes: i32,
}

impl Moment {
    /// Now.
    pub fn now() -> Moment {
        let local = Local::now();
        Moment {
            utc: local.with_timezone(&Utc),
            offset_minutes: local.offset().local_minus_utc() / 60,
        }
    }

    /// RFC 3339 UTC with microseconds, the form stored in every text column.
    pub fn utc_text(&self) -> String {
        self.utc
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
    }

    /// Today's local date, for schedules.
    pub fn local_date(&self) -> chrono::NaiveDate {
        (self.utc + chrono::Duration::minutes(i64::from(self.offset_minutes))).date_naive()
    }
}
