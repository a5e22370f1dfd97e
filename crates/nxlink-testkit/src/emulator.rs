//! Starting, inspecting and stopping an emulator.
//!
//! The server runs on its own thread with its own tokio runtime, so it works the same under
//! any test runtime (current-thread included), from blocking code, and outlives the runtime
//! of the test that started it if it is shared.

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use nxlink_sign::Credentials;
use tokio::sync::{oneshot, watch};

use crate::accounts::{Accounts, demo_credentials};
use crate::backend::Backend;
use crate::clock::{Clock, SystemClock};
use crate::error::EmulatorError;
use crate::ids::IdSource;
use crate::numbers::NumberPolicy;
use crate::recorder::{RecordedRequest, Recorder};
use crate::server;
use crate::state::{StoredTask, TaskStore};

/// Default cap on a request body: 64 MiB. Larger bodies get HTTP 413 unread.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// How long the runtime may take to wind down its last tasks once the server stopped.
const RUNTIME_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(1);

/// A running emulated gateway on a local port. Dropping it stops the server.
pub struct Emulator {
    addr: SocketAddr,
    backend: Arc<Backend>,
    stop: Option<watch::Sender<bool>>,
    finished: Option<oneshot::Receiver<()>>,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .field("requests", &self.backend.recorder.count())
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// A builder, to choose accounts, address, clock and number policy.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// Starts an emulator on `127.0.0.1` with an ephemeral port, accepting the demo account
    /// ([`crate::DEMO_ACCESS_KEY`] / [`crate::DEMO_ACCESS_SECRET`]).
    pub async fn start() -> Result<Emulator, EmulatorError> {
        Emulator::builder().start().await
    }

    /// The base URL to point a client at, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Credentials of the first configured account (the demo account by default).
    pub fn credentials(&self) -> Credentials {
        self.backend
            .accounts
            .first()
            .cloned()
            .unwrap_or_else(demo_credentials)
    }

    /// Every request received so far, oldest first, refused ones included.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.backend.recorder.all()
    }

    /// How many requests were received so far.
    pub fn request_count(&self) -> usize {
        self.backend.recorder.count()
    }

    /// Forgets the requests received so far (the count restarts at zero).
    pub fn clear_requests(&self) {
        self.backend.recorder.clear();
    }

    /// The tasks the emulator holds, oldest first.
    pub fn tasks(&self) -> Vec<StoredTask> {
        self.backend.tasks.all()
    }

    /// The clock the emulator checks `ts` against and writes `Date` from.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.backend.clock
    }

    /// Stops accepting connections, lets in-flight requests finish (up to a couple of
    /// seconds), and returns once the server thread has ended.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        if let Some(finished) = self.finished.take() {
            // An error only means the thread is already gone.
            let _ = finished.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // The server thread notices and ends on its own; `Drop` cannot wait for it.
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
    }
}

/// Configures an [`Emulator`] before starting it.
pub struct EmulatorBuilder {
    accounts: Accounts,
    bind: SocketAddr,
    clock: Arc<dyn Clock>,
    numbers: NumberPolicy,
    max_body_bytes: usize,
    max_recorded: Option<usize>,
    log_requests: bool,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            accounts: Accounts::default(),
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            clock: Arc::new(SystemClock),
            numbers: NumberPolicy::default(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_recorded: None,
            log_requests: false,
        }
    }
}

impl fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("accounts", &self.accounts)
            .field("bind", &self.bind)
            .field("clock", &self.clock)
            .field("numbers", &self.numbers)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_recorded", &self.max_recorded)
            .field("log_requests", &self.log_requests)
            .finish()
    }
}

impl EmulatorBuilder {
    /// Accepts this account; call again for more. With none, the demo account is accepted.
    #[must_use]
    pub fn account(mut self, access_key: impl Into<String>, secret: impl Into<String>) -> Self {
        self.accounts.insert(Credentials::new(access_key, secret));
        self
    }

    /// Listens on `addr` (default `127.0.0.1:0`, an ephemeral port).
    #[must_use]
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// Uses `clock` for `ts` checks, `Date` headers and task times (default: system clock).
    /// Keep a clone of a [`crate::ManualClock`] to move the time during a test.
    #[must_use]
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Refuses, besides malformed numbers, every number `refuse` returns true for; it
    /// replaces the default rule [`crate::is_unassigned_country_code`] (numbers starting
    /// with `999`), which a predicate can still call.
    #[must_use]
    pub fn refuse_numbers(mut self, refuse: impl Fn(&str) -> bool + Send + Sync + 'static) -> Self {
        self.numbers = NumberPolicy::new(refuse);
        self
    }

    /// Caps request bodies at `bytes` (default [`DEFAULT_MAX_BODY_BYTES`]).
    #[must_use]
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Keeps only the latest `count` requests in [`Emulator::requests`] (default: all);
    /// for long-running servers. [`Emulator::request_count`] still counts every request.
    #[must_use]
    pub fn max_recorded_requests(mut self, count: usize) -> Self {
        self.max_recorded = Some(count);
        self
    }

    /// Prints one line per request on stderr: method, path, answer and why.
    #[must_use]
    pub fn log_requests(mut self, log: bool) -> Self {
        self.log_requests = log;
        self
    }

    /// Binds the socket and starts the server on its own thread.
    pub async fn start(self) -> Result<Emulator, EmulatorError> {
        let bind = self.bind;
        let bind_error = |source| EmulatorError::Bind { addr: bind, source };
        let listener = std::net::TcpListener::bind(bind).map_err(bind_error)?;
        listener.set_nonblocking(true).map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;

        let mut accounts = self.accounts;
        if accounts.is_empty() {
            accounts.insert(demo_credentials());
        }
        let backend = Arc::new(Backend {
            accounts,
            clock: self.clock,
            tasks: TaskStore::default(),
            numbers: self.numbers,
            ids: IdSource::new(),
            recorder: Recorder::new(self.max_recorded),
            max_body_bytes: self.max_body_bytes,
            log_requests: self.log_requests,
        });

        let (stop_tx, stop_rx) = watch::channel(false);
        let (ready_tx, ready_rx) = oneshot::channel::<io::Result<()>>();
        let (finished_tx, finished_rx) = oneshot::channel();
        let server_backend = Arc::clone(&backend);
        std::thread::Builder::new()
            .name(format!("nxlink-emulator-{}", addr.port()))
            .spawn(move || {
                run_server(listener, server_backend, stop_rx, ready_tx);
                let _ = finished_tx.send(());
            })
            .map_err(EmulatorError::Runtime)?;

        match ready_rx.await {
            Ok(Ok(())) => Ok(Emulator {
                addr,
                backend,
                stop: Some(stop_tx),
                finished: Some(finished_rx),
            }),
            Ok(Err(error)) => Err(EmulatorError::Runtime(error)),
            Err(_) => Err(EmulatorError::Runtime(io::Error::other(
                "the server thread ended before it was ready",
            ))),
        }
    }
}

/// The server thread's body: its own runtime, the accept loop, then a bounded wind-down.
fn run_server(
    listener: std::net::TcpListener,
    backend: Arc<Backend>,
    stop: watch::Receiver<bool>,
    ready: oneshot::Sender<io::Result<()>>,
) {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("nxlink-emulator-worker")
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = ready.send(Err(error));
            return;
        }
    };
    runtime.block_on(async move {
        match tokio::net::TcpListener::from_std(listener) {
            Ok(listener) => {
                let _ = ready.send(Ok(()));
                server::serve(listener, backend, stop).await;
            }
            Err(error) => {
                let _ = ready.send(Err(error));
            }
        }
    });
    runtime.shutdown_timeout(RUNTIME_SHUTDOWN_TIMEOUT);
}
