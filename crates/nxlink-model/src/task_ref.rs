//! Naming a task either by the server's id or by the caller's own id.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::validation::{FieldPath, Violations};

/// Which task a request is about. Endpoints that accept `taskId` *or* `userTaskId` take
/// this, so a request naming neither cannot be built. It serializes as one key —
/// `{"taskId": …}` or `{"userTaskId": …}` — and is meant to be `#[serde(flatten)]`ed.
///
/// Not `#[non_exhaustive]`: the SDK sends it, and the API documents exactly these two ways.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TaskRef {
    /// The server's task id (`taskId`), as returned by task/create.
    #[serde(rename = "taskId")]
    Id(String),
    /// The caller's own task id (`userTaskId`), as given to task/create.
    #[serde(rename = "userTaskId")]
    UserTaskId(String),
}

impl TaskRef {
    /// The task with this server id.
    pub fn id(task_id: impl Into<String>) -> Self {
        Self::Id(task_id.into())
    }

    /// The task with this caller-chosen id.
    pub fn user_task_id(user_task_id: impl Into<String>) -> Self {
        Self::UserTaskId(user_task_id.into())
    }

    /// The id itself, whichever kind it is.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Id(id) | Self::UserTaskId(id) => id,
        }
    }

    /// The wire key: `taskId` or `userTaskId`.
    pub const fn wire_key(&self) -> &'static str {
        match self {
            Self::Id(_) => "taskId",
            Self::UserTaskId(_) => "userTaskId",
        }
    }
}

impl fmt::Display for TaskRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.wire_key(), self.as_str())
    }
}

/// Checks that the id is not empty, recording a violation under `at` at the variant's key
/// (`taskId` or `userTaskId`).
pub(crate) fn validate_task_ref(task: &TaskRef, at: &FieldPath<'_>, violations: &mut Violations) {
    if task.as_str().is_empty() {
        violations.push(at.key(task.wire_key()), "is required and must not be empty");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_one_key() {
        assert_eq!(
            serde_json::to_string(&TaskRef::id("t-1")).expect("serialize"),
            r#"{"taskId":"t-1"}"#
        );
        assert_eq!(
            serde_json::to_string(&TaskRef::user_task_id("EXT-1")).expect("serialize"),
            r#"{"userTaskId":"EXT-1"}"#
        );
        let back: TaskRef = serde_json::from_str(r#"{"userTaskId":"EXT-1"}"#).expect("parse");
        assert_eq!(back, TaskRef::user_task_id("EXT-1"));
        assert_eq!(back.to_string(), "userTaskId=EXT-1");
    }

    #[test]
    fn empty_ids_are_reported_at_their_own_key() {
        for (task, path) in [
            (TaskRef::id(""), "taskId"),
            (TaskRef::user_task_id(""), "userTaskId"),
        ] {
            let mut v = Violations::new();
            validate_task_ref(&task, &FieldPath::root(), &mut v);
            let errors = v.into_result().expect_err("empty id");
            assert_eq!(errors.violations()[0].path(), path);
        }
        let mut v = Violations::new();
        validate_task_ref(&TaskRef::id("t"), &FieldPath::root(), &mut v);
        assert!(v.into_result().is_ok());
    }
}
