//! `nxlink flows`, `routes`, `tasks` and `calls` as tables and as JSON (one array, or one
//! object per line), paging through everything, with filters and `--limit`; and
//! `nxlink contacts delete`.

use std::time::Duration;

use nxlink_testkit::{
    Clock, ContactState, Emulator, ManualClock, SEEDED_FLOWS, SEEDED_ROUTES, SystemClock,
};
use serde_json::Value;

use crate::common::{Gateway, contacts_csv, nxlink, run};

fn json_array(stdout: &str) -> Vec<Value> {
    match serde_json::from_str(stdout) {
        Ok(Value::Array(items)) => items,
        other => panic!("not one JSON array: {other:?}\n{stdout}"),
    }
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect()
}

#[test]
fn flows_and_routes_as_tables_and_json() {
    let gateway = Gateway::with(Emulator::builder().flow(500, "Parcel Survey Extra"));
    let table = nxlink(gateway.nxlink(), ["flows"]);
    assert_eq!(table.code, 0, "{table:?}");
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines[0], "AUTO FLOW ID  NAME");
    assert_eq!(lines[1], format!("197           {}", SEEDED_FLOWS[0].1));
    assert_eq!(lines.len(), 1 + SEEDED_FLOWS.len() + 1);

    // Every page is fetched: a page size of 1 still lists them all.
    let json = nxlink(gateway.nxlink(), ["flows", "--json", "--page-size", "1"]);
    let flows = json_array(&json.stdout);
    assert_eq!(flows.len(), 4);
    assert_eq!(flows[0]["autoFlowId"], 197);
    assert_eq!(flows[3]["autoFlowName"], "Parcel Survey Extra");

    let filtered = nxlink(gateway.nxlink(), ["flows", "--name", "parcel", "--jsonl"]);
    let flows = json_lines(&filtered.stdout);
    assert_eq!(flows.len(), 2, "{filtered:?}");

    let limited = nxlink(gateway.nxlink(), ["flows", "--jsonl", "--limit", "1"]);
    assert_eq!(json_lines(&limited.stdout).len(), 1);

    let routes = nxlink(gateway.nxlink(), ["routes"]);
    assert_eq!(routes.code, 0, "{routes:?}");
    assert!(
        routes
            .stdout
            .starts_with("ROUTE ID                          NAME\n"),
        "{routes:?}"
    );
    assert!(
        routes
            .stdout
            .contains(&format!("{}  {}", SEEDED_ROUTES[2].0, SEEDED_ROUTES[2].1))
    );
    let routes = nxlink(gateway.nxlink(), ["routes", "--json", "--name", "hk"]);
    let routes = json_array(&routes.stdout);
    assert_eq!(routes.len(), 1);
    assert_eq!(routes[0]["routeName"], "HK-Router");

    let none = nxlink(gateway.nxlink(), ["routes", "--name", "nothing-like-this"]);
    assert_eq!(none.stdout, "no routes match\n");
    let none = nxlink(
        gateway.nxlink(),
        ["routes", "--json", "--name", "nothing-like-this"],
    );
    assert_eq!(none.stdout, "[]\n");
    let clash = nxlink(gateway.nxlink(), ["routes", "--json", "--jsonl"]);
    assert_eq!(clash.code, 2);
}

#[test]
fn tasks_as_table_and_json_with_filters() {
    let gateway = Gateway::start();
    let first = gateway.create_task(r#""userTaskId": "EXT-1","#);
    let second = gateway.create_task(r#""userTaskId": "EXT-2","#);
    let table = nxlink(gateway.nxlink(), ["tasks"]);
    assert_eq!(table.code, 0, "{table:?}");
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(lines[0].starts_with("TASK ID"), "{table:?}");
    assert!(lines[0].contains("USER TASK ID") && lines[0].contains("CREATED (UTC)"));
    // Newest first.
    assert!(
        lines[1].starts_with(&second) && lines[1].contains("EXT-2") && lines[1].contains("ready")
    );
    assert!(lines[2].starts_with(&first));

    let json = nxlink(gateway.nxlink(), ["tasks", "--json", "--page-size", "1"]);
    let tasks = json_array(&json.stdout);
    assert_eq!(tasks.len(), 2);
    assert_eq!(tasks[0]["taskId"], second.as_str());
    assert_eq!(tasks[0]["taskStatus"], 1);

    let one = nxlink(
        gateway.nxlink(),
        ["tasks", "--jsonl", "--user-task-id", "EXT-1"],
    );
    let tasks = json_lines(&one.stdout);
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["taskId"], first.as_str());

    let none = nxlink(
        gateway.nxlink(),
        [
            "tasks",
            "--status",
            "completed",
            "--created-after",
            "2020-01-01",
        ],
    );
    assert_eq!(none.stdout, "no tasks match\n", "{none:?}");
    let bad = nxlink(gateway.nxlink(), ["tasks", "--status", "sleeping"]);
    assert_eq!(bad.code, 2, "{bad:?}");
    let bad = nxlink(
        gateway.nxlink(),
        ["tasks", "--min-contacts", "5", "--max-contacts", "1"],
    );
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(bad.stderr.contains("minTaskTotalQuantity"), "{bad:?}");
}

#[test]
fn calls_of_a_dialled_task_as_table_and_json() {
    let clock = ManualClock::starting_now();
    let gateway = Gateway::with(Emulator::builder().clock(clock.clone()));
    let task_id = gateway.create_task(r#""userTaskId": "CALLS-1","#);
    gateway.scratch.write("c.csv", contacts_csv("k", 4));
    let append = nxlink(
        gateway.nxlink(),
        ["contacts", "append", "--task", &task_id, "--csv", "c.csv"],
    );
    assert_eq!(append.code, 0, "{append:?}");
    assert!(gateway.emulator().start_task(&task_id));
    for _ in 0..30 {
        gateway
            .block_on(gateway.emulator().advance(Duration::from_secs(60)))
            .expect("simulated");
    }
    // The client signs with the wall clock: put the emulator's back on it.
    clock.set_ms(SystemClock.now_ms());
    let calls = gateway.emulator().calls(&task_id);
    assert_eq!(calls.len(), 4);

    let table = nxlink(gateway.nxlink(), ["calls", "--task", &task_id]);
    assert_eq!(table.code, 0, "{table:?}");
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(lines[0].starts_with("CALL ID"), "{table:?}");
    assert_eq!(lines.len(), 5, "{table:?}");
    assert!(table.stdout.contains("k-000000"));

    let json = nxlink(
        gateway.nxlink(),
        [
            "calls",
            "--user-task-id",
            "CALLS-1",
            "--json",
            "--page-size",
            "3",
        ],
    );
    assert_eq!(json.code, 0, "{json:?}");
    let listed = json_array(&json.stdout);
    assert_eq!(listed.len(), 4);
    assert_eq!(
        listed[0]["callId"],
        calls[0].call_id.as_deref().expect("an id")
    );

    let one = nxlink(
        gateway.nxlink(),
        [
            "calls",
            "--task",
            &task_id,
            "--jsonl",
            "--phone",
            "13800000001",
        ],
    );
    assert_eq!(json_lines(&one.stdout).len(), 1, "{one:?}");
    let bad = nxlink(
        gateway.nxlink(),
        ["calls", "--task", &task_id, "--intent", "A"],
    );
    assert_eq!(bad.code, 2, "{bad:?}");
}

#[test]
fn contacts_are_deleted_by_either_task_id() {
    let gateway = Gateway::start();
    let task_id = gateway.create_task(r#""userTaskId": "DEL-1","#);
    gateway.scratch.write("c.csv", contacts_csv("d", 3));
    let append = nxlink(
        gateway.nxlink(),
        ["contacts", "append", "--task", &task_id, "--csv", "c.csv"],
    );
    assert_eq!(append.code, 0, "{append:?}");

    let run = nxlink(
        gateway.nxlink(),
        [
            "contacts",
            "delete",
            "--task",
            &task_id,
            "--contact",
            "d-000000",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        format!("deleted contact d-000000 from the task with taskId={task_id}\n")
    );
    let run = nxlink(
        gateway.nxlink(),
        [
            "contacts",
            "delete",
            "--user-task-id",
            "DEL-1",
            "--contact",
            "d-000001",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let states: Vec<ContactState> = gateway
        .emulator()
        .contacts(&task_id)
        .iter()
        .map(|c| c.state)
        .collect();
    assert_eq!(
        states,
        [
            ContactState::Deleted,
            ContactState::Deleted,
            ContactState::Pending
        ]
    );

    let run = nxlink(
        gateway.nxlink(),
        [
            "contacts",
            "delete",
            "--task",
            "nope",
            "--contact",
            "d-000002",
        ],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("message: task not found"), "{run:?}");
    let run = nxlink(
        gateway.nxlink(),
        ["contacts", "delete", "--contact", "d-000002"],
    );
    assert_eq!(run.code, 2, "{run:?}");
}

#[test]
fn a_task_table_with_chinese_and_emoji_names_stays_aligned() {
    let gateway = Gateway::start();
    for name in ["客户回访任务-0325", "Cafe\u{301} 🎉 follow-up", "plain"] {
        let definition = crate::common::TASK_JSON.replace("Parcel follow-up", name);
        let file = gateway.scratch.write("named.json", definition);
        let created = run(gateway.nxlink().args(["task", "create"]).arg(&file));
        assert_eq!(created.code, 0, "{created:?}");
    }
    let table = nxlink(gateway.nxlink(), ["tasks"]);
    assert_eq!(table.code, 0, "{table:?}");
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{table:?}");
    assert!(table.stdout.contains("客户回访任务-0325"), "{table:?}");
    // Cells are two or more spaces apart (names hold single spaces only): every cell starts
    // at the same display column on every line.
    let starts = |line: &str| -> Vec<usize> {
        let mut starts = Vec::new();
        let (mut width, mut spaces) = (0, 2);
        for c in line.chars() {
            if c != ' ' && spaces >= 2 {
                starts.push(width);
            }
            spaces = if c == ' ' { spaces + 1 } else { 0 };
            width += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        }
        starts
    };
    let header = starts(lines[0]);
    for line in &lines[1..] {
        assert_eq!(starts(line), header, "misaligned:\n{}", table.stdout);
    }
}
