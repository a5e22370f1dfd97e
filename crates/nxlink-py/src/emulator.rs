//! `nxlink.testing.Emulator`: the faithful gateway emulator of `nxlink-testkit`, running in
//! this process on loopback, for tests written in Python.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use nxlink::{Algorithm, ClientBuilder, Credentials};
use nxlink_testkit::{DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, ManualClock, SimulationError};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::client::Client;
use crate::runtime::block_on;

/// An emulated NXLink gateway on `127.0.0.1` (an ephemeral port), accepting one account. It
/// checks every request as the gateway does (headers, signature, `ts`, every rule), refuses
/// numbers starting with `999` one by one (partial imports), and stops when closed, when its
/// `with` block ends, or when it is garbage-collected.
#[pyclass(frozen, module = "nxlink.testing", name = "Emulator")]
pub(crate) struct Emulator {
    /// The server; `None` once closed. Shared so that no lock is held while it works.
    running: Mutex<Option<Arc<nxlink_testkit::Emulator>>>,
    base_url: String,
    access_key: String,
    access_secret: String,
}

impl Emulator {
    /// The running server, or `RuntimeError` once closed.
    fn server(&self) -> PyResult<Arc<nxlink_testkit::Emulator>> {
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or_else(|| PyRuntimeError::new_err("the emulator is closed"))
    }
}

#[pymethods]
impl Emulator {
    /// Starts an emulator accepting `access_key` / `access_secret` (a demo account by
    /// default). With `manual_clock=True` its clock stands still until `advance` moves it (and
    /// runs the dialer: calls, call records and callbacks).
    #[new]
    #[pyo3(signature = (access_key = DEMO_ACCESS_KEY, access_secret = DEMO_ACCESS_SECRET, *, manual_clock = false))]
    fn new(
        py: Python<'_>,
        access_key: &str,
        access_secret: &str,
        manual_clock: bool,
    ) -> PyResult<Self> {
        if access_key.is_empty() || access_secret.is_empty() {
            return Err(PyValueError::new_err(
                "the access key and the access secret must not be empty",
            ));
        }
        let mut builder = nxlink_testkit::Emulator::builder().account(access_key, access_secret);
        if manual_clock {
            builder = builder.clock(ManualClock::starting_now());
        }
        let server = block_on(py, builder.start())?.map_err(|error| {
            PyRuntimeError::new_err(format!("the emulator could not start: {error}"))
        })?;
        Ok(Emulator {
            base_url: server.base_url(),
            running: Mutex::new(Some(Arc::new(server))),
            access_key: access_key.to_owned(),
            access_secret: access_secret.to_owned(),
        })
    }

    /// The base URL to point a client at, e.g. `http://127.0.0.1:41234`.
    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The access key it accepts.
    #[getter]
    fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The access secret it accepts (never shown by `repr`).
    #[getter]
    fn access_secret(&self) -> &str {
        &self.access_secret
    }

    /// A `Client` for this emulator's account, signing with `algorithm`.
    #[pyo3(signature = (*, algorithm = "md5", batch_size = None))]
    fn client(
        &self,
        py: Python<'_>,
        algorithm: &str,
        batch_size: Option<usize>,
    ) -> PyResult<Client> {
        let algorithm: Algorithm = algorithm
            .parse()
            .map_err(|error| PyValueError::new_err(format!("{error}")))?;
        let mut builder = ClientBuilder::new()
            .base_url(self.base_url.clone())
            .credentials(Credentials::new(
                self.access_key.clone(),
                self.access_secret.clone(),
            ))
            .algorithm(algorithm);
        if let Some(size) = batch_size {
            builder = builder.batch_size(size);
        }
        Client::build(py, builder, self.access_key.clone(), algorithm)
    }

    /// How many requests it received so far, refused ones included.
    #[getter]
    fn request_count(&self) -> PyResult<usize> {
        Ok(self.server()?.request_count())
    }

    /// The emulated gateway's clock, in ms since the epoch.
    #[getter]
    fn now_ms(&self) -> PyResult<i64> {
        Ok(self.server()?.now_ms())
    }

    /// The ids of the tasks it holds, oldest first.
    fn task_ids(&self) -> PyResult<Vec<String>> {
        Ok(self
            .server()?
            .tasks()
            .into_iter()
            .map(|task| task.task_id)
            .collect())
    }

    /// The contact ids a task holds, in import order (`[]` for an unknown task).
    fn contact_ids(&self, task_id: &str) -> PyResult<Vec<String>> {
        Ok(self
            .server()?
            .contacts(task_id)
            .into_iter()
            .map(|stored| stored.contact.contact_id)
            .collect())
    }

    /// Starts a task as a console user would (it then dials); False for an unknown task.
    fn start_task(&self, task_id: &str) -> PyResult<bool> {
        Ok(self.server()?.start_task(task_id))
    }

    /// Moves the manual clock forward by `seconds`, running the dialer, and returns once the
    /// callbacks it produced were delivered (or given up on).
    fn advance(&self, py: Python<'_>, seconds: f64) -> PyResult<()> {
        let by = Duration::try_from_secs_f64(seconds).map_err(|_| {
            PyValueError::new_err(format!(
                "seconds must be a finite number >= 0, not {seconds}"
            ))
        })?;
        let server = self.server()?;
        block_on(py, server.advance(by))?.map_err(|error| match error {
            SimulationError::NotManualClock => PyRuntimeError::new_err(
                "advance needs an emulator started with manual_clock=True: the system clock \
                 cannot be moved",
            ),
            other => PyRuntimeError::new_err(format!("could not advance: {other}")),
        })
    }

    /// Waits until every callback queued so far was delivered or given up on.
    fn wait_for_callbacks(&self, py: Python<'_>) -> PyResult<()> {
        let server = self.server()?;
        block_on(py, server.wait_for_callbacks())
    }

    /// Stops the server and waits for it to end; closing twice does nothing.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let taken = self
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        // A call still using it keeps a reference; the server then stops when that ends.
        if let Some(server) = taken.and_then(|server| Arc::try_unwrap(server).ok()) {
            block_on(py, server.shutdown())?;
        }
        Ok(())
    }

    fn __enter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    #[pyo3(signature = (*_exception))]
    fn __exit__(&self, py: Python<'_>, _exception: &Bound<'_, PyTuple>) -> PyResult<bool> {
        self.close(py)?;
        Ok(false)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let base_url = self.base_url.as_str().into_pyobject(py)?.repr()?;
        let access_key = self.access_key.as_str().into_pyobject(py)?.repr()?;
        let closed = self
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_none();
        Ok(format!(
            "Emulator(base_url={base_url}, access_key={access_key}{})",
            if closed { ", closed" } else { "" }
        ))
    }
}
