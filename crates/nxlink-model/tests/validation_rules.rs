//! One focused test per validation rule, plus the boundaries of each range.

use nxlink_model::{
    CallWindow, Contact, CreateTaskRequest, HourSet, StartMode, ValidationErrors, Variable,
    WeekDays,
};
use serde_json::{Value, json};

fn base() -> CreateTaskRequest {
    CreateTaskRequest::new(
        "survey",
        197,
        "route-1",
        CallWindow::every_quarter(
            WeekDays::MONDAY_TO_FRIDAY,
            HourSet::span(9, 18).expect("span"),
        ),
    )
    .with_contact(Contact::new("c-1", "Lucy", "13800000001").with_param("customerName", "Lucy"))
    .with_contact(Contact::new("c-2", "Tom", "+8613800000002"))
}

/// Asserts that `request` fails with violations at `path` only, and returns them.
#[track_caller]
fn only_at(request: &CreateTaskRequest, path: &str) -> ValidationErrors {
    let errors = request.validate().expect_err("request should be invalid");
    assert!(
        errors.iter().all(|v| v.path() == path),
        "expected only {path}, got:\n{errors}"
    );
    errors
}

#[track_caller]
fn valid(request: &CreateTaskRequest) {
    if let Err(errors) = request.validate() {
        panic!("expected valid, got:\n{errors}");
    }
}

/// The base request as JSON with `key` replaced (or removed when `value` is `None`).
fn wire_with(key: &str, value: Option<Value>) -> Result<CreateTaskRequest, ValidationErrors> {
    let mut doc = serde_json::to_value(base()).expect("serialize");
    let object = doc.as_object_mut().expect("object");
    match value {
        Some(value) => object.insert(key.to_owned(), value),
        None => object.remove(key),
    };
    let bytes = serde_json::to_vec(&doc).expect("json");
    CreateTaskRequest::from_json(&bytes).map_err(|e| {
        e.validation_errors()
            .cloned()
            .unwrap_or_else(|| panic!("expected validation errors, got {e}"))
    })
}

#[track_caller]
fn wire_only_at(key: &str, value: Value, path: &str) -> ValidationErrors {
    let errors = wire_with(key, Some(value)).expect_err("document should be invalid");
    assert!(
        errors.iter().all(|v| v.path() == path),
        "expected only {path}, got:\n{errors}"
    );
    errors
}

#[test]
fn base_request_is_valid_typed_and_on_the_wire() {
    valid(&base());
    assert_eq!(wire_with("taskName", Some(json!("survey"))), Ok(base()));
}

#[test]
fn rejects_empty_task_name() {
    let mut request = base();
    request.task_name.clear();
    only_at(&request, "taskName");
}

#[test]
fn rejects_empty_route_id() {
    let mut request = base();
    request.route_id.clear();
    only_at(&request, "routeId");
}

#[test]
fn rejects_missing_auto_flow_id() {
    let errors = wire_with("autoFlowId", None).expect_err("missing");
    assert!(errors.has_path("autoFlowId"));
    assert_eq!(errors.len(), 1);
}

#[test]
fn rejects_task_keep_other_than_0_or_1() {
    wire_only_at("taskKeep", json!(5), "taskKeep");
    wire_only_at("taskKeep", json!(-1), "taskKeep");
    assert!(
        wire_with("taskKeep", Some(json!(1)))
            .expect("1 is valid")
            .task_keep
    );
}

#[test]
fn rejects_unknown_startup_type() {
    wire_only_at("startupType", json!(7), "startupType");
    wire_only_at("startupType", json!(0), "startupType");
    let start = wire_with("startupType", Some(json!(3)))
        .expect("3 is valid")
        .start;
    assert_eq!(start, StartMode::Immediate);
}

#[test]
fn rejects_scheduled_start_without_startup_at() {
    wire_only_at("startupType", json!(2), "startupAt");
}

#[test]
fn rejects_startup_at_without_scheduled_start() {
    wire_only_at("startupAt", json!(1_746_583_929), "startupAt");
}

#[test]
fn rejects_non_positive_startup_at() {
    only_at(
        &base().with_start(StartMode::Scheduled { at: 0 }),
        "startupAt",
    );
    only_at(
        &base().with_start(StartMode::Scheduled { at: -5 }),
        "startupAt",
    );
    valid(&base().with_start(StartMode::Scheduled { at: 1 }));
}

#[test]
fn rejects_non_positive_shutdown_at() {
    only_at(&base().with_shutdown_at(0), "shutdownAt");
    only_at(&base().with_shutdown_at(-1), "shutdownAt");
    valid(&base().with_shutdown_at(1));
}

#[test]
fn rejects_shutdown_not_after_startup() {
    let scheduled = base().with_start(StartMode::Scheduled { at: 1_000 });
    only_at(&scheduled.clone().with_shutdown_at(1_000), "shutdownAt");
    only_at(&scheduled.clone().with_shutdown_at(999), "shutdownAt");
    valid(&scheduled.with_shutdown_at(1_001));
    // Without a scheduled start there is nothing to compare with.
    valid(&base().with_start(StartMode::Immediate).with_shutdown_at(5));
}

#[test]
fn zone_second_boundaries() {
    valid(&base().with_zone_second(-43_200));
    valid(&base().with_zone_second(50_400));
    only_at(&base().with_zone_second(-43_201), "zoneSecond");
    only_at(&base().with_zone_second(50_401), "zoneSecond");
    only_at(&base().with_zone_second(i32::MIN), "zoneSecond");
    wire_only_at("zoneSecond", json!(i64::MAX), "zoneSecond");
    wire_only_at("zoneSecond", json!(-43_201), "zoneSecond");
}

#[test]
fn rejects_week_day_out_of_range() {
    let errors = wire_only_at("weekDay", json!("0,8"), "weekDay");
    assert!(errors.violations()[0].reason().contains("out of range"));
    wire_only_at("weekDay", json!("1,8"), "weekDay");
    wire_only_at("weekDay", json!("99999999999999999999999999"), "weekDay");
}

#[test]
fn rejects_hour_out_of_range() {
    wire_only_at("thirdFifteen", json!("9,24"), "thirdFifteen");
}

#[test]
fn rejects_malformed_window_lists() {
    for bad in [
        "1,,2", "1,2,", " 1", "+1", "-1", "01", "1;2", "2,1", "1,1", "１",
    ] {
        wire_only_at("weekDay", json!(bad), "weekDay");
        wire_only_at("firstFifteen", json!(bad), "firstFifteen");
    }
}

#[test]
fn rejects_window_without_days() {
    let mut request = base();
    request.window.week_days = WeekDays::EMPTY;
    let errors = only_at(&request, "weekDay");
    assert!(errors.violations()[0].reason().contains("never dial"));
    wire_only_at("weekDay", json!(""), "weekDay");
}

#[test]
fn rejects_window_that_never_dials() {
    let mut request = base();
    request.window = CallWindow::every_quarter(WeekDays::ALL, HourSet::EMPTY);
    let errors = only_at(&request, "firstFifteen");
    assert!(errors.violations()[0].reason().contains("never dial"));
    // One open quarter-hour in any quarter is enough.
    request.window.fourth_fifteen = HourSet::from_hours([23]).expect("hour");
    valid(&request);
}

#[test]
fn rejects_zero_order_max_call() {
    only_at(&base().with_order_max_call(0), "orderMaxCall");
    valid(&base().with_order_max_call(1).with_replay_interval(0));
    wire_only_at("orderMaxCall", json!(-1), "orderMaxCall");
    wire_only_at("orderMaxCall", json!(4_294_967_296_i64), "orderMaxCall");
}

#[test]
fn rejects_negative_counts() {
    wire_only_at("replayInterval", json!(-1), "replayInterval");
    wire_only_at("maxCall", json!(-1), "maxCall");
    wire_only_at("maxRingTime", json!(-40), "maxRingTime");
    wire_only_at("maxRingTime", json!(4_294_967_296_i64), "maxRingTime");
    let zeroes = wire_with("maxCall", Some(json!(0))).expect("0 = system default");
    assert_eq!(zeroes.max_call, Some(0));
}

#[test]
fn rejects_callback_url_without_http_scheme() {
    only_at(
        &base().with_task_callback_url("ftp://example.com/x"),
        "taskCallbackUrl",
    );
    only_at(
        &base().with_call_callback_url("example.com/hook"),
        "callCallbackUrl",
    );
    only_at(
        &base().with_call_callback_url("/relative/hook"),
        "callCallbackUrl",
    );
}

#[test]
fn rejects_callback_url_without_host() {
    only_at(
        &base().with_task_callback_url("https://"),
        "taskCallbackUrl",
    );
    only_at(
        &base().with_task_callback_url("http:///path"),
        "taskCallbackUrl",
    );
    only_at(
        &base().with_task_callback_url("https://:443/x"),
        "taskCallbackUrl",
    );
}

#[test]
fn rejects_callback_url_with_whitespace_or_control_chars() {
    only_at(
        &base().with_task_callback_url("https://exa mple.com"),
        "taskCallbackUrl",
    );
    only_at(
        &base().with_call_callback_url("https://example.com/\u{7}"),
        "callCallbackUrl",
    );
}

#[test]
fn rejects_empty_callback_url() {
    only_at(&base().with_task_callback_url(""), "taskCallbackUrl");
}

#[test]
fn accepts_http_and_https_callback_urls() {
    valid(
        &base()
            .with_task_callback_url("https://example.com/webhook/task")
            .with_call_callback_url("http://10.0.0.2:8080/call?x=1"),
    );
}

#[test]
fn country_code_boundaries() {
    for good in ["1", "86", "852"] {
        valid(&base().with_country_code(good));
    }
    for bad in ["", "1234", "8a", "+86", " 86", "８６"] {
        only_at(&base().with_country_code(bad), "countryCode");
    }
}

fn with_phone(phone: &str) -> CreateTaskRequest {
    let mut request = base();
    request.call_list[1].phone_number = phone.to_owned();
    request
}

#[test]
fn rejects_phone_number_with_letters() {
    let errors = only_at(&with_phone("1380000000X"), "callList[1].phoneNumber");
    assert!(errors.violations()[0].reason().contains("'X'"));
    only_at(&with_phone("138-0000-0001"), "callList[1].phoneNumber");
    only_at(&with_phone("138 0000 0001"), "callList[1].phoneNumber");
}

#[test]
fn a_phone_number_a_spreadsheet_turned_into_a_number_says_how_to_fix_it() {
    for mangled in [
        "1.38E+10",
        "1.38e10",
        "8.6138E+12",
        "13800000001.0",
        "+8613800000001.0",
    ] {
        let errors = only_at(&with_phone(mangled), "callList[1].phoneNumber");
        let reason = errors.violations()[0].reason();
        assert!(
            reason.contains("looks like a number a spreadsheet reformatted")
                && reason.contains("format the column as text"),
            "{mangled}: {reason}"
        );
    }
    // Not number-shaped: the usual message.
    for other in ["1380000000X", "138.0000.0001", "E10", "1.E5"] {
        let errors = only_at(&with_phone(other), "callList[1].phoneNumber");
        assert!(
            !errors.violations()[0].reason().contains("spreadsheet"),
            "{other}"
        );
    }
}

#[test]
fn phone_number_length_boundaries() {
    valid(&with_phone("12345"));
    valid(&with_phone("+12345"));
    valid(&with_phone("123456789012345"));
    valid(&with_phone("+123456789012345"));
    only_at(&with_phone("1234"), "callList[1].phoneNumber");
    only_at(&with_phone("+1234"), "callList[1].phoneNumber");
    only_at(&with_phone("1234567890123456"), "callList[1].phoneNumber");
    only_at(&with_phone("+1234567890123456"), "callList[1].phoneNumber");
}

#[test]
fn rejects_phone_number_with_two_plus_signs() {
    only_at(&with_phone("++8613800000001"), "callList[1].phoneNumber");
    only_at(&with_phone("86+13800000001"), "callList[1].phoneNumber");
    only_at(&with_phone("+"), "callList[1].phoneNumber");
}

#[test]
fn rejects_empty_phone_number() {
    only_at(&with_phone(""), "callList[1].phoneNumber");
}

#[test]
fn rejects_empty_contact_id() {
    let mut request = base();
    request.call_list[0].contact_id.clear();
    only_at(&request, "callList[0].contactId");
}

#[test]
fn rejects_empty_contact_name() {
    let mut request = base();
    request.call_list[1].name.clear();
    only_at(&request, "callList[1].name");
}

#[test]
fn rejects_duplicate_contact_id() {
    let request = base().with_contact(Contact::new("c-1", "Lucy again", "13800000009"));
    let errors = only_at(&request, "callList[2].contactId");
    assert_eq!(errors.len(), 1);
    assert!(errors.violations()[0].reason().contains("callList[0]"));
}

#[test]
fn rejects_empty_variable_name() {
    let mut request = base();
    request.call_list[0].params.push(Variable {
        name: String::new(),
        value: None,
    });
    only_at(&request, "callList[0].params[1].name");
}

#[test]
fn rejects_duplicate_variable_name() {
    let mut request = base();
    request.call_list[0]
        .params
        .push(Variable::new("customerName", "Other"));
    let errors = only_at(&request, "callList[0].params[1].name");
    assert!(errors.violations()[0].reason().contains("params[0]"));
}

#[test]
fn same_variable_name_in_different_contacts_is_fine() {
    let mut request = base();
    request.call_list[1]
        .params
        .push(Variable::new("customerName", "Tom"));
    valid(&request);
}

#[test]
fn collects_all_violations_instead_of_stopping_at_the_first() {
    let mut request = base()
        .with_zone_second(60_000)
        .with_country_code("8a")
        .with_order_max_call(0);
    request.task_name.clear();
    request.call_list[0].phone_number = "x".into();
    let errors = request.validate().expect_err("five faults");
    let paths: Vec<_> = errors.iter().map(|v| v.path()).collect();
    assert_eq!(
        paths,
        [
            "taskName",
            "zoneSecond",
            "orderMaxCall",
            "countryCode",
            "callList[0].phoneNumber"
        ]
    );
}

#[test]
fn reasons_do_not_echo_huge_values() {
    let huge = "9".repeat(100_000);
    let request = with_phone(&huge)
        .with_country_code(huge.clone())
        .with_task_callback_url(format!("https://{huge}/ x"));
    let errors = request.validate().expect_err("huge values");
    for violation in &errors {
        assert!(violation.reason().len() < 200, "{}", violation.reason());
    }
}
