//! Driving the dialer through time, either step by step under a test's control
//! ([`crate::Emulator::advance`], which needs a [`crate::ManualClock`]) or in the background
//! against real time, sped up ([`crate::Emulator::run_dialer_realtime`]).
//!
//! Simulated moments never go backwards: a step asked for an earlier moment than the last
//! one runs at the last one again. With `advance`, the simulated moment is the emulator's
//! clock (plus any injected skew). In real-time mode it starts at the emulator's clock and
//! then runs `speedup` times faster than real time, so with a speedup above 1 call records
//! are stamped ahead of the clock that `ts` is checked against: that clock stays put, so
//! clients keep signing with their real time.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::runtime::Handle;
use tokio::sync::watch;

use crate::backend::Backend;
use crate::clock::{Clock, duration_ms};
use crate::dialer;
use crate::error::SimulationError;
use crate::lock::lock;

/// Default simulated time per dialer step.
pub const DEFAULT_SIMULATION_STEP: Duration = Duration::from_secs(60);

/// How often the real-time loop wakes up (real time).
const REALTIME_TICK: Duration = Duration::from_millis(50);

/// Most steps one wake-up of the real-time loop runs: beyond that the simulation runs as
/// fast as it can and drops the simulated time it cannot keep up with.
const MAX_STEPS_PER_TICK: i64 = 10_000;

/// The simulation's progress and the real-time loop's controls.
#[derive(Debug)]
pub(crate) struct Simulation {
    step_ms: i64,
    /// Latest moment simulated, ms; `i64::MIN` before the first step.
    last_ms: AtomicI64,
    /// `f64` bits of the real-time speedup.
    speed: AtomicU64,
    running: AtomicBool,
    stop: Mutex<Option<watch::Sender<bool>>>,
}

impl Simulation {
    /// A simulation stepping `step` of simulated time at a time (at least 1 ms).
    pub(crate) fn new(step: Duration) -> Self {
        Simulation {
            step_ms: duration_ms(step).max(1),
            last_ms: AtomicI64::new(i64::MIN),
            speed: AtomicU64::new(1.0_f64.to_bits()),
            running: AtomicBool::new(false),
            stop: Mutex::new(None),
        }
    }

    /// Stops the real-time loop, if it runs.
    pub(crate) fn stop_realtime(&self) {
        if let Some(stop) = lock(&self.stop).take() {
            let _ = stop.send(true);
        }
        self.running.store(false, Ordering::SeqCst);
    }
}

/// Runs one dialer step at `at_ms` (or at the last simulated moment, if later) and queues
/// its callbacks.
pub(crate) fn step_at(backend: &Backend, at_ms: i64) {
    let previous = backend
        .simulation
        .last_ms
        .fetch_max(at_ms, Ordering::SeqCst);
    let at_ms = at_ms.max(previous);
    let context = backend.dialer_context();
    let callbacks = backend
        .store
        .with(|world| dialer::step(world, at_ms, context));
    for callback in callbacks {
        backend.outbox.send(callback);
    }
}

/// Moves the manual clock forward by `by` in steps, running the dialer after each, then
/// waits until the callbacks produced are delivered (or given up on).
pub(crate) async fn advance(backend: &Backend, by: Duration) -> Result<(), SimulationError> {
    let clock = backend
        .clock
        .as_manual()
        .ok_or(SimulationError::NotManualClock)?;
    if backend.simulation.running.load(Ordering::SeqCst) {
        return Err(SimulationError::RealtimeRunning);
    }
    let target = clock.now_ms().saturating_add(duration_ms(by));
    step_at(backend, backend.now_ms());
    loop {
        let now = clock.now_ms();
        if now >= target {
            break;
        }
        let step = backend.simulation.step_ms.min(target - now);
        clock.advance(Duration::from_millis(step.unsigned_abs()));
        step_at(backend, backend.now_ms());
        // Lets callback receivers that share the caller's runtime answer meanwhile.
        tokio::task::yield_now().await;
    }
    backend.outbox.idle().await;
    Ok(())
}

/// A speedup must be finite and not negative.
pub(crate) fn check_speed(speedup: f64) -> Result<(), SimulationError> {
    if speedup.is_finite() && speedup >= 0.0 {
        Ok(())
    } else {
        Err(SimulationError::InvalidSpeed(speedup))
    }
}

/// Starts the real-time loop on `runtime`, or changes its speed when it runs already.
pub(crate) fn run_realtime(
    backend: &Arc<Backend>,
    runtime: &Handle,
    speedup: f64,
) -> Result<(), SimulationError> {
    check_speed(speedup)?;
    let simulation = &backend.simulation;
    simulation.speed.store(speedup.to_bits(), Ordering::SeqCst);
    let mut stop = lock(&simulation.stop);
    if stop.is_none() {
        let (stop_tx, stop_rx) = watch::channel(false);
        *stop = Some(stop_tx);
        simulation.running.store(true, Ordering::SeqCst);
        runtime.spawn(realtime(Arc::clone(backend), stop_rx));
    }
    Ok(())
}

/// The real-time loop: every tick, simulates the real time elapsed times the speedup.
async fn realtime(backend: Arc<Backend>, mut stop: watch::Receiver<bool>) {
    let simulation = &backend.simulation;
    let mut simulated = backend
        .now_ms()
        .max(simulation.last_ms.load(Ordering::SeqCst));
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
            step_at(&backend, simulated);
        }
    }
}
