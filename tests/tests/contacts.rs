//! call/append and order/delete over loopback: happy paths, the gateway's refusals, and local
//! refusals that send nothing.

use std::time::Duration;

use nxlink::model::{AppendContactsRequest, Contact, DeleteContactRequest, TaskRef, TaskStatus};
use nxlink::{Client, ErrorKind};
use nxlink_integration_tests::client_for;
use nxlink_integration_tests::fixtures::{APPEND_PATH, contacts, requests_to, task};
use nxlink_testkit::{ContactState, Emulator, ManualClock};

async fn task_with(client: &Client, name: &str, size: usize) -> String {
    client
        .create_task(&task(name, contacts(name, size)).with_user_task_id(format!("ext-{name}")))
        .await
        .expect("task created")
        .task_id
}

#[tokio::test]
async fn append_adds_contacts_with_their_callback_url() {
    let emulator = Emulator::start().await.expect("emulator starts");
    let client = client_for(&emulator);
    let task_id = task_with(&client, "append", 2).await;

    let request = AppendContactsRequest::new(&task_id, contacts("more", 3))
        .with_country_code("86")
        .with_call_callback_url("http://127.0.0.1:9/webhook/call");
    let reply = client.send(&request).await.expect("appended");
    let result = reply.data.expect("an append result");
    assert_eq!(
        (result.success_count, result.total_count),
        (Some(3), Some(3))
    );
    assert!(result.err_list.is_empty());
    assert!(reply.trace_id.is_some());

    let stored = emulator.contacts(&task_id);
    assert_eq!(stored.len(), 5);
    assert_eq!(stored[2].contact_id(), "more-00000");
    assert_eq!(
        stored[4].call_callback_url.as_deref(),
        Some("http://127.0.0.1:9/webhook/call")
    );
    assert_eq!(
        stored[0].call_callback_url, None,
        "created ones keep the task's"
    );
    assert!(stored.iter().all(|c| c.state == ContactState::Pending));
}

#[tokio::test]
async fn append_reports_duplicates_and_illegal_numbers_one_by_one() {
    let emulator = Emulator::start().await.expect("emulator starts");
    let client = client_for(&emulator);
    let task_id = task_with(&client, "dup", 2).await;

    let mut batch = contacts("dup", 1); // "dup-00000" is in the task already
    batch.push(Contact::new("new-1", "New", "13900000001"));
    batch.push(Contact::new("new-2", "Zed", "+99912345678")); // unassigned country code
    let report = client
        .append_contacts(&AppendContactsRequest::new(&task_id, batch))
        .await
        .expect("validated and sent");

    assert!(report.is_complete());
    assert_eq!(report.submitted, ["new-1"]);
    let refused: Vec<_> = report
        .rejected
        .iter()
        .map(|r| r.contact_id.as_deref().unwrap_or_default())
        .collect();
    assert!(refused.contains(&"new-2"), "{refused:?}");
    assert_eq!(
        report
            .rejected
            .iter()
            .find(|r| r.contact_id.as_deref() == Some("new-2"))
            .and_then(|r| r.err_msg.as_deref()),
        Some("Illegal phone number format:+99912345678")
    );
    // The duplicate is refused by the gateway, never stored twice.
    assert!(!report.submitted.iter().any(|id| id == "dup-00000"));
    assert_eq!(emulator.contacts(&task_id).len(), 3);
}

#[tokio::test]
async fn append_to_an_unknown_or_finished_task_is_a_business_error() {
    let emulator = Emulator::start().await.expect("emulator starts");
    let client = client_for(&emulator);

    let error = client
        .send(&AppendContactsRequest::new(
            "no-such-task",
            contacts("x", 1),
        ))
        .await
        .expect_err("unknown task");
    assert!(error.is_business());
    assert_eq!(error.api_message(), Some("task not found"));
    assert!(error.trace_id().is_some());

    let task_id = task_with(&client, "done", 1).await;
    assert!(emulator.set_task_status(&task_id, TaskStatus::Completed));
    let report = client
        .append_contacts(&AppendContactsRequest::new(&task_id, contacts("late", 2)))
        .await
        .expect("validated");
    assert_eq!(report.failed.len(), 1, "the one batch was refused");
    let failed = &report.failed[0];
    assert!(failed.error.is_business());
    assert_eq!(failed.error.api_message(), Some("task already finished"));
    assert_eq!(failed.contacts, contacts("late", 2));
    assert!(report.submitted.is_empty());
    assert_eq!(emulator.contacts(&task_id).len(), 1);
}

#[tokio::test]
async fn invalid_appends_are_refused_locally_and_send_nothing() {
    let emulator = Emulator::start().await.expect("emulator starts");
    let client = client_for(&emulator);
    let task_id = task_with(&client, "local", 1).await;
    let sent = emulator.request_count();

    let mut bad = contacts("bad", 1_200);
    bad[1_100].phone_number = "12-34".to_owned();
    bad[7].contact_id = bad[3].contact_id.clone();
    let error = client
        .append_contacts(&AppendContactsRequest::new(&task_id, bad))
        .await
        .expect_err("one bad contact and nothing is sent");
    assert_eq!(error.kind(), ErrorKind::Validation);
    let violations = error.validation_errors().expect("violations");
    assert!(
        violations.has_path("list[1100].phoneNumber"),
        "{violations}"
    );
    assert!(violations.has_path("list[7].contactId"), "{violations}");

    let error = client
        .send(&AppendContactsRequest::new(&task_id, Vec::new()))
        .await
        .expect_err("an empty list");
    assert!(
        error
            .validation_errors()
            .expect("violations")
            .has_path("list")
    );

    let error = client
        .send(&AppendContactsRequest::new("", contacts("x", 1)))
        .await
        .expect_err("no task id");
    assert!(
        error
            .validation_errors()
            .expect("violations")
            .has_path("taskId")
    );

    assert_eq!(emulator.request_count(), sent, "nothing was sent");
    assert_eq!(requests_to(&emulator, APPEND_PATH), 0);
}

#[tokio::test]
async fn delete_removes_a_pending_contact_by_task_id_or_user_task_id() {
    let emulator = Emulator::start().await.expect("emulator starts");
    let client = client_for(&emulator);
    let task_id = task_with(&client, "del", 3).await;

    let reply = client
        .delete_contact(&DeleteContactRequest::new(
            TaskRef::id(&task_id),
            "del-00000",
        ))
        .await
        .expect("deleted");
    assert!(reply.data.is_empty(), "data: null, as documented");
    assert!(reply.trace_id.is_some());

    let reply = client
        .delete_contact(&DeleteContactRequest::new(
            TaskRef::user_task_id("ext-del"),
            "del-00002",
        ))
        .await
        .expect("deleted by userTaskId");
    assert!(reply.data.is_empty());

    let states: Vec<ContactState> = emulator
        .contacts(&task_id)
        .iter()
        .map(|c| c.state)
        .collect();
    assert_eq!(
        states,
        [
            ContactState::Deleted,
            ContactState::Pending,
            ContactState::Deleted
        ]
    );

    // Deleting it again, or from a task that does not exist, is refused.
    let error = client
        .delete_contact(&DeleteContactRequest::new(
            TaskRef::id(&task_id),
            "del-00000",
        ))
        .await
        .expect_err("already deleted");
    assert!(error.is_business());
    assert_eq!(error.api_message(), Some("contact not found"));
    let error = client
        .delete_contact(&DeleteContactRequest::new(
            TaskRef::user_task_id("ext-nothing"),
            "del-00001",
        ))
        .await
        .expect_err("unknown userTaskId");
    assert_eq!(error.api_message(), Some("task not found"));
}

#[tokio::test]
async fn a_dialled_contact_cannot_be_deleted() {
    let clock = ManualClock::starting_now();
    let emulator = Emulator::builder()
        .clock(clock)
        .start()
        .await
        .expect("emulator starts");
    let client = client_for(&emulator);
    // One line: the first contact is dialled, the second waits.
    let created = client
        .create_task(&task("dialled", contacts("dialled", 2)).with_max_call(1))
        .await
        .expect("created");
    assert!(emulator.start_task(&created.task_id));
    emulator
        .advance(Duration::from_secs(1))
        .await
        .expect("manual clock");
    let stored = emulator.contacts(&created.task_id);
    assert_eq!(stored[0].state, ContactState::Dialling);
    assert_eq!(stored[1].state, ContactState::Pending);

    let error = client
        .delete_contact(&DeleteContactRequest::new(
            TaskRef::id(&created.task_id),
            "dialled-00000",
        ))
        .await
        .expect_err("already dialled");
    assert_eq!(error.kind(), ErrorKind::Api);
    assert!(error.is_business() && !error.is_retryable());
    assert_eq!(
        error.api_message(),
        Some("contact cannot be deleted: already dialled")
    );

    client
        .delete_contact(&DeleteContactRequest::new(
            TaskRef::id(&created.task_id),
            "dialled-00001",
        ))
        .await
        .expect("the waiting one can go");
    assert_eq!(
        emulator.contacts(&created.task_id)[1].state,
        ContactState::Deleted
    );
}

#[tokio::test]
async fn invalid_deletes_are_refused_locally_and_send_nothing() {
    let emulator = Emulator::start().await.expect("emulator starts");
    let client = client_for(&emulator);
    let error = client
        .delete_contact(&DeleteContactRequest::new(TaskRef::id("t-1"), ""))
        .await
        .expect_err("no contact id");
    assert_eq!(error.kind(), ErrorKind::Validation);
    assert!(
        error
            .validation_errors()
            .expect("violations")
            .has_path("contactId")
    );

    let error = client
        .delete_contact(&DeleteContactRequest::new(TaskRef::user_task_id(""), "c-1"))
        .await
        .expect_err("no task");
    assert!(error.is_validation());
    assert_eq!(emulator.request_count(), 0, "nothing was sent");
}
