//! One module per command; [`run`] sends the parsed command line to the right one.

mod calls;
mod calls_export;
mod calls_summary;
mod config_show;
mod contacts_append;
mod contacts_delete;
mod emulator;
mod lookups;
mod task_create;
mod task_validate;
pub(crate) mod tasks;
mod webhook_serve;

use std::io;
use std::process::ExitCode;

use crate::callback_args::{CallsStoreCommand, WebhookCommand};
use crate::cli::{CallsArgs, Cli, Command, ConfigCommand, ContactsCommand, TaskCommand};
use crate::config::Settings;
use crate::connection_args::ConnectionArgs;
use crate::errors::{CliError, EXIT_FAILURE};

/// How a command that ran to its end went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Everything asked for was done.
    Done,
    /// It ran, but some contacts were not imported (they were reported and written to the
    /// failed-rows file): exit 1, so that scripts notice.
    Incomplete,
}

impl Outcome {
    /// The process exit code.
    pub(crate) fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Done => ExitCode::SUCCESS,
            Outcome::Incomplete => ExitCode::from(EXIT_FAILURE),
        }
    }
}

/// Runs the command. Settings are resolved only by the commands that talk to a gateway,
/// so `task validate` works without any configuration.
pub(crate) async fn run(cli: Cli) -> Result<Outcome, CliError> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    // Flags given after the command win over those given before it.
    let settings = |own: &ConnectionArgs| {
        Settings::resolve(&own.or(&cli.connection), &|name| std::env::var(name).ok())
    };
    match &cli.command {
        Command::Task(TaskCommand::Validate(args)) => task_validate::run(args, &mut out),
        Command::Task(TaskCommand::Create(args)) => {
            task_create::run(args, || settings(&args.connection), &mut out).await
        }
        Command::Contacts(ContactsCommand::Append(args)) => {
            contacts_append::run(args, &settings(&args.connection)?, &mut out).await
        }
        Command::Contacts(ContactsCommand::Delete(args)) => {
            contacts_delete::run(args, &settings(&args.connection)?, &mut out).await
        }
        Command::Flows(args) => lookups::flows(args, &settings(&args.connection)?, &mut out).await,
        Command::Routes(args) => {
            lookups::routes(args, &settings(&args.connection)?, &mut out).await
        }
        Command::Tasks(args) => tasks::run(args, &settings(&args.connection)?, &mut out).await,
        Command::Calls(CallsArgs {
            store: Some(CallsStoreCommand::Export(args)),
            ..
        }) => calls_export::run(args, &mut out),
        Command::Calls(CallsArgs {
            store: Some(CallsStoreCommand::Summary(args)),
            ..
        }) => calls_summary::run(args, &mut out),
        Command::Calls(args) => calls::run(args, &settings(&args.connection)?, &mut out).await,
        Command::Webhook(WebhookCommand::Serve(args)) => {
            let signing = ConnectionArgs {
                credentials: args.credentials.clone(),
                ..ConnectionArgs::default()
            };
            webhook_serve::run(args, &settings(&signing)?, &mut out).await
        }
        Command::Emulator(args) => emulator::run(args, &cli.connection, &mut out).await,
        Command::Config(ConfigCommand::Show(args)) => {
            config_show::run(&settings(&args.connection)?, &mut out)
        }
    }
}
