//! call/append: adding contacts to an existing task, and what the server answers.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::absent::null_as_default;
use crate::contact::{Contact, validate_contact_list};
use crate::lenient::int;
use crate::mistyped::Reading;
use crate::request::ApiRequest;
use crate::rules;
use crate::task_result::RejectedContact;
use crate::validation::{FieldPath, ParseError, ValidationErrors, Violations};

/// Body of `POST /openapi/aiagent/call/append` (spec §3.1). Large imports are sent as
/// several of these; validation allocates nothing per valid contact.
///
/// Reading one (`serde_json::from_slice`) only checks the JSON's shape, so a receiver can
/// see every contact and call `validate` itself; [`AppendContactsRequest::from_json`]
/// reads and validates.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppendContactsRequest {
    /// The task to add to (`taskId`, required).
    #[serde(default, deserialize_with = "null_as_default")]
    pub task_id: String,
    /// Calling code for numbers given without one (`countryCode`, 1–3 digits).
    #[serde(default)]
    pub country_code: Option<String>,
    /// AI agent id (`autoFlowId`; in the OAS body only).
    #[serde(default)]
    pub auto_flow_id: Option<i64>,
    /// Call-ended callback URL for these contacts (`callCallbackUrl`). \[inferred\]: the
    /// callback page says it can be given when appending, but the append page does not
    /// list it.
    #[serde(default)]
    pub call_callback_url: Option<String>,
    /// The contacts (`list`, at least one).
    #[serde(default, deserialize_with = "null_as_default")]
    pub list: Vec<Contact>,
}

impl AppendContactsRequest {
    /// Contacts for the task `task_id`, with no optional field set.
    pub fn new(task_id: impl Into<String>, contacts: impl IntoIterator<Item = Contact>) -> Self {
        Self {
            task_id: task_id.into(),
            country_code: None,
            auto_flow_id: None,
            call_callback_url: None,
            list: contacts.into_iter().collect(),
        }
    }

    /// Sets the default calling code.
    #[must_use]
    pub fn with_country_code(mut self, code: impl Into<String>) -> Self {
        self.country_code = Some(code.into());
        self
    }

    /// Sets the AI agent id.
    #[must_use]
    pub fn with_auto_flow_id(mut self, id: i64) -> Self {
        self.auto_flow_id = Some(id);
        self
    }

    /// Sets the call-ended callback URL.
    #[must_use]
    pub fn with_call_callback_url(mut self, url: impl Into<String>) -> Self {
        self.call_callback_url = Some(url.into());
        self
    }

    /// Adds one contact.
    #[must_use]
    pub fn with_contact(mut self, contact: Contact) -> Self {
        self.list.push(contact);
        self
    }

    /// Parses a body in the documented JSON form and validates it, reporting every fault
    /// with its JSON path (e.g. `list[3].phoneNumber`; see [`crate::Violation::list_item`]).
    ///
    /// A value of the wrong JSON type (a string where a number belongs, a contact that is
    /// not an object) is one more violation at its path, reported with all the others in
    /// [`ParseError::Mistyped`]; only text that is not JSON, or not an object, is
    /// [`ParseError::Json`].
    pub fn from_json(json: &[u8]) -> Result<Self, ParseError> {
        Reading {
            list_key: Some("list"),
            finish: |request: Self| request.validate().map(|()| request),
            rank: |path| {
                let field = path.split(['.', '[']).next().unwrap_or(path);
                [
                    "taskId",
                    "countryCode",
                    "autoFlowId",
                    "callCallbackUrl",
                    "list",
                ]
                .iter()
                .position(|&name| name == field)
                .unwrap_or(usize::MAX)
            },
        }
        .read(json)
    }
}

impl AppendContactsRequest {
    /// A borrowed call/append body for some of this request's contacts: large lists are sent
    /// as several of these without copying a contact.
    pub fn batch<'a>(&'a self, contacts: &'a [Contact]) -> AppendBatch<'a> {
        AppendBatch {
            task_id: &self.task_id,
            country_code: self.country_code.as_deref(),
            auto_flow_id: self.auto_flow_id,
            call_callback_url: self.call_callback_url.as_deref(),
            list: contacts,
        }
    }
}

/// Serialized through [`AppendBatch`], so the wire form is written in one place.
impl Serialize for AppendContactsRequest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.batch(&self.list).serialize(serializer)
    }
}

impl ApiRequest for AppendContactsRequest {
    const PATH: &'static str = AppendBatch::PATH;
    type Data = AppendContactsResult;

    /// `taskId` and `list` are required; each contact follows the task/create rules, under
    /// `list[i]`, and contact ids are unique within the request. An empty `countryCode` or
    /// `callCallbackUrl` is refused: use `None` to leave one out.
    fn validate(&self) -> Result<(), ValidationErrors> {
        self.batch(&self.list).validate()
    }

    fn encoded_size_hint(&self) -> usize {
        self.batch(&self.list).encoded_size_hint()
    }
}

/// A call/append body borrowing its fields: the form the SDK sends large lists in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppendBatch<'a> {
    /// The task to add to (`taskId`).
    pub task_id: &'a str,
    /// Calling code for numbers given without one (`countryCode`).
    #[serde(skip_serializing_if = "is_absent_str")]
    pub country_code: Option<&'a str>,
    /// AI agent id (`autoFlowId`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_flow_id: Option<i64>,
    /// Call-ended callback URL for these contacts (`callCallbackUrl`).
    #[serde(skip_serializing_if = "is_absent_str")]
    pub call_callback_url: Option<&'a str>,
    /// The contacts (`list`).
    pub list: &'a [Contact],
}

fn is_absent_str(value: &Option<&str>) -> bool {
    value.is_none_or(str::is_empty)
}

impl ApiRequest for AppendBatch<'_> {
    const PATH: &'static str = "/openapi/aiagent/call/append";
    type Data = AppendContactsResult;

    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut v = Violations::new();
        rules::required(&mut v, "taskId", self.task_id);
        if let Some(code) = self.country_code {
            rules::country_code(&mut v, "countryCode", code);
        }
        if let Some(url) = self.call_callback_url {
            rules::callback_url(&mut v, "callCallbackUrl", url);
        }
        if self.list.is_empty() {
            v.push("list", "must hold at least one contact");
        }
        validate_contact_list(self.list, &FieldPath::root().key("list"), &mut v);
        v.into_result()
    }

    fn encoded_size_hint(&self) -> usize {
        const FIXED: usize = 256;
        self.list
            .iter()
            .fold(FIXED + self.task_id.len(), |total, contact| {
                total + contact.encoded_size_hint()
            })
    }
}

/// The `data` of a call/append answer. Its shape is undocumented — the one observed answer
/// had no `data` at all, which callers should read as "all accepted" — so this follows
/// task/create's counts and `errList`, all optional, and keeps any other key in `extra`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AppendContactsResult {
    /// Contacts added.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub success_count: Option<u64>,
    /// Contacts processed.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub total_count: Option<u64>,
    /// Contacts refused (`errList`); missing or `null` reads as empty.
    #[serde(deserialize_with = "null_as_default")]
    pub err_list: Vec<RejectedContact>,
    /// Every other key the server sent, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl AppendContactsResult {
    /// True when the server reported refused contacts or fewer successes than contacts.
    pub fn is_partial(&self) -> bool {
        let short = match (self.success_count, self.total_count) {
            (Some(success), Some(total)) => success < total,
            _ => false,
        };
        short || !self.err_list.is_empty()
    }

    /// The contacts the server refused.
    pub fn rejected(&self) -> &[RejectedContact] {
        &self.err_list
    }

    /// Checks that this answer accounts for exactly the contacts `sent`: a `successCount`
    /// is given, it and the `errList` add up to the batch (as does `totalCount`, when given),
    /// and every `errList` entry names a distinct contact of the batch (by `contactId`, or by
    /// `phoneNumber` when it gives no id). An answer that fails this says nothing reliable
    /// about which contacts were added; the reason names the mismatch.
    pub fn check_against(&self, sent: &[Contact]) -> Result<(), String> {
        let batch = sent.len() as u64;
        let Some(success) = self.success_count else {
            return Err(format!(
                "the answer gives no successCount for a batch of {batch}"
            ));
        };
        if let Some(total) = self.total_count
            && total != batch
        {
            return Err(format!(
                "the answer's totalCount is {total} for a batch of {batch}"
            ));
        }
        let refused = self.err_list.len() as u64;
        if success.checked_add(refused) != Some(batch) {
            return Err(format!(
                "successCount {success} and {refused} errList entries do not add up to the \
                 batch of {batch}"
            ));
        }
        if self.err_list.is_empty() {
            return Ok(());
        }
        // Each entry must claim its own contact of the batch.
        let mut by_id: std::collections::HashMap<&str, usize> =
            std::collections::HashMap::with_capacity(sent.len());
        let mut by_phone: std::collections::HashMap<&str, Vec<usize>> =
            std::collections::HashMap::new();
        for (index, contact) in sent.iter().enumerate() {
            by_id.insert(contact.contact_id.as_str(), index);
            by_phone
                .entry(contact.phone_number.as_str())
                .or_default()
                .push(index);
        }
        let mut claimed = vec![false; sent.len()];
        for entry in &self.err_list {
            let candidates: Vec<usize> = match (&entry.contact_id, &entry.phone_number) {
                (Some(id), _) => by_id.get(id.as_str()).copied().into_iter().collect(),
                (None, Some(phone)) => by_phone.get(phone.as_str()).cloned().unwrap_or_default(),
                (None, None) => {
                    return Err(
                        "an errList entry names neither a contactId nor a phoneNumber".into(),
                    );
                }
            };
            match candidates.into_iter().find(|&index| !claimed[index]) {
                Some(index) => claimed[index] = true,
                None => {
                    let key = entry
                        .contact_id
                        .as_deref()
                        .or(entry.phone_number.as_deref())
                        .unwrap_or_default();
                    return Err(format!(
                        "errList names {key:?}, which is not a contact of this batch (or is named twice)"
                    ));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec_example() -> AppendContactsRequest {
        AppendContactsRequest::new(
            "52145b00-abc9-4a87-94c2-ed1e1e42ec1c",
            [Contact::new(
                "52145b00-abc9-4a87-94c2-ed1e1e42x4rfvmh",
                "Jones",
                "86130123456",
            )
            .with_param("key1", "value1")],
        )
        .with_country_code("86")
    }

    #[test]
    fn serializes_in_the_documented_order() {
        assert_eq!(
            serde_json::to_string(&spec_example()).expect("serialize"),
            concat!(
                r#"{"taskId":"52145b00-abc9-4a87-94c2-ed1e1e42ec1c","countryCode":"86","#,
                r#""list":[{"contactId":"52145b00-abc9-4a87-94c2-ed1e1e42x4rfvmh","name":"Jones","#,
                r#""phoneNumber":"86130123456","params":[{"name":"key1","value":"value1"}]}]}"#
            )
        );
        let full = spec_example()
            .with_auto_flow_id(197)
            .with_call_callback_url("https://example.com/webhook/call");
        let json = serde_json::to_string(&full).expect("serialize");
        assert!(
            json.starts_with(
                r#"{"taskId":"52145b00-abc9-4a87-94c2-ed1e1e42ec1c","countryCode":"86","autoFlowId":197,"callCallbackUrl":"https://example.com/webhook/call","list":["#
            ),
            "{json}"
        );
        assert_eq!(full.validate(), Ok(()));
    }

    #[test]
    fn an_answer_must_account_for_exactly_the_batch() {
        let sent = [
            Contact::new("c-1", "A", "13800000001"),
            Contact::new("c-2", "B", "13800000002"),
        ];
        let answer = |json: &str| -> AppendContactsResult {
            serde_json::from_str(json).expect("answer parses")
        };
        assert_eq!(
            answer(r#"{"successCount":2,"totalCount":2}"#).check_against(&sent),
            Ok(())
        );
        assert_eq!(
            answer(r#"{"successCount":1,"errList":[{"contactId":"c-2","errMsg":"x"}]}"#)
                .check_against(&sent),
            Ok(())
        );
        assert_eq!(
            answer(r#"{"successCount":1,"errList":[{"phoneNumber":"13800000001"}]}"#)
                .check_against(&sent),
            Ok(())
        );
        let refused = |json: &str| answer(json).check_against(&sent).expect_err(json);
        assert!(refused("{}").contains("no successCount"));
        assert!(refused(r#"{"successCount":3}"#).contains("do not add up"));
        assert!(refused(r#"{"successCount":2,"totalCount":3}"#).contains("totalCount is 3"));
        assert!(
            refused(r#"{"successCount":1,"errList":[{"contactId":"c-9"}]}"#)
                .contains("\"c-9\", which is not a contact of this batch")
        );
        assert!(
            refused(r#"{"successCount":0,"errList":[{"contactId":"c-1"},{"contactId":"c-1"}]}"#)
                .contains("named twice")
        );
        assert!(refused(r#"{"successCount":1,"errList":[{}]}"#).contains("neither"));
        assert!(refused(&format!(r#"{{"successCount":{}}}"#, u64::MAX)).contains("add up"));
    }

    #[test]
    fn result_reads_absent_null_and_unknown_parts() {
        let empty: AppendContactsResult = serde_json::from_str("{}").expect("empty");
        assert_eq!(empty, AppendContactsResult::default());
        assert!(!empty.is_partial());
        let result: AppendContactsResult = serde_json::from_str(
            r#"{"successCount":"1","totalCount":2,"errList":[{"contactId":"c-2","errMsg":"Illegal phone number format:1-x"}],"batchId":"b"}"#,
        )
        .expect("parse");
        assert!(result.is_partial());
        assert_eq!(result.success_count, Some(1));
        assert_eq!(result.rejected()[0].contact_id.as_deref(), Some("c-2"));
        assert_eq!(result.extra.get("batchId"), Some(&Value::from("b")));
        let null_list: AppendContactsResult =
            serde_json::from_str(r#"{"errList":null}"#).expect("null list");
        assert!(null_list.err_list.is_empty());
    }
}
