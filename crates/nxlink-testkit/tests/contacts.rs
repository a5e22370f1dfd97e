//! call/append and order/delete over real HTTP.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use nxlink_model::{ApiResponse, AppendContactsResult, TaskStatus};
use nxlink_testkit::{ContactState, Emulator};
use serde_json::{Value, json};
use support::{
    APPEND, DELETE, assert_violations, call, call_as, create_task, manual, open_task, task_body,
};

fn append_body(task_id: &str, list: &str) -> String {
    format!(
        r#"{{"taskId":"{task_id}","callCallbackUrl":"http://127.0.0.1:9/appended","list":[{list}]}}"#
    )
}

#[tokio::test]
async fn append_imports_good_contacts_and_lists_the_refused_ones() {
    let emulator = Emulator::start().await.unwrap();
    let task_id = create_task(&emulator, &task_body(r#""startupType":1"#, "")).await;
    let first = r#"{"contactId":"c1","name":"Ann","phoneNumber":"13800000001","other":"x-1",
        "params":[{"name":"customerName","value":"Ann"}]},
        {"contactId":"c2","name":"lucy","phoneNumber":"1312895-xxx"},
        {"contactId":"c3","name":"Zed","phoneNumber":"+99912345678"},
        {"contactId":"c4","name":"Bob","phoneNumber":"13800000004"}"#;
    let answer = call(&emulator, APPEND, &append_body(&task_id, first)).await;
    assert_eq!(answer.code(), 0, "{}", answer.json);
    assert_eq!(
        answer.json["data"],
        json!({"successCount": 2, "totalCount": 4, "errList": [
            {"contactId": "c2", "name": "lucy", "phoneNumber": "1312895-xxx",
             "errMsg": "Illegal phone number format:1312895-xxx"},
            {"contactId": "c3", "name": "Zed", "phoneNumber": "+99912345678",
             "errMsg": "Illegal phone number format:+99912345678"}]})
    );
    let typed: ApiResponse<AppendContactsResult> = serde_json::from_value(answer.json).unwrap();
    assert!(typed.data.unwrap().is_partial());

    // Appending again is idempotent per contact: a known id is refused, the new one added.
    let again = r#"{"contactId":"c1","name":"Ann","phoneNumber":"13800000001"},
        {"contactId":"c5","name":"Cy","phoneNumber":"13800000005"}"#;
    let answer = call(&emulator, APPEND, &append_body(&task_id, again)).await;
    assert_eq!(
        answer.json["data"],
        json!({"successCount": 1, "totalCount": 2, "errList": [
            {"contactId": "c1", "name": "Ann", "phoneNumber": "13800000001",
             "errMsg": "Duplicate contactId:c1"}]})
    );

    let contacts = emulator.contacts(&task_id);
    let ids: Vec<&str> = contacts.iter().map(|c| c.contact_id()).collect();
    assert_eq!(ids, ["c1", "c4", "c5"]);
    assert!(
        contacts
            .iter()
            .all(|c| c.state == ContactState::Pending && c.attempts == 0)
    );
    assert_eq!(
        contacts[0].call_callback_url.as_deref(),
        Some("http://127.0.0.1:9/appended")
    );
    assert_eq!(contacts[0].contact.other.as_deref(), Some("x-1"));
    assert_eq!(contacts[0].contact.params.len(), 1);

    // Every number refused still answers success, with nothing imported.
    let all_bad = r#"{"contactId":"c6","name":"A","phoneNumber":"12-34"}"#;
    let answer = call(&emulator, APPEND, &append_body(&task_id, all_bad)).await;
    assert_eq!(answer.code(), 0, "{}", answer.json);
    assert_eq!(answer.json["data"]["successCount"], 0);
    assert_eq!(answer.json["data"]["errList"][0]["contactId"], "c6");
}

#[tokio::test]
async fn append_refusals() {
    let emulator = Emulator::builder()
        .account("AK-OTHER", "other-secret")
        .account(
            nxlink_testkit::DEMO_ACCESS_KEY,
            nxlink_testkit::DEMO_ACCESS_SECRET,
        )
        .start()
        .await
        .unwrap();
    let task_id = create_task(&emulator, &task_body(r#""startupType":1"#, "")).await;
    let good = r#"{"contactId":"c1","name":"Ann","phoneNumber":"13800000001"}"#;

    let unknown = call(&emulator, APPEND, &append_body("no-such-task", good)).await;
    assert_eq!(
        (unknown.code(), unknown.message()),
        (20000, "task not found")
    );
    let demo = nxlink_testkit::demo_credentials();
    let foreign = call_as(&emulator, &demo, APPEND, &append_body(&task_id, good)).await;
    assert_eq!(
        (foreign.code(), foreign.message()),
        (20000, "task not found")
    );

    let flow = format!(r#"{{"taskId":"{task_id}","autoFlowId":5,"list":[{good}]}}"#);
    let answer = call(&emulator, APPEND, &flow).await;
    assert_eq!(
        (answer.code(), answer.message()),
        (20000, "autoFlowId not found")
    );

    let broken = format!(r#"{{"taskId":"{task_id}","countryCode":"8a","list":[]}}"#);
    let answer = call(&emulator, APPEND, &broken).await;
    assert_violations(&answer, &["countryCode", "list"]);

    let answer = call(&emulator, APPEND, r#"{"taskId": 5}"#).await;
    assert_eq!(answer.code(), 1002);

    assert!(emulator.set_task_status(&task_id, TaskStatus::Completed));
    let answer = call(&emulator, APPEND, &append_body(&task_id, good)).await;
    assert_eq!(
        (answer.code(), answer.message()),
        (20000, "task already finished")
    );
    assert!(emulator.contacts(&task_id).is_empty());
}

#[tokio::test]
async fn only_contacts_never_dialled_can_be_deleted() {
    let (emulator, _clock) = manual().await;
    let body = open_task(
        r#""userTaskId":"EXT-1","startupType":3,"maxCall":1,"orderMaxCall":1,"replayInterval":60,"#,
        &support::contacts(3, &[1]),
    );
    let task_id = create_task(&emulator, &body).await;
    // One step: the dialer starts on c0 (one call at a time).
    emulator.advance(Duration::ZERO).await.unwrap();
    assert_eq!(emulator.contacts(&task_id)[0].state, ContactState::Dialling);

    let delete =
        |reference: &str, contact: &str| format!(r#"{{{reference},"contactId":"{contact}"}}"#);
    let by_id = format!(r#""taskId":"{task_id}""#);
    let dialled = call(&emulator, DELETE, &delete(&by_id, "c0")).await;
    assert_eq!(
        (dialled.code(), dialled.message()),
        (20000, "contact cannot be deleted: already dialled")
    );
    // userTaskId wins over a wrong taskId.
    let both = r#""taskId":"wrong","userTaskId":"EXT-1""#;
    let deleted = call(&emulator, DELETE, &delete(both, "c1")).await;
    assert_eq!(deleted.code(), 0, "{}", deleted.json);
    assert_eq!(deleted.json["data"], Value::Null);
    assert!(deleted.json.as_object().unwrap().contains_key("data"));
    let again = call(&emulator, DELETE, &delete(&by_id, "c1")).await;
    assert_eq!(
        (again.code(), again.message()),
        (20000, "contact not found")
    );
    let unknown = call(&emulator, DELETE, &delete(&by_id, "zz")).await;
    assert_eq!(unknown.message(), "contact not found");
    let no_task = call(&emulator, DELETE, &delete(r#""userTaskId":"EXT-2""#, "c2")).await;
    assert_eq!(no_task.message(), "task not found");
    let neither = call(&emulator, DELETE, r#"{"contactId":"c2"}"#).await;
    assert_eq!(neither.code(), 20000, "{}", neither.json);

    emulator.advance(Duration::from_secs(3600)).await.unwrap();
    let contacts = emulator.contacts(&task_id);
    let states: Vec<ContactState> = contacts.iter().map(|c| c.state).collect();
    assert_eq!(
        states,
        [
            ContactState::Finished,
            ContactState::Deleted,
            ContactState::Finished
        ]
    );
    let called: Vec<String> = emulator
        .calls(&task_id)
        .into_iter()
        .filter_map(|call| call.contact_id)
        .collect();
    assert_eq!(called, ["c0", "c2"]);
    assert_eq!(
        emulator.task(&task_id).unwrap().status,
        TaskStatus::Completed
    );
}
