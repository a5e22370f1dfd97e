//! `nxlink task validate FILE [--contacts FILE.csv]`: every problem with its place, nothing
//! sent. Exit 0 valid, 1 invalid, 2 unreadable.

use std::io::Write;

use crate::cli::ValidateArgs;
use crate::commands::Outcome;
use crate::errors::CliError;
use crate::output::thousands;
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
    if let Some(zone) = &input.time_zone {
        writeln!(out, "time zone: {zone}")?;
    }
    if let Some(csv) = &args.input.contacts {
        for rewrite in &input.rewrites {
            writeln!(out, "{}: {rewrite}", csv.display())?;
        }
        if !input.rewrites.is_empty() {
            writeln!(
                out,
                "phone numbers normalized: {} (--phones strict sends numbers as written)",
                thousands(input.rewrites.len() as u64)
            )?;
        }
    }
    if !input.callee_hours.lines.is_empty() {
        writeln!(out, "callee hours (local time of each contact's country):")?;
        for line in &input.callee_hours.lines {
            writeln!(out, "  {line}")?;
        }
        if input.callee_hours.outside > 0 {
            writeln!(
                out,
                "warning: the window may reach {} contacts outside 08:00–21:00 their local time; \
                 --strict-hours makes this an error",
                thousands(input.callee_hours.outside as u64)
            )?;
        }
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
