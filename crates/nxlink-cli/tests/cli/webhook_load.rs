//! The receiver under load: 2 000 concurrent deliveries, half of them badly signed, while
//! 300 slow-loris connections drip their headers a byte at a time. Every good callback is
//! stored, every bad one answered 401, every slow connection closed by the server's read
//! timeout; the receiver's peak RSS is printed.

use std::time::{Duration, Instant};

use nxlink::sign::Credentials;
use nxlink_testkit::demo_credentials;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::Scratch;
use crate::common::bare_command;
use crate::receiver_process::ReceiverProcess;
use crate::webhook::{post, signed_call};

const GOOD: usize = 1_000;
const BAD: usize = 1_000;
const SLOW: usize = 300;
const READ_TIMEOUT_S: u64 = 2;

/// Opens a connection and drips a request head one byte every 100 ms; returns how long the
/// server let it live, or `None` if it was still open after 20 s.
async fn slow_loris(addr: std::net::SocketAddr) -> Option<Duration> {
    let opened = Instant::now();
    let mut stream = TcpStream::connect(addr).await.ok()?;
    let head = b"POST /callbacks/call HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    let mut answer = [0_u8; 256];
    for byte in head.iter().chain(std::iter::repeat(&b'a')) {
        if stream.write_all(&[*byte]).await.is_err() {
            return Some(opened.elapsed());
        }
        match tokio::time::timeout(Duration::from_millis(100), stream.read(&mut answer)).await {
            Ok(Ok(0) | Err(_)) => return Some(opened.elapsed()),
            // An answer (408) before the close also ends it.
            Ok(Ok(_)) => return Some(opened.elapsed()),
            Err(_) => {}
        }
        if opened.elapsed() > Duration::from_secs(20) {
            return None;
        }
    }
    None
}

#[test]
fn good_callbacks_are_stored_and_bad_ones_refused_under_load_and_slow_loris() {
    let scratch = Scratch::new();
    let store = scratch.path("callbacks.db");
    let mut command = bare_command(scratch.root());
    let credentials = demo_credentials();
    command
        .env("NXLINK_ACCESS_KEY", credentials.access_key())
        .env("NXLINK_ACCESS_SECRET", nxlink_testkit::DEMO_ACCESS_SECRET);
    let timeout = READ_TIMEOUT_S.to_string();
    let receiver = ReceiverProcess::start(
        command,
        "127.0.0.1:0",
        &store,
        &["--read-timeout", &timeout],
    );
    let addr = receiver.addr;
    let url = receiver.call_url();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let started = Instant::now();
    let (slow, answers) = runtime.block_on(async {
        let slow: Vec<_> = (0..SLOW).map(|_| tokio::spawn(slow_loris(addr))).collect();
        // Let the slow ones take their seats first.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let wrong = Credentials::new(credentials.access_key(), "forged-secret");
        let deliveries: Vec<_> = (0..GOOD + BAD)
            .map(|n| {
                let signer = if n % 2 == 0 { &credentials } else { &wrong };
                let request = signed_call(signer, &format!("load-{n}"), &url);
                tokio::spawn(post(addr, request))
            })
            .collect();
        let mut answers = Vec::new();
        for delivery in deliveries {
            answers.push(delivery.await.expect("task"));
        }
        let mut lived = Vec::new();
        for connection in slow {
            lived.push(connection.await.expect("task"));
        }
        (lived, answers)
    });
    let elapsed = started.elapsed();
    let peak_rss_kib = std::fs::read_to_string(format!("/proc/{}/status", receiver.pid()))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|value| {
                    value
                        .trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
        });

    let mut good_stored = 0;
    let mut bad_refused = 0;
    let mut other = Vec::new();
    for (n, answer) in answers.iter().enumerate() {
        match (n % 2 == 0, answer) {
            (true, Ok((200, _))) => good_stored += 1,
            (false, Ok((401, _))) => bad_refused += 1,
            _ => other.push((n, answer.clone())),
        }
    }
    let closed: Vec<Duration> = slow.iter().flatten().copied().collect();
    let longest = closed.iter().max().copied().unwrap_or_default();
    let shortest = closed.iter().min().copied().unwrap_or_default();
    let rows = receiver.stored();
    let (code, closing) = receiver.stop();

    println!("\nwebhook receiver under load ({:.1?})", elapsed);
    println!("  good deliveries answered 200      {good_stored} of {GOOD}");
    println!("  badly signed answered 401         {bad_refused} of {BAD}");
    println!("  rows stored                       {rows}");
    println!(
        "  slow-loris closed by the server   {} of {SLOW}, after {shortest:.1?} to {longest:.1?}",
        closed.len()
    );
    if let Some(kib) = peak_rss_kib {
        println!(
            "  receiver peak RSS                 {:.1} MiB",
            kib as f64 / 1024.0
        );
    }

    assert!(
        other.is_empty(),
        "unexpected answers: {:?}",
        &other[..other.len().min(5)]
    );
    assert_eq!((good_stored, bad_refused), (GOOD, BAD));
    assert_eq!(rows, GOOD as u64);
    assert_eq!(closed.len(), SLOW, "every slow connection was closed");
    assert!(
        shortest >= Duration::from_millis(READ_TIMEOUT_S * 1000 - 500),
        "{shortest:?}"
    );
    assert!(
        longest <= Duration::from_secs(READ_TIMEOUT_S + 5),
        "{longest:?}"
    );
    assert_eq!(code, 0, "{closing}");
    assert!(
        closing.contains("stopped: 1,000 callbacks stored"),
        "{closing}"
    );
    assert!(closing.contains("1,000 refused"), "{closing}");
}
