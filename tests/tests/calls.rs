//! call/list over loopback after the dialer ran: every filter, paging one page at a time and
//! lazily, in both page shapes; task/list's answer-rate filter on the dialled task; refusals.

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use nxlink::model::{CallRecord, ListCallsRequest, ListTasksRequest, TaskStatus};
use nxlink::{Client, ErrorKind};
use nxlink_integration_tests::client_for;
use nxlink_integration_tests::fixtures::{
    contacts, expected_result, realign, requests_to, run_until_finished, task,
};
use nxlink_testkit::{Emulator, ManualClock, PageShape};

const CALLS: &str = "/openapi/aiagent/call/list";

/// A dialled task: 20 contacts (12 answer, 4 never answer, 4 are busy), two attempts each,
/// so 12 + 4×2 + 4×2 = 28 calls.
struct Dialled {
    emulator: Emulator,
    client: Client,
    task_id: String,
    calls: Vec<CallRecord>,
}

async fn dialled(shape: PageShape) -> Dialled {
    let clock = ManualClock::starting_now();
    let emulator = Emulator::builder()
        .clock(clock.clone())
        .page_shape(shape)
        .start()
        .await
        .expect("emulator starts");
    let client = client_for(&emulator);
    let request = task("dialled", contacts("call", 20))
        .with_order_max_call(2)
        .with_replay_interval(300)
        .with_max_call(5);
    let task_id = client.create_task(&request).await.expect("created").task_id;
    assert!(emulator.start_task(&task_id));
    run_until_finished(&emulator, &task_id, Duration::from_secs(86_400)).await;
    // The simulation ran ahead of the wall clock the client signs with.
    realign(&clock);
    let calls = emulator.calls(&task_id);
    assert_eq!(calls.len(), 28);
    Dialled {
        emulator,
        client,
        task_id,
        calls,
    }
}

async fn listed(client: &Client, request: ListCallsRequest) -> Vec<CallRecord> {
    let page = client
        .list_calls(&request.with_page_size(1000))
        .await
        .expect("a page of calls");
    assert_eq!(page.total, page.items.len() as u64);
    page.data.items
}

fn local(calls: &[CallRecord], keep: impl Fn(&CallRecord) -> bool) -> Vec<CallRecord> {
    calls.iter().filter(|call| keep(call)).cloned().collect()
}

async fn filters_and_paging(shape: PageShape) {
    let Dialled {
        emulator,
        client,
        task_id,
        calls,
    } = dialled(shape).await;
    let all = ListCallsRequest::new(&task_id);

    // Everything, oldest first, exactly as the emulator holds it.
    assert_eq!(listed(&client, all.clone()).await, calls);
    for call in &calls {
        let number = call.callee_phone.as_deref().expect("a number");
        assert_eq!(call.call_result, Some(expected_result(number)), "{number}");
        assert_eq!(call.task_id.as_deref(), Some(task_id.as_str()));
    }

    let busy = listed(&client, all.clone().with_call_result(3)).await;
    assert_eq!(busy.len(), 8);
    assert_eq!(busy, local(&calls, |c| c.call_result == Some(3)));

    // One number: both attempts, first and last marked.
    let number = "13800000007";
    let to_seven = listed(&client, all.clone().with_phone(number)).await;
    assert_eq!(to_seven.len(), 2);
    assert!(to_seven[0].is_first_attempt() && !to_seven[0].is_last_attempt());
    assert!(!to_seven[1].is_first_attempt() && to_seven[1].is_last_attempt());
    assert!(
        to_seven
            .iter()
            .all(|c| c.callee_phone.as_deref() == Some(number))
    );

    let one = &calls[5];
    let by_id = listed(
        &client,
        all.clone()
            .with_call_id(one.call_id.clone().expect("an id")),
    )
    .await;
    assert_eq!(by_id, std::slice::from_ref(one));

    // Time range on callStart, inclusive.
    let from = calls[10].call_start.expect("a start");
    let to = calls[20].call_start.expect("a start");
    let in_range = listed(&client, all.clone().with_start_ts(from).with_end_ts(to)).await;
    let expected = local(&calls, |c| {
        c.call_start.is_some_and(|s| (from..=to).contains(&s))
    });
    assert!(expected.len() >= 11);
    assert_eq!(in_range, expected);

    // Talk time: only answered calls talk.
    let talked = listed(&client, all.clone().with_min_elapsed(1)).await;
    assert_eq!(talked.len(), 12);
    assert!(talked.iter().all(|c| c.call_result == Some(1)));
    let short = listed(&client, all.clone().with_max_elapsed(45)).await;
    assert_eq!(short, local(&calls, |c| c.call_elapsed.unwrap_or(0) <= 45));

    // Conversation tag, with an answered result, ignoring case.
    let intent = calls
        .iter()
        .find_map(|c| c.user_intent.clone())
        .expect("answered calls carry a tag");
    let tagged = listed(
        &client,
        all.clone()
            .with_call_result(1)
            .with_user_intent(intent.to_uppercase()),
    )
    .await;
    assert!(!tagged.is_empty());
    assert_eq!(
        tagged,
        local(&calls, |c| c.user_intent.as_deref()
            == Some(intent.as_str()))
    );

    // Paging: 28 calls in pages of 5 are 6 pages, the last holding 3.
    let last = client
        .list_calls(&all.clone().with_page_size(5).with_page_number(6))
        .await
        .expect("page 6");
    assert_eq!((last.total, last.items.len()), (28, 3));
    assert_eq!(last.items, calls[25..]);

    let before = requests_to(&emulator, CALLS);
    let walked: Vec<CallRecord> = client
        .all_calls(all.clone().with_page_size(5))
        .try_collect()
        .await
        .expect("every call");
    assert_eq!(walked, calls);
    assert_eq!(
        requests_to(&emulator, CALLS) - before,
        6,
        "no page past total"
    );

    let before = requests_to(&emulator, CALLS);
    let busy_walk: Vec<CallRecord> = client
        .all_calls(all.with_call_result(3).with_page_size(4))
        .try_collect()
        .await
        .expect("busy calls");
    assert_eq!(busy_walk, busy);
    assert_eq!(requests_to(&emulator, CALLS) - before, 2, "8 in pages of 4");

    // task/list now knows the task's answer rate: 12 of 28 calls, 42.86 %.
    let task = client
        .list_tasks(
            &ListTasksRequest::new()
                .with_min_calls_answered_rate(40.0)
                .with_max_calls_answered_rate(45.0),
        )
        .await
        .expect("listed")
        .into_data()
        .items;
    assert_eq!(task.len(), 1);
    assert_eq!(task[0].task_status, Some(TaskStatus::Completed));
    let stats = task[0].stat_info.clone().expect("statInfo");
    assert_eq!(stats.total_call_count, Some(28));
    assert_eq!(stats.answer_call_count, Some(12));
    assert_eq!(stats.finish_order_count, Some(20));
    let none = client
        .list_tasks(&ListTasksRequest::new().with_min_calls_answered_rate(50.0))
        .await
        .expect("listed");
    assert_eq!(none.total, 0);
}

#[tokio::test]
async fn filters_and_paging_nested() {
    filters_and_paging(PageShape::Nested).await;
}

#[tokio::test]
async fn filters_and_paging_top_level() {
    filters_and_paging(PageShape::TopLevel).await;
}

#[tokio::test]
async fn a_task_not_dialled_yet_has_no_calls() {
    let emulator = Emulator::start().await.expect("emulator starts");
    let client = client_for(&emulator);
    let task_id = client
        .create_task(&task("quiet", contacts("quiet", 3)))
        .await
        .expect("created")
        .task_id;
    let page = client
        .list_calls(&ListCallsRequest::new(&task_id))
        .await
        .expect("an empty page");
    assert_eq!((page.total, page.items.len()), (0, 0));
}

#[tokio::test]
async fn an_unknown_task_is_a_business_error() {
    let emulator = Emulator::start().await.expect("emulator starts");
    let client = client_for(&emulator);
    let error = client
        .list_calls(&ListCallsRequest::new("no-such-task"))
        .await
        .expect_err("unknown task");
    assert!(error.is_business());
    assert_eq!(error.api_message(), Some("task not found"));

    let items: Vec<_> = client
        .all_calls(ListCallsRequest::new("no-such-task"))
        .collect()
        .await;
    assert_eq!(items.len(), 1, "the walk ends at the refusal");
    assert!(items[0].as_ref().is_err_and(nxlink::Error::is_business));
    assert_eq!(requests_to(&emulator, CALLS), 2, "a refusal is not retried");
}

#[tokio::test]
async fn invalid_filters_are_refused_locally_and_send_nothing() {
    let emulator = Emulator::start().await.expect("emulator starts");
    let client = client_for(&emulator);

    let error = client
        .list_calls(&ListCallsRequest::new("t-1").with_user_intent("Interested"))
        .await
        .expect_err("a tag without a result");
    assert_eq!(error.kind(), ErrorKind::Validation);
    assert!(
        error
            .validation_errors()
            .expect("violations")
            .has_path("userIntent")
    );

    let error = client
        .list_calls(
            &ListCallsRequest::new("")
                .with_start_ts(200)
                .with_end_ts(100)
                .with_call_result(2)
                .with_user_intent("Interested")
                .with_min_elapsed(-1),
        )
        .await
        .expect_err("four rules broken");
    let violations = error.validation_errors().expect("violations");
    for path in ["taskId", "endTs", "userIntent", "minElapsed"] {
        assert!(
            violations.has_path(path),
            "{path} missing from {violations}"
        );
    }

    let items: Vec<_> = client
        .all_calls(ListCallsRequest::new("t-1").with_page_size(0))
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    assert!(items[0].as_ref().is_err_and(nxlink::Error::is_validation));
    assert_eq!(emulator.request_count(), 0, "nothing was sent");
}
