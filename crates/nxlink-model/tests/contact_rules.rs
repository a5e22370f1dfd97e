//! The contact requests (call/append and order/delete): spec examples through `encode`,
//! then one focused test per validation rule, named after the rule.

mod rule_helpers;

use nxlink_model::{
    ApiRequest, AppendContactsRequest, Contact, DeleteContactRequest, ParseError, TaskRef, encode,
};
use rule_helpers::{body, only_at, paths, valid};

fn contacts(n: usize) -> Vec<Contact> {
    (0..n)
        .map(|i| Contact::new(format!("c-{i}"), format!("n{i}"), format!("138{i:08}")))
        .collect()
}

fn append() -> AppendContactsRequest {
    AppendContactsRequest::new("52145b00-abc9-4a87-94c2-ed1e1e42ec1c", contacts(5))
}

#[test]
fn contact_spec_examples_encode_exactly() {
    assert_eq!(
        body(&DeleteContactRequest::new(
            TaskRef::user_task_id("EXT-TASK-202603250001"),
            "52145b00-abc9-4a87-94c2-ed1e1e42ec1c"
        )),
        r#"{"userTaskId":"EXT-TASK-202603250001","contactId":"52145b00-abc9-4a87-94c2-ed1e1e42ec1c"}"#
    );
    assert_eq!(
        body(&DeleteContactRequest::new(
            TaskRef::id("fe90a9af-e14c-4330-8faa-2631e761124a"),
            "52145b00-abc9-4a87-94c2-ed1e1e42ec1c"
        )),
        r#"{"taskId":"fe90a9af-e14c-4330-8faa-2631e761124a","contactId":"52145b00-abc9-4a87-94c2-ed1e1e42ec1c"}"#
    );
    let append = AppendContactsRequest::new(
        "52145b00-abc9-4a87-94c2-ed1e1e42ec1c",
        [Contact::new(
            "52145b00-abc9-4a87-94c2-ed1e1e42x4rfvmh",
            "Jones",
            "8613012345",
        )
        .with_param("key1", "value1")],
    )
    .with_country_code("86");
    assert_eq!(
        body(&append),
        concat!(
            r#"{"taskId":"52145b00-abc9-4a87-94c2-ed1e1e42ec1c","countryCode":"86","list":["#,
            r#"{"contactId":"52145b00-abc9-4a87-94c2-ed1e1e42x4rfvmh","name":"Jones","#,
            r#""phoneNumber":"8613012345","params":[{"name":"key1","value":"value1"}]}]}"#
        )
    );
}

#[test]
fn contact_paths_are_the_documented_endpoints() {
    assert_eq!(AppendContactsRequest::PATH, "/openapi/aiagent/call/append");
    assert_eq!(DeleteContactRequest::PATH, "/openapi/aiagent/order/delete");
}

// ---------------------------------------------------------------------------------------
// call/append

#[test]
fn append_task_id_is_required() {
    let mut request = append();
    request.task_id.clear();
    only_at(&request, "taskId");
}

#[test]
fn append_list_must_not_be_empty() {
    only_at(&AppendContactsRequest::new("t", []), "list");
}

#[test]
fn append_contacts_follow_the_task_create_rules() {
    let mut request = append();
    request.list[3].phone_number = "1312895-xxx".into();
    request.list[1].name.clear();
    request.list[4].contact_id.clear();
    request.list[0] = request.list[0].clone().with_param("", 1);
    let errors = request.validate().expect_err("invalid contacts");
    assert_eq!(
        paths(&errors),
        [
            "list[0].params[0].name",
            "list[1].name",
            "list[3].phoneNumber",
            "list[4].contactId"
        ]
    );
    let phone = errors.at("list[3].phoneNumber").next().expect("phone");
    assert_eq!(phone.list_item("list"), Some((3, "phoneNumber")));
    assert!(phone.reason().contains("'-'"), "{}", phone.reason());
}

#[test]
fn append_contact_ids_are_unique_within_the_request() {
    let mut request = append();
    request.list[4].contact_id = "c-1".into();
    let errors = only_at(&request, "list[4].contactId");
    assert!(errors.violations()[0].reason().contains("list[1]"));
}

#[test]
fn append_country_code_is_one_to_three_digits() {
    for bad in ["", "8a", "8612", "+86"] {
        only_at(&append().with_country_code(bad), "countryCode");
    }
    for good in ["1", "86", "852"] {
        valid(&append().with_country_code(good));
    }
}

#[test]
fn append_callback_url_must_be_absolute_http() {
    for bad in ["", "example.com/hook", "ftp://example.com", "https://"] {
        only_at(&append().with_call_callback_url(bad), "callCallbackUrl");
    }
    valid(&append().with_call_callback_url("https://example.com/webhook/call"));
}

#[test]
fn append_reports_every_violation_at_once() {
    let mut request = AppendContactsRequest::new("", contacts(3))
        .with_country_code("x")
        .with_call_callback_url("nope");
    request.list[2].phone_number = "12".into();
    let errors = request.validate().expect_err("invalid");
    assert_eq!(
        paths(&errors),
        [
            "taskId",
            "countryCode",
            "callCallbackUrl",
            "list[2].phoneNumber"
        ]
    );
}

#[test]
fn append_from_json_validates_and_names_bad_contacts() {
    let body = br#"{"taskId":"t","list":[
        {"contactId":"a","name":"A","phoneNumber":"13800000001"},
        {"contactId":"b","name":"B","phoneNumber":"1312895-xxx"},
        {"contactId":"c","name":"C","phoneNumber":"13800000003"}]}"#;
    let error = AppendContactsRequest::from_json(body).expect_err("bad number");
    let errors = error.validation_errors().expect("validation, not JSON");
    let bad: Vec<_> = errors.iter().filter_map(|v| v.list_item("list")).collect();
    assert_eq!(bad, [(1, "phoneNumber")]);
    // Reading without validation sees every contact, so a receiver can keep the good ones.
    let all: AppendContactsRequest = serde_json::from_slice(body).expect("shape");
    assert_eq!(all.list.len(), 3);

    let good = br#"{"taskId":"t","countryCode":"86","list":[{"contactId":"a","name":"A","phoneNumber":"13800000001"}]}"#;
    let request = AppendContactsRequest::from_json(good).expect("valid");
    assert_eq!(request.country_code.as_deref(), Some("86"));
    assert!(matches!(
        AppendContactsRequest::from_json(br#"{"taskId":"t","list":[]"#),
        Err(ParseError::Json(_))
    ));
}

#[test]
fn append_from_json_reports_values_of_the_wrong_type_with_every_other_problem() {
    let body = br#"{"taskId":1,"countryCode":86,"list":[
        {"contactId":"a","name":"A","phoneNumber":13800000001},
        {"contactId":"b","name":"","phoneNumber":"13800000002"},
        "c"]}"#;
    let error = AppendContactsRequest::from_json(body).expect_err("mistyped");
    assert!(matches!(error, ParseError::Mistyped(_)), "{error}");
    let errors = error.validation_errors().expect("every problem");
    assert_eq!(
        paths(errors),
        [
            "taskId",
            "countryCode",
            "list[0]",
            "list[1].name",
            "list[2]"
        ],
        "{errors}"
    );
    // A missing required value is still reported beside a mistyped one.
    let error = AppendContactsRequest::from_json(br#"{"taskId":1}"#).expect_err("mistyped");
    assert_eq!(
        paths(error.validation_errors().expect("every problem")),
        ["taskId", "list"]
    );
}

#[test]
fn delete_from_json_reports_values_of_the_wrong_type_with_every_other_problem() {
    let error =
        DeleteContactRequest::from_json(br#"{"taskId":5,"contactId":""}"#).expect_err("mistyped");
    assert!(matches!(error, ParseError::Mistyped(_)), "{error}");
    let errors = error.validation_errors().expect("every problem");
    assert_eq!(paths(errors), ["taskId", "contactId"], "{errors}");
    assert!(
        errors
            .at("taskId")
            .any(|v| v.reason().contains("invalid type")),
        "{errors}"
    );
}

#[test]
fn append_validates_a_large_batch() {
    let request = AppendContactsRequest::new("t", contacts(100_000));
    valid(&request);
    let body = encode(&request).expect("encodes");
    assert!(body.len() > 100_000 * 40);
}

// ---------------------------------------------------------------------------------------
// order/delete

#[test]
fn delete_task_ref_must_not_be_empty() {
    only_at(&DeleteContactRequest::new(TaskRef::id(""), "c"), "taskId");
    only_at(
        &DeleteContactRequest::new(TaskRef::user_task_id(""), "c"),
        "userTaskId",
    );
}

#[test]
fn delete_contact_id_is_required() {
    only_at(
        &DeleteContactRequest::new(TaskRef::id("t"), ""),
        "contactId",
    );
}

#[test]
fn delete_from_json_prefers_user_task_id() {
    let request = DeleteContactRequest::from_json(
        br#"{"taskId":"internal","userTaskId":"EXT-1","contactId":"c"}"#,
    )
    .expect("valid");
    assert_eq!(request.task, TaskRef::user_task_id("EXT-1"));
    // An empty userTaskId does not hide a usable taskId.
    let request = DeleteContactRequest::from_json(
        br#"{"taskId":"internal","userTaskId":"","contactId":"c"}"#,
    )
    .expect("valid");
    assert_eq!(request.task, TaskRef::id("internal"));
}

#[test]
fn delete_from_json_needs_a_task() {
    let error = DeleteContactRequest::from_json(br#"{"contactId":""}"#).expect_err("no task");
    let errors = error.validation_errors().expect("validation");
    assert_eq!(paths(errors), ["taskId", "contactId"]);
    let error = DeleteContactRequest::from_json(br#"{"userTaskId":"","contactId":"c"}"#)
        .expect_err("empty");
    assert_eq!(
        paths(error.validation_errors().expect("validation")),
        ["userTaskId"]
    );
}
