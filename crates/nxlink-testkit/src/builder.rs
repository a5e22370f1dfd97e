//! Configuring an emulator before it starts, and starting it on its own thread.

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::AtomicI64;
use std::time::Duration;

use nxlink_sign::Credentials;
use tokio::runtime::Handle;
use tokio::sync::{oneshot, watch};

use crate::accounts::{Accounts, demo_credentials};
use crate::call_outcome::CallOutcome;
use crate::callback_delivery;
use crate::callbacks::{Outbox, Queue};
use crate::catalog::Catalog;
use crate::clock::{Clock, SystemClock};
use crate::contact::StoredContact;
use crate::emulator::Emulator;
use crate::error::EmulatorError;
use crate::faults::{FaultRule, Faults};
use crate::gateway_state::GatewayState;
use crate::ids::IdSource;
use crate::numbers::NumberPolicy;
use crate::outcome::OutcomeRule;
use crate::page::PageShape;
use crate::recorder::Recorder;
use crate::redelivery::RedeliverySchedule;
use crate::repeats::{RepeatedContactIds, RepeatedUserTaskIds};
use crate::server;
use crate::simulation::{self, DEFAULT_SIMULATION_STEP, Simulation};
use crate::task_table::SharedTasks;

/// Default cap on a request body: 64 MiB. Larger bodies get HTTP 413 unread.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// How long the runtime may take to wind down its last tasks once the server stopped.
const RUNTIME_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(1);

/// Configures an [`Emulator`] before starting it.
pub struct EmulatorBuilder {
    accounts: Accounts,
    bind: SocketAddr,
    clock: Arc<dyn Clock>,
    numbers: NumberPolicy,
    catalog: Catalog,
    outcomes: OutcomeRule,
    faults: Vec<FaultRule>,
    page_shape: PageShape,
    repeated_contact_ids: RepeatedContactIds,
    repeated_user_task_ids: RepeatedUserTaskIds,
    step: Duration,
    realtime: Option<f64>,
    max_body_bytes: usize,
    max_recorded: Option<usize>,
    log_requests: bool,
    redelivery: RedeliverySchedule,
    callback_concurrency: usize,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            accounts: Accounts::default(),
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            clock: Arc::new(SystemClock),
            numbers: NumberPolicy::default(),
            catalog: Catalog::default(),
            outcomes: OutcomeRule::default(),
            faults: Vec::new(),
            page_shape: PageShape::default(),
            repeated_contact_ids: RepeatedContactIds::default(),
            repeated_user_task_ids: RepeatedUserTaskIds::default(),
            step: DEFAULT_SIMULATION_STEP,
            realtime: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_recorded: None,
            log_requests: false,
            redelivery: RedeliverySchedule::default(),
            callback_concurrency: 1,
        }
    }
}

impl fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("accounts", &self.accounts)
            .field("bind", &self.bind)
            .field("clock", &self.clock)
            .field("catalog", &self.catalog)
            .field("faults", &self.faults)
            .field("page_shape", &self.page_shape)
            .field("repeated_contact_ids", &self.repeated_contact_ids)
            .field("repeated_user_task_ids", &self.repeated_user_task_ids)
            .field("step", &self.step)
            .field("realtime", &self.realtime)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_recorded", &self.max_recorded)
            .field("log_requests", &self.log_requests)
            .field("redelivery", &self.redelivery)
            .field("callback_concurrency", &self.callback_concurrency)
            .finish_non_exhaustive()
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
    /// Give it a clone of a [`crate::ManualClock`] to drive the dialer with
    /// [`Emulator::advance`].
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

    /// Adds an AI agent to the catalog (or renames one), next to the seeded ones
    /// ([`crate::SEEDED_FLOWS`]).
    #[must_use]
    pub fn flow(mut self, auto_flow_id: i64, name: impl Into<String>) -> Self {
        self.catalog.add_flow(auto_flow_id, name);
        self
    }

    /// Adds a call route to the catalog (or renames one), next to the seeded ones
    /// ([`crate::SEEDED_ROUTES`]).
    #[must_use]
    pub fn route(mut self, route_id: impl Into<String>, name: impl Into<String>) -> Self {
        self.catalog.add_route(route_id, name);
        self
    }

    /// What call/append does with a contact id the task already holds (default: refuse).
    #[must_use]
    pub fn repeated_contact_ids(mut self, rule: RepeatedContactIds) -> Self {
        self.repeated_contact_ids = rule;
        self
    }

    /// What task/create does with a userTaskId the account already has (default: accept).
    #[must_use]
    pub fn repeated_user_task_ids(mut self, rule: RepeatedUserTaskIds) -> Self {
        self.repeated_user_task_ids = rule;
        self
    }

    /// Where list endpoints put the page's keys (default [`PageShape::Nested`]).
    #[must_use]
    pub fn page_shape(mut self, shape: PageShape) -> Self {
        self.page_shape = shape;
        self
    }

    /// Decides how each call attempt ends, from the contact (as it stands before the attempt)
    /// and the attempt number (1-based); it replaces [`crate::default_call_outcome`]. It runs
    /// while the emulator's state is locked: it must not call back into the emulator.
    #[must_use]
    pub fn call_outcome(
        mut self,
        rule: impl Fn(&StoredContact, u32) -> CallOutcome + Send + Sync + 'static,
    ) -> Self {
        self.outcomes = OutcomeRule::new(rule);
        self
    }

    /// Injects a fault from the start; see [`Emulator::inject`].
    #[must_use]
    pub fn fault(mut self, rule: FaultRule) -> Self {
        self.faults.push(rule);
        self
    }

    /// Simulated time per dialer step (default one minute, at least 1 ms). Calls start at
    /// step boundaries, so shorter steps dial more precisely and run slower.
    #[must_use]
    pub fn simulation_step(mut self, step: Duration) -> Self {
        self.step = step;
        self
    }

    /// Runs the dialer in the background from the start, `speedup` times faster than real
    /// time; see [`Emulator::run_dialer_realtime`].
    #[must_use]
    pub fn dialer_realtime(mut self, speedup: f64) -> Self {
        self.realtime = Some(speedup);
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

    /// How a callback not answered HTTP 200 is posted again (default:
    /// [`RedeliverySchedule::default`]).
    pub fn callback_redelivery(mut self, schedule: RedeliverySchedule) -> Self {
        self.redelivery = schedule;
        self
    }

    /// Callbacks in flight at once (default 1, which delivers them in the order they were
    /// produced; more sends them in no particular order, as a busy gateway does).
    pub fn callback_concurrency(mut self, concurrency: usize) -> Self {
        self.callback_concurrency = concurrency.max(1);
        self
    }

    /// Binds the socket and starts the server on its own thread.
    pub async fn start(self) -> Result<Emulator, EmulatorError> {
        if let Some(speedup) = self.realtime {
            simulation::check_speed(speedup).map_err(EmulatorError::Simulation)?;
        }
        let bind = self.bind;
        let bind_error = |source| EmulatorError::Bind { addr: bind, source };
        let listener = std::net::TcpListener::bind(bind).map_err(bind_error)?;
        listener.set_nonblocking(true).map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;

        let mut accounts = self.accounts;
        if accounts.is_empty() {
            accounts.insert(demo_credentials());
        }
        let faults = Faults::default();
        for rule in self.faults {
            faults.add(rule);
        }
        let (outbox, queue) = Outbox::new(self.redelivery, self.callback_concurrency);
        let gateway = Arc::new(GatewayState {
            accounts,
            clock: self.clock,
            skew_ms: AtomicI64::new(0),
            tasks: SharedTasks::default(),
            catalog: self.catalog,
            numbers: self.numbers,
            outcomes: self.outcomes,
            ids: IdSource::new(),
            recorder: Recorder::new(self.max_recorded),
            faults,
            outbox,
            simulation: Simulation::new(self.step),
            page_shape: self.page_shape,
            repeated_contact_ids: self.repeated_contact_ids,
            repeated_user_task_ids: self.repeated_user_task_ids,
            max_body_bytes: self.max_body_bytes,
            log_requests: self.log_requests,
        });

        let (stop_tx, stop_rx) = watch::channel(false);
        let (ready_tx, ready_rx) = oneshot::channel::<io::Result<Handle>>();
        let (finished_tx, finished_rx) = oneshot::channel();
        let server_backend = Arc::clone(&gateway);
        std::thread::Builder::new()
            .name(format!("nxlink-emulator-{}", addr.port()))
            .spawn(move || {
                run_server(listener, server_backend, queue, stop_rx, ready_tx);
                let _ = finished_tx.send(());
            })
            .map_err(EmulatorError::Runtime)?;

        let runtime = match ready_rx.await {
            Ok(Ok(runtime)) => runtime,
            Ok(Err(error)) => return Err(EmulatorError::Runtime(error)),
            Err(_) => {
                return Err(EmulatorError::Runtime(io::Error::other(
                    "the server thread ended before it was ready",
                )));
            }
        };
        if let Some(speedup) = self.realtime {
            gateway
                .run_realtime(&runtime, speedup)
                .map_err(EmulatorError::Simulation)?;
        }
        Ok(Emulator::new(addr, gateway, runtime, stop_tx, finished_rx))
    }
}

/// The server thread's body: its own runtime, the callback worker and the accept loop, then
/// a bounded wind-down.
fn run_server(
    listener: std::net::TcpListener,
    gateway: Arc<GatewayState>,
    queue: Queue,
    stop: watch::Receiver<bool>,
    ready: oneshot::Sender<io::Result<Handle>>,
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
    let handle = runtime.handle().clone();
    runtime.block_on(async move {
        match tokio::net::TcpListener::from_std(listener) {
            Ok(listener) => {
                tokio::spawn(callback_delivery::deliver_all(queue, Arc::clone(&gateway)));
                let _ = ready.send(Ok(handle));
                server::serve(listener, gateway, stop).await;
            }
            Err(error) => {
                let _ = ready.send(Err(error));
            }
        }
    });
    runtime.shutdown_timeout(RUNTIME_SHUTDOWN_TIMEOUT);
}

impl Emulator {
    /// A builder, to choose accounts, address, clock, catalog, policies and faults.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// Starts an emulator on `127.0.0.1` with an ephemeral port, accepting the demo account
    /// ([`crate::DEMO_ACCESS_KEY`] / [`crate::DEMO_ACCESS_SECRET`]).
    pub async fn start() -> Result<Emulator, EmulatorError> {
        Emulator::builder().start().await
    }
}
