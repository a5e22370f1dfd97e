//! Retries, generated user task ids and the retry policy switch, over loopback.

use std::time::{Duration, Instant};

use nxlink::model::ListFlowsRequest;
use nxlink::{Client, ErrorKind, RetryPolicy};
use nxlink_integration_tests::{client_for, spec_example_task};
use nxlink_testkit::{Emulator, Fault, FaultRule, Requests};

const FLOWS: &str = "/openapi/aiagent/flow/list";

fn quick_retries(emulator: &Emulator) -> Client {
    Client::builder()
        .base_url(emulator.base_url())
        .credentials(emulator.credentials())
        .retry_policy(RetryPolicy::standard().with_initial_backoff(Duration::from_millis(10)))
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn reads_are_retried_after_server_errors() {
    let emulator = Emulator::start().await.expect("emulator starts");
    emulator.inject(FaultRule::new(FLOWS, Requests::Nth(1), Fault::Status(503)));
    emulator.inject(FaultRule::new(
        FLOWS,
        Requests::Nth(2),
        Fault::MalformedJson,
    ));
    let page = quick_retries(&emulator)
        .list_flows(&ListFlowsRequest::new())
        .await
        .expect("third attempt succeeds");
    assert!(!page.items.is_empty());
    assert_eq!(emulator.request_count(), 3);
}

#[tokio::test]
async fn throttling_waits_for_retry_after() {
    let emulator = Emulator::start().await.expect("emulator starts");
    emulator.inject(FaultRule::new(
        FLOWS,
        Requests::Nth(1),
        Fault::TooManyRequests {
            retry_after: Duration::from_secs(1),
        },
    ));
    let started = Instant::now();
    quick_retries(&emulator)
        .list_flows(&ListFlowsRequest::new())
        .await
        .expect("succeeds after waiting");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After honoured"
    );
    assert_eq!(emulator.request_count(), 2);
}

#[tokio::test]
async fn a_disabled_policy_surfaces_the_first_failure() {
    let emulator = Emulator::start().await.expect("emulator starts");
    emulator.inject(FaultRule::new(
        FLOWS,
        Requests::Nth(1),
        Fault::TooManyRequests {
            retry_after: Duration::from_secs(7),
        },
    ));
    let client = Client::builder()
        .base_url(emulator.base_url())
        .credentials(emulator.credentials())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client builds");
    let error = client
        .list_flows(&ListFlowsRequest::new())
        .await
        .expect_err("no retry");
    assert_eq!(error.kind(), ErrorKind::HttpStatus);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
    assert!(error.is_retryable());
    assert_eq!(emulator.request_count(), 1);
}

#[tokio::test]
async fn the_attempt_limit_bounds_retries() {
    let emulator = Emulator::start().await.expect("emulator starts");
    emulator.inject(FaultRule::new(FLOWS, Requests::Every, Fault::Status(502)));
    let client = Client::builder()
        .base_url(emulator.base_url())
        .credentials(emulator.credentials())
        .retry_policy(
            RetryPolicy::standard()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(5)),
        )
        .build()
        .expect("client builds");
    let error = client
        .list_flows(&ListFlowsRequest::new())
        .await
        .expect_err("always 502");
    assert_eq!(error.http_status_code().map(|s| s.as_u16()), Some(502));
    assert_eq!(emulator.request_count(), 3);
}

#[tokio::test]
async fn a_create_without_user_task_id_gets_one_and_returns_it() {
    let emulator = Emulator::start().await.expect("emulator starts");
    let mut task = spec_example_task();
    task.user_task_id = None;
    let created = client_for(&emulator)
        .create_task(&task)
        .await
        .expect("created");
    let generated = created.user_task_id.expect("generated id returned");
    assert!(generated.starts_with("nxlink-") && generated.len() == 39);
    assert_eq!(emulator.tasks()[0].user_task_id(), Some(generated.as_str()));
}

#[tokio::test]
async fn a_lost_create_answer_is_reconciled_not_resent() {
    let emulator = Emulator::start().await.expect("emulator starts");
    emulator.inject(FaultRule::new(
        "/openapi/aiagent/task/create",
        Requests::Nth(1),
        Fault::TruncatedBody,
    ));
    let created = quick_retries(&emulator)
        .create_task(&spec_example_task())
        .await
        .expect("found by userTaskId");
    assert!(created.reconciled);
    assert_eq!(emulator.tasks().len(), 1);
    assert_eq!(emulator.tasks()[0].task_id, created.task_id);
    let creates = emulator
        .requests()
        .iter()
        .filter(|request| request.path.ends_with("task/create"))
        .count();
    assert_eq!(creates, 1, "never sent twice");
}

#[tokio::test]
async fn nothing_listening_is_a_connect_error_that_was_never_sent() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .credentials(nxlink_testkit::demo_credentials())
        .retry_policy(RetryPolicy::standard().with_initial_backoff(Duration::from_millis(5)))
        .build()
        .expect("client builds");
    let error = client
        .create_task(&spec_example_task())
        .await
        .expect_err("nothing listens");
    assert!(error.is_connect());
    assert_eq!(error.request_sent(), nxlink::transport::RequestSent::No);
}
