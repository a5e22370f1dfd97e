//! The envelope every endpoint answers with: `code`, `message`, `traceId`, `data`.

use serde::{Deserialize, Serialize};

use crate::absent::null_as_default;
use crate::status::ResultCode;

/// The common response envelope. Missing `message`, `traceId` or `data`, a `null` `data`
/// and unknown extra fields are all tolerated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiResponse<T> {
    /// Result code; 0 is success.
    pub code: ResultCode,
    /// Result text, `"success"` on success.
    #[serde(default, deserialize_with = "null_as_default")]
    pub message: String,
    /// Server trace id; quote it to support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    /// The payload, when there is one. (A missing `Option` field reads as `None` without
    /// `#[serde(default)]`, which would wrongly demand `T: Default`.)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
}

impl<T> ApiResponse<T> {
    /// A successful envelope (`code` 0, `message` "success") carrying `data`.
    pub fn success(data: Option<T>) -> Self {
        Self {
            code: ResultCode::Success,
            message: "success".to_owned(),
            trace_id: None,
            data,
        }
    }

    /// A failed envelope with no payload.
    pub fn failure(code: ResultCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            trace_id: None,
            data: None,
        }
    }

    /// Sets the trace id.
    #[must_use]
    pub fn with_trace_id(mut self, trace_id: impl Into<String>) -> Self {
        self.trace_id = Some(trace_id.into());
        self
    }

    /// True when `code` is 0.
    pub fn is_success(&self) -> bool {
        self.code.is_success()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn tolerates_missing_fields_null_data_and_extras() {
        let r: ApiResponse<Value> = serde_json::from_str(r#"{"code":0}"#).expect("bare");
        assert!(r.is_success());
        assert_eq!(r.message, "");
        assert_eq!(r.trace_id, None);
        assert_eq!(r.data, None);

        let r: ApiResponse<Vec<String>> = serde_json::from_str(
            r#"{"code":0,"message":null,"traceId":"e84a","data":null,"total":3}"#,
        )
        .expect("nulls and extras");
        assert_eq!(r.data, None);
        assert_eq!(r.trace_id.as_deref(), Some("e84a"));
    }

    #[test]
    fn failures_keep_code_and_message() {
        let r: ApiResponse<Value> = serde_json::from_str(
            r#"{"code": 20000, "message": "autoFlowId not found", "traceId": "8a73"}"#,
        )
        .expect("failure");
        assert!(!r.is_success());
        assert_eq!(r.code, ResultCode::BusinessError);
        assert_eq!(r.message, "autoFlowId not found");
    }

    #[test]
    fn serializes_without_absent_parts() {
        let r = ApiResponse::<Value>::failure(ResultCode::InvalidSignature, "bad sign")
            .with_trace_id("t");
        assert_eq!(
            serde_json::to_value(&r).expect("serialize"),
            json!({"code": 1003, "message": "bad sign", "traceId": "t"})
        );
        let ok = ApiResponse::success(Some(json!({"a": 1})));
        assert_eq!(
            serde_json::to_value(&ok).expect("serialize"),
            json!({"code": 0, "message": "success", "data": {"a": 1}})
        );
    }
}
