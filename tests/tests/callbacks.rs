//! Callbacks end to end: the emulator's dialer POSTs signed call-record and task-status
//! callbacks to a loopback receiver that checks them with the SDK's `CallbackVerifier`; then
//! forged, altered and stale callbacks are refused.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use nxlink::callbacks::{CALLBACK_ACK_BODY, CallbackError, CallbackVerifier};
use nxlink::model::{CallRecord, TaskStatus};
use nxlink::sign::Credentials;
use nxlink::sign::Rejection;
use nxlink_integration_tests::client_for;
use nxlink_integration_tests::fixtures::{contacts, expected_result, run_until_finished, task};
use nxlink_integration_tests::receiver::{
    CALL_PATH, CallbackReceiver, TASK_PATH, header_map, post_raw, signed_headers,
};
use nxlink_testkit::{CallbackKind, Clock, Emulator, ManualClock, SystemClock};

#[tokio::test]
async fn a_dialled_task_delivers_signed_callbacks_that_verify_and_parse() {
    let emulator = Emulator::builder()
        .clock(ManualClock::starting_now())
        .start()
        .await
        .expect("emulator starts");
    // The emulator signs with its (simulated) clock: the receiver reads the same one.
    let receiver = CallbackReceiver::start(
        CallbackVerifier::new(emulator.credentials()),
        Arc::clone(emulator.clock()),
    )
    .await;
    let input = contacts("cb", 10);
    let request = task("callbacks", input.clone())
        .with_user_task_id("ext-callbacks")
        .with_other("task-pass-through")
        .with_order_max_call(2)
        .with_replay_interval(120)
        .with_task_callback_url(receiver.task_url())
        .with_call_callback_url(receiver.call_url());
    let task_id = client_for(&emulator)
        .create_task(&request)
        .await
        .expect("created")
        .task_id;

    assert!(emulator.start_task(&task_id));
    run_until_finished(&emulator, &task_id, Duration::from_secs(3_600)).await;
    emulator.wait_for_callbacks().await;

    // Every delivery was accepted at its first attempt: each signature and ts verified.
    let deliveries = emulator.callback_deliveries();
    assert!(!deliveries.is_empty());
    for delivery in &deliveries {
        assert!(delivery.is_delivered(), "{delivery:?}");
        assert_eq!(delivery.attempt, 1, "{delivery:?}");
    }
    let received = receiver.received();
    assert!(received.refused.is_empty(), "{:?}", received.refused);

    // One call-record callback per call, identical to what call/list reports.
    let calls = emulator.calls(&task_id);
    assert_eq!(calls.len(), 6 + 2 * 2 + 2 * 2, "6 answered, 4 tried twice");
    assert_eq!(received.call_records, calls);
    assert_eq!(
        deliveries
            .iter()
            .filter(|d| d.kind == CallbackKind::CallRecord)
            .count(),
        calls.len()
    );
    let by_id: HashMap<&str, &str> = input
        .iter()
        .map(|c| (c.contact_id.as_str(), c.phone_number.as_str()))
        .collect();
    let mut per_contact: HashMap<String, Vec<&CallRecord>> = HashMap::new();
    for call in &received.call_records {
        assert_eq!(call.task_id.as_deref(), Some(task_id.as_str()));
        assert_eq!(call.user_task_id.as_deref(), Some("ext-callbacks"));
        let contact_id = call.contact_id.clone().expect("a contact id");
        let number = by_id
            .get(contact_id.as_str())
            .expect("one of the task's contacts");
        assert_eq!(call.call_result, Some(expected_result(number)));
        assert_eq!(call.other, Some(format!("other-{contact_id}")));
        per_contact.entry(contact_id).or_default().push(call);
    }
    assert_eq!(per_contact.len(), 10, "every contact was called");
    for (contact_id, attempts) in &per_contact {
        let last = attempts.last().expect("an attempt");
        assert!(
            last.is_last_attempt(),
            "{contact_id}: orderTail on the last"
        );
        assert!(attempts[0].is_first_attempt(), "{contact_id}: orderHead");
        let tails = attempts.iter().filter(|c| c.is_last_attempt()).count();
        assert_eq!(tails, 1, "{contact_id}: exactly one last attempt");
        let expected = if last.call_result == Some(1) { 1 } else { 2 };
        assert_eq!(attempts.len(), expected, "{contact_id}");
    }

    // Task status: started, then completed, with the final statistics.
    let statuses: Vec<Option<TaskStatus>> = received
        .task_statuses
        .iter()
        .map(|s| s.task_status)
        .collect();
    assert_eq!(
        statuses,
        [Some(TaskStatus::InProgress), Some(TaskStatus::Completed)]
    );
    let done = received.task_statuses.last().expect("the final status");
    assert_eq!(done.task_id.as_deref(), Some(task_id.as_str()));
    assert_eq!(done.user_task_id.as_deref(), Some("ext-callbacks"));
    assert_eq!(done.other.as_deref(), Some("task-pass-through"));
    assert_eq!(done.task_name.as_deref(), Some("callbacks"));
    let stats = done.stat_info.as_ref().expect("statInfo");
    assert_eq!(stats.finish_order_count, Some(10));
    assert_eq!(stats.total_call_count, Some(14));
    assert_eq!(stats.answer_call_count, Some(6));
}

/// A call-record body as the gateway would send it.
fn call_body() -> Vec<u8> {
    let record = CallRecord {
        task_id: Some("t-1".to_owned()),
        contact_id: Some("c-1".to_owned()),
        call_id: Some("call-1".to_owned()),
        call_result: Some(1),
        order_tail: Some(1),
        ..CallRecord::default()
    };
    serde_json::to_vec(&record).expect("serializes")
}

fn now_ms() -> u64 {
    u64::try_from(SystemClock.now_ms()).expect("after 1970")
}

#[tokio::test]
async fn altered_stale_and_forged_callbacks_are_refused_with_401() {
    let credentials = nxlink_testkit::demo_credentials();
    let verifier = CallbackVerifier::new(credentials.clone());
    let receiver = CallbackReceiver::start(verifier.clone(), Arc::new(SystemClock)).await;
    let body = call_body();

    // Genuine, with the header names as documented and all in lower case: both accepted.
    for lowercase in [false, true] {
        let headers = signed_headers(&credentials, now_ms(), &body, lowercase);
        let names: HashSet<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names.contains("accesskey"), lowercase);
        let (status, answer) = post_raw(receiver.addr(), CALL_PATH, &headers, &body).await;
        assert_eq!((status, answer.as_str()), (200, CALLBACK_ACK_BODY));
    }

    // One byte of the body changed after signing.
    let headers = signed_headers(&credentials, now_ms(), &body, false);
    let mut altered = body.clone();
    let at = altered
        .iter()
        .position(|&b| b == b'1')
        .expect("a digit to change");
    altered[at] = b'2';
    let (status, _) = post_raw(receiver.addr(), CALL_PATH, &headers, &altered).await;
    assert_eq!(status, 401);
    let refusal = verifier
        .verify(&header_map(&headers), &altered)
        .expect_err("altered");
    assert!(matches!(
        refusal,
        CallbackError::Rejected(Rejection::BadSignature)
    ));

    // Signed correctly, 61 s ago: a replay.
    let stale = signed_headers(&credentials, now_ms() - 61_000, &body, true);
    let (status, _) = post_raw(receiver.addr(), TASK_PATH, &stale, &body).await;
    assert_eq!(status, 401);
    match verifier.verify(&header_map(&stale), &body) {
        Err(CallbackError::Rejected(Rejection::StaleTimestamp { age_ms })) => {
            assert!(age_ms >= 61_000, "{age_ms}");
        }
        other => panic!("expected a stale timestamp, got {other:?}"),
    }

    // Signed with another secret.
    let forger = Credentials::new(credentials.access_key(), "not-the-secret");
    let forged = signed_headers(&forger, now_ms(), &body, false);
    let (status, _) = post_raw(receiver.addr(), CALL_PATH, &forged, &body).await;
    assert_eq!(status, 401);

    // Not signed at all.
    let (status, _) = post_raw(receiver.addr(), CALL_PATH, &[], &body).await;
    assert_eq!(status, 401);
    assert!(matches!(
        verifier.verify(&http::HeaderMap::new(), &body),
        Err(CallbackError::Rejected(Rejection::MissingHeader(_)))
    ));

    // Authentic but not JSON: 400, not 401.
    let junk = b"not json".to_vec();
    let headers = signed_headers(&credentials, now_ms(), &junk, false);
    let (status, _) = post_raw(receiver.addr(), CALL_PATH, &headers, &junk).await;
    assert_eq!(status, 400);

    let received = receiver.received();
    assert_eq!(received.call_records.len(), 2, "only the genuine ones");
    assert!(received.task_statuses.is_empty());
    assert_eq!(received.refused.len(), 5);
    assert!(
        received
            .refused
            .iter()
            .any(|(path, why)| path == TASK_PATH && why.contains("stale"))
    );
}

#[tokio::test]
async fn a_call_callback_url_given_at_append_wins_over_the_tasks() {
    let emulator = Emulator::builder()
        .clock(ManualClock::starting_now())
        .start()
        .await
        .expect("emulator starts");
    let verifier = CallbackVerifier::new(emulator.credentials());
    let for_task = CallbackReceiver::start(verifier.clone(), Arc::clone(emulator.clock())).await;
    let for_append = CallbackReceiver::start(verifier, Arc::clone(emulator.clock())).await;
    let client = client_for(&emulator);
    let task_id = client
        .create_task(
            &task("two urls", contacts("first", 2)).with_call_callback_url(for_task.call_url()),
        )
        .await
        .expect("created")
        .task_id;
    let appended = nxlink::model::AppendContactsRequest::new(&task_id, contacts("later", 3))
        .with_call_callback_url(for_append.call_url());
    client.send(&appended).await.expect("appended");

    assert!(emulator.start_task(&task_id));
    run_until_finished(&emulator, &task_id, Duration::from_secs(3_600)).await;

    let contact_ids = |receiver: &CallbackReceiver| -> HashSet<String> {
        receiver
            .received()
            .call_records
            .into_iter()
            .filter_map(|call| call.contact_id)
            .collect()
    };
    let expected = |prefix: &str, n: usize| -> HashSet<String> {
        (0..n).map(|i| format!("{prefix}-{i:05}")).collect()
    };
    assert_eq!(contact_ids(&for_task), expected("first", 2));
    assert_eq!(contact_ids(&for_append), expected("later", 3));
}
