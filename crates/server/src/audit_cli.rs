//! `mimik-server audit export | verify` (issue 14 point 5).

use anyhow::{Context, Result};
use clap::Subcommand;
use mimik_server::Storage;
use mimik_server::audit::AuditFormat;
use mimik_server::storage::{Actor, NewAudit};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

/// `audit verify` found a row that does not verify.
pub const EXIT_BROKEN: i32 = 4;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Write every audit row (standard output by default).
    Export {
        /// csv or json.
        #[arg(long)]
        format: AuditFormat,
        /// Write here instead of standard output (mode 0600).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Walk the chain: exit 0 and {"ok": true, "rows": N}, or exit 4 and
    /// {"ok": false, "first_broken": {"seq", "reason", "row"}}.
    Verify,
}

/// Run an `audit` subcommand.
pub async fn run(command: AuditCommand, storage: &dyn Storage, actor: &Actor) -> Result<()> {
    match command {
        AuditCommand::Export { format, out } => {
            let rows = storage.audit_rows().await?;
            let bytes = mimik_server::audit::render(&rows, format)?;
            let name = match format {
                AuditFormat::Csv => "audit-csv",
                AuditFormat::Json => "audit-json",
            };
            storage
                .append_audit(&NewAudit::new(actor, "export", Some(name)))
                .await?;
            match out {
                Some(path) => crate::os::write_private(&path, &bytes)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => std::io::stdout().lock().write_all(&bytes)?,
            }
        }
        AuditCommand::Verify => match mimik_server::audit::verify(storage).await? {
            Ok(rows) => println!("{}", json!({"ok": true, "rows": rows})),
            Err(first_broken) => {
                println!("{}", json!({"ok": false, "first_broken": first_broken}));
                storage.close().await;
                std::process::exit(EXIT_BROKEN);
            }
        },
    }
    Ok(())
}
