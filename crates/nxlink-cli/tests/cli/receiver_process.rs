//! `nxlink webhook serve` as a child process: started on a port, its URLs read from its
//! first lines, killed (SIGKILL) or stopped (SIGTERM) like an operator's process would be.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};

use rusqlite::Connection;

/// A running receiver.
pub(crate) struct ReceiverProcess {
    child: Child,
    stdout: BufReader<ChildStdout>,
    /// Where it listens.
    pub(crate) addr: SocketAddr,
    /// Its start-up lines.
    pub(crate) banner: String,
    store: PathBuf,
}

impl ReceiverProcess {
    /// Starts `command` (the binary with credentials) as `webhook serve` on `listen`,
    /// storing into `store`, with `extra` flags; returns once it prints its URLs.
    pub(crate) fn start(mut command: Command, listen: &str, store: &Path, extra: &[&str]) -> Self {
        command
            .args(["webhook", "serve", "--listen", listen, "--store"])
            .arg(store)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = command.spawn().expect("the receiver starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut banner = String::new();
        while !banner.contains("callCallbackUrl") || !banner.ends_with('\n') {
            let read = stdout.read_line(&mut banner).expect("read the banner");
            assert!(read > 0, "the receiver exited before listening: {banner}");
        }
        let url = banner
            .lines()
            .find_map(|line| line.trim().strip_prefix("callCallbackUrl: http://"))
            .expect("a call URL");
        let addr = url
            .split('/')
            .next()
            .and_then(|authority| authority.parse().ok())
            .expect("a socket address");
        ReceiverProcess {
            child,
            stdout,
            addr,
            banner,
            store: store.to_owned(),
        }
    }

    /// The task-status webhook URL.
    pub(crate) fn task_url(&self) -> String {
        format!("http://{}/callbacks/task", self.addr)
    }

    /// The call-record webhook URL.
    pub(crate) fn call_url(&self) -> String {
        format!("http://{}/callbacks/call", self.addr)
    }

    /// The process id, for `/proc`.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL, and waits for the process to be gone.
    pub(crate) fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        let _ = self.child.wait();
    }

    /// SIGTERM; waits for the exit and returns the rest of its stdout.
    pub(crate) fn stop(mut self) -> (i32, String) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let mut rest = String::new();
        self.stdout.read_to_string(&mut rest).expect("read stdout");
        let code = self.child.wait().expect("exits").code().unwrap_or(-1);
        (code, rest)
    }

    /// SIGTERM; `None` (and a SIGKILL) when it has not exited within `limit`.
    pub(crate) fn stop_within(mut self, limit: std::time::Duration) -> Option<(i32, String)> {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(status.expect("kill runs").success());
        let started = std::time::Instant::now();
        while started.elapsed() < limit {
            if let Some(status) = self.child.try_wait().expect("wait") {
                let mut rest = String::new();
                self.stdout.read_to_string(&mut rest).expect("read stdout");
                return Some((status.code().unwrap_or(-1), rest));
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        None
    }

    /// Waits for an exit asked for by a signal sent from elsewhere; the rest of its stdout.
    pub(crate) fn stop_after_signal(mut self) -> (i32, String) {
        let mut rest = String::new();
        self.stdout.read_to_string(&mut rest).expect("read stdout");
        let code = self.child.wait().expect("exits").code().unwrap_or(-1);
        (code, rest)
    }

    /// Rows in its store, read beside the running process (WAL lets both work).
    pub(crate) fn stored(&self) -> u64 {
        count_rows(&self.store, None)
    }
}

impl Drop for ReceiverProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Rows in the store at `path`, of one kind (`call`, `task`) or all.
pub(crate) fn count_rows(path: &Path, kind: Option<&str>) -> u64 {
    let Ok(connection) = Connection::open(path) else {
        return 0;
    };
    connection
        .query_row(
            "SELECT count(*) FROM callback WHERE ?1 IS NULL OR kind = ?1",
            [kind],
            |row| row.get(0),
        )
        .unwrap_or(0)
}
