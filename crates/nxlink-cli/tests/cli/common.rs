//! Test fixtures: an emulator per test, a scratch directory, and the binary run with a clean
//! environment pointed at both.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU64, Ordering};

use nxlink_testkit::{DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, Emulator, EmulatorBuilder};

/// The settings variables the binary reads; removed so the caller's environment never leaks in.
const NXLINK_VARS: [&str; 6] = [
    "NXLINK_ACCESS_KEY",
    "NXLINK_ACCESS_SECRET",
    "NXLINK_REGION",
    "NXLINK_BASE_URL",
    "NXLINK_SIGN_ALGORITHM",
    "NXLINK_PROFILE",
];

/// A task definition that the emulator accepts (seeded agent 197 and route), no contacts.
pub(crate) const TASK_JSON: &str = r#"{
  "taskName": "Parcel follow-up",
  "autoFlowId": 197,
  "routeId": "y29ND1X4kkCG_nC576sALEkvg3HjEqde",
  "taskKeep": 0,
  "startupType": 1,
  "zoneSecond": 28800,
  "weekDay": "1,2,3,4,5,6,7",
  "firstFifteen": "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23",
  "secondFifteen": "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23",
  "thirdFifteen": "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23",
  "fourthFifteen": "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23",
  "orderMaxCall": 1,
  "replayInterval": 600
}"#;

/// A scratch directory under cargo's test temp dir, removed when dropped.
#[derive(Debug)]
pub(crate) struct Scratch {
    path: PathBuf,
}

impl Scratch {
    pub(crate) fn new() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "nxlink-cli-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("scratch directory");
        Scratch { path }
    }

    /// A path inside the directory.
    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// Writes a file and returns its path.
    pub(crate) fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("parent directory");
        }
        std::fs::write(&path, content).expect("file written");
        path
    }

    /// The directory itself.
    pub(crate) fn root(&self) -> &Path {
        &self.path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// An emulator and a scratch directory for one test.
pub(crate) struct Gateway {
    runtime: tokio::runtime::Runtime,
    emulator: Option<Emulator>,
    pub(crate) scratch: Scratch,
}

impl Gateway {
    /// An emulator accepting the demo account.
    pub(crate) fn start() -> Self {
        Gateway::with(Emulator::builder())
    }

    /// An emulator configured by `builder`.
    pub(crate) fn with(builder: EmulatorBuilder) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let emulator = runtime.block_on(builder.start()).expect("emulator starts");
        Gateway {
            runtime,
            emulator: Some(emulator),
            scratch: Scratch::new(),
        }
    }

    pub(crate) fn emulator(&self) -> &Emulator {
        self.emulator.as_ref().expect("running")
    }

    /// Runs a future on this test's runtime (for the emulator's async helpers).
    pub(crate) fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// The binary with no credentials at all: a clean environment and config directory.
    pub(crate) fn bare(&self) -> Command {
        bare_command(self.scratch.root())
    }

    /// The binary configured for this emulator through the environment.
    pub(crate) fn nxlink(&self) -> Command {
        let mut command = self.bare();
        command
            .env("NXLINK_BASE_URL", self.emulator().base_url())
            .env("NXLINK_ACCESS_KEY", DEMO_ACCESS_KEY)
            .env("NXLINK_ACCESS_SECRET", DEMO_ACCESS_SECRET);
        command
    }

    /// `nxlink contacts append --task TASK --csv CSV` against this emulator.
    pub(crate) fn append(&self, task_id: &str, csv: &Path) -> Command {
        let mut command = self.nxlink();
        command
            .args(["contacts", "append", "--task", task_id, "--csv"])
            .arg(csv);
        command
    }

    /// Asserts the task holds `count` contacts, each contact id once.
    pub(crate) fn assert_each_once(&self, task_id: &str, count: usize) {
        let contacts = self.emulator().contacts(task_id);
        let distinct: std::collections::HashSet<&str> = contacts
            .iter()
            .map(|c| c.contact.contact_id.as_str())
            .collect();
        assert_eq!(
            (contacts.len(), distinct.len()),
            (count, count),
            "(contacts, distinct ids) in the task"
        );
    }

    /// Creates an empty task through the binary and returns its id.
    pub(crate) fn create_task(&self, extra: &str) -> String {
        let definition = TASK_JSON.replacen('{', &format!("{{{extra}"), 1);
        let file = self.scratch.write("definition.json", definition);
        let run = run(self.nxlink().args(["task", "create"]).arg(&file));
        assert_eq!(run.code, 0, "{run:?}");
        self.emulator()
            .tasks()
            .last()
            .map(|task| task.task_id.clone())
            .expect("a task was created")
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        if let Some(emulator) = self.emulator.take() {
            self.runtime.block_on(emulator.shutdown());
        }
    }
}

/// The binary in a clean environment whose config directory is `home`.
pub(crate) fn bare_command(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_nxlink"));
    for name in NXLINK_VARS {
        command.env_remove(name);
    }
    command
        .env("XDG_CONFIG_HOME", home.join("xdg"))
        .env("HOME", home)
        .current_dir(home);
    command
}

/// What a run printed and how it ended.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    /// Both streams, for "somewhere in the output" checks.
    pub(crate) fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs a command to its end.
pub(crate) fn run(command: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("the binary runs");
    Run {
        code: status.code().expect("exited, not killed"),
        stdout: String::from_utf8(stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(stderr).expect("utf-8 stderr"),
    }
}

/// Runs the binary with `args` (a shorthand for the common case).
pub(crate) fn nxlink<I, S>(mut command: Command, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run(command.args(args))
}

/// A count from an append summary line (`  appended   99,500`).
pub(crate) fn summary(stdout: &str, label: &str) -> u64 {
    let line = stdout
        .lines()
        .find(|line| line.trim_start().starts_with(label))
        .unwrap_or_else(|| panic!("no {label:?} line in {stdout}"));
    line.trim_start()[label.len()..]
        .trim()
        .replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("no count in {line:?}"))
}

/// `count` contacts as CSV rows (with a variable column), ids `{prefix}-000000`….
pub(crate) fn contacts_csv(prefix: &str, count: usize) -> String {
    let mut csv = String::with_capacity(count * 48 + 64);
    csv.push_str("contactId,name,phoneNumber,customerName\n");
    for i in 0..count {
        csv.push_str(&format!("{prefix}-{i:06},Name {i},1380{i:07},Name {i}\n"));
    }
    csv
}
