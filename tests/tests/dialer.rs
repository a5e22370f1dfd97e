//! The emulator's dialer honours the task: its calling window (in the task's time zone),
//! `orderMaxCall`, `replayInterval`, and the scheduled start and stop; a simulated week takes
//! milliseconds on a manual clock. Calls are read back through call/list.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use futures_util::TryStreamExt;
use nxlink::Client;
use nxlink::model::{
    CallRecord, CallWindow, HourSet, ListCallsRequest, ListTasksRequest, StartMode, TaskStatus,
    WeekDays,
};
use nxlink_integration_tests::client_for;
use nxlink_integration_tests::fixtures::{
    contacts, expected_result, has_status, local_time, next_local_midnight, realign, task,
    windowed_task,
};
use nxlink_testkit::{Clock, Emulator, ManualClock};

const ZONE: i32 = 28_800; // UTC+8
const DAY: Duration = Duration::from_secs(86_400);
const SATURDAY: u8 = 6;
const MONDAY: u8 = 1;

fn hours(list: &[u8]) -> HourSet {
    HourSet::from_hours(list.iter().copied()).expect("hours in range")
}

/// Monday to Friday, 9–11 and 14–16 o'clock, but only some quarters of those hours.
fn office_window() -> CallWindow {
    CallWindow {
        week_days: WeekDays::MONDAY_TO_FRIDAY,
        first_fifteen: hours(&[9, 14]),
        second_fifteen: hours(&[9, 10, 15]),
        third_fifteen: hours(&[10, 14, 16]),
        fourth_fifteen: hours(&[11, 16]),
    }
}

async fn setup() -> (Emulator, ManualClock, Client) {
    let clock = ManualClock::starting_now();
    let emulator = Emulator::builder()
        .clock(clock.clone())
        .start()
        .await
        .expect("emulator starts");
    let client = client_for(&emulator);
    (emulator, clock, client)
}

async fn calls_of(client: &Client, task_id: &str) -> Vec<CallRecord> {
    client
        .all_calls(ListCallsRequest::new(task_id).with_page_size(50))
        .try_collect()
        .await
        .expect("every call")
}

fn start(call: &CallRecord) -> i64 {
    call.call_start.expect("callStart")
}

/// The most calls in progress at once, each call lasting `[callStart, callEnd)`.
fn max_concurrent(calls: &[CallRecord]) -> usize {
    let mut events: Vec<(i64, i32)> = calls
        .iter()
        .flat_map(|call| [(start(call), 1), (call.call_end.expect("callEnd"), -1)])
        .collect();
    // At equal times, ends before starts.
    events.sort_unstable();
    let (mut now, mut most) = (0_i32, 0_i32);
    for (_, change) in events {
        now += change;
        most = most.max(now);
    }
    usize::try_from(most).expect("not negative")
}

#[tokio::test]
async fn a_simulated_week_dials_only_inside_the_window_and_redials_as_configured() {
    let (emulator, clock, client) = setup().await;
    let window = office_window();
    let input = contacts("week", 60); // 36 answer, 12 never answer, 12 are busy
    let request = windowed_task("office hours", window, input.clone())
        .with_zone_second(ZONE)
        .with_start(StartMode::Manual)
        .with_order_max_call(3)
        .with_replay_interval(600)
        .with_max_call(1);
    let task_id = client.create_task(&request).await.expect("created").task_id;

    // Start on a Saturday, local midnight: the weekend must stay silent.
    let saturday = next_local_midnight(clock.now_ms(), ZONE, SATURDAY);
    clock.set_ms(saturday);
    assert!(emulator.start_task(&task_id));
    emulator.advance(7 * DAY).await.expect("manual clock");
    assert!(has_status(&emulator, &task_id, TaskStatus::Completed));

    realign(&clock);
    let calls = calls_of(&client, &task_id).await;
    assert_eq!(calls.len(), 36 + 12 * 3 + 12 * 3, "calls did happen");

    // Every call started in an open (week day, hour, quarter) slot of the task's zone.
    let monday_nine = saturday / 1_000 + 2 * 86_400 + 9 * 3_600;
    let mut slots = HashSet::new();
    for call in &calls {
        let (week_day, hour, minute) = local_time(start(call), ZONE);
        assert!(
            window.allows(week_day, hour, minute),
            "call {:?} at day {week_day} {hour:02}:{minute:02} is outside the window",
            call.call_id
        );
        assert!(start(call) >= monday_nine);
        slots.insert((week_day, hour, minute / 15));
    }
    assert!(
        slots.len() >= 5,
        "dialling spread over {} slots",
        slots.len()
    );

    // Per contact: at most orderMaxCall attempts, redials at least replayInterval apart.
    let mut per_contact: BTreeMap<String, Vec<&CallRecord>> = BTreeMap::new();
    for call in &calls {
        per_contact
            .entry(call.contact_id.clone().expect("contactId"))
            .or_default()
            .push(call);
    }
    assert_eq!(per_contact.len(), 60);
    let mut longest_wait = 0;
    for (contact_id, attempts) in &per_contact {
        let number = &input
            .iter()
            .find(|c| &c.contact_id == contact_id)
            .expect("an input contact")
            .phone_number;
        let expected = if expected_result(number) == 1 { 1 } else { 3 };
        assert_eq!(attempts.len(), expected, "{contact_id}");
        assert!(attempts.len() <= 3);
        for pair in attempts.windows(2) {
            let ended = pair[0].call_end.expect("callEnd");
            let wait = start(pair[1]) - ended;
            assert!(
                wait >= 600,
                "{contact_id}: redialled {wait} s after the last call"
            );
            longest_wait = longest_wait.max(wait);
        }
        assert!(attempts.last().expect("an attempt").is_last_attempt());
    }
    // Some redial fell due while the window was closed and waited for it to reopen.
    assert!(
        longest_wait > 600 + 15 * 60,
        "longest wait {longest_wait} s"
    );

    let listed = client
        .list_tasks(&ListTasksRequest::new().with_task_status(TaskStatus::Completed))
        .await
        .expect("listed");
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].task_id.as_deref(), Some(task_id.as_str()));
}

#[tokio::test]
async fn a_closed_window_dials_nothing_until_it_opens() {
    let (emulator, clock, client) = setup().await;
    let sunday_only =
        CallWindow::every_quarter(WeekDays::from_days([7]).expect("Sunday"), hours(&[10]));
    let request = windowed_task("sundays", sunday_only, contacts("sun", 4)).with_zone_second(ZONE);
    let task_id = client.create_task(&request).await.expect("created").task_id;

    let monday = next_local_midnight(clock.now_ms(), ZONE, MONDAY);
    clock.set_ms(monday);
    assert!(emulator.start_task(&task_id));
    emulator.advance(6 * DAY).await.expect("manual clock");
    assert!(
        emulator.calls(&task_id).is_empty(),
        "Monday to Saturday: silent"
    );
    assert!(has_status(&emulator, &task_id, TaskStatus::InProgress));

    emulator.advance(DAY).await.expect("manual clock");
    realign(&clock);
    let calls = calls_of(&client, &task_id).await;
    assert_eq!(calls.len(), 4);
    for call in &calls {
        let (week_day, hour, _) = local_time(start(call), ZONE);
        assert_eq!((week_day, hour), (7, 10));
    }
    assert!(has_status(&emulator, &task_id, TaskStatus::Completed));
}

#[tokio::test]
async fn a_scheduled_task_starts_at_startup_at_and_pauses_at_shutdown_at() {
    let (emulator, clock, client) = setup().await;
    let begin = clock.now_ms() / 1_000 + 3_600;
    let end = begin + 1_800;
    let request = task("scheduled", contacts("sched", 200))
        .with_max_call(2)
        .with_start(StartMode::Scheduled { at: begin })
        .with_shutdown_at(end);
    let created = client.create_task(&request).await.expect("created");
    assert_eq!(created.status, TaskStatus::Ready);

    emulator
        .advance(Duration::from_secs(2 * 3_600))
        .await
        .expect("manual clock");
    assert!(has_status(&emulator, &created.task_id, TaskStatus::Paused));
    realign(&clock);
    let calls = calls_of(&client, &created.task_id).await;
    assert!(!calls.is_empty());
    assert!(calls.len() < 200, "paused before every contact was called");
    assert_eq!(max_concurrent(&calls), 2, "maxCall 2, both lines used");
    for call in &calls {
        assert!((begin..end).contains(&start(call)), "{:?}", call.call_start);
    }
}
