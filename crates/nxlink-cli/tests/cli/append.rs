//! `nxlink contacts append`: 100 000 rows streamed with progress, a batch lost to an
//! injected failure written to the failed-rows file, and the resume that completes the task;
//! invalid and refused rows; a run stopped by an error every batch would meet.

use std::time::{Duration, Instant};

use nxlink::model::ApiRequest;
use nxlink::model::AppendContactsRequest;
use nxlink_testkit::{Fault, FaultRule, Requests};

use crate::common::{Gateway, contacts_csv, nxlink, run, summary};

const ROWS: usize = 100_000;

#[test]
fn a_100k_row_append_survives_a_lost_batch_and_resumes_from_the_failed_rows() {
    let gateway = Gateway::start();
    let task_id = gateway.create_task("");
    let csv = gateway.scratch.write("big.csv", contacts_csv("b", ROWS));
    // The 7th call/append fails; with --no-retry its 500 rows stay unsent.
    gateway.emulator().inject(FaultRule::new(
        AppendContactsRequest::PATH,
        Requests::Nth(7),
        Fault::Status(500),
    ));
    let started = Instant::now();
    let mut command = gateway.nxlink();
    command
        .args([
            "contacts",
            "append",
            "--no-retry",
            "--task",
            &task_id,
            "--csv",
        ])
        .arg(&csv);
    let first = run(&mut command);
    let took = started.elapsed();
    eprintln!("100 000-row append took {took:?}");
    assert_eq!(first.code, 1, "{first:?}");
    // Not a terminal: no bar, but a line per chunk and a summary.
    assert!(
        first.stderr.contains("progress: 10,500 rows done"),
        "{first:?}"
    );
    assert!(
        first
            .stderr
            .contains("progress: 100,000 rows done (100% of the file"),
        "{first:?}"
    );
    // A 500 may come after the gateway acted: never counted as appended, nor as unsent.
    assert!(
        first
            .stderr
            .contains("500 rows from here of unknown outcome, not counted as appended: HTTP 500"),
        "{first:?}"
    );
    assert!(
        first
            .stdout
            .contains(&format!("task {task_id}: 100,000 rows read in")),
        "{first:?}"
    );
    assert_eq!(summary(&first.stdout, "appended"), 99_500, "{first:?}");
    assert_eq!(summary(&first.stdout, "outcome unknown"), 500, "{first:?}");
    assert_eq!(summary(&first.stdout, "not sent (errors)"), 0, "{first:?}");
    let failed_path = gateway.scratch.path("big.csv.failed.csv");
    let failed = std::fs::read_to_string(&failed_path).expect("failed rows written");
    let failed_rows: Vec<&str> = failed.lines().collect();
    assert_eq!(failed_rows.len(), 501, "a header and the lost batch");
    assert_eq!(failed_rows[0], "contactId,name,phoneNumber,customerName");
    assert!(first.stdout.contains(&format!(
        "to resume: nxlink contacts append --task {task_id} --csv {}",
        failed_path.display()
    )));
    assert_eq!(gateway.emulator().contacts(&task_id).len(), ROWS - 500);

    // Resume with exactly the failed rows.
    let mut command = gateway.nxlink();
    command
        .args(["contacts", "append", "--task", &task_id, "--csv"])
        .arg(&failed_path)
        .arg("--failed-out")
        .arg(gateway.scratch.path("resume.failed.csv"));
    let resumed = run(&mut command);
    assert_eq!(resumed.code, 0, "{resumed:?}");
    assert_eq!(summary(&resumed.stdout, "appended"), 500, "{resumed:?}");
    assert!(resumed.stdout.contains("no failed rows"), "{resumed:?}");
    assert!(!gateway.scratch.path("resume.failed.csv").exists());

    gateway.assert_each_once(&task_id, ROWS);
}

#[test]
fn a_throttling_gateway_slows_the_run_and_every_row_lands_once() {
    let gateway = Gateway::start();
    let task_id = gateway.create_task("");
    let rows = 20_000;
    let csv = gateway
        .scratch
        .write("throttled.csv", contacts_csv("t", rows));
    gateway.emulator().inject(FaultRule::new(
        AppendContactsRequest::PATH,
        Requests::Range(10..=12),
        Fault::TooManyRequests {
            retry_after: Duration::from_secs(1),
        },
    ));
    let done = run(&mut gateway.append(&task_id, &csv));
    assert_eq!(done.code, 0, "{done:?}");
    assert_eq!(summary(&done.stdout, "appended"), rows as u64, "{done:?}");
    assert!(
        done.stdout
            .contains("the gateway slowed the run: 3 answers were 429"),
        "{done:?}"
    );
    assert!(done.stdout.contains("no failed rows"), "{done:?}");
    gateway.assert_each_once(&task_id, rows);
}

#[test]
fn invalid_refused_and_repeated_rows_go_to_the_failed_file_by_user_task_id() {
    let gateway = Gateway::start();
    let task_id = gateway.create_task(r#""userTaskId": "EXT-7","#);
    gateway.scratch.write(
        "in.csv",
        "contactId,name,phoneNumber,note\n\
         a-1,Lucy,13800000001,hello\n\
         a-2,,13800000002,no name\n\
         a-3,Tom,99900000003,refused\n\
         a-1,Again,13800000004,repeat\n\
         a-5,Ann,13800000005\n\
         a-6,Bob,13800000006,\n",
    );
    let run = nxlink(
        gateway.nxlink(),
        [
            "contacts",
            "append",
            "--user-task-id",
            "EXT-7",
            "--csv",
            "in.csv",
            "--failed-out",
            "out/failed.csv",
        ],
    );
    // The directory does not exist: a usage error, before anything is sent.
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("cannot write out/failed.csv: no such file"),
        "{run:?}"
    );
    assert_eq!(gateway.emulator().contacts(&task_id).len(), 0);

    std::fs::create_dir_all(gateway.scratch.path("out")).expect("out/");
    let run = nxlink(
        gateway.nxlink(),
        [
            "contacts",
            "append",
            "--user-task-id",
            "EXT-7",
            "--csv",
            "in.csv",
            "--failed-out",
            "out/failed.csv",
        ],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains(&format!("userTaskId EXT-7 is task {task_id}")),
        "{run:?}"
    );
    for expected in [
        "in.csv:3: column name: is required and must not be empty",
        "in.csv:4: refused by the gateway: Illegal phone number format:99900000003",
        "in.csv:5: contactId \"a-1\" repeats line 2; not sent",
        "in.csv:6: has 3 fields, but the header has 4 columns",
    ] {
        assert!(
            run.stderr.contains(expected),
            "missing {expected:?}: {run:?}"
        );
    }
    assert_eq!(summary(&run.stdout, "appended"), 2, "{run:?}");
    assert_eq!(summary(&run.stdout, "refused by the gateway"), 1, "{run:?}");
    assert_eq!(summary(&run.stdout, "invalid, not sent"), 2, "{run:?}");
    assert_eq!(summary(&run.stdout, "repeated in the file"), 1, "{run:?}");
    let failed = std::fs::read_to_string(gateway.scratch.path("out/failed.csv")).expect("written");
    // Rows are written as their fate is known: invalid and repeated ones at once, refused
    // ones when their batch is answered.
    let mut rows: Vec<&str> = failed.lines().collect();
    assert_eq!(rows.remove(0), "contactId,name,phoneNumber,note");
    rows.sort_unstable();
    assert_eq!(
        rows,
        [
            "a-1,Again,13800000004,repeat",
            "a-2,,13800000002,no name",
            "a-3,Tom,99900000003,refused",
            "a-5,Ann,13800000005",
        ]
    );

    // Fixed rows appended again: what is already in the task is counted, not doubled.
    gateway.scratch.write(
        "out/fixed.csv",
        "contactId,name,phoneNumber,note\na-1,Lucy,13800000001,hello\na-2,Named,13800000002,\n",
    );
    let run = nxlink(
        gateway.nxlink(),
        [
            "contacts",
            "append",
            "--task",
            &task_id,
            "--csv",
            "out/fixed.csv",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(summary(&run.stdout, "appended"), 1, "{run:?}");
    assert_eq!(summary(&run.stdout, "already in the task"), 1, "{run:?}");
    assert_eq!(gateway.emulator().contacts(&task_id).len(), 3);
}

#[test]
fn an_error_every_batch_would_meet_stops_the_run_and_keeps_every_row() {
    let gateway = Gateway::start();
    let csv = gateway.scratch.write("rows.csv", contacts_csv("s", 12_345));
    let mut command = gateway.nxlink();
    command
        .args(["contacts", "append", "--task", "no-such-task", "--csv"])
        .arg(&csv);
    let run = run(&mut command);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("error: appending contacts failed: the gateway refused the request"),
        "{run:?}"
    );
    assert!(run.stderr.contains("message: task not found"), "{run:?}");
    assert_eq!(summary(&run.stdout, "not sent (errors)"), 12_345, "{run:?}");
    let failed =
        std::fs::read_to_string(gateway.scratch.path("rows.csv.failed.csv")).expect("written");
    assert_eq!(failed, contacts_csv("s", 12_345), "every row, unchanged");
    // Stopped after the first batch, which probes the task: the rest was never sent.
    assert_eq!(gateway.emulator().request_count(), 1);
}

#[test]
fn the_failed_file_cannot_be_the_input() {
    let gateway = Gateway::start();
    gateway.scratch.write("in.csv", contacts_csv("x", 3));
    let run = nxlink(
        gateway.nxlink(),
        [
            "contacts",
            "append",
            "--task",
            "t",
            "--csv",
            "in.csv",
            "--failed-out",
            "./in.csv",
        ],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("is the input itself"), "{run:?}");
    assert_eq!(gateway.emulator().request_count(), 0);
}

#[test]
fn sigint_waits_for_the_batches_in_flight_and_a_rerun_sends_only_the_rest() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    use std::time::Duration;

    const COUNT: usize = 6_000;
    let gateway = Gateway::start();
    let task_id = gateway.create_task("");
    let csv = gateway.scratch.write("slow.csv", contacts_csv("q", COUNT));
    // Slow appends, so that the signal arrives while batches are in flight.
    gateway.emulator().inject(FaultRule::new(
        AppendContactsRequest::PATH,
        Requests::Every,
        Fault::Delay(Duration::from_millis(400)),
    ));
    let append = || gateway.append(&task_id, &csv);
    let mut command = append();
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("started");
    let stderr = child.stderr.take().expect("piped");
    let mut stderr = BufReader::new(stderr).lines();
    // The probe batch is done once its progress line is out: the next ones are in flight.
    let first = stderr.next().expect("a line").expect("utf-8");
    assert!(first.starts_with("progress: 500 rows done"), "{first}");
    std::thread::sleep(Duration::from_millis(100));
    let signalled = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(signalled.success());
    let rest: Vec<String> = stderr.map(|line| line.expect("utf-8")).collect();
    let output = child.wait_with_output().expect("ends");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{rest:?}");
    assert!(
        rest.iter()
            .any(|line| line == "error: interrupted (SIGINT)"),
        "{rest:?}"
    );
    // The batches in flight at the signal were waited for: appended, not unsent.
    let appended = summary(&stdout, "appended");
    let unsent = summary(&stdout, "not sent (errors)");
    assert!(appended > 500, "{stdout}");
    assert_eq!(appended + unsent, COUNT as u64, "{stdout}");
    assert_eq!(gateway.emulator().contacts(&task_id).len() as u64, appended);
    let failed = gateway.scratch.path("slow.csv.failed.csv");
    let rows = std::fs::read_to_string(&failed)
        .expect("written")
        .lines()
        .count();
    assert_eq!(rows as u64, unsent + 1, "a header and every unsent row");

    // The same command again: the journal skips what was acknowledged.
    gateway.emulator().clear_faults();
    gateway.emulator().clear_requests();
    let resumed = run(&mut append());
    assert_eq!(resumed.code, 0, "{resumed:?}");
    assert_eq!(summary(&resumed.stdout, "appended"), unsent, "{resumed:?}");
    assert_eq!(
        summary(&resumed.stdout, "done by an earlier run"),
        appended,
        "{resumed:?}"
    );
    assert!(!resumed.stdout.contains("re-sent"), "{resumed:?}");
    assert_eq!(
        gateway.emulator().request_count() as u64,
        unsent.div_ceil(500),
        "only the batches never sent"
    );
    assert!(!failed.exists(), "no failed rows left: no file");
    gateway.assert_each_once(&task_id, COUNT);

    // And once more: nothing is sent at all.
    gateway.emulator().clear_requests();
    let again = run(&mut append());
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(
        summary(&again.stdout, "done by an earlier run"),
        COUNT as u64
    );
    assert_eq!(gateway.emulator().request_count(), 0);
}

#[test]
fn a_second_signal_exits_at_once_and_the_rerun_resends_only_what_was_in_flight() {
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    const COUNT: usize = 6_000;
    let gateway = Gateway::start();
    let task_id = gateway.create_task("");
    let csv = gateway.scratch.write("stuck.csv", contacts_csv("w", COUNT));
    // Answers that take far longer than the test waits.
    gateway.emulator().inject(FaultRule::new(
        AppendContactsRequest::PATH,
        Requests::Every,
        Fault::Delay(Duration::from_secs(20)),
    ));
    let append = || {
        let mut command = gateway.append(&task_id, &csv);
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        command
    };
    gateway.emulator().clear_requests();
    let child = append().spawn().expect("started");
    // The probe batch is on its way once the emulator has it.
    let started = Instant::now();
    while gateway.emulator().request_count() == 0 && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let signal = |name: &str| {
        std::process::Command::new("kill")
            .args([name, &child.id().to_string()])
            .status()
            .expect("kill runs")
    };
    assert!(signal("-TERM").success());
    std::thread::sleep(Duration::from_millis(300));
    let second = Instant::now();
    assert!(signal("-INT").success());
    let output = child.wait_with_output().expect("ends");
    assert!(
        second.elapsed() < Duration::from_secs(3),
        "took {:?}",
        second.elapsed()
    );
    assert_eq!(output.status.code(), Some(130));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("SIGINT again: exiting now"), "{stderr}");
    assert!(
        stderr.contains("re-run the same command to resume"),
        "{stderr}"
    );
    assert!(
        !gateway.scratch.path("stuck.csv.failed.csv").exists(),
        "complete or absent"
    );

    // The probe was in flight: the re-run sends it again, says so, and sends the rest once.
    gateway.emulator().clear_faults();
    gateway.emulator().clear_requests();
    let resumed = run(&mut append());
    assert_eq!(resumed.code, 0, "{resumed:?}");
    assert!(
        resumed.stdout.contains("re-sent 1 batches (500 contacts)"),
        "{resumed:?}"
    );
    assert_eq!(gateway.emulator().request_count(), COUNT / 500);
    assert_eq!(
        summary(&resumed.stdout, "appended") + summary(&resumed.stdout, "already in the task"),
        COUNT as u64
    );
    let contacts = gateway.emulator().contacts(&task_id);
    assert_eq!(contacts.len(), COUNT);
}
