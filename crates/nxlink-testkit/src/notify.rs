//! What the gateway tells the customer, and where: the task-status callback on a status
//! change (to `taskCallbackUrl`) and the call-record callback on a finished attempt (to the
//! `callCallbackUrl` in effect for the contact). No URL, no callback.

use bytes::Bytes;
use nxlink_model::{CallRecord, TaskStatusCallback};
use serde::Serialize;

use crate::accounts::Accounts;
use crate::callbacks::{Callback, CallbackKind};
use crate::catalog::Catalog;
use crate::stats::task_stats;
use crate::task_table::TaskEntry;

/// The task-status callback for the task's current status, if it has a URL.
pub(crate) fn status_changed(
    entry: &TaskEntry,
    catalog: &Catalog,
    accounts: &Accounts,
) -> Option<Callback> {
    let task = &entry.task;
    let request = &task.request;
    let url = request.task_callback_url.as_deref()?;
    let payload = TaskStatusCallback {
        task_id: Some(task.task_id.clone()),
        user_task_id: request.user_task_id.clone(),
        other: request.other.clone(),
        auto_flow_id: Some(request.auto_flow_id),
        auto_flow_name: catalog.flow_name(request.auto_flow_id).map(str::to_owned),
        task_name: Some(request.task_name.clone()),
        task_status: Some(task.status),
        pause_reason: task.status.is_paused().then_some(0),
        create_ts: Some(task.create_ts()),
        stat_info: Some(task_stats(entry)),
        extra: serde_json::Map::new(),
    };
    callback(
        CallbackKind::TaskStatus,
        url,
        &payload,
        &task.access_key,
        accounts,
    )
}

/// The call-record callback of a finished attempt, if a URL is in effect for its contact.
pub(crate) fn call_finished(
    entry: &TaskEntry,
    record: &CallRecord,
    accounts: &Accounts,
) -> Option<Callback> {
    let url = record.call_callback_url.as_deref()?;
    callback(
        CallbackKind::CallRecord,
        url,
        record,
        &entry.task.access_key,
        accounts,
    )
}

fn callback(
    kind: CallbackKind,
    url: &str,
    payload: &impl Serialize,
    access_key: &str,
    accounts: &Accounts,
) -> Option<Callback> {
    let credentials = accounts.find(access_key)?.clone();
    let body = serde_json::to_vec(payload).ok()?;
    Some(Callback {
        number: 0,
        kind,
        url: url.to_owned(),
        body: Bytes::from(body),
        credentials,
    })
}
