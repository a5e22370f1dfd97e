//! The `nxlink-emulator` binary: help, usage errors, and serving for real.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_nxlink-emulator");

#[test]
fn help_exits_zero_and_describes_the_flags() {
    let output = Command::new(BIN).arg("--help").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    for flag in [
        "--port",
        "--host",
        "--access-key",
        "--access-secret",
        "--speedup",
    ] {
        assert!(text.contains(flag), "{flag}");
    }
}

#[test]
fn usage_errors_exit_two() {
    for args in [
        &["--bogus"][..],
        &["--port", "http"],
        &["--access-key", "AK-only"],
        &["--port"],
    ] {
        let output = Command::new(BIN).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(!output.stderr.is_empty());
    }
}

#[test]
fn serves_and_prints_its_url_and_credentials() {
    let mut child = Command::new(BIN)
        .args([
            "--port",
            "0",
            "--access-key",
            "AK-CLI",
            "--access-secret",
            "cli-secret",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let key_line = lines.next().unwrap().unwrap();
    let secret_line = lines.next().unwrap().unwrap();
    let url = first.rsplit(' ').next().unwrap().to_owned();
    let addr = url.strip_prefix("http://").unwrap().to_owned();

    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .write_all(b"POST /openapi/aiagent/task/create HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();

    // Only this test's own child is stopped.
    child.kill().unwrap();
    let _ = child.wait();
    assert!(
        first.starts_with("NXLink emulator listening on http://127.0.0.1:"),
        "{first}"
    );
    assert!(key_line.contains("AK-CLI") && secret_line.contains("cli-secret"));
    assert!(answer.contains(r#""code":1001"#), "{answer}");
}
