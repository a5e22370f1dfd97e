//! The dialer: one step of the call simulation at a given moment, over every task.
//!
//! At each step, for each task, in this order:
//! 1. a scheduled task (`startupType` 2) that is still ready starts once the moment reaches
//!    `startupAt` (status 1 → 2);
//! 2. calls whose end has come are finished, each becoming a call record: an answered
//!    contact, or one that used its `orderMaxCall` attempts, is finished; any other is
//!    redialled `replayInterval` seconds after the call ended;
//! 3. a task in progress past its `shutdownAt` is paused (status 5; `shutdownAt` is the
//!    "scheduled pause time" of spec §2.2) and dials no more;
//! 4. a task in progress whose calling window is open at that moment in its own time zone
//!    (`zoneSecond`) dials due contacts, oldest due first, while fewer than `maxCall` calls
//!    ([`DEFAULT_MAX_CALL`] when 0 or absent) are in progress;
//! 5. a task in progress that is not permanent (`taskKeep` 0), has contacts, and has none
//!    pending or in progress is completed (status 3).
//!
//! Every status change and finished call yields its callback. Calls start at the step's
//! moment, so a call's `callStart` is always inside the window; how long it rings and talks
//! comes from [`crate::outcome`].

use nxlink_model::{StartMode, TaskStatus};

use crate::accounts::Accounts;
use crate::calendar::local_time;
use crate::call_outcome::CallOutcome;
use crate::call_record;
use crate::callbacks::Callback;
use crate::catalog::Catalog;
use crate::contact::ContactState;
use crate::ids::IdSource;
use crate::notify;
use crate::outcome::{OutcomeRule, timing};
use crate::task_table::{ActiveCall, RowIds, TaskEntry, TaskTable};

/// Concurrent calls of a task whose `maxCall` is 0 or absent.
pub const DEFAULT_MAX_CALL: u32 = 10;

/// What a step needs besides the tasks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context<'a> {
    pub(crate) catalog: &'a Catalog,
    pub(crate) accounts: &'a Accounts,
    pub(crate) outcomes: &'a OutcomeRule,
    pub(crate) ids: &'a IdSource,
}

/// Runs one step at `now_ms` over every task; returns the callbacks it produced, in order.
pub(crate) fn step(table: &mut TaskTable, now_ms: i64, context: Context<'_>) -> Vec<Callback> {
    let mut callbacks = Vec::new();
    let (tasks, rows) = table.tasks_mut();
    for entry in tasks {
        step_task(entry, now_ms, rows, context, &mut callbacks);
    }
    callbacks
}

fn step_task(
    entry: &mut TaskEntry,
    now_ms: i64,
    rows: &mut RowIds,
    context: Context<'_>,
    callbacks: &mut Vec<Callback>,
) {
    if entry.task.status == TaskStatus::Ready
        && entry.task.started_at_ms.is_none()
        && let StartMode::Scheduled { at } = entry.task.request.start
        && now_ms >= at.saturating_mul(1000)
    {
        callbacks.extend(change_status(
            entry,
            TaskStatus::InProgress,
            now_ms,
            context,
        ));
    }
    callbacks.extend(finish_calls(entry, now_ms, rows, context));
    if entry.task.status != TaskStatus::InProgress {
        return;
    }
    let request = &entry.task.request;
    if request
        .shutdown_at
        .is_some_and(|at| now_ms >= at.saturating_mul(1000))
    {
        callbacks.extend(change_status(entry, TaskStatus::Paused, now_ms, context));
        return;
    }
    let local = local_time(now_ms, request.zone_second);
    if request
        .window
        .allows(local.week_day, local.hour, local.minute)
    {
        dial(entry, now_ms, context);
    }
    if !entry.task.request.task_keep && entry.is_drained() {
        callbacks.extend(change_status(entry, TaskStatus::Completed, now_ms, context));
    }
}

/// Sets a task's status; the task-status callback when it changed and the task has a URL.
pub(crate) fn change_status(
    entry: &mut TaskEntry,
    status: TaskStatus,
    now_ms: i64,
    context: Context<'_>,
) -> Option<Callback> {
    if entry.set_status(status, now_ms) {
        notify::status_changed(entry, context.catalog, context.accounts)
    } else {
        None
    }
}

/// Starts calls to due contacts while the task has capacity.
fn dial(entry: &mut TaskEntry, now_ms: i64, context: Context<'_>) {
    let request = &entry.task.request;
    let max_call = match request.max_call {
        None | Some(0) => DEFAULT_MAX_CALL,
        Some(max) => max,
    };
    let max_call = usize::try_from(max_call).unwrap_or(usize::MAX);
    let max_ring = request.max_ring_time.unwrap_or(0);
    while entry.active.len() < max_call {
        let Some(position) = entry.take_due(now_ms) else {
            break;
        };
        let Some(contact) = entry.contacts.get_mut(position) else {
            continue;
        };
        let attempt = contact.attempts.saturating_add(1);
        let outcome = context.outcomes.decide(contact, attempt);
        contact.attempts = attempt;
        let timing = timing(contact.contact_id(), attempt, outcome, max_ring);
        let duration_ms = i64::from(timing.ring.saturating_add(timing.talk)) * 1000;
        entry.active.push(ActiveCall {
            position,
            attempt,
            call_id: context.ids.call_id(),
            outcome,
            timing,
            start_ms: now_ms,
            end_ms: now_ms.saturating_add(duration_ms),
        });
    }
}

/// Finishes the calls that have ended by `now_ms`, in the order they ended.
fn finish_calls(
    entry: &mut TaskEntry,
    now_ms: i64,
    rows: &mut RowIds,
    context: Context<'_>,
) -> Vec<Callback> {
    let mut callbacks = Vec::new();
    if entry.active.iter().all(|call| call.end_ms > now_ms) {
        return callbacks;
    }
    let (mut ended, running): (Vec<ActiveCall>, Vec<ActiveCall>) =
        std::mem::take(&mut entry.active)
            .into_iter()
            .partition(|call| call.end_ms <= now_ms);
    entry.active = running;
    ended.sort_by_key(|call| call.end_ms);
    let order_max_call = entry.task.request.order_max_call.max(1);
    let replay_ms = i64::from(entry.task.request.replay_interval) * 1000;
    for call in ended {
        let last = call.outcome == CallOutcome::Answered || call.attempt >= order_max_call;
        if let Some(contact) = entry.contacts.get_mut(call.position) {
            contact.last_outcome = Some(call.outcome);
            if last {
                contact.state = ContactState::Finished;
            }
        }
        if !last {
            entry.redial_at(call.position, call.end_ms.saturating_add(replay_ms));
        }
        let record = call_record::finished(entry, &call, last, rows.next(), context.catalog);
        callbacks.extend(notify::call_finished(entry, &record, context.accounts));
        entry.calls.push(record);
    }
    callbacks
}
