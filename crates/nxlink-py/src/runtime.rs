//! The one tokio runtime every `Client` and `Emulator` of the process runs on, and running a
//! future on it with the GIL released.

use std::future::Future;
use std::pin::pin;
use std::sync::OnceLock;
use std::time::Duration;

use futures_util::future::{Either, select};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use tokio::runtime::Runtime;

/// How often a long call looks for Ctrl-C (a pending `KeyboardInterrupt`) while it waits.
const SIGNAL_CHECK_INTERVAL: Duration = Duration::from_millis(100);

/// Worker threads of the shared runtime: the client's work is I/O and hashing, and the machines
/// it runs on are often small; the Python threads calling in add their own.
const WORKER_THREADS: usize = 2;

static RUNTIME: OnceLock<Runtime> = OnceLock::new();

/// The shared runtime, started on first use. Background work (pooled connections, the
/// emulator's bookkeeping) goes on between Python calls.
fn shared() -> PyResult<&'static Runtime> {
    if let Some(runtime) = RUNTIME.get() {
        return Ok(runtime);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKER_THREADS)
        .thread_name("nxlink-py")
        .enable_all()
        .build()
        .map_err(|error| {
            PyRuntimeError::new_err(format!("nxlink: could not start the I/O runtime: {error}"))
        })?;
    // Two threads may race here; the loser's runtime is dropped unused.
    Ok(RUNTIME.get_or_init(|| runtime))
}

/// Runs `future` to completion on the shared runtime without holding the GIL, so other Python
/// threads run meanwhile. A signal (Ctrl-C) arriving meanwhile drops the future, cancelling
/// what it was doing, and raises as Python would (`KeyboardInterrupt`).
pub(crate) fn block_on<F>(py: Python<'_>, future: F) -> PyResult<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    let runtime = shared()?;
    py.detach(|| runtime.block_on(interruptible(future)))
}

/// `future`, looking for pending Python signals every [`SIGNAL_CHECK_INTERVAL`].
async fn interruptible<F: Future>(future: F) -> PyResult<F::Output> {
    let mut future = pin!(future);
    loop {
        let tick = pin!(tokio::time::sleep(SIGNAL_CHECK_INTERVAL));
        match select(future.as_mut(), tick).await {
            Either::Left((output, _)) => return Ok(output),
            Either::Right(((), _)) => Python::attach(|py| py.check_signals())?,
        }
    }
}

/// Runs `set_up` inside the shared runtime's context, for constructors that set up I/O.
pub(crate) fn within<T>(set_up: impl FnOnce() -> T) -> PyResult<T> {
    let _entered = shared()?.enter();
    Ok(set_up())
}

/// Starts `task` on the shared runtime, in the background.
pub(crate) fn spawn(task: impl Future<Output = ()> + Send + 'static) -> PyResult<()> {
    drop(shared()?.spawn(task));
    Ok(())
}
