//! Argument parsing and dispatch. Each subcommand lives in its own module and returns an
//! [`Outcome`]; this module turns it into output and an exit status, in one place.
//!
//! Exit statuses (stable, scripts rely on them):
//!
//! | status | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | any other failure (one line on stderr saying what to do) |
//! | 2 | invalid answers or input lines (a JSON list of issues on stdout) |
//! | 3 | wrong passphrase, recovery key or staff id |
//! | 4 | integrity failure: the store is quarantined (`verify` prints its report on stdout) |
//! | 5 | storage full: nothing was saved |
//! | 6 | too many wrong passphrases: wait and retry |
//! | 7 | sync did not finish (server unreachable, revoked, …): the JSON summary says why |
//! | 64 | usage error (clap's own 2 would read as "invalid answers") |

mod init;
mod inspect;
mod instruments;
mod participant;
mod records;
mod score;
mod secrets;
mod submit;
mod sync;

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};
use mimik_device::{Error, Store};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

const EXIT_INVALID: u8 = 2;
const EXIT_CREDENTIALS: u8 = 3;
const EXIT_INTEGRITY: u8 = 4;
const EXIT_STORAGE_FULL: u8 = 5;
const EXIT_LOCKED_OUT: u8 = 6;
const EXIT_SYNC_INCOMPLETE: u8 = 7;
const EXIT_USAGE: u8 = 64;

/// The headless Mimik tablet. Secrets come from MIMIK_PASSPHRASE / MIMIK_NEW_PASSPHRASE /
/// MIMIK_RECOVERY_KEY or a terminal prompt, never from arguments.
#[derive(Debug, Parser)]
#[command(name = "mimik", version, about)]
struct Cli {
    /// Where the tablet keeps its encrypted store.
    #[arg(long, global = true, env = "MIMIK_DATA_DIR")]
    data_dir: Option<PathBuf>,

    /// The staff member unlocking (tries every staff slot when omitted).
    #[arg(long, global = true, env = "MIMIK_STAFF")]
    staff: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate and score one questionnaire: answers JSON on stdin, scores JSON on stdout.
    Score(score::Args),
    /// List the instruments, their scoring algorithms and the loaded content packs.
    Instruments,
    /// Create the encrypted store and its first staff member; shows the recovery key once.
    Init(init::InitArgs),
    /// Add or remove staff, or change your passphrase.
    #[command(subcommand)]
    Staff(init::StaffCommand),
    /// Register, update or list participants.
    #[command(subcommand)]
    Participant(participant::ParticipantCommand),
    /// Where each participant's time points stand: not yet due, due, overdue, missed, done or
    /// not applicable, with the forms still missing.
    Due(participant::DueArgs),
    /// Save a questionnaire or clinician form (answers JSON on stdin), or many with --ndjson.
    Submit(submit::Args),
    /// Save a patient's free-text side effect.
    SideEffect(records::SideEffectArgs),
    /// Grade a side effect (Clavien-Dindo).
    Grade(records::GradeArgs),
    /// Record the number of Botox injections.
    BotoxCount(records::BotoxCountArgs),
    /// Record the eligibility checklist (JSON on stdin).
    Eligibility(records::EligibilityArgs),
    /// Enroll this tablet with the study server (a one-time code from the coordinator).
    Enroll(sync::EnrollArgs),
    /// Send what is pending to the server and refresh the roster; prints a JSON summary.
    Sync(sync::SyncArgs),
    /// The sync queue: pending, acknowledged, quarantined, oldest pending age.
    Status(inspect::StatusArgs),
    /// Integrity check, cipher check, audit chain, append-only rules, body hashes.
    Verify,
    /// Export the tablet's data for a staff member.
    Export(inspect::ExportArgs),
    /// The study bundle in force: study, version, SHA-256 and packs.
    Study(inspect::StudyArgs),
}

/// What a subcommand produced.
#[derive(Debug)]
pub enum Outcome {
    /// Print this JSON on stdout, exit 0.
    Json(serde_json::Value),
    /// Print this text on stdout, exit 0.
    Text(String),
    /// The input was understood but invalid: print this JSON on stdout, exit 2.
    Invalid(serde_json::Value),
    /// A report that says something failed: print it, exit with the status.
    Failed(serde_json::Value, u8),
}

/// What every store subcommand needs.
pub struct Context {
    data_dir: Option<PathBuf>,
    staff: Option<String>,
}

impl Context {
    fn data_dir(&self) -> anyhow::Result<PathBuf> {
        match &self.data_dir {
            Some(dir) => Ok(dir.clone()),
            None => bail!("say where the store is: --data-dir DIR or MIMIK_DATA_DIR"),
        }
    }

    /// Unlock; a staff member whose slot still holds a short secret is sent to
    /// `mimik staff passphrase` first (issue 13: a short secret falls to offline guessing).
    fn unlock(&self) -> anyhow::Result<Store> {
        let store = self.unlock_to_change_passphrase()?;
        if store.must_change_passphrase() {
            return Err(Error::PassphraseChangeRequired.into());
        }
        Ok(store)
    }

    /// Unlock even with a short secret: only to replace it.
    fn unlock_to_change_passphrase(&self) -> anyhow::Result<Store> {
        let dir = self.data_dir()?;
        let credentials = secrets::credentials(self.staff.as_deref())?;
        Ok(Store::unlock(&dir, &credentials)?)
    }
}

/// Read stdin, refusing more than `limit` bytes.
fn read_stdin(limit: u64) -> anyhow::Result<Vec<u8>> {
    let mut input = Vec::new();
    std::io::stdin()
        .take(limit + 1)
        .read_to_end(&mut input)
        .context("could not read stdin")?;
    if input.len() as u64 > limit {
        bail!(
            "the input on stdin is larger than {} KiB; split it up",
            limit / 1024
        );
    }
    Ok(input)
}

/// Parse arguments, run, print, and map the result to an exit status.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(EXIT_USAGE)
            } else {
                ExitCode::SUCCESS // --help, --version
            };
        }
    };
    let ctx = Context {
        data_dir: cli.data_dir,
        staff: cli.staff,
    };
    let result = match &cli.command {
        Command::Score(args) => score::run(args),
        Command::Instruments => instruments::run(),
        Command::Init(args) => init::init(&ctx, args),
        Command::Staff(command) => init::staff(&ctx, command),
        Command::Participant(command) => participant::participant(&ctx, command),
        Command::Due(args) => participant::due(&ctx, args),
        Command::Submit(args) => submit::run(&ctx, args),
        Command::SideEffect(args) => records::side_effect(&ctx, args),
        Command::Grade(args) => records::grade(&ctx, args),
        Command::BotoxCount(args) => records::botox_count(&ctx, args),
        Command::Eligibility(args) => records::eligibility(&ctx, args),
        Command::Enroll(args) => sync::enroll(&ctx, args),
        Command::Sync(args) => sync::sync(&ctx, args),
        Command::Status(args) => inspect::status(&ctx, args),
        Command::Verify => inspect::verify(&ctx),
        Command::Export(args) => inspect::export(&ctx, args),
        Command::Study(args) => inspect::study(&ctx, args),
    };
    match result {
        Ok(Outcome::Json(value)) => {
            println!("{value}");
            ExitCode::SUCCESS
        }
        Ok(Outcome::Text(text)) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Ok(Outcome::Invalid(value)) => {
            println!("{value}");
            ExitCode::from(EXIT_INVALID)
        }
        Ok(Outcome::Failed(value, status)) => {
            println!("{value}");
            ExitCode::from(status)
        }
        Err(error) => {
            let status = exit_status(&error);
            if let Some(Error::InvalidAnswers(issues)) = error.downcast_ref::<Error>() {
                println!("{}", serde_json::json!({ "issues": issues }));
            }
            eprintln!("mimik: {}", one_line(&error));
            ExitCode::from(status)
        }
    }
}

fn exit_status(error: &anyhow::Error) -> u8 {
    match error.downcast_ref::<Error>() {
        Some(Error::InvalidAnswers(_)) => EXIT_INVALID,
        Some(
            Error::WrongPassphrase
            | Error::WrongRecoveryKey
            | Error::UnknownStaff(_)
            | Error::PassphraseNeeded,
        ) => EXIT_CREDENTIALS,
        Some(Error::Tampered(_) | Error::Quarantined(_)) => EXIT_INTEGRITY,
        Some(Error::StorageFull) => EXIT_STORAGE_FULL,
        Some(Error::TooManyAttempts { .. }) => EXIT_LOCKED_OUT,
        Some(
            Error::DeviceRevoked | Error::NotEnrolled | Error::Unauthorized | Error::Network(_),
        ) => EXIT_SYNC_INCOMPLETE,
        _ => 1,
    }
}

fn one_line(error: &anyhow::Error) -> String {
    format!("{error:#}").replace('\n', " ")
}
