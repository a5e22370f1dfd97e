//! Project automation. `cargo xtask ci` is the one gate; `cargo xtask proptest` runs the
//! calling-window properties with a large case count; `cargo xtask bench` runs the
//! benchmarks and prints their table; `cargo xtask py` builds and tests the Python package.
#![forbid(unsafe_code)]

mod bench;
mod imports;
mod py;
mod venv;

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// Cases per property for `cargo xtask proptest`.
const LARGE_CASE_COUNT: u32 = 10_000;

/// One command of a pipeline, with the name it is reported under.
struct Step {
    name: &'static str,
    /// The program to run; cargo when `None`.
    program: Option<PathBuf>,
    args: Vec<&'static str>,
    envs: Vec<(&'static str, String)>,
}

impl Step {
    fn cargo(name: &'static str, args: &[&'static str]) -> Self {
        Step {
            name,
            program: None,
            args: args.to_vec(),
            envs: Vec::new(),
        }
    }

    fn program(name: &'static str, program: PathBuf, args: &[&'static str]) -> Self {
        Step {
            program: Some(program),
            ..Step::cargo(name, args)
        }
    }

    fn env(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.envs.push((key, value.into()));
        self
    }

    fn display(&self) -> String {
        let envs: String = self.envs.iter().map(|(k, v)| format!("{k}={v} ")).collect();
        let program = self
            .program
            .as_ref()
            .map_or_else(|| "cargo".to_owned(), |path| path.display().to_string());
        format!("{envs}{program} {}", self.args.join(" "))
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let task = args.first().map(String::as_str);
    let result = match task {
        Some("ci") => ci(),
        Some("proptest") => proptest(),
        Some("faults") => faults(),
        Some("deny") => deny(),
        Some("imports") => imports::check(&args.get(1).map_or_else(workspace_root, PathBuf::from)),
        Some("bench") => bench::bench(&args[1..]),
        Some("py") => py::py(),
        Some("help" | "--help" | "-h") | None => {
            print_usage();
            return if task.is_none() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
        Some(other) => {
            eprintln!("xtask: unknown task `{other}`");
            print_usage();
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn print_usage() {
    eprintln!(
        "usage: cargo xtask <task>\n\n\
         tasks:\n  \
         ci        the gate: fmt, import circles, clippy (default, no and all features), tests, the\n            Python package, bench build, fault matrix, kill and webhook runs, docs, cargo-deny\n            (installed under target/tools)\n  \
         proptest  calling-window property tests with {LARGE_CASE_COUNT} cases per property\n  \
         faults    the fault matrix (every injected fault against a create and a 10k append), the\n            kill-and-resume runs of the real binary over 1M rows, and the webhook receiver\n            killed during 10k contacts' callbacks and under load\n  \
         imports   files of one crate that import each other (fails on a circle)\n  \
         deny      the dependency policy (deny.toml) alone, with the pinned cargo-deny\n  \
         bench     the benchmarks, one table of SDK vs baseline ratios (`--runs N`: medians of N)\n  \
         py        the Python package: wheel built by maturin (dev profile) in a venv under target/,\n            installed, and its pytest suite run (pinned maturin and pytest from the registry)"
    );
}

fn ci() -> Result<(), String> {
    let started = Instant::now();
    let mut steps = vec![
        Step::cargo("format", &["fmt", "--all", "--", "--check"]),
        Step::program("import circles", xtask_binary()?, &["imports"]),
        Step::cargo(
            "clippy",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
        ),
        // The feature sets users can pick, beyond the defaults clippy saw: none, and all.
        Step::cargo(
            "no default features",
            &[
                "clippy",
                "-p",
                "nxlink",
                "-p",
                "nxlink-model",
                "-p",
                "nxlink-transport",
                "--no-default-features",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
        ),
        Step::cargo(
            "all features",
            &[
                "clippy",
                "--workspace",
                "--all-features",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
        ),
        Step::cargo("tests", &["test", "--workspace", "--locked"]),
        // The Python package (crates/nxlink-py): its wheel built, installed in a venv under
        // target/ and its pytest suite run, as `cargo xtask py` does.
        Step::program("python package", xtask_binary()?, &["py"]),
        // Compiled in the bench profile so they cannot rot, but never run: timings on a CI
        // machine mean nothing (`cargo xtask bench` measures).
        Step::cargo(
            "benches compile",
            &["bench", "--workspace", "--no-run", "--locked"],
        ),
        faults_step(),
        kill_step(),
        webhook_step(),
        Step::cargo("docs", &["doc", "--workspace", "--no-deps", "--locked"])
            .env("RUSTDOCFLAGS", "-D warnings"),
        // What crates.io would receive: each library crate packed and built from its
        // package alone (files left out of a package, a path that only works in the
        // repository, a missing README or licence all fail here). The CLI and the test
        // crates are not published. A working tree with uncommitted changes is packed as is.
        Step::cargo(
            "packages",
            &[
                "package",
                "-p",
                "nxlink-model",
                "-p",
                "nxlink-sign",
                "-p",
                "nxlink-transport",
                "-p",
                "nxlink",
                "-p",
                "nxlink-testkit",
                "-p",
                "nxlink-axum",
                "--locked",
                "--allow-dirty",
            ],
        ),
    ];
    run_all("ci", &steps)?;
    // Last, so that a fresh clone's one-time install waits for nothing else to pass first.
    let deny = deny_step()?;
    run_all("ci", std::slice::from_ref(&deny))?;
    steps.push(deny);
    println!(
        "\nxtask ci: all {} steps passed in {:.0?}",
        steps.len(),
        started.elapsed()
    );
    Ok(())
}

fn proptest() -> Result<(), String> {
    let step = Step::cargo(
        "window properties",
        &[
            "test",
            "--locked",
            "--release",
            "-p",
            "nxlink-model",
            "--test",
            "window_properties",
            "--",
            "--nocapture",
            "--test-threads",
            "1",
        ],
    )
    .env("PROPTEST_CASES", LARGE_CASE_COUNT.to_string());
    run_all("proptest", std::slice::from_ref(&step))
}

/// The fault matrix: a loopback run of every injectable fault; fails when a guarantee breaks.
fn faults_step() -> Step {
    Step::cargo(
        "fault matrix",
        &[
            "run",
            "--locked",
            "--quiet",
            "-p",
            "nxlink-integration-tests",
            "--bin",
            "fault-matrix",
        ],
    )
}

/// The real `nxlink` binary killed ten times while appending 1 000 000 rows (SIGKILL, with a
/// gateway refusing and one accepting repeated contact ids; SIGTERM), re-run each time: it
/// prints its table of requests, re-sends and doubles, and fails when a contact is lost.
fn kill_step() -> Step {
    cli_release_tests("kill and resume", &["kill_resume", "--", "--nocapture"])
        .env("NXLINK_KILL_ROWS", "1000000")
}

/// The real `nxlink webhook serve` SIGKILLed three times while the emulator delivers the
/// callbacks of 10 000 contacts (0 lost, 0 duplicated), then loaded with 2 000 concurrent
/// deliveries (half forged) and 300 slow-loris connections: each prints its rows.
fn webhook_step() -> Step {
    cli_release_tests(
        "webhook kill and load",
        &["webhook_", "--", "--nocapture", "--test-threads", "1"],
    )
    .env("NXLINK_WEBHOOK_CONTACTS", "10000")
}

/// The CLI's binary tests selected by `filter_and_flags`, optimized: the long runs take a
/// third of the time, the release dependencies are mostly built by the benches step already,
/// and every step using this shares one test binary.
fn cli_release_tests(name: &'static str, filter_and_flags: &[&'static str]) -> Step {
    let mut args = vec![
        "test",
        "--locked",
        "--release",
        "-p",
        "nxlink-cli",
        "--test",
        "cli",
    ];
    args.extend_from_slice(filter_and_flags);
    Step::cargo(name, &args)
}

fn faults() -> Result<(), String> {
    run_all("faults", &[faults_step(), kill_step(), webhook_step()])
}

fn run_all(pipeline: &str, steps: &[Step]) -> Result<(), String> {
    let root = workspace_root();
    for (index, step) in steps.iter().enumerate() {
        println!(
            "\n==> [{}/{}] {}: {}",
            index + 1,
            steps.len(),
            step.name,
            step.display()
        );
        let started = Instant::now();
        let program = step
            .program
            .clone()
            .map_or_else(cargo, PathBuf::into_os_string);
        let status = Command::new(program)
            .args(&step.args)
            .envs(step.envs.iter().map(|(k, v)| (k, v)))
            .current_dir(&root)
            .status()
            .map_err(|error| {
                format!("{pipeline}: could not start `{}`: {error}", step.display())
            })?;
        if !status.success() {
            let code = status.code().map_or_else(
                || "killed by a signal".to_owned(),
                |c| format!("exit code {c}"),
            );
            return Err(format!(
                "{pipeline} failed at step {}/{} `{}` ({code}); command: {}",
                index + 1,
                steps.len(),
                step.name,
                step.display()
            ));
        }
        println!("==> {} passed in {:.1?}", step.name, started.elapsed());
    }
    Ok(())
}

/// `cargo deny check` of the policy in `deny.toml`; advisories need the network, which CI
/// does not have.
fn deny_step() -> Result<Step, String> {
    Ok(Step::program(
        "cargo-deny",
        cargo_deny()?,
        &["--locked", "check", "bans", "licenses", "sources"],
    ))
}

fn deny() -> Result<(), String> {
    run_all("deny", &[deny_step()?])
}

/// The cargo-deny version the policy in `deny.toml` is checked with.
const CARGO_DENY_VERSION: &str = "0.20.2";

/// cargo-deny at the pinned version, installed under `target/tools` (from the package
/// registry, `--locked`) when it is not there yet, so a fresh clone needs nothing installed.
fn cargo_deny() -> Result<PathBuf, String> {
    let root = target_dir().join("tools");
    let binary = root
        .join("bin")
        .join(format!("cargo-deny{}", env::consts::EXE_SUFFIX));
    let installed = Command::new(&binary)
        .arg("--version")
        .output()
        .is_ok_and(|output| {
            output.status.success()
                && String::from_utf8_lossy(&output.stdout).contains(CARGO_DENY_VERSION)
        });
    if !installed {
        println!(
            "\n==> installing cargo-deny {CARGO_DENY_VERSION} into {} (once)",
            root.display()
        );
        let started = Instant::now();
        let status = Command::new(cargo())
            .args(["install", "--locked", "--quiet", "cargo-deny", "--version"])
            .arg(CARGO_DENY_VERSION)
            .arg("--root")
            .arg(&root)
            .status()
            .map_err(|error| format!("could not run cargo install: {error}"))?;
        if !status.success() {
            return Err(format!(
                "could not install cargo-deny {CARGO_DENY_VERSION} (cargo install --locked \
                 cargo-deny --version {CARGO_DENY_VERSION} --root {})",
                root.display()
            ));
        }
        println!("==> cargo-deny installed in {:.1?}", started.elapsed());
    }
    Ok(binary)
}

/// Where cargo builds: `CARGO_TARGET_DIR`, else the workspace's `target`.
fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map_or_else(
            || workspace_root().join("target"),
            |dir| {
                if dir.is_absolute() {
                    dir
                } else {
                    workspace_root().join(dir)
                }
            },
        )
}

/// Runs a command from the workspace root to success, printing what it runs and how long it
/// took, or says which failed.
fn run_program(command: &mut Command, what: &str) -> Result<(), String> {
    println!("\n==> {what}");
    let started = Instant::now();
    let status = command
        .current_dir(workspace_root())
        .status()
        .map_err(|error| format!("could not start {what}: {error}"))?;
    if status.success() {
        println!("==> done in {:.1?}", started.elapsed());
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

/// This xtask's own binary, so an in-process check runs as a step like the others.
fn xtask_binary() -> Result<PathBuf, String> {
    env::current_exe().map_err(|error| format!("could not find the xtask binary: {error}"))
}

/// The cargo that launched us, so toolchain overrides carry through.
fn cargo() -> OsString {
    env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}
