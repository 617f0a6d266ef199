//! `mimik enroll` and `mimik sync`.

use super::{Context as Ctx, Outcome};
use anyhow::Context as _;
use mimik_device::sync::{self, Backoff};
use serde_json::json;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct EnrollArgs {
    /// The study server (https://…; http:// only for this machine).
    #[arg(long)]
    server: String,
    /// The one-time code from `mimik-server enrollment-code`.
    #[arg(long)]
    code: String,
    /// Trust this CA certificate (PEM) for the server, e.g. a study's own CA.
    #[arg(long, env = "MIMIK_CA_CERT")]
    ca_cert: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// Passes to try before giving up, with exponential backoff and jitter between them.
    #[arg(long, default_value_t = 1)]
    max_attempts: u32,
    /// Trust this CA certificate (PEM) for the server.
    #[arg(long, env = "MIMIK_CA_CERT")]
    ca_cert: Option<PathBuf>,
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("could not start the network runtime")
}

fn read_ca(path: Option<&PathBuf>) -> anyhow::Result<Option<Vec<u8>>> {
    path.map(|p| std::fs::read(p).with_context(|| format!("could not read {}", p.display())))
        .transpose()
}

pub fn enroll(ctx: &Ctx, args: &EnrollArgs) -> anyhow::Result<Outcome> {
    let ca = read_ca(args.ca_cert.as_ref())?;
    let mut store = ctx.unlock()?;
    let device_id = runtime()?.block_on(sync::enroll(
        &mut store,
        &args.server,
        &args.code,
        ca.as_deref(),
    ))?;
    Ok(Outcome::Json(
        json!({"enrolled": true, "device_id": device_id, "server": args.server}),
    ))
}

pub fn sync(ctx: &Ctx, args: &SyncArgs) -> anyhow::Result<Outcome> {
    let ca = read_ca(args.ca_cert.as_ref())?;
    let mut store = ctx.unlock()?;
    let summary = runtime()?.block_on(sync::sync_with_retries(
        &mut store,
        ca.as_deref(),
        args.max_attempts,
        Backoff::default(),
    ))?;
    let value = serde_json::to_value(&summary)?;
    // A pass that could not finish is a failure for scripts; its summary still goes to stdout.
    Ok(if summary.error.is_some() {
        Outcome::Failed(value, super::EXIT_SYNC_INCOMPLETE)
    } else {
        Outcome::Json(value)
    })
}
