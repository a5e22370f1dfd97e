//! `cargo xtask bench [--runs N]`: runs the benchmarks of `crates/nxlink-bench/benches` and prints
//! one table of SDK figure, baseline, ratio and target per benchmark (and, with several runs,
//! the median of each column over the runs: the machine is noisy).
//!
//! The numbers come from the files the benchmarks write: criterion's
//! `<target>/criterion/<group>/<id>/new/estimates.json` (the median point estimate, in ns per
//! iteration) and the memory benchmark's flat `<target>/nxlink-bench/memory.json`. Both are
//! read by the small scanner below rather than a JSON library, to keep xtask free of
//! dependencies: it needs a handful of numbers at known keys.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use crate::{cargo, workspace_root};

/// The benchmark binaries, run by one `cargo bench` so every ratio comes from one run.
const BENCHES: [&str; 4] = ["sign", "prepare", "end_to_end", "memory"];

/// Bytes in a MiB.
const MIB: f64 = 1024.0 * 1024.0;
/// The signing benchmark's body.
const SIGN_BODY_BYTES: f64 = MIB;

/// What a row's ratio must satisfy.
#[derive(Clone, Copy)]
enum Target {
    AtLeast(f64),
    AtMost(f64),
    None,
}

/// How a figure is printed.
#[derive(Clone, Copy)]
enum Unit {
    MibPerSecond,
    Milliseconds,
    PerSecond(&'static str),
    Mib,
}

/// One line of the table: the SDK's figure, the baseline's, and their ratio.
struct Row {
    name: &'static str,
    unit: Unit,
    sdk: f64,
    baseline: Option<f64>,
    ratio: Option<f64>,
    target: Target,
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
    let mut all_runs = Vec::with_capacity(runs);
    for run in 1..=runs {
        println!("\n==> bench run {run}/{runs}");
        let started = SystemTime::now();
        run_benches(&target)?;
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

/// `CARGO_TARGET_DIR` (relative to the workspace root when relative), else `<root>/target`.
fn target_dir() -> PathBuf {
    let root = workspace_root();
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), |dir| root.join(dir))
}

fn run_benches(target: &Path) -> Result<(), String> {
    let mut args = vec!["bench", "--locked", "-p", "nxlink-bench"];
    for name in BENCHES {
        args.extend(["--bench", name]);
    }
    println!("==> cargo {}", args.join(" "));
    let status = Command::new(cargo())
        .args(&args)
        // Told rather than guessed, so the files are where `collect` looks.
        .env("CRITERION_HOME", target.join("criterion"))
        .env("NXLINK_BENCH_DIR", target.join("nxlink-bench"))
        .current_dir(workspace_root())
        .status()
        .map_err(|error| format!("bench: could not start cargo bench: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("bench: cargo bench failed ({status})"))
    }
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
    let memory_path = target.join("nxlink-bench/memory.json");
    let memory = read_fresh(&memory_path, started)?;
    let figure = |key: &str| {
        number_after(&memory, &format!("\"{key}\":"))
            .ok_or_else(|| format!("{}: no {key}", memory_path.display()))
    };
    let per_second = |ns: f64| 1e9 / ns;
    let mib_per_second = |ns: f64| SIGN_BODY_BYTES / MIB * per_second(ns);

    let mut rows = Vec::new();
    for (name, algorithm) in [
        ("sign 1 MiB, MD5", "md5"),
        ("sign 1 MiB, SHA-256", "sha256"),
    ] {
        let sdk = mib_per_second(median_ns("sign_1mib", &format!("{algorithm}_sdk"))?);
        let raw = mib_per_second(median_ns("sign_1mib", &format!("{algorithm}_raw"))?);
        rows.push(Row::compared(
            name,
            Unit::MibPerSecond,
            sdk,
            raw,
            Target::AtLeast(0.95),
        ));
    }
    let to_vec = median_ns("prepare_10k", "serde_json_to_vec")? / 1e6;
    for (name, algorithm) in [
        ("prepare 10k contacts, MD5", "md5"),
        ("prepare 10k contacts, SHA-256", "sha256"),
    ] {
        let sdk = median_ns("prepare_10k", &format!("{algorithm}_prepare"))? / 1e6;
        rows.push(Row::compared(
            name,
            Unit::Milliseconds,
            sdk,
            to_vec,
            Target::AtMost(1.25),
        ));
    }
    let sdk = per_second(median_ns("e2e_64", "sdk_create_task")?);
    let raw = per_second(median_ns("e2e_64", "raw_hyper")?);
    rows.push(Row::compared(
        "create_task, 64 in flight",
        Unit::PerSecond("req/s"),
        sdk,
        raw,
        Target::AtLeast(0.90),
    ));
    let body = figure("create_body_bytes")? / MIB;
    rows.push(Row::compared(
        "peak heap, create_task 100k",
        Unit::Mib,
        figure("create_peak_bytes")? / MIB,
        body,
        Target::AtMost(2.5),
    ));
    rows.push(Row::compared(
        "peak heap, prepare 100k (one body)",
        Unit::Mib,
        figure("prepare_peak_bytes")? / MIB,
        body,
        Target::None,
    ));
    rows.push(Row::alone(
        "append 100k → emulator",
        Unit::PerSecond("contacts/s"),
        figure("append_contacts_per_second")?,
    ));
    rows.push(Row::alone(
        "peak heap, append 100k",
        Unit::Mib,
        figure("append_peak_bytes")? / MIB,
    ));
    Ok(rows)
}

impl Row {
    fn compared(name: &'static str, unit: Unit, sdk: f64, baseline: f64, target: Target) -> Self {
        let ratio = sdk / baseline;
        Row {
            name,
            unit,
            sdk,
            baseline: Some(baseline),
            ratio: Some(ratio),
            target,
        }
    }

    fn alone(name: &'static str, unit: Unit, sdk: f64) -> Self {
        Row {
            name,
            unit,
            sdk,
            baseline: None,
            ratio: None,
            target: Target::None,
        }
    }
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
            let row = &first[index];
            Row {
                name: row.name,
                unit: row.unit,
                sdk: column(&|r| Some(r.sdk)).unwrap_or(f64::NAN),
                baseline: column(&|r| r.baseline),
                ratio: column(&|r| r.ratio),
                target: row.target,
            }
        })
        .collect()
}

fn format_value(value: f64, unit: Unit) -> String {
    match unit {
        Unit::MibPerSecond => format!("{value:.0} MiB/s"),
        Unit::Milliseconds => format!("{value:.2} ms"),
        Unit::PerSecond(what) => format!("{value:.0} {what}"),
        Unit::Mib => format!("{value:.1} MiB"),
    }
}

/// A Markdown table, ready for the README.
fn print_table(rows: &[Row]) {
    println!("| benchmark | SDK | baseline | ratio | target | met? |");
    println!("|---|---|---|---|---|---|");
    for row in rows {
        let baseline = row
            .baseline
            .map_or_else(|| "—".to_owned(), |b| format_value(b, row.unit));
        let ratio = row
            .ratio
            .map_or_else(|| "—".to_owned(), |r| format!("{r:.2}×"));
        let (target, met) = match (row.target, row.ratio) {
            (Target::AtLeast(t), Some(r)) => (format!("≥ {t:.2}×"), verdict(r >= t)),
            (Target::AtMost(t), Some(r)) => (format!("≤ {t:.2}×"), verdict(r <= t)),
            _ => ("—".to_owned(), "—"),
        };
        println!(
            "| {} | {} | {baseline} | {ratio} | {target} | {met} |",
            row.name,
            format_value(row.sdk, row.unit),
        );
    }
}

/// What each row is compared with.
const BASELINES: &str = "baselines: sign = the same hash crate over the same bytes; prepare = \
serde_json::to_vec of the same request alone; create_task = a raw hyper-util client sending \
pre-signed requests to the same server; peak heap = the whole 100k-contact create's JSON body. \
Ratios are SDK/baseline (throughputs for sign and create_task, times or bytes otherwise).";

fn verdict(met: bool) -> &'static str {
    if met { "yes" } else { "no" }
}
