//! The dialer's progress through simulated time (driven by [`crate::gateway_state`]), either step by step under a test's control
//! ([`crate::Emulator::advance`], which needs a [`crate::ManualClock`]) or in the background
//! against real time, sped up ([`crate::Emulator::run_dialer_realtime`]).
//!
//! Simulated moments never go backwards: a step asked for an earlier moment than the last
//! one runs at the last one again. With `advance`, the simulated moment is the emulator's
//! clock (plus any injected skew). In real-time mode it starts at the emulator's clock and
//! then runs `speedup` times faster than real time, so with a speedup above 1 call records
//! are stamped ahead of the clock that `ts` is checked against: that clock stays put, so
//! clients keep signing with their real time.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::watch;

use crate::clock::duration_ms;
use crate::error::SimulationError;
use crate::lock::lock;

/// Default simulated time per dialer step.
pub const DEFAULT_SIMULATION_STEP: Duration = Duration::from_secs(60);

/// The simulation's progress and the real-time loop's controls.
#[derive(Debug)]
pub(crate) struct Simulation {
    pub(crate) step_ms: i64,
    /// Latest moment simulated, ms; `i64::MIN` before the first step.
    pub(crate) last_ms: AtomicI64,
    /// `f64` bits of the real-time speedup.
    pub(crate) speed: AtomicU64,
    pub(crate) running: AtomicBool,
    pub(crate) stop: Mutex<Option<watch::Sender<bool>>>,
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

/// A speedup must be finite and not negative.
pub(crate) fn check_speed(speedup: f64) -> Result<(), SimulationError> {
    if speedup.is_finite() && speedup >= 0.0 {
        Ok(())
    } else {
        Err(SimulationError::InvalidSpeed(speedup))
    }
}
