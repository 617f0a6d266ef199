//! `mimik score <instrument> [--missing strict|prorated]`.

use super::{Outcome, read_stdin};
use mimik_domain::{AnswersError, Instrument, MissingMode, parse_answers_json, score};

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
    let input = read_stdin(MAX_INPUT_BYTES)?;
    match parse_answers_json(args.instrument, &input) {
        Ok(answers) => Ok(Outcome::Json(score(&answers, args.missing).to_json())),
        Err(AnswersError::Invalid(issues)) => Ok(Outcome::Invalid(serde_json::json!({
            "instrument": args.instrument.id(),
            "issues": issues,
        }))),
        Err(malformed @ AnswersError::Malformed(_)) => Err(malformed.into()),
    }
}
