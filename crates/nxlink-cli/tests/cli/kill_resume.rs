//! The real `nxlink` binary killed while appending, again and again, then re-run with the
//! same command until it finishes: the task ends holding exactly the file's distinct
//! contactIds, the re-runs sent again only the batches that were in flight at a kill (the
//! emulator's request count against the journal proves it), every failed-rows file seen
//! along the way is complete, and against an emulator that accepts a repeated contactId the
//! tool's own "may be doubled" figure is exact or an upper bound.
//!
//! `NXLINK_KILL_ROWS` (default 100 000; `cargo xtask faults` uses 1 000 000) sets the file's
//! size and `NXLINK_KILL_SEED` the kill moments; both are printed.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use nxlink_testkit::{Emulator, RepeatedContactIds};

use crate::common::{Gateway, run, summary};

/// Kills per scenario.
const KILLS: usize = 10;
/// The most batches the CLI keeps in flight by default (its window adapts up to this).
const CONCURRENCY: u64 = nxlink::DEFAULT_MAX_BATCH_CONCURRENCY as u64;
const BATCH: u64 = 500;

/// A seeded generator for the kill moments (xorshift64*): the same seed, the same moments.
struct Moments(u64);

impl Moments {
    fn next_in(&mut self, low: u64, high: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        low + self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % (high - low).max(1)
    }
}

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// `rows` contacts, every 50 000th row repeating the id of the row 1 000 before it with
/// another name and number; returns the file and the number of distinct ids.
fn contacts_with_repeats(rows: usize) -> (String, usize) {
    let mut csv = String::with_capacity(rows * 48 + 64);
    csv.push_str("contactId,name,phoneNumber,customerName\n");
    let mut repeats = 0;
    for row in 0..rows {
        let id = if row % 50_000 == 49_999 {
            repeats += 1;
            row - 1_000
        } else {
            row
        };
        let _ = writeln!(
            csv,
            "k-{id:07},Name {row},1380{:07},Name {row}",
            row % 10_000_000
        );
    }
    (csv, rows - repeats)
}

/// What a scenario ended with, for the fault table.
struct KillReport {
    name: &'static str,
    rows: usize,
    distinct: usize,
    batches: u64,
    requests: u64,
    in_flight_at_kills: u64,
    held: usize,
    doubled: usize,
    reported_doubled: u64,
}

fn journal_in_flight(journal: &Path) -> (u64, u64) {
    let connection = rusqlite::Connection::open(journal).expect("journal opens");
    connection
        .query_row(
            "SELECT COUNT(*) FILTER (WHERE state = 'in_flight'), COALESCE(SUM(sends), 0) FROM batch",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("journal reads")
}

/// Checks a failed-rows file, when there is one, is whole: every line a full record.
fn assert_complete(failed: &Path, expected_rows: Option<u64>) {
    let Ok(text) = std::fs::read_to_string(failed) else {
        assert!(
            expected_rows.is_none_or(|rows| rows == 0),
            "no failed-rows file"
        );
        return;
    };
    assert!(text.ends_with('\n'), "the file ends with a whole line");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "contactId,name,phoneNumber,customerName");
    for line in &lines[1..] {
        assert_eq!(line.split(',').count(), 4, "a cut row: {line:?}");
    }
    if let Some(rows) = expected_rows {
        assert_eq!(lines.len() as u64 - 1, rows, "every failed row, once");
    }
}

fn scenario(name: &'static str, signal: &str, repeats: RepeatedContactIds) -> KillReport {
    let rows = setting("NXLINK_KILL_ROWS", 100_000) as usize;
    let seed = setting("NXLINK_KILL_SEED", 0x6e78_6c69_6e6b);
    eprintln!("{name}: {rows} rows, {KILLS} kills with {signal}, seed {seed}");
    let gateway = Gateway::with(
        Emulator::builder()
            .repeated_contact_ids(repeats)
            .max_recorded_requests(0),
    );
    let task_id = gateway.create_task("");
    let (csv_text, distinct) = contacts_with_repeats(rows);
    let csv = gateway.scratch.write("big.csv", csv_text);
    let journal = gateway.scratch.path("big.csv.journal");
    let failed = gateway.scratch.path("big.csv.failed.csv");
    gateway.emulator().clear_requests();
    let append = || {
        let mut command = gateway.append(&task_id, &csv);
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        command
    };
    // A kill moment is a point in the run's progress: after a random number of requests
    // (seeded) have reached the emulator, so that every kill lands while batches are in
    // flight; a run that finishes first is simply not killed.
    let batches = (distinct as u64).div_ceil(BATCH);
    let mut moments = Moments(seed | 1);
    let mut in_flight_at_kills = 0;
    for kill in 0..KILLS {
        let after = moments.next_in(1, (batches / KILLS as u64).max(2));
        let start = gateway.emulator().request_count() as u64;
        let mut child = append().spawn().expect("nxlink starts");
        while (gateway.emulator().request_count() as u64) < start + after {
            if child.try_wait().expect("child state").is_some() {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        let _ = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status();
        let output = child.wait_with_output().expect("child ends");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let (in_flight, _) = journal_in_flight(&journal);
        eprintln!(
            "  kill {} after {after} more requests: exit {:?}, {in_flight} batches in flight",
            kill + 1,
            output.status.code()
        );
        in_flight_at_kills += in_flight;
        if signal == "-TERM" && output.status.code() == Some(1) {
            // Stopped in order: the batches in flight were waited for, nothing is left in flight.
            assert_eq!(in_flight, 0, "{stdout}");
            let missing = [
                "repeated in the file",
                "not sent (errors)",
                "outcome unknown",
                "refused by the gateway",
                "invalid, not sent",
            ]
            .iter()
            .map(|label| summary(&stdout, label))
            .sum::<u64>();
            assert_complete(&failed, Some(missing));
        } else {
            assert_complete(&failed, None);
        }
    }
    let last = run(&mut append());
    assert_eq!(last.code, 1, "the file's repeats are reported: {last:?}");
    let repeated = (rows - distinct) as u64;
    assert_eq!(
        summary(&last.stdout, "repeated in the file"),
        repeated,
        "{last:?}"
    );
    assert_eq!(summary(&last.stdout, "not sent (errors)"), 0, "{last:?}");
    assert_eq!(summary(&last.stdout, "outcome unknown"), 0, "{last:?}");
    assert_complete(&failed, Some(repeated));
    let (in_flight, sends) = journal_in_flight(&journal);
    assert_eq!(in_flight, 0);
    let requests = gateway.emulator().request_count() as u64;
    // Every request went out under a journal mark; beyond one per batch, only batches in
    // flight at a kill were sent again, at most the window of each kill.
    assert!(
        requests <= sends,
        "{requests} requests, {sends} journaled sends"
    );
    assert!(
        requests >= batches && requests <= batches + in_flight_at_kills,
        "{requests} requests for {batches} batches, {in_flight_at_kills} in flight at kills"
    );
    assert!(in_flight_at_kills <= KILLS as u64 * CONCURRENCY);
    let contacts = gateway.emulator().contacts(&task_id);
    let ids: HashSet<&str> = contacts
        .iter()
        .map(|c| c.contact.contact_id.as_str())
        .collect();
    assert_eq!(
        ids.len(),
        distinct,
        "every distinct contactId is in the task"
    );
    let doubled = contacts.len() - ids.len();
    let reported_doubled = last
        .stdout
        .lines()
        .find_map(|line| line.strip_prefix("may be doubled: "))
        .and_then(|rest| rest.split(' ').next())
        .map_or(0, |count| count.replace(',', "").parse().expect("a count"));
    match repeats {
        RepeatedContactIds::Refuse => assert_eq!(doubled, 0, "the gateway refused repeats"),
        RepeatedContactIds::Accept => assert!(
            doubled as u64 <= reported_doubled,
            "{doubled} doubled, {reported_doubled} reported: {last:?}"
        ),
    }
    KillReport {
        name,
        rows,
        distinct,
        batches,
        requests,
        in_flight_at_kills,
        held: contacts.len(),
        doubled,
        reported_doubled,
    }
}

fn print(report: &KillReport) {
    eprintln!(
        "| {:<34} | {:>9} | {:>9} | {:>7} | {:>8} | {:>9} | {:>9} | {:>7} | {:>8} |",
        report.name,
        report.rows,
        report.distinct,
        report.batches,
        report.requests,
        report.in_flight_at_kills,
        report.held,
        report.doubled,
        report.reported_doubled
    );
}

#[test]
fn killed_appends_resume_exactly() {
    let reports = [
        scenario(
            "SIGKILL x10, gateway refuses repeats",
            "-KILL",
            RepeatedContactIds::Refuse,
        ),
        scenario(
            "SIGKILL x10, gateway accepts repeats",
            "-KILL",
            RepeatedContactIds::Accept,
        ),
        scenario(
            "SIGTERM x10, gateway refuses repeats",
            "-TERM",
            RepeatedContactIds::Refuse,
        ),
    ];
    eprintln!(
        "| {:<34} | {:>9} | {:>9} | {:>7} | {:>8} | {:>9} | {:>9} | {:>7} | {:>8} |",
        "scenario",
        "rows",
        "distinct",
        "batches",
        "requests",
        "in flight",
        "held",
        "doubled",
        "reported"
    );
    for report in &reports {
        print(report);
    }
}
