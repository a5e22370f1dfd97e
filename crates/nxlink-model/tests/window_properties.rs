//! Property tests for the calling window and for everything that parses or validates a task.
//!
//! `cargo xtask proptest` runs this file in release mode with `PROPTEST_CASES=10000`; the
//! case count comes from `ProptestConfig::default()`, which reads that variable. Each
//! property prints the number of cases it really executed.
//!
//! Failing seeds are saved to `proptest-regressions/window_properties.txt` (relative to the
//! crate root, which is where cargo runs tests) and replayed first on later runs; commit
//! that file. The default location assumes a `lib.rs` beside the test and prints a warning
//! for files under `tests/`, hence the explicit path.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use nxlink_model::{
    CallWindow, CreateTaskRequest, HourSet, ParseError, ValidationErrors, WeekDays, encode,
};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use serde_json::Value;

#[path = "window_properties/strategies.rs"]
mod strategies;

use strategies::{
    call_window, hour_set, list_like, request, task_document, valid_request, week_days,
};

// ---------------------------------------------------------------------------------------
// Case counting

static ROUNDTRIP_CASES: AtomicUsize = AtomicUsize::new(0);
static JSON_ROUNDTRIP_CASES: AtomicUsize = AtomicUsize::new(0);
static REFERENCE_CASES: AtomicUsize = AtomicUsize::new(0);
static VALIDATION_CASES: AtomicUsize = AtomicUsize::new(0);
static FROM_JSON_CASES: AtomicUsize = AtomicUsize::new(0);
static FROM_JSON_ACCEPTED: AtomicUsize = AtomicUsize::new(0);
static VALID_CASES: AtomicUsize = AtomicUsize::new(0);
static SCHEDULE_CASES: AtomicUsize = AtomicUsize::new(0);
static SCHEDULE_PRINTED: AtomicUsize = AtomicUsize::new(0);

/// The default configuration (so `PROPTEST_CASES` applies) with the regression file in
/// `proptest-regressions/`.
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/window_properties.txt",
        ))),
        ..ProptestConfig::default()
    }
}

fn count(counter: &AtomicUsize) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// Prints the executed case count and checks it is at least the configured number.
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
// (a) print -> parse is the identity

fn prop_window_print_parse_roundtrip(days: WeekDays, hours: HourSet) -> Result<(), TestCaseError> {
    count(&ROUNDTRIP_CASES);
    let printed = days.to_string();
    prop_assert_eq!(printed.parse::<WeekDays>(), Ok(days));
    let printed = hours.to_string();
    prop_assert_eq!(printed.parse::<HourSet>(), Ok(hours));
    prop_assert!(!printed.contains(' '));
    prop_assert_eq!(hours.iter().count(), hours.len());
    Ok(())
}

fn prop_call_window_json_roundtrip(window: CallWindow) -> Result<(), TestCaseError> {
    count(&JSON_ROUNDTRIP_CASES);
    let json = serde_json::to_string(&window).expect("serialize");
    let back: CallWindow = serde_json::from_str(&json).expect("own output parses");
    prop_assert_eq!(back, window);
    prop_assert_eq!(back.is_never_open(), window.slot_count() == 0);
    Ok(())
}

/// The compact form (`"Mon-Fri 09:00-12:00"`) prints every window that has an open day
/// and quarter, and reads back to the same window; the others have no compact form.
fn prop_schedule_print_parse_roundtrip(window: CallWindow) -> Result<(), TestCaseError> {
    count(&SCHEDULE_CASES);
    match window.to_schedule() {
        Some(text) => {
            SCHEDULE_PRINTED.fetch_add(1, Ordering::Relaxed);
            prop_assert_eq!(CallWindow::parse_schedule(&text), Ok(window), "{}", text);
        }
        None => prop_assert!(window.is_never_open()),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// (b) the parser accepts exactly the canonical language

/// Obviously-correct recognizer: a string is in the language iff it is the empty string,
/// or it equals the ascending, comma-joined rendering of the in-range numbers it mentions.
fn reference(text: &str, min: u32, max: u32) -> Option<u32> {
    if text.is_empty() {
        return Some(0);
    }
    let mut numbers = BTreeSet::new();
    for item in text.split(',') {
        let plain_digits = !item.is_empty() && item.bytes().all(|b| b.is_ascii_digit());
        if !plain_digits || item.len() > 2 {
            return None;
        }
        let n: u32 = item.parse().ok()?;
        if n < min || n > max {
            return None;
        }
        numbers.insert(n);
    }
    let canonical: Vec<String> = numbers.iter().map(u32::to_string).collect();
    (canonical.join(",") == text).then(|| numbers.iter().fold(0, |bits, n| bits | 1 << n))
}

fn prop_window_parse_matches_reference(text: String) -> Result<(), TestCaseError> {
    count(&REFERENCE_CASES);
    let days = text.parse::<WeekDays>();
    let expected_days = reference(&text, 1, 7);
    match (&days, expected_days) {
        (Ok(days), Some(bits)) => {
            prop_assert_eq!(days.iter().fold(0, |acc, d| acc | 1 << d), bits);
            prop_assert_eq!(days.to_string(), text.clone());
        }
        (Err(error), None) => prop_assert!(!error.to_string().is_empty()),
        (got, want) => prop_assert!(
            false,
            "WeekDays {:?}: got {:?}, reference {:?}",
            text,
            got,
            want
        ),
    }
    let hours = text.parse::<HourSet>();
    let expected_hours = reference(&text, 0, 23);
    match (&hours, expected_hours) {
        (Ok(hours), Some(bits)) => {
            prop_assert_eq!(hours.iter().fold(0, |acc, h| acc | 1 << h), bits);
            prop_assert_eq!(hours.to_string(), text.clone());
        }
        (Err(error), None) => prop_assert!(!error.to_string().is_empty()),
        (got, want) => prop_assert!(
            false,
            "HourSet {:?}: got {:?}, reference {:?}",
            text,
            got,
            want
        ),
    }
    // Deserializing uses the same strict parser.
    let via_serde = serde_json::from_value::<HourSet>(Value::String(text.clone()));
    prop_assert_eq!(via_serde.ok(), hours.ok());
    Ok(())
}

// ---------------------------------------------------------------------------------------
// (c) validation and parsing never panic, and the typed and wire paths agree

/// What the JSON form can express: empty optional strings and `null` variable values are
/// written as absent, so they read back as `None`.
fn normalized(mut request: CreateTaskRequest) -> CreateTaskRequest {
    fn drop_empty(value: &mut Option<String>) {
        if value.as_deref() == Some("") {
            *value = None;
        }
    }
    for field in [
        &mut request.user_task_id,
        &mut request.other,
        &mut request.task_desc,
        &mut request.task_callback_url,
        &mut request.call_callback_url,
        &mut request.country_code,
    ] {
        drop_empty(field);
    }
    for contact in &mut request.call_list {
        drop_empty(&mut contact.other);
        for param in &mut contact.params {
            if param.value == Some(Value::Null) {
                param.value = None;
            }
        }
    }
    request
}

fn prop_validation_never_panics(request: CreateTaskRequest) -> Result<(), TestCaseError> {
    count(&VALIDATION_CASES);
    let typed = request.validate();
    let encoded = encode(&request);
    prop_assert_eq!(typed.is_ok(), encoded.is_ok());

    // The wire parser must reach the same verdict, with the same violations, as the typed
    // validator does for what the JSON can express.
    let request = normalized(request);
    let expected: Result<CreateTaskRequest, ValidationErrors> =
        request.validate().map(|()| request.clone());
    let bytes = serde_json::to_vec(&request).expect("serialize");
    let parsed = CreateTaskRequest::from_json(&bytes).map_err(|error| match error {
        ParseError::Invalid(errors) => errors,
        other => panic!("own output must be well-formed JSON: {other}"),
    });
    prop_assert_eq!(&parsed, &expected);
    let via_serde = serde_json::from_slice::<CreateTaskRequest>(&bytes);
    prop_assert_eq!(via_serde.ok(), expected.ok());
    Ok(())
}

fn prop_valid_requests_encode_and_round_trip(
    request: CreateTaskRequest,
) -> Result<(), TestCaseError> {
    count(&VALID_CASES);
    prop_assert_eq!(request.validate(), Ok(()));
    let body = encode(&request).expect("valid request encodes");
    let back = CreateTaskRequest::from_json(&body).expect("own output parses");
    prop_assert_eq!(back, normalized(request));
    Ok(())
}

fn prop_from_json_never_panics(bytes: Vec<u8>) -> Result<(), TestCaseError> {
    count(&FROM_JSON_CASES);
    match CreateTaskRequest::from_json(&bytes) {
        Ok(request) => {
            count(&FROM_JSON_ACCEPTED);
            // Whatever from_json accepts is valid, encodes, and reads back unchanged.
            prop_assert_eq!(request.validate(), Ok(()));
            let encoded = encode(&request).expect("valid request encodes");
            let back = CreateTaskRequest::from_json(&encoded).expect("own output parses");
            prop_assert_eq!(back, request);
        }
        Err(ParseError::Invalid(errors)) => {
            prop_assert!(!errors.is_empty());
            prop_assert!(errors.iter().all(|v| !v.reason().is_empty()));
        }
        Err(error) => prop_assert!(!error.to_string().is_empty()),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Runners: `proptest!` without `#[test]` makes plain functions, so each wrapper test can
// print the executed case count after the run.

proptest! {
    #![proptest_config(config())]

    fn run_window_print_parse_roundtrip(days in week_days(), hours in hour_set()) {
        prop_window_print_parse_roundtrip(days, hours)?;
    }

    fn run_call_window_json_roundtrip(window in call_window()) {
        prop_call_window_json_roundtrip(window)?;
    }

    fn run_schedule_print_parse_roundtrip(window in call_window()) {
        prop_schedule_print_parse_roundtrip(window)?;
    }

    fn run_window_parse_matches_reference(text in list_like()) {
        prop_window_parse_matches_reference(text)?;
    }

    fn run_validation_never_panics(request in request().boxed()) {
        prop_validation_never_panics(request)?;
    }

    fn run_from_json_never_panics(bytes in task_document()) {
        prop_from_json_never_panics(bytes)?;
    }

    fn run_valid_requests_encode_and_round_trip(request in valid_request().boxed()) {
        prop_valid_requests_encode_and_round_trip(request)?;
    }
}

#[test]
fn window_print_parse_roundtrip() {
    run_window_print_parse_roundtrip();
    report("window_print_parse_roundtrip", &ROUNDTRIP_CASES);
}

#[test]
fn call_window_json_roundtrip() {
    run_call_window_json_roundtrip();
    report("call_window_json_roundtrip", &JSON_ROUNDTRIP_CASES);
}

#[test]
fn schedule_print_parse_roundtrip() {
    run_schedule_print_parse_roundtrip();
    report("schedule_print_parse_roundtrip", &SCHEDULE_CASES);
    assert!(
        SCHEDULE_PRINTED.load(Ordering::Relaxed) * 2 > SCHEDULE_CASES.load(Ordering::Relaxed),
        "most generated windows should have a compact form"
    );
}

#[test]
fn window_parse_matches_reference() {
    run_window_parse_matches_reference();
    report("window_parse_matches_reference", &REFERENCE_CASES);
}

#[test]
fn validation_never_panics() {
    run_validation_never_panics();
    report("validation_never_panics", &VALIDATION_CASES);
}

#[test]
fn from_json_never_panics() {
    run_from_json_never_panics();
    report("from_json_never_panics", &FROM_JSON_CASES);
    // The accepting branch must be exercised too, not only the rejecting one.
    assert!(
        FROM_JSON_ACCEPTED.load(Ordering::Relaxed) > 0,
        "no document was accepted"
    );
}

#[test]
fn valid_requests_encode_and_round_trip() {
    run_valid_requests_encode_and_round_trip();
    report("valid_requests_encode_and_round_trip", &VALID_CASES);
}

/// The reference recognizer itself, checked on hand-picked strings.
#[test]
fn reference_recognizer_sanity() {
    assert_eq!(reference("", 1, 7), Some(0));
    assert_eq!(reference("1,2,7", 1, 7), Some(0b1000_0110));
    for bad in [
        "0", "8", "1,1", "2,1", "01", "1,", ",1", " 1", "+1", "1,,2", "100",
    ] {
        assert_eq!(reference(bad, 1, 7), None, "{bad}");
    }
    assert_eq!(reference("0,23", 0, 23), Some(1 | 1 << 23));
}
