//! A request as Python code gives it, turned into the JSON bytes the model reads: a `dict` in
//! the documented JSON shape (camelCase keys), or JSON text as `str` or `bytes`.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyString};

/// `json.dumps`, looked up once.
static JSON_DUMPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The request's JSON text as UTF-8 bytes, held by Python (so it can be read with the GIL
/// released: `bytes` never change).
///
/// A `dict` (or anything else) goes through `json.dumps` with `allow_nan=False` (NaN is not
/// JSON) and `ensure_ascii=False`; what it cannot serialize raises its `TypeError` or
/// `ValueError`. Text is taken as it is, so the model sees (and reports) exactly what was given.
pub(crate) fn request_json<'py>(request: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let py = request.py();
    if let Ok(bytes) = request.cast::<PyBytes>() {
        return Ok(bytes.clone());
    }
    if let Ok(bytes) = request.cast::<PyByteArray>() {
        return Ok(PyBytes::new(py, &bytes.to_vec()));
    }
    if let Ok(text) = request.cast::<PyString>() {
        return text.encode_utf8();
    }
    let kwargs = PyDict::new(py);
    kwargs.set_item("ensure_ascii", false)?;
    kwargs.set_item("allow_nan", false)?;
    kwargs.set_item("separators", (",", ":"))?;
    let text = JSON_DUMPS
        .import(py, "json", "dumps")?
        .call((request,), Some(&kwargs))?;
    text.cast_into::<PyString>()?.encode_utf8()
}
