//! A call record: one dial attempt of one contact, as call/list returns it and as the
//! call-record callback delivers it.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::absent::null_as_default;
use crate::lenient::{int, text};

/// A call-result code (`callResult`). The code list is undocumented — only that results
/// 1, 3, 17 and 21 carry a conversation tag (`userIntent`) — so this is a transparent
/// integer rather than an enum: guessing names would mislead, and any code the server
/// sends reads and writes back unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CallResult(pub i64);

impl CallResult {
    /// The results that carry a `userIntent` tag, the only fact the spec gives about codes.
    pub const WITH_USER_INTENT: [CallResult; 4] =
        [CallResult(1), CallResult(3), CallResult(17), CallResult(21)];

    /// True for the results after which a conversation tag (`userIntent`) is recorded.
    pub fn has_user_intent(self) -> bool {
        Self::WITH_USER_INTENT.contains(&self)
    }
}

impl From<i64> for CallResult {
    fn from(code: i64) -> Self {
        Self(code)
    }
}

impl fmt::Display for CallResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One call (dial attempt), spec §4.1. Every field is optional because none is promised in
/// every record (the callback page lists only part of them); numbers may arrive as strings
/// and are read either way; unknown keys are kept in `extra`. Serializing (as the emulator
/// does) leaves `None` fields out.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CallRecord {
    /// Internal row id.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// The server's task id.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// The caller's own task id.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub user_task_id: Option<String>,
    /// The contact's id.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    /// The contact pass-through given at task creation or append.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
    /// This call's id; the natural key for idempotent handling.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub call_id: Option<String>,
    /// AI agent id.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub auto_flow_id: Option<i64>,
    /// AI agent name.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub auto_flow_name: Option<String>,
    /// Caller (line) number.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub caller_phone: Option<String>,
    /// Number dialled.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub callee_phone: Option<String>,
    /// Real number, when the dialled one is masked.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub real_phone: Option<String>,
    /// Call status (codes undocumented).
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub call_status: Option<i64>,
    /// Call result (codes undocumented; see [`CallRecord::result`]).
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub call_result: Option<i64>,
    /// Hang-up reason as the server words it.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub hangup_reason: Option<String>,
    /// Final SIP code; a number on the wire reads as its digits.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub sip_code: Option<String>,
    /// Record created, epoch seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub create_ts: Option<i64>,
    /// Last operation, epoch seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub op_ts: Option<i64>,
    /// Dialling started, epoch seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub call_start: Option<i64>,
    /// Answered, epoch seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub call_answer: Option<i64>,
    /// Ended, epoch seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub call_end: Option<i64>,
    /// Ring duration, seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub call_ring_time: Option<i64>,
    /// Talk time, seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub call_elapsed: Option<i64>,
    /// Recording URL.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub call_audio_url: Option<String>,
    /// The AI's summary of the call.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub call_summary: Option<String>,
    /// Conversation tag (intent).
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub user_intent: Option<String>,
    /// Dialogue turns.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub turn_time: Option<i64>,
    /// Script variables of the call (`attributes`); missing or `null` reads as empty,
    /// and an empty list is left out when written.
    #[serde(
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub attributes: Vec<CallAttribute>,
    /// 1 on the contact's first call, 0 otherwise.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub order_head: Option<i64>,
    /// 1 on the contact's last call, 0 otherwise.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub order_tail: Option<i64>,
    /// Line used.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub line_id: Option<String>,
    /// Route used.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub route_id: Option<String>,
    /// Line (SIP) address.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub sip_addr: Option<String>,
    /// Human-agent group, after a transfer.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub agent_group_id: Option<String>,
    /// Human-agent group name.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub agent_group_name: Option<String>,
    /// Human agent, after a transfer.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    /// Human agent's name.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    /// Status of the human leg.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub manual_call_status: Option<i64>,
    /// Human leg started, epoch seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub manual_call_start: Option<i64>,
    /// Human leg answered, epoch seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub manual_call_answer: Option<i64>,
    /// Human leg ended, epoch seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub manual_call_end: Option<i64>,
    /// Human talk time, seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub manual_elapsed: Option<i64>,
    /// Call-record callback URL in effect.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub call_callback_url: Option<String>,
    /// Contact-finished callback URL.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub order_callback_url: Option<String>,
    /// Every other key the server sent, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl CallRecord {
    /// True when the server marks this as the contact's last attempt (`orderTail` 1): the
    /// contact is finished.
    pub fn is_last_attempt(&self) -> bool {
        self.order_tail == Some(1)
    }

    /// True when the server marks this as the contact's first attempt (`orderHead` 1).
    pub fn is_first_attempt(&self) -> bool {
        self.order_head == Some(1)
    }

    /// The call result as a [`CallResult`].
    pub fn result(&self) -> Option<CallResult> {
        self.call_result.map(CallResult)
    }

    /// The variable named `key` (or, failing that, `name`) among `attributes`.
    pub fn attribute(&self, key: &str) -> Option<&CallAttribute> {
        self.attributes
            .iter()
            .find(|a| a.key.as_deref() == Some(key))
            .or_else(|| {
                self.attributes
                    .iter()
                    .find(|a| a.name.as_deref() == Some(key))
            })
    }
}

/// A script variable of a call (`ParamsInfo`): its key, display name and value.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CallAttribute {
    /// Variable key.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Display name.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Value, any JSON; `null` reads as `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// Every other key the server sent, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::Page;
    use serde_json::json;

    fn documented_record() -> Value {
        serde_json::from_str(DOCUMENTED_RECORD).expect("valid JSON")
    }

    /// A record with every documented field, as call/list would return it.
    const DOCUMENTED_RECORD: &str = r#"{
        "id": 1001, "taskId": "52145b00-abc9-4a87-94c2-ed1e1e42ec1c",
        "userTaskId": "EXT-TASK-202603250001",
        "contactId": "c3d79370-9f3a-4da2-84dd-2d2200f40e11", "other": "contact-ext-001",
        "callId": "call_2023112501234", "autoFlowId": 197, "autoFlowName": "Parcel",
        "callerPhone": "02180000000", "calleePhone": "13800000001",
        "realPhone": "13800000001", "callStatus": 2, "callResult": 1,
        "hangupReason": "NORMAL_CLEARING", "sipCode": "200", "createTs": 1746583929,
        "opTs": 1746584100, "callStart": 1746584000, "callAnswer": 1746584005,
        "callEnd": 1746584065, "callRingTime": 5, "callElapsed": 60,
        "callAudioUrl": "https://example.com/rec/call_2023112501234.wav",
        "callSummary": "Customer confirmed the delivery.", "userIntent": "Interested",
        "turnTime": 6,
        "attributes": [{"key": "customerName", "name": "Customer", "value": "Lucy"},
                       {"key": "orderNo", "name": "Order", "value": {"n": 1}}],
        "orderHead": 1, "orderTail": 1, "lineId": "line-1", "routeId": "y29ND1X4kkCG",
        "sipAddr": "10.0.0.1:5060", "agentGroupId": "g-1", "agentGroupName": "Support",
        "agentId": "a-1", "agentName": "Ann", "manualCallStatus": 0,
        "manualCallStart": 0, "manualCallAnswer": 0, "manualCallEnd": 0,
        "manualElapsed": 0, "callCallbackUrl": "https://example.com/webhook/call",
        "orderCallbackUrl": "https://example.com/webhook/order"
    }"#;

    #[test]
    fn every_documented_field_reads_and_round_trips() {
        let record: CallRecord = serde_json::from_value(documented_record()).expect("parse");
        assert!(record.extra.is_empty(), "{:?}", record.extra);
        assert_eq!(record.call_id.as_deref(), Some("call_2023112501234"));
        assert_eq!(
            record.order_callback_url.as_deref(),
            Some("https://example.com/webhook/order")
        );
        assert_eq!(record.result(), Some(CallResult(1)));
        assert!(record.is_first_attempt() && record.is_last_attempt());
        assert_eq!(
            record.attribute("orderNo").and_then(|a| a.value.clone()),
            Some(json!({"n": 1}))
        );
        assert_eq!(
            record.attribute("Customer").and_then(|a| a.key.as_deref()),
            Some("customerName")
        );
        assert_eq!(
            serde_json::to_value(&record).expect("serialize"),
            documented_record()
        );
    }

    #[test]
    fn odd_types_and_unknown_keys_are_tolerated() {
        let record: CallRecord = serde_json::from_value(json!({
            "callId": "c", "sipCode": 486, "callElapsed": "12", "orderTail": 0,
            "attributes": null, "asrText": ["hi"],
            "callStatus": null
        }))
        .expect("parse");
        assert_eq!(record.sip_code.as_deref(), Some("486"));
        assert_eq!(record.call_elapsed, Some(12));
        assert!(record.attributes.is_empty());
        assert!(!record.is_last_attempt() && !record.is_first_attempt());
        assert_eq!(record.extra.get("asrText"), Some(&json!(["hi"])));
        assert_eq!(
            serde_json::to_value(&record).expect("serialize"),
            json!({"callId": "c", "sipCode": "486", "callElapsed": 12, "orderTail": 0, "asrText": ["hi"]})
        );
    }

    #[test]
    fn attributes_keep_unknown_keys() {
        let attribute: CallAttribute =
            serde_json::from_value(json!({"key": "k", "value": null, "type": "string"}))
                .expect("parse");
        assert_eq!(attribute.value, None);
        assert_eq!(attribute.extra.get("type"), Some(&json!("string")));
    }

    #[test]
    fn a_page_of_records_reads_from_the_top_level_envelope() {
        let body = json!({"code": 0, "message": "success", "traceId": "t", "total": 1,
            "pageNumber": 1, "pageSize": 10, "records": [documented_record()]});
        let page: Page<CallRecord> = serde_json::from_value(body).expect("parse");
        assert_eq!(page.total, 1);
        assert_eq!(page.items.len(), 1);
        assert!(page.is_last());
    }
}
