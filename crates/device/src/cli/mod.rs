//! Argument parsing and dispatch. Each subcommand lives in its own module and returns an
//! [`Outcome`]; this module turns it into output and an exit status, in one place.
//!
//! Exit statuses (stable, scripts rely on them): 0 success, 1 any other failure (one line on
//! stderr saying what to do), 2 invalid answers (a JSON list of issues on stdout), 64 a usage
//! error (unknown subcommand, flag or instrument; clap's own 2 would read as "invalid answers").

mod instruments;
mod score;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// The headless Mimik tablet.
#[derive(Debug, Parser)]
#[command(name = "mimik", version, about)]
struct Cli {
    /// Where the tablet keeps its encrypted store.
    #[arg(long, global = true, env = "MIMIK_DATA_DIR")]
    data_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate and score one questionnaire: answers JSON on stdin, scores JSON on stdout.
    Score(score::Args),
    /// List the instruments, their scoring algorithms and the loaded content packs.
    Instruments,
}

/// Exit status for usage errors (BSD sysexits EX_USAGE).
const EXIT_USAGE: u8 = 64;

/// What a subcommand produced.
#[derive(Debug)]
pub enum Outcome {
    /// Print this JSON on stdout, exit 0.
    Json(serde_json::Value),
    /// The input was understood but invalid: print this JSON on stdout, exit 2.
    Invalid(serde_json::Value),
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
    let _ = &cli.data_dir; // used by the store subcommands
    let result = match cli.command {
        Command::Score(args) => score::run(&args),
        Command::Instruments => instruments::run(),
    };
    match result {
        Ok(Outcome::Json(value)) => {
            println!("{value}");
            ExitCode::SUCCESS
        }
        Ok(Outcome::Invalid(value)) => {
            println!("{value}");
            ExitCode::from(2)
        }
        Err(error) => {
            eprintln!("mimik: {error:#}");
            ExitCode::FAILURE
        }
    }
}
