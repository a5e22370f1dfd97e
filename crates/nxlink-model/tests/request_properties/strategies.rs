//! Strategies for the request and response property tests: list, append and delete
//! requests with values on both sides of every rule, and documents shaped like answers.

use nxlink_model::{
    AppendContactsRequest, CallResult, ListCallsRequest, ListTasksRequest, TaskRef, TaskStatus,
};
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use serde_json::Value;

use crate::strategies::{contact, epoch, json_leaf, json_value, text, valid_contacts};

pub(crate) fn page_number() -> BoxedStrategy<u32> {
    prop_oneof![3 => 0u32..4, 1 => any::<u32>()].boxed()
}

pub(crate) fn page_size() -> BoxedStrategy<u32> {
    prop_oneof![3 => 0u32..1003, 1 => any::<u32>()].boxed()
}

/// Rates in eighths, which JSON carries exactly, plus the values the rule refuses.
fn rate() -> BoxedStrategy<f64> {
    prop_oneof![
        6 => (0i32..=800).prop_map(|n| f64::from(n) / 8.0),
        1 => (-800i32..0).prop_map(|n| f64::from(n) / 8.0),
        1 => (801i32..8000).prop_map(|n| f64::from(n) / 8.0),
        1 => prop::sample::select(vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY]),
    ]
    .boxed()
}

prop_compose! {
    pub(crate) fn list_tasks()(
        (task_name, task_status, create_start_ts, create_end_ts) in (
            option::of(text()),
            option::of(any::<i64>().prop_map(TaskStatus::from_i64)),
            option::of(epoch()),
            option::of(epoch()),
        ),
        (min_calls_answered_rate, max_calls_answered_rate) in (option::of(rate()), option::of(rate())),
        (min_task_total_quantity, max_task_total_quantity) in (
            option::of(prop_oneof![0u64..5, any::<u64>()]),
            option::of(prop_oneof![0u64..5, any::<u64>()]),
        ),
        (page_number, page_size) in (page_number(), page_size()),
    ) -> ListTasksRequest {
        ListTasksRequest {
            task_name, task_status, create_start_ts, create_end_ts, min_calls_answered_rate,
            max_calls_answered_rate, min_task_total_quantity, max_task_total_quantity,
            page_number, page_size,
        }
    }
}

prop_compose! {
    pub(crate) fn list_calls()(
        (task_id, start_ts, end_ts, call_id, phone) in (
            text(), option::of(epoch()), option::of(epoch()), option::of(text()), option::of(text()),
        ),
        (call_result, user_intent) in (
            option::of(prop_oneof![0i64..25, any::<i64>()].prop_map(CallResult)),
            option::of(text()),
        ),
        (min_elapsed, max_elapsed) in (
            option::of(prop_oneof![-2i64..400, any::<i64>()]),
            option::of(prop_oneof![-2i64..400, any::<i64>()]),
        ),
        (page_number, page_size) in (page_number(), page_size()),
    ) -> ListCallsRequest {
        ListCallsRequest {
            task_id, start_ts, end_ts, call_id, phone, call_result, user_intent, min_elapsed,
            max_elapsed, page_number, page_size,
        }
    }
}

prop_compose! {
    pub(crate) fn append()(
        (task_id, country_code, auto_flow_id, call_callback_url) in (
            text(), option::of(text()), option::of(any::<i64>()), option::of(text()),
        ),
        list in prop_oneof![3 => vec(contact(), 0..6), 2 => valid_contacts()],
    ) -> AppendContactsRequest {
        AppendContactsRequest { task_id, country_code, auto_flow_id, call_callback_url, list }
    }
}

pub(crate) fn task_ref() -> BoxedStrategy<TaskRef> {
    prop_oneof![
        text().prop_map(TaskRef::Id),
        text().prop_map(TaskRef::UserTaskId)
    ]
    .boxed()
}

/// Keys the parsers know, so that documents reach the typed paths, not only `extra`.
const KEYS: &[&str] = &[
    "code",
    "message",
    "traceId",
    "data",
    "total",
    "pageNumber",
    "pageSize",
    "list",
    "records",
    "rows",
    "items",
    "taskId",
    "userTaskId",
    "taskName",
    "taskStatus",
    "autoFlowId",
    "autoFlowName",
    "name",
    "flowName",
    "routeId",
    "routeName",
    "statInfo",
    "answerRate",
    "totalOrderCount",
    "callId",
    "callResult",
    "sipCode",
    "attributes",
    "key",
    "value",
    "orderTail",
    "successCount",
    "totalCount",
    "errList",
    "contactId",
    "errMsg",
    "createTs",
];

pub(crate) fn response_like() -> BoxedStrategy<Value> {
    let key = prop_oneof![
        6 => prop::sample::select(KEYS).prop_map(str::to_owned),
        1 => text(),
    ];
    json_leaf()
        .prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                vec(inner.clone(), 0..4).prop_map(Value::Array),
                btree_map(key.clone(), inner, 0..7)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
        .boxed()
}

pub(crate) fn bytes() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        2 => vec(any::<u8>(), 0..64),
        1 => json_value().prop_map(|v| {
            let mut bytes = serde_json::to_vec(&v).expect("serialize");
            // Truncate or corrupt a valid document so the parsers see near-misses too.
            let cut = bytes.len() / 2;
            bytes.truncate(cut.max(1));
            bytes
        }),
    ]
    .boxed()
}
