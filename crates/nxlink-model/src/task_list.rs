//! task/list: finding tasks by name, status, creation time, answer rate and size.

use serde::{Deserialize, Serialize};

use crate::absent::{empty_as_none, is_absent};
use crate::lenient::{float, int, status};
use crate::page::paged_request;
use crate::page::{Page, validate_paging};
use crate::request::ApiRequest;
use crate::rules;
use crate::status::TaskStatus;
use crate::task_info::TaskInfo;
use crate::validation::{ValidationErrors, Violations};

/// Body of `POST /openapi/aiagent/task/list` (spec §2.2). Every filter is optional and left
/// out of the JSON when `None` (the official example's `""` placeholders are never sent).
///
/// Reading one accepts those `""` placeholders as absent, numbers given as strings, and
/// missing paging (page 1, 10 per page); it does not validate — call `validate`, or use
/// [`crate::decode`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ListTasksRequest {
    /// Task-name filter.
    #[serde(deserialize_with = "empty_as_none", skip_serializing_if = "is_absent")]
    pub task_name: Option<String>,
    /// Status filter.
    #[serde(deserialize_with = "status", skip_serializing_if = "Option::is_none")]
    pub task_status: Option<TaskStatus>,
    /// Created at or after, epoch seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub create_start_ts: Option<i64>,
    /// Created at or before, epoch seconds.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub create_end_ts: Option<i64>,
    /// Lowest answer rate, percent (0.0–100.0).
    #[serde(deserialize_with = "float", skip_serializing_if = "Option::is_none")]
    pub min_calls_answered_rate: Option<f64>,
    /// Highest answer rate, percent (0.0–100.0).
    #[serde(deserialize_with = "float", skip_serializing_if = "Option::is_none")]
    pub max_calls_answered_rate: Option<f64>,
    /// Fewest contacts in the task.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub min_task_total_quantity: Option<u64>,
    /// Most contacts in the task.
    #[serde(deserialize_with = "int", skip_serializing_if = "Option::is_none")]
    pub max_task_total_quantity: Option<u64>,
    /// Page to fetch, 1-based.
    pub page_number: u32,
    /// Items per page, 1 to 1000.
    pub page_size: u32,
}

/// The answer-rate filters are percentages.
const RATE_RANGE: std::ops::RangeInclusive<f64> = 0.0..=100.0;

impl ListTasksRequest {
    /// No filter, page 1, 10 per page (the documented defaults).
    pub fn new() -> Self {
        Self {
            task_name: None,
            task_status: None,
            create_start_ts: None,
            create_end_ts: None,
            min_calls_answered_rate: None,
            max_calls_answered_rate: None,
            min_task_total_quantity: None,
            max_task_total_quantity: None,
            page_number: 1,
            page_size: 10,
        }
    }

    /// Filters by task name.
    #[must_use]
    pub fn with_task_name(mut self, name: impl Into<String>) -> Self {
        self.task_name = Some(name.into());
        self
    }

    /// Filters by status.
    #[must_use]
    pub fn with_task_status(mut self, status: TaskStatus) -> Self {
        self.task_status = Some(status);
        self
    }

    /// Only tasks created at or after `ts`, epoch seconds.
    #[must_use]
    pub fn with_create_start_ts(mut self, ts: i64) -> Self {
        self.create_start_ts = Some(ts);
        self
    }

    /// Only tasks created at or before `ts`, epoch seconds.
    #[must_use]
    pub fn with_create_end_ts(mut self, ts: i64) -> Self {
        self.create_end_ts = Some(ts);
        self
    }

    /// Only tasks whose answer rate is at least `percent`.
    #[must_use]
    pub fn with_min_calls_answered_rate(mut self, percent: f64) -> Self {
        self.min_calls_answered_rate = Some(percent);
        self
    }

    /// Only tasks whose answer rate is at most `percent`.
    #[must_use]
    pub fn with_max_calls_answered_rate(mut self, percent: f64) -> Self {
        self.max_calls_answered_rate = Some(percent);
        self
    }

    /// Only tasks with at least `count` contacts.
    #[must_use]
    pub fn with_min_task_total_quantity(mut self, count: u64) -> Self {
        self.min_task_total_quantity = Some(count);
        self
    }

    /// Only tasks with at most `count` contacts.
    #[must_use]
    pub fn with_max_task_total_quantity(mut self, count: u64) -> Self {
        self.max_task_total_quantity = Some(count);
        self
    }
}

impl Default for ListTasksRequest {
    fn default() -> Self {
        Self::new()
    }
}

/// Records a rate that is not a finite percentage; true when the value is fine (or absent).
fn check_rate(v: &mut Violations, path: &str, rate: Option<f64>) -> bool {
    match rate {
        Some(rate) if !rate.is_finite() || !RATE_RANGE.contains(&rate) => {
            v.push(
                path,
                format!("must be a percentage between 0.0 and 100.0 (got {rate})"),
            );
            false
        }
        _ => true,
    }
}

impl ApiRequest for ListTasksRequest {
    const PATH: &'static str = "/openapi/aiagent/task/list";
    const DATA_MAY_BE_TOP_LEVEL: bool = true;
    const READ_ONLY: bool = true;
    type Data = Page<TaskInfo>;

    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut v = Violations::new();
        let start_ok = rules::non_negative(&mut v, "createStartTs", self.create_start_ts);
        let end_ok = rules::non_negative(&mut v, "createEndTs", self.create_end_ts);
        if start_ok && end_ok {
            rules::ordered(
                &mut v,
                ("createStartTs", self.create_start_ts),
                ("createEndTs", self.create_end_ts),
            );
        }
        let min_ok = check_rate(&mut v, "minCallsAnsweredRate", self.min_calls_answered_rate);
        let max_ok = check_rate(&mut v, "maxCallsAnsweredRate", self.max_calls_answered_rate);
        if min_ok && max_ok {
            rules::ordered(
                &mut v,
                ("minCallsAnsweredRate", self.min_calls_answered_rate),
                ("maxCallsAnsweredRate", self.max_calls_answered_rate),
            );
        }
        rules::ordered(
            &mut v,
            ("minTaskTotalQuantity", self.min_task_total_quantity),
            ("maxTaskTotalQuantity", self.max_task_total_quantity),
        );
        validate_paging(self.page_number, self.page_size, &mut v);
        v.into_result()
    }
}

paged_request!(ListTasksRequest, TaskInfo);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_only_what_is_set_with_numbers_as_numbers() {
        assert_eq!(
            serde_json::to_string(&ListTasksRequest::new()).expect("serialize"),
            r#"{"pageNumber":1,"pageSize":10}"#
        );
        let request = ListTasksRequest::new()
            .with_task_name("Marketing-Task-2023")
            .with_task_status(TaskStatus::Ready)
            .with_create_start_ts(1_746_583_929)
            .with_create_end_ts(1_746_583_929)
            .with_min_calls_answered_rate(50.0)
            .with_max_calls_answered_rate(100.0)
            .with_min_task_total_quantity(100)
            .with_max_task_total_quantity(1000);
        assert_eq!(
            serde_json::to_string(&request).expect("serialize"),
            concat!(
                r#"{"taskName":"Marketing-Task-2023","taskStatus":1,"createStartTs":1746583929,"#,
                r#""createEndTs":1746583929,"minCallsAnsweredRate":50.0,"maxCallsAnsweredRate":100.0,"#,
                r#""minTaskTotalQuantity":100,"maxTaskTotalQuantity":1000,"pageNumber":1,"pageSize":10}"#
            )
        );
        assert_eq!(request.validate(), Ok(()));
    }

    #[test]
    fn reads_the_official_example_with_blank_placeholders() {
        let request: ListTasksRequest = serde_json::from_str(
            r#"{"createStartTs": 1746583929, "createEndTs": 1746583929,
                "minCallsAnsweredRate": "", "maxCallsAnsweredRate": "",
                "minTaskTotalQuantity": "", "maxTaskTotalQuantity": "",
                "pageNumber": 1, "pageSize": 10}"#,
        )
        .expect("official example");
        let expected = ListTasksRequest::new()
            .with_create_start_ts(1_746_583_929)
            .with_create_end_ts(1_746_583_929);
        assert_eq!(request, expected);
        assert_eq!(request.validate(), Ok(()));
    }
}
