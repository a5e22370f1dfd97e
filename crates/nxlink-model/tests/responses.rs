//! Reading what the server sends: pages in both envelope shapes, and response and callback
//! items that keep unknown fields and unknown codes.

use nxlink_model::{
    ApiResponse, AppendContactsResult, CallRecord, CallRecordCallback, Flow, Page, Route, TaskInfo,
    TaskStatus, TaskStatusCallback,
};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// What the facade does: the envelope's `data`, or else the whole body as the page.
fn read_page<T: DeserializeOwned>(body: &str) -> Page<T> {
    let response: ApiResponse<Page<T>> = serde_json::from_str(body).expect("envelope");
    assert!(response.is_success());
    match response.data {
        Some(page) => page,
        None => serde_json::from_str(body).expect("top-level page"),
    }
}

const ITEMS: &str = r#"[{"routeId":"r1","routeName":"MX"},{"routeId":"r2"},{"routeId":"r3"}]"#;

#[test]
fn page_inside_data_and_at_top_level_read_the_same() {
    let inside = format!(
        r#"{{"code":0,"message":"success","traceId":"t","data":{{"total":3,"pageNumber":1,"pageSize":10,"list":{ITEMS}}}}}"#
    );
    let top = format!(
        r#"{{"code":0,"message":"success","traceId":"t","total":3,"pageNumber":1,"pageSize":10,"list":{ITEMS}}}"#
    );
    let a: Page<Route> = read_page(&inside);
    let b: Page<Route> = read_page(&top);
    assert_eq!(a, b);
    assert_eq!(
        (a.total, a.page_number, a.page_size, a.items.len()),
        (3, 1, 10, 3)
    );
    assert!(a.is_last());
    assert_eq!(a.next_page_number(), None);
    // A null `data` falls back to the top level too.
    let null_data = format!(
        r#"{{"code":0,"message":"success","data":null,"total":3,"pageNumber":1,"pageSize":10,"list":{ITEMS}}}"#
    );
    assert_eq!(read_page::<Route>(&null_data), a);
}

#[test]
fn page_item_array_accepts_every_known_name() {
    for name in ["list", "records", "rows", "items"] {
        let page: Page<Route> =
            serde_json::from_str(&format!(r#"{{"total":3,"{name}":{ITEMS}}}"#)).expect(name);
        assert_eq!(page.items.len(), 3, "{name}");
    }
}

#[test]
fn page_fields_default_when_missing_or_null() {
    // An object with neither an item list nor a total is not a page (a gateway answering
    // `{"code":0}` must not read as "nothing matches"); an honest empty page says total 0.
    let error = serde_json::from_str::<Page<Route>>("{}").expect_err("not a page");
    assert!(error.to_string().contains("not a page"), "{error}");
    let error = serde_json::from_str::<Page<Route>>(r#"{"total":4}"#).expect_err("no list");
    assert!(
        error.to_string().contains("claims a total of 4 items"),
        "{error}"
    );
    let page: Page<Route> = serde_json::from_str(r#"{"total":0}"#).expect("empty page");
    assert_eq!(page, Page::default());
    assert!(page.is_last());
    let page: Page<Route> =
        serde_json::from_str(r#"{"total":null,"pageNumber":"2","pageSize":10,"list":null}"#)
            .expect("nulls");
    assert_eq!((page.total, page.page_number, page.page_size), (0, 2, 10));
    assert!(page.items.is_empty());
    let page: Page<Route> = serde_json::from_str("null").expect("null body");
    assert!(page.is_empty());
}

#[test]
fn a_bare_array_reads_as_one_page() {
    let page: Page<Route> = serde_json::from_str(ITEMS).expect("array");
    assert_eq!((page.total, page.page_number, page.len()), (3, 1, 3));
    assert!(page.is_last());
}

#[test]
fn page_serializes_with_list() {
    let page = Page {
        total: 11,
        page_number: 1,
        page_size: 10,
        items: vec![1, 2],
    };
    assert_eq!(
        serde_json::to_string(&page).expect("serialize"),
        r#"{"total":11,"pageNumber":1,"pageSize":10,"list":[1,2]}"#
    );
}

#[test]
fn page_walk_boundaries() {
    let page = |total, number, size, len| Page {
        total,
        page_number: number,
        page_size: size,
        items: vec![(); len],
    };
    assert_eq!(page(21, 1, 10, 10).next_page_number(), Some(2));
    assert_eq!(page(21, 2, 10, 10).next_page_number(), Some(3));
    assert_eq!(page(21, 3, 10, 1).next_page_number(), None);
    assert_eq!(page(20, 2, 10, 10).next_page_number(), None);
    assert_eq!(page(1000, 1, 10, 0).next_page_number(), None);
}

#[test]
fn a_bad_item_is_an_error_not_a_panic() {
    let error = serde_json::from_str::<Page<Flow>>(r#"{"list":[{"autoFlowId":true}]}"#)
        .expect_err("bad id");
    assert!(error.is_data());
    assert!(error.to_string().contains("expected an integer"), "{error}");
}

#[test]
fn task_pages_keep_unknown_fields_and_statuses() {
    let body = r#"{"code":0,"message":"success","traceId":"t","data":{"total":1,"pageNumber":1,
        "pageSize":10,"list":[{"taskId":"t1","taskStatus":9,"brandNew":{"a":1},
        "statInfo":{"answerRate":0.45,"mystery":true}}]}}"#;
    let page: Page<TaskInfo> = read_page(body);
    let task = &page.items[0];
    assert_eq!(task.task_status, Some(TaskStatus::Unknown(9)));
    assert_eq!(task.extra.get("brandNew"), Some(&json!({"a": 1})));
    let stats = task.stat_info.as_ref().expect("stats");
    assert_eq!(stats.answer_rate.as_deref(), Some("0.45"));
    assert_eq!(stats.extra.get("mystery"), Some(&Value::Bool(true)));
}

#[test]
fn callbacks_keep_unknown_fields() {
    let task: TaskStatusCallback =
        serde_json::from_str(r#"{"taskId":"t","taskStatus":7,"eventType":"STATUS"}"#)
            .expect("task callback");
    assert_eq!(task.task_status, Some(TaskStatus::Unknown(7)));
    assert_eq!(task.extra.get("eventType"), Some(&json!("STATUS")));
    let call: CallRecordCallback =
        serde_json::from_str(r#"{"callId":"c","callResult":99,"asr":[1]}"#).expect("call");
    assert_eq!(call.call_result, Some(99));
    assert_eq!(call.extra.get("asr"), Some(&json!([1])));
    let back: CallRecord =
        serde_json::from_value(serde_json::to_value(&call).expect("serialize")).expect("parse");
    assert_eq!(back, call);
}

#[test]
fn append_answers_with_and_without_data() {
    let observed: ApiResponse<AppendContactsResult> = serde_json::from_str(
        r#"{"code":0,"message":"success","traceId":"97cc18eb-a91c-4968-bd02-5f1bde2bdfd0"}"#,
    )
    .expect("observed answer");
    assert!(observed.is_success() && observed.data.is_none());
    let with_data: ApiResponse<AppendContactsResult> =
        serde_json::from_str(r#"{"code":0,"data":{"successCount":1,"totalCount":1,"errList":[]}}"#)
            .expect("with data");
    let data = with_data.data.expect("data");
    assert!(!data.is_partial());
    assert_eq!(data.total_count, Some(1));
}
