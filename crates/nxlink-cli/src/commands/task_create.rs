//! `nxlink task create FILE [--contacts FILE.csv] [--dry-run]`: validate, then create; print
//! the task, the import counts and every refused contact, and write refused and unsent CSV
//! rows to a file that `contacts append` takes to finish the import.

use std::collections::HashMap;
use std::io::Write;

use nxlink::model::CreateTaskRequest;
use nxlink::{CreatedTask, ErrorKind, new_user_task_id};

use crate::cli::CreateArgs;
use crate::commands::Outcome;
use crate::config::Settings;
use crate::dry_run;
use crate::errors::{CliError, stderr_line};
use crate::failed_rows::{FailedRows, default_failed_path};
use crate::output::{status_name, thousands};
use crate::resume::{ensure_distinct, resume_hint};
use crate::task_input::{self, CsvRows};

/// Validates, then creates the task (or prints the signed request, with `--dry-run`).
pub(crate) async fn run(
    args: &CreateArgs,
    settings: impl FnOnce() -> Result<Settings, CliError>,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let input = task_input::load(&args.input, true)?;
    for warning in &input.warnings {
        stderr_line!("warning: {warning}");
    }
    let (Some(mut request), true) = (input.request, input.problems.is_empty()) else {
        for problem in &input.problems {
            stderr_line!("{problem}");
        }
        stderr_line!(
            "error: the task was not created: {} problem(s) (`nxlink task validate` lists them too)",
            input.problems.len()
        );
        return Err(CliError::Invalid);
    };
    // Set here rather than by the client, so it can be printed: it is how a create whose
    // answer was lost is found again.
    let generated = request.user_task_id.is_none();
    if generated {
        request.user_task_id = Some(new_user_task_id());
    }
    let user_task_id = request.user_task_id.clone().unwrap_or_default();
    let settings = settings()?;
    let client = settings.client(Some(args.batching))?;
    if args.dry_run {
        dry_run::print(&client, &request, args.batching.batch_size, out)?;
        return Ok(Outcome::Done);
    }
    let failed_path = match (&args.input.contacts, &args.failed_out) {
        (_, Some(path)) => Some(path.clone()),
        (Some(csv), None) => Some(default_failed_path(csv)),
        (None, None) => None,
    };
    if let (Some(csv), Some(failed)) = (&args.input.contacts, &failed_path) {
        ensure_distinct(csv, failed, "the failed-rows file", "--failed-out")?;
    }
    // A userTaskId the user gave is checked first: running the same create twice makes one
    // task. A generated one is new by construction.
    let create = if generated || args.allow_duplicate_user_task_id {
        client.create_task(&request).await
    } else {
        client.create_task_once(&request).await
    };
    let created = create.map_err(|error| {
        if error.kind() == ErrorKind::AlreadyExists {
            return CliError::Failed {
                message: format!(
                    "the task was not created: userTaskId {user_task_id} is already task {}",
                    error.existing_task_ids().unwrap_or_default().join(", ")
                ),
                hint: Some(
                    "use that task (`nxlink contacts append --user-task-id …`), give this one \
                     another userTaskId, or pass --allow-duplicate-user-task-id if you mean it"
                        .to_owned(),
                ),
            };
        }
        let unknown = error.kind() == ErrorKind::OutcomeUnknown;
        let error = CliError::sdk("creating the task", error).on_gateway(client.base_url());
        if unknown {
            error.next_step(format!(
                "the task may exist: look for userTaskId {user_task_id} with `nxlink tasks \
                 --user-task-id {user_task_id}` before creating it again"
            ))
        } else {
            error
        }
    })?;
    print_created(out, &created, generated)?;
    let missing = report_contacts(
        out,
        &request,
        &created,
        input.csv.as_ref(),
        &args.input.file,
    )?;
    if missing == 0 {
        return Ok(Outcome::Done);
    }
    if let (Some(csv), Some(path)) = (&input.csv, &failed_path) {
        write_failed(out, &request, &created, csv, path)?;
    }
    Ok(Outcome::Incomplete)
}

fn print_created(
    out: &mut dyn Write,
    created: &CreatedTask,
    generated: bool,
) -> Result<(), CliError> {
    writeln!(out, "created task {}", created.task_id)?;
    if let Some(user_task_id) = &created.user_task_id {
        let note = if generated { " (generated)" } else { "" };
        writeln!(out, "  userTaskId: {user_task_id}{note}")?;
    }
    writeln!(out, "  status:     {}", status_name(created.status))?;
    writeln!(
        out,
        "  contacts:   {} of {} imported",
        thousands(created.success_count),
        thousands(created.total_count)
    )?;
    if let Some(trace_id) = &created.trace_id {
        writeln!(out, "  traceId:    {trace_id}")?;
    }
    if created.reconciled {
        writeln!(
            out,
            "  note:       the create's answer was lost and the task was found by its userTaskId; \
             contacts the gateway refused in the first batch are not known"
        )?;
    }
    Ok(())
}

/// Lists refused contacts (with their CSV line or JSON path) and failed batches; returns how
/// many contacts are not in the task.
fn report_contacts(
    out: &mut dyn Write,
    request: &CreateTaskRequest,
    created: &CreatedTask,
    csv: Option<&CsvRows>,
    definition: &std::path::Path,
) -> Result<usize, CliError> {
    let index_of: HashMap<&str, usize> = request
        .call_list
        .iter()
        .enumerate()
        .map(|(index, contact)| (contact.contact_id.as_str(), index))
        .collect();
    let place = |index: Option<usize>| match (index, csv) {
        (Some(index), Some(csv)) if csv.line_of(index).is_some() => {
            csv.places.row(csv.line_of(index).unwrap_or_default())
        }
        (Some(index), _) => format!("{} callList[{index}]", definition.display()),
        (None, _) => "?".to_owned(),
    };
    if !created.rejected.is_empty() {
        writeln!(
            out,
            "  refused:    {}",
            thousands(created.rejected.len() as u64)
        )?;
        for refused in &created.rejected {
            let id = refused.contact_id.as_deref().unwrap_or("?");
            writeln!(
                out,
                "    {}  {id}  {}",
                place(index_of.get(id).copied()),
                refused.err_msg.as_deref().unwrap_or("no reason given")
            )?;
        }
    }
    let mut unsent = 0;
    for batch in &created.failed {
        unsent += batch.contacts.len();
        writeln!(
            out,
            "  not sent:   {} contacts from {}: {}",
            batch.contacts.len(),
            place(Some(batch.first_contact)),
            batch.error
        )?;
    }
    let missing = created.rejected.len() + unsent;
    // A reconciled create knows only the totals.
    Ok(missing.max(created.total_count.saturating_sub(created.success_count) as usize))
}

/// Writes the CSV rows of refused and unsent contacts, in the input's layout.
fn write_failed(
    out: &mut dyn Write,
    request: &CreateTaskRequest,
    created: &CreatedTask,
    csv: &CsvRows,
    path: &std::path::Path,
) -> Result<(), CliError> {
    let index_of: HashMap<&str, usize> = request
        .call_list
        .iter()
        .enumerate()
        .map(|(index, contact)| (contact.contact_id.as_str(), index))
        .collect();
    let mut indexes: Vec<usize> = created
        .rejected
        .iter()
        .filter_map(|refused| index_of.get(refused.contact_id.as_deref()?).copied())
        .chain(
            created
                .failed
                .iter()
                .flat_map(|batch| batch.first_contact..batch.first_contact + batch.contacts.len()),
        )
        .collect();
    indexes.sort_unstable();
    indexes.dedup();
    let mut failed = FailedRows::create(path, &csv.headers, csv.bom)?;
    for index in indexes {
        if let Some(record) = csv.record_of(index) {
            failed.write(record)?;
        }
    }
    let written = failed.finish()?;
    if written > 0 {
        writeln!(
            out,
            "{} refused or unsent CSV rows written to {}",
            thousands(written),
            path.display()
        )?;
        writeln!(out, "  to finish: {}", resume_hint(&created.task_id, path))?;
    } else {
        // Nothing from the CSV is missing: no file to leave behind.
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}
