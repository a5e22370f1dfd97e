//! The `nxlink` command-line tool: validate, create, append to and watch NXLink AI-agent
//! campaigns from files (a task definition in JSON or TOML, contacts in CSV).
//!
//! Exit codes: 0 success; 1 the command ran and failed, the input is invalid, or some
//! contacts were not imported; 2 the command could not run as given (usage, unreadable
//! files, missing or broken configuration).
#![forbid(unsafe_code)]

mod append_run;
mod atomic_file;
mod callback_args;
mod callback_store;
mod callee_report;
mod cli;
mod commands;
mod config;
mod config_file;
mod config_layer;
mod connection_args;
mod contact_file;
mod dry_run;
mod errors;
mod failed_rows;
mod journal;
mod output;
mod problems;
mod progress;
mod resume;
mod stop_signal;
mod store_writer;
mod stored_callbacks;
mod task_file;
mod task_input;
mod task_lookup;
mod task_zone;
mod timestamps;
mod webhook_server;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;
use crate::errors::CliError;

fn main() -> ExitCode {
    // clap prints usage errors itself and exits 2 (0 for --help and --version).
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        // The work is waiting on the network and on a file: two workers are plenty.
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            return CliError::failed(format!("could not start the async runtime: {error}"))
                .report();
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(outcome) => outcome.exit_code(),
        Err(error) => error.report(),
    }
}
