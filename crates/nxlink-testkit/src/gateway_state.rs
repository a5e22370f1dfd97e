//! Everything the emulated gateway knows, shared by every connection, the dialer and the
//! emulator handle: accounts, clock, tasks, catalog, policies, faults and the callback queue.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use tokio::runtime::Handle;
use tokio::sync::watch;

use crate::accounts::Accounts;
use crate::callbacks::Outbox;
use crate::catalog::Catalog;
use crate::clock::{Clock, duration_ms};
use crate::dialer;
use crate::error::SimulationError;
use crate::faults::Faults;
use crate::ids::IdSource;
use crate::lock::lock;
use crate::numbers::NumberPolicy;
use crate::outcome::OutcomeRule;
use crate::page::PageShape;
use crate::recorder::Recorder;
use crate::repeats::{RepeatedContactIds, RepeatedUserTaskIds};
use crate::simulation::Simulation;
use crate::task_table::SharedTasks;

/// How often the real-time loop wakes up (real time).
const REALTIME_TICK: Duration = Duration::from_millis(50);

/// Most steps one wake-up of the real-time loop runs: beyond that the simulation runs as
/// fast as it can and drops the simulated time it cannot keep up with.
const MAX_STEPS_PER_TICK: i64 = 10_000;

/// Everything the emulated gateway knows; endpoint handlers read and change it through
/// `&GatewayState`, and it drives the dialer through simulated time.
#[derive(Debug)]
pub(crate) struct GatewayState {
    pub(crate) accounts: Accounts,
    pub(crate) clock: Arc<dyn Clock>,
    /// Injected clock shift in ms ([`crate::Fault::SkewClock`]).
    pub(crate) skew_ms: AtomicI64,
    pub(crate) tasks: SharedTasks,
    pub(crate) catalog: Catalog,
    pub(crate) numbers: NumberPolicy,
    pub(crate) outcomes: OutcomeRule,
    pub(crate) ids: IdSource,
    pub(crate) recorder: Recorder,
    pub(crate) faults: Faults,
    pub(crate) outbox: Outbox,
    pub(crate) simulation: Simulation,
    pub(crate) page_shape: PageShape,
    /// What call/append does with a contact id the task holds.
    pub(crate) repeated_contact_ids: RepeatedContactIds,
    /// What task/create does with a userTaskId the account already has.
    pub(crate) repeated_user_task_ids: RepeatedUserTaskIds,
    /// Largest request body read, in bytes.
    pub(crate) max_body_bytes: usize,
    /// Print one line per request on stderr (the binary's request log).
    pub(crate) log_requests: bool,
}

impl GatewayState {
    /// The gateway's now: the clock plus any injected skew, ms since the Unix epoch.
    pub(crate) fn now_ms(&self) -> i64 {
        self.clock
            .now_ms()
            .saturating_add(self.skew_ms.load(Ordering::SeqCst))
    }

    /// What a dialer step needs from here.
    pub(crate) fn dialer_context(&self) -> dialer::Context<'_> {
        dialer::Context {
            catalog: &self.catalog,
            accounts: &self.accounts,
            outcomes: &self.outcomes,
            ids: &self.ids,
        }
    }

    /// Runs one dialer step at `at_ms` (or at the last simulated moment, if later) and queues
    /// its callbacks.
    pub(crate) fn step_at(&self, at_ms: i64) {
        let previous = self.simulation.last_ms.fetch_max(at_ms, Ordering::SeqCst);
        let at_ms = at_ms.max(previous);
        let context = self.dialer_context();
        let callbacks = self.tasks.with(|table| dialer::step(table, at_ms, context));
        for callback in callbacks {
            self.outbox.send(callback);
        }
    }

    /// Moves the manual clock forward by `by` in steps, running the dialer after each, then
    /// waits until the callbacks produced are delivered (or given up on).
    pub(crate) async fn advance(&self, by: Duration) -> Result<(), SimulationError> {
        let clock = self
            .clock
            .as_manual()
            .ok_or(SimulationError::NotManualClock)?;
        if self.simulation.running.load(Ordering::SeqCst) {
            return Err(SimulationError::RealtimeRunning);
        }
        let target = clock.now_ms().saturating_add(duration_ms(by));
        self.step_at(self.now_ms());
        loop {
            let now = clock.now_ms();
            if now >= target {
                break;
            }
            let step = self.simulation.step_ms.min(target - now);
            clock.advance(Duration::from_millis(step.unsigned_abs()));
            self.step_at(self.now_ms());
            // Lets callback receivers that share the caller's runtime answer meanwhile.
            tokio::task::yield_now().await;
        }
        self.outbox.idle().await;
        Ok(())
    }

    /// Starts the real-time loop on `runtime`, or changes its speed when it runs already.
    pub(crate) fn run_realtime(
        self: &Arc<Self>,
        runtime: &Handle,
        speedup: f64,
    ) -> Result<(), SimulationError> {
        crate::simulation::check_speed(speedup)?;
        let simulation = &self.simulation;
        simulation.speed.store(speedup.to_bits(), Ordering::SeqCst);
        let mut stop = lock(&simulation.stop);
        if stop.is_none() {
            let (stop_tx, stop_rx) = watch::channel(false);
            *stop = Some(stop_tx);
            simulation.running.store(true, Ordering::SeqCst);
            runtime.spawn(Arc::clone(self).realtime(stop_rx));
        }
        Ok(())
    }

    /// The real-time loop: every tick, simulates the real time elapsed times the speedup.
    async fn realtime(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        let simulation = &self.simulation;
        let mut simulated = self.now_ms().max(simulation.last_ms.load(Ordering::SeqCst));
        let mut carry_ms = 0.0_f64;
        let mut last_tick = Instant::now();
        loop {
            tokio::select! {
                () = tokio::time::sleep(REALTIME_TICK) => {}
                _ = stop.wait_for(|stop| *stop) => return,
            }
            let now = Instant::now();
            let speed = f64::from_bits(simulation.speed.load(Ordering::SeqCst));
            carry_ms += now.duration_since(last_tick).as_secs_f64() * 1000.0 * speed;
            last_tick = now;
            let cap = simulation.step_ms.saturating_mul(MAX_STEPS_PER_TICK) as f64;
            // Also catches an infinite product of an absurd speedup.
            if carry_ms.is_nan() || carry_ms > cap {
                carry_ms = cap;
            }
            let whole = carry_ms.floor();
            carry_ms -= whole;
            // Exact: `whole` is a whole number between 0 and `cap`.
            let target = simulated.saturating_add(whole as i64);
            while simulated < target {
                simulated = simulated.saturating_add(simulation.step_ms).min(target);
                self.step_at(simulated);
            }
        }
    }
}
