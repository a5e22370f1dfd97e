//! Recording, hostile input, concurrency and stopping.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use http::Method;
use nxlink_testkit::Emulator;
use support::{CREATE, EXAMPLE_BODY, create, post, send, task_body};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Writes raw bytes on a fresh connection, half-closes it, and reads whatever comes back
/// until the server closes.
async fn raw(emulator: &Emulator, bytes: &[u8]) -> String {
    raw_with(emulator, bytes, true).await
}

async fn raw_with(emulator: &Emulator, bytes: &[u8], half_close: bool) -> String {
    let mut stream = TcpStream::connect(emulator.local_addr()).await.unwrap();
    // The server may answer (and close) before everything was written.
    let _ = stream.write_all(bytes).await;
    if half_close {
        // A server waiting for more body bytes sees the end instead of hanging.
        let _ = stream.shutdown().await;
    }
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

async fn still_serves(emulator: &Emulator) {
    assert_eq!(create(emulator, EXAMPLE_BODY).await.code(), 0);
}

#[tokio::test]
async fn every_request_is_recorded_with_its_outcome() {
    let emulator = Emulator::start().await.unwrap();
    assert_eq!(emulator.request_count(), 0);
    let unsigned = post(&emulator, CREATE, &[], "{}").await;
    assert_eq!(unsigned.code(), 1001);
    let created = create(&emulator, EXAMPLE_BODY).await;
    let _ = send(&emulator, Method::PUT, "/elsewhere", &[], "x").await;

    let requests = emulator.requests();
    assert_eq!(emulator.request_count(), 3);
    let outcomes: Vec<(u16, i64)> = requests.iter().map(|r| (r.http_status, r.code)).collect();
    assert_eq!(outcomes, [(200, 1001), (200, 0), (404, 404)]);

    let refused = &requests[0];
    assert_eq!(
        (refused.method.as_str(), refused.path.as_str()),
        ("POST", CREATE)
    );
    assert_eq!(refused.body_text(), Some("{}"));
    assert_eq!(refused.trace_id, unsigned.json["traceId"].as_str().unwrap());
    assert!(refused.reason.contains("accessKey"), "{}", refused.reason);

    let accepted = &requests[1];
    assert_eq!(accepted.body.as_ref(), EXAMPLE_BODY.as_bytes());
    assert!(
        accepted.header("SIGN").is_some(),
        "header look-ups ignore case"
    );
    assert_eq!(accepted.message, "success");
    assert_ne!(accepted.trace_id, refused.trace_id);
    assert_eq!(created.json["traceId"].as_str().unwrap(), accepted.trace_id);

    emulator.clear_requests();
    assert_eq!(
        (emulator.request_count(), emulator.requests().len()),
        (0, 0)
    );
}

#[tokio::test]
async fn hostile_bodies_get_answers_and_the_server_keeps_going() {
    let emulator = Emulator::start().await.unwrap();
    let deep = "[".repeat(100_000);
    let long_number = format!(
        r#"{{"contactId":"c","name":"n","phoneNumber":"{}"}}"#,
        "9".repeat(100_000)
    );
    let bodies = [
        String::new(),
        "\u{0}\u{1}garbage".to_owned(),
        deep.clone(),
        format!(r#"{{"callList":{deep}}}"#),
        task_body(r#""startupType":1"#, &long_number),
        task_body(
            r#""startupType":9"#,
            r#"{"contactId":"c","name":"n","phoneNumber":"1","params":[{"name":""}]}"#,
        ),
    ];
    for body in &bodies {
        let code = create(&emulator, body).await.code();
        assert!([0, 1002, 20000].contains(&code), "{code}");
    }
    // Not UTF-8 at all, signed correctly.
    let bytes = vec![0xff, 0xfe, b'{', 0x80];
    let headers = support::signed(
        &emulator.credentials(),
        nxlink_sign::Algorithm::Md5,
        support::now(&emulator),
        &bytes,
    );
    assert_eq!(post(&emulator, CREATE, &headers, bytes).await.code(), 1002);
    assert_eq!(emulator.request_count(), bodies.len() + 1);
    still_serves(&emulator).await;
}

#[tokio::test]
async fn bodies_over_the_cap_are_refused_unread() {
    let emulator = Emulator::builder()
        .max_body_bytes(1024)
        .start()
        .await
        .unwrap();
    let big = "x".repeat(4096);
    let answer = create(&emulator, &big).await;
    assert_eq!((answer.status, answer.code()), (413, 1002));

    // A declared gigabyte is refused before it is sent.
    let head = format!(
        "POST {CREATE} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n{{"
    );
    let answer = raw(&emulator, head.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains(r#""code":1002"#), "{answer}");

    // Chunked bodies have no declared length: the cap stops them while streaming.
    let mut chunked =
        format!("POST {CREATE} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
            .into_bytes();
    for _ in 0..8 {
        chunked.extend_from_slice(format!("200\r\n{}\r\n", "y".repeat(512)).as_bytes());
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let answer = raw(&emulator, &chunked).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");

    let recorded = emulator.requests();
    assert_eq!(recorded.len(), 3);
    assert!(
        recorded
            .iter()
            .all(|r| r.http_status == 413 && r.body.is_empty())
    );
    assert_eq!(create(&emulator, "{}").await.code(), 20000);
}

#[tokio::test]
async fn broken_http_does_not_stop_the_server() {
    let emulator = Emulator::start().await.unwrap();
    let answer = raw(&emulator, b"THIS IS NOT HTTP\r\n\r\n").await;
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 400"),
        "{answer}"
    );
    let _ = raw(
        &emulator,
        b"POST /openapi/aiagent/task/create HTTP/1.1\r\nContent-Length: 50\r\n\r\n{",
    )
    .await;
    let broken_chunks =
        format!("POST {CREATE} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
    let _ = raw(&emulator, broken_chunks.as_bytes()).await;
    let _ = TcpStream::connect(emulator.local_addr()).await.unwrap();
    let truncated = emulator.requests();
    assert!(
        truncated
            .iter()
            .any(|r| (r.http_status, r.code) == (400, 1002)),
        "{truncated:?}"
    );
    still_serves(&emulator).await;
}

#[tokio::test]
async fn keep_alive_serves_several_requests_on_one_connection() {
    let emulator = Emulator::start().await.unwrap();
    let one = "POST /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
    let two = format!(
        "{one}{}",
        one.replace("HTTP/1.1\r\n", "HTTP/1.1\r\nConnection: close\r\n")
    );
    // No half-close: the server would stop after the first answer.
    let answer = raw_with(&emulator, two.as_bytes(), false).await;
    assert_eq!(answer.matches("HTTP/1.1 404").count(), 2, "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_concurrent_clients() {
    let emulator = std::sync::Arc::new(Emulator::start().await.unwrap());
    let mut clients = tokio::task::JoinSet::new();
    for i in 0..64 {
        let emulator = std::sync::Arc::clone(&emulator);
        clients.spawn(async move {
            let contact =
                format!(r#"{{"contactId":"c{i}","name":"n","phoneNumber":"1380000{i:04}"}}"#);
            create(&emulator, &task_body(r#""startupType":1"#, &contact))
                .await
                .code()
        });
    }
    while let Some(code) = clients.join_next().await {
        assert_eq!(code.unwrap(), 0);
    }
    assert_eq!(emulator.tasks().len(), 64);
    assert_eq!(emulator.request_count(), 64);
}

#[tokio::test]
async fn shutdown_and_drop_stop_the_server() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.local_addr();
    still_serves(&emulator).await;
    emulator.shutdown().await;
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "still listening after shutdown"
    );

    let dropped = Emulator::start().await.unwrap();
    let addr = dropped.local_addr();
    drop(dropped);
    let mut closed = false;
    for _ in 0..100 {
        if TcpStream::connect(addr).await.is_err() {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(closed, "still listening after drop");
}

#[test]
fn works_from_plain_blocking_code_with_a_runtime_per_call() {
    let first = tokio::runtime::Runtime::new().unwrap();
    let emulator = first.block_on(Emulator::start()).unwrap();
    drop(first);
    // The starting runtime is gone; the emulator lives on its own thread.
    let second = tokio::runtime::Runtime::new().unwrap();
    second.block_on(still_serves(&emulator));
    second.block_on(emulator.shutdown());
}
