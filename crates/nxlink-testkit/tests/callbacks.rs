//! Callbacks over real loopback HTTP: signed call records and status changes, the URL in
//! effect per contact, retries, undeliverable URLs.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use nxlink_model::{CallRecordCallback, TaskStatus, TaskStatusCallback};
use nxlink_testkit::{CallbackKind, DeliveryOutcome, Emulator, ManualClock, RedeliverySchedule};
use support::receiver::Receiver;
use support::{APPEND, MONDAY_MS, call, contacts, create_task, open_task};

#[tokio::test]
async fn call_records_and_status_changes_arrive_signed() {
    let receiver = Receiver::start().await;
    let clock = ManualClock::new(MONDAY_MS);
    let emulator = Emulator::builder()
        .clock(clock.clone())
        .account("AK-HOOK", "hook-secret")
        .start()
        .await
        .unwrap();
    let extra = format!(
        r#""userTaskId":"EXT-CB","other":"task-other","startupType":1,"orderMaxCall":2,"replayInterval":60,"taskCallbackUrl":"{}","callCallbackUrl":"{}","#,
        receiver.url("/task"),
        receiver.url("/call")
    );
    let list =
        contacts(1, &[1]).replace(r#""name":"n0","#, r#""name":"n0","other":"contact-other","#);
    let task_id = create_task(&emulator, &open_task(&extra, &list)).await;
    let append = format!(
        r#"{{"taskId":"{task_id}","callCallbackUrl":"{}","list":[{{"contactId":"late","name":"L","phoneNumber":"13800000009"}}]}}"#,
        receiver.url("/appended")
    );
    assert_eq!(call(&emulator, APPEND, &append).await.code(), 0);

    assert!(emulator.start_task(&task_id));
    emulator.advance(Duration::from_secs(3600)).await.unwrap();
    assert_eq!(
        emulator.task(&task_id).unwrap().status,
        TaskStatus::Completed
    );

    let received = receiver.received();
    let paths: Vec<&str> = received.iter().map(|r| r.path.as_str()).collect();
    // Start; the busy contact's short first call (its own URL), the answered contact's
    // longer one, the busy contact's redial; then completion.
    assert_eq!(paths, ["/task", "/appended", "/call", "/appended", "/task"]);
    let credentials = emulator.credentials();
    for callback in &received {
        assert!(callback.is_signed_by(&credentials), "{callback:?}");
        assert_eq!(callback.header("accessKey"), "AK-HOOK");
        assert_eq!(callback.header("bizType"), "100");
        assert_eq!(callback.header("action"), "nxai");
        assert_eq!(callback.header("content-type"), "application/json");
        let ts: i64 = callback.header("ts").parse().unwrap();
        assert!(
            (MONDAY_MS..=MONDAY_MS + 3_600_000).contains(&ts),
            "ts {ts} is emulator time"
        );
    }
    assert!(!received[2].is_signed_by(&nxlink_sign::Credentials::new("AK-HOOK", "wrong")));

    let started: TaskStatusCallback = serde_json::from_value(received[0].json()).unwrap();
    assert_eq!(started.task_status, Some(TaskStatus::InProgress));
    assert_eq!(started.task_id.as_deref(), Some(task_id.as_str()));
    assert_eq!(started.user_task_id.as_deref(), Some("EXT-CB"));
    assert_eq!(started.other.as_deref(), Some("task-other"));
    assert_eq!(
        started.auto_flow_name.as_deref(),
        Some("Parcel Notification")
    );
    let done: TaskStatusCallback = serde_json::from_value(received[4].json()).unwrap();
    assert_eq!(done.task_status, Some(TaskStatus::Completed));
    let stats = done.stat_info.unwrap();
    assert_eq!(
        (stats.total_call_count, stats.finish_order_count),
        (Some(3), Some(2))
    );

    let record: CallRecordCallback = serde_json::from_value(received[2].json()).unwrap();
    assert_eq!(record.user_task_id.as_deref(), Some("EXT-CB"));
    assert_eq!(record.other.as_deref(), Some("contact-other"));
    assert_eq!(record.call_result, Some(1));
    assert!(record.is_first_attempt() && record.is_last_attempt());
    let retried: Vec<CallRecordCallback> = [&received[1], &received[3]]
        .iter()
        .map(|r| serde_json::from_value(r.json()).unwrap())
        .collect();
    assert_eq!(retried[0].contact_id.as_deref(), Some("late"));
    assert!(!retried[0].is_last_attempt() && retried[1].is_last_attempt());
    assert_eq!(
        retried[1].call_callback_url.as_deref(),
        Some(receiver.url("/appended").as_str())
    );
    // The records delivered are the records call/list returns.
    assert_eq!(emulator.calls(&task_id)[1], record);

    let deliveries = emulator.callback_deliveries();
    assert_eq!(deliveries.len(), 5);
    assert!(
        deliveries
            .iter()
            .all(|d| d.is_delivered() && d.attempt == 1)
    );
    assert_eq!(deliveries[0].kind, CallbackKind::TaskStatus);
    assert_eq!(deliveries[2].kind, CallbackKind::CallRecord);
    assert_eq!(
        deliveries[2].body, received[2].body,
        "the exact bytes signed"
    );
}

#[tokio::test]
async fn failed_deliveries_are_retried_and_https_is_recorded_as_undeliverable() {
    let receiver = Receiver::start().await;
    receiver.answer_with(503);
    let emulator = Emulator::builder()
        .clock(ManualClock::new(support::MONDAY_MS))
        .callback_redelivery(RedeliverySchedule::new(3, Duration::from_millis(50)))
        .start()
        .await
        .unwrap();
    let extra = format!(
        r#""startupType":1,"taskCallbackUrl":"{}","callCallbackUrl":"https://example.com/webhook/call","#,
        receiver.url("/task")
    );
    let task_id = create_task(&emulator, &open_task(&extra, &contacts(1, &[1]))).await;
    assert!(emulator.start_task(&task_id));
    emulator.wait_for_callbacks().await;
    let deliveries = emulator.callback_deliveries();
    assert_eq!(deliveries.len(), 3);
    assert!(
        deliveries
            .iter()
            .all(|d| d.outcome == DeliveryOutcome::Status(503))
    );
    let attempts: Vec<u32> = deliveries.iter().map(|d| d.attempt).collect();
    assert_eq!(attempts, [1, 2, 3]);
    assert_eq!(receiver.received().len(), 3);
    let signs: std::collections::HashSet<String> = receiver
        .received()
        .iter()
        .map(|r| r.header("sign").to_owned())
        .collect();
    assert_eq!(
        signs.len(),
        1,
        "same ts on a manual clock, same body, same sign"
    );

    receiver.answer_with(200);
    emulator.advance(Duration::from_secs(600)).await.unwrap();
    let later = &emulator.callback_deliveries()[3..];
    assert_eq!(later.len(), 2, "{later:?}");
    assert_eq!(later[0].kind, CallbackKind::CallRecord);
    assert!(
        matches!(&later[0].outcome, DeliveryOutcome::Undeliverable(why) if why.contains("https"))
    );
    assert!(later[1].is_delivered(), "completion reached the task URL");

    // A receiver that is gone: every attempt fails, the emulator carries on.
    let gone = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let extra = format!(r#""startupType":1,"taskCallbackUrl":"http://{gone}/task","#);
    let task_id = create_task(&emulator, &open_task(&extra, "")).await;
    assert!(emulator.set_task_status(&task_id, TaskStatus::Paused));
    emulator.wait_for_callbacks().await;
    let failed = &emulator.callback_deliveries()[5..];
    assert_eq!(failed.len(), 3);
    assert!(
        failed
            .iter()
            .all(|d| matches!(d.outcome, DeliveryOutcome::Failed(_)))
    );
    assert!(!emulator.set_task_status("no-such-task", TaskStatus::Paused));
}

#[tokio::test]
async fn only_200_is_a_delivery_and_attempts_of_one_callback_share_its_number() {
    let receiver = Receiver::start().await;
    receiver.answer_with(204);
    let emulator = Emulator::builder()
        .clock(ManualClock::new(support::MONDAY_MS))
        .callback_redelivery(RedeliverySchedule::new(2, Duration::from_millis(10)))
        .start()
        .await
        .unwrap();
    let extra = format!(
        r#""startupType":1,"taskCallbackUrl":"{}","#,
        receiver.url("/task")
    );
    let task_id = create_task(&emulator, &open_task(&extra, "")).await;
    assert!(emulator.set_task_status(&task_id, TaskStatus::Paused));
    assert!(emulator.set_task_status(&task_id, TaskStatus::InProgress));
    emulator.wait_for_callbacks().await;
    let deliveries = emulator.callback_deliveries();
    let attempts: Vec<(u64, u32, bool)> = deliveries
        .iter()
        .map(|d| (d.callback, d.attempt, d.is_delivered()))
        .collect();
    assert_eq!(
        attempts,
        [(1, 1, false), (1, 2, false), (2, 1, false), (2, 2, false)]
    );
    assert_eq!(
        deliveries[0].body, deliveries[1].body,
        "a retry posts the same bytes"
    );
    assert_eq!(receiver.received().len(), 4);
}

#[tokio::test]
async fn concurrent_delivery_sends_every_callback_once() {
    let receiver = Receiver::start().await;
    let emulator = Emulator::builder()
        .clock(ManualClock::new(support::MONDAY_MS))
        .callback_concurrency(8)
        .start()
        .await
        .unwrap();
    let extra = format!(
        r#""startupType":1,"maxCall":50,"callCallbackUrl":"{}","#,
        receiver.url("/call")
    );
    let task_id = create_task(&emulator, &open_task(&extra, &contacts(40, &[1, 2, 3]))).await;
    assert!(emulator.start_task(&task_id));
    emulator.advance(Duration::from_secs(3600)).await.unwrap();
    let deliveries = emulator.callback_deliveries();
    assert!(
        deliveries
            .iter()
            .all(|d| d.is_delivered() && d.attempt == 1)
    );
    let mut numbers: Vec<u64> = deliveries.iter().map(|d| d.callback).collect();
    numbers.sort_unstable();
    let expected: Vec<u64> = (1..=emulator.calls(&task_id).len() as u64).collect();
    assert_eq!(numbers, expected);
    assert_eq!(receiver.received().len(), expected.len());
}
