//! The `nxlink contacts append` binary against what an operations engineer writes instead
//! (`peers/append_peer.py`: the signing formula by concatenation, `requests`, 500-contact
//! batches on 4 threads), both appending the same 100 000 CSV rows to the emulator; then the
//! binary alone over 1 000 000 rows (peak RSS of the process), and over 1 000 000 rows to an
//! emulator adding 80 ms to every answer (a distant gateway), with default settings.
//!
//! A plain binary (not criterion): each figure is one run of a real process. `cargo xtask
//! bench` builds the release binary and the peer's venv and passes them in:
//! `NXLINK_CLI_BIN`, `NXLINK_PEER_PYTHON`; figures go to `$NXLINK_BENCH_DIR/cli.json`.
//! Without `NXLINK_CLI_BIN` it says so and does nothing (so `cargo bench` alone still runs).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use figures_dir::figures_dir;
use nxlink::Client;
use nxlink_testkit::{DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, Emulator, Fault, FaultRule, Requests};

#[path = "common/figures_dir.rs"]
mod figures_dir;
#[path = "common/fixtures.rs"]
#[allow(dead_code, reason = "each benchmark uses part of the shared fixtures")]
mod fixtures;

/// Rows of the peer comparison.
const PEER_ROWS: usize = 100_000;
/// Rows of the memory and slow-link runs.
const LARGE_ROWS: usize = 1_000_000;
/// What the slow link adds to every answer.
const SLOW_LINK: Duration = Duration::from_millis(80);

fn main() {
    let Some(cli) = std::env::var_os("NXLINK_CLI_BIN").map(PathBuf::from) else {
        eprintln!("cli_append: NXLINK_CLI_BIN is not set; run it through `cargo xtask bench`");
        return;
    };
    let python = std::env::var_os("NXLINK_PEER_PYTHON").map(PathBuf::from);
    let out_dir = figures_dir();
    let work = out_dir.join("cli");
    std::fs::create_dir_all(&work).expect("a work directory");
    let runtime = fixtures::two_worker_runtime();
    let small = RowsFile::write(&work.join("rows-100k.csv"), PEER_ROWS);
    let large = RowsFile::write(&work.join("rows-1m.csv"), LARGE_ROWS);

    let mut json = String::from("{");
    let gateway = Gateway::start(&runtime, None);
    let run = gateway.cli_append(&runtime, &cli, &small, &work);
    let micros_a_row = |seconds: f64| seconds * 1e6 / PEER_ROWS as f64;
    println!(
        "cli 100k: {:.2} s; CPU a row: CLI {:.2} µs, emulator {:.2} µs",
        run.seconds,
        micros_a_row(run.cpu_seconds),
        micros_a_row(run.emulator_cpu_seconds)
    );
    // The CPU both processes spend on a row bounds what two cores can append, however
    // little anything waits.
    let _ = write!(
        json,
        "\"cli_100k_rows_per_second\":{:.1},\"cli_100k_cli_cpu_us_per_row\":{:.3},\
         \"cli_100k_emulator_cpu_us_per_row\":{:.3}",
        PEER_ROWS as f64 / run.seconds,
        micros_a_row(run.cpu_seconds),
        micros_a_row(run.emulator_cpu_seconds)
    );
    if let Some(python) = &python {
        let seconds = gateway.python_append(&runtime, python, &small);
        println!("python peer 100k: {seconds:.2} s");
        let _ = write!(
            json,
            ",\"python_100k_rows_per_second\":{:.1}",
            PEER_ROWS as f64 / seconds
        );
    }
    let run = gateway.cli_append(&runtime, &cli, &large, &work);
    println!(
        "cli 1M: {:.2} s, peak RSS {:.1} MiB",
        run.seconds,
        run.peak_rss_kib as f64 / 1024.0
    );
    let _ = write!(
        json,
        ",\"cli_1m_rows_per_second\":{:.1},\"cli_1m_peak_rss_bytes\":{}",
        LARGE_ROWS as f64 / run.seconds,
        run.peak_rss_kib * 1024
    );
    drop(gateway);
    let slow = Gateway::start(&runtime, Some(SLOW_LINK));
    let run = slow.cli_append(&runtime, &cli, &large, &work);
    println!("cli 1M over +80 ms: {:.2} s", run.seconds);
    let _ = write!(json, ",\"slow_link_1m_seconds\":{:.3}", run.seconds);
    json.push('}');
    std::fs::write(out_dir.join("cli.json"), json).expect("figures written");
}

/// A CSV of contacts with a variable column, as an operator's sheet has them.
struct RowsFile {
    path: PathBuf,
    rows: usize,
}

impl RowsFile {
    fn write(path: &Path, rows: usize) -> Self {
        let mut csv = String::with_capacity(rows * 48 + 64);
        csv.push_str("contactId,name,phoneNumber,customerName\n");
        for i in 0..rows {
            let _ = writeln!(csv, "c-{i:07},Name {i},1380{:07},Name {i}", i % 10_000_000);
        }
        std::fs::write(path, csv).expect("a CSV");
        RowsFile {
            path: path.to_owned(),
            rows,
        }
    }
}

/// One run of a process: its wall time, peak resident set, and the CPU time it and the
/// emulator (this process) used meanwhile.
struct ProcessRun {
    seconds: f64,
    peak_rss_kib: u64,
    cpu_seconds: f64,
    emulator_cpu_seconds: f64,
}

/// CPU time (user + system, in seconds) of this process and of its children waited for,
/// from `/proc/self/stat`. This process is the emulator's (and its 20 ms polling, a few
/// microseconds a poll).
struct CpuTimes {
    own: f64,
    children: f64,
}

impl CpuTimes {
    /// Linux reports these in `USER_HZ` ticks, 100 a second on every architecture's ABI.
    const TICKS_PER_SECOND: f64 = 100.0;

    fn now() -> Self {
        let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc is mounted");
        // The fields after the command name, which is in parentheses and may hold spaces:
        // utime, stime, cutime, cstime are the 14th to 17th of the line.
        let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        let ticks: Vec<f64> = after_name
            .split_whitespace()
            .skip(11)
            .take(4)
            .map(|field| field.parse().expect("a tick count"))
            .collect();
        assert_eq!(ticks.len(), 4, "utime, stime, cutime, cstime in {stat}");
        CpuTimes {
            own: (ticks[0] + ticks[1]) / Self::TICKS_PER_SECOND,
            children: (ticks[2] + ticks[3]) / Self::TICKS_PER_SECOND,
        }
    }
}

/// The emulator, and an SDK client to create the tasks the runs append to.
struct Gateway {
    emulator: Emulator,
    client: Client,
}

impl Gateway {
    fn start(runtime: &tokio::runtime::Runtime, latency: Option<Duration>) -> Self {
        let mut builder = Emulator::builder().max_recorded_requests(0);
        if let Some(latency) = latency {
            builder = builder.fault(FaultRule::any_path(Requests::Every, Fault::Delay(latency)));
        }
        let emulator = runtime.block_on(builder.start()).expect("emulator starts");
        let client = Client::builder()
            .base_url(emulator.base_url())
            .credentials(emulator.credentials())
            .build()
            .expect("a client");
        Gateway { emulator, client }
    }

    fn new_task(&self, runtime: &tokio::runtime::Runtime) -> String {
        let task = fixtures::task(Vec::new()).with_user_task_id(nxlink::new_user_task_id());
        runtime
            .block_on(self.client.create_task(&task))
            .expect("a task")
            .task_id
    }

    /// Checks the task holds exactly `rows` distinct contacts.
    fn check(&self, task_id: &str, rows: usize) {
        let contacts = self.emulator.contacts(task_id);
        let distinct: std::collections::HashSet<&str> =
            contacts.iter().map(|c| c.contact_id()).collect();
        assert_eq!(contacts.len(), rows, "every row once");
        assert_eq!(distinct.len(), rows);
    }

    fn cli_append(
        &self,
        runtime: &tokio::runtime::Runtime,
        cli: &Path,
        csv: &RowsFile,
        work: &Path,
    ) -> ProcessRun {
        let task_id = self.new_task(runtime);
        let journal = csv.path.with_extension("csv.journal");
        let _ = std::fs::remove_file(&journal);
        let mut command = Command::new(cli);
        command
            .args(["contacts", "append", "--task", &task_id, "--csv"])
            .arg(&csv.path)
            .env_clear()
            .env("HOME", work)
            .env("NXLINK_BASE_URL", self.emulator.base_url())
            .env("NXLINK_ACCESS_KEY", DEMO_ACCESS_KEY)
            .env("NXLINK_ACCESS_SECRET", DEMO_ACCESS_SECRET)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let run = timed(&mut command);
        let _ = std::fs::remove_file(&journal);
        self.check(&task_id, csv.rows);
        run
    }

    fn python_append(
        &self,
        runtime: &tokio::runtime::Runtime,
        python: &Path,
        csv: &RowsFile,
    ) -> f64 {
        let task_id = self.new_task(runtime);
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("peers/append_peer.py");
        let mut command = Command::new(python);
        command
            .arg(script)
            .args([
                &self.emulator.base_url(),
                DEMO_ACCESS_KEY,
                DEMO_ACCESS_SECRET,
                &task_id,
            ])
            .arg(&csv.path)
            .stdout(Stdio::null());
        let run = timed(&mut command);
        self.check(&task_id, csv.rows);
        run.seconds
    }
}

/// Runs `command` to its end: wall time from spawn to exit, the highest `VmHWM` (peak
/// resident set, which only grows) read from `/proc` every 20 ms while it runs, and the CPU
/// time it and this process used.
fn timed(command: &mut Command) -> ProcessRun {
    let cpu_before = CpuTimes::now();
    let started = Instant::now();
    let mut child = command.spawn().expect("the process starts");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_rss_kib = 0;
    let status = loop {
        if let Ok(status) = std::fs::read_to_string(&status_file)
            && let Some(kib) = status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        {
            peak_rss_kib = kib;
        }
        if let Some(status) = child.try_wait().expect("waits") {
            break status;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let seconds = started.elapsed().as_secs_f64();
    assert!(status.success(), "{command:?} failed: {status}");
    let cpu_after = CpuTimes::now();
    ProcessRun {
        seconds,
        peak_rss_kib,
        cpu_seconds: cpu_after.children - cpu_before.children,
        emulator_cpu_seconds: cpu_after.own - cpu_before.own,
    }
}
