//! A gateway whose code-0 answers do not check out: every write whose answer does not
//! account for what was sent has an unknown outcome (never counted as success, never
//! re-sent), and a page walk stops with an error when the pages contradict their `total`.

use std::time::Duration;

use futures_util::TryStreamExt;
use nxlink::model::{AppendContactsRequest, ListTasksRequest};
use nxlink::{Client, ErrorKind, RetryPolicy};
use nxlink_integration_tests::{fixtures, spec_example_task};
use nxlink_testkit::{ScriptedAnswer, ScriptedGateway, ScriptedRequest, demo_credentials};

const APPEND: &str = "/openapi/aiagent/call/append";
const CREATE: &str = "/openapi/aiagent/task/create";
const TASKS: &str = "/openapi/aiagent/task/list";

fn client_for(gateway: &ScriptedGateway) -> Client {
    Client::builder()
        .base_url(gateway.base_url())
        .credentials(demo_credentials())
        .retry_policy(RetryPolicy::standard().with_initial_backoff(Duration::from_millis(5)))
        .build()
        .expect("client builds")
}

/// A gateway answering every call/append with `body`.
async fn appends_answered(body: &'static str) -> ScriptedGateway {
    ScriptedGateway::start(move |_: &ScriptedRequest<'_>| ScriptedAnswer::ok(body))
        .await
        .expect("scripted gateway starts")
}

async fn append_1000(gateway: &ScriptedGateway) -> nxlink::AppendReport {
    client_for(gateway)
        .append_contacts(&AppendContactsRequest::new(
            "t-1",
            fixtures::contacts("d", 1_000),
        ))
        .await
        .expect("validated and sent")
}

#[tokio::test]
async fn a_bare_code_0_to_an_append_is_an_unknown_outcome_and_is_not_resent() {
    let gateway = appends_answered(r#"{"code":0}"#).await;
    let report = append_1000(&gateway).await;
    assert!(report.submitted.is_empty(), "nothing counted as appended");
    assert_eq!(report.failed_count(), 1_000);
    for batch in &report.failed {
        assert!(batch.error.is_outcome_unknown(), "{}", batch.error);
        assert!(
            batch
                .error
                .to_string()
                .contains("does not account for the batch of 500 contacts"),
            "{}",
            batch.error
        );
    }
    assert_eq!(
        gateway.requests_to(APPEND),
        2,
        "two batches, each sent once"
    );
}

#[tokio::test]
async fn the_documented_bare_acknowledgement_accepts_the_batch() {
    let gateway = appends_answered(r#"{"code":0,"message":"success","traceId":"97cc18eb"}"#).await;
    let report = append_1000(&gateway).await;
    assert_eq!(report.submitted.len(), 1_000);
    assert!(report.is_complete());
}

#[tokio::test]
async fn counts_that_do_not_add_up_or_name_strangers_are_unknown_outcomes() {
    for body in [
        r#"{"code":0,"data":{"successCount":499}}"#,
        r#"{"code":0,"data":{"successCount":500,"totalCount":501}}"#,
        r#"{"code":0,"data":{"successCount":499,"errList":[{"contactId":"not-sent","errMsg":"x"}]}}"#,
        r#"{"code":0,"data":[1,2,3]}"#,
    ] {
        let gateway = appends_answered(body).await;
        let report = append_1000(&gateway).await;
        assert!(report.submitted.is_empty(), "{body}");
        assert!(
            report
                .failed
                .iter()
                .all(|batch| batch.error.is_outcome_unknown()),
            "{body}"
        );
        assert_eq!(gateway.requests_to(APPEND), 2, "{body}: never re-sent");
    }
}

#[tokio::test]
async fn a_create_answer_that_names_no_task_is_looked_up_and_never_sent_twice() {
    for (body, what) in [
        (
            r#"{"code":0,"data":[{"taskId":"a"},{"taskId":"b"}]}"#,
            "a list",
        ),
        (r#"{"code":0,"message":"success"}"#, "no task id"),
    ] {
        let gateway =
            ScriptedGateway::start(move |request: &ScriptedRequest<'_>| match request.path {
                CREATE => ScriptedAnswer::ok(body),
                _ => ScriptedAnswer::ok(r#"{"code":0,"data":{"total":0,"list":[]}}"#),
            })
            .await
            .expect("starts");
        let error = client_for(&gateway)
            .create_task(&spec_example_task())
            .await
            .expect_err(what);
        assert!(error.is_outcome_unknown(), "{what}: {error}");
        assert!(
            error.to_string().contains("look it up by that userTaskId"),
            "{what}: {error}"
        );
        assert_eq!(gateway.requests_to(CREATE), 1, "{what}: never sent twice");
        assert_eq!(
            gateway.requests_to(TASKS),
            1,
            "{what}: reconciled by a lookup"
        );
    }
}

#[tokio::test]
async fn a_code_0_without_a_page_is_an_error_not_an_empty_list() {
    let gateway =
        ScriptedGateway::start(|_: &ScriptedRequest<'_>| ScriptedAnswer::ok(r#"{"code":0}"#))
            .await
            .expect("starts");
    let error = client_for(&gateway)
        .list_tasks(&ListTasksRequest::new())
        .await
        .expect_err("not a page");
    assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
    assert!(error.to_string().contains("not a page"), "{error}");
}

/// A task/list page: `count` tasks numbered from `first`, claiming `total`.
fn task_page(first: usize, count: usize, total: u64) -> String {
    let tasks: Vec<String> = (first..first + count)
        .map(|n| format!(r#"{{"taskId":"t-{n}","taskName":"n"}}"#))
        .collect();
    format!(
        r#"{{"code":0,"data":{{"total":{total},"list":[{}]}}}}"#,
        tasks.join(",")
    )
}

async fn walk(gateway: &ScriptedGateway, page_size: u32) -> (usize, nxlink::Error) {
    let client = client_for(gateway);
    let tasks = client.all_tasks(ListTasksRequest::new().with_page_size(page_size));
    futures_util::pin_mut!(tasks);
    let mut read = 0;
    loop {
        match tasks.try_next().await {
            Ok(Some(_)) => read += 1,
            Ok(None) => panic!("the walk ended quietly after {read} tasks"),
            Err(error) => return (read, error),
        }
    }
}

#[tokio::test]
async fn a_walk_stops_at_a_repeated_page() {
    let gateway = ScriptedGateway::start(|_: &ScriptedRequest<'_>| {
        ScriptedAnswer::ok(task_page(0, 2, 1_000_000_000_000))
    })
    .await
    .expect("starts");
    let (read, error) = walk(&gateway, 2).await;
    assert_eq!(read, 2);
    assert!(
        error.to_string().contains("page 2 repeats page 1"),
        "{error}"
    );
    assert_eq!(gateway.requests_to(TASKS), 2);
}

#[tokio::test]
async fn a_walk_stops_at_a_short_or_empty_page_before_total() {
    // One-item pages for 100 asked, a total of 10^12.
    let gateway = ScriptedGateway::start(|request: &ScriptedRequest<'_>| {
        ScriptedAnswer::ok(task_page(request.nth, 1, 1_000_000_000_000))
    })
    .await
    .expect("starts");
    let (read, error) = walk(&gateway, 100).await;
    assert_eq!(read, 0, "the short page is refused whole");
    assert!(
        error.to_string().contains("holds 1 items (asked for 100)"),
        "{error}"
    );
    assert_eq!(gateway.requests_to(TASKS), 1);

    let gateway = ScriptedGateway::start(|request: &ScriptedRequest<'_>| {
        let count = if request.nth == 1 { 2 } else { 0 };
        ScriptedAnswer::ok(task_page(0, count, 5))
    })
    .await
    .expect("starts");
    let (read, error) = walk(&gateway, 2).await;
    assert_eq!(read, 2);
    assert!(
        error.to_string().contains("page 2 holds 0 items"),
        "{error}"
    );
}

#[tokio::test]
async fn a_walk_stops_when_pages_hold_more_than_total() {
    let gateway = ScriptedGateway::start(|request: &ScriptedRequest<'_>| {
        ScriptedAnswer::ok(task_page(request.nth * 10, 2, 3))
    })
    .await
    .expect("starts");
    let (read, error) = walk(&gateway, 2).await;
    assert_eq!(read, 2);
    assert!(
        error
            .to_string()
            .contains("4 items read, more than the total of 3"),
        "{error}"
    );
}
