//! `POST /openapi/aiagent/task/create` (spec §2.1): validate, refuse bad numbers one by one
//! into `errList`, check the agent and route exist, store the task with the rest.

use nxlink_model::{CreateTaskRequest, CreateTaskResult, StartMode, TaskStatus};

use super::count;
use crate::common_checks::Caller;
use crate::gateway_state::GatewayState;
use crate::import::{Import, Shape};
use crate::repeats::RepeatedUserTaskIds;
use crate::reply::Reply;
use crate::task::StoredTask;

/// Where this endpoint lives.
pub(crate) const PATH: &str = "/openapi/aiagent/task/create";

/// How task/create carries its contacts.
const SHAPE: Shape<CreateTaskRequest> = Shape {
    key: "callList",
    parse: CreateTaskRequest::from_json,
    reparse: CreateTaskRequest::from_json,
    contacts: |request| &mut request.call_list,
};

/// Creates a task from the body, or answers 1002 (unreadable JSON) / 20000 (rule broken,
/// unknown `autoFlowId` or `routeId`).
pub(crate) fn handle(gateway: &GatewayState, caller: &Caller, body: &[u8]) -> Reply {
    let import = match Import::read(body, SHAPE, &gateway.numbers) {
        Ok(import) => import,
        Err(reply) => return reply,
    };
    if let Some(refusal) = unknown_catalog_entry(gateway, &import.request) {
        return refusal;
    }
    let rejected = import.rejected();
    let request = import.request;
    let status = match request.start {
        StartMode::Immediate => TaskStatus::InProgress,
        StartMode::Manual | StartMode::Scheduled { .. } => TaskStatus::Ready,
    };
    let now_ms = gateway.now_ms();
    let imported = request.call_list.len();
    let result = CreateTaskResult {
        task_id: gateway.ids.task_id(),
        user_task_id: request.user_task_id.clone().filter(|id| !id.is_empty()),
        task_status: status,
        success_count: count(imported),
        total_count: count(import.total),
        err_list: rejected.clone(),
    };
    let reason = format!(
        "task {} created, {imported} of {} contacts imported",
        result.task_id, import.total
    );
    let contacts = request.call_list.clone();
    let refuse_repeats = gateway.repeated_user_task_ids == RepeatedUserTaskIds::Refuse;
    let user_task_id = result.user_task_id.clone();
    let task = StoredTask {
        task_id: result.task_id.clone(),
        access_key: caller.access_key.clone(),
        request,
        status,
        created_at_ms: now_ms,
        started_at_ms: (status == TaskStatus::InProgress).then_some(now_ms),
        rejected,
    };
    // Checked and inserted under one lock: concurrent creates cannot both pass the check.
    let inserted = gateway.tasks.with(|table| {
        if let Some(id) = user_task_id.as_deref().filter(|_| refuse_repeats)
            && table.owned_by_user_id_mut(&caller.access_key, id).is_some()
        {
            return false;
        }
        table.insert(task, contacts, now_ms);
        true
    });
    if !inserted {
        return Reply::business(format!(
            "userTaskId already exists:{}",
            user_task_id.unwrap_or_default()
        ));
    }
    Reply::success(&result, reason)
}

/// 20000 when the request names an agent or route the gateway does not have.
fn unknown_catalog_entry(gateway: &GatewayState, request: &CreateTaskRequest) -> Option<Reply> {
    if gateway.catalog.flow_name(request.auto_flow_id).is_none() {
        Some(Reply::business("autoFlowId not found"))
    } else if !gateway.catalog.has_route(&request.route_id) {
        Some(Reply::business("routeId not found"))
    } else {
        None
    }
}
