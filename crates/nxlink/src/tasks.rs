//! Task endpoints: creating outbound call tasks.

use nxlink_model::{ApiRequest, CreateTaskRequest, CreateTaskResult, RejectedContact, TaskStatus};

use crate::client::Client;
use crate::error::Error;

/// A task the gateway created, with the contacts it refused (if any) kept in plain sight.
#[derive(Clone, Debug, PartialEq)]
#[must_use = "a task can be created while some contacts were refused: check `rejected`"]
pub struct CreatedTask {
    /// The gateway's id of the new task.
    pub task_id: String,
    /// Your own task id, as echoed by the gateway.
    pub user_task_id: Option<String>,
    /// The task's status right after creation.
    pub status: TaskStatus,
    /// Contacts imported.
    pub success_count: u64,
    /// Contacts processed.
    pub total_count: u64,
    /// Contacts the gateway refused, each with its reason. The task exists regardless.
    pub rejected: Vec<RejectedContact>,
    /// The gateway's `traceId` for the create call.
    pub trace_id: Option<String>,
}

impl CreatedTask {
    /// Whether some contacts were not imported: success with warnings.
    pub fn is_partial(&self) -> bool {
        !self.rejected.is_empty() || self.success_count < self.total_count
    }

    fn from_result(result: CreateTaskResult, trace_id: Option<String>) -> Self {
        CreatedTask {
            task_id: result.task_id,
            user_task_id: result.user_task_id,
            status: result.task_status,
            success_count: result.success_count,
            total_count: result.total_count,
            rejected: result.err_list,
            trace_id,
        }
    }
}

impl Client {
    /// Creates an outbound call task (`task/create`).
    ///
    /// The request is validated first: an invalid one fails with
    /// [`ErrorKind::Validation`](crate::ErrorKind::Validation), listing every violation, and
    /// sends nothing.
    pub async fn create_task(&self, request: &CreateTaskRequest) -> Result<CreatedTask, Error> {
        let reply = self.send(request).await?;
        let result = reply.data.ok_or_else(|| {
            Error::decode(
                CreateTaskRequest::PATH,
                http::StatusCode::OK,
                "a successful task/create answer carried no `data`",
                b"",
            )
        })?;
        Ok(CreatedTask::from_result(result, reply.trace_id))
    }
}
