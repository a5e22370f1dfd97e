//! Finding a task by the caller's own `userTaskId`, through the SDK's lookup; two tasks
//! sharing the id are reported rather than guessed between.

use nxlink::Client;

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

/// The one task whose userTaskId is `user_task_id` (see
/// [`Client::find_tasks_by_user_task_id`]); none or several is an error saying so.
pub(crate) async fn resolve(client: &Client, user_task_id: &str) -> Result<String, CliError> {
    let mut found: Vec<String> = client
        .find_tasks_by_user_task_id(user_task_id)
        .await
        .map_err(|error| {
            CliError::sdk(format!("looking up userTaskId {user_task_id}"), error)
                .on_gateway(client.base_url())
        })?
        .into_iter()
        .map(|task| task.task_id.unwrap_or_default())
        .collect();
    match found.len() {
        1 => Ok(found.swap_remove(0)),
        0 => Err(CliError::Failed {
            message: format!("no task of the account has userTaskId {user_task_id:?}"),
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
