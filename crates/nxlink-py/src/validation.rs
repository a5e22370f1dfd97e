//! Reading requests with the model's rules: `nxlink.validate_*` list every violation, and the
//! client reads its requests the same way (refusing an invalid one with
//! `TaskValidationError` before anything is sent).

use nxlink_model::{
    AppendContactsRequest, CreateTaskRequest, DeleteContactRequest, ListCallsRequest,
    ListFlowsRequest, ListRoutesRequest, ListTasksRequest, ParseError, decode,
};
use pyo3::prelude::*;

use crate::errors::validation_error;
use crate::request_json::request_json;
use crate::violation::Violation;

/// A request type, read from JSON and validated by the model: with its own `from_json` where
/// it has one (which reports values of the wrong JSON type at their paths, with every other
/// problem), otherwise with `nxlink_model::decode`.
pub(crate) trait ModelRequest: Sized + Send {
    /// Parses and validates `json`.
    fn read(json: &[u8]) -> Result<Self, ParseError>;
}

impl ModelRequest for CreateTaskRequest {
    fn read(json: &[u8]) -> Result<Self, ParseError> {
        CreateTaskRequest::from_json(json)
    }
}

impl ModelRequest for AppendContactsRequest {
    fn read(json: &[u8]) -> Result<Self, ParseError> {
        AppendContactsRequest::from_json(json)
    }
}

impl ModelRequest for DeleteContactRequest {
    fn read(json: &[u8]) -> Result<Self, ParseError> {
        DeleteContactRequest::from_json(json)
    }
}

/// Request types without a `from_json` of their own.
macro_rules! decoded_request {
    ($($request:ty),+) => {$(
        impl ModelRequest for $request {
            fn read(json: &[u8]) -> Result<Self, ParseError> {
                decode(json)
            }
        }
    )+};
}

decoded_request!(
    ListTasksRequest,
    ListCallsRequest,
    ListFlowsRequest,
    ListRoutesRequest
);

/// Every violation of a refused document; JSON that is not the request's shape at all is one
/// violation at the empty path, with serde's line and column.
fn violations(error: ParseError) -> Vec<Violation> {
    match error.validation_errors() {
        Some(errors) => errors.iter().cloned().map(Violation::from).collect(),
        None => vec![Violation::new("", error.to_string())],
    }
}

/// Reads `request` (a dict, `str` or `bytes`) as an `R`, the GIL released while the model
/// works; `Err` holds every violation.
fn read<R: ModelRequest>(request: &Bound<'_, PyAny>) -> PyResult<Result<R, Vec<Violation>>> {
    let json = request_json(request)?;
    let bytes = json.as_bytes();
    Ok(request.py().detach(|| R::read(bytes).map_err(violations)))
}

/// The request, or `TaskValidationError` listing every violation.
pub(crate) fn parse<R: ModelRequest>(request: &Bound<'_, PyAny>) -> PyResult<R> {
    read(request)?.map_err(|violations| {
        let lines: Vec<String> = violations.iter().map(ToString::to_string).collect();
        validation_error(
            request.py(),
            format!(
                "the request breaks {} rule(s); nothing was sent:\n{}",
                lines.len(),
                lines.join("\n")
            ),
            violations,
        )
    })
}

/// The violations of `request` as an `R`: empty when it is valid.
fn violations_of<R: ModelRequest>(request: &Bound<'_, PyAny>) -> PyResult<Vec<Violation>> {
    Ok(read::<R>(request)?.err().unwrap_or_default())
}

/// Every rule a task/create request breaks (`[]` when valid), each at its JSON path.
#[pyfunction]
pub(crate) fn validate_task(task: &Bound<'_, PyAny>) -> PyResult<Vec<Violation>> {
    violations_of::<CreateTaskRequest>(task)
}

/// Raises `TaskValidationError` listing every rule a task/create request breaks.
#[pyfunction]
pub(crate) fn check_task(task: &Bound<'_, PyAny>) -> PyResult<()> {
    parse::<CreateTaskRequest>(task).map(drop)
}

/// Every rule a call/append request breaks (`[]` when valid).
#[pyfunction]
pub(crate) fn validate_append(request: &Bound<'_, PyAny>) -> PyResult<Vec<Violation>> {
    violations_of::<AppendContactsRequest>(request)
}

/// Every rule an order/delete request breaks (`[]` when valid).
#[pyfunction]
pub(crate) fn validate_delete(request: &Bound<'_, PyAny>) -> PyResult<Vec<Violation>> {
    violations_of::<DeleteContactRequest>(request)
}

/// Every rule a task/list request breaks (`[]` when valid).
#[pyfunction]
pub(crate) fn validate_list_tasks(request: &Bound<'_, PyAny>) -> PyResult<Vec<Violation>> {
    violations_of::<ListTasksRequest>(request)
}

/// Every rule a call/list request breaks (`[]` when valid).
#[pyfunction]
pub(crate) fn validate_list_calls(request: &Bound<'_, PyAny>) -> PyResult<Vec<Violation>> {
    violations_of::<ListCallsRequest>(request)
}

/// Every rule a flow/list request breaks (`[]` when valid).
#[pyfunction]
pub(crate) fn validate_list_flows(request: &Bound<'_, PyAny>) -> PyResult<Vec<Violation>> {
    violations_of::<ListFlowsRequest>(request)
}

/// Every rule a route/list request breaks (`[]` when valid).
#[pyfunction]
pub(crate) fn validate_list_routes(request: &Bound<'_, PyAny>) -> PyResult<Vec<Violation>> {
    violations_of::<ListRoutesRequest>(request)
}
