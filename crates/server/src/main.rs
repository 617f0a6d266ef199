//! `mimik-server`: the central study server's command line (DESIGN.md §7).

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use mimik_server::export::Format;
use mimik_server::storage::NewAudit;
use mimik_server::{AppState, Config};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "mimik-server", version, about = "Mimik's central study server")]
struct Cli {
    /// Directory for the SQLite database (when --db is not given).
    #[arg(long, env = "MIMIK_SERVER_DATA_DIR")]
    data_dir: PathBuf,
    /// Database URL: postgres://USER:PASSWORD@HOST/DB or sqlite://PATH (default: an SQLite file
    /// in the data directory).
    #[arg(long, env = "MIMIK_SERVER_DB", global = true)]
    db: Option<String>,
    /// A file holding the database URL (keeps a PostgreSQL password out of the process list).
    #[arg(
        long,
        env = "MIMIK_SERVER_DB_URL_FILE",
        global = true,
        conflicts_with = "db"
    )]
    db_url_file: Option<PathBuf>,
    /// The SQLite database's encryption key (64 hex digits, mode 0600); default:
    /// DIR/mimik-server.key, made on first start.
    #[arg(long, env = "MIMIK_SERVER_DB_KEY_FILE", global = true)]
    db_key_file: Option<PathBuf>,
    /// The study bundle signing key (64 hex digits, mode 0600); default:
    /// DIR/mimik-server-signing.key, made on first use. Required with PostgreSQL.
    #[arg(long, env = "MIMIK_SERVER_SIGNING_KEY_FILE", global = true)]
    signing_key: Option<PathBuf>,
    /// Run a command that changes or exports data as this user (password from
    /// MIMIK_SERVER_AS_PASSWORD or a prompt): their role must allow it, and the audit trail
    /// names them. Without it: the operating-system user, with the admin role.
    #[arg(long = "as", value_name = "USER", global = true)]
    as_user: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API and coordinator pages; prints the bound address on its first line.
    Serve {
        /// Address to listen on (port 0 picks a free port).
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Seconds a request may take, body included.
        #[arg(long, default_value_t = 60)]
        request_timeout_s: u64,
        /// Seconds a client has for the TLS handshake and for each request's head.
        #[arg(long, default_value_t = 10)]
        header_read_timeout_s: u64,
        /// Seconds a connection may stay open with nothing sent either way.
        #[arg(long, default_value_t = 60)]
        idle_timeout_s: u64,
        /// Connections open at once; beyond them new clients wait until one closes.
        #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
        max_connections: u32,
        /// The largest request body in bytes (advertised to tablets, which size batches below it).
        #[arg(long, default_value_t = 8 << 20, value_parser = clap::value_parser!(u32).range(16_384..=67_108_864))]
        max_request_bytes: u32,
        /// The most envelopes in one batch (advertised to tablets).
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=500))]
        max_batch_items: u32,
        /// Mark session cookies Secure (set when served behind HTTPS; implied by --tls-cert and
        /// by an https --public-url).
        #[arg(long)]
        secure_cookies: bool,
        /// The URL browsers reach this server at, when a TLS proxy in front serves it
        /// (https://HOST[:PORT]): page forms are accepted only from this origin.
        #[arg(long, env = "MIMIK_SERVER_PUBLIC_URL")]
        public_url: Option<String>,
        /// Serve HTTPS with this PEM certificate chain (needs --tls-key).
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The PEM private key of --tls-cert.
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
    },
    /// Make a one-time enrollment code for a tablet; prints the code alone.
    EnrollmentCode {
        /// The study the device will belong to (default: the only one there is).
        #[arg(long)]
        study: Option<String>,
        /// The site (made with `site add`) the device will belong to.
        #[arg(long)]
        site: String,
        /// Hours until the code expires.
        #[arg(long, default_value_t = 24)]
        ttl_hours: u32,
    },
    /// Revoke a device: its token is refused from now on.
    Revoke {
        /// The device id (`dev-…`).
        device_id: String,
    },
    /// Export every stored submission.
    Export {
        /// csv-long, csv-wide or json.
        #[arg(long)]
        format: Format,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Users of the coordinator pages, with their roles and sites.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Sites of a study.
    Site {
        #[command(subcommand)]
        command: SiteCommand,
    },
    /// Study bundles: the protocol and content packs tablets adopt.
    Study {
        #[command(subcommand)]
        command: StudyCommand,
    },
    /// Participants: their status in the study.
    Participant {
        #[command(subcommand)]
        command: ParticipantCommand,
    },
    /// The server's audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

/// Usage errors (clap's own 2 would read as "invalid input").
const EXIT_USAGE: i32 = 64;

mod as_user;
mod audit_cli;
mod os;
mod participant_cli;
mod site_cli;
mod study_cli;
mod user_cli;
use audit_cli::AuditCommand;
use mimik_server::roles::Action;
use participant_cli::ParticipantCommand;
use site_cli::SiteCommand;
use study_cli::{KeySource, StudyCommand};
use user_cli::UserCommand;

fn main() {
    if let Err(error) = run() {
        eprintln!("mimik-server: {error:#}");
        let invalid = error.downcast_ref::<study_cli::InvalidFiles>().is_some();
        std::process::exit(if invalid { 2 } else { 1 });
    }
}

#[tokio::main]
async fn run() -> Result<()> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            std::process::exit(if error.use_stderr() { EXIT_USAGE } else { 0 });
        }
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, never in a log file.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("MIMIK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let db = match &cli.db_url_file {
        Some(file) => Some(
            std::fs::read_to_string(file)
                .with_context(|| format!("cannot read the database URL file {}", file.display()))?
                .trim()
                .to_owned(),
        ),
        None => cli.db.clone(),
    };
    if let Some(url) = &db {
        os::warn_without_verified_tls(url);
    }
    let storage = mimik_server::storage::open_with_key_file(
        &cli.data_dir,
        db.as_deref(),
        cli.db_key_file.as_deref(),
    )
    .await
    .context("cannot open the database (check --data-dir / --db / --db-key-file)")?;
    let key = KeySource {
        data_dir: cli.data_dir.clone(),
        file: cli.signing_key.clone(),
        shared: db.is_some(),
    };
    let as_user = cli.as_user.as_deref();
    let outcome = execute(cli.command, std::sync::Arc::clone(&storage), &key, as_user).await;
    // Every connection closed before exit (see `Storage::close`).
    storage.close().await;
    outcome
}

async fn execute(
    command: Command,
    storage: std::sync::Arc<dyn mimik_server::Storage>,
    key: &KeySource,
    as_user: Option<&str>,
) -> Result<()> {
    let runner = |action: Action| as_user::resolve(as_user, storage.as_ref(), action);
    match command {
        Command::Serve {
            listen,
            request_timeout_s,
            header_read_timeout_s,
            idle_timeout_s,
            max_connections,
            max_request_bytes,
            max_batch_items,
            secure_cookies,
            public_url,
            tls_cert,
            tls_key,
        } => {
            let public_origin = public_url
                .as_deref()
                .map(mimik_server::guard::origin_of)
                .transpose()
                .map_err(anyhow::Error::msg)
                .context("--public-url")?;
            let https_public = public_origin
                .as_deref()
                .is_some_and(|o| o.starts_with("https://"));
            let tls = match (&tls_cert, &tls_key) {
                (Some(cert), Some(key)) => Some(mimik_server::tls::server_config(cert, key)?),
                _ => None,
            };
            let config = Config {
                request_timeout: std::time::Duration::from_secs(request_timeout_s),
                secure_cookies: secure_cookies || tls.is_some() || https_public,
                public_origin,
                limits: mimik_domain::protocol::Limits {
                    max_request_bytes: usize::try_from(max_request_bytes)?,
                    max_batch_items: usize::try_from(max_batch_items)?,
                },
                bundle_key: Some(key.load()?),
                ..Config::default()
            };
            let state = AppState::new(storage, config)?;
            state
                .bundles
                .ensure_reference(state.storage.as_ref())
                .await?;
            let listener = std::net::TcpListener::bind(&listen)
                .with_context(|| format!("cannot listen on {listen}"))?;
            listener.set_nonblocking(true)?;
            let address = listener.local_addr()?;
            let scheme = if tls.is_some() { "https" } else { "http" };
            // The first line of stdout is the contract: tests and scripts read it.
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "{scheme}://{address}")?;
            stdout.flush()?;
            drop(stdout);
            tracing::info!(%address, scheme, "serving");
            let router = mimik_server::router(state);
            let limits = mimik_server::listen::Limits {
                header_read_timeout: std::time::Duration::from_secs(header_read_timeout_s.max(1)),
                idle_timeout: std::time::Duration::from_secs(idle_timeout_s.max(1)),
                max_connections: usize::try_from(max_connections).unwrap_or(usize::MAX),
            };
            let listener = tokio::net::TcpListener::from_std(listener)?;
            mimik_server::listen::serve(listener, tls, router, limits, os::shutdown()).await?;
        }
        Command::EnrollmentCode {
            study,
            site,
            ttl_hours,
        } => {
            let runner = runner(Action::IssueEnrollmentCode).await?;
            runner.check_site(&site)?;
            let code = mimik_server::api::enroll::issue_code(
                storage.as_ref(),
                study.as_deref(),
                &site,
                ttl_hours,
                &runner.actor,
            )
            .await?;
            println!("{code}");
        }
        Command::Site { command } => {
            let runner = runner(Action::ManageSites).await?;
            site_cli::run(command, storage.as_ref(), &runner.actor).await?
        }
        Command::Revoke { device_id } => {
            let runner = runner(Action::RevokeDevice).await?;
            let devices = storage.devices().await?;
            let device = devices.iter().find(|d| d.id == device_id);
            if let Some(device) = device {
                runner.check_site(&device.site)?;
            }
            let now = mimik_server::now();
            let audit = NewAudit::new(&runner.actor, "device_revoked", Some(&device_id))
                .before(serde_json::json!({"revoked_at": null}))
                .after(serde_json::json!({"revoked_at": now}));
            if device.is_none() || !storage.revoke_device(&device_id, &now, &audit).await? {
                bail!("no device {device_id:?}: list devices on the coordinator's devices page");
            }
            eprintln!("device {device_id} revoked");
        }
        Command::Export { format, out } => {
            let runner = runner(Action::Export).await?;
            let bytes = mimik_server::export::export(storage.as_ref(), format).await?;
            storage
                .append_audit(&NewAudit::new(&runner.actor, "export", Some(format.name())))
                .await?;
            match out {
                Some(path) => os::write_private(&path, &bytes)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => std::io::stdout().lock().write_all(&bytes)?,
            }
        }
        Command::User { command } => {
            // Listing changes nothing and is not audited; adding and disabling need an admin.
            let action = match command {
                user_cli::UserCommand::List { .. } => None,
                _ => Some(Action::ManageUsers),
            };
            let actor = match action {
                Some(action) => runner(action).await?.actor,
                None => mimik_server::storage::Actor::operating_system_user(),
            };
            user_cli::run(command, storage.as_ref(), &actor).await?
        }
        Command::Study { command } => {
            let actor = match command {
                study_cli::StudyCommand::Publish { .. } => {
                    runner(Action::PublishStudy).await?.actor
                }
                study_cli::StudyCommand::List { .. } => {
                    mimik_server::storage::Actor::operating_system_user()
                }
            };
            study_cli::run(command, storage.as_ref(), key, &actor).await?
        }
        Command::Participant { command } => {
            let runner = runner(Action::SetParticipantStatus).await?;
            participant_cli::run(command, storage.as_ref(), &runner).await?
        }
        Command::Audit { command } => {
            let runner = runner(Action::ViewAudit).await?;
            audit_cli::run(command, storage.as_ref(), &runner.actor).await?
        }
    }
    Ok(())
}
