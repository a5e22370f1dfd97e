//! `nxlink emulator`: starts, prints its base URL and test credentials, serves the other
//! commands, and stops when killed.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use crate::common::{Scratch, bare_command, nxlink};

/// Kills the emulator process this test started, even when an assertion fails.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_emulator_serves_the_other_commands() {
    let scratch = Scratch::new();
    let mut command = bare_command(scratch.root());
    command
        .args([
            "emulator",
            "--port",
            "0",
            "--quiet",
            "--access-key",
            "AK-T",
            "--access-secret",
            "t-secret",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = Running(command.spawn().expect("the emulator starts"));
    let stdout = child.0.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a first line").expect("utf-8");
    let base_url = first
        .strip_prefix("NXLink emulator listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    let banner: Vec<String> = lines
        .by_ref()
        .take(5)
        .map(|line| line.expect("utf-8"))
        .collect();
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
    drop(child);
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
    ] {
        assert!(help.stdout.contains(flag), "{flag}: {help:?}");
    }
    for args in [
        &["emulator", "--bogus"][..],
        &["emulator", "--port", "http"],
        &["emulator", "--port"],
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
    let mut command = bare_command(scratch.root());
    command
        .args([
            "emulator",
            "--port",
            "0",
            "--quiet",
            "--access-key",
            "AK-U",
            "--access-secret",
            "u-secret",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = Running(command.spawn().expect("the emulator starts"));
    let stdout = child.0.stdout.take().expect("piped stdout");
    // Kept open to the end: a closed pipe would stop the emulator at its next line.
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a first line").expect("utf-8");
    assert!(
        first.starts_with("NXLink emulator listening on http://127.0.0.1:"),
        "{first}"
    );
    let addr = first
        .rsplit("http://")
        .next()
        .expect("an address")
        .to_owned();
    let mut stream = std::net::TcpStream::connect(&addr).expect("connects");
    stream
        .write_all(b"POST /openapi/aiagent/task/create HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
        .expect("sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("answered");
    assert!(answer.contains(r#""code":1001"#), "{answer}");
    drop(lines);
    drop(child);
}
