//! The list requests (flow, route, task and call lists): spec examples through `encode`,
//! then one focused test per validation rule, named after the rule.

mod rule_helpers;

use nxlink_model::{
    ApiRequest, ListCallsRequest, ListFlowsRequest, ListRoutesRequest, ListTasksRequest,
    MAX_PAGE_SIZE, decode, encode,
};
use rule_helpers::{body, only_at, paths, valid};

#[test]
fn list_spec_examples_encode_exactly() {
    assert_eq!(
        body(&ListFlowsRequest::new().with_name("Parcel")),
        r#"{"name":"Parcel","pageNumber":1,"pageSize":10}"#
    );
    assert_eq!(
        body(&ListRoutesRequest::new().with_route_name("MX")),
        r#"{"routeName":"MX","pageNumber":1,"pageSize":100}"#
    );
    assert_eq!(
        body(&ListTasksRequest::new().with_task_name("")),
        r#"{"pageNumber":1,"pageSize":10}"#
    );
    assert_eq!(
        body(
            &ListCallsRequest::new("t")
                .with_phone("")
                .with_user_intent("")
        ),
        r#"{"taskId":"t","pageNumber":1,"pageSize":10}"#
    );
}

#[test]
fn list_paths_are_the_documented_endpoints() {
    assert_eq!(ListFlowsRequest::PATH, "/openapi/aiagent/flow/list");
    assert_eq!(ListRoutesRequest::PATH, "/openapi/aiagent/route/list");
    assert_eq!(ListTasksRequest::PATH, "/openapi/aiagent/task/list");
    assert_eq!(ListCallsRequest::PATH, "/openapi/aiagent/call/list");
}

// ---------------------------------------------------------------------------------------
// Paging, shared by every list request

#[test]
fn page_number_must_be_at_least_one() {
    only_at(&ListFlowsRequest::new().with_page_number(0), "pageNumber");
    only_at(&ListRoutesRequest::new().with_page_number(0), "pageNumber");
    only_at(&ListTasksRequest::new().with_page_number(0), "pageNumber");
    only_at(
        &ListCallsRequest::new("t").with_page_number(0),
        "pageNumber",
    );
    valid(&ListCallsRequest::new("t").with_page_number(u32::MAX));
}

#[test]
fn page_size_must_be_between_1_and_1000() {
    for size in [0, MAX_PAGE_SIZE + 1, u32::MAX] {
        only_at(&ListFlowsRequest::new().with_page_size(size), "pageSize");
        only_at(&ListRoutesRequest::new().with_page_size(size), "pageSize");
        only_at(&ListTasksRequest::new().with_page_size(size), "pageSize");
        only_at(&ListCallsRequest::new("t").with_page_size(size), "pageSize");
    }
    for size in [1, MAX_PAGE_SIZE] {
        valid(&ListFlowsRequest::new().with_page_size(size));
        valid(&ListCallsRequest::new("t").with_page_size(size));
    }
}

// ---------------------------------------------------------------------------------------
// task/list

#[test]
fn create_times_must_not_be_negative() {
    only_at(
        &ListTasksRequest::new().with_create_start_ts(-1),
        "createStartTs",
    );
    only_at(
        &ListTasksRequest::new().with_create_end_ts(-1),
        "createEndTs",
    );
    valid(
        &ListTasksRequest::new()
            .with_create_start_ts(0)
            .with_create_end_ts(0),
    );
}

#[test]
fn create_start_must_not_be_after_create_end() {
    let errors = only_at(
        &ListTasksRequest::new()
            .with_create_start_ts(1_746_583_930)
            .with_create_end_ts(1_746_583_929),
        "createEndTs",
    );
    assert!(errors.violations()[0].reason().contains("createStartTs"));
    valid(
        &ListTasksRequest::new()
            .with_create_start_ts(1_746_583_929)
            .with_create_end_ts(1_746_583_929),
    );
}

#[test]
fn answered_rates_must_be_finite_percentages() {
    for bad in [-0.1, 100.01, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        only_at(
            &ListTasksRequest::new().with_min_calls_answered_rate(bad),
            "minCallsAnsweredRate",
        );
        only_at(
            &ListTasksRequest::new().with_max_calls_answered_rate(bad),
            "maxCallsAnsweredRate",
        );
    }
    valid(
        &ListTasksRequest::new()
            .with_min_calls_answered_rate(0.0)
            .with_max_calls_answered_rate(100.0),
    );
}

#[test]
fn min_answered_rate_must_not_exceed_max() {
    only_at(
        &ListTasksRequest::new()
            .with_min_calls_answered_rate(60.0)
            .with_max_calls_answered_rate(50.0),
        "maxCallsAnsweredRate",
    );
    valid(
        &ListTasksRequest::new()
            .with_min_calls_answered_rate(50.0)
            .with_max_calls_answered_rate(50.0),
    );
}

#[test]
fn min_task_quantity_must_not_exceed_max() {
    only_at(
        &ListTasksRequest::new()
            .with_min_task_total_quantity(1001)
            .with_max_task_total_quantity(1000),
        "maxTaskTotalQuantity",
    );
    valid(
        &ListTasksRequest::new()
            .with_min_task_total_quantity(1000)
            .with_max_task_total_quantity(1000),
    );
}

#[test]
fn task_list_reports_every_violation_at_once() {
    let request = ListTasksRequest::new()
        .with_create_start_ts(-5)
        .with_create_end_ts(-10)
        .with_min_calls_answered_rate(f64::NAN)
        .with_max_calls_answered_rate(101.0)
        .with_min_task_total_quantity(9)
        .with_max_task_total_quantity(1)
        .with_page_number(0)
        .with_page_size(5000);
    let errors = request.validate().expect_err("invalid");
    assert_eq!(
        paths(&errors),
        [
            "createStartTs",
            "createEndTs",
            "minCallsAnsweredRate",
            "maxCallsAnsweredRate",
            "maxTaskTotalQuantity",
            "pageNumber",
            "pageSize"
        ]
    );
    assert!(encode(&request).is_err());
}

// ---------------------------------------------------------------------------------------
// call/list

#[test]
fn call_list_task_id_is_required() {
    only_at(&ListCallsRequest::new(""), "taskId");
}

#[test]
fn call_times_must_not_be_negative() {
    only_at(&ListCallsRequest::new("t").with_start_ts(-1), "startTs");
    only_at(&ListCallsRequest::new("t").with_end_ts(i64::MIN), "endTs");
}

#[test]
fn call_start_must_not_be_after_end() {
    only_at(
        &ListCallsRequest::new("t").with_start_ts(10).with_end_ts(9),
        "endTs",
    );
    valid(&ListCallsRequest::new("t").with_start_ts(10).with_end_ts(10));
}

#[test]
fn elapsed_bounds_must_not_be_negative() {
    only_at(
        &ListCallsRequest::new("t").with_min_elapsed(-1),
        "minElapsed",
    );
    only_at(
        &ListCallsRequest::new("t").with_max_elapsed(-1),
        "maxElapsed",
    );
}

#[test]
fn min_elapsed_must_not_exceed_max() {
    only_at(
        &ListCallsRequest::new("t")
            .with_min_elapsed(300)
            .with_max_elapsed(60),
        "maxElapsed",
    );
    valid(
        &ListCallsRequest::new("t")
            .with_min_elapsed(60)
            .with_max_elapsed(60),
    );
}

#[test]
fn user_intent_needs_a_call_result_that_carries_one() {
    only_at(
        &ListCallsRequest::new("t").with_user_intent("Interested"),
        "userIntent",
    );
    for result in [0, 2, 4, 16, 18, 22] {
        only_at(
            &ListCallsRequest::new("t")
                .with_call_result(result)
                .with_user_intent("Interested"),
            "userIntent",
        );
    }
    for result in [1, 3, 17, 21] {
        valid(
            &ListCallsRequest::new("t")
                .with_call_result(result)
                .with_user_intent("Interested"),
        );
    }
    // An empty tag is not sent, so it needs no result.
    valid(&ListCallsRequest::new("t").with_user_intent(""));
}

#[test]
fn call_list_reports_every_violation_at_once() {
    let request = ListCallsRequest::new("")
        .with_start_ts(5)
        .with_end_ts(4)
        .with_call_result(2)
        .with_user_intent("x")
        .with_min_elapsed(-1)
        .with_max_elapsed(-2)
        .with_page_size(0);
    let errors = request.validate().expect_err("invalid");
    assert_eq!(
        paths(&errors),
        [
            "taskId",
            "endTs",
            "userIntent",
            "minElapsed",
            "maxElapsed",
            "pageSize"
        ]
    );
}

#[test]
fn list_requests_decode_and_validate() {
    let request: ListCallsRequest =
        decode(br#"{"taskId":"t","callResult":"3","userIntent":"A","pageSize":50}"#)
            .expect("valid");
    assert_eq!(request.page_number, 1);
    assert_eq!(request.call_result.map(|r| r.0), Some(3));
    let error = decode::<ListFlowsRequest>(br#"{"pageNumber":0}"#).expect_err("invalid");
    assert_eq!(
        paths(error.validation_errors().expect("validation")),
        ["pageNumber"]
    );
}
