//! `nxlink contacts delete --task ID|--user-task-id ID --contact ID`: removes a contact that
//! has not been dialled yet. order/delete takes a userTaskId itself: no lookup is needed.

use std::io::Write;

use nxlink::model::{DeleteContactRequest, TaskRef};

use crate::cli::DeleteArgs;
use crate::commands::Outcome;
use crate::config::Settings;
use crate::errors::CliError;

/// Deletes the contact.
pub(crate) async fn run(
    args: &DeleteArgs,
    settings: &Settings,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let task = match (&args.task.task, &args.task.user_task_id) {
        (Some(id), _) => TaskRef::id(id.clone()),
        (None, Some(id)) => TaskRef::user_task_id(id.clone()),
        (None, None) => return Err(CliError::usage("give --task ID or --user-task-id ID")),
    };
    let request = DeleteContactRequest::new(task.clone(), args.contact.clone());
    let client = settings.client(None)?;
    client.delete_contact(&request).await.map_err(|error| {
        CliError::sdk(
            format!("deleting contact {} from {task}", args.contact),
            error,
        )
        .on_gateway(client.base_url())
    })?;
    writeln!(
        out,
        "deleted contact {} from the task with {task}",
        args.contact
    )?;
    Ok(Outcome::Done)
}
