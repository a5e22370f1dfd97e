//! What the client's calls return: `CreatedTask`, `AppendReport` (with its `FailedBatch`es)
//! and `Page`. Gateway records inside them are dicts in the documented JSON shape.

use nxlink::Reply;
use nxlink_model::Page as ModelPage;
use pyo3::prelude::*;
use pyo3::types::PyList;
use serde::Serialize;

use crate::errors::client_error;
use crate::json_objects::records;

/// Contacts that could not be appended (sent, or their outcome known), with the error and
/// the contacts themselves, to send again.
#[pyclass(frozen, module = "nxlink", name = "FailedBatch")]
pub(crate) struct FailedBatch {
    /// Position of the batch (0-based) in the run.
    #[pyo3(get)]
    index: usize,
    /// Position (0-based, in the input) of the batch's first contact.
    #[pyo3(get)]
    first_contact: usize,
    /// Why it failed: an `NXLinkError` (not raised).
    #[pyo3(get)]
    error: Py<PyAny>,
    /// The batch's contacts, as dicts.
    #[pyo3(get)]
    contacts: Py<PyList>,
}

#[pymethods]
impl FailedBatch {
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "FailedBatch(index={}, first_contact={}, contacts={}, error={})",
            self.index,
            self.first_contact,
            self.contacts.bind(py).len(),
            self.error
                .bind(py)
                .repr()
                .map_or_else(|_| "?".to_owned(), |repr| repr.to_string())
        )
    }
}

/// The failed batches of a run as a Python list of `FailedBatch`.
fn failed_batches<'py>(
    py: Python<'py>,
    failed: &[nxlink::FailedBatch],
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for batch in failed {
        let failed = FailedBatch {
            index: batch.index,
            first_contact: batch.first_contact,
            error: client_error(py, &batch.error).into_value(py).into_any(),
            contacts: records(py, &batch.contacts)?.unbind(),
        };
        list.append(Bound::new(py, failed)?)?;
    }
    Ok(list)
}

/// A task the gateway created, with the contacts it refused kept in plain sight.
#[pyclass(frozen, module = "nxlink", name = "CreatedTask")]
pub(crate) struct CreatedTask {
    /// The gateway's id of the new task.
    #[pyo3(get)]
    task_id: String,
    /// Your task id as echoed (yours, or the one generated for this create).
    #[pyo3(get)]
    user_task_id: Option<String>,
    /// The task's status code right after creation (1 ready, 2 in progress, …).
    #[pyo3(get)]
    status: i64,
    /// Contacts imported.
    #[pyo3(get)]
    success_count: u64,
    /// Contacts processed.
    #[pyo3(get)]
    total_count: u64,
    /// Contacts the gateway refused (`errList` entries: contactId, name, phoneNumber, errMsg).
    #[pyo3(get)]
    rejected: Py<PyList>,
    /// Contacts beyond the first batch that could not be appended.
    #[pyo3(get)]
    failed: Py<PyList>,
    /// The gateway's `traceId` for the create.
    #[pyo3(get)]
    trace_id: Option<String>,
    /// Whether the create's answer was lost and the task was found by `userTaskId` instead.
    #[pyo3(get)]
    reconciled: bool,
    partial: bool,
    complete: bool,
}

impl CreatedTask {
    /// The Python form of the client's answer.
    pub(crate) fn new(py: Python<'_>, created: &nxlink::CreatedTask) -> PyResult<Self> {
        Ok(CreatedTask {
            task_id: created.task_id.clone(),
            user_task_id: created.user_task_id.clone(),
            status: i64::from(created.status),
            success_count: created.success_count,
            total_count: created.total_count,
            rejected: records(py, &created.rejected)?.unbind(),
            failed: failed_batches(py, &created.failed)?.unbind(),
            trace_id: created.trace_id.clone(),
            reconciled: created.reconciled,
            partial: created.is_partial(),
            complete: created.is_complete(),
        })
    }
}

#[pymethods]
impl CreatedTask {
    /// Whether some contacts were not imported: success with warnings.
    #[getter]
    fn is_partial(&self) -> bool {
        self.partial
    }

    /// Whether every contact was either imported or refused by the gateway.
    #[getter]
    fn is_complete(&self) -> bool {
        self.complete
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "CreatedTask(task_id={}, success_count={}, total_count={}, rejected={}, failed={})",
            self.task_id.as_str().into_pyobject(py)?.repr()?,
            self.success_count,
            self.total_count,
            self.rejected.bind(py).len(),
            self.failed.bind(py).len()
        ))
    }
}

/// What happened to every contact of an append: each is in exactly one of `submitted`,
/// `already_present`, `rejected` or `failed`.
#[pyclass(frozen, module = "nxlink", name = "AppendReport")]
pub(crate) struct AppendReport {
    /// Ids of the contacts the gateway accepted.
    #[pyo3(get)]
    submitted: Vec<String>,
    /// Ids of contacts the gateway already had (sent by an earlier attempt or run).
    #[pyo3(get)]
    already_present: Vec<String>,
    /// Contacts the gateway refused, each with its reason (`errList` entries).
    #[pyo3(get)]
    rejected: Py<PyList>,
    /// Batches not submitted, or whose outcome is unknown, with their contacts.
    #[pyo3(get)]
    failed: Py<PyList>,
    /// Ids accepted by a re-send after a lost answer: the gateway may hold these twice.
    #[pyo3(get)]
    maybe_doubled: Vec<String>,
    failed_count: usize,
}

impl AppendReport {
    /// The Python form of the client's report.
    pub(crate) fn new(py: Python<'_>, report: nxlink::AppendReport) -> PyResult<Self> {
        Ok(AppendReport {
            failed: failed_batches(py, &report.failed)?.unbind(),
            rejected: records(py, &report.rejected)?.unbind(),
            failed_count: report.failed_count(),
            submitted: report.submitted,
            already_present: report.already_present,
            maybe_doubled: report.maybe_doubled,
        })
    }
}

#[pymethods]
impl AppendReport {
    /// Whether every contact was accepted, already present, or refused by the gateway.
    #[getter]
    fn is_complete(&self) -> bool {
        self.failed_count == 0
    }

    /// How many contacts did not go through (in `failed`).
    #[getter]
    fn failed_count(&self) -> usize {
        self.failed_count
    }

    /// The contacts to append again to finish the run, in input order.
    fn unsent<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let unsent = PyList::empty(py);
        for batch in self.failed.bind(py).iter() {
            for contact in batch.cast::<FailedBatch>()?.get().contacts.bind(py).iter() {
                unsent.append(contact)?;
            }
        }
        Ok(unsent)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "AppendReport(submitted={}, already_present={}, rejected={}, failed_count={})",
            self.submitted.len(),
            self.already_present.len(),
            self.rejected.bind(py).len(),
            self.failed_count
        )
    }
}

/// One page of a list endpoint.
#[pyclass(frozen, module = "nxlink", name = "Page")]
pub(crate) struct Page {
    /// The records of this page, as dicts.
    #[pyo3(get)]
    items: Py<PyList>,
    /// How many records match in all (0 when the gateway did not say).
    #[pyo3(get)]
    total: u64,
    /// This page's number, 1-based.
    #[pyo3(get)]
    page_number: u32,
    /// Records per page asked for.
    #[pyo3(get)]
    page_size: u32,
    /// The gateway's `traceId`.
    #[pyo3(get)]
    trace_id: Option<String>,
}

impl Page {
    /// The Python form of one page.
    pub(crate) fn new<T: Serialize>(py: Python<'_>, reply: &Reply<ModelPage<T>>) -> PyResult<Self> {
        Ok(Page {
            items: records(py, &reply.data.items)?.unbind(),
            total: reply.data.total,
            page_number: reply.data.page_number,
            page_size: reply.data.page_size,
            trace_id: reply.trace_id.clone(),
        })
    }
}

#[pymethods]
impl Page {
    fn __len__(&self, py: Python<'_>) -> usize {
        self.items.bind(py).len()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Page(page_number={}, page_size={}, total={}, items={})",
            self.page_number,
            self.page_size,
            self.total,
            self.items.bind(py).len()
        )
    }
}
