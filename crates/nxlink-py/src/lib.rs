//! The Python package `nxlink`: the SDK's own model, signing, client and emulator, exposed to
//! Python through PyO3 as the extension module `nxlink._native` (wrapped by the pure-Python
//! files under `python/nxlink`, which add the exception classes, the `testing` module and the
//! type stubs). No rule is written twice: validation is `nxlink-model`'s, signing
//! `nxlink-sign`'s, the client `nxlink`'s and the emulator `nxlink-testkit`'s.
//!
//! # `unsafe_code`
//!
//! The crate keeps the workspace's `#![forbid(unsafe_code)]`. PyO3 0.29's macros
//! (`#[pymodule]`, `#[pyfunction]`, `#[pyclass]`, `#[pymethods]`) do expand to `unsafe` blocks
//! (FFI entry points, getters), but emit them with the macro's own spans, which the lint does
//! not report in the calling crate: PyO3 does this on purpose (`pyo3-macros-backend`'s
//! `pymethod.rs` says so) and has fixed regressions compiling under `forbid(unsafe_code)`
//! (its changelog: #4396, #4574). So no `allow` is needed, and any `unsafe` written in this
//! crate by hand is still refused; the FFI itself lives in `pyo3` and `pyo3-ffi`.
//!
//! # Threads and the GIL
//!
//! Every call that waits on the network runs on one shared tokio runtime with the GIL released
//! (`src/runtime.rs`), so other Python threads run meanwhile, and a pending Ctrl-C cancels it.
#![forbid(unsafe_code)]

mod client;
mod emulator;
mod errors;
mod json_objects;
mod pages;
mod request_json;
mod results;
mod runtime;
mod signing;
mod validation;
mod violation;

use pyo3::prelude::*;

/// The native half of the `nxlink` package; import `nxlink` instead.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<violation::Violation>()?;
    module.add_class::<client::Client>()?;
    module.add_class::<results::CreatedTask>()?;
    module.add_class::<results::AppendReport>()?;
    module.add_class::<results::FailedBatch>()?;
    module.add_class::<results::Page>()?;
    module.add_class::<pages::Records>()?;
    module.add_class::<emulator::Emulator>()?;
    module.add_function(wrap_pyfunction!(validation::validate_task, module)?)?;
    module.add_function(wrap_pyfunction!(validation::check_task, module)?)?;
    module.add_function(wrap_pyfunction!(validation::validate_append, module)?)?;
    module.add_function(wrap_pyfunction!(validation::validate_delete, module)?)?;
    module.add_function(wrap_pyfunction!(validation::validate_list_tasks, module)?)?;
    module.add_function(wrap_pyfunction!(validation::validate_list_calls, module)?)?;
    module.add_function(wrap_pyfunction!(validation::validate_list_flows, module)?)?;
    module.add_function(wrap_pyfunction!(validation::validate_list_routes, module)?)?;
    module.add_function(wrap_pyfunction!(signing::sign, module)?)?;
    module.add_function(wrap_pyfunction!(signing::verify_callback, module)?)?;
    module.add("DEMO_ACCESS_KEY", nxlink_testkit::DEMO_ACCESS_KEY)?;
    module.add("DEMO_ACCESS_SECRET", nxlink_testkit::DEMO_ACCESS_SECRET)?;
    Ok(())
}
