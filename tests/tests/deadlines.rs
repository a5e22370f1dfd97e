//! The overall deadline bounds a whole call, reconciliation included: against a gateway
//! that drips its answers a byte at a time, `create_task` ends at the deadline with an
//! unknown outcome naming the userTaskId to look up, having sent the create once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use nxlink::{Client, RetryPolicy};
use nxlink_integration_tests::spec_example_task;
use nxlink_testkit::demo_credentials;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Accepts connections, reads what the client sends, and drips a valid answer one byte
/// every 100 ms; returns the base URL and the count of requests that reached it.
async fn dripping_gateway() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let addr = listener.local_addr().expect("addr");
    let requests = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&requests);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let counted = Arc::clone(&counted);
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 64 * 1024];
                if stream.read(&mut buffer).await.unwrap_or(0) == 0 {
                    return;
                }
                counted.fetch_add(1, Ordering::SeqCst);
                let body = r#"{"code":0,"message":"success","data":{"total":0,"list":[]}}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                for byte in answer.bytes() {
                    if stream.write_all(&[byte]).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            });
        }
    });
    (format!("http://{addr}"), requests)
}

#[tokio::test]
async fn a_dripping_gateway_cannot_hold_a_create_past_the_deadline() {
    let (base_url, requests) = dripping_gateway().await;
    let deadline = Duration::from_secs(2);
    let client = Client::builder()
        .base_url(base_url)
        .credentials(demo_credentials())
        .retry_policy(RetryPolicy::standard().with_deadline(deadline))
        .build()
        .expect("client builds");
    let started = Instant::now();
    let error = client
        .create_task(&spec_example_task())
        .await
        .expect_err("no answer in time");
    let took = started.elapsed();
    assert!(
        took < deadline + Duration::from_millis(800),
        "took {took:?} for a {deadline:?} deadline"
    );
    assert!(error.is_outcome_unknown(), "{error}");
    assert!(error.to_string().contains("userTaskId"), "{error}");
    // The create's answer used the whole deadline: no time was left to look it up, and it
    // was not sent again.
    assert_eq!(requests.load(Ordering::SeqCst), 1, "{error}");
}
