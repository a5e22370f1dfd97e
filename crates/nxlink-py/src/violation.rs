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
    /// JSON path of the value.
    #[pyo3(get)]
    path: String,
    /// Why the value was refused.
    #[pyo3(get)]
    reason: String,
}

impl Violation {
    /// A violation at `path` (empty for the whole document).
    pub(crate) fn new(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Violation {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

impl From<nxlink_model::Violation> for Violation {
    fn from(violation: nxlink_model::Violation) -> Self {
        Violation::new(violation.path, violation.reason)
    }
}

/// `path: reason`, or the reason alone for the whole document (Python's `str()`).
impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.reason)
        } else {
            write!(f, "{}: {}", self.path, self.reason)
        }
    }
}

#[pymethods]
impl Violation {
    #[new]
    fn py_new(path: String, reason: String) -> Self {
        Violation::new(path, reason)
    }

    /// For pickle and copy: the arguments that make this violation again.
    fn __getnewargs__(&self) -> (String, String) {
        (self.path.clone(), self.reason.clone())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let path = self.path.as_str().into_pyobject(py)?.repr()?;
        let reason = self.reason.as_str().into_pyobject(py)?.repr()?;
        Ok(format!("Violation(path={path}, reason={reason})"))
    }
}
