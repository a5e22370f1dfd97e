//! call/list: the call records (dial attempts) of one task, with filters.

use serde::{Deserialize, Serialize};

use crate::absent::{empty_as_none, is_absent, null_as_default};
use crate::call_record::{CallRecord, CallResult};
use crate::lenient::{self, int};
use crate::page::paged_request;
use crate::page::{Page, validate_paging};
use crate::request::ApiRequest;
use crate::rules;
use crate::validation::{ValidationErrors, Violations};

/// Body of `POST /openapi/aiagent/call/list` (spec §4.1). Filters left `None` (or empty)
/// are not sent.
///
/// The OAS gives `pageSize` as 10–1000; like the other list requests this accepts 1–1000
/// and leaves smaller sizes to the server. Reading one does not validate; call `validate`,
/// or use [`crate::decode`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ListCallsRequest {
    /// The task (`taskId`, required).
    #[serde(deserialize_with = "null_as_default")]
    pub task_id: String,
    /// Calls from, epoch seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub start_ts: Option<i64>,
    /// Calls until, epoch seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub end_ts: Option<i64>,
    /// One call.
    #[serde(deserialize_with = "empty_as_none", skip_serializing_if = "is_absent")]
    pub call_id: Option<String>,
    /// Number filter.
    #[serde(deserialize_with = "empty_as_none", skip_serializing_if = "is_absent")]
    pub phone: Option<String>,
    /// Call-result filter.
    #[serde(
        deserialize_with = "lenient_call_result",
        skip_serializing_if = "Option::is_none"
    )]
    pub call_result: Option<CallResult>,
    /// Conversation-tag filter; only allowed with a `callResult` that carries one.
    #[serde(deserialize_with = "empty_as_none", skip_serializing_if = "is_absent")]
    pub user_intent: Option<String>,
    /// Shortest talk time, seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub min_elapsed: Option<i64>,
    /// Longest talk time, seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub max_elapsed: Option<i64>,
    /// Page to fetch, 1-based.
    pub page_number: u32,
    /// Items per page, 1 to 1000.
    pub page_size: u32,
}

/// A call result read like the other numeric filters (`""` as absent, digits as a number).
fn lenient_call_result<'de, D>(deserializer: D) -> Result<Option<CallResult>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    lenient::int::<D, i64>(deserializer).map(|code| code.map(CallResult))
}

impl Default for ListCallsRequest {
    fn default() -> Self {
        Self::new("")
    }
}

impl ListCallsRequest {
    /// Every call of `task_id`, page 1, 10 per page.
    pub fn new(task_id: impl Into<String>) -> Self {
        Self {
            task_id: task_id.into(),
            start_ts: None,
            end_ts: None,
            call_id: None,
            phone: None,
            call_result: None,
            user_intent: None,
            min_elapsed: None,
            max_elapsed: None,
            page_number: 1,
            page_size: 10,
        }
    }

    /// Only calls at or after `ts`, epoch seconds.
    #[must_use]
    pub fn with_start_ts(mut self, ts: i64) -> Self {
        self.start_ts = Some(ts);
        self
    }

    /// Only calls at or before `ts`, epoch seconds.
    #[must_use]
    pub fn with_end_ts(mut self, ts: i64) -> Self {
        self.end_ts = Some(ts);
        self
    }

    /// Only the call `call_id`.
    #[must_use]
    pub fn with_call_id(mut self, call_id: impl Into<String>) -> Self {
        self.call_id = Some(call_id.into());
        self
    }

    /// Only calls to numbers matching `phone`.
    #[must_use]
    pub fn with_phone(mut self, phone: impl Into<String>) -> Self {
        self.phone = Some(phone.into());
        self
    }

    /// Only calls with this result.
    #[must_use]
    pub fn with_call_result(mut self, result: impl Into<CallResult>) -> Self {
        self.call_result = Some(result.into());
        self
    }

    /// Only calls with this conversation tag (needs a result from
    /// [`CallResult::WITH_USER_INTENT`]).
    #[must_use]
    pub fn with_user_intent(mut self, intent: impl Into<String>) -> Self {
        self.user_intent = Some(intent.into());
        self
    }

    /// Only calls that talked at least `seconds`.
    #[must_use]
    pub fn with_min_elapsed(mut self, seconds: i64) -> Self {
        self.min_elapsed = Some(seconds);
        self
    }

    /// Only calls that talked at most `seconds`.
    #[must_use]
    pub fn with_max_elapsed(mut self, seconds: i64) -> Self {
        self.max_elapsed = Some(seconds);
        self
    }
}

impl ApiRequest for ListCallsRequest {
    const PATH: &'static str = "/openapi/aiagent/call/list";
    const DATA_MAY_BE_TOP_LEVEL: bool = true;
    const READ_ONLY: bool = true;
    type Data = Page<CallRecord>;

    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut v = Violations::new();
        rules::required(&mut v, "taskId", &self.task_id);
        let start_ok = rules::non_negative(&mut v, "startTs", self.start_ts);
        let end_ok = rules::non_negative(&mut v, "endTs", self.end_ts);
        if start_ok && end_ok {
            rules::ordered(&mut v, ("startTs", self.start_ts), ("endTs", self.end_ts));
        }
        if !is_absent(&self.user_intent) {
            match self.call_result {
                Some(result) if result.has_user_intent() => {}
                Some(result) => v.push(
                    "userIntent",
                    format!(
                        "is only allowed when callResult is 1, 3, 17 or 21 (callResult is {result})"
                    ),
                ),
                None => v.push(
                    "userIntent",
                    "is only allowed together with a callResult of 1, 3, 17 or 21",
                ),
            }
        }
        let min_ok = rules::non_negative(&mut v, "minElapsed", self.min_elapsed);
        let max_ok = rules::non_negative(&mut v, "maxElapsed", self.max_elapsed);
        if min_ok && max_ok {
            rules::ordered(
                &mut v,
                ("minElapsed", self.min_elapsed),
                ("maxElapsed", self.max_elapsed),
            );
        }
        validate_paging(self.page_number, self.page_size, &mut v);
        v.into_result()
    }
}

paged_request!(ListCallsRequest, CallRecord);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_filters_in_the_documented_order() {
        assert_eq!(
            serde_json::to_string(&ListCallsRequest::new("t-1")).expect("serialize"),
            r#"{"taskId":"t-1","pageNumber":1,"pageSize":10}"#
        );
        let request = ListCallsRequest::new("52145b00-abc9-4a87-94c2-ed1e1e42ec1c")
            .with_start_ts(1_736_215_928)
            .with_end_ts(1_746_583_929)
            .with_call_id("call_2023112501234")
            .with_phone("1380xxxxx")
            .with_call_result(1)
            .with_user_intent("Interested")
            .with_min_elapsed(60)
            .with_max_elapsed(300);
        assert_eq!(
            serde_json::to_string(&request).expect("serialize"),
            concat!(
                r#"{"taskId":"52145b00-abc9-4a87-94c2-ed1e1e42ec1c","startTs":1736215928,"#,
                r#""endTs":1746583929,"callId":"call_2023112501234","phone":"1380xxxxx","#,
                r#""callResult":1,"userIntent":"Interested","minElapsed":60,"maxElapsed":300,"#,
                r#""pageNumber":1,"pageSize":10}"#
            )
        );
        assert_eq!(request.validate(), Ok(()));
        let back: ListCallsRequest =
            serde_json::from_str(&serde_json::to_string(&request).expect("serialize"))
                .expect("parse");
        assert_eq!(back, request);
    }

    #[test]
    fn call_results_with_user_intent() {
        let with: Vec<i64> = (0..30)
            .filter(|&code| CallResult(code).has_user_intent())
            .collect();
        assert_eq!(with, [1, 3, 17, 21]);
        assert_eq!(CallResult(17).to_string(), "17");
    }
}
