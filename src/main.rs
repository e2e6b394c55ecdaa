use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    disclose::cli::run(disclose::cli::Cli::parse())
}
