//! Property tests for the list, append and delete requests and for every response and
//! callback parser: validating arbitrary requests never panics and agrees with `encode`
//! and with the receiving side's parser; valid requests survive the wire unchanged; and
//! arbitrary bytes or loosely-typed documents never make a parser panic.
//!
//! Failing seeds are saved to `proptest-regressions/request_properties.txt` (relative to
//! the crate root); commit that file. `PROPTEST_CASES` sets the case count.

use std::sync::atomic::{AtomicUsize, Ordering};

use nxlink_model::{
    ApiRequest, ApiResponse, AppendContactsRequest, AppendContactsResult, CallRecord,
    CallRecordCallback, Contact, CreateTaskResult, DeleteContactRequest, Flow, ListCallsRequest,
    ListFlowsRequest, ListRoutesRequest, ListTasksRequest, Page, ParseError, Route, TaskInfo,
    TaskRef, TaskStatusCallback, ValidationErrors, decode, encode,
};
use proptest::option;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

#[path = "window_properties/strategies.rs"]
#[allow(
    dead_code,
    reason = "shared with window_properties, which uses the rest"
)]
mod strategies;

#[path = "request_properties/strategies.rs"]
mod request_strategies;

use request_strategies::{
    append, bytes, list_calls, list_tasks, page_number, page_size, response_like, task_ref,
};
use strategies::text;

// ---------------------------------------------------------------------------------------
// Case counting, as in window_properties.rs

static LIST_CASES: AtomicUsize = AtomicUsize::new(0);
static LIST_VALID: AtomicUsize = AtomicUsize::new(0);
static APPEND_CASES: AtomicUsize = AtomicUsize::new(0);
static APPEND_VALID: AtomicUsize = AtomicUsize::new(0);
static DELETE_CASES: AtomicUsize = AtomicUsize::new(0);
static BYTES_CASES: AtomicUsize = AtomicUsize::new(0);
static DOCUMENT_CASES: AtomicUsize = AtomicUsize::new(0);
static DOCUMENT_ACCEPTED: AtomicUsize = AtomicUsize::new(0);

fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/request_properties.txt",
        ))),
        ..ProptestConfig::default()
    }
}

fn count(counter: &AtomicUsize) {
    counter.fetch_add(1, Ordering::Relaxed);
}

fn report(name: &str, counter: &AtomicUsize) {
    let executed = counter.load(Ordering::Relaxed);
    let configured = config().cases as usize;
    assert!(
        executed >= configured,
        "{name}: only {executed} of {configured} cases ran"
    );
    eprintln!("property {name}: {executed} cases passed");
}

// ---------------------------------------------------------------------------------------
// What the JSON can express: empty optional strings and `null` values are not written, so
// they read back as `None`.

fn drop_empty(value: &mut Option<String>) {
    if value.as_deref() == Some("") {
        *value = None;
    }
}

fn normalized_contacts(contacts: &mut [Contact]) {
    for contact in contacts {
        drop_empty(&mut contact.other);
        for param in &mut contact.params {
            if param.value == Some(Value::Null) {
                param.value = None;
            }
        }
    }
}

/// The request as the receiving side reads it back.
fn over_the_wire<R: Serialize + DeserializeOwned>(request: &R) -> R {
    let body = serde_json::to_vec(request).expect("serialize");
    serde_json::from_slice(&body).expect("own output parses")
}

// ---------------------------------------------------------------------------------------
// Properties

/// Validation never panics; `encode` succeeds exactly for valid requests; the receiving
/// side's `decode` reaches the same verdict; valid requests come back unchanged.
fn check_request<R>(request: R, normalize: impl Fn(&mut R)) -> Result<(), TestCaseError>
where
    R: ApiRequest + DeserializeOwned + PartialEq + Clone + std::fmt::Debug,
{
    let verdict = request.validate();
    prop_assert_eq!(verdict.is_ok(), encode(&request).is_ok());
    if let Err(errors) = &verdict {
        prop_assert!(errors.iter().all(|v| !v.reason().is_empty()));
    }
    let mut expected = request;
    normalize(&mut expected);
    let body = serde_json::to_vec(&expected).expect("serialize");
    let decoded: Result<R, ValidationErrors> = decode(&body).map_err(|error| match error {
        ParseError::Invalid(errors) => errors,
        other => panic!("own output must be well-formed: {other}"),
    });
    prop_assert_eq!(decoded, expected.validate().map(|()| expected.clone()));
    if expected.validate().is_ok() {
        count(&LIST_VALID);
    }
    Ok(())
}

fn prop_list_requests(
    flows: ListFlowsRequest,
    routes: ListRoutesRequest,
    tasks: ListTasksRequest,
    calls: ListCallsRequest,
) -> Result<(), TestCaseError> {
    count(&LIST_CASES);
    check_request(flows, |r| drop_empty(&mut r.name))?;
    check_request(routes, |r| drop_empty(&mut r.route_name))?;
    check_request(tasks, |r| {
        drop_empty(&mut r.task_name);
        // JSON has no NaN or infinity: serde_json writes them as null.
        for rate in [
            &mut r.min_calls_answered_rate,
            &mut r.max_calls_answered_rate,
        ] {
            *rate = rate.filter(|value| value.is_finite());
        }
    })?;
    check_request(calls, |r| {
        drop_empty(&mut r.call_id);
        drop_empty(&mut r.phone);
        drop_empty(&mut r.user_intent);
    })?;
    Ok(())
}

fn prop_append(request: AppendContactsRequest) -> Result<(), TestCaseError> {
    count(&APPEND_CASES);
    let verdict = request.validate();
    prop_assert_eq!(verdict.is_ok(), encode(&request).is_ok());
    let mut expected = request;
    drop_empty(&mut expected.country_code);
    drop_empty(&mut expected.call_callback_url);
    normalized_contacts(&mut expected.list);
    let body = serde_json::to_vec(&expected).expect("serialize");
    let parsed = AppendContactsRequest::from_json(&body).map_err(|error| match error {
        ParseError::Invalid(errors) => errors,
        other => panic!("own output must be well-formed: {other}"),
    });
    let wanted = expected.validate().map(|()| expected.clone());
    if wanted.is_ok() {
        count(&APPEND_VALID);
    }
    // Every contact-level violation names its contact.
    if let Err(errors) = &wanted {
        for violation in errors {
            let top = violation.path().split(['.', '[']).next().unwrap_or("");
            if top == "list" && violation.path() != "list" {
                let (index, _) = violation.list_item("list").expect("indexed path");
                prop_assert!(index < expected.list.len());
            }
        }
    }
    prop_assert_eq!(parsed, wanted);
    prop_assert_eq!(over_the_wire(&expected), expected);
    Ok(())
}

fn prop_delete(task: TaskRef, contact_id: String) -> Result<(), TestCaseError> {
    count(&DELETE_CASES);
    let request = DeleteContactRequest::new(task, contact_id);
    let verdict = request.validate();
    prop_assert_eq!(verdict.is_ok(), encode(&request).is_ok());
    let body = serde_json::to_vec(&request).expect("serialize");
    let parsed = DeleteContactRequest::from_json(&body).map_err(|error| match error {
        ParseError::Invalid(errors) => errors,
        other => panic!("own output must be well-formed: {other}"),
    });
    prop_assert_eq!(parsed, verdict.map(|()| request.clone()));
    prop_assert_eq!(over_the_wire(&request), request);
    Ok(())
}

/// Parses `bytes` as `T`; anything accepted must serialize, and read back to itself.
fn parse_stably<T>(bytes: &[u8], exact: bool) -> Result<bool, TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let Ok(value) = serde_json::from_slice::<T>(bytes) else {
        return Ok(false);
    };
    let again = serde_json::to_vec(&value).expect("a parsed value serializes");
    let back: T = serde_json::from_slice(&again).expect("own output parses");
    if exact {
        prop_assert_eq!(back, value);
    }
    Ok(true)
}

/// Every response and callback parser, on the same input. Arbitrary bytes may hold floats
/// that JSON does not carry exactly, so only structured documents check the round trip.
fn parse_everything(bytes: &[u8], exact: bool) -> Result<bool, TestCaseError> {
    let mut accepted = false;
    accepted |= parse_stably::<ApiResponse<Page<TaskInfo>>>(bytes, exact)?;
    accepted |= parse_stably::<Page<TaskInfo>>(bytes, exact)?;
    accepted |= parse_stably::<Page<CallRecord>>(bytes, exact)?;
    accepted |= parse_stably::<ApiResponse<Page<Flow>>>(bytes, exact)?;
    accepted |= parse_stably::<Page<Route>>(bytes, exact)?;
    accepted |= parse_stably::<TaskStatusCallback>(bytes, exact)?;
    accepted |= parse_stably::<CallRecordCallback>(bytes, exact)?;
    accepted |= parse_stably::<AppendContactsResult>(bytes, exact)?;
    accepted |= parse_stably::<ApiResponse<AppendContactsResult>>(bytes, exact)?;
    accepted |= parse_stably::<ApiResponse<CreateTaskResult>>(bytes, exact)?;
    accepted |= parse_stably::<ApiResponse<Vec<String>>>(bytes, exact)?;
    Ok(accepted)
}

fn prop_parsers_survive_bytes(bytes: Vec<u8>) -> Result<(), TestCaseError> {
    count(&BYTES_CASES);
    parse_everything(&bytes, false)?;
    Ok(())
}

fn prop_parsers_survive_documents(document: Value) -> Result<(), TestCaseError> {
    count(&DOCUMENT_CASES);
    let bytes = serde_json::to_vec(&document).expect("serialize");
    if parse_everything(&bytes, true)? {
        count(&DOCUMENT_ACCEPTED);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Runners

proptest! {
    #![proptest_config(config())]

    fn run_list_requests(
        name in option::of(text()),
        route_name in option::of(text()),
        (flow_page, flow_size, route_page, route_size) in
            (page_number(), page_size(), page_number(), page_size()),
        tasks in list_tasks().boxed(),
        calls in list_calls().boxed(),
    ) {
        let flows = ListFlowsRequest { name, page_number: flow_page, page_size: flow_size };
        let routes = ListRoutesRequest { route_name, page_number: route_page, page_size: route_size };
        prop_list_requests(flows, routes, tasks, calls)?;
    }

    fn run_append(request in append().boxed()) {
        prop_append(request)?;
    }

    fn run_delete(task in task_ref(), contact_id in text()) {
        prop_delete(task, contact_id)?;
    }

    fn run_parsers_survive_bytes(bytes in bytes()) {
        prop_parsers_survive_bytes(bytes)?;
    }

    fn run_parsers_survive_documents(document in response_like()) {
        prop_parsers_survive_documents(document)?;
    }
}

#[test]
fn list_request_validation_never_panics() {
    run_list_requests();
    report("list_request_validation_never_panics", &LIST_CASES);
    eprintln!(
        "  with {} valid requests",
        LIST_VALID.load(Ordering::Relaxed)
    );
    assert!(LIST_VALID.load(Ordering::Relaxed) > 0, "no valid request");
}

#[test]
fn append_validation_never_panics() {
    run_append();
    report("append_validation_never_panics", &APPEND_CASES);
    eprintln!(
        "  with {} valid requests",
        APPEND_VALID.load(Ordering::Relaxed)
    );
    assert!(APPEND_VALID.load(Ordering::Relaxed) > 0, "no valid request");
}

#[test]
fn delete_validation_never_panics() {
    run_delete();
    report("delete_validation_never_panics", &DELETE_CASES);
}

#[test]
fn response_parsers_never_panic_on_bytes() {
    run_parsers_survive_bytes();
    report("response_parsers_never_panic_on_bytes", &BYTES_CASES);
}

#[test]
fn response_parsers_never_panic_on_documents() {
    run_parsers_survive_documents();
    report("response_parsers_never_panic_on_documents", &DOCUMENT_CASES);
    eprintln!(
        "  of which {} were accepted by at least one parser",
        DOCUMENT_ACCEPTED.load(Ordering::Relaxed)
    );
    assert!(
        DOCUMENT_ACCEPTED.load(Ordering::Relaxed) > 0,
        "no document was accepted"
    );
}
