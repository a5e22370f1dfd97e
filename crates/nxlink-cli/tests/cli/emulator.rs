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
