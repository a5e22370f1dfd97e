//! Raising the exceptions of `nxlink.errors` (defined in Python, so they pickle and subclass as
//! users expect) for the failures of the Rust crates.

use nxlink::{Error, ErrorKind};
use nxlink_sign::Rejection;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::violation::Violation;

/// The Python module holding the exception classes.
const ERRORS_MODULE: &str = "nxlink.errors";

/// An exception of `nxlink.errors` being put together: its class, its text, and the keyword
/// arguments that become its attributes (`code`, `trace_id`, …).
pub(crate) struct Exception<'py> {
    class: &'static str,
    description: String,
    kwargs: Bound<'py, PyDict>,
    failure: Option<PyErr>,
}

impl<'py> Exception<'py> {
    /// An exception of class `class` (a name in `nxlink.errors`) whose `str()` is `description`.
    pub(crate) fn new(
        py: Python<'py>,
        class: &'static str,
        description: impl Into<String>,
    ) -> Self {
        Exception {
            class,
            description: description.into(),
            kwargs: PyDict::new(py),
            failure: None,
        }
    }

    /// Sets the keyword argument (attribute) `key`.
    pub(crate) fn with<V: IntoPyObject<'py>>(mut self, key: &str, value: V) -> Self {
        if self.failure.is_none()
            && let Err(error) = self.kwargs.set_item(key, value)
        {
            self.failure = Some(error);
        }
        self
    }

    /// The exception, ready to raise (`Err(...)`) or to keep as a value.
    pub(crate) fn into_err(self) -> PyErr {
        if let Some(failure) = self.failure {
            return failure;
        }
        let py = self.kwargs.py();
        let instance = py
            .import(ERRORS_MODULE)
            .and_then(|module| module.getattr(self.class))
            .and_then(|class| class.call((self.description,), Some(&self.kwargs)));
        match instance {
            Ok(instance) => PyErr::from_value(instance),
            // The package is broken (say, `errors.py` missing): that error says so.
            Err(error) => error,
        }
    }
}

/// `TaskValidationError` listing `violations`.
pub(crate) fn validation_error(
    py: Python<'_>,
    description: impl Into<String>,
    violations: Vec<Violation>,
) -> PyErr {
    Exception::new(py, "TaskValidationError", description)
        .with("violations", violations)
        .into_err()
}

/// The exception for an error of the Rust client: its class follows the error's kind, and it
/// carries the gateway's `code`, `message` and `trace_id` when there were some.
pub(crate) fn client_error(py: Python<'_>, error: &Error) -> PyErr {
    let description = error.to_string();
    let class = match error.kind() {
        ErrorKind::Validation => {
            let violations: Vec<Violation> = error
                .validation_errors()
                .map(|errors| errors.iter().cloned().map(Violation::from).collect())
                .unwrap_or_default();
            return Exception::new(py, "TaskValidationError", description)
                .with("violations", violations)
                .with("endpoint", error.endpoint())
                .into_err();
        }
        ErrorKind::Api if error.is_auth() => "AuthenticationError",
        ErrorKind::Api => "ApiError",
        ErrorKind::Transport => "TransportError",
        ErrorKind::HttpStatus => "HttpStatusError",
        ErrorKind::Decode => "DecodeError",
        ErrorKind::Config => "ConfigError",
        ErrorKind::OutcomeUnknown => "OutcomeUnknownError",
        ErrorKind::AlreadyExists => "AlreadyExistsError",
        _ => "NXLinkError",
    };
    let exception = Exception::new(py, class, description)
        .with("code", error.api_code().map(|code| code.as_i64()))
        .with("message", error.api_message())
        .with("trace_id", error.trace_id())
        .with("endpoint", error.endpoint());
    match error.kind() {
        ErrorKind::HttpStatus => exception
            .with(
                "http_status",
                error.http_status_code().map(|status| status.as_u16()),
            )
            .with(
                "retry_after",
                error.retry_after().map(|wait| wait.as_secs_f64()),
            ),
        ErrorKind::AlreadyExists => exception.with(
            "existing_task_ids",
            error.existing_task_ids().unwrap_or_default(),
        ),
        _ => exception,
    }
    .into_err()
}

/// `CallbackVerificationError` for a refused callback: `reason` names the check that failed
/// (never what was expected), `age_ms` says how stale a stale one was.
pub(crate) fn callback_rejected(py: Python<'_>, rejection: &Rejection) -> PyErr {
    let (reason, age_ms) = match rejection {
        Rejection::MissingHeader(_) => ("missing_header", None),
        Rejection::UnknownAccessKey => ("unknown_access_key", None),
        Rejection::MalformedTimestamp => ("malformed_timestamp", None),
        Rejection::StaleTimestamp { age_ms } => ("stale_timestamp", Some(*age_ms)),
        Rejection::UnknownAlgorithm => ("unknown_algorithm", None),
        Rejection::BadSignature => ("bad_signature", None),
        _ => ("rejected", None),
    };
    Exception::new(
        py,
        "CallbackVerificationError",
        format!("callback refused: {rejection}"),
    )
    .with("reason", reason)
    .with("age_ms", age_ms)
    .into_err()
}
