//! The receiver killed while callbacks pour in: the emulator dials `NXLINK_WEBHOOK_CONTACTS`
//! contacts (default 10 000) with its callbacks pointed at the real `nxlink webhook serve`,
//! which is SIGKILLed three times during delivery and restarted on the same port and store.
//! The emulator posts again what was not answered 200; at the end the store holds exactly
//! one row per callback the emulator produced: none lost, none doubled. Printed as rows of
//! `cargo xtask faults`.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use nxlink_testkit::{CallbackKind, Emulator, RedeliverySchedule};
use rusqlite::Connection;

use crate::common::{Gateway, contacts_csv, run};
use crate::receiver_process::ReceiverProcess;

const KILLS: u64 = 3;

#[test]
fn a_receiver_killed_three_times_loses_and_doubles_nothing() {
    let contacts: u64 = std::env::var("NXLINK_WEBHOOK_CONTACTS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(10_000);
    // Long enough to outlast a restart: 12 attempts, pauses 0.1 s doubling to 1 s (~8 s).
    let gateway = Gateway::with(
        Emulator::builder()
            .callback_concurrency(16)
            .callback_redelivery(
                RedeliverySchedule::new(12, Duration::from_millis(100))
                    .longest_pause(Duration::from_secs(1)),
            ),
    );
    let store = gateway.scratch.path("callbacks.db");
    let first = ReceiverProcess::start(gateway.nxlink(), "127.0.0.1:0", &store, &[]);
    let listen = first.addr.to_string();
    let extra = format!(
        r#""maxCall":400,"taskCallbackUrl":"{}","callCallbackUrl":"{}","#,
        first.task_url(),
        first.call_url()
    );
    let task_id = gateway.create_task(&extra);
    let csv = gateway
        .scratch
        .write("contacts.csv", contacts_csv("kill", contacts as usize));
    assert_eq!(run(&mut gateway.append(&task_id, &csv)).code, 0);

    let emulator = gateway.emulator();
    assert!(emulator.start_task(&task_id));
    emulator.run_dialer_realtime(600.0).expect("dialer runs");
    let started = Instant::now();
    let mut receiver = Some(first);
    let mut kills = Vec::new();
    let mut checked_after_kills = 0;
    for kill in 1..=KILLS {
        let threshold = contacts * kill / (KILLS + 1);
        loop {
            let stored = receiver.as_ref().map_or(0, ReceiverProcess::stored);
            if stored >= threshold {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(300),
                "stuck at {stored} rows"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        let running = receiver.take().expect("running");
        let at = running.stored();
        running.kill();
        kills.push(at);
        // Every call record answered 200 before the kill is on disk: stored, then answered.
        let acknowledged: Vec<String> = emulator
            .callback_deliveries()
            .iter()
            .filter(|d| d.is_delivered() && d.kind == CallbackKind::CallRecord)
            .filter_map(|d| d.json()?.get("callId")?.as_str().map(str::to_owned))
            .collect();
        let on_disk = stored_call_ids(&store);
        let missing = acknowledged
            .iter()
            .filter(|id| !on_disk.contains(*id))
            .count();
        assert_eq!(
            missing, 0,
            "answered 200 but not in the store after SIGKILL {kill}"
        );
        checked_after_kills += acknowledged.len();
        std::thread::sleep(Duration::from_millis(300));
        receiver = Some(ReceiverProcess::start(
            gateway.nxlink(),
            &listen,
            &store,
            &[],
        ));
    }
    while !emulator.task(&task_id).expect("task").status.is_finished() {
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "task not finished"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    emulator.stop_dialer_realtime();
    gateway.block_on(emulator.wait_for_callbacks());
    let (code, closing) = receiver.take().expect("running").stop();
    assert_eq!(code, 0, "{closing}");

    // What the emulator produced, by callback number, and whether each got its 200.
    let deliveries = emulator.callback_deliveries();
    let mut produced: HashMap<u64, (CallbackKind, bool)> = HashMap::new();
    for delivery in &deliveries {
        let entry = produced
            .entry(delivery.callback)
            .or_insert((delivery.kind, false));
        entry.1 |= delivery.is_delivered();
    }
    let given_up: Vec<u64> = produced
        .iter()
        .filter(|(_, (_, delivered))| !delivered)
        .map(|(number, _)| *number)
        .collect();
    let calls = emulator.calls(&task_id);
    let expected_calls: HashSet<String> = calls.iter().filter_map(|c| c.call_id.clone()).collect();
    let expected_tasks = produced
        .values()
        .filter(|(kind, _)| *kind == CallbackKind::TaskStatus)
        .count();

    let connection = Connection::open(&store).expect("store");
    let stored_calls: Vec<(String, i64)> = connection
        .prepare("SELECT natural_key, deliveries FROM callback WHERE kind = 'call'")
        .and_then(|mut statement| {
            statement
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect()
        })
        .expect("rows");
    let stored_tasks: u64 = connection
        .query_row(
            "SELECT count(*) FROM callback WHERE kind = 'task'",
            [],
            |row| row.get(0),
        )
        .expect("count");
    let stored_ids: HashSet<String> = stored_calls
        .iter()
        .filter_map(|(key, _)| key.strip_prefix("callId:").map(str::to_owned))
        .collect();
    let lost = expected_calls.difference(&stored_ids).count();
    let unexpected = stored_ids.difference(&expected_calls).count();
    let doubled = stored_calls.len() - stored_ids.len();
    let redelivered: i64 = stored_calls.iter().map(|(_, n)| n - 1).sum();
    let failed_attempts = deliveries.iter().filter(|d| !d.is_delivered()).count();

    println!(
        "\nwebhook receiver SIGKILLed {KILLS} times (at {kills:?} stored rows), restarted on {listen}"
    );
    println!("  {:<44} {:>8}", "contacts dialled", contacts);
    println!(
        "  {:<44} {:>8}",
        "call-record callbacks produced",
        expected_calls.len()
    );
    println!(
        "  {:<44} {:>8}",
        "task-status callbacks produced", expected_tasks
    );
    println!(
        "  {:<44} {:>8}",
        "delivery attempts not answered 200", failed_attempts
    );
    println!(
        "  {:<44} {:>8}",
        "redeliveries answered 200 without a new row", redelivered
    );
    println!("  {:<44} {:>8}", "call records stored", stored_ids.len());
    println!("  {:<44} {:>8}", "task statuses stored", stored_tasks);
    println!(
        "  {:<44} {:>8}",
        "acknowledged, found on disk after each kill", checked_after_kills
    );
    println!("  {:<44} {:>8}", "lost", lost + given_up.len());
    println!("  {:<44} {:>8}", "duplicated", doubled + unexpected);
    println!("  {:<44} {:>8.1?}", "time", started.elapsed());

    assert!(
        given_up.is_empty(),
        "the emulator gave up on callbacks {given_up:?}"
    );
    assert_eq!(lost, 0, "call records lost");
    assert_eq!((doubled, unexpected), (0, 0));
    assert_eq!(stored_tasks, expected_tasks as u64);
    assert!(failed_attempts > 0, "the kills happened during delivery");
    assert_eq!(calls.len(), expected_calls.len());
}

/// The callIds in the store at `path`.
fn stored_call_ids(path: &std::path::Path) -> HashSet<String> {
    let connection = Connection::open(path).expect("store");
    let mut statement = connection
        .prepare("SELECT natural_key FROM callback WHERE kind = 'call'")
        .expect("query");
    statement
        .query_map([], |row| row.get::<_, String>(0))
        .expect("rows")
        .filter_map(Result::ok)
        .filter_map(|key| key.strip_prefix("callId:").map(str::to_owned))
        .collect()
}
