//! `mimik status`, `verify`, `export`.

use super::{Context as Ctx, Outcome};
use anyhow::Context;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// JSON output (the only format; accepted for the documented contract).
    #[arg(long)]
    json: bool,
}

pub fn status(ctx: &Ctx, _args: &StatusArgs) -> anyhow::Result<Outcome> {
    let store = ctx.unlock()?;
    let mut value = serde_json::to_value(store.status()?)?;
    let identity = store.device_identity()?;
    value["enrolled"] = serde_json::json!(identity.is_some());
    value["device_id"] = serde_json::json!(identity.as_ref().map(|i| i.device_id.clone()));
    value["revoked"] = serde_json::json!(identity.as_ref().is_some_and(|i| i.revoked));
    value["quarantined_items"] = serde_json::to_value(store.quarantined()?)?;
    Ok(Outcome::Json(value))
}

#[derive(Debug, clap::Args)]
pub struct StudyArgs {
    /// JSON output (the only format; required by the documented contract).
    #[arg(long, required = true)]
    json: bool,
}

/// `mimik study --json`: `{"study", "version", "sha256", "packs": [{"instrument", "language",
/// "sha256"}]}` of the bundle in force (version 1, the shipped one, before the first adoption).
pub fn study(ctx: &Ctx, _args: &StudyArgs) -> anyhow::Result<Outcome> {
    let store = ctx.unlock()?;
    let summary = mimik_device::store::BundleSummary::of(store.bundle());
    Ok(Outcome::Json(serde_json::to_value(summary)?))
}

pub fn verify(ctx: &Ctx) -> anyhow::Result<Outcome> {
    let store = ctx.unlock()?;
    let report = store.verify()?;
    let value = serde_json::to_value(&report)?;
    Ok(if report.ok {
        Outcome::Json(value)
    } else {
        Outcome::Failed(value, super::EXIT_INTEGRITY)
    })
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// One JSON document.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    format: Format,
    /// Write to this file instead of stdout.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn export(ctx: &Ctx, args: &ExportArgs) -> anyhow::Result<Outcome> {
    let mut store = ctx.unlock()?;
    let Format::Json = args.format;
    let document = store.export_json()?;
    match &args.out {
        Some(path) => {
            let bytes = serde_json::to_vec_pretty(&document)?;
            // Patient data: owner-only, and never a half-written file.
            mimik_device::fsutil::write_atomic(path, &bytes)
                .with_context(|| format!("could not write {}", path.display()))?;
            Ok(Outcome::Json(serde_json::json!({"exported_to": path})))
        }
        None => Ok(Outcome::Json(document)),
    }
}
