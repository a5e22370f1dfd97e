//! The dialer on a manual clock: calling windows in the task's zone, concurrency, redials,
//! completion, scheduled start and stop, manual start, permanent tasks, custom outcomes,
//! and the real-time mode.
#![allow(clippy::unwrap_used)]

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use nxlink_model::{CallRecord, CallWindow, TaskStatus};
use nxlink_testkit::{CallOutcome, ContactState, Emulator, SimulationError};
use serde_json::json;
use support::{APPEND, MONDAY_MS, ROUTE, TASKS, call, contacts, create_task, manual, open_task};

const DAY: Duration = Duration::from_secs(86_400);

/// (week day 1–7, hour, minute) of an epoch second in a zone, computed independently.
fn local(epoch_s: i64, zone_second: i64) -> (u8, u8, u8) {
    let local = epoch_s + zone_second;
    let days = local.div_euclid(86_400);
    let of_day = local.rem_euclid(86_400);
    let week_day = (days + 3).rem_euclid(7) + 1;
    (
        week_day as u8,
        (of_day / 3600) as u8,
        (of_day % 3600 / 60) as u8,
    )
}

fn by_contact(calls: &[CallRecord]) -> BTreeMap<String, Vec<CallRecord>> {
    let mut map: BTreeMap<String, Vec<CallRecord>> = BTreeMap::new();
    for call in calls {
        map.entry(call.contact_id.clone().unwrap())
            .or_default()
            .push(call.clone());
    }
    map
}

#[tokio::test]
async fn a_simulated_week_respects_the_window_redials_and_completes() {
    let (emulator, clock) = manual().await;
    let window = r#""weekDay":"1,2,3,4,5","firstFifteen":"9,10","secondFifteen":"9","thirdFifteen":"14","fourthFifteen":"14,15""#;
    let mut list = contacts(20, &[0, 6, 8, 1, 7, 9, 2, 3, 4, 5]);
    list = list.replacen(
        r#""name":"n0","#,
        r#""name":"n0","other":"ext-0","params":[{"name":"customerName","value":"Lucy"}],"#,
        1,
    );
    let body = format!(
        r#"{{"userTaskId":"WEEK","other":"batch-7","taskName":"week","autoFlowId":198,"routeId":"{ROUTE}","taskKeep":0,"startupType":3,"zoneSecond":28800,{window},"orderMaxCall":3,"replayInterval":600,"maxCall":2,"maxRingTime":30,"callList":[{list}]}}"#
    );
    let task_id = create_task(&emulator, &body).await;
    let window: CallWindow = serde_json::from_str(&format!("{{{window}}}")).unwrap();

    let started = Instant::now();
    for _ in 0..7 {
        emulator.advance(DAY).await.unwrap();
    }
    eprintln!("a simulated week took {:?}", started.elapsed());
    assert_eq!(
        nxlink_testkit::Clock::now_ms(&clock),
        MONDAY_MS + 7 * 86_400_000
    );

    let calls = emulator.calls(&task_id);
    assert_eq!(
        calls.len(),
        12 + 8 * 3,
        "12 answered once, 8 tried three times"
    );
    for call in &calls {
        let start = call.call_start.unwrap();
        let (week_day, hour, minute) = local(start, 28_800);
        assert!(
            window.allows(week_day, hour, minute),
            "call at {week_day} {hour}:{minute:02} local is outside the window"
        );
        assert!(call.call_end.unwrap() >= start);
        assert!(call.call_ring_time.unwrap() <= 30);
    }
    // Never more than maxCall calls at once (the count peaks when a call starts).
    for call in &calls {
        let instant = call.call_start.unwrap();
        let running = calls
            .iter()
            .filter(|other| (other.call_start.unwrap()..other.call_end.unwrap()).contains(&instant))
            .count();
        assert!(running <= 2, "{running} calls at once");
    }
    for (contact, attempts) in by_contact(&calls) {
        let digit = attempts[0]
            .callee_phone
            .as_deref()
            .unwrap()
            .bytes()
            .last()
            .unwrap()
            - b'0';
        let expected = match digit {
            0..=5 => (1, 1, "NORMAL_CLEARING", "200"),
            6 | 7 => (3, 2, "NO_ANSWER", "480"),
            _ => (3, 3, "USER_BUSY", "486"),
        };
        assert_eq!(attempts.len(), expected.0, "{contact}");
        for (i, attempt) in attempts.iter().enumerate() {
            assert_eq!(attempt.call_result, Some(expected.1));
            assert_eq!(attempt.hangup_reason.as_deref(), Some(expected.2));
            assert_eq!(attempt.sip_code.as_deref(), Some(expected.3));
            assert_eq!(attempt.order_head, Some(i64::from(i == 0)));
            assert_eq!(attempt.order_tail, Some(i64::from(i + 1 == attempts.len())));
            assert_eq!(attempt.user_intent.is_some(), expected.1 == 1);
            if let Some(next) = attempts.get(i + 1) {
                let gap = next.call_start.unwrap() - attempt.call_end.unwrap();
                assert!(
                    gap >= 600,
                    "{contact}: redialled {gap} s after the last call"
                );
            }
        }
    }
    let first = &by_contact(&calls)["c0"][0];
    assert_eq!(first.user_task_id.as_deref(), Some("WEEK"));
    assert_eq!(first.other.as_deref(), Some("ext-0"));
    assert_eq!(first.auto_flow_name.as_deref(), Some("Satisfaction Survey"));
    assert_eq!(
        first.attribute("customerName").unwrap().value,
        Some(json!("Lucy"))
    );
    assert!((20..=90).contains(&first.call_elapsed.unwrap()));
    assert_eq!(
        first.call_answer,
        Some(first.call_start.unwrap() + first.call_ring_time.unwrap())
    );
    let ids: std::collections::HashSet<_> = calls.iter().map(|c| c.call_id.clone()).collect();
    assert_eq!(ids.len(), calls.len(), "call ids are unique");

    assert_eq!(
        emulator.task(&task_id).unwrap().status,
        TaskStatus::Completed
    );
    assert!(
        emulator
            .contacts(&task_id)
            .iter()
            .all(|c| c.state == ContactState::Finished)
    );
    let listed = call(&emulator, TASKS, r#"{"pageNumber":1,"pageSize":10}"#).await;
    let info = &listed.json["data"]["list"][0];
    assert_eq!(info["taskStatus"], 3);
    assert_eq!(info["userTaskId"], "WEEK");
    assert_eq!(info["other"], "batch-7");
    let stats = &info["statInfo"];
    assert_eq!(stats["totalOrderCount"], 20);
    assert_eq!(stats["dialedOrderCount"], 20);
    assert_eq!(stats["dialProgress"], "100.00%");
    assert_eq!(stats["finishOrderCount"], 20);
    assert_eq!(stats["answerOrderCount"], 12);
    assert_eq!(stats["totalCallCount"], 36);
    assert_eq!(stats["answerCallCount"], 12);
    assert_eq!(stats["answerRate"], "33.33%");
    let talk: i64 = calls.iter().map(|c| c.call_elapsed.unwrap()).sum();
    assert_eq!(stats["totalCallElapsed"], talk);
    assert_eq!(stats["avgCallDuration"], talk / 12);
}

#[tokio::test]
async fn scheduled_tasks_start_on_time_and_pause_at_shutdown() {
    let (emulator, _clock) = manual().await;
    let start = MONDAY_MS / 1000 + 3600;
    let shutdown = start + 2 * 3600;
    let extra = format!(
        r#""startupType":2,"startupAt":{start},"shutdownAt":{shutdown},"orderMaxCall":5,"replayInterval":3600,"#
    );
    let task_id = create_task(&emulator, &open_task(&extra, &contacts(4, &[8]))).await;

    emulator.advance(Duration::from_secs(1800)).await.unwrap();
    assert_eq!(emulator.task(&task_id).unwrap().status, TaskStatus::Ready);
    assert!(emulator.calls(&task_id).is_empty());

    emulator.advance(Duration::from_secs(1860)).await.unwrap();
    let task = emulator.task(&task_id).unwrap();
    assert_eq!(task.status, TaskStatus::InProgress);
    assert!(task.started_at_ms.unwrap() >= start * 1000);

    emulator
        .advance(Duration::from_secs(10 * 3600))
        .await
        .unwrap();
    assert_eq!(emulator.task(&task_id).unwrap().status, TaskStatus::Paused);
    let calls = emulator.calls(&task_id);
    assert_eq!(
        calls.len(),
        4 * 2,
        "two rounds fit between start and shutdown"
    );
    assert!(
        calls
            .iter()
            .all(|c| (start..shutdown).contains(&c.call_start.unwrap()))
    );
    assert!(
        emulator
            .contacts(&task_id)
            .iter()
            .all(|c| c.state == ContactState::Pending && c.attempts == 2)
    );
}

#[tokio::test]
async fn manual_tasks_wait_for_start_task_and_permanent_ones_never_complete() {
    let (emulator, _clock) = manual().await;
    let manual_id = create_task(
        &emulator,
        &open_task(r#""startupType":1,"#, &contacts(2, &[1])),
    )
    .await;
    emulator.advance(DAY).await.unwrap();
    assert_eq!(emulator.task(&manual_id).unwrap().status, TaskStatus::Ready);
    assert!(emulator.calls(&manual_id).is_empty());
    assert!(emulator.start_task(&manual_id));
    assert!(!emulator.start_task("no-such-task"));
    emulator.advance(Duration::from_secs(600)).await.unwrap();
    assert_eq!(emulator.calls(&manual_id).len(), 2);
    assert_eq!(
        emulator.task(&manual_id).unwrap().status,
        TaskStatus::Completed
    );

    let keep = open_task(r#""startupType":3,"#, &contacts(1, &[2]))
        .replace(r#""taskKeep":0"#, r#""taskKeep":1"#);
    let keep_id = create_task(&emulator, &keep).await;
    emulator.advance(Duration::from_secs(600)).await.unwrap();
    assert_eq!(
        emulator.task(&keep_id).unwrap().status,
        TaskStatus::InProgress
    );
    let append = format!(
        r#"{{"taskId":"{keep_id}","list":[{{"contactId":"late","name":"L","phoneNumber":"13800000003"}}]}}"#
    );
    assert_eq!(call(&emulator, APPEND, &append).await.code(), 0);
    emulator.advance(Duration::from_secs(600)).await.unwrap();
    assert_eq!(emulator.calls(&keep_id).len(), 2);
    assert_eq!(
        emulator.task(&keep_id).unwrap().status,
        TaskStatus::InProgress
    );

    // A paused task dials nobody until it is resumed.
    let paused = create_task(
        &emulator,
        &open_task(r#""startupType":3,"#, &contacts(1, &[4])),
    )
    .await;
    assert!(emulator.set_task_status(&paused, TaskStatus::Paused));
    emulator.advance(DAY).await.unwrap();
    assert!(emulator.calls(&paused).is_empty());
    assert!(emulator.set_task_status(&paused, TaskStatus::InProgress));
    emulator.advance(Duration::from_secs(600)).await.unwrap();
    assert_eq!(emulator.calls(&paused).len(), 1);
}

#[tokio::test]
async fn a_custom_outcome_rule_decides_every_attempt() {
    let clock = nxlink_testkit::ManualClock::new(MONDAY_MS);
    let emulator = Emulator::builder()
        .clock(clock)
        .call_outcome(|_contact, attempt| {
            if attempt < 3 {
                CallOutcome::Busy
            } else {
                CallOutcome::Answered
            }
        })
        .simulation_step(Duration::from_secs(10))
        .start()
        .await
        .unwrap();
    let extra = r#""startupType":3,"orderMaxCall":3,"replayInterval":60,"#;
    let task_id = create_task(&emulator, &open_task(extra, &contacts(3, &[9]))).await;
    emulator.advance(Duration::from_secs(3600)).await.unwrap();
    let results: Vec<i64> = emulator
        .calls(&task_id)
        .iter()
        .filter(|c| c.contact_id.as_deref() == Some("c1"))
        .map(|c| c.call_result.unwrap())
        .collect();
    assert_eq!(results, [3, 3, 1]);
    let stats = emulator.task_stats(&task_id).unwrap();
    assert_eq!(stats.answer_rate.as_deref(), Some("33.33%"));
    assert_eq!(stats.answer_order_count, Some(3));
}

#[tokio::test]
async fn advancing_needs_a_manual_clock_and_realtime_needs_a_sane_speed() {
    let emulator = Emulator::start().await.unwrap();
    assert_eq!(
        emulator.advance(DAY).await,
        Err(SimulationError::NotManualClock)
    );
    assert!(matches!(
        emulator.run_dialer_realtime(f64::NAN),
        Err(SimulationError::InvalidSpeed(_))
    ));
    assert!(emulator.run_dialer_realtime(-1.0).is_err());
    let refused = Emulator::builder()
        .dialer_realtime(f64::INFINITY)
        .start()
        .await;
    assert!(matches!(
        refused,
        Err(nxlink_testkit::EmulatorError::Simulation(
            SimulationError::InvalidSpeed(_)
        ))
    ));

    let (manual, _clock) = manual().await;
    manual.run_dialer_realtime(0.0).unwrap();
    assert_eq!(
        manual.advance(DAY).await,
        Err(SimulationError::RealtimeRunning)
    );
    manual.stop_dialer_realtime();
    assert_eq!(manual.advance(Duration::from_secs(60)).await, Ok(()));
}

#[tokio::test]
async fn the_realtime_dialer_runs_sped_up_in_the_background() {
    let emulator = Emulator::builder()
        .dialer_realtime(1200.0)
        .start()
        .await
        .unwrap();
    let task_id = create_task(
        &emulator,
        &open_task(r#""startupType":3,"#, &contacts(3, &[1])),
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while emulator.task(&task_id).unwrap().status != TaskStatus::Completed {
        assert!(
            Instant::now() < deadline,
            "not completed: {:?}",
            emulator.calls(&task_id)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(emulator.calls(&task_id).len(), 3);
    // Speed 0 pauses it; a new task then stays undialled.
    emulator.run_dialer_realtime(0.0).unwrap();
    let idle = create_task(
        &emulator,
        &open_task(r#""startupType":3,"#, &contacts(1, &[1])),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(emulator.calls(&idle).is_empty());
    emulator.stop_dialer_realtime();
}
