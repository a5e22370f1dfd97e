//! `nxlink.Violation`: one broken rule of a request, at its JSON path.

use std::fmt;

use pyo3::prelude::*;

/// One broken rule: the JSON path of the offending value (e.g. `callList[3].phoneNumber`,
/// empty for the document as a whole) and what is wrong, in plain English.
#[pyclass(
    frozen,
    eq,
    hash,
    str,
    skip_from_py_object,
    module = "nxlink",
    name = "Violation"
)]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Violation {
    /// The model's violation, path and reason.
    inner: nxlink_model::Violation,
}

impl Violation {
    /// A violation at `path` (empty for the whole document).
    pub(crate) fn new(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Violation {
            inner: nxlink_model::Violation::new(path, reason),
        }
    }
}

impl From<nxlink_model::Violation> for Violation {
    fn from(inner: nxlink_model::Violation) -> Self {
        Violation { inner }
    }
}

/// `path: reason`, or the reason alone for the whole document (Python's `str()`), as the
/// model writes it.
impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

#[pymethods]
impl Violation {
    #[new]
    fn py_new(path: String, reason: String) -> Self {
        Violation::new(path, reason)
    }

    /// JSON path of the value (empty for the whole document).
    #[getter]
    fn path(&self) -> &str {
        self.inner.path()
    }

    /// Why the value was refused.
    #[getter]
    fn reason(&self) -> &str {
        self.inner.reason()
    }

    /// For pickle and copy: the arguments that make this violation again.
    fn __getnewargs__(&self) -> (String, String) {
        (self.inner.path.clone(), self.inner.reason.clone())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let path = self.inner.path().into_pyobject(py)?.repr()?;
        let reason = self.inner.reason().into_pyobject(py)?.repr()?;
        Ok(format!("Violation(path={path}, reason={reason})"))
    }
}
