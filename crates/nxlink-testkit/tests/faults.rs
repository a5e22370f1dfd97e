//! Fault injection over real HTTP (raw TCP for the faults that break HTTP itself): each fault
//! does what it says, processes the request or not as documented, is counted, and the
//! emulator keeps serving afterwards.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::{Duration, Instant};

use nxlink_sign::Algorithm;
use nxlink_testkit::{Emulator, Fault, FaultRule, ManualClock, Requests};
use support::{CREATE, EXAMPLE_BODY, FLOWS, MONDAY_MS, TASKS, call, create, now, post, signed};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends a correctly signed request by hand and returns every byte that comes back before
/// the connection ends.
async fn raw_signed(emulator: &Emulator, path: &str, body: &str) -> Vec<u8> {
    let ts = u64::try_from(emulator.now_ms()).unwrap();
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in signed(&emulator.credentials(), Algorithm::Md5, ts, body.as_bytes()) {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    let mut stream = TcpStream::connect(emulator.local_addr()).await.unwrap();
    let _ = stream.write_all(request.as_bytes()).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    answer
}

/// The head of a raw answer as text, and its body bytes.
fn split(answer: &[u8]) -> (String, Vec<u8>) {
    let at = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no head in {:?}", String::from_utf8_lossy(answer)));
    (
        String::from_utf8_lossy(&answer[..at]).into_owned(),
        answer[at + 4..].to_vec(),
    )
}

fn content_length(head: &str) -> usize {
    head.lines()
        .find_map(|line| line.strip_prefix("content-length: "))
        .unwrap()
        .parse()
        .unwrap()
}

async fn still_serves(emulator: &Emulator) {
    let answer = call(emulator, FLOWS, "{}").await;
    assert_eq!(answer.code(), 0, "{}", answer.json);
}

async fn faulty(fault: Fault) -> Emulator {
    Emulator::builder()
        .fault(FaultRule::new(CREATE, Requests::Nth(1), fault))
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn delay_answers_late_and_processes() {
    let emulator = faulty(Fault::Delay(Duration::from_millis(300))).await;
    let started = Instant::now();
    assert_eq!(create(&emulator, EXAMPLE_BODY).await.code(), 0);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(emulator.tasks().len(), 1);
    let started = Instant::now();
    assert_eq!(create(&emulator, EXAMPLE_BODY).await.code(), 0);
    assert!(
        started.elapsed() < Duration::from_millis(300),
        "only the first request"
    );
    assert_eq!(emulator.fired_faults().len(), 1);
}

#[tokio::test]
async fn close_before_reading_drops_the_connection_and_processes_nothing() {
    let emulator = faulty(Fault::CloseBeforeReading).await;
    assert!(raw_signed(&emulator, CREATE, EXAMPLE_BODY).await.is_empty());
    assert!(emulator.tasks().is_empty());
    let recorded = &emulator.requests()[0];
    assert_eq!((recorded.http_status, recorded.body.len()), (0, 0));
    assert_eq!(recorded.fault, Some(Fault::CloseBeforeReading));
    still_serves(&emulator).await;
    assert_eq!(create(&emulator, EXAMPLE_BODY).await.code(), 0);
}

#[tokio::test]
async fn close_after_processing_drops_the_answer_but_keeps_the_task() {
    let emulator = faulty(Fault::CloseAfterProcessing).await;
    assert!(raw_signed(&emulator, CREATE, EXAMPLE_BODY).await.is_empty());
    assert_eq!(emulator.tasks().len(), 1, "processed");
    let recorded = &emulator.requests()[0];
    assert_eq!(
        (recorded.http_status, recorded.code),
        (200, 0),
        "what was decided"
    );
    still_serves(&emulator).await;
}

#[tokio::test]
async fn error_statuses_and_throttling_answer_html_and_process_nothing() {
    let emulator = Emulator::builder()
        .fault(FaultRule::new(CREATE, Requests::Nth(1), Fault::Status(502)))
        .fault(FaultRule::new(CREATE, Requests::Nth(2), Fault::Status(42)))
        .fault(FaultRule::new(
            CREATE,
            Requests::Nth(3),
            Fault::TooManyRequests {
                retry_after: Duration::from_millis(1500),
            },
        ))
        .start()
        .await
        .unwrap();
    let body = EXAMPLE_BODY.as_bytes();
    let headers = signed(
        &emulator.credentials(),
        Algorithm::Md5,
        now(&emulator),
        body,
    );
    let answer = raw_signed(&emulator, CREATE, EXAMPLE_BODY).await;
    let (head, page) = split(&answer);
    assert!(head.starts_with("HTTP/1.1 502"), "{head}");
    assert!(head.contains("content-type: text/html"), "{head}");
    assert!(String::from_utf8(page).unwrap().contains("502 Bad Gateway"));
    let answer = raw_signed(&emulator, CREATE, EXAMPLE_BODY).await;
    assert!(
        split(&answer).0.starts_with("HTTP/1.1 500"),
        "not a status: 500"
    );
    let answer = raw_signed(&emulator, CREATE, EXAMPLE_BODY).await;
    let (head, _) = split(&answer);
    assert!(head.starts_with("HTTP/1.1 429"), "{head}");
    assert!(head.contains("retry-after: 2"), "{head}");
    assert!(emulator.tasks().is_empty());
    assert_eq!(
        post(&emulator, CREATE, &headers, body.to_vec())
            .await
            .code(),
        0
    );
    let codes: Vec<i64> = emulator.requests().iter().map(|r| r.code).collect();
    assert_eq!(codes, [502, 500, 429, 0]);
}

#[tokio::test]
async fn malformed_json_is_answered_after_processing() {
    let emulator = faulty(Fault::MalformedJson).await;
    let answer = raw_signed(&emulator, CREATE, EXAMPLE_BODY).await;
    let (head, body) = split(&answer);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(
        content_length(&head),
        body.len(),
        "honest length, broken content"
    );
    assert!(serde_json::from_slice::<serde_json::Value>(&body).is_err());
    assert!(body.starts_with(br#"{"code":0"#));
    assert_eq!(emulator.tasks().len(), 1);
    still_serves(&emulator).await;
}

#[tokio::test]
async fn a_truncated_body_is_shorter_than_announced() {
    let emulator = faulty(Fault::TruncatedBody).await;
    let answer = raw_signed(&emulator, CREATE, EXAMPLE_BODY).await;
    let (head, body) = split(&answer);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        content_length(&head) > body.len(),
        "{head} / {} bytes",
        body.len()
    );
    assert_eq!(emulator.tasks().len(), 1);
    still_serves(&emulator).await;
}

#[tokio::test]
async fn a_wrong_content_length_is_shorter_than_the_body() {
    let emulator = faulty(Fault::WrongContentLength).await;
    let answer = raw_signed(&emulator, CREATE, EXAMPLE_BODY).await;
    let (head, body) = split(&answer);
    let declared = content_length(&head);
    assert!(declared < body.len(), "{head} / {} bytes", body.len());
    let whole: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(whole["code"], 0);
    assert!(serde_json::from_slice::<serde_json::Value>(&body[..declared]).is_err());
    assert_eq!(emulator.tasks().len(), 1);
    still_serves(&emulator).await;
}

#[tokio::test]
async fn a_skewed_clock_refuses_true_time_and_says_so_in_date() {
    let clock = ManualClock::new(MONDAY_MS);
    let emulator = Emulator::builder()
        .clock(clock)
        .fault(FaultRule::new(
            TASKS,
            Requests::Nth(1),
            Fault::SkewClock(120_000),
        ))
        .start()
        .await
        .unwrap();
    let body = r#"{"pageNumber":1,"pageSize":10}"#;
    let clock_ms = u64::try_from(nxlink_testkit::Clock::now_ms(&**emulator.clock())).unwrap();
    let true_time = signed(
        &emulator.credentials(),
        Algorithm::Md5,
        clock_ms,
        body.as_bytes(),
    );
    let answer = post(&emulator, TASKS, &true_time, body).await;
    assert_eq!(answer.code(), 1004);
    assert_eq!(answer.headers["date"], "Mon, 05 May 2025 00:02:00 GMT");
    assert_eq!(emulator.clock_skew_ms(), 120_000);
    assert_eq!(emulator.now_ms(), MONDAY_MS + 120_000);
    // A client that learned the offset signs with the skewed time and gets through.
    assert_eq!(call(&emulator, TASKS, body).await.code(), 0);
    // Tasks are stamped with the gateway's (skewed) time.
    support::create_task(&emulator, &support::open_task(r#""startupType":1,"#, "")).await;
    assert_eq!(emulator.tasks()[0].created_at_ms, MONDAY_MS + 120_000);
}

#[tokio::test]
async fn timestamp_expired_once_refuses_one_good_request() {
    let emulator = faulty(Fault::TimestampExpiredOnce).await;
    let answer = create(&emulator, EXAMPLE_BODY).await;
    assert_eq!(answer.code(), 1004);
    assert!(emulator.tasks().is_empty());
    assert_eq!(create(&emulator, EXAMPLE_BODY).await.code(), 0);
    assert_eq!(emulator.tasks().len(), 1);
}

#[tokio::test]
async fn rules_count_per_path_or_overall_and_fired_faults_are_listed() {
    let emulator = Emulator::start().await.unwrap();
    emulator.inject(FaultRule::any_path(
        Requests::Range(2..=3),
        Fault::Status(503),
    ));
    emulator.inject(FaultRule::new(FLOWS, Requests::Every, Fault::Status(500)));
    let first = call(&emulator, TASKS, "{}").await;
    assert_eq!(first.code(), 0);
    for _ in 0..2 {
        let answer = raw_signed(&emulator, TASKS, "{}").await;
        assert!(split(&answer).0.starts_with("HTTP/1.1 503"));
    }
    assert_eq!(call(&emulator, TASKS, "{}").await.code(), 0);
    let answer = raw_signed(&emulator, FLOWS, "{}").await;
    assert!(split(&answer).0.starts_with("HTTP/1.1 500"));
    let fired: Vec<(String, u64, u64)> = emulator
        .fired_faults()
        .into_iter()
        .map(|f| (f.path, f.request_number, f.overall_number))
        .collect();
    assert_eq!(
        fired,
        [
            (TASKS.to_owned(), 2, 2),
            (TASKS.to_owned(), 3, 3),
            (FLOWS.to_owned(), 1, 5)
        ]
    );
    emulator.clear_faults();
    still_serves(&emulator).await;
    assert!(Fault::TruncatedBody.processes_request());
    assert!(!Fault::Status(503).processes_request());
}
