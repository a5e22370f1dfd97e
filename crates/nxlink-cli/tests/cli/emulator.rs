//! `nxlink emulator`: starts, prints its base URL and test credentials, serves the other
//! commands, and stops when killed.

use std::io::{BufRead, BufReader, Lines};
use std::process::{Child, ChildStdout, Stdio};

use crate::common::{Scratch, bare_command, nxlink};

/// An `nxlink emulator` this test started, past its first line. It is killed on drop, even
/// when an assertion fails; its stdout stays open until then, since a closed pipe would stop
/// it at its next line.
struct Running {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
    base_url: String,
}

impl Running {
    /// The next `count` lines the emulator printed after its first.
    fn banner(&mut self, count: usize) -> Vec<String> {
        self.lines
            .by_ref()
            .take(count)
            .map(|line| line.expect("utf-8"))
            .collect()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `nxlink emulator` on a free port, accepting `key` and `secret`.
fn start_emulator(scratch: &Scratch, key: &str, secret: &str, extra: &[&str]) -> Running {
    let mut command = bare_command(scratch.root());
    command
        .args(["emulator", "--port", "0", "--quiet", "--access-key", key])
        .args(["--access-secret", secret])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command.spawn().expect("the emulator starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a first line").expect("utf-8");
    let base_url = first
        .strip_prefix("NXLink emulator listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    Running {
        child,
        lines,
        base_url,
    }
}

#[test]
fn the_emulator_serves_the_other_commands() {
    let scratch = Scratch::new();
    let mut emulator = start_emulator(&scratch, "AK-T", "t-secret", &[]);
    let base_url = emulator.base_url.clone();
    let banner = emulator.banner(5);
    assert!(banner[0].contains("accessKey:    AK-T"), "{banner:?}");
    assert!(banner[1].contains("accessSecret: t-secret"), "{banner:?}");

    let mut client = bare_command(scratch.root());
    client
        .env("NXLINK_BASE_URL", &base_url)
        .env("NXLINK_ACCESS_KEY", "AK-T")
        .env("NXLINK_ACCESS_SECRET", "t-secret");
    let run = nxlink(client, ["flows", "--json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("\"autoFlowId\":197"), "{run:?}");

    let half = nxlink(
        bare_command(scratch.root()),
        ["emulator", "--port", "0", "--access-key", "AK-T"],
    );
    assert_eq!(half.code, 2, "{half:?}");
    drop(emulator);
}

#[test]
fn emulator_help_describes_its_flags_and_mistakes_exit_two() {
    let scratch = Scratch::new();
    let help = nxlink(bare_command(scratch.root()), ["emulator", "--help"]);
    assert_eq!(help.code, 0, "{help:?}");
    for flag in [
        "--port",
        "--host",
        "--access-key",
        "--access-secret",
        "--speedup",
        "--latency-ms",
        "--throttle",
    ] {
        assert!(help.stdout.contains(flag), "{flag}: {help:?}");
    }
    // The defaults the testkit's own binary had before it became `nxlink emulator`.
    for default in [
        "Address to listen on [default: 127.0.0.1]",
        "[default: 8080]",
        "faster than real time; 0 never dials [default: 1]",
        "[default: 0]",
    ] {
        assert!(help.stdout.contains(default), "{default}: {help:?}");
    }
    for args in [
        &["emulator", "--bogus"][..],
        &["emulator", "--port", "http"],
        &["emulator", "--port"],
        &["emulator", "--throttle", "5"],
        &["emulator", "--throttle", "9-3"],
    ] {
        let run = nxlink(bare_command(scratch.root()), args.iter().copied());
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(!run.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn the_emulator_refuses_an_unsigned_request_like_the_gateway() {
    use std::io::{Read, Write};
    let scratch = Scratch::new();
    let emulator = start_emulator(&scratch, "AK-U", "u-secret", &[]);
    let addr = emulator
        .base_url
        .strip_prefix("http://127.0.0.1:")
        .map(|port| format!("127.0.0.1:{port}"))
        .unwrap_or_else(|| panic!("not on loopback: {}", emulator.base_url));
    let mut stream = std::net::TcpStream::connect(&addr).expect("connects");
    stream
        .write_all(b"POST /openapi/aiagent/task/create HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
        .expect("sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("answered");
    assert!(answer.contains(r#""code":1001"#), "{answer}");
    drop(emulator);
}

#[test]
fn a_slow_throttling_emulator_is_waited_for() {
    let scratch = Scratch::new();
    let mut emulator = start_emulator(
        &scratch,
        "AK-S",
        "s-secret",
        &["--latency-ms", "150", "--throttle", "1-1"],
    );
    let banner = emulator.banner(5);
    assert!(
        banner[3].contains("latency:      +150 ms per answer"),
        "{banner:?}"
    );
    assert!(
        banner[4].contains("throttled:    requests 1-1 answer 429"),
        "{banner:?}"
    );
    let mut client = bare_command(scratch.root());
    client
        .env("NXLINK_BASE_URL", &emulator.base_url)
        .env("NXLINK_ACCESS_KEY", "AK-S")
        .env("NXLINK_ACCESS_SECRET", "s-secret");
    let started = std::time::Instant::now();
    let run = nxlink(client, ["flows", "--json"]);
    let took = started.elapsed();
    assert_eq!(run.code, 0, "{run:?}");
    // The first request answered 429 (Retry-After: 1), the retry after the added latency.
    assert!(
        took >= std::time::Duration::from_millis(1_150),
        "answered after {took:?}"
    );
    drop(emulator);
}
