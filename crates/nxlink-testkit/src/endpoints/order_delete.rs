//! `POST /openapi/aiagent/order/delete` (spec §3.2): remove a contact that was never
//! dialled from one of the caller's tasks, named by `taskId` or `userTaskId` (which wins
//! when both are given; the newest task with that id). Success answers `data: null`, as
//! the documented example does. Refusals (20000): `task not found`, `contact not found`
//! (also for one deleted already), `contact cannot be deleted: already dialled`.

use nxlink_model::{DeleteContactRequest, TaskRef};
use serde_json::Value;

use crate::common_checks::Caller;
use crate::gateway_state::GatewayState;
use crate::import::refusal;
use crate::reply::Reply;
use crate::task_table::DeleteRefusal;

/// Where this endpoint lives.
pub(crate) const PATH: &str = "/openapi/aiagent/order/delete";

/// Deletes the contact, or says why not.
pub(crate) fn handle(gateway: &GatewayState, caller: &Caller, body: &[u8]) -> Reply {
    let request = match DeleteContactRequest::from_json(body) {
        Ok(request) => request,
        Err(error) => return refusal(error),
    };
    gateway.tasks.with(|table| {
        let entry = match &request.task {
            TaskRef::Id(task_id) => table.owned_mut(&caller.access_key, task_id),
            TaskRef::UserTaskId(user_task_id) => {
                table.owned_by_user_id_mut(&caller.access_key, user_task_id)
            }
        };
        let Some(entry) = entry else {
            return Reply::business("task not found");
        };
        match entry.delete_contact(&request.contact_id) {
            Ok(()) => Reply::success(
                &Value::Null,
                format!(
                    "contact {} deleted from task {}",
                    request.contact_id, entry.task.task_id
                ),
            ),
            Err(DeleteRefusal::NotFound) => Reply::business("contact not found"),
            Err(DeleteRefusal::AlreadyDialled) => {
                Reply::business("contact cannot be deleted: already dialled")
            }
        }
    })
}
