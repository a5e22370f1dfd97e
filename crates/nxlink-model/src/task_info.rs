//! What the server says about a task (`CallTaskInfoVO`) and its statistics
//! (`CallStatInfoVO`), as returned by task/list and, probably, the task-status callback.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::lenient::{int, status, text};
use crate::status::TaskStatus;

/// One task from task/list (spec §2.2). Every field is optional because none is promised
/// in every answer; unknown keys are kept in `extra`. Numbers may arrive as strings and are
/// read either way. Serializing (as the emulator does) leaves `None` fields out.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TaskInfo {
    /// Internal row id.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// The server's task id.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// The caller's own task id.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub user_task_id: Option<String>,
    /// Task name.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub task_name: Option<String>,
    /// Description.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub task_desc: Option<String>,
    /// Status; unknown codes are kept as `TaskStatus::Unknown`.
    #[serde(deserialize_with = "status", skip_serializing_if = "Option::is_none")]
    pub task_status: Option<TaskStatus>,
    /// Why the task is paused (codes undocumented).
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub pause_reason: Option<i64>,
    /// AI agent id.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub auto_flow_id: Option<i64>,
    /// AI agent name.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub auto_flow_name: Option<String>,
    /// Call route id.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub route_id: Option<String>,
    /// Dialling strategy id.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub strategy_id: Option<String>,
    /// Human-agent group for transfers.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub agent_group_id: Option<String>,
    /// Creation time, epoch seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub create_ts: Option<i64>,
    /// Start mode as sent by the server: 0 none, 1 manual, 2 scheduled, 3 immediate. Kept
    /// raw because 0 has no `StartMode` and other codes may appear.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub startup_type: Option<i64>,
    /// Who started the task (manual start).
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub startup_by: Option<String>,
    /// Scheduled start, epoch seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub startup_at: Option<i64>,
    /// Scheduled stop, epoch seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub shutdown_at: Option<i64>,
    /// Run days as the server prints them (format undocumented, so not parsed).
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub week_day: Option<String>,
    /// Time zone as seconds east of UTC.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub zone_second: Option<i64>,
    /// Maximum concurrent calls.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub max_call: Option<i64>,
    /// Ring timeout, seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub max_ring_time: Option<i64>,
    /// Dial attempts per contact.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub order_max_call: Option<i64>,
    /// Seconds between redials.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub replay_interval: Option<i64>,
    /// 1 when the task is permanent, 0 otherwise.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub task_keep: Option<i64>,
    /// Task-status callback URL.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub task_callback_url: Option<String>,
    /// How contacts were imported (codes undocumented).
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub import_type: Option<i64>,
    /// Feature flags (undocumented).
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub func_flag: Option<i64>,
    /// The task pass-through given at creation.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
    /// Dialling statistics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stat_info: Option<TaskStats>,
    /// Every other key the server sent, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A task's dialling statistics (`statInfo`). Rates and progress are strings on the wire,
/// in an undocumented format (`"45.00%"` or `"0.45"`); a number there is read as its JSON
/// spelling. Counts are kept as `i64` so that an odd value from the server still reads.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TaskStats {
    /// Row id.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// Task id.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// AI agent id.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub auto_flow_id: Option<i64>,
    /// Creation time, epoch seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub create_ts: Option<i64>,
    /// Contacts in the task, counted at import.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub total_order_count: Option<i64>,
    /// Contacts dialled at least once.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub dialed_order_count: Option<i64>,
    /// Dialled contacts over all contacts, as the server formats it.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub dial_progress: Option<String>,
    /// Contacts finished.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub finish_order_count: Option<i64>,
    /// Finished contacts over all contacts, as the server formats it.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub finish_rate: Option<String>,
    /// Contacts who answered.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub answer_order_count: Option<i64>,
    /// Calls placed, counted at call end.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub total_call_count: Option<i64>,
    /// Calls answered.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub answer_call_count: Option<i64>,
    /// Answered calls over all calls, as the server formats it.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub answer_rate: Option<String>,
    /// Total talk time, seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub total_call_elapsed: Option<i64>,
    /// Average talk time of answered calls, seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub avg_call_duration: Option<i64>,
    /// Transfers answered by a human.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub manual_answer_count: Option<i64>,
    /// Transfers that failed.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub manual_fail_count: Option<i64>,
    /// Answered over attempted transfers, as the server formats it.
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub manual_answer_rate: Option<String>,
    /// Total human talk time, seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub manual_elapsed: Option<i64>,
    /// Average human talk time, seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub avg_manual_duration: Option<i64>,
    /// Every other key the server sent, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::Page;
    use crate::response::ApiResponse;
    use serde_json::json;

    fn documented_task() -> Value {
        serde_json::from_str(DOCUMENTED_TASK).expect("valid JSON")
    }

    /// A task with every documented field, as task/list would return it.
    const DOCUMENTED_TASK: &str = r#"{
            "id": 88, "taskId": "52145b00-abc9-4a87-94c2-ed1e1e42ec1c",
            "userTaskId": "EXT-TASK-202603250001", "taskName": "回访", "taskDesc": "d",
            "taskStatus": 2, "pauseReason": 0, "autoFlowId": 197, "autoFlowName": "Parcel",
            "routeId": "y29ND1X4kkCG", "strategyId": "s-1", "agentGroupId": "g-1",
            "createTs": 1746583929, "startupType": 0, "startupBy": "admin",
            "startupAt": 1746583929, "shutdownAt": 1746670329, "weekDay": "127",
            "zoneSecond": 28800, "maxCall": 20, "maxRingTime": 40, "orderMaxCall": 2,
            "replayInterval": 600, "taskKeep": 0, "taskCallbackUrl": "https://example.com/t",
            "importType": 1, "funcFlag": 0, "other": "batch-1",
            "statInfo": {
                "id": 5, "taskId": "52145b00-abc9-4a87-94c2-ed1e1e42ec1c", "autoFlowId": 197,
                "createTs": 1746583929, "totalOrderCount": 100, "dialedOrderCount": 50,
                "dialProgress": "50.00%", "finishOrderCount": 40, "finishRate": "40.00%",
                "answerOrderCount": 30, "totalCallCount": 60, "answerCallCount": 30,
                "answerRate": "50.00%", "totalCallElapsed": 900, "avgCallDuration": 30,
                "manualAnswerCount": 2, "manualFailCount": 1, "manualAnswerRate": "66.67%",
                "manualElapsed": 120, "avgManualDuration": 60
            }
        }"#;

    #[test]
    fn every_documented_field_reads_and_round_trips() {
        let task: TaskInfo = serde_json::from_value(documented_task()).expect("parse");
        assert_eq!(task.task_status, Some(TaskStatus::InProgress));
        assert_eq!(task.startup_type, Some(0));
        assert_eq!(task.week_day.as_deref(), Some("127"));
        let stats = task.stat_info.as_ref().expect("stats");
        assert_eq!(stats.manual_answer_rate.as_deref(), Some("66.67%"));
        assert_eq!(stats.avg_manual_duration, Some(60));
        assert!(task.extra.is_empty() && stats.extra.is_empty());
        assert_eq!(
            serde_json::to_value(&task).expect("serialize"),
            documented_task()
        );
    }

    #[test]
    fn unknown_status_numeric_rates_and_extra_keys_are_kept() {
        let task: TaskInfo = serde_json::from_value(json!({
            "taskId": "t", "taskStatus": 9, "newField": [1, 2],
            "statInfo": {"answerRate": 45.5, "finishRate": 1, "totalOrderCount": "12", "x": null}
        }))
        .expect("parse");
        assert_eq!(task.task_status, Some(TaskStatus::Unknown(9)));
        assert_eq!(task.extra.get("newField"), Some(&json!([1, 2])));
        let stats = task.stat_info.expect("stats");
        assert_eq!(stats.answer_rate.as_deref(), Some("45.5"));
        assert_eq!(stats.finish_rate.as_deref(), Some("1"));
        assert_eq!(stats.total_order_count, Some(12));
        assert_eq!(stats.extra.get("x"), Some(&Value::Null));
    }

    #[test]
    fn absent_fields_are_left_out_when_written() {
        let task = TaskInfo {
            task_id: Some("t".into()),
            ..TaskInfo::default()
        };
        assert_eq!(
            serde_json::to_string(&task).expect("serialize"),
            r#"{"taskId":"t"}"#
        );
        let empty: TaskInfo = serde_json::from_str("{}").expect("empty");
        assert_eq!(empty, TaskInfo::default());
    }

    #[test]
    fn pages_of_tasks_read_in_both_envelope_shapes() {
        let item = documented_task();
        let inside = json!({"code": 0, "message": "success", "traceId": "a",
            "data": {"total": 1, "pageNumber": 1, "pageSize": 10, "list": [item.clone()]}});
        let response: ApiResponse<Page<TaskInfo>> =
            serde_json::from_value(inside).expect("data shape");
        let from_data = response.data.expect("data");
        let top = json!({"code": 0, "message": "success", "traceId": "a",
            "total": 1, "pageNumber": 1, "pageSize": 10, "list": [item]});
        let response: ApiResponse<Page<TaskInfo>> =
            serde_json::from_value(top.clone()).expect("top-level shape");
        assert_eq!(response.data, None);
        let from_top: Page<TaskInfo> = serde_json::from_value(top).expect("reparse");
        assert_eq!(from_top, from_data);
        assert!(from_top.is_last());
    }
}
