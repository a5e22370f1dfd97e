//! `nxlink.Client`: the Rust client, one blocking method per endpoint. Each call reads its
//! request with the model's rules, then runs the async client on the shared runtime with the
//! GIL released.

use std::time::Duration;

use nxlink::{Algorithm, ClientBuilder, Credentials, Region, RetryPolicy};
use nxlink_model::{
    AppendContactsRequest, CreateTaskRequest, DeleteContactRequest, ListCallsRequest,
    ListFlowsRequest, ListRoutesRequest, ListTasksRequest, PagedRequest,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;
use serde::Serialize;

use crate::errors::{Exception, client_error};
use crate::json_objects::records;
use crate::pages::Records;
use crate::results::{AppendReport, CreatedTask, Page};
use crate::runtime::{block_on, within};
use crate::validation::{ModelRequest, parse};

/// A client for the NXLink AI-agent OpenAPI. Methods block the calling thread (not the other
/// Python threads); one client may be shared by threads, and should be: it pools connections.
#[pyclass(frozen, module = "nxlink", name = "Client")]
pub(crate) struct Client {
    inner: nxlink::Client,
    access_key: String,
    algorithm: Algorithm,
}

/// Seconds given from Python as a duration; `name` is the argument, for the error.
fn seconds(value: f64, name: &str) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value).map_err(|_| {
        PyValueError::new_err(format!(
            "{name} must be a finite number of seconds >= 0, not {value}"
        ))
    })
}

/// `ConfigError` with this text.
fn config_error(py: Python<'_>, description: String) -> PyErr {
    Exception::new(py, "ConfigError", description).into_err()
}

impl Client {
    /// Builds the Rust client (inside the runtime, which its transport uses).
    pub(crate) fn build(
        py: Python<'_>,
        builder: ClientBuilder,
        access_key: String,
        algorithm: Algorithm,
    ) -> PyResult<Self> {
        let inner = within(|| builder.build())?.map_err(|error| client_error(py, &error))?;
        Ok(Client {
            inner,
            access_key,
            algorithm,
        })
    }

    /// The request given, or the request type's defaults when none was.
    fn request_or_default<R: ModelRequest + Default>(
        request: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<R> {
        request.map_or_else(|| Ok(R::default()), parse)
    }

    /// One page of a list endpoint.
    fn page<R>(&self, py: Python<'_>, request: &R) -> PyResult<Page>
    where
        R: PagedRequest + Sync,
        R::Item: Serialize + Send,
    {
        let reply = block_on(py, self.inner.fetch_page(request))?
            .map_err(|error| client_error(py, &error))?;
        Page::new(py, &reply)
    }
}

#[pymethods]
impl Client {
    /// A client for `region` (`"hong-kong"`, `"americas"`, `"indonesia"`) or `base_url`
    /// (exactly one of the two), signing with `algorithm` (`"md5"` or `"sha256"`).
    #[new]
    #[pyo3(signature = (access_key, secret, *, region = None, base_url = None, algorithm = "md5", request_timeout = None, connect_timeout = None, batch_size = None, retries = true))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        access_key: String,
        secret: String,
        region: Option<&str>,
        base_url: Option<String>,
        algorithm: &str,
        request_timeout: Option<f64>,
        connect_timeout: Option<f64>,
        batch_size: Option<usize>,
        retries: bool,
    ) -> PyResult<Self> {
        let algorithm: Algorithm = algorithm
            .parse()
            .map_err(|error| config_error(py, format!("{error}")))?;
        let mut builder = ClientBuilder::new()
            .credentials(Credentials::new(access_key.clone(), secret))
            .algorithm(algorithm);
        if let Some(region) = region {
            let region: Region = region
                .parse()
                .map_err(|error| config_error(py, format!("{error}")))?;
            builder = builder.region(region);
        }
        if let Some(base_url) = base_url {
            builder = builder.base_url(base_url);
        }
        if let Some(timeout) = request_timeout {
            builder = builder.request_timeout(seconds(timeout, "request_timeout")?);
        }
        if let Some(timeout) = connect_timeout {
            builder = builder.connect_timeout(seconds(timeout, "connect_timeout")?);
        }
        if let Some(size) = batch_size {
            builder = builder.batch_size(size);
        }
        if !retries {
            builder = builder.retry_policy(RetryPolicy::disabled());
        }
        Client::build(py, builder, access_key, algorithm)
    }

    /// A client configured from `NXLINK_ACCESS_KEY`, `NXLINK_ACCESS_SECRET`, `NXLINK_REGION`
    /// or `NXLINK_BASE_URL`, and `NXLINK_SIGN_ALGORITHM`.
    #[staticmethod]
    fn from_env(py: Python<'_>) -> PyResult<Self> {
        let builder = ClientBuilder::from_env().map_err(|error| client_error(py, &error))?;
        let access_key = std::env::var(nxlink::ENV_ACCESS_KEY).unwrap_or_default();
        let algorithm = std::env::var(nxlink::ENV_SIGN_ALGORITHM)
            .ok()
            .and_then(|name| name.parse().ok())
            .unwrap_or_default();
        Client::build(py, builder, access_key, algorithm)
    }

    /// The base URL requests go to.
    #[getter]
    fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// Creates a task (`task/create`) from its documented JSON form (a dict, or JSON text).
    /// An invalid task raises `TaskValidationError` and sends nothing; a `callList` longer than
    /// a batch creates the task with the first batch and appends the rest.
    fn create_task(&self, py: Python<'_>, task: &Bound<'_, PyAny>) -> PyResult<CreatedTask> {
        let request: CreateTaskRequest = parse(task)?;
        let created = block_on(py, self.inner.create_task(&request))?
            .map_err(|error| client_error(py, &error))?;
        CreatedTask::new(py, &created)
    }

    /// Creates a task unless tasks with its `userTaskId` exist already (then raises
    /// `AlreadyExistsError` naming them, and sends nothing).
    fn create_task_once(&self, py: Python<'_>, task: &Bound<'_, PyAny>) -> PyResult<CreatedTask> {
        let request: CreateTaskRequest = parse(task)?;
        let created = block_on(py, self.inner.create_task_once(&request))?
            .map_err(|error| client_error(py, &error))?;
        CreatedTask::new(py, &created)
    }

    /// Appends any number of contacts (`call/append`, `{"taskId": …, "list": [...]}`): all are
    /// validated first, then sent in batches; the report says what happened to each.
    fn append_contacts(
        &self,
        py: Python<'_>,
        request: &Bound<'_, PyAny>,
    ) -> PyResult<AppendReport> {
        let request: AppendContactsRequest = parse(request)?;
        let report = block_on(py, self.inner.append_contacts(&request))?
            .map_err(|error| client_error(py, &error))?;
        AppendReport::new(py, report)
    }

    /// Deletes a contact not dialled yet (`order/delete`); returns the call ids the gateway
    /// gives for it.
    fn delete_contact(&self, py: Python<'_>, request: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
        let request: DeleteContactRequest = parse(request)?;
        let reply = block_on(py, self.inner.delete_contact(&request))?
            .map_err(|error| client_error(py, &error))?;
        Ok(reply.data)
    }

    /// Every task matching the filters (`task/list`), page after page, lazily.
    #[pyo3(signature = (request = None))]
    fn list_tasks(&self, request: Option<&Bound<'_, PyAny>>) -> PyResult<Records> {
        let request: ListTasksRequest = Self::request_or_default(request)?;
        Records::new(&self.inner, request)
    }

    /// One page of tasks (`task/list`).
    #[pyo3(signature = (request = None))]
    fn list_tasks_page(
        &self,
        py: Python<'_>,
        request: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Page> {
        let request: ListTasksRequest = Self::request_or_default(request)?;
        self.page(py, &request)
    }

    /// Every task whose `userTaskId` is `user_task_id`, newest first.
    fn find_tasks_by_user_task_id<'py>(
        &self,
        py: Python<'py>,
        user_task_id: &str,
    ) -> PyResult<Bound<'py, PyList>> {
        let tasks = block_on(py, self.inner.find_tasks_by_user_task_id(user_task_id))?
            .map_err(|error| client_error(py, &error))?;
        records(py, &tasks)
    }

    /// Every call record of a task (`call/list`, `{"taskId": …}` and filters), lazily.
    fn list_calls(&self, request: &Bound<'_, PyAny>) -> PyResult<Records> {
        let request: ListCallsRequest = parse(request)?;
        Records::new(&self.inner, request)
    }

    /// One page of a task's call records (`call/list`).
    fn list_calls_page(&self, py: Python<'_>, request: &Bound<'_, PyAny>) -> PyResult<Page> {
        let request: ListCallsRequest = parse(request)?;
        self.page(py, &request)
    }

    /// Every AI agent (`flow/list`), lazily; their `autoFlowId` is what tasks need.
    #[pyo3(signature = (request = None))]
    fn list_flows(&self, request: Option<&Bound<'_, PyAny>>) -> PyResult<Records> {
        let request: ListFlowsRequest = Self::request_or_default(request)?;
        Records::new(&self.inner, request)
    }

    /// One page of AI agents (`flow/list`).
    #[pyo3(signature = (request = None))]
    fn list_flows_page(
        &self,
        py: Python<'_>,
        request: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Page> {
        let request: ListFlowsRequest = Self::request_or_default(request)?;
        self.page(py, &request)
    }

    /// Every call route (`route/list`), lazily; their `routeId` is what tasks need.
    #[pyo3(signature = (request = None))]
    fn list_routes(&self, request: Option<&Bound<'_, PyAny>>) -> PyResult<Records> {
        let request: ListRoutesRequest = Self::request_or_default(request)?;
        Records::new(&self.inner, request)
    }

    /// One page of call routes (`route/list`).
    #[pyo3(signature = (request = None))]
    fn list_routes_page(
        &self,
        py: Python<'_>,
        request: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Page> {
        let request: ListRoutesRequest = Self::request_or_default(request)?;
        self.page(py, &request)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let base_url = self.inner.base_url().into_pyobject(py)?.repr()?;
        let access_key = self.access_key.as_str().into_pyobject(py)?.repr()?;
        Ok(format!(
            "Client(base_url={base_url}, access_key={access_key}, algorithm='{}')",
            self.algorithm
        ))
    }
}
