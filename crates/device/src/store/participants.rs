//! Participants: pseudonyms and study dates. Registering or re-dating a participant is also a
//! submission (kind `participant`), so the roster reaches the server and the other tablets.

use super::submissions::{NewSubmission, Saved, insert, short};
use super::{Store, audit};
use crate::error::{Error, Result};
use chrono::NaiveDate;
use mimik_domain::content::Content;
use mimik_domain::envelope::Kind;
use mimik_domain::protocol::RosterDates;
use mimik_domain::study::status::StatusOn;
use rusqlite::OptionalExtension;
use serde::Serialize;

/// A participant to register.
#[derive(Debug, Clone)]
pub struct NewParticipant {
    /// The pseudonym (checked against the study's pattern).
    pub pseudonym: String,
    /// Inclusion date.
    pub inclusion: NaiveDate,
    /// Surgery date, if planned.
    pub surgery: Option<NaiveDate>,
    /// Botox injection dates so far.
    pub botox: Vec<NaiveDate>,
}

/// A registered participant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Participant {
    /// Pseudonym.
    pub pseudonym: String,
    /// Inclusion date.
    pub inclusion_date: NaiveDate,
    /// Surgery date.
    pub surgery_date: Option<NaiveDate>,
    /// Botox injections, oldest first.
    pub botox_dates: Vec<NaiveDate>,
    /// The status a coordinator set on the server, as the last roster said (none: screened).
    pub status: Option<StatusOn>,
}

fn check_date(label: &str, date: NaiveDate) -> Result<()> {
    let earliest = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or(NaiveDate::MIN);
    let latest = NaiveDate::from_ymd_opt(2100, 12, 31).unwrap_or(NaiveDate::MAX);
    if (earliest..=latest).contains(&date) {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "the {label} must lie between 1990 and 2100"
        )))
    }
}

impl Store {
    /// Register a participant.
    pub fn add_participant(&mut self, new: &NewParticipant) -> Result<Saved> {
        let pseudonym = self
            .bundle
            .study
            .pseudonym_pattern
            .parse(&new.pseudonym)
            .map_err(|e| Error::Invalid(e.to_string()))?;
        check_date("inclusion date", new.inclusion)?;
        if let Some(surgery) = new.surgery {
            check_date("surgery date", surgery)?;
        }
        for date in &new.botox {
            check_date("Botox injection date", *date)?;
        }
        let pseudonym = pseudonym.as_str().to_owned();
        self.write(|tx, ctx| {
            let exists: Option<i64> = tx
                .query_row("SELECT 1 FROM participants WHERE pseudonym = ?1", [&pseudonym], |r| r.get(0))
                .optional()?;
            if exists.is_some() {
                return Err(Error::ParticipantExists(pseudonym.to_string()));
            }
            tx.execute(
                "INSERT INTO participants (pseudonym, inclusion_date, surgery_date, registered_at, registered_by)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                (&pseudonym, new.inclusion.to_string(), new.surgery.map(|d| d.to_string()),
                 ctx.moment.utc_text(), ctx.actor),
            )?;
            for date in &new.botox {
                tx.execute(
                    "INSERT OR IGNORE INTO botox_injections (participant, injected_on) VALUES (?1, ?2)",
                    (&pseudonym, date.to_string()),
                )?;
            }
            audit::append(tx, ctx, "participant.registered", Some(&pseudonym), None)?;
            insert(tx, ctx, roster_submission(&pseudonym, new.inclusion, new.surgery, &new.botox))
        })
    }

    /// Set the surgery date and/or add Botox injection dates.
    pub fn update_participant_dates(
        &mut self,
        pseudonym: &str,
        surgery: Option<NaiveDate>,
        add_botox: &[NaiveDate],
    ) -> Result<Saved> {
        let current = self.participant(pseudonym)?;
        if let Some(date) = surgery {
            check_date("surgery date", date)?;
        }
        for date in add_botox {
            check_date("Botox injection date", *date)?;
        }
        let surgery = surgery.or(current.surgery_date);
        let mut botox = current.botox_dates.clone();
        botox.extend_from_slice(add_botox);
        botox.sort();
        botox.dedup();
        self.write(|tx, ctx| {
            tx.execute(
                "UPDATE participants SET surgery_date = ?2 WHERE pseudonym = ?1",
                (pseudonym, surgery.map(|d| d.to_string())),
            )?;
            for date in add_botox {
                tx.execute(
                    "INSERT OR IGNORE INTO botox_injections (participant, injected_on) VALUES (?1, ?2)",
                    (pseudonym, date.to_string()),
                )?;
            }
            audit::append(tx, ctx, "participant.dates_changed", Some(pseudonym), None)?;
            insert(tx, ctx, roster_submission(pseudonym, current.inclusion_date, surgery, &botox))
        })
    }

    /// One participant.
    pub fn participant(&self, pseudonym: &str) -> Result<Participant> {
        // Check the form first: whatever was typed is echoed only if it is a pseudonym.
        self.bundle
            .study
            .pseudonym_pattern
            .parse(pseudonym)
            .map_err(|e| Error::Invalid(e.to_string()))?;
        self.participants()?
            .into_iter()
            .find(|p| p.pseudonym == pseudonym)
            .ok_or_else(|| Error::UnknownParticipant(short(pseudonym)))
    }

    /// Every participant, by pseudonym.
    pub fn participants(&self) -> Result<Vec<Participant>> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT p.pseudonym, p.inclusion_date, p.surgery_date,
                        (SELECT group_concat(injected_on, ',') FROM
                            (SELECT injected_on FROM botox_injections b
                             WHERE b.participant = p.pseudonym ORDER BY injected_on)),
                        p.status, p.status_date
                 FROM participants p ORDER BY p.pseudonym",
            )?;
            let rows = stmt.query_map([], |r| {
                let date = |text: String| text.parse::<NaiveDate>().ok();
                let botox: Option<String> = r.get(3)?;
                Ok(Participant {
                    pseudonym: r.get(0)?,
                    inclusion_date: date(r.get(1)?).unwrap_or_default(),
                    surgery_date: r.get::<_, Option<String>>(2)?.and_then(date),
                    botox_dates: botox
                        .unwrap_or_default()
                        .split(',')
                        .filter_map(|d| d.parse().ok())
                        .collect(),
                    status: match (
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                    ) {
                        (Some(status), Some(on)) => status
                            .parse()
                            .ok()
                            .zip(on.parse().ok())
                            .map(|(status, date)| StatusOn { status, date }),
                        _ => None,
                    },
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}

fn roster_submission<'a>(
    pseudonym: &'a str,
    inclusion: NaiveDate,
    surgery: Option<NaiveDate>,
    botox: &[NaiveDate],
) -> NewSubmission<'a> {
    let content = Content::Participant(RosterDates {
        inclusion_date: inclusion,
        surgery_date: surgery,
        botox_dates: botox.to_vec(),
    });
    NewSubmission::record(
        Kind::Participant,
        pseudonym,
        None,
        content,
        "participant.sent",
    )
}
