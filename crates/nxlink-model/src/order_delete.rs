//! order/delete: removing a contact that has not been dialled yet from a task.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

use crate::mistyped::Reading;
use crate::request::ApiRequest;
use crate::rules;
use crate::task_ref::{TaskRef, validate_task_ref};
use crate::validation::{FieldPath, ParseError, ValidationErrors, Violations};

/// Body of `POST /openapi/aiagent/order/delete` (spec §3.2): the task, by either id, and the
/// contact. Only contacts still pending can be deleted.
///
/// On the wire both `taskId` and `userTaskId` may be present; reading one keeps
/// `userTaskId` then, as the server does. [`DeleteContactRequest::from_json`] also
/// validates; plain `Deserialize` refuses only a body naming no task.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteContactRequest {
    /// The task (`taskId` or `userTaskId`).
    #[serde(flatten)]
    pub task: TaskRef,
    /// The contact to delete (`contactId`, required).
    pub contact_id: String,
}

impl DeleteContactRequest {
    /// Deletes `contact_id` from `task`.
    pub fn new(task: TaskRef, contact_id: impl Into<String>) -> Self {
        Self {
            task,
            contact_id: contact_id.into(),
        }
    }

    /// Parses a body and validates it, reporting every fault with its JSON path; a body
    /// with neither `taskId` nor `userTaskId` is reported at `taskId`.
    ///
    /// A value of the wrong JSON type is one more violation at its path, reported with the
    /// others in [`ParseError::Mistyped`].
    pub fn from_json(json: &[u8]) -> Result<Self, ParseError> {
        Reading {
            list_key: None,
            finish: DeleteWire::into_request,
            rank: |path| match path {
                "taskId" | "userTaskId" => 0,
                _ => 1,
            },
        }
        .read(json)
    }

    fn collect_violations(&self, v: &mut Violations) {
        validate_task_ref(&self.task, &FieldPath::root(), v);
        rules::required(v, "contactId", &self.contact_id);
    }
}

impl ApiRequest for DeleteContactRequest {
    const PATH: &'static str = "/openapi/aiagent/order/delete";
    /// Call ids, per the reference table; the published success example has `data: null`.
    type Data = Vec<String>;

    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut v = Violations::new();
        self.collect_violations(&mut v);
        v.into_result()
    }
}

/// Both ids optional, as they arrive.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeleteWire {
    #[serde(default)]
    task_id: Option<String>,
    #[serde(default)]
    user_task_id: Option<String>,
    #[serde(default)]
    contact_id: Option<String>,
}

const NO_TASK: &str = "is required: give taskId or userTaskId";

impl DeleteWire {
    /// `userTaskId` wins when it holds an id; an empty one is used only when `taskId` is
    /// missing, so the violation names the key that was actually sent.
    fn task(&mut self) -> Option<TaskRef> {
        match (self.user_task_id.take(), self.task_id.take()) {
            (Some(user), _) if !user.is_empty() => Some(TaskRef::UserTaskId(user)),
            (_, Some(id)) => Some(TaskRef::Id(id)),
            (Some(user), None) => Some(TaskRef::UserTaskId(user)),
            (None, None) => None,
        }
    }

    fn into_request(mut self) -> Result<DeleteContactRequest, ValidationErrors> {
        let mut v = Violations::new();
        let task = self.task().unwrap_or_else(|| {
            v.push("taskId", NO_TASK);
            // Stands in for the missing task, which is already reported.
            TaskRef::Id("-".to_owned())
        });
        let request = DeleteContactRequest {
            task,
            contact_id: self.contact_id.unwrap_or_default(),
        };
        request.collect_violations(&mut v);
        v.into_result().map(|()| request)
    }
}

impl<'de> Deserialize<'de> for DeleteContactRequest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut wire = DeleteWire::deserialize(deserializer)?;
        let task = wire
            .task()
            .ok_or_else(|| D::Error::custom(format_args!("taskId {NO_TASK}")))?;
        Ok(Self {
            task,
            contact_id: wire.contact_id.unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::ApiResponse;

    #[test]
    fn serializes_both_spec_examples() {
        let by_user = DeleteContactRequest::new(
            TaskRef::user_task_id("EXT-TASK-202603250001"),
            "52145b00-abc9-4a87-94c2-ed1e1e42ec1c",
        );
        assert_eq!(
            serde_json::to_string(&by_user).expect("serialize"),
            r#"{"userTaskId":"EXT-TASK-202603250001","contactId":"52145b00-abc9-4a87-94c2-ed1e1e42ec1c"}"#
        );
        let by_id = DeleteContactRequest::new(
            TaskRef::id("fe90a9af-e14c-4330-8faa-2631e761124a"),
            "52145b00-abc9-4a87-94c2-ed1e1e42ec1c",
        );
        assert_eq!(
            serde_json::to_string(&by_id).expect("serialize"),
            r#"{"taskId":"fe90a9af-e14c-4330-8faa-2631e761124a","contactId":"52145b00-abc9-4a87-94c2-ed1e1e42ec1c"}"#
        );
        for request in [by_user, by_id] {
            let body = serde_json::to_vec(&request).expect("serialize");
            assert_eq!(
                DeleteContactRequest::from_json(&body).expect("round trip"),
                request
            );
        }
    }

    #[test]
    fn reads_the_documented_null_data() {
        let response: ApiResponse<Vec<String>> = serde_json::from_str(
            r#"{"code":0,"message":"success","traceId":"e84a7ee05c7248029828e59ddf725d75","data":null}"#,
        )
        .expect("parse");
        assert!(response.is_success());
        assert_eq!(response.data, None);
    }

    #[test]
    fn plain_deserialize_refuses_only_a_missing_task() {
        let request: DeleteContactRequest =
            serde_json::from_str(r#"{"taskId":"t"}"#).expect("shape only");
        assert_eq!(request.contact_id, "");
        let error = serde_json::from_str::<DeleteContactRequest>(r#"{"contactId":"c"}"#)
            .expect_err("no task");
        assert!(error.to_string().contains("taskId"), "{error}");
    }
}
