//! `cargo xtask bench [--runs N]`: runs the benchmarks of `crates/nxlink-bench/benches` and
//! prints one table: per row the SDK's figure, the peer's (what a user writes without the SDK),
//! the floor's (the work no implementation can skip), both ratios and the targets (and, with
//! several runs, the median of each column over the runs: the machine is noisy).
//!
//! Before the benchmarks it builds the release `nxlink` binary and the Python peer's venv
//! (`target/bench-venv`, `requests` from the package registry), so a fresh clone needs nothing
//! installed by hand but a `python3` with `venv`.
//!
//! The numbers come from the files the benchmarks write: criterion's
//! `<target>/criterion/<group>/<id>/new/estimates.json` (sign: the median point estimate, in
//! ns per iteration) and the plain benchmarks' flat
//! `<target>/nxlink-bench/{prepare,e2e,memory,cli}.json`. Both
//! are read by the small scanner below rather than a JSON library, to keep xtask free of
//! dependencies: it needs a handful of numbers at known keys.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use crate::{cargo, run_program as run, target_dir, venv};

/// The benchmark binaries, run by one `cargo bench` so every ratio comes from one run.
const BENCHES: [&str; 5] = ["sign", "prepare", "end_to_end", "memory", "cli_append"];

/// The peer's one dependency, pinned.
const PEER_REQUESTS: &str = "requests==2.34.2";

/// Bytes in a MiB.
const MIB: f64 = 1024.0 * 1024.0;
/// The signing benchmark's body.
const SIGN_BODY_BYTES: f64 = MIB;

/// What a ratio (or, for [`Row::limit`], the figure itself) must satisfy.
#[derive(Clone, Copy)]
enum Target {
    AtLeast(f64),
    AtMost(f64),
}

impl Target {
    fn met(self, value: f64) -> bool {
        match self {
            Target::AtLeast(bound) => value >= bound,
            Target::AtMost(bound) => value <= bound,
        }
    }
}

/// How a figure is printed.
#[derive(Clone, Copy)]
enum Unit {
    MibPerSecond,
    Milliseconds,
    Seconds,
    PerSecond(&'static str),
    Mib,
}

/// A figure the SDK's is set beside: its value, the ratio SDK ÷ it, and the ratio's target.
#[derive(Clone, Copy)]
struct Compared {
    value: f64,
    ratio: f64,
    target: Option<Target>,
}

impl Compared {
    fn new(sdk: f64, value: f64, target: Option<Target>) -> Self {
        Compared {
            value,
            ratio: sdk / value,
            target,
        }
    }
}

/// The other side's figure and the SDK's ratio to it as the benchmark measured that ratio:
/// within each round of a benchmark run in turns, not as the ratio of the two medians.
#[derive(Clone, Copy)]
struct InTurns {
    value: f64,
    ratio: f64,
}

impl InTurns {
    fn compared(self, target: Option<Target>) -> Compared {
        Compared {
            value: self.value,
            ratio: self.ratio,
            target,
        }
    }
}

/// One line of the table.
struct Row {
    name: &'static str,
    unit: Unit,
    sdk: f64,
    peer: Option<Compared>,
    floor: Option<Compared>,
    /// A bound on the SDK's figure itself (peak RSS, a run's seconds).
    limit: Option<Target>,
}

impl Row {
    fn new(name: &'static str, unit: Unit, sdk: f64) -> Self {
        Row {
            name,
            unit,
            sdk,
            peer: None,
            floor: None,
            limit: None,
        }
    }

    fn peer(mut self, value: f64, target: Option<Target>) -> Self {
        self.peer = Some(Compared::new(self.sdk, value, target));
        self
    }

    fn floor(mut self, value: f64, target: Option<Target>) -> Self {
        self.floor = Some(Compared::new(self.sdk, value, target));
        self
    }

    /// [`Row::peer`], with the ratio measured within rounds.
    fn peer_in_turns(mut self, peer: InTurns, target: Option<Target>) -> Self {
        self.peer = Some(peer.compared(target));
        self
    }

    /// [`Row::floor`], with the ratio measured within rounds.
    fn floor_in_turns(mut self, floor: InTurns, target: Option<Target>) -> Self {
        self.floor = Some(floor.compared(target));
        self
    }

    fn limit(mut self, target: Target) -> Self {
        self.limit = Some(target);
        self
    }
}

pub(crate) fn bench(args: &[String]) -> Result<(), String> {
    let runs = match args {
        [] => 1,
        [flag, n] if flag == "--runs" => n
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("bench: --runs wants a positive number, not {n:?}"))?,
        _ => return Err("bench: usage: cargo xtask bench [--runs N]".to_owned()),
    };
    let target = target_dir();
    let cli = build_cli(&target)?;
    let python = peer_venv(&target)?;
    let mut all_runs = Vec::with_capacity(runs);
    for run in 1..=runs {
        println!("\n==> bench run {run}/{runs}");
        let started = SystemTime::now();
        run_benches(&target, &cli, &python)?;
        let rows = collect(&target, started)?;
        println!("\nbench run {run}/{runs}:\n");
        print_table(&rows);
        println!("\n{BASELINES}");
        all_runs.push(rows);
    }
    if runs > 1 {
        println!("\nmedian of {runs} runs (each column separately):\n");
        print_table(&medians(all_runs));
        println!("\n{BASELINES}");
    }
    Ok(())
}

/// The release `nxlink` binary the CLI benchmark runs.
fn build_cli(target: &Path) -> Result<PathBuf, String> {
    run(
        Command::new(cargo()).args(["build", "--release", "--locked", "-p", "nxlink-cli"]),
        "cargo build --release -p nxlink-cli",
    )?;
    Ok(target
        .join("release")
        .join(format!("nxlink{}", std::env::consts::EXE_SUFFIX)))
}

/// The Python peer's interpreter: a venv under `target/` with `requests` installed (once).
fn peer_venv(target: &Path) -> Result<PathBuf, String> {
    venv::with_packages(target, "bench-venv", &[PEER_REQUESTS])
}

fn run_benches(target: &Path, cli: &Path, python: &Path) -> Result<(), String> {
    let mut args = vec!["bench", "--locked", "-p", "nxlink-bench"];
    for name in BENCHES {
        args.extend(["--bench", name]);
    }
    run(
        Command::new(cargo())
            .args(&args)
            // Told rather than guessed, so the files are where `collect` looks.
            .env("CRITERION_HOME", target.join("criterion"))
            .env("NXLINK_BENCH_DIR", target.join("nxlink-bench"))
            .env("NXLINK_CLI_BIN", cli)
            .env("NXLINK_PEER_PYTHON", python),
        &format!("cargo {}", args.join(" ")),
    )
}

/// Reads one run's figures; `started` rejects files left by an earlier run.
fn collect(target: &Path, started: SystemTime) -> Result<Vec<Row>, String> {
    let criterion = target.join("criterion");
    let median_ns = |group: &str, id: &str| -> Result<f64, String> {
        let path = criterion.join(group).join(id).join("new/estimates.json");
        let text = read_fresh(&path, started)?;
        let median = text
            .find("\"median\"")
            .ok_or_else(|| format!("{}: no median", path.display()))?;
        number_after(&text[median..], "\"point_estimate\":")
            .ok_or_else(|| format!("{}: no median point estimate", path.display()))
    };
    let flat = |name: &str| -> Result<(PathBuf, String), String> {
        let path = target.join("nxlink-bench").join(name);
        let text = read_fresh(&path, started)?;
        Ok((path, text))
    };
    let (memory_path, memory) = flat("memory.json")?;
    let (cli_path, cli) = flat("cli.json")?;
    let (e2e_path, e2e) = flat("e2e.json")?;
    let (prepare_path, prepare) = flat("prepare.json")?;
    let figure = |(path, text): (&Path, &str), key: &str| {
        number_after(text, &format!("\"{key}\":"))
            .ok_or_else(|| format!("{}: no {key}", path.display()))
    };
    let memory = (memory_path.as_path(), memory.as_str());
    let cli = (cli_path.as_path(), cli.as_str());
    let e2e = (e2e_path.as_path(), e2e.as_str());
    let prepare = (prepare_path.as_path(), prepare.as_str());
    // Measured in turns, in ns (see the prepare benchmark).
    let prepare_ms = |side: &str| figure(prepare, &format!("{side}_ns")).map(|ns| ns / 1e6);
    let per_second = |ns: f64| 1e9 / ns;
    let mib_per_second = |ns: f64| SIGN_BODY_BYTES / MIB * per_second(ns);

    let mut rows = Vec::new();
    for (name, algorithm) in [
        ("sign 1 MiB, MD5", "md5"),
        ("sign 1 MiB, SHA-256", "sha256"),
    ] {
        let sdk = mib_per_second(median_ns("sign_1mib", &format!("{algorithm}_sdk"))?);
        let raw = mib_per_second(median_ns("sign_1mib", &format!("{algorithm}_raw"))?);
        rows.push(Row::new(name, Unit::MibPerSecond, sdk).floor(raw, Some(Target::AtLeast(0.95))));
    }
    let to_vec = prepare_ms("serde_json_to_vec")?;
    for (name, algorithm) in [
        ("prepare 10k contacts, MD5", "md5"),
        ("prepare 10k contacts, SHA-256", "sha256"),
    ] {
        let sdk = prepare_ms(&format!("{algorithm}_prepare"))?;
        let hash = prepare_ms(&format!("{algorithm}_alone"))?;
        let floor = InTurns {
            value: to_vec.max(hash),
            ratio: figure(prepare, &format!("{algorithm}_prepare_over_floor"))?,
        };
        rows.push(
            Row::new(name, Unit::Milliseconds, sdk)
                .floor_in_turns(floor, Some(Target::AtMost(1.10))),
        );
    }
    // The writer `prepare` serializes with, beside serde_json over the same request: what
    // the writing thread's share of `prepare` costs.
    rows.push(
        Row::new(
            "serialize 10k contacts (SDK writer)",
            Unit::Milliseconds,
            prepare_ms("sdk_serialize_alone")?,
        )
        .floor(to_vec, None),
    );
    // Measured in turns too (see the end_to_end benchmark).
    rows.push(
        Row::new(
            "create_task, 64 in flight",
            Unit::PerSecond("req/s"),
            figure(e2e, "sdk_per_second")?,
        )
        .peer_in_turns(
            InTurns {
                value: figure(e2e, "peer_per_second")?,
                ratio: figure(e2e, "sdk_over_peer")?,
            },
            Some(Target::AtLeast(1.5)),
        )
        .floor_in_turns(
            InTurns {
                value: figure(e2e, "raw_per_second")?,
                ratio: figure(e2e, "sdk_over_raw")?,
            },
            Some(Target::AtLeast(0.80)),
        ),
    );
    let cli_rows = figure(cli, "cli_100k_rows_per_second")?;
    let mut row = Row::new(
        "CLI contacts append 100k",
        Unit::PerSecond("rows/s"),
        cli_rows,
    );
    let python = figure(cli, "python_100k_rows_per_second").ok();
    if let Some(python) = python {
        row = row.peer(python, Some(Target::AtLeast(5.0)));
    }
    rows.push(row);
    // What two cores could append if neither process ever waited: both processes' CPU a
    // row, measured in the same run. Compared with the peer, it says whether 5x is within
    // reach at all on this machine.
    let cpu_a_row = figure(cli, "cli_100k_cli_cpu_us_per_row")?
        + figure(cli, "cli_100k_emulator_cpu_us_per_row")?;
    let mut ceiling = Row::new(
        "CLI append 100k, two-core ceiling",
        Unit::PerSecond("rows/s"),
        2e6 / cpu_a_row,
    );
    if let Some(python) = python {
        ceiling = ceiling.peer(python, None);
    }
    rows.push(ceiling);
    rows.push(
        Row::new(
            "CLI contacts append 1M, peak RSS",
            Unit::Mib,
            figure(cli, "cli_1m_peak_rss_bytes")? / MIB,
        )
        .limit(Target::AtMost(64.0)),
    );
    rows.push(
        Row::new(
            "CLI contacts append 1M, +80 ms link",
            Unit::Seconds,
            figure(cli, "slow_link_1m_seconds")?,
        )
        .limit(Target::AtMost(30.0)),
    );
    let body = figure(memory, "create_body_bytes")? / MIB;
    rows.push(
        Row::new(
            "peak heap, create_task 100k",
            Unit::Mib,
            figure(memory, "create_peak_bytes")? / MIB,
        )
        .floor(body, Some(Target::AtMost(2.5))),
    );
    rows.push(
        Row::new(
            "peak heap, prepare 100k (one body)",
            Unit::Mib,
            figure(memory, "prepare_peak_bytes")? / MIB,
        )
        .floor(body, None),
    );
    rows.push(Row::new(
        "SDK append 100k → emulator",
        Unit::PerSecond("contacts/s"),
        figure(memory, "append_contacts_per_second")?,
    ));
    rows.push(Row::new(
        "peak heap, SDK append 100k",
        Unit::Mib,
        figure(memory, "append_peak_bytes")? / MIB,
    ));
    Ok(rows)
}

/// The file's text, if it was written after `started`.
fn read_fresh(path: &Path, started: SystemTime) -> Result<String, String> {
    let modified = std::fs::metadata(path)
        .and_then(|meta| meta.modified())
        .map_err(|error| format!("{}: {error}", path.display()))?;
    if modified < started {
        return Err(format!(
            "{} is from an earlier run: did its benchmark run?",
            path.display()
        ));
    }
    std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))
}

/// The JSON number right after the first `key` in `text` (whitespace allowed between).
fn number_after(text: &str, key: &str) -> Option<f64> {
    let rest = text[text.find(key)? + key.len()..].trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len() % 2 == 1 {
        values[middle]
    } else {
        (values[middle - 1] + values[middle]) / 2.0
    }
}

/// Per row, the median of each column over the runs (rows are in the same order every run).
fn medians(runs: Vec<Vec<Row>>) -> Vec<Row> {
    let Some(first) = runs.first() else {
        return Vec::new();
    };
    (0..first.len())
        .map(|index| {
            let column = |pick: &dyn Fn(&Row) -> Option<f64>| {
                let values: Vec<f64> = runs.iter().filter_map(|run| pick(&run[index])).collect();
                (!values.is_empty()).then(|| median(values))
            };
            let compared = |pick: &dyn Fn(&Row) -> Option<Compared>| {
                let target = pick(&first[index]).and_then(|c| c.target);
                Some(Compared {
                    value: column(&|r| pick(r).map(|c| c.value))?,
                    ratio: column(&|r| pick(r).map(|c| c.ratio))?,
                    target,
                })
            };
            let row = &first[index];
            Row {
                name: row.name,
                unit: row.unit,
                sdk: column(&|r| Some(r.sdk)).unwrap_or(f64::NAN),
                peer: compared(&|r| r.peer),
                floor: compared(&|r| r.floor),
                limit: row.limit,
            }
        })
        .collect()
}

impl Unit {
    /// What follows a figure in this unit.
    fn suffix(self) -> &'static str {
        match self {
            Unit::MibPerSecond => "MiB/s",
            Unit::Milliseconds => "ms",
            Unit::Seconds => "s",
            Unit::PerSecond(what) => what,
            Unit::Mib => "MiB",
        }
    }

    /// Decimals a figure in this unit is printed with.
    fn decimals(self) -> usize {
        match self {
            Unit::MibPerSecond | Unit::PerSecond(_) => 0,
            Unit::Seconds | Unit::Mib => 1,
            Unit::Milliseconds => 2,
        }
    }
}

fn format_value(value: f64, unit: Unit) -> String {
    format!("{value:.*} {}", unit.decimals(), unit.suffix())
}

fn format_target(target: Target, suffix: &str) -> String {
    match target {
        Target::AtLeast(bound) => format!("≥ {bound}{suffix}"),
        Target::AtMost(bound) => format!("≤ {bound}{suffix}"),
    }
}

/// A Markdown table, ready for the README.
fn print_table(rows: &[Row]) {
    println!("| benchmark | SDK | peer | SDK ÷ peer | floor | SDK ÷ floor | target | met? |");
    println!("|---|---|---|---|---|---|---|---|");
    for row in rows {
        let mut targets = Vec::new();
        let mut met = Vec::new();
        let mut columns = Vec::new();
        for (compared, against) in [(row.peer, "peer"), (row.floor, "floor")] {
            match compared {
                Some(c) => {
                    columns.push(format_value(c.value, row.unit));
                    columns.push(format!("{:.2}×", c.ratio));
                    if let Some(target) = c.target {
                        targets.push(format_target(target, &format!("× {against}")));
                        met.push(verdict(target.met(c.ratio)));
                    }
                }
                None => columns.extend(["—".to_owned(), "—".to_owned()]),
            }
        }
        if let Some(limit) = row.limit {
            targets.push(format_target(limit, &format!(" {}", row.unit.suffix())));
            met.push(verdict(limit.met(row.sdk)));
        }
        let or_dash = |parts: Vec<String>| {
            if parts.is_empty() {
                "—".to_owned()
            } else {
                parts.join(", ")
            }
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            row.name,
            format_value(row.sdk, row.unit),
            columns[0],
            columns[1],
            columns[2],
            columns[3],
            or_dash(targets),
            or_dash(met.into_iter().map(str::to_owned).collect()),
        );
    }
}

/// What each row is compared with.
const BASELINES: &str = "peers: create_task = a hand-written reqwest + serde_json + md-5 client \
(signature by string concatenation, no validation); CLI append = peers/append_peer.py (hashlib + \
requests, 500-row batches, 4 threads); the two-core ceiling = 2 cores ÷ (the CLI's + the emulator's \
CPU a row in the 100k run), the most any run could reach. floors: sign = the same hash crate over the same bytes; \
prepare = the larger of serde_json::to_vec alone and the hash alone over the same body; \
serialize = serde_json::to_vec of the same request (a comparison, no target); create_task = a raw hyper-util client resending one pre-signed request; peak heap = the whole \
100k-contact create's JSON body. Ratios are SDK ÷ other: of throughputs (higher is better) or of \
times and bytes (lower is better); for prepare and create_task, which run their sides in turns, \
the ratio is the median of the ratios within a round, not the ratio of the medians shown. Both \
sides run against the same loopback server or emulator.";

fn verdict(met: bool) -> &'static str {
    if met { "yes" } else { "no" }
}
