//! Test data and small drivers shared by the endpoint tests: numbered contacts whose numbers
//! give mixed call outcomes, tasks with an always-open window, local-time conversion to check
//! calling windows independently of the emulator, and helpers that move the emulator's clock.

use std::time::Duration;

use nxlink::model::{CallWindow, Contact, CreateTaskRequest, HourSet, TaskStatus, WeekDays};
use nxlink_testkit::{Clock, Emulator, ManualClock, SEEDED_ROUTES, SystemClock};

/// The seeded agent every test task uses ("Parcel Notification").
pub const FLOW_ID: i64 = 197;

/// Path of call/append, for fault rules and request counts.
pub const APPEND_PATH: &str = "/openapi/aiagent/call/append";

/// `count` contacts `{prefix}-00000`, `{prefix}-00001`, …; contact `i` has the number
/// `1380` followed by `i` on 7 digits, so its last digit (and the emulator's default outcome
/// rule: 0–5 answered, 6–7 not answered, 8–9 busy) cycles with `i`. Each carries
/// `other = "other-{id}"` and one variable.
pub fn contacts(prefix: &str, count: usize) -> Vec<Contact> {
    (0..count)
        .map(|i| {
            let id = format!("{prefix}-{i:05}");
            Contact::new(id.clone(), format!("Contact {i}"), format!("1380{i:07}"))
                .with_other(format!("other-{id}"))
                .with_param("customerName", format!("Contact {i}"))
        })
        .collect()
}

/// Dialling allowed every day, every quarter-hour.
pub fn open_window() -> CallWindow {
    CallWindow::every_quarter(WeekDays::ALL, HourSet::ALL)
}

/// A manually started task on the seeded agent and route, open all week, in UTC+8, with
/// `contacts`.
pub fn task(name: &str, contacts: Vec<Contact>) -> CreateTaskRequest {
    windowed_task(name, open_window(), contacts)
}

/// Like [`task`], dialling only inside `window`.
pub fn windowed_task(name: &str, window: CallWindow, contacts: Vec<Contact>) -> CreateTaskRequest {
    CreateTaskRequest::new(name, FLOW_ID, SEEDED_ROUTES[0].0, window)
        .with_zone_second(28_800)
        .with_contacts(contacts)
}

/// What the emulator's default rule makes of a number: 1 answered, 2 not answered, 3 busy.
pub fn expected_result(phone_number: &str) -> i64 {
    match phone_number.bytes().last() {
        Some(b'6' | b'7') => 2,
        Some(b'8' | b'9') => 3,
        _ => 1,
    }
}

/// Week day (1 = Monday … 7 = Sunday), hour and minute of `epoch_seconds` in the zone
/// `zone_second` seconds east of UTC; written here, not borrowed from the emulator, so that
/// window checks are independent of the code under test.
pub fn local_time(epoch_seconds: i64, zone_second: i32) -> (u8, u8, u8) {
    let local = epoch_seconds + i64::from(zone_second);
    let days = local.div_euclid(86_400);
    let of_day = local.rem_euclid(86_400);
    // 1970-01-01 was a Thursday: day 0 → 4.
    let week_day = u8::try_from((days + 3).rem_euclid(7) + 1).expect("1..=7");
    let hour = u8::try_from(of_day / 3_600).expect("0..=23");
    let minute = u8::try_from(of_day % 3_600 / 60).expect("0..=59");
    (week_day, hour, minute)
}

/// The first local midnight at or after `after_ms` that falls on `week_day` (1 = Monday), in
/// the zone `zone_second`, as epoch milliseconds.
pub fn next_local_midnight(after_ms: i64, zone_second: i32, week_day: u8) -> i64 {
    let zone_ms = i64::from(zone_second) * 1_000;
    let day_ms = 86_400_000;
    let mut midnight = (after_ms + zone_ms).div_euclid(day_ms) * day_ms - zone_ms;
    while midnight < after_ms || local_time(midnight / 1_000, zone_second).0 != week_day {
        midnight += day_ms;
    }
    midnight
}

/// Puts a manual clock back on the wall clock, so that a client (which signs with the wall
/// clock) is within the gateway's ±60 s window again after a simulation ran ahead.
pub fn realign(clock: &ManualClock) {
    clock.set_ms(SystemClock.now_ms());
}

/// Advances the emulator's manual clock one minute at a time until the task is finished
/// (completed or failed), at most `limit`; returns the simulated minutes it took. Small
/// steps keep each callback's `ts` within a minute of the clock its receiver checks against.
pub async fn run_until_finished(emulator: &Emulator, task_id: &str, limit: Duration) -> u64 {
    let mut minutes = 0;
    while !emulator
        .task(task_id)
        .expect("the task exists")
        .status
        .is_finished()
    {
        assert!(
            Duration::from_secs(minutes * 60) < limit,
            "task {task_id} not finished after {minutes} simulated minutes"
        );
        emulator
            .advance(Duration::from_secs(60))
            .await
            .expect("the emulator runs on a manual clock");
        minutes += 1;
    }
    minutes
}

/// How many requests to `path` the emulator has received.
pub fn requests_to(emulator: &Emulator, path: &str) -> usize {
    emulator
        .requests()
        .iter()
        .filter(|request| request.path == path)
        .count()
}

/// The `contactId` of the first contact in each call/append body that suffered an injected
/// fault: which batches the faults hit (requests are numbered as they arrive but recorded as
/// they are answered, so the record's order is not the fault's numbering).
pub fn first_contacts_of_faulted_appends(emulator: &Emulator) -> Vec<String> {
    emulator
        .requests()
        .into_iter()
        .filter(|request| request.path == APPEND_PATH && request.fault.is_some())
        .map(|request| {
            let body: serde_json::Value =
                serde_json::from_slice(&request.body).expect("the body is JSON");
            body["list"][0]["contactId"]
                .as_str()
                .expect("a contact id")
                .to_owned()
        })
        .collect()
}

/// Whether a task's status is `status`, as the emulator holds it.
pub fn has_status(emulator: &Emulator, task_id: &str, status: TaskStatus) -> bool {
    emulator
        .task(task_id)
        .is_some_and(|task| task.status == status)
}
