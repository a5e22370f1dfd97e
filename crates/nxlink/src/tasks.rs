//! Task endpoints: creating outbound call tasks.

use futures_util::{Stream, TryStreamExt};
use nxlink_model::{
    AppendBatch, CreateTaskHead, CreateTaskRequest, CreateTaskResult, ListTasksRequest, Page,
    RejectedContact, TaskInfo, TaskStatus,
};

use crate::client::{Client, Reply};
use crate::contacts::{AppendReport, FailedBatch};
use crate::error::{Endpoint, Error};
use crate::retry::{Budget, Reconcile, Settled, within};
use crate::telemetry;

/// A task the gateway created, with the contacts it refused (if any) kept in plain sight.
#[derive(Debug)]
#[must_use = "a task can be created while some contacts were refused: check `rejected`"]
pub struct CreatedTask {
    /// The gateway's id of the new task.
    pub task_id: String,
    /// Your task id, as echoed by the gateway: yours, or the one generated for this create.
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
    /// The gateway's `traceId` for the create call; `None` when it sent none, or when the
    /// answer was lost and the task was found by `userTaskId` (`reconciled`).
    pub trace_id: Option<String>,
    /// Whether the create's answer was lost and the task was found by `userTaskId` instead:
    /// it exists exactly once, but the refusals of the first batch were not seen.
    pub reconciled: bool,
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
        let accepted = (report.submitted.len() + report.already_present.len()) as u64;
        let refused = report.rejected.len() as u64;
        self.success_count += accepted;
        self.total_count += accepted + refused;
        self.rejected.extend(report.rejected);
        self.failed.extend(report.failed);
    }

    /// A task found by `userTaskId` after the create's answer was lost: the gateway's
    /// per-contact refusals of that answer are unknown, so `rejected` is empty and
    /// `success_count` comes from the task's statistics.
    fn reconciled(found: TaskInfo, sent_contacts: usize) -> Result<Self, Error> {
        let task_id = found.task_id.ok_or_else(|| {
            Error::decode(
                Endpoint::of::<ListTasksRequest>(),
                http::StatusCode::OK,
                "a task found by userTaskId carried no taskId",
                b"",
            )
        })?;
        let imported = found
            .stat_info
            .and_then(|stats| stats.total_order_count)
            .and_then(|count| u64::try_from(count).ok());
        Ok(CreatedTask {
            task_id,
            user_task_id: found.user_task_id,
            status: found.task_status.unwrap_or(TaskStatus::Unknown(0)),
            success_count: imported.unwrap_or(0),
            total_count: sent_contacts as u64,
            rejected: Vec::new(),
            failed: Vec::new(),
            trace_id: None,
            reconciled: true,
        })
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
            reconciled: false,
        }
    }
}

fn created(data: Option<CreateTaskResult>, trace_id: Option<String>) -> Result<CreatedTask, Error> {
    let result = data.ok_or_else(|| {
        Error::decode(
            Endpoint::of::<CreateTaskRequest>(),
            http::StatusCode::OK,
            "a successful task/create answer carried no `data`",
            b"",
        )
    })?;
    if result.task_id.trim().is_empty() {
        return Err(Error::decode(
            Endpoint::of::<CreateTaskRequest>(),
            http::StatusCode::OK,
            "a successful task/create answer carried no taskId",
            b"",
        ));
    }
    Ok(CreatedTask::from_result(result, trace_id))
}

impl Client {
    /// Creates an outbound call task (`task/create`).
    ///
    /// The request is validated first: an invalid one fails with
    /// [`ErrorKind::Validation`](crate::ErrorKind::Validation), listing every violation, and
    /// sends nothing. Every create carries a `userTaskId` (one is generated when the request
    /// has none, and returned in [`CreatedTask::user_task_id`]); when the answer is lost, the
    /// task is looked up by it before anything is sent again, so a task is never created twice
    /// by a retry. A `callList` longer than one batch (see
    /// [`ClientBuilder::batch_size`](crate::ClientBuilder::batch_size)) creates the task with
    /// the first batch and appends the rest; contacts that could not be appended are in
    /// [`CreatedTask::failed`].
    ///
    /// ```
    /// use nxlink::Client;
    /// use nxlink::model::{CallWindow, Contact, CreateTaskRequest, HourSet, WeekDays};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let emulator = nxlink_testkit::Emulator::start().await?;
    /// # let client = Client::builder().base_url(emulator.base_url()).credentials(emulator.credentials()).build()?;
    /// let window = CallWindow::every_quarter(WeekDays::MONDAY_TO_FRIDAY, HourSet::span(9, 18)?);
    /// let task = CreateTaskRequest::new("Parcel follow-up", 197, "y29ND1X4kkCG_nC576sALEkvg3HjEqde", window)
    ///     .with_contact(Contact::new("c-1", "Lucy", "13800000001"))
    ///     .with_contact(Contact::new("c-2", "Ann", "+99955501234")); // +999: refused by the gateway
    /// let created = client.create_task(&task).await?;
    /// assert_eq!((created.success_count, created.total_count), (1, 2));
    /// assert!(created.is_partial());
    /// for refused in &created.rejected {
    ///     println!("refused {:?}: {:?}", refused.contact_id, refused.err_msg);
    /// }
    /// # emulator.shutdown().await;
    /// # Ok(()) }
    /// ```
    pub async fn create_task(&self, request: &CreateTaskRequest) -> Result<CreatedTask, Error> {
        let batch_size = self.batching().size;
        if request.call_list.len() > batch_size {
            // The head below only checks its own contacts.
            request
                .validate()
                .map_err(|errors| Error::validation(Endpoint::of::<CreateTaskRequest>(), errors))?;
        }
        let generated = new_user_task_id();
        let mut head = request.head(batch_size);
        if head.user_task_id().is_none() {
            head = head.with_user_task_id(&generated);
        }
        let mut task = self.create_reconciled(request, head).await?;
        let rest = &request.call_list[head.contacts().len()..];
        if !rest.is_empty() {
            let task_id = task.task_id.clone();
            let report = self
                .send_batches(rest, head.contacts().len(), |contacts| AppendBatch {
                    task_id: &task_id,
                    country_code: request.country_code.as_deref(),
                    auto_flow_id: None,
                    call_callback_url: None,
                    list: contacts,
                })
                .await;
            task.absorb(report);
        }
        Ok(task)
    }

    /// Creates a task unless one with the request's `userTaskId` already exists: the tasks
    /// are looked up first (see [`Client::find_tasks_by_user_task_id`]) and, when one is
    /// found, nothing is sent and the error ([`ErrorKind::AlreadyExists`]) names it. Running
    /// the same create twice then makes one task. A request without a `userTaskId` is
    /// created as by [`Client::create_task`].
    ///
    /// The check and the create are two requests: two callers racing with the same id can
    /// still both create, which only the gateway could prevent.
    ///
    /// [`ErrorKind::AlreadyExists`]: crate::ErrorKind::AlreadyExists
    pub async fn create_task_once(
        &self,
        request: &CreateTaskRequest,
    ) -> Result<CreatedTask, Error> {
        if let Some(user_task_id) = request.user_task_id.as_deref().filter(|id| !id.is_empty()) {
            // Validated first: an invalid request costs no lookup.
            request
                .validate()
                .map_err(|errors| Error::validation(Endpoint::of::<CreateTaskRequest>(), errors))?;
            let existing = self.find_tasks_by_user_task_id(user_task_id).await?;
            if !existing.is_empty() {
                let ids = existing
                    .into_iter()
                    .map(|task| task.task_id.unwrap_or_default())
                    .collect();
                return Err(Error::already_exists(
                    Endpoint::of::<CreateTaskRequest>(),
                    user_task_id.to_owned(),
                    ids,
                ));
            }
        }
        self.create_task(request).await
    }

    /// Every task of the account whose `userTaskId` is `user_task_id`, newest first.
    ///
    /// task/list has no such filter, so every task is read (1 000 per page) and compared
    /// here; the walk is bounded by the gateway's `total` (see [`Client::pages`]).
    pub async fn find_tasks_by_user_task_id(
        &self,
        user_task_id: &str,
    ) -> Result<Vec<TaskInfo>, Error> {
        let tasks = self.all_tasks(ListTasksRequest::new().with_page_size(1000));
        futures_util::pin_mut!(tasks);
        let mut found = Vec::new();
        while let Some(task) = tasks.try_next().await? {
            if task.user_task_id.as_deref() == Some(user_task_id) {
                found.push(task);
            }
        }
        Ok(found)
    }

    /// Sends the create; when its outcome is unknown, looks the task up by `userTaskId` and
    /// re-sends only when it provably does not exist.
    async fn create_reconciled(
        &self,
        request: &CreateTaskRequest,
        head: CreateTaskHead<'_>,
    ) -> Result<CreatedTask, Error> {
        let prepared = self.prepare_request(&head)?;
        let mut lookup = FindCreatedTask {
            client: self,
            request,
            user_task_id: head.user_task_id().unwrap_or_default(),
            // Tasks created before this call cannot be ours; a margin covers clock error.
            since: (self.gateway_now_ms() / 1000).saturating_sub(600),
            sent_contacts: head.contacts().len(),
        };
        self.deliver::<CreateTaskHead<'_>, _>(
            prepared,
            // A code-0 answer that names no task is an unknown outcome: reconciled like a
            // lost one.
            |reply| created(reply.data, reply.trace_id),
            &mut lookup,
        )
        .await
    }

    /// Finds the task a create made, by its `userTaskId`, among tasks of that name created
    /// since `since` (epoch seconds): task/list has no `userTaskId` filter.
    async fn find_task(
        &self,
        request: &CreateTaskRequest,
        user_task_id: &str,
        since: u64,
    ) -> Result<Option<TaskInfo>, Error> {
        let query = ListTasksRequest::new()
            .with_task_name(request.task_name.clone())
            .with_create_start_ts(i64::try_from(since).unwrap_or(0))
            .with_page_size(100);
        let tasks = self.all_tasks(query);
        futures_util::pin_mut!(tasks);
        while let Some(task) = tasks.try_next().await? {
            if task.user_task_id.as_deref() == Some(user_task_id) {
                return Ok(Some(task));
            }
        }
        Ok(None)
    }
}

/// Settles a create whose answer was lost: the task is looked up by its `userTaskId` and the
/// create is sent again only when the task provably does not exist.
struct FindCreatedTask<'a> {
    client: &'a Client,
    request: &'a CreateTaskRequest,
    user_task_id: &'a str,
    since: u64,
    sent_contacts: usize,
}

impl Reconcile<CreatedTask> for FindCreatedTask<'_> {
    async fn settle(&mut self, error: Error, budget: &Budget) -> Settled<CreatedTask> {
        let endpoint = Endpoint::of::<CreateTaskRequest>();
        let user_task_id = self.user_task_id;
        // The lookup counts against the same overall deadline as the create.
        let lookup = within(
            budget,
            Endpoint::of::<ListTasksRequest>(),
            self.client
                .find_task(self.request, user_task_id, self.since),
        )
        .await;
        if let Ok(found) = &lookup {
            telemetry::reconciled(user_task_id, found.is_some());
        }
        match lookup {
            Ok(Some(found)) => Settled::Known(CreatedTask::reconciled(found, self.sent_contacts)),
            // After a timeout the gateway may still be working on the request: absent now
            // does not prove absent later, so re-sending could create a second task.
            Ok(None) if error.is_timeout() => Settled::Known(Err(Error::outcome_unknown(
                endpoint,
                format!(
                    "task/create timed out after sending; no task with userTaskId \
                     {user_task_id:?} exists yet, but the gateway may still create it: \
                     look it up by that userTaskId before creating it again"
                ),
                error,
            ))),
            // The gateway answered, so it acted on the request somehow: an answer it did
            // not make sense of is no proof that nothing was created.
            Ok(None) if error.is_unreadable_answer() => {
                Settled::Known(Err(Error::outcome_unknown(
                    endpoint,
                    format!(
                        "task/create was answered with something that is not a created task, \
                     and no task with userTaskId {user_task_id:?} is listed: it was not \
                     sent again; look it up by that userTaskId before creating it again"
                    ),
                    error,
                )))
            }
            // Provably not created: sent again while attempts are left.
            Ok(None) => Settled::SendAgain(error),
            Err(lookup) => Settled::Known(Err(Error::outcome_unknown(
                endpoint,
                format!(
                    "task/create may have created the task with userTaskId {user_task_id:?} \
                     (the answer was lost: {error}), and looking it up failed"
                ),
                lookup,
            ))),
        }
    }
}

impl Client {
    /// One page of tasks (`task/list`).
    pub async fn list_tasks(
        &self,
        request: &ListTasksRequest,
    ) -> Result<Reply<Page<TaskInfo>>, Error> {
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

/// A fresh `userTaskId`: `nxlink-` and 128 random bits in hex. [`Client::create_task`] gives
/// one to a create that has none; generate it yourself to know it before the create, e.g.
/// to write it down first and find the task by it after a crash.
pub fn new_user_task_id() -> String {
    const PREFIX: &str = "nxlink-";
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bits = fastrand::u128(..);
    let mut id = String::with_capacity(PREFIX.len() + 32);
    id.push_str(PREFIX);
    // By hand rather than `format!("{:032x}")`: every create without an id makes one.
    for nibble in (0..32).rev() {
        id.push(char::from(HEX[((bits >> (nibble * 4)) & 0xF) as usize]));
    }
    id
}
