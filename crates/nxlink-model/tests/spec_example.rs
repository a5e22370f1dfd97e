//! The spec §2.1 task/create example, built from types, serialized, parsed and broken.

use nxlink_model::{
    ApiRequest, CallWindow, Contact, CreateTaskRequest, HourSet, ParseError, StartMode, WeekDays,
    encode,
};
use serde_json::{Value, json};

/// The spec example exactly as documented (pretty-printed there).
const SPEC_EXAMPLE: &str = r#"{
  "userTaskId": "EXT-TASK-202603250001",
  "other": "task-batch-20260325",
  "taskName": "客户回访任务-0325",
  "taskDesc": "针对已下单客户进行满意度回访",
  "autoFlowId": 197,
  "routeId": "y29ND1X4kkCG_nC576sALEkvg3HjEqde",
  "taskKeep": 0,
  "startupType": 2,
  "startupAt": 1746583929,
  "shutdownAt": 1746670329,
  "zoneSecond": 28800,
  "weekDay": "1,2,3,4,5,6,7",
  "firstFifteen": "9,10,11,14,15,16,17",
  "secondFifteen": "9,10,11,14,15,16,17",
  "thirdFifteen": "9,10,11,14,15,16,17",
  "fourthFifteen": "9,10,11,14,15,16,17",
  "orderMaxCall": 1,
  "replayInterval": 600,
  "maxCall": 20,
  "maxRingTime": 40,
  "taskCallbackUrl": "https://example.com/webhook/task",
  "callCallbackUrl": "https://example.com/webhook/call",
  "countryCode": "86",
  "callList": [
    {"contactId": "c3d79370-9f3a-4da2-84dd-2d2200f40e11", "other": "contact-ext-001",
     "name": "Lucy", "phoneNumber": "13800000001",
     "params": [{"name": "customerName", "value": "Lucy"}, {"name": "orderNo", "value": "SO202603250001"}]},
    {"contactId": "5f6f6f6f-7a7b-4c4d-9e9f-101010101010", "other": "contact-ext-002",
     "name": "Tom", "phoneNumber": "13800000002",
     "params": [{"name": "customerName", "value": "Tom"}]}
  ]
}"#;

/// The same document, compact, in the documented field order.
const SPEC_COMPACT: &str = concat!(
    r#"{"userTaskId":"EXT-TASK-202603250001","other":"task-batch-20260325","#,
    r#""taskName":"客户回访任务-0325","taskDesc":"针对已下单客户进行满意度回访","#,
    r#""autoFlowId":197,"routeId":"y29ND1X4kkCG_nC576sALEkvg3HjEqde","taskKeep":0,"#,
    r#""startupType":2,"startupAt":1746583929,"shutdownAt":1746670329,"zoneSecond":28800,"#,
    r#""weekDay":"1,2,3,4,5,6,7","firstFifteen":"9,10,11,14,15,16,17","#,
    r#""secondFifteen":"9,10,11,14,15,16,17","thirdFifteen":"9,10,11,14,15,16,17","#,
    r#""fourthFifteen":"9,10,11,14,15,16,17","orderMaxCall":1,"replayInterval":600,"#,
    r#""maxCall":20,"maxRingTime":40,"taskCallbackUrl":"https://example.com/webhook/task","#,
    r#""callCallbackUrl":"https://example.com/webhook/call","countryCode":"86","#,
    r#""callList":[{"contactId":"c3d79370-9f3a-4da2-84dd-2d2200f40e11","other":"contact-ext-001","#,
    r#""name":"Lucy","phoneNumber":"13800000001","params":[{"name":"customerName","value":"Lucy"},"#,
    r#"{"name":"orderNo","value":"SO202603250001"}]},"#,
    r#"{"contactId":"5f6f6f6f-7a7b-4c4d-9e9f-101010101010","other":"contact-ext-002","#,
    r#""name":"Tom","phoneNumber":"13800000002","params":[{"name":"customerName","value":"Tom"}]}]}"#,
);

fn spec_request() -> CreateTaskRequest {
    let hours = HourSet::from_hours([9, 10, 11, 14, 15, 16, 17]).expect("valid hours");
    CreateTaskRequest::new(
        "客户回访任务-0325",
        197,
        "y29ND1X4kkCG_nC576sALEkvg3HjEqde",
        CallWindow::every_quarter(WeekDays::ALL, hours),
    )
    .with_user_task_id("EXT-TASK-202603250001")
    .with_other("task-batch-20260325")
    .with_task_desc("针对已下单客户进行满意度回访")
    .with_start(StartMode::Scheduled { at: 1_746_583_929 })
    .with_shutdown_at(1_746_670_329)
    .with_zone_second(28_800)
    .with_order_max_call(1)
    .with_replay_interval(600)
    .with_max_call(20)
    .with_max_ring_time(40)
    .with_task_callback_url("https://example.com/webhook/task")
    .with_call_callback_url("https://example.com/webhook/call")
    .with_country_code("86")
    .with_contact(
        Contact::new(
            "c3d79370-9f3a-4da2-84dd-2d2200f40e11",
            "Lucy",
            "13800000001",
        )
        .with_other("contact-ext-001")
        .with_param("customerName", "Lucy")
        .with_param("orderNo", "SO202603250001"),
    )
    .with_contact(
        Contact::new("5f6f6f6f-7a7b-4c4d-9e9f-101010101010", "Tom", "13800000002")
            .with_other("contact-ext-002")
            .with_param("customerName", "Tom"),
    )
}

#[test]
fn serializing_the_spec_example_gives_the_documented_json() {
    let request = spec_request();
    let expected: Value = serde_json::from_str(SPEC_EXAMPLE).expect("spec example is JSON");
    assert_eq!(serde_json::to_value(&request).expect("serialize"), expected);
}

#[test]
fn serializing_the_spec_example_keeps_the_documented_field_order() {
    let compact = serde_json::to_string(&spec_request()).expect("serialize");
    assert_eq!(compact, SPEC_COMPACT);
    let encoded = encode(&spec_request()).expect("valid request encodes");
    assert_eq!(encoded, SPEC_COMPACT.as_bytes());
}

#[test]
fn spec_example_is_valid_and_round_trips_through_from_json() {
    let request = spec_request();
    assert_eq!(request.validate(), Ok(()));
    let parsed = CreateTaskRequest::from_json(SPEC_EXAMPLE.as_bytes()).expect("spec example");
    assert_eq!(parsed, request);
    let via_serde: CreateTaskRequest = serde_json::from_str(SPEC_EXAMPLE).expect("serde");
    assert_eq!(via_serde, request);
}

#[test]
fn optional_fields_are_absent_never_null_or_empty() {
    let mut request = CreateTaskRequest::new(
        "t",
        1,
        "r",
        CallWindow::every_quarter(WeekDays::ALL, HourSet::ALL),
    )
    .with_user_task_id("")
    .with_other("")
    .with_task_desc("");
    request.call_list.clear();
    let value = serde_json::to_value(&request).expect("serialize");
    let object = value.as_object().expect("object");
    for absent in [
        "userTaskId",
        "other",
        "taskDesc",
        "startupAt",
        "shutdownAt",
        "maxCall",
        "maxRingTime",
        "taskCallbackUrl",
        "callCallbackUrl",
        "countryCode",
        "callList",
    ] {
        assert!(!object.contains_key(absent), "{absent} should be absent");
    }
    assert!(object.values().all(|v| !v.is_null() && v != ""), "{value}");
    assert_eq!(object.len(), 13);
}

#[test]
fn path_is_the_create_endpoint() {
    assert_eq!(CreateTaskRequest::PATH, "/openapi/aiagent/task/create");
}

fn many_faults() -> Value {
    json!({
        "taskName": "",
        "autoFlowId": 197,
        "routeId": "r-1",
        "taskKeep": 5,
        "startupType": 2,
        "shutdownAt": -3,
        "zoneSecond": 50401,
        "weekDay": "0,8",
        "firstFifteen": "9,10",
        "secondFifteen": "9, 10",
        "thirdFifteen": "",
        "fourthFifteen": "10,9",
        "orderMaxCall": -1,
        "replayInterval": -600,
        "maxCall": -1,
        "taskCallbackUrl": "ftp://example.com/task",
        "callCallbackUrl": "https://",
        "countryCode": "8a",
        "callList": [
            {"contactId": "a", "name": "Lucy", "phoneNumber": "13800000001",
             "params": [{"name": "x", "value": 1}, {"name": ""}]},
            {"contactId": "b", "name": "Tom", "phoneNumber": "1380000000X"},
            {"contactId": "a", "name": "", "phoneNumber": "+13800000003"}
        ]
    })
}

#[test]
fn from_json_reports_every_fault_with_its_path() {
    let bytes = serde_json::to_vec(&many_faults()).expect("json");
    let error = CreateTaskRequest::from_json(&bytes).expect_err("many faults");
    let errors = error.validation_errors().expect("well-formed JSON");
    let paths: Vec<&str> = errors.iter().map(|v| v.path()).collect();
    assert_eq!(
        paths,
        [
            "taskName",
            "taskKeep",
            "startupAt",
            "shutdownAt",
            "zoneSecond",
            "weekDay",
            "secondFifteen",
            "fourthFifteen",
            "orderMaxCall",
            "replayInterval",
            "maxCall",
            "taskCallbackUrl",
            "callCallbackUrl",
            "countryCode",
            "callList[0].params[1].name",
            "callList[1].phoneNumber",
            "callList[2].name",
            "callList[2].contactId",
        ],
        "{errors}"
    );
    let reason = |path: &str| {
        errors
            .at(path)
            .next()
            .map(|v| v.reason().to_owned())
            .unwrap_or_default()
    };
    assert!(reason("weekDay").contains("item 1 (0) is out of range 1–7"));
    assert!(reason("secondFifteen").contains("unexpected character ' '"));
    assert!(reason("fourthFifteen").contains("ascending"));
    assert!(reason("startupAt").contains("required when startupType is 2"));
    assert!(reason("callList[2].contactId").contains("callList[0]"));
    // Display lists every violation, one per line.
    assert_eq!(errors.to_string().lines().count(), errors.len());
}

#[test]
fn serde_deserialize_lists_every_violation_in_its_message() {
    let error = serde_json::from_value::<CreateTaskRequest>(many_faults()).expect_err("faults");
    let message = error.to_string();
    for path in [
        "taskName:",
        "weekDay:",
        "callList[1].phoneNumber:",
        "zoneSecond:",
    ] {
        assert!(message.contains(path), "{path} missing from {message}");
    }
}

#[test]
fn missing_required_fields_are_reported() {
    let error = CreateTaskRequest::from_json(b"{}").expect_err("empty object");
    let errors = error.validation_errors().expect("well-formed");
    for path in [
        "taskName",
        "autoFlowId",
        "routeId",
        "taskKeep",
        "startupType",
        "zoneSecond",
        "weekDay",
        "firstFifteen",
        "secondFifteen",
        "thirdFifteen",
        "fourthFifteen",
        "orderMaxCall",
        "replayInterval",
    ] {
        assert!(errors.has_path(path), "{path} not reported: {errors}");
    }
    assert_eq!(errors.len(), 13, "{errors}");
}

#[test]
fn malformed_json_is_a_json_error_with_position() {
    let error = CreateTaskRequest::from_json(b"{\n  \"taskName\": 5,,\n}").expect_err("not JSON");
    match &error {
        ParseError::Json(json) => assert_eq!(json.line(), 2),
        other => panic!("expected a JSON error, got {other}"),
    }
    assert!(matches!(
        CreateTaskRequest::from_json(b"{\"taskName\": "),
        Err(ParseError::Json(_))
    ));
}

#[test]
fn values_of_the_wrong_type_are_reported_with_every_other_problem() {
    let document = br#"{
        "taskName": 5,
        "autoFlowId": 197,
        "routeId": "r",
        "taskKeep": 0,
        "startupType": 1,
        "zoneSecond": "+08:00",
        "weekDay": "1,2,9",
        "firstFifteen": "9", "secondFifteen": "9", "thirdFifteen": "9", "fourthFifteen": "9",
        "orderMaxCall": 1, "replayInterval": 0,
        "callList": [
            {"contactId": "a", "name": "A", "phoneNumber": "13800000001"},
            {"contactId": "b", "name": "B", "phoneNumber": 13800000002},
            {"contactId": "c", "name": "", "phoneNumber": "13800000003"}
        ]
    }"#;
    let error = CreateTaskRequest::from_json(document).expect_err("invalid");
    let errors = error
        .validation_errors()
        .expect("every problem, not the first type error");
    let paths: Vec<&str> = errors.iter().map(|violation| violation.path()).collect();
    assert_eq!(
        paths,
        [
            "taskName",
            "zoneSecond",
            "weekDay",
            "callList[1]",
            "callList[2].name"
        ],
        "{errors}"
    );
    assert!(
        errors
            .at("zoneSecond")
            .any(|v| v.reason().contains("+08:00")),
        "{errors}"
    );
}

#[test]
fn encode_refuses_invalid_requests() {
    let request = spec_request().with_zone_second(-43_201);
    let error = encode(&request).expect_err("invalid");
    let errors = error.validation_errors().expect("validation error");
    assert!(errors.has_path("zoneSecond"));
}

#[test]
fn empty_free_text_reads_as_absent_so_round_trips_are_stable() {
    let mut doc: Value = serde_json::from_str(SPEC_EXAMPLE).expect("spec example");
    doc["userTaskId"] = json!("");
    doc["taskDesc"] = json!("");
    doc["callList"][0]["other"] = json!("");
    let parsed = CreateTaskRequest::from_json(doc.to_string().as_bytes()).expect("valid");
    assert_eq!(parsed.user_task_id, None);
    assert_eq!(parsed.task_desc, None);
    assert_eq!(parsed.call_list[0].other, None);
    let again = CreateTaskRequest::from_json(&encode(&parsed).expect("encode")).expect("valid");
    assert_eq!(again, parsed);
}
