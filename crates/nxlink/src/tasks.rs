//! Task endpoints: creating outbound call tasks.

use futures_util::Stream;
use nxlink_model::{
    ApiRequest, AppendBatch, CreateTaskRequest, CreateTaskResult, ListTasksRequest, Page,
    RejectedContact, TaskInfo, TaskStatus,
};

use crate::client::Client;
use crate::contacts::{AppendReport, FailedBatch};
use crate::error::Error;

/// A task the gateway created, with the contacts it refused (if any) kept in plain sight.
#[derive(Debug)]
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
    /// Contacts beyond the first batch that could not be appended (see
    /// [`Client::create_task`]), with the error and the contacts, to resume with.
    pub failed: Vec<FailedBatch>,
    /// The gateway's `traceId` for the create call.
    pub trace_id: Option<String>,
}

impl CreatedTask {
    /// Whether some contacts were not imported: success with warnings.
    pub fn is_partial(&self) -> bool {
        !self.rejected.is_empty()
            || self.success_count < self.total_count
            || !self.failed.is_empty()
    }

    /// Whether every contact was either imported or refused by the gateway.
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty()
    }

    /// Folds in the report of the contacts appended after the first batch.
    fn absorb(&mut self, report: AppendReport) {
        let accepted = report.submitted.len() as u64;
        let refused = report.rejected.len() as u64;
        self.success_count += accepted;
        self.total_count += accepted + refused;
        self.rejected.extend(report.rejected);
        self.failed.extend(report.failed);
    }

    fn from_result(result: CreateTaskResult, trace_id: Option<String>) -> Self {
        CreatedTask {
            task_id: result.task_id,
            user_task_id: result.user_task_id,
            status: result.task_status,
            success_count: result.success_count,
            total_count: result.total_count,
            rejected: result.err_list,
            failed: Vec::new(),
            trace_id,
        }
    }
}

fn created(data: Option<CreateTaskResult>, trace_id: Option<String>) -> Result<CreatedTask, Error> {
    let result = data.ok_or_else(|| {
        Error::decode(
            CreateTaskRequest::PATH,
            http::StatusCode::OK,
            "a successful task/create answer carried no `data`",
            b"",
        )
    })?;
    Ok(CreatedTask::from_result(result, trace_id))
}

impl Client {
    /// Creates an outbound call task (`task/create`).
    ///
    /// The request is validated first: an invalid one fails with
    /// [`ErrorKind::Validation`](crate::ErrorKind::Validation), listing every violation, and
    /// sends nothing. A `callList` longer than one batch (see
    /// [`ClientBuilder::batch_size`](crate::ClientBuilder::batch_size)) creates the task with
    /// the first batch and appends the rest; contacts that could not be appended are in
    /// [`CreatedTask::failed`].
    pub async fn create_task(&self, request: &CreateTaskRequest) -> Result<CreatedTask, Error> {
        let batch_size = self.batching().size;
        if request.call_list.len() <= batch_size {
            let reply = self.send(request).await?;
            return created(reply.data, reply.trace_id);
        }
        request
            .validate()
            .map_err(|errors| Error::validation(CreateTaskRequest::PATH, errors))?;
        let reply = self.send(&request.head(batch_size)).await?;
        let mut task = created(reply.data, reply.trace_id)?;
        let rest = &request.call_list[batch_size..];
        let task_id = task.task_id.clone();
        let report = self
            .send_batches(rest, batch_size, |contacts| AppendBatch {
                task_id: &task_id,
                country_code: request.country_code.as_deref(),
                auto_flow_id: None,
                call_callback_url: None,
                list: contacts,
            })
            .await;
        task.absorb(report);
        Ok(task)
    }
}

impl Client {
    /// One page of tasks (`task/list`).
    pub async fn list_tasks(&self, request: &ListTasksRequest) -> Result<Page<TaskInfo>, Error> {
        self.fetch_page(request).await
    }

    /// Every task matching the request, page after page, lazily.
    pub fn all_tasks(
        &self,
        request: ListTasksRequest,
    ) -> impl Stream<Item = Result<TaskInfo, Error>> + Send {
        self.items(request)
    }
}
