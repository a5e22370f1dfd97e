//! What task/create answers with: the new task and which contacts were refused.

use serde::{Deserialize, Serialize};

use crate::absent::null_as_default;
use crate::status::TaskStatus;

/// The `data` of a successful task/create. A partial import still has `code` 0: check
/// [`CreateTaskResult::is_partial`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateTaskResult {
    /// Id of the new task.
    pub task_id: String,
    /// The caller's task id, echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_task_id: Option<String>,
    /// Status of the new task.
    pub task_status: TaskStatus,
    /// Contacts imported.
    #[serde(default, deserialize_with = "null_as_default")]
    pub success_count: u64,
    /// Contacts processed.
    #[serde(default, deserialize_with = "null_as_default")]
    pub total_count: u64,
    /// Contacts that failed to import (`errList`); missing or `null` reads as empty.
    #[serde(default, deserialize_with = "null_as_default")]
    pub err_list: Vec<RejectedContact>,
}

impl CreateTaskResult {
    /// True when the task exists but some contacts were not imported.
    pub fn is_partial(&self) -> bool {
        !self.err_list.is_empty() || self.success_count < self.total_count
    }

    /// The contacts the server refused.
    pub fn rejected(&self) -> &[RejectedContact] {
        &self.err_list
    }
}

/// A contact the server refused to import, with its reason. Every field is optional
/// because the server's error entries are not guaranteed to be complete.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RejectedContact {
    /// The refused contact's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    /// The refused contact's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The refused contact's number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Why it was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub err_msg: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::ApiResponse;

    #[test]
    fn parses_the_spec_partial_import() {
        let body = r#"{"code": 0, "message": "success", "traceId": "dbdd93a9-cb7c-4c0d-8f98-01755b1883b6",
 "data": {"taskId": "52145b00-abc9-4a87-94c2-ed1e1e42ec1c", "userTaskId": "EXT-TASK-202603250001",
          "taskStatus": 1, "successCount": 1, "totalCount": 2,
          "errList": [{"contactId": "5f6f6f6f-7a7b-4c4d-9e9f-101010101010", "name": "lucy",
                       "phoneNumber": "1312895-xxx", "errMsg": "Illegal phone number format:1312895-xxx"}]}}"#;
        let r: ApiResponse<CreateTaskResult> = serde_json::from_str(body).expect("spec example");
        assert!(r.is_success());
        let data = r.data.expect("data");
        assert!(data.is_partial());
        assert_eq!(data.task_status, TaskStatus::Ready);
        assert_eq!(data.rejected().len(), 1);
        assert_eq!(
            data.rejected()[0].err_msg.as_deref(),
            Some("Illegal phone number format:1312895-xxx")
        );
    }

    #[test]
    fn tolerates_missing_counts_and_null_err_list() {
        let data: CreateTaskResult =
            serde_json::from_str(r#"{"taskId":"t","taskStatus":2,"errList":null}"#)
                .expect("lenient");
        assert_eq!(data.success_count, 0);
        assert_eq!(data.total_count, 0);
        assert!(data.err_list.is_empty());
        assert!(!data.is_partial());
        assert_eq!(data.user_task_id, None);
    }

    #[test]
    fn complete_import_is_not_partial_and_round_trips() {
        let data = CreateTaskResult {
            task_id: "t".into(),
            user_task_id: Some("u".into()),
            task_status: TaskStatus::Ready,
            success_count: 2,
            total_count: 2,
            err_list: vec![],
        };
        assert!(!data.is_partial());
        let json = serde_json::to_string(&data).expect("serialize");
        assert_eq!(
            json,
            r#"{"taskId":"t","userTaskId":"u","taskStatus":1,"successCount":2,"totalCount":2,"errList":[]}"#
        );
        assert_eq!(
            serde_json::from_str::<CreateTaskResult>(&json).expect("parse"),
            data
        );
    }
}
