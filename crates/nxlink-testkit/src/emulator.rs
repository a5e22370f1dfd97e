//! The running emulator: where it listens, what it holds, and the controls a test uses to
//! move time, inject faults and inspect callbacks.
//!
//! The server runs on its own thread with its own tokio runtime, so it works the same under
//! any test runtime (current-thread included), from blocking code, and outlives the runtime
//! of the test that started it if it is shared.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use nxlink_model::{CallRecord, TaskStats, TaskStatus};
use nxlink_sign::Credentials;
use tokio::runtime::Handle;
use tokio::sync::{oneshot, watch};

use crate::accounts::demo_credentials;
use crate::callbacks::CallbackDelivery;
use crate::clock::Clock;
use crate::contact::StoredContact;
use crate::dialer;
use crate::error::SimulationError;
use crate::faults::{FaultRule, FiredFault};
use crate::gateway_state::GatewayState;
use crate::recorder::RecordedRequest;
use crate::stats::task_stats;
use crate::task::StoredTask;

/// A running emulated gateway on a local port. Dropping it stops the server.
pub struct Emulator {
    addr: SocketAddr,
    gateway: Arc<GatewayState>,
    runtime: Handle,
    stop: Option<watch::Sender<bool>>,
    finished: Option<oneshot::Receiver<()>>,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .field("requests", &self.gateway.recorder.count())
            .finish_non_exhaustive()
    }
}

impl Emulator {
    pub(crate) fn new(
        addr: SocketAddr,
        gateway: Arc<GatewayState>,
        runtime: Handle,
        stop: watch::Sender<bool>,
        finished: oneshot::Receiver<()>,
    ) -> Self {
        Emulator {
            addr,
            gateway,
            runtime,
            stop: Some(stop),
            finished: Some(finished),
        }
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
        self.gateway
            .accounts
            .first()
            .cloned()
            .unwrap_or_else(demo_credentials)
    }

    /// Every request received so far, oldest first, refused ones included.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.gateway.recorder.all()
    }

    /// How many requests were received so far.
    pub fn request_count(&self) -> usize {
        self.gateway.recorder.count()
    }

    /// Forgets the requests received so far (the count restarts at zero).
    pub fn clear_requests(&self) {
        self.gateway.recorder.clear();
    }

    /// The clock the emulator checks `ts` against and writes `Date` from (before any
    /// injected skew, see [`Emulator::now_ms`]).
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.gateway.clock
    }

    /// The emulated gateway's now in ms: the clock plus any skew injected with
    /// [`crate::Fault::SkewClock`].
    pub fn now_ms(&self) -> i64 {
        self.gateway.now_ms()
    }

    /// The tasks the emulator holds, every account's, oldest first.
    pub fn tasks(&self) -> Vec<StoredTask> {
        self.gateway
            .tasks
            .with(|table| table.tasks().map(|entry| entry.task.clone()).collect())
    }

    /// The task with this id, if any.
    pub fn task(&self, task_id: &str) -> Option<StoredTask> {
        self.gateway
            .tasks
            .with(|table| table.get(task_id).map(|entry| entry.task.clone()))
    }

    /// A task's contacts in import order, deleted ones included; empty for an unknown task.
    pub fn contacts(&self, task_id: &str) -> Vec<StoredContact> {
        self.gateway.tasks.with(|table| {
            table
                .get(task_id)
                .map_or_else(Vec::new, |entry| entry.contacts.clone())
        })
    }

    /// A task's call records (finished attempts), oldest first; empty for an unknown task.
    pub fn calls(&self, task_id: &str) -> Vec<CallRecord> {
        self.gateway.tasks.with(|table| {
            table
                .get(task_id)
                .map_or_else(Vec::new, |entry| entry.calls.clone())
        })
    }

    /// A task's statistics, as task/list and the task-status callback report them.
    pub fn task_stats(&self, task_id: &str) -> Option<TaskStats> {
        self.gateway
            .tasks
            .with(|table| table.get(task_id).map(task_stats))
    }

    /// Starts a task as a console user would (the API has no start endpoint): it goes in
    /// progress, with a task-status callback. False when no task has this id.
    pub fn start_task(&self, task_id: &str) -> bool {
        self.set_task_status(task_id, TaskStatus::InProgress)
    }

    /// Sets a task's status as the console would; a change sends the task-status callback.
    /// Only tasks in progress dial. False when no task has this id.
    pub fn set_task_status(&self, task_id: &str, status: TaskStatus) -> bool {
        let gateway = &self.gateway;
        let now_ms = gateway.now_ms();
        let changed = gateway.tasks.with(|table| {
            table
                .get_mut(task_id)
                .map(|entry| dialer::change_status(entry, status, now_ms, gateway.dialer_context()))
        });
        match changed {
            Some(callback) => {
                if let Some(callback) = callback {
                    gateway.outbox.send(callback);
                }
                true
            }
            None => false,
        }
    }

    /// Moves the [`crate::ManualClock`] forward by `by`, running the dialer after every
    /// simulation step (one simulated minute by default,
    /// [`crate::EmulatorBuilder::simulation_step`]), and returns once the callbacks it produced were
    /// delivered or given up on. A simulated week takes well under a second.
    ///
    /// Fails, moving nothing, on any other clock ([`SimulationError::NotManualClock`]) and
    /// while the real-time dialer runs.
    pub async fn advance(&self, by: Duration) -> Result<(), SimulationError> {
        self.gateway.advance(by).await
    }

    /// Runs the dialer in the background, `speedup` times faster than real time (1.0 =
    /// real time, 0 = paused); called again, changes the speed. For demos against the
    /// system clock; see [the crate documentation](crate#the-dialer) for how simulated time
    /// relates to the clock.
    pub fn run_dialer_realtime(&self, speedup: f64) -> Result<(), SimulationError> {
        self.gateway.run_realtime(&self.runtime, speedup)
    }

    /// Stops the background dialer started by [`Emulator::run_dialer_realtime`].
    pub fn stop_dialer_realtime(&self) {
        self.gateway.simulation.stop_realtime();
    }

    /// Waits until every callback queued so far was delivered or given up on.
    pub async fn wait_for_callbacks(&self) {
        self.gateway.outbox.idle().await;
    }

    /// Every callback delivery attempt so far, oldest first.
    pub fn callback_deliveries(&self) -> Vec<CallbackDelivery> {
        self.gateway.outbox.deliveries()
    }

    /// Adds a fault rule after those already present (the first matching rule fires).
    pub fn inject(&self, rule: FaultRule) {
        self.gateway.faults.add(rule);
    }

    /// Removes every fault rule; request numbering goes on.
    pub fn clear_faults(&self) {
        self.gateway.faults.clear();
    }

    /// The faults that fired so far, oldest first.
    pub fn fired_faults(&self) -> Vec<FiredFault> {
        self.gateway.faults.fired()
    }

    /// The clock skew injected by [`crate::Fault::SkewClock`], in ms (0 without one).
    pub fn clock_skew_ms(&self) -> i64 {
        self.gateway.skew_ms.load(Ordering::SeqCst)
    }

    /// Stops accepting connections, lets in-flight requests finish (up to a couple of
    /// seconds), and returns once the server thread has ended.
    pub async fn shutdown(mut self) {
        self.gateway.simulation.stop_realtime();
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
        self.gateway.simulation.stop_realtime();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
    }
}
