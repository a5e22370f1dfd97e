//! What NXLink posts to the customer's webhooks, and what the receiver answers.

use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::call_record::CallRecord;
use crate::lenient::{int, status, text};
use crate::status::TaskStatus;
use crate::task_info::TaskStats;

/// Body of the task-status callback, sent when a task's status changes (callbacks §1).
/// Only the first six fields were visible in the documentation; the rest are inferred from
/// task/list, so every field is optional and unknown keys are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TaskStatusCallback {
    /// The server's task id.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// The caller's own task id.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub user_task_id: Option<String>,
    /// The task pass-through given at creation.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
    /// AI agent id.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub auto_flow_id: Option<i64>,
    /// AI agent name.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub auto_flow_name: Option<String>,
    /// Task name.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub task_name: Option<String>,
    /// New status \[inferred\]; unknown codes are kept as `TaskStatus::Unknown`.
    #[serde(deserialize_with = "status", skip_serializing_if = "Option::is_none")]
    pub task_status: Option<TaskStatus>,
    /// Why the task paused \[inferred\].
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub pause_reason: Option<i64>,
    /// Creation time, epoch seconds \[inferred\].
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub create_ts: Option<i64>,
    /// Statistics \[inferred\]; if the server sends them flat instead, they are in `extra`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stat_info: Option<TaskStats>,
    /// Every other key the server sent, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Body of the call-record callback, sent per dial attempt (callbacks §2).
///
/// An alias rather than a newtype: the visible part of the callback matches the call/list
/// record field for field, so one type (with its helpers, such as
/// [`CallRecord::is_last_attempt`]) serves both, and records from either source can be
/// stored and compared together without conversion.
pub type CallRecordCallback = CallRecord;

/// What a webhook receiver should answer, with HTTP 200: the reply is undocumented, and
/// this body satisfies every convention seen on NXCloud's other webhooks.
pub const CALLBACK_ACK_BODY: &str = r#"{"code":0,"message":"success"}"#;

/// The acknowledgement as a value, for frameworks that serialize replies themselves; it
/// serializes to exactly [`CALLBACK_ACK_BODY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CallbackAck;

impl CallbackAck {
    /// The reply body, [`CALLBACK_ACK_BODY`].
    pub const fn body(self) -> &'static str {
        CALLBACK_ACK_BODY
    }
}

impl Serialize for CallbackAck {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("CallbackAck", 2)?;
        s.serialize_field("code", &0)?;
        s.serialize_field("message", "success")?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::ApiResponse;
    use serde_json::json;

    #[test]
    fn task_status_callback_reads_documented_inferred_and_unknown_fields() {
        let body = json!({
            "taskId": "52145b00-abc9-4a87-94c2-ed1e1e42ec1c",
            "userTaskId": "EXT-TASK-202603250001", "other": "task-batch-20260325",
            "autoFlowId": 197, "autoFlowName": "Parcel", "taskName": "回访",
            "taskStatus": 9, "pauseReason": 2, "createTs": 1746583929,
            "statInfo": {"totalOrderCount": 2, "finishRate": 50.5, "answerRate": "50.00%"},
            "finishOrderCount": 1, "eventTs": 1746590000
        });
        let callback: TaskStatusCallback = serde_json::from_value(body.clone()).expect("parse");
        assert_eq!(callback.task_status, Some(TaskStatus::Unknown(9)));
        assert_eq!(callback.auto_flow_id, Some(197));
        let stats = callback.stat_info.as_ref().expect("stats");
        assert_eq!(stats.finish_rate.as_deref(), Some("50.5"));
        assert_eq!(stats.total_order_count, Some(2));
        assert_eq!(callback.extra.get("finishOrderCount"), Some(&json!(1)));
        assert_eq!(callback.extra.get("eventTs"), Some(&json!(1746590000)));
        let mut expected = body;
        expected["statInfo"]["finishRate"] = json!("50.5");
        assert_eq!(
            serde_json::to_value(&callback).expect("serialize"),
            expected
        );
    }

    #[test]
    fn only_the_visible_fields_are_enough() {
        let callback: TaskStatusCallback =
            serde_json::from_str(r#"{"taskId":"t","taskName":"n"}"#).expect("parse");
        assert_eq!(callback.task_status, None);
        assert_eq!(callback.task_name.as_deref(), Some("n"));
    }

    #[test]
    fn call_record_callback_reads_the_visible_fields() {
        let callback: CallRecordCallback = serde_json::from_str(
            r#"{"taskId":"t","userTaskId":"u","contactId":"c","other":"o","autoFlowId":197,
                "orderHead":1,"orderTail":1,"callerPhone":"1","calleePhone":"2","realPhone":"2",
                "callId":"call-1","callStatus":3,"callResult":21,"createTs":1,"opTs":2,
                "callStart":3,"callAnswer":4,"callEnd":5,"callRingTime":1}"#,
        )
        .expect("parse");
        assert!(callback.is_last_attempt());
        assert!(callback.result().is_some_and(|r| r.has_user_intent()));
        assert!(callback.extra.is_empty());
    }

    #[test]
    fn ack_is_the_documented_success_envelope() {
        assert_eq!(
            serde_json::to_string(&CallbackAck).expect("serialize"),
            CALLBACK_ACK_BODY
        );
        assert_eq!(CallbackAck.body(), CALLBACK_ACK_BODY);
        let parsed: ApiResponse<Value> = serde_json::from_str(CALLBACK_ACK_BODY).expect("envelope");
        assert!(parsed.is_success());
        assert_eq!(parsed.message, "success");
    }
}
