//! Finding a task by the caller's own `userTaskId`. task/list has no such filter, so every
//! task of the account is read (1000 per page, newest first) and compared here; two tasks
//! sharing the id are reported rather than guessed between.

use futures_util::TryStreamExt;
use nxlink::Client;
use nxlink::model::ListTasksRequest;

use crate::cli::TaskSelector;
use crate::errors::{CliError, stderr_line};

/// The gateway's task id for a selector: given, or looked up by userTaskId.
pub(crate) async fn task_id(client: &Client, selector: &TaskSelector) -> Result<String, CliError> {
    match (&selector.task, &selector.user_task_id) {
        (Some(task_id), _) => Ok(task_id.clone()),
        (None, Some(user_task_id)) => {
            let task_id = resolve(client, user_task_id).await?;
            stderr_line!("userTaskId {user_task_id} is task {task_id}");
            Ok(task_id)
        }
        // clap requires one of the two.
        (None, None) => Err(CliError::usage("give --task ID or --user-task-id ID")),
    }
}

/// Walks every task of the account for the one whose userTaskId is `user_task_id`.
pub(crate) async fn resolve(client: &Client, user_task_id: &str) -> Result<String, CliError> {
    let tasks = client.all_tasks(ListTasksRequest::new().with_page_size(1000));
    futures_util::pin_mut!(tasks);
    let mut scanned = 0u64;
    let mut found = Vec::new();
    while let Some(task) = tasks.try_next().await.map_err(|error| {
        CliError::sdk(format!("looking up userTaskId {user_task_id}"), error)
            .on_gateway(client.base_url())
    })? {
        scanned += 1;
        if task.user_task_id.as_deref() == Some(user_task_id) {
            found.push(task.task_id.unwrap_or_default());
        }
    }
    match found.len() {
        1 => Ok(found.swap_remove(0)),
        0 => Err(CliError::Failed {
            message: format!("no task has userTaskId {user_task_id:?} (looked at {scanned} tasks)"),
            hint: Some(
                "check the id, and the account and region (`nxlink config show`); \
                 `nxlink tasks` lists the tasks"
                    .to_owned(),
            ),
        }),
        _ => Err(CliError::Failed {
            message: format!(
                "{} tasks have userTaskId {user_task_id:?}: {}",
                found.len(),
                found.join(", ")
            ),
            hint: Some("name the task by its id with --task ID".to_owned()),
        }),
    }
}
