//! Contact lists longer than one request: a 10 000-contact append with one failed batch that
//! the report pinpoints and a resume completes, and a create that splits its `callList`.

use std::collections::HashSet;

use nxlink::model::{AppendContactsRequest, Contact, CreateTaskRequest, ListTasksRequest};
use nxlink::{Client, ErrorKind, RetryPolicy};
use nxlink_integration_tests::client_for;
use nxlink_integration_tests::fixtures::{
    APPEND_PATH, contacts, first_contacts_of_faulted_appends, requests_to, task,
};
use nxlink_testkit::{Emulator, Fault, FaultRule, Requests};

const CREATE_PATH: &str = "/openapi/aiagent/task/create";

fn ids(contacts: &[Contact]) -> Vec<String> {
    contacts.iter().map(|c| c.contact_id.clone()).collect()
}

fn stored_ids(emulator: &Emulator, task_id: &str) -> Vec<String> {
    emulator
        .contacts(task_id)
        .iter()
        .map(|c| c.contact_id().to_owned())
        .collect()
}

/// A client that sends every request once: a failed batch stays failed.
fn single_attempt_client(emulator: &Emulator) -> Client {
    Client::builder()
        .base_url(emulator.base_url())
        .credentials(emulator.credentials())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn ten_thousand_contacts_one_failed_batch_pinpointed_then_resumed() {
    let emulator = Emulator::builder()
        .fault(FaultRule::new(
            APPEND_PATH,
            Requests::Nth(7),
            Fault::Status(500),
        ))
        .start()
        .await
        .expect("emulator starts");
    let client = single_attempt_client(&emulator);
    let task_id = client
        .create_task(&task("bulk", Vec::new()))
        .await
        .expect("an empty task")
        .task_id;
    let input = contacts("bulk", 10_000);

    let report = client
        .append_contacts(&AppendContactsRequest::new(&task_id, input.clone()))
        .await
        .expect("validated and sent");

    // 20 batches of 500, several in flight: the 7th to arrive got the 500. Which batch that
    // was is read from what the emulator received.
    assert_eq!(requests_to(&emulator, APPEND_PATH), 20);
    assert_eq!(emulator.fired_faults().len(), 1);
    let [hit] = first_contacts_of_faulted_appends(&emulator)
        .try_into()
        .expect("one faulted request");
    let position = input
        .iter()
        .position(|c| c.contact_id == hit)
        .expect("an input contact");
    assert_eq!(position % 500, 0, "batches start every 500 contacts");

    assert_eq!(report.failed.len(), 1);
    let failed = &report.failed[0];
    assert_eq!(failed.index, position / 500);
    assert_eq!(failed.first_contact, position);
    assert_eq!(failed.contacts, input[position..position + 500]);
    assert_eq!(failed.error.kind(), ErrorKind::HttpStatus);
    assert_eq!(
        failed.error.http_status_code().map(|s| s.as_u16()),
        Some(500)
    );
    assert!(!report.is_complete());
    assert_eq!(report.failed_count(), 500);
    assert!(report.rejected.is_empty());

    // Every other contact went through, exactly once.
    assert_eq!(report.submitted.len(), 9_500);
    let mut expected: Vec<String> = ids(&input[..position]);
    expected.extend(ids(&input[position + 500..]));
    let mut submitted = report.submitted.clone();
    submitted.sort_unstable();
    expected.sort_unstable();
    assert_eq!(submitted, expected);
    let mut held = stored_ids(&emulator, &task_id);
    assert_eq!(held.len(), 9_500);
    held.sort_unstable();
    assert_eq!(held, expected);

    // Resume with exactly what did not go through.
    let unsent = report.into_unsent();
    assert_eq!(unsent, input[position..position + 500]);
    let resumed = client
        .append_contacts(&AppendContactsRequest::new(&task_id, unsent))
        .await
        .expect("validated and sent");
    assert!(resumed.is_complete() && resumed.rejected.is_empty());
    assert_eq!(resumed.submitted.len(), 500);

    let held = stored_ids(&emulator, &task_id);
    assert_eq!(held.len(), 10_000);
    let distinct: HashSet<&String> = held.iter().collect();
    assert_eq!(distinct.len(), 10_000, "no contact twice");
    let wanted: HashSet<String> = ids(&input).into_iter().collect();
    assert_eq!(distinct, wanted.iter().collect(), "every input contact");
    assert_eq!(requests_to(&emulator, APPEND_PATH), 21);
}

#[tokio::test]
async fn with_the_default_policy_a_batch_error_still_ends_with_each_contact_once() {
    // Whatever the retry policy does with the 500 (resend the batch, or report it), a resume
    // with the unsent contacts leaves every contact in the task exactly once.
    let emulator = Emulator::builder()
        .fault(FaultRule::new(
            APPEND_PATH,
            Requests::Nth(3),
            Fault::Status(500),
        ))
        .start()
        .await
        .expect("emulator starts");
    let client = client_for(&emulator);
    let task_id = client
        .create_task(&task("again", Vec::new()))
        .await
        .expect("created")
        .task_id;
    let input = contacts("again", 10_000);
    let report = client
        .append_contacts(&AppendContactsRequest::new(&task_id, input.clone()))
        .await
        .expect("sent");
    assert!(report.rejected.is_empty());
    let unsent = report.into_unsent();
    assert!(unsent.len() <= 500, "at most the one batch");
    if !unsent.is_empty() {
        let resumed = client
            .append_contacts(&AppendContactsRequest::new(&task_id, unsent))
            .await
            .expect("sent");
        assert!(resumed.is_complete());
    }

    let held = stored_ids(&emulator, &task_id);
    let distinct: HashSet<&String> = held.iter().collect();
    assert_eq!((held.len(), distinct.len()), (10_000, 10_000));
    assert_eq!(emulator.fired_faults().len(), 1);
}

#[tokio::test]
async fn a_create_longer_than_one_batch_creates_then_appends_the_rest() {
    let emulator = Emulator::start().await.expect("emulator starts");
    let client = Client::builder()
        .base_url(emulator.base_url())
        .credentials(emulator.credentials())
        .batch_size(100)
        .build()
        .expect("client builds");
    let mut input = contacts("big", 1_050);
    input[700].phone_number = "+99912345678".to_owned(); // refused by the gateway
    let request: CreateTaskRequest = task("big", input.clone()).with_user_task_id("ext-big");

    let created = client.create_task(&request).await.expect("created");

    assert_eq!((created.success_count, created.total_count), (1_049, 1_050));
    assert_eq!(created.rejected.len(), 1);
    assert_eq!(created.rejected[0].contact_id.as_deref(), Some("big-00700"));
    assert!(created.failed.is_empty() && created.is_complete() && created.is_partial());

    // One create carrying the first 100, then 950 more in 10 appends.
    assert_eq!(requests_to(&emulator, CREATE_PATH), 1);
    assert_eq!(requests_to(&emulator, APPEND_PATH), 10);
    let create = emulator
        .requests()
        .into_iter()
        .find(|r| r.path == CREATE_PATH)
        .expect("the create");
    let body: serde_json::Value = serde_json::from_slice(&create.body).expect("JSON");
    assert_eq!(body["callList"].as_array().map(Vec::len), Some(100));
    assert_eq!(body["callList"][99]["contactId"], "big-00099");
    assert_eq!(emulator.tasks()[0].request.call_list.len(), 100);

    let mut held = stored_ids(&emulator, &created.task_id);
    assert_eq!(held.len(), 1_049);
    held.sort_unstable();
    let mut expected = ids(&input);
    expected.remove(700);
    assert_eq!(held, expected);

    let listed = client
        .list_tasks(&ListTasksRequest::new().with_task_name("big"))
        .await
        .expect("listed")
        .items
        .remove(0);
    assert_eq!(listed.task_id.as_deref(), Some(created.task_id.as_str()));
    assert_eq!(
        listed.stat_info.and_then(|s| s.total_order_count),
        Some(1_049)
    );
}

#[tokio::test]
async fn a_create_whose_later_batch_fails_reports_it_for_resuming() {
    let emulator = Emulator::builder()
        .fault(FaultRule::new(
            APPEND_PATH,
            Requests::Nth(2),
            Fault::Status(503),
        ))
        .start()
        .await
        .expect("emulator starts");
    let client = Client::builder()
        .base_url(emulator.base_url())
        .credentials(emulator.credentials())
        .batch_size(100)
        .batch_concurrency(1)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client builds");
    let input = contacts("split", 350);

    let created = client
        .create_task(&task("split", input.clone()))
        .await
        .expect("the task exists");

    // create: 0..100; appends: 100..200, 200..300 (refused with 503), 300..350.
    assert_eq!(created.failed.len(), 1);
    let failed = &created.failed[0];
    assert_eq!((failed.index, failed.first_contact), (1, 200));
    assert_eq!(failed.contacts, input[200..300]);
    assert_eq!(
        failed.error.http_status_code().map(|s| s.as_u16()),
        Some(503)
    );
    assert_eq!((created.success_count, created.total_count), (250, 250));
    assert!(!created.is_complete());
    assert_eq!(emulator.contacts(&created.task_id).len(), 250);

    let unsent: Vec<Contact> = created
        .failed
        .into_iter()
        .flat_map(|b| b.contacts)
        .collect();
    let resumed = client
        .append_contacts(&AppendContactsRequest::new(&created.task_id, unsent))
        .await
        .expect("sent");
    assert!(resumed.is_complete());
    assert_eq!(stored_ids(&emulator, &created.task_id).len(), 350);
}
