//! `POST /openapi/aiagent/task/create` over real HTTP: success shape, partial import,
//! rule violations, unreadable JSON.
#![allow(clippy::unwrap_used)]

mod support;

use std::collections::BTreeSet;

use nxlink_model::{ApiResponse, CreateTaskResult, StartMode, TaskStatus};
use nxlink_testkit::{Emulator, is_unassigned_country_code};
use serde_json::json;
use support::{EXAMPLE_BODY, create, is_hex, task_body};

fn keys(value: &serde_json::Value) -> BTreeSet<&str> {
    value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

fn is_uuid_shaped(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12]) && groups.iter().all(|g| is_hex(g, g.len()))
}

#[tokio::test]
async fn the_spec_example_creates_a_ready_task() {
    let emulator = Emulator::start().await.unwrap();
    let answer = create(&emulator, EXAMPLE_BODY).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        keys(&answer.json),
        BTreeSet::from(["code", "message", "traceId", "data"])
    );
    assert_eq!(answer.code(), 0);
    assert_eq!(answer.message(), "success");
    assert!(is_hex(answer.json["traceId"].as_str().unwrap(), 32));
    assert!(answer.headers.contains_key("date"));

    let data = &answer.json["data"];
    assert_eq!(
        keys(data),
        BTreeSet::from([
            "taskId",
            "userTaskId",
            "taskStatus",
            "successCount",
            "totalCount",
            "errList"
        ])
    );
    let task_id = data["taskId"].as_str().unwrap();
    assert!(is_uuid_shaped(task_id), "{task_id}");
    assert_eq!(data["userTaskId"], "EXT-TASK-202603250001");
    assert_eq!(data["taskStatus"], 1);
    assert_eq!(
        (data["successCount"].as_u64(), data["totalCount"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(data["errList"], json!([]));

    // The SDK's own model reads the answer.
    let typed: ApiResponse<CreateTaskResult> = serde_json::from_value(answer.json.clone()).unwrap();
    assert!(typed.is_success() && !typed.data.as_ref().unwrap().is_partial());

    let tasks = emulator.tasks();
    assert_eq!(tasks.len(), 1);
    let task = &tasks[0];
    assert_eq!(task.task_id, task_id);
    assert_eq!(task.access_key, emulator.credentials().access_key());
    assert_eq!(task.status, TaskStatus::Ready);
    assert_eq!(task.user_task_id(), Some("EXT-TASK-202603250001"));
    assert_eq!(
        task.request.start,
        StartMode::Scheduled { at: 1_746_583_929 }
    );
    assert_eq!(task.request.call_list.len(), 2);
    assert!(task.rejected.is_empty());
    // Stamped while handling that request (the two clock readings may straddle a millisecond).
    let received = emulator.requests()[0].received_at_ms;
    assert!((received..received + 1_000).contains(&task.created_at_ms));
}

#[tokio::test]
async fn status_follows_the_start_mode_and_user_task_id_is_optional() {
    let emulator = Emulator::start().await.unwrap();
    let contact = r#"{"contactId":"c1","name":"A","phoneNumber":"13800000001"}"#;
    for (start, status) in [(r#""startupType":1"#, 1), (r#""startupType":3"#, 2)] {
        let answer = create(&emulator, &task_body(start, contact)).await;
        assert_eq!(answer.code(), 0, "{}", answer.json);
        assert_eq!(answer.json["data"]["taskStatus"], status);
        assert!(
            answer.json["data"].get("userTaskId").is_none(),
            "omitted when not given"
        );
    }
    let statuses: Vec<TaskStatus> = emulator.tasks().iter().map(|t| t.status).collect();
    assert_eq!(statuses, [TaskStatus::Ready, TaskStatus::InProgress]);
    let ids: BTreeSet<String> = emulator.tasks().into_iter().map(|t| t.task_id).collect();
    assert_eq!(ids.len(), 2);

    let empty = create(&emulator, &task_body(r#""startupType":1"#, "")).await;
    assert_eq!(empty.code(), 0);
    assert_eq!(empty.json["data"]["totalCount"], 0);
}

#[tokio::test]
async fn bad_numbers_are_refused_one_by_one_and_the_task_is_created() {
    let emulator = Emulator::start().await.unwrap();
    let call_list = r#"{"contactId":"ok-1","name":"Ann","phoneNumber":"13800000001"},
        {"contactId":"5f6f6f6f-7a7b-4c4d-9e9f-101010101010","name":"lucy","phoneNumber":"1312895-xxx"},
        {"contactId":"ok-2","name":"Bob","phoneNumber":"+8613800000002"},
        {"contactId":"c-999","name":"Zed","phoneNumber":"+99912345678"}"#;
    let answer = create(&emulator, &task_body(r#""startupType":1"#, call_list)).await;
    assert_eq!(answer.code(), 0, "{}", answer.json);
    let data = &answer.json["data"];
    assert_eq!(
        (data["successCount"].as_u64(), data["totalCount"].as_u64()),
        (Some(2), Some(4))
    );
    assert_eq!(
        data["errList"],
        json!([
            {"contactId": "5f6f6f6f-7a7b-4c4d-9e9f-101010101010", "name": "lucy",
             "phoneNumber": "1312895-xxx", "errMsg": "Illegal phone number format:1312895-xxx"},
            {"contactId": "c-999", "name": "Zed",
             "phoneNumber": "+99912345678", "errMsg": "Illegal phone number format:+99912345678"}
        ])
    );
    let task = &emulator.tasks()[0];
    let kept: Vec<&str> = task
        .request
        .call_list
        .iter()
        .map(|c| c.contact_id.as_str())
        .collect();
    assert_eq!(kept, ["ok-1", "ok-2"]);
    assert_eq!(task.rejected.len(), 2);
}

#[tokio::test]
async fn a_custom_predicate_replaces_the_default_rule() {
    let emulator = Emulator::builder()
        .refuse_numbers(|number| number.ends_with("13") || is_unassigned_country_code(number))
        .start()
        .await
        .unwrap();
    let call_list = r#"{"contactId":"a","name":"A","phoneNumber":"13800000013"},
        {"contactId":"b","name":"B","phoneNumber":"13800000014"},
        {"contactId":"c","name":"C","phoneNumber":"99900000014"}"#;
    let answer = create(&emulator, &task_body(r#""startupType":1"#, call_list)).await;
    let refused: Vec<&str> = answer.json["data"]["errList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["contactId"].as_str().unwrap())
        .collect();
    assert_eq!(refused, ["a", "c"]);

    let lenient = Emulator::builder()
        .refuse_numbers(|_| false)
        .start()
        .await
        .unwrap();
    let answer = create(&lenient, &task_body(r#""startupType":1"#, call_list)).await;
    assert_eq!(answer.json["data"]["successCount"], 3);
}

#[tokio::test]
async fn rule_violations_are_20000_listing_every_path() {
    let emulator = Emulator::start().await.unwrap();
    let body = r#"{"taskName":"","autoFlowId":1,"taskKeep":0,"startupType":2,"zoneSecond":90000,
        "weekDay":"1,8","firstFifteen":"9","secondFifteen":"9","thirdFifteen":"9","fourthFifteen":"24",
        "orderMaxCall":0,"replayInterval":600,"countryCode":"8a",
        "callList":[{"contactId":"","name":"A","phoneNumber":"bad"},{"contactId":"x","name":"","phoneNumber":"13800000001"}]}"#;
    let answer = create(&emulator, body).await;
    assert_eq!(answer.code(), 20000);
    let message = answer.message();
    for path in [
        "taskName: ",
        "routeId: ",
        "startupAt: ",
        "zoneSecond: ",
        "weekDay: ",
        "fourthFifteen: ",
        "orderMaxCall: ",
        "countryCode: ",
        "callList[0].contactId: ",
        "callList[1].name: ",
    ] {
        assert!(message.contains(path), "{path} missing from {message}");
    }
    assert_eq!(message.matches("; ").count(), 9, "{message}");
    assert!(
        !message.contains("phoneNumber"),
        "bad numbers never refuse a task: {message}"
    );
    assert!(answer.json.get("data").is_none());
    assert!(emulator.tasks().is_empty());
}

#[tokio::test]
async fn json_the_model_cannot_read_is_1002() {
    let emulator = Emulator::start().await.unwrap();
    for body in ["", "{", "[1,2]", "null", r#"{"taskName": 5}"#, "\u{feff}{}"] {
        let answer = create(&emulator, body).await;
        assert_eq!(answer.code(), 1002, "{body:?}: {}", answer.json);
        assert!(
            answer.message().starts_with("parameter error: "),
            "{}",
            answer.message()
        );
    }
    assert!(emulator.tasks().is_empty());
}
