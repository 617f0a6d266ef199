//! `mimik submit`: one answers document on stdin, or `--ndjson` for a paper backlog.

use super::{Context as Ctx, Outcome, read_stdin};
use anyhow::{Context, bail};
use mimik_device::Error;
use mimik_device::store::{Correction, Origin, Questionnaire};
use mimik_domain::answers::{StrictMap, validate};
use mimik_domain::{Instrument, MissingMode, parse_answers_json};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Participant pseudonym.
    #[arg(long, required_unless_present = "ndjson")]
    participant: Option<String>,
    /// Time point id (e.g. post_6m).
    #[arg(long, required_unless_present = "ndjson")]
    timepoint: Option<String>,
    /// face, fdi, saq or sunnybrook.
    #[arg(long, required_unless_present = "ndjson")]
    instrument: Option<Instrument>,
    /// The language the answers were given in (selects the content pack).
    #[arg(long, default_value = "en")]
    language: String,
    /// How totals treat missing items (default: what the protocol in force says for the
    /// instrument, strict unless it says prorated).
    #[arg(long)]
    missing: Option<MissingMode>,
    /// This corrects an earlier submission (needs --reason).
    #[arg(long, requires = "reason")]
    supersedes: Option<String>,
    /// Why the correction is made (audited).
    #[arg(long, requires = "supersedes")]
    reason: Option<String>,
    /// Read many lines {"participant","timepoint","instrument","answers"[,"language"]
    /// [,"source":"paper","completed_on":"YYYY-MM-DD"]} (a paper backlog; source defaults to
    /// "tablet").
    #[arg(long, conflicts_with_all = ["participant", "timepoint", "instrument", "supersedes"])]
    ndjson: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    participant: String,
    timepoint: String,
    instrument: String,
    answers: StrictMap,
    #[serde(default)]
    language: Option<String>,
    /// `tablet` (the default) or `paper`.
    #[serde(default)]
    source: Option<String>,
    /// The day a paper form was filled in (YYYY-MM-DD); required with `"source": "paper"`.
    #[serde(default)]
    completed_on: Option<String>,
}

/// Where a line's answers were given, or what is wrong with what it says.
fn origin(line: &Line) -> Result<Origin, String> {
    match (line.source.as_deref(), &line.completed_on) {
        (None | Some("tablet"), None) => Ok(Origin::Tablet),
        (None | Some("tablet"), Some(_)) => {
            Err("completed_on belongs to a paper form: add \"source\": \"paper\"".into())
        }
        (Some("paper"), None) => {
            Err("a paper form needs completed_on, the day it was filled in (YYYY-MM-DD)".into())
        }
        (Some("paper"), Some(day)) => {
            let completed_on = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .map_err(|_| "completed_on must be a date like 2026-03-31".to_owned())?;
            if completed_on > chrono::Local::now().date_naive() {
                return Err("completed_on is later than today".into());
            }
            Ok(Origin::Paper { completed_on })
        }
        (Some(_), _) => Err("source must be \"tablet\" or \"paper\"".into()),
    }
}

pub fn run(ctx: &Ctx, args: &Args) -> anyhow::Result<Outcome> {
    let input = read_stdin(if args.ndjson { 64 << 20 } else { 1 << 20 })?;
    if args.ndjson {
        return run_ndjson(ctx, args, &input);
    }
    let (Some(participant), Some(timepoint), Some(instrument)) =
        (&args.participant, &args.timepoint, args.instrument)
    else {
        bail!("--participant, --timepoint and --instrument are required");
    };
    let answers = match parse_answers_json(instrument, &input) {
        Ok(answers) => answers,
        Err(mimik_domain::AnswersError::Invalid(issues)) => {
            return Ok(Outcome::Invalid(
                json!({"instrument": instrument.id(), "issues": issues}),
            ));
        }
        Err(malformed) => return Err(malformed.into()),
    };
    let mut store = ctx.unlock()?;
    let saved = store.save_questionnaire(&Questionnaire {
        participant: participant.clone(),
        timepoint: timepoint.clone(),
        answers,
        language: args.language.clone(),
        missing: args
            .missing
            .unwrap_or_else(|| store.study().missing_mode(instrument)),
        session_id: None,
        correction: args
            .supersedes
            .clone()
            .zip(args.reason.clone())
            .map(|(supersedes, reason)| Correction { supersedes, reason }),
    })?;
    Ok(Outcome::Json(serde_json::to_value(saved)?))
}

/// Every line is parsed and validated before anything is saved, so a file with one bad line
/// saves nothing and can be fixed and re-run without creating duplicates.
fn run_ndjson(ctx: &Ctx, args: &Args, input: &[u8]) -> anyhow::Result<Outcome> {
    let text = std::str::from_utf8(input).context("the NDJSON input is not UTF-8")?;
    let mut parsed = Vec::new();
    let mut problems: Vec<Value> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let line: Line = match serde_json::from_str(line) {
            Ok(line) => line,
            Err(e) => {
                problems.push(json!({"line": number, "error": e.to_string()}));
                continue;
            }
        };
        let instrument: Instrument = match line.instrument.parse() {
            Ok(i) => i,
            Err(e) => {
                problems.push(json!({"line": number, "error": format!("{e}")}));
                continue;
            }
        };
        let origin = match origin(&line) {
            Ok(origin) => origin,
            Err(e) => {
                problems.push(json!({"line": number, "error": e}));
                continue;
            }
        };
        match validate(instrument, &line.answers) {
            Ok(answers) => parsed.push((number, line, answers, origin)),
            Err(issues) => problems.push(json!({"line": number, "issues": issues})),
        }
    }
    if !problems.is_empty() {
        return Ok(Outcome::Invalid(
            json!({"saved": 0, "invalid_lines": problems}),
        ));
    }
    let mut store = ctx.unlock()?;
    let questionnaires: Vec<(usize, Questionnaire, Origin)> = parsed
        .into_iter()
        .map(|(number, line, answers, origin)| {
            let missing = args
                .missing
                .unwrap_or_else(|| store.study().missing_mode(answers.instrument()));
            let q = Questionnaire {
                participant: line.participant,
                timepoint: line.timepoint,
                answers,
                language: line.language.unwrap_or_else(|| args.language.clone()),
                missing,
                session_id: None,
                correction: None,
            };
            (number, q, origin)
        })
        .collect();
    // Everything a save would refuse is found now, before any line is saved.
    for (number, q, _) in &questionnaires {
        if let Err(e) = store.check_questionnaire(q) {
            bail!("line {number}: {e}; nothing was saved");
        }
    }
    let mut saved = Vec::new();
    for (number, q, origin) in questionnaires {
        let result = store.save_questionnaire_from(&q, origin);
        match result {
            Ok(s) => saved.push(json!({"line": number, "id": s.id, "device_seq": s.device_seq})),
            Err(e) => {
                let done = saved.len();
                let reason = match &e {
                    Error::Invalid(_) | Error::UnknownParticipant(_) => "",
                    _ => " (the lines before it are saved)",
                };
                return Err(anyhow::Error::new(e).context(format!(
                    "line {number}: not saved; {done} earlier line(s) saved{reason}"
                )));
            }
        }
    }
    Ok(Outcome::Json(
        json!({"saved": saved.len(), "submissions": saved}),
    ))
}
