//! task/list and call/list over real HTTP: every filter, ordering, paging to the end, both
//! page shapes, refusals.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use nxlink_model::{ApiResponse, CallRecord, Page, TaskInfo, TaskStatus};
use nxlink_testkit::{Emulator, ManualClock, PageShape};
use support::{
    CALLS, MONDAY_MS, TASKS, assert_violations, call, call_as, contacts, create_task, items,
    manual, open_task, page,
};

fn named(name: &str, extra: &str, list: &str) -> String {
    open_task(extra, list).replace(r#""taskName":"open""#, &format!(r#""taskName":"{name}""#))
}

fn list_tasks(filters: &str) -> String {
    format!(r#"{{{filters}"pageNumber":1,"pageSize":100}}"#)
}

async fn task_names(emulator: &Emulator, filters: &str) -> Vec<String> {
    let answer = call(emulator, TASKS, &list_tasks(filters)).await;
    assert_eq!(answer.code(), 0, "{}", answer.json);
    items(&answer)
        .iter()
        .map(|task| task["taskName"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn task_list_filters_orders_and_pages() {
    let (emulator, clock) = manual().await;
    let alpha = create_task(&emulator, &named("Alpha survey", r#""startupType":1,"#, "")).await;
    clock.advance(Duration::from_secs(100));
    // Answered, busy: 50 % answered; two contacts.
    create_task(
        &emulator,
        &named("beta Survey", r#""startupType":3,"#, &contacts(2, &[1, 9])),
    )
    .await;
    clock.advance(Duration::from_secs(100));
    // All answered: 100 %; three contacts.
    create_task(
        &emulator,
        &named("Gamma", r#""startupType":3,"#, &contacts(3, &[2])),
    )
    .await;
    emulator.advance(Duration::from_secs(600)).await.unwrap();

    assert_eq!(
        task_names(&emulator, "").await,
        ["Gamma", "beta Survey", "Alpha survey"]
    );
    assert_eq!(
        task_names(&emulator, r#""taskName":"SURVEY","#).await,
        ["beta Survey", "Alpha survey"]
    );
    assert_eq!(
        task_names(&emulator, r#""taskStatus":1,"#).await,
        ["Alpha survey"]
    );
    assert_eq!(
        task_names(&emulator, r#""taskStatus":3,"#).await,
        ["Gamma", "beta Survey"]
    );
    let t0 = MONDAY_MS / 1000;
    let range = format!(
        r#""createStartTs":{},"createEndTs":{},"#,
        t0 + 100,
        t0 + 199
    );
    assert_eq!(task_names(&emulator, &range).await, ["beta Survey"]);
    let after = format!(r#""createStartTs":{},"#, t0 + 150);
    assert_eq!(task_names(&emulator, &after).await, ["Gamma"]);
    assert_eq!(
        task_names(&emulator, r#""minCallsAnsweredRate":60,"#).await,
        ["Gamma"]
    );
    assert_eq!(
        task_names(
            &emulator,
            r#""minCallsAnsweredRate":40.5,"maxCallsAnsweredRate":"50","#
        )
        .await,
        ["beta Survey"]
    );
    assert_eq!(
        task_names(&emulator, r#""maxCallsAnsweredRate":10,"#).await,
        ["Alpha survey"],
        "a task without calls has a rate of 0"
    );
    assert_eq!(
        task_names(
            &emulator,
            r#""minTaskTotalQuantity":2,"maxTaskTotalQuantity":2,"#
        )
        .await,
        ["beta Survey"]
    );
    assert_eq!(
        task_names(&emulator, r#""minTaskTotalQuantity":3,"#).await,
        ["Gamma"]
    );
    // The official example's empty strings mean "no filter".
    let official = r#""minCallsAnsweredRate":"","maxCallsAnsweredRate":"","minTaskTotalQuantity":"","maxTaskTotalQuantity":"","#;
    assert_eq!(task_names(&emulator, official).await.len(), 3);

    // Paging to the end, one task per page.
    let mut seen = Vec::new();
    for number in 1..=4 {
        let answer = call(
            &emulator,
            TASKS,
            &format!(r#"{{"pageNumber":{number},"pageSize":1}}"#),
        )
        .await;
        assert_eq!(page(&answer)["total"], 3);
        seen.extend(
            items(&answer)
                .iter()
                .map(|t| t["taskId"].as_str().unwrap().to_owned()),
        );
    }
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[2], alpha);

    let answer = call(&emulator, TASKS, &list_tasks(r#""taskName":"Gamma","#)).await;
    let typed: ApiResponse<Page<TaskInfo>> = serde_json::from_value(answer.json).unwrap();
    let gamma = &typed.data.unwrap().items[0];
    assert_eq!(gamma.task_status, Some(TaskStatus::Completed));
    assert_eq!(gamma.auto_flow_id, Some(197));
    assert_eq!(gamma.auto_flow_name.as_deref(), Some("Parcel Notification"));
    assert_eq!(gamma.week_day.as_deref(), Some("1,2,3,4,5,6,7"));
    assert_eq!(
        (gamma.startup_type, gamma.zone_second, gamma.task_keep),
        (Some(3), Some(0), Some(0))
    );
    assert_eq!(gamma.create_ts, Some(t0 + 200));
    assert_eq!(gamma.id, Some(3));
    let stats = gamma.stat_info.as_ref().unwrap();
    assert_eq!(
        (stats.total_call_count, stats.answer_call_count),
        (Some(3), Some(3))
    );
    assert_eq!(stats.finish_rate.as_deref(), Some("100.00%"));
}

#[tokio::test]
async fn task_list_shows_only_the_callers_tasks_and_is_validated() {
    let emulator = Emulator::builder()
        .account("AK-A", "secret-a")
        .account("AK-B", "secret-b")
        .page_shape(PageShape::TopLevel)
        .start()
        .await
        .unwrap();
    create_task(&emulator, &open_task(r#""startupType":1,"#, "")).await;
    let other = nxlink_sign::Credentials::new("AK-B", "secret-b");
    let answer = call_as(&emulator, &other, TASKS, &list_tasks("")).await;
    assert_eq!(answer.json["total"], 0);
    assert_eq!(answer.json["list"], serde_json::json!([]));
    let own = call(&emulator, TASKS, &list_tasks("")).await;
    assert_eq!(own.json["total"], 1);

    let broken = call(
        &emulator,
        TASKS,
        r#"{"minCallsAnsweredRate":120,"pageNumber":1,"pageSize":0}"#,
    )
    .await;
    assert_violations(&broken, &["minCallsAnsweredRate", "pageSize"]);
    assert_eq!(
        call(&emulator, TASKS, r#"{"taskStatus":"x"}"#).await.code(),
        1002
    );
}

#[tokio::test]
async fn call_list_filters_and_pages_oldest_first() {
    let clock = ManualClock::new(MONDAY_MS);
    let emulator = Emulator::builder()
        .clock(clock)
        .page_shape(PageShape::TopLevel)
        .start()
        .await
        .unwrap();
    let extra = r#""startupType":3,"orderMaxCall":2,"replayInterval":60,"maxCall":1,"#;
    let task_id = create_task(&emulator, &open_task(extra, &contacts(4, &[1, 6, 8, 3]))).await;
    emulator.advance(Duration::from_secs(3600)).await.unwrap();
    let all = emulator.calls(&task_id);
    assert_eq!(all.len(), 6);

    let list = |filters: String| {
        format!(r#"{{"taskId":"{task_id}",{filters}"pageNumber":1,"pageSize":100}}"#)
    };
    let fetch = |filters: String| {
        let body = list(filters);
        let emulator = &emulator;
        async move {
            let answer = call(emulator, CALLS, &body).await;
            assert_eq!(answer.code(), 0, "{}", answer.json);
            let page: Page<CallRecord> = serde_json::from_value(answer.json).unwrap();
            page.items
        }
    };
    let everything = fetch(String::new()).await;
    assert_eq!(everything, all, "oldest first, as stored");
    assert!(
        everything
            .windows(2)
            .all(|w| w[0].call_start <= w[1].call_start)
    );

    let one = fetch(format!(
        r#""callId":"{}","#,
        all[2].call_id.as_deref().unwrap()
    ))
    .await;
    assert_eq!(one, [all[2].clone()]);
    let by_phone = fetch(r#""phone":"0000016","#.to_owned()).await;
    assert_eq!(by_phone.len(), 2);
    assert!(
        by_phone
            .iter()
            .all(|c| c.contact_id.as_deref() == Some("c1"))
    );
    for (result, count) in [(1, 2), (2, 2), (3, 2)] {
        let found = fetch(format!(r#""callResult":{result},"#)).await;
        assert_eq!(found.len(), count, "callResult {result}");
    }
    let intent = all[0].user_intent.clone().unwrap();
    let tagged = fetch(format!(
        r#""callResult":1,"userIntent":"{}","#,
        intent.to_uppercase()
    ))
    .await;
    assert!(!tagged.is_empty());
    assert!(
        tagged
            .iter()
            .all(|c| c.user_intent.as_deref() == Some(intent.as_str()))
    );
    assert_eq!(fetch(r#""minElapsed":1,"#.to_owned()).await.len(), 2);
    assert_eq!(fetch(r#""maxElapsed":0,"#.to_owned()).await.len(), 4);
    let from = all[2].call_start.unwrap();
    let to = all[4].call_start.unwrap();
    let window = fetch(format!(r#""startTs":{from},"endTs":{to},"#)).await;
    assert_eq!(window, all[2..=4].to_vec());

    // Paging to the end, four per page.
    let second = call(
        &emulator,
        CALLS,
        &format!(r#"{{"taskId":"{task_id}","pageNumber":2,"pageSize":4}}"#),
    )
    .await;
    assert_eq!(
        (second.json["total"].as_u64(), items(&second).len()),
        (Some(6), 2)
    );

    let unknown = call(
        &emulator,
        CALLS,
        r#"{"taskId":"nope","pageNumber":1,"pageSize":10}"#,
    )
    .await;
    assert_eq!(
        (unknown.code(), unknown.message()),
        (20000, "task not found")
    );
    let broken = call(
        &emulator,
        CALLS,
        r#"{"taskId":"","userIntent":"x","pageNumber":1,"pageSize":10}"#,
    )
    .await;
    assert_violations(&broken, &["taskId", "userIntent"]);
}
