//! `nxlink tasks [filters]`: the account's tasks, newest first, every page. `--user-task-id`
//! filters here, as task/list cannot.

use std::io::Write;

use futures_util::TryStreamExt;
use nxlink::model::{ApiRequest, ListTasksRequest, TaskInfo, TaskStatus};

use crate::cli::TasksArgs;
use crate::commands::Outcome;
use crate::config::Settings;
use crate::errors::CliError;
use crate::output::{Columns, cell, print_list, status_name};
use crate::timestamps::{format_utc, time_flag};

/// The table form of a task.
const COLUMNS: Columns<TaskInfo> = Columns {
    headers: &[
        "TASK ID",
        "USER TASK ID",
        "NAME",
        "STATUS",
        "CREATED (UTC)",
        "CONTACTS",
        "DIALLED",
        "ANSWERED",
    ],
    cells: task_cells,
    empty: "no tasks match",
};

fn task_cells(task: &TaskInfo) -> Vec<String> {
    let stats = task.stat_info.as_ref();
    vec![
        cell(task.task_id.as_deref()),
        cell(task.user_task_id.as_deref()),
        cell(task.task_name.as_deref()),
        task.task_status.map_or_else(|| "-".to_owned(), status_name),
        cell(task.create_ts.map(format_utc)),
        cell(stats.and_then(|s| s.total_order_count)),
        cell(stats.and_then(|s| s.dialed_order_count)),
        cell(stats.and_then(|s| s.answer_rate.as_deref())),
    ]
}

/// Reads `--status`: a name or the number.
fn parse_status(text: &str) -> Result<TaskStatus, CliError> {
    let status = match text
        .trim()
        .to_ascii_lowercase()
        .replace(['_', ' '], "-")
        .as_str()
    {
        "ready" => TaskStatus::Ready,
        "in-progress" | "running" => TaskStatus::InProgress,
        "completed" | "done" => TaskStatus::Completed,
        "failed" => TaskStatus::Failed,
        "paused" => TaskStatus::Paused,
        "paused-balance" => TaskStatus::PausedInsufficientBalance,
        number => TaskStatus::from_i64(number.parse().map_err(|_| {
            CliError::usage(format!(
                "--status {text:?}: expected ready, in-progress, completed, failed, paused, \
                 paused-balance or a status number"
            ))
        })?),
    };
    Ok(status)
}

/// Lists the tasks.
pub(crate) async fn run(
    args: &TasksArgs,
    settings: &Settings,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let mut request = ListTasksRequest::new().with_page_size(args.output.page_size);
    request.task_name = args.name.clone();
    request.task_status = args.status.as_deref().map(parse_status).transpose()?;
    request.create_start_ts = time_flag("--created-after", &args.created_after)?;
    request.create_end_ts = time_flag("--created-before", &args.created_before)?;
    request.min_calls_answered_rate = args.min_answer_rate;
    request.max_calls_answered_rate = args.max_answer_rate;
    request.min_task_total_quantity = args.min_contacts;
    request.max_task_total_quantity = args.max_contacts;
    request
        .validate()
        .map_err(|errors| CliError::bad_filters(&errors))?;
    let client = settings.client(None)?;
    let gateway = client.base_url().to_owned();
    let wanted = args.user_task_id.clone();
    let items = client
        .all_tasks(request)
        .try_filter(move |task| {
            let keep = wanted
                .as_deref()
                .is_none_or(|id| task.user_task_id.as_deref() == Some(id));
            std::future::ready(keep)
        })
        .map_err(move |error| CliError::sdk("listing tasks", error).on_gateway(&gateway));
    print_list(items, &args.output, &COLUMNS, out).await?;
    Ok(Outcome::Done)
}
