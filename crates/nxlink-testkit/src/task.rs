//! A task as the emulated gateway holds it.

use nxlink_model::{CreateTaskRequest, RejectedContact, TaskStatus};

/// A task the emulator created, as the gateway would hold it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StoredTask {
    /// The gateway's id for the task (`taskId`).
    pub task_id: String,
    /// The account that created it.
    pub access_key: String,
    /// The request as accepted: `call_list` holds the contacts imported at creation only
    /// (see [`crate::Emulator::contacts`] for all of them and their state).
    pub request: CreateTaskRequest,
    /// Current status.
    pub status: TaskStatus,
    /// The emulator clock's time at creation, ms since the Unix epoch.
    pub created_at_ms: i64,
    /// When the task first went in progress (emulator time, ms).
    pub started_at_ms: Option<i64>,
    /// Contacts refused at creation, as answered in `errList`.
    pub rejected: Vec<RejectedContact>,
}

impl StoredTask {
    /// The caller's own task id, when one was given.
    pub fn user_task_id(&self) -> Option<&str> {
        self.request.user_task_id.as_deref()
    }

    /// Creation time in epoch seconds, as `createTs` reports it.
    pub fn create_ts(&self) -> i64 {
        self.created_at_ms.div_euclid(1000)
    }
}
