//! `nxlink task validate FILE [--contacts FILE.csv]`: every problem with its place, nothing
//! sent. Exit 0 valid, 1 invalid, 2 unreadable.

use std::io::Write;

use crate::cli::ValidateArgs;
use crate::commands::Outcome;
use crate::errors::CliError;
use crate::task_input;

/// Checks the definition and contacts, printing every problem on stdout.
pub(crate) fn run(args: &ValidateArgs, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let input = task_input::load(&args.input, false)?;
    for warning in &input.warnings {
        writeln!(out, "warning: {warning}")?;
    }
    for problem in &input.problems {
        writeln!(out, "{problem}")?;
    }
    let file = args.input.file.display();
    if !input.problems.is_empty() {
        writeln!(
            out,
            "invalid: {} problem(s); nothing would be sent",
            input.problems.len()
        )?;
        return Err(CliError::Invalid);
    }
    let own = input
        .request
        .as_ref()
        .map_or(0, |request| request.call_list.len());
    let from_csv = match &args.input.contacts {
        Some(csv) => format!(" + {} in {}", input.csv_contacts, csv.display()),
        None => String::new(),
    };
    writeln!(
        out,
        "ok: {file} is a valid task ({own} contacts in the definition{from_csv})"
    )?;
    Ok(Outcome::Done)
}
