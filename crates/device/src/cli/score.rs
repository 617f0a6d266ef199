//! `mimik score <instrument> [--missing strict|prorated]`.

use super::Outcome;
use anyhow::{Context, bail};
use mimik_domain::{AnswersError, Instrument, MissingMode, parse_answers_json, score};
use std::io::Read;

/// Larger than any real answers document by orders of magnitude; refuses runaway input early.
const MAX_INPUT_BYTES: u64 = 1 << 20;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// face, fdi, saq or sunnybrook.
    instrument: Instrument,
    /// How totals treat missing items.
    #[arg(long, default_value = "strict")]
    missing: MissingMode,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let mut input = Vec::new();
    std::io::stdin()
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut input)
        .context("could not read the answers from stdin")?;
    if input.len() as u64 > MAX_INPUT_BYTES {
        bail!("the answers on stdin are larger than 1 MiB; send one questionnaire at a time");
    }
    match parse_answers_json(args.instrument, &input) {
        Ok(answers) => Ok(Outcome::Json(score(&answers, args.missing).to_json())),
        Err(AnswersError::Invalid(issues)) => Ok(Outcome::Invalid(serde_json::json!({
            "instrument": args.instrument.id(),
            "issues": issues,
        }))),
        Err(malformed @ AnswersError::Malformed(_)) => Err(malformed.into()),
    }
}
