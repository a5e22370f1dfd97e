//! `nxlink calls summary`: per task, from the stored call records: calls dialled, contacts
//! reached and finished, calls answered (`callAnswer` set: the result codes are
//! undocumented), and counts by `callResult` and by `userIntent`; with the task's last
//! reported status when its task-status callbacks were stored too.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;

use nxlink::model::{CallRecord, TaskStatus, TaskStatusCallback};
use serde::Serialize;

use crate::callback_args::SummaryArgs;
use crate::callback_store::CallbackKind;
use crate::commands::Outcome;
use crate::errors::{CliError, io_reason};
use crate::output::status_name;
use crate::output::thousands;
use crate::stored_callbacks::StoreReader;

/// One task's figures.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct TaskSummary {
    task_id: String,
    user_task_id: Option<String>,
    last_status: Option<i64>,
    calls: u64,
    contacts: u64,
    finished_contacts: u64,
    answered: u64,
    by_call_result: BTreeMap<String, u64>,
    by_intent: BTreeMap<String, u64>,
    redelivered: u64,
    #[serde(skip)]
    seen_contacts: HashSet<String>,
}

/// Prints the summary.
pub(crate) fn run(args: &SummaryArgs, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let reader = StoreReader::open(&args.selection)?;
    let mut order: Vec<TaskSummary> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut unreadable = 0_u64;
    let mut slot = |task_id: Option<&str>, order: &mut Vec<TaskSummary>| -> usize {
        let task_id = task_id.unwrap_or("(no taskId)");
        *index.entry(task_id.to_owned()).or_insert_with(|| {
            order.push(TaskSummary {
                task_id: task_id.to_owned(),
                ..TaskSummary::default()
            });
            order.len() - 1
        })
    };
    reader.each(CallbackKind::Call, |stored| {
        let Ok(call) = serde_json::from_slice::<CallRecord>(&stored.body) else {
            unreadable += 1;
            return Ok(());
        };
        let at = slot(call.task_id.as_deref(), &mut order);
        let Some(task) = order.get_mut(at) else {
            return Ok(());
        };
        task.user_task_id = task.user_task_id.take().or(call.user_task_id.clone());
        task.calls += 1;
        task.redelivered += u64::from(stored.deliveries > 1);
        if let Some(contact) = &call.contact_id {
            task.seen_contacts.insert(contact.clone());
        }
        task.finished_contacts += u64::from(call.is_last_attempt());
        task.answered += u64::from(call.call_answer.is_some_and(|at| at > 0));
        let result = call
            .call_result
            .map_or_else(|| "(none)".to_owned(), |code| code.to_string());
        *task.by_call_result.entry(result).or_default() += 1;
        if let Some(intent) = call
            .user_intent
            .as_deref()
            .filter(|intent| !intent.is_empty())
        {
            *task.by_intent.entry(intent.to_owned()).or_default() += 1;
        }
        Ok(())
    })?;
    reader.each(CallbackKind::Task, |stored| {
        let Ok(status) = serde_json::from_slice::<TaskStatusCallback>(&stored.body) else {
            unreadable += 1;
            return Ok(());
        };
        let at = slot(status.task_id.as_deref(), &mut order);
        if let Some(task) = order.get_mut(at) {
            task.user_task_id = task.user_task_id.take().or(status.user_task_id.clone());
            task.last_status = status.task_status.map(i64::from).or(task.last_status);
        }
        Ok(())
    })?;
    for task in &mut order {
        task.contacts = task.seen_contacts.len() as u64;
    }
    let written = |error: std::io::Error| {
        CliError::failed(format!("cannot write to stdout: {}", io_reason(&error)))
    };
    if args.json {
        let text = serde_json::to_string_pretty(&order)
            .map_err(|error| CliError::failed(format!("cannot write the summary: {error}")))?;
        writeln!(out, "{text}").map_err(written)?;
    } else {
        print_text(&order, out).map_err(written)?;
    }
    if unreadable > 0 {
        eprintln!(
            "{} stored callbacks are not the documented JSON and are not counted: \
             `nxlink calls export --format jsonl` shows them",
            thousands(unreadable)
        );
    }
    Ok(Outcome::Done)
}

fn print_text(tasks: &[TaskSummary], out: &mut dyn Write) -> std::io::Result<()> {
    if tasks.is_empty() {
        return writeln!(out, "no call records stored (yet) for this selection");
    }
    for task in tasks {
        let user = task
            .user_task_id
            .as_deref()
            .map(|id| format!(" (userTaskId {id})"))
            .unwrap_or_default();
        let status = task
            .last_status
            .map(|code| {
                format!(
                    ", last status {code} {}",
                    status_name(TaskStatus::from_i64(code))
                )
            })
            .unwrap_or_default();
        writeln!(out, "task {}{user}{status}", task.task_id)?;
        let share = |part: u64| {
            if task.calls == 0 {
                String::new()
            } else {
                format!(
                    " ({:.1}% of calls)",
                    part as f64 * 100.0 / task.calls as f64
                )
            }
        };
        writeln!(out, "  calls dialled   {}", thousands(task.calls))?;
        writeln!(
            out,
            "  contacts        {} ({} finished: their last attempt reported)",
            thousands(task.contacts),
            thousands(task.finished_contacts)
        )?;
        writeln!(
            out,
            "  answered        {}{}",
            thousands(task.answered),
            share(task.answered)
        )?;
        writeln!(out, "  by callResult   {}", counts(&task.by_call_result))?;
        writeln!(out, "  by intent       {}", counts(&task.by_intent))?;
        if task.redelivered > 0 {
            writeln!(
                out,
                "  ({} calls arrived more than once and are counted once)",
                thousands(task.redelivered)
            )?;
        }
    }
    Ok(())
}

fn counts(counts: &BTreeMap<String, u64>) -> String {
    if counts.is_empty() {
        return "-".to_owned();
    }
    counts
        .iter()
        .map(|(key, count)| format!("{key}: {}", thousands(*count)))
        .collect::<Vec<_>>()
        .join(" · ")
}
