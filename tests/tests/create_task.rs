//! task/create end to end: the SDK against the emulator over loopback HTTP(S).

use nxlink::model::{Contact, ResultCode, TaskStatus};
use nxlink::sign::{Algorithm, Credentials};
use nxlink::{Client, ErrorKind, RetryPolicy};
use nxlink_integration_tests::tamper::TamperingTransport;
use nxlink_integration_tests::tls_front::TlsFront;
use nxlink_integration_tests::{client_for, spec_example_task};
use nxlink_testkit::{Emulator, ManualClock};

#[tokio::test]
async fn creates_the_spec_example_task() {
    let emulator = Emulator::start().await.expect("emulator starts");
    let client = client_for(&emulator);

    let created = client
        .create_task(&spec_example_task())
        .await
        .expect("task created");

    assert_eq!(created.status, TaskStatus::Ready, "scheduled start: ready");
    assert_eq!((created.success_count, created.total_count), (2, 2));
    assert!(created.rejected.is_empty() && !created.is_partial());
    assert_eq!(
        created.user_task_id.as_deref(),
        Some("EXT-TASK-202603250001")
    );
    assert!(created.trace_id.as_deref().is_some_and(|id| id.len() == 32));

    let tasks = emulator.tasks();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].task_id, created.task_id);
    assert_eq!(tasks[0].request.call_list.len(), 2);

    let requests = emulator.requests();
    assert_eq!(requests.len(), 1);
    let sent = &requests[0];
    assert_eq!(sent.path, "/openapi/aiagent/task/create");
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.header("bizType"), Some("100"));
    assert_eq!(sent.header("action"), Some("nxai"));
    assert_eq!(sent.header("algorithm"), None, "MD5 is not announced");
    assert_eq!(
        sent.body.as_ref(),
        nxlink::model::encode(&spec_example_task())
            .expect("encodes")
            .as_slice(),
        "the body is exactly the one serialization"
    );
}

#[tokio::test]
async fn sha256_signatures_are_accepted() {
    let emulator = Emulator::start().await.expect("emulator starts");
    let client = Client::builder()
        .base_url(emulator.base_url())
        .credentials(emulator.credentials())
        .algorithm(Algorithm::Sha256)
        .build()
        .expect("client builds");
    let created = client
        .create_task(&spec_example_task())
        .await
        .expect("created");
    assert_eq!(created.success_count, 2);
    let requests = emulator.requests();
    assert_eq!(requests[0].header("algorithm"), Some("sha256"));
    assert_eq!(requests[0].header("sign").map(str::len), Some(64));
}

#[tokio::test]
async fn immediate_start_is_in_progress() {
    let emulator = Emulator::start().await.expect("emulator starts");
    let task = spec_example_task().with_start(nxlink::model::StartMode::Immediate);
    let created = client_for(&emulator)
        .create_task(&task.with_shutdown_at(4_000_000_000))
        .await
        .expect("created");
    assert_eq!(created.status, TaskStatus::InProgress);
}

#[tokio::test]
async fn partial_import_is_success_with_the_refused_contacts() {
    let emulator = Emulator::start().await.expect("emulator starts");
    // Passes local validation; the emulator deems the unassigned +999 country code illegal.
    let task = spec_example_task().with_contact(Contact::new("c-999", "Zed", "+99912345678"));

    let created = client_for(&emulator)
        .create_task(&task)
        .await
        .expect("created despite a refused contact");

    assert!(created.is_partial());
    assert_eq!((created.success_count, created.total_count), (2, 3));
    assert_eq!(created.rejected.len(), 1);
    let refused = &created.rejected[0];
    assert_eq!(refused.contact_id.as_deref(), Some("c-999"));
    assert_eq!(
        refused.err_msg.as_deref(),
        Some("Illegal phone number format:+99912345678")
    );
    assert_eq!(emulator.tasks()[0].request.call_list.len(), 2);
}

#[tokio::test]
async fn an_invalid_request_sends_nothing_and_names_every_field() {
    let emulator = Emulator::start().await.expect("emulator starts");
    let task = spec_example_task()
        .with_zone_second(90_000)
        .with_contact(Contact::new("c-3", "Ann", "12-34"))
        .with_contact(Contact::new("c-3", "Bob", "13800000009"));

    let error = client_for(&emulator)
        .create_task(&task)
        .await
        .expect_err("refused locally");

    assert_eq!(error.kind(), ErrorKind::Validation);
    assert!(!error.is_retryable());
    let violations = error.validation_errors().expect("violations");
    for path in [
        "zoneSecond",
        "callList[2].phoneNumber",
        "callList[3].contactId",
    ] {
        assert!(
            violations.has_path(path),
            "{path} missing from {violations}"
        );
    }
    assert!(error.to_string().contains("callList[2].phoneNumber"));
    assert_eq!(emulator.request_count(), 0, "no byte left the client");
}

async fn create_through(emulator: &Emulator, transport: TamperingTransport) -> nxlink::Error {
    Client::builder()
        .base_url(emulator.base_url())
        .credentials(emulator.credentials())
        .transport(transport)
        .build()
        .expect("client builds")
        .create_task(&spec_example_task())
        .await
        .expect_err("the gateway refuses")
}

#[tokio::test]
async fn every_missing_common_header_is_1001() {
    let emulator = Emulator::start().await.expect("emulator starts");
    for header in ["accessKey", "ts", "bizType", "action", "sign"] {
        let error = create_through(&emulator, TamperingTransport::removing(header)).await;
        assert_eq!(error.kind(), ErrorKind::Api, "{header}");
        assert_eq!(
            error.api_code(),
            Some(ResultCode::MissingCommonParameters),
            "{header}"
        );
        assert!(error.is_auth() && !error.is_retryable(), "{header}");
        assert!(error.trace_id().is_some(), "{header}: traceId kept");
    }
    assert!(emulator.tasks().is_empty());
}

#[tokio::test]
async fn wrong_biz_type_or_action_is_1002() {
    let emulator = Emulator::start().await.expect("emulator starts");
    for transport in [
        TamperingTransport::replacing("bizType", "8"),
        TamperingTransport::replacing("action", "send"),
    ] {
        let error = create_through(&emulator, transport).await;
        assert_eq!(error.api_code(), Some(ResultCode::ParameterError));
        assert!(error.is_auth());
    }
}

#[tokio::test]
async fn wrong_secret_is_1003() {
    let emulator = Emulator::start().await.expect("emulator starts");
    let client = Client::builder()
        .base_url(emulator.base_url())
        .credentials(Credentials::new(
            emulator.credentials().access_key(),
            "not-the-secret",
        ))
        .build()
        .expect("client builds");
    let error = client
        .create_task(&spec_example_task())
        .await
        .expect_err("refused");
    assert!(error.is_invalid_signature() && error.is_auth());
    assert!(error.to_string().contains("1003"));
    assert!(emulator.tasks().is_empty());
}

#[tokio::test]
async fn a_body_changed_after_signing_is_1003() {
    // Proves the SDK signs exactly what it sends: the same request with one byte more fails.
    let emulator = Emulator::start().await.expect("emulator starts");
    let transport = TamperingTransport::new(|request| {
        let mut body = request.body().to_vec();
        body.push(b' ');
        *request.body_mut() = body.into();
    });
    let error = create_through(&emulator, transport).await;
    assert_eq!(error.api_code(), Some(ResultCode::InvalidSignature));
    assert!(emulator.tasks().is_empty());
}

#[tokio::test]
async fn a_clock_off_by_more_than_a_minute_is_1004_then_corrected() {
    let gateway_clock = ManualClock::starting_now();
    gateway_clock.advance(std::time::Duration::from_secs(90));
    let emulator = Emulator::builder()
        .clock(gateway_clock)
        .start()
        .await
        .expect("emulator starts");

    // Without retries the refusal surfaces, mapped to its kind.
    let strict = Client::builder()
        .base_url(emulator.base_url())
        .credentials(emulator.credentials())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client builds");
    let error = strict
        .create_task(&spec_example_task())
        .await
        .expect_err("refused");
    assert!(error.is_timestamp_expired());
    assert!(error.is_retryable(), "a fresh ts may succeed");
    assert!(error.to_string().contains("clock"));

    // With the default policy the client learns the offset from `Date` and retries once.
    let client = client_for(&emulator);
    emulator.clear_requests();
    let created = client
        .create_task(&spec_example_task())
        .await
        .expect("created after correcting the clock");
    assert_eq!(created.success_count, 2);
    let codes: Vec<i64> = emulator.requests().iter().map(|r| r.code).collect();
    assert_eq!(codes, vec![1004, 0]);
    let offset = client.clock_offset().millis;
    assert!(
        (88_000..=92_000).contains(&offset),
        "learned offset {offset} ms"
    );
    assert_eq!(emulator.tasks().len(), 1);
}

#[tokio::test]
async fn unknown_access_key_is_1005() {
    let emulator = Emulator::start().await.expect("emulator starts");
    let client = Client::builder()
        .base_url(emulator.base_url())
        .credentials(Credentials::new("AK-UNKNOWN", "whatever"))
        .build()
        .expect("client builds");
    let error = client
        .create_task(&spec_example_task())
        .await
        .expect_err("refused");
    assert!(error.is_insufficient_authority() && error.is_auth());
}

#[tokio::test]
async fn creates_over_a_real_tls_handshake() {
    let emulator = Emulator::start().await.expect("emulator starts");
    let front = TlsFront::start(emulator.local_addr()).await;
    let client = Client::builder()
        .base_url(front.base_url())
        .credentials(emulator.credentials())
        .add_root_certificate(front.certificate_der())
        .build()
        .expect("client builds");
    let created = client
        .create_task(&spec_example_task())
        .await
        .expect("created over https");
    assert_eq!(created.success_count, 2);

    // Without trusting the test certificate the handshake fails, before anything is sent.
    let untrusting = Client::builder()
        .base_url(front.base_url())
        .credentials(emulator.credentials())
        .build()
        .expect("client builds");
    let error = untrusting
        .create_task(&spec_example_task())
        .await
        .expect_err("untrusted certificate");
    assert_eq!(error.kind(), ErrorKind::Transport);
    assert!(error.transport_error().is_some_and(|e| e.is_tls()));
    assert_eq!(emulator.tasks().len(), 1);
}

#[tokio::test]
async fn a_non_loopback_http_base_url_is_refused_unless_allowed() {
    let build = |allow| {
        Client::builder()
            .base_url("http://gateway.example.com")
            .credentials(Credentials::new("AK", "secret"))
            .allow_insecure_http(allow)
            .build()
    };
    let error = build(false).expect_err("refused");
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(build(true).is_ok());
}

#[tokio::test]
async fn a_large_single_body_signed_while_written_is_accepted() {
    // 5 000 contacts in one body (~0.9 MB): hashed on a second thread during serialization.
    let emulator = Emulator::start().await.expect("emulator starts");
    for algorithm in [Algorithm::Md5, Algorithm::Sha256] {
        let client = Client::builder()
            .base_url(emulator.base_url())
            .credentials(emulator.credentials())
            .algorithm(algorithm)
            .batch_size(10_000)
            .build()
            .expect("client builds");
        let task = spec_example_task()
            .with_user_task_id(format!("large-{algorithm}"))
            .with_contacts((0..5_000).map(|i| {
                Contact::new(format!("big-{i}"), "Ann", format!("1390{i:07}"))
                    .with_param("customerName", "Ann")
            }));
        let created = client.create_task(&task).await.expect("created");
        assert_eq!(created.success_count, 5_002, "{algorithm}");
    }
    let creates = emulator.requests();
    assert_eq!(creates.len(), 2, "one request per create");
    assert!(
        creates
            .iter()
            .all(|request| request.body.len() > 256 * 1024)
    );
}
