//! Peak heap and append throughput, counted with a counting global allocator (`cap`):
//!
//! * **create**: build a 100 000-contact `CreateTaskRequest` and send it with `create_task`
//!   (which splits it into batches of the default size) to the emulator. Target:
//!   peak heap ≤ 2.5× the serialized body of the whole create.
//! * **prepare**: build the same request and `prepare` it as one body, for comparison.
//! * **append**: 100 000 contacts through `append_contacts` against the emulator: contacts
//!   per second and peak heap (no target).
//!
//! Each scenario runs in a child process of its own (this binary, re-run with
//! `NXLINK_BENCH_ROLE`), so it starts from a clean heap and the allocator's peak is its own;
//! the server and the emulator run in two more children, so their heaps are not counted.
//! The figures go to `<target>/nxlink-bench/memory.json` (`NXLINK_BENCH_DIR` overrides the
//! folder) for `cargo xtask bench`.
//!
//! `cargo bench -p nxlink-bench --bench memory`.

#[path = "common/figures_dir.rs"]
mod figures_dir;
#[path = "common/fixtures.rs"]
#[allow(dead_code, reason = "each benchmark uses part of the shared fixtures")]
mod fixtures;
#[path = "common/server.rs"]
mod server;

use figures_dir::figures_dir;
use nxlink::model::AppendContactsRequest;
use std::alloc::System;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use cap::Cap;
use nxlink::Client;
use nxlink::sign::Credentials;
use nxlink_testkit::{DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, Emulator};

/// Every allocation of the process, counted: `allocated()` now and `max_allocated()` ever.
#[global_allocator]
static HEAP: Cap<System> = Cap::new(System, usize::MAX);

/// Contacts in the create and in the append.
const CONTACTS: usize = 100_000;
/// Which part this process plays; unset in the parent.
const ROLE: &str = "NXLINK_BENCH_ROLE";
/// The base URL a scenario sends to.
const TARGET_URL: &str = "NXLINK_BENCH_URL";

type Figures = BTreeMap<String, f64>;

fn main() {
    match std::env::var(ROLE).as_deref() {
        Ok("server") => serve_until_stdin_closes(MinimalOrEmulator::Minimal),
        Ok("emulator") => serve_until_stdin_closes(MinimalOrEmulator::Emulator),
        Ok(scenario) => {
            let figures = run_scenario(scenario);
            // One line on stdout: the parent's whole protocol.
            let line: Vec<String> = figures.iter().map(|(k, v)| format!("{k}={v}")).collect();
            println!("{}", line.join(" "));
        }
        Err(_) => orchestrate(),
    }
}

// ---- the parent ------------------------------------------------------------------------

fn orchestrate() {
    let mut server = spawn_role("server");
    let mut emulator = spawn_role("emulator");
    let server_url = read_url(&mut server);
    let emulator_url = read_url(&mut emulator);

    let mut figures = Figures::new();
    figures.insert("contacts".into(), CONTACTS as f64);
    for (scenario, url) in [
        // The emulator, not the fixed-answer server: each append batch's answer must account
        // for its 500 contacts, or the SDK rightly reports the batch's outcome as unknown.
        ("create", &emulator_url),
        ("prepare", &server_url),
        ("append", &emulator_url),
    ] {
        let output = Command::new(current_exe())
            .env(ROLE, scenario)
            .env(TARGET_URL, url)
            .stderr(Stdio::inherit())
            .output()
            .expect("the scenario process starts");
        assert!(output.status.success(), "scenario {scenario} failed");
        let text = String::from_utf8_lossy(&output.stdout);
        for pair in text.split_whitespace() {
            let (key, value) = pair.split_once('=').expect("key=value");
            let value: f64 = value.parse().expect("a number");
            figures.insert(format!("{scenario}_{key}"), value);
        }
    }
    for mut child in [server, emulator] {
        // Closing stdin ends them; kill is the fallback for a stuck one.
        drop(child.stdin.take());
        if child.wait().is_err() {
            let _ = child.kill();
        }
    }
    report(&figures);
    write_json(&figures);
}

fn current_exe() -> PathBuf {
    std::env::current_exe().expect("the benchmark knows its own path")
}

fn spawn_role(role: &str) -> Child {
    Command::new(current_exe())
        .env(ROLE, role)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the server process starts")
}

/// The first line a server child prints: its base URL.
fn read_url(child: &mut Child) -> String {
    let stdout = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the server prints its URL");
    line.trim().to_owned()
}

fn mib(bytes: f64) -> String {
    format!("{:.1} MiB", bytes / (1024.0 * 1024.0))
}

fn report(f: &Figures) {
    let get = |key: &str| f.get(key).copied().unwrap_or(f64::NAN);
    let body = get("create_body_bytes");
    println!(
        "memory: {CONTACTS} contacts, whole create body {}",
        mib(body)
    );
    for (label, key) in [
        ("create_task (batched)", "create"),
        ("prepare (one body)   ", "prepare"),
    ] {
        let peak = get(&format!("{key}_peak_bytes"));
        println!(
            "  {label}: peak heap {} = {:.2}× the body (request itself {})",
            mib(peak),
            peak / body,
            mib(get(&format!("{key}_request_bytes"))),
        );
    }
    println!(
        "  append_contacts → emulator: {:.0} contacts/s, peak heap {}",
        get("append_contacts_per_second"),
        mib(get("append_peak_bytes")),
    );
}

/// `{"key": value, …}`: flat, so `cargo xtask bench` reads it without a JSON library.
fn write_json(figures: &Figures) {
    let dir = figures_dir();
    let fields: Vec<String> = figures
        .iter()
        .map(|(key, value)| format!("  \"{key}\": {value}"))
        .collect();
    let path = dir.join("memory.json");
    let mut file = std::fs::File::create(&path).expect("memory.json can be written");
    writeln!(file, "{{\n{}\n}}", fields.join(",\n")).expect("memory.json can be written");
    println!("  written to {}", path.display());
}

// ---- the children ----------------------------------------------------------------------

enum MinimalOrEmulator {
    Minimal,
    Emulator,
}

fn serve_until_stdin_closes(kind: MinimalOrEmulator) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    // Both keep serving on threads of their own while this one waits on stdin.
    let (url, guard): (String, Box<dyn std::any::Any>) = match kind {
        MinimalOrEmulator::Minimal => {
            let server = server::MinimalServer::start().expect("a loopback server");
            (server.base_url(), Box::new(server))
        }
        MinimalOrEmulator::Emulator => {
            let emulator = runtime
                .block_on(Emulator::builder().max_recorded_requests(16).start())
                .expect("the emulator starts");
            (emulator.base_url(), Box::new(emulator))
        }
    };
    println!("{url}");
    std::io::stdout().flush().expect("stdout");
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    drop(guard);
}

/// Heap counters around one measured phase: everything allocated before `start` (runtime,
/// client) is left out; the peak is the highest the heap rose above that.
struct Phase {
    baseline: usize,
    max_before: usize,
}

impl Phase {
    fn start() -> Self {
        Phase {
            baseline: HEAP.allocated(),
            max_before: HEAP.max_allocated(),
        }
    }

    fn live(&self) -> f64 {
        HEAP.allocated().saturating_sub(self.baseline) as f64
    }

    fn peak(&self) -> f64 {
        let max = HEAP.max_allocated();
        // The setup's own transient peak is kilobytes; the phase's is megabytes. Should the
        // phase not pass it, its peak is unknown rather than that small.
        assert!(max > self.max_before, "the measured phase set no new peak");
        (max - self.baseline) as f64
    }
}

fn run_scenario(scenario: &str) -> Figures {
    let url = std::env::var(TARGET_URL).expect("the parent passes the URL");
    let runtime = fixtures::two_worker_runtime();
    let client = Client::builder()
        .base_url(url)
        .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .build()
        .expect("a loopback client");
    let mut figures = Figures::new();
    match scenario {
        "create" => {
            let phase = Phase::start();
            let request = fixtures::task(fixtures::contacts(CONTACTS));
            figures.insert("request_bytes".into(), phase.live());
            let created = runtime
                .block_on(client.create_task(&request))
                .expect("the task is created");
            figures.insert("peak_bytes".into(), phase.peak());
            let errors: Vec<String> = created.failed.iter().map(|b| b.error.to_string()).collect();
            assert!(created.is_complete(), "some batches failed: {errors:?}");
            // Measured after the peak was read: this serialization must not count.
            let body = serde_json::to_vec(&request).expect("serializable").len();
            figures.insert("body_bytes".into(), body as f64);
        }
        "prepare" => {
            let phase = Phase::start();
            let request = fixtures::task(fixtures::contacts(CONTACTS));
            figures.insert("request_bytes".into(), phase.live());
            let prepared = client.prepare(&request).expect("a valid request");
            figures.insert("peak_bytes".into(), phase.peak());
            figures.insert("body_bytes".into(), prepared.body().len() as f64);
        }
        "append" => {
            let created = runtime
                .block_on(client.create_task(&fixtures::task(Vec::new())))
                .expect("the emulator creates the task");
            let phase = Phase::start();
            let contacts = fixtures::contacts(CONTACTS);
            figures.insert("request_bytes".into(), phase.live());
            let started = Instant::now();
            let report = runtime
                .block_on(client.append_contacts(&AppendContactsRequest::new(
                    created.task_id.as_str(),
                    contacts,
                )))
                .expect("the contacts are appended");
            let seconds = started.elapsed().as_secs_f64();
            figures.insert("peak_bytes".into(), phase.peak());
            assert_eq!(report.submitted.len(), CONTACTS, "every contact accepted");
            figures.insert("seconds".into(), seconds);
            figures.insert("contacts_per_second".into(), CONTACTS as f64 / seconds);
        }
        other => panic!("unknown {ROLE} {other:?}"),
    }
    figures
}
