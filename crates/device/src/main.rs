//! `mimik`: the headless tablet CLI. Contracts: DESIGN.md §7.

use std::process::ExitCode;

mod cli;

fn main() -> ExitCode {
    cli::run()
}
