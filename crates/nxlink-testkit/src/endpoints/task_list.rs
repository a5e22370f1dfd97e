//! `POST /openapi/aiagent/task/list` (spec §2.2): the caller's tasks, newest first, with
//! every documented filter, paged. `taskName` matches a case-insensitive substring;
//! `createStartTs`/`createEndTs` bound `createTs` (epoch seconds, inclusive); the answered
//! rate is answered calls over calls in percent (0 for a task without calls); the total
//! quantity is the task's contacts, deleted ones aside.

use nxlink_model::{ListTasksRequest, TaskInfo};

use super::parse;
use crate::catalog::{Catalog, contains_ignoring_case};
use crate::common_checks::Caller;
use crate::gateway_state::GatewayState;
use crate::page;
use crate::reply::Reply;
use crate::stats::{answered_rate, task_stats, total_contacts};
use crate::task_table::TaskEntry;

/// Where this endpoint lives.
pub(crate) const PATH: &str = "/openapi/aiagent/task/list";

/// One page of the caller's tasks.
pub(crate) fn handle(gateway: &GatewayState, caller: &Caller, body: &[u8]) -> Reply {
    let request: ListTasksRequest = match parse(body) {
        Ok(request) => request,
        Err(reply) => return reply,
    };
    let name = request.task_name.as_deref().map(str::to_lowercase);
    let page = gateway.tasks.with(|table| {
        let tasks = table.tasks().rev().filter(|entry| {
            entry.task.access_key == caller.access_key && selected(entry, &request, name.as_deref())
        });
        page::cut(tasks, request.page_number, request.page_size, |entry| {
            task_info(entry, &gateway.catalog)
        })
    });
    page::reply(&page, gateway.page_shape, "tasks")
}

/// True when the task passes every filter of the request.
fn selected(entry: &TaskEntry, request: &ListTasksRequest, name: Option<&str>) -> bool {
    let task = &entry.task;
    let create_ts = task.create_ts();
    let within = |value: f64, min: Option<f64>, max: Option<f64>| {
        min.is_none_or(|min| value >= min) && max.is_none_or(|max| value <= max)
    };
    name.is_none_or(|name| contains_ignoring_case(&task.request.task_name, name))
        && request
            .task_status
            .is_none_or(|status| status == task.status)
        && request
            .create_start_ts
            .is_none_or(|start| create_ts >= start)
        && request.create_end_ts.is_none_or(|end| create_ts <= end)
        && (request.min_calls_answered_rate.is_none() && request.max_calls_answered_rate.is_none()
            || within(
                answered_rate(entry),
                request.min_calls_answered_rate,
                request.max_calls_answered_rate,
            ))
        && request
            .min_task_total_quantity
            .is_none_or(|min| total_contacts(entry) >= min)
        && request
            .max_task_total_quantity
            .is_none_or(|max| total_contacts(entry) <= max)
}

/// The task as task/list reports it (`CallTaskInfoVO`).
fn task_info(entry: &TaskEntry, catalog: &Catalog) -> TaskInfo {
    let task = &entry.task;
    let request = &task.request;
    TaskInfo {
        id: Some(entry.row_id),
        task_id: Some(task.task_id.clone()),
        user_task_id: request.user_task_id.clone(),
        task_name: Some(request.task_name.clone()),
        task_desc: request.task_desc.clone(),
        task_status: Some(task.status),
        pause_reason: task.status.is_paused().then_some(0),
        auto_flow_id: Some(request.auto_flow_id),
        auto_flow_name: catalog.flow_name(request.auto_flow_id).map(str::to_owned),
        route_id: Some(request.route_id.clone()),
        create_ts: Some(task.create_ts()),
        startup_type: Some(i64::from(request.start.startup_type())),
        startup_at: request.start.startup_at(),
        shutdown_at: request.shutdown_at,
        week_day: Some(request.window.week_days.to_string()),
        zone_second: Some(i64::from(request.zone_second)),
        max_call: request.max_call.map(i64::from),
        max_ring_time: request.max_ring_time.map(i64::from),
        order_max_call: Some(i64::from(request.order_max_call)),
        replay_interval: Some(i64::from(request.replay_interval)),
        task_keep: Some(i64::from(request.task_keep)),
        task_callback_url: request.task_callback_url.clone(),
        other: request.other.clone(),
        stat_info: Some(task_stats(entry)),
        ..TaskInfo::default()
    }
}
