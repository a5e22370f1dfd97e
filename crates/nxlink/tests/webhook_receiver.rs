//! The examples' callback server over real HTTP: a replayed callback is acknowledged but
//! handed over once, and a flood of slow-loris connections does not keep a genuine callback
//! from being answered.

#[path = "../examples/shared/callback_server.rs"]
mod callback_server;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use callback_server::{Callback, HEADER_TIMEOUT, MAX_CONNECTIONS};
use nxlink::callbacks::{CallbackVerifier, DEFAULT_REPLAY_CAPACITY};
use nxlink::sign::{Algorithm, Signer};
use nxlink_testkit::demo_credentials;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

const CALL_RECORD: &str = r#"{"callId":"c-1","taskId":"t-1","contactId":"k-1","calleePhone":"13800000001","callResult":1}"#;

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
        })
}

/// A signed `POST /webhook/call`, as raw HTTP/1.1.
fn signed_request(body: &str, ts_ms: u64) -> String {
    let credentials = demo_credentials();
    let signer = Signer::new(credentials, Algorithm::Md5);
    let signed = signer.sign(ts_ms, body.as_bytes());
    let mut request = format!(
        "POST /webhook/call HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in signed.iter() {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    request
}

/// Sends raw HTTP and returns the status code of the answer.
async fn status_of(addr: std::net::SocketAddr, request: &str) -> u16 {
    let mut stream = TcpStream::connect(addr).await.expect("connects");
    stream.write_all(request.as_bytes()).await.expect("sent");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("answer read");
    let text = String::from_utf8_lossy(&answer);
    text.split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {text:?}"))
}

async fn receiver() -> (std::net::SocketAddr, mpsc::UnboundedReceiver<Callback>) {
    let (listener, addr) = callback_server::bind(0).await.expect("binds");
    let (deliveries, received) = mpsc::unbounded_channel();
    let verifier =
        CallbackVerifier::new(demo_credentials()).with_replay_guard(DEFAULT_REPLAY_CAPACITY);
    tokio::spawn(callback_server::serve(listener, verifier, deliveries));
    (addr, received)
}

#[tokio::test]
async fn a_replayed_callback_is_acknowledged_but_handed_over_once() {
    let (addr, mut received) = receiver().await;
    let request = signed_request(CALL_RECORD, now_ms());
    assert_eq!(status_of(addr, &request).await, 200);
    assert_eq!(status_of(addr, &request).await, 200, "acknowledged again");
    // Another callback, signed afresh, is a new one.
    let other = signed_request(&CALL_RECORD.replace("c-1", "c-2"), now_ms());
    assert_eq!(status_of(addr, &other).await, 200);
    let mut ids = Vec::new();
    while let Ok(Some(callback)) =
        tokio::time::timeout(Duration::from_millis(200), received.recv()).await
    {
        match callback {
            Callback::CallRecord(call) => ids.push(call.call_id.unwrap_or_default()),
            Callback::TaskStatus(task) => panic!("a call record was sent, not {:?}", task.task_id),
        }
    }
    assert_eq!(ids, ["c-1", "c-2"], "the replay was not handed over");
    // A tampered body is still refused.
    let tampered = request.replace("13800000001", "13800000002");
    assert_eq!(status_of(addr, &tampered).await, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_loris_connections_do_not_keep_a_genuine_callback_out() {
    let (addr, mut received) = receiver().await;
    // More idle connections than the server serves at once, each sending half a header.
    let mut idle = Vec::new();
    for _ in 0..(MAX_CONNECTIONS + 172) {
        let mut stream = TcpStream::connect(addr).await.expect("connects");
        stream
            .write_all(b"POST /webhook/call HTTP/1.1\r\nHost: x\r\n")
            .await
            .expect("half a header");
        idle.push(stream);
    }
    let started = Instant::now();
    let status = status_of(addr, &signed_request(CALL_RECORD, now_ms())).await;
    let waited = started.elapsed();
    assert_eq!(status, 200);
    assert!(
        waited < HEADER_TIMEOUT * 3,
        "answered after {waited:?}: the idle connections were cut off"
    );
    assert!(matches!(
        received.recv().await,
        Some(Callback::CallRecord(_))
    ));
    eprintln!(
        "{} idle connections; the genuine callback was answered after {waited:?}",
        idle.len()
    );
}
