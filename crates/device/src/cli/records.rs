//! `mimik side-effect`, `grade`, `botox-count`, `eligibility`.

use super::{Context as Ctx, Outcome, read_stdin};
use anyhow::Context;
use mimik_domain::clavien_dindo::Grading;
use serde_json::json;
use std::collections::BTreeMap;

#[derive(Debug, clap::Args)]
pub struct SideEffectArgs {
    /// Participant pseudonym.
    #[arg(long)]
    participant: String,
    /// Time point id.
    #[arg(long)]
    timepoint: String,
    /// The patient's description; `-` reads it from stdin (keeps it out of the process list).
    #[arg(long, required_unless_present = "none", conflicts_with = "none")]
    text: Option<String>,
    /// The patient says: no side effects since the last visit.
    #[arg(long)]
    none: bool,
}

pub fn side_effect(ctx: &Ctx, args: &SideEffectArgs) -> anyhow::Result<Outcome> {
    let text = match args.text.as_deref() {
        Some("-") => Some(
            String::from_utf8(read_stdin(1 << 20)?).context("the side-effect text is not UTF-8")?,
        ),
        other => other.map(str::to_owned),
    };
    let mut store = ctx.unlock()?;
    let saved = match text {
        Some(text) => store.save_side_effect(&args.participant, &args.timepoint, &text, None)?,
        None => store.save_no_side_effects(&args.participant, &args.timepoint, None)?,
    };
    Ok(Outcome::Json(serde_json::to_value(saved)?))
}

#[derive(Debug, clap::Args)]
pub struct GradeArgs {
    /// The side effect's submission id.
    #[arg(long)]
    side_effect: String,
    /// Clavien-Dindo grade: none, I, II, IIIa, IIIb, IVa, IVb, V.
    #[arg(long)]
    grade: String,
    /// The complication was present at discharge (the "d" flag; I–IVb only).
    #[arg(long)]
    present_at_discharge: bool,
}

pub fn grade(ctx: &Ctx, args: &GradeArgs) -> anyhow::Result<Outcome> {
    let grading = Grading::parse(&args.grade, args.present_at_discharge)?;
    let mut store = ctx.unlock()?;
    let saved = store.grade_side_effect(&args.side_effect, grading)?;
    Ok(Outcome::Json(serde_json::to_value(saved)?))
}

#[derive(Debug, clap::Args)]
pub struct BotoxCountArgs {
    /// Participant pseudonym.
    #[arg(long)]
    participant: String,
    /// Time point id.
    #[arg(long)]
    timepoint: String,
    /// Number of injections.
    #[arg(long)]
    count: u32,
}

pub fn botox_count(ctx: &Ctx, args: &BotoxCountArgs) -> anyhow::Result<Outcome> {
    let mut store = ctx.unlock()?;
    let saved = store.save_botox_count(&args.participant, &args.timepoint, args.count)?;
    Ok(Outcome::Json(serde_json::to_value(saved)?))
}

#[derive(Debug, clap::Args)]
pub struct EligibilityArgs {
    /// Participant pseudonym.
    #[arg(long)]
    participant: String,
    /// Time point id (baseline).
    #[arg(long, default_value = "baseline")]
    timepoint: String,
}

/// The checklist comes on stdin: `{"age_18_64": true, "smoking": false, …}`.
pub fn eligibility(ctx: &Ctx, args: &EligibilityArgs) -> anyhow::Result<Outcome> {
    let input = read_stdin(1 << 16)?;
    let checklist: BTreeMap<String, bool> = serde_json::from_slice(&input)
        .context("the checklist must be a JSON object of criterion id to true/false")?;
    let mut store = ctx.unlock()?;
    let saved = store.save_eligibility(&args.participant, &args.timepoint, &checklist)?;
    Ok(Outcome::Json(json!({"saved": saved})))
}
