//! The tasks the emulated gateway holds, in memory.

use std::sync::Mutex;

use nxlink_model::{CreateTaskRequest, RejectedContact, TaskStatus};

use crate::lock::lock;

/// A task the emulator created, as the gateway would hold it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StoredTask {
    /// The gateway's id for the task (`taskId`).
    pub task_id: String,
    /// The account that created it.
    pub access_key: String,
    /// The request as accepted: `call_list` holds the imported contacts only.
    pub request: CreateTaskRequest,
    /// Current status.
    pub status: TaskStatus,
    /// The emulator clock's time at creation, ms since the Unix epoch.
    pub created_at_ms: i64,
    /// Contacts refused at creation, as answered in `errList`.
    pub rejected: Vec<RejectedContact>,
}

impl StoredTask {
    /// The caller's own task id, when one was given.
    pub fn user_task_id(&self) -> Option<&str> {
        self.request.user_task_id.as_deref()
    }
}

/// All tasks, in creation order.
#[derive(Debug, Default)]
pub(crate) struct TaskStore {
    tasks: Mutex<Vec<StoredTask>>,
}

impl TaskStore {
    /// Keeps a new task.
    pub(crate) fn insert(&self, task: StoredTask) {
        lock(&self.tasks).push(task);
    }

    /// Every task, oldest first.
    pub(crate) fn all(&self) -> Vec<StoredTask> {
        lock(&self.tasks).clone()
    }
}
