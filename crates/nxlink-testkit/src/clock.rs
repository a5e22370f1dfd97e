//! The emulated gateway's sense of time: what `ts` is checked against and what the `Date`
//! header says, so that skew and scheduling tests can move it at will.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of "now" for the emulator, in milliseconds since the Unix epoch.
pub trait Clock: Send + Sync + fmt::Debug + 'static {
    /// Milliseconds since the Unix epoch, as the emulated gateway sees them.
    fn now_ms(&self) -> i64;

    /// This clock as a [`ManualClock`], when it is one: only such a clock can be moved by
    /// [`crate::Emulator::advance`].
    fn as_manual(&self) -> Option<&ManualClock> {
        None
    }
}

/// The machine's wall clock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(since) => duration_ms(since),
            Err(before) => duration_ms(before.duration()).saturating_neg(),
        }
    }
}

/// A clock that only moves when told to; clones share one time, so a test keeps a clone
/// and drives the emulator's clock through it.
#[derive(Debug, Clone)]
pub struct ManualClock {
    ms: Arc<AtomicI64>,
}

impl ManualClock {
    /// A clock stopped at `ms` milliseconds since the Unix epoch.
    pub fn new(ms: i64) -> Self {
        ManualClock {
            ms: Arc::new(AtomicI64::new(ms)),
        }
    }

    /// A clock stopped at the current wall-clock time.
    pub fn starting_now() -> Self {
        ManualClock::new(SystemClock.now_ms())
    }

    /// Sets the time, in milliseconds since the Unix epoch.
    pub fn set_ms(&self, ms: i64) {
        self.ms.store(ms, Ordering::SeqCst);
    }

    /// Moves the time forward by `by` (saturating, never wrapping).
    pub fn advance(&self, by: Duration) {
        let step = duration_ms(by);
        // `fetch_update` cannot fail with a closure that always returns `Some`.
        let _ = self
            .ms
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |ms| {
                Some(ms.saturating_add(step))
            });
    }

    /// Moves the time backward by `by` (saturating, never wrapping).
    pub fn rewind(&self, by: Duration) {
        let step = duration_ms(by);
        let _ = self
            .ms
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |ms| {
                Some(ms.saturating_sub(step))
            });
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.ms.load(Ordering::SeqCst)
    }

    fn as_manual(&self) -> Option<&ManualClock> {
        Some(self)
    }
}

/// Whole milliseconds of a duration, saturating at `i64::MAX`.
pub(crate) fn duration_ms(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_is_shared_between_clones_and_saturates() {
        let clock = ManualClock::new(1_000);
        let handle = clock.clone();
        handle.advance(Duration::from_millis(500));
        assert_eq!(clock.now_ms(), 1_500);
        handle.rewind(Duration::from_secs(1));
        assert_eq!(clock.now_ms(), 500);
        clock.set_ms(i64::MAX - 1);
        clock.advance(Duration::from_secs(u64::MAX));
        assert_eq!(handle.now_ms(), i64::MAX);
    }

    #[test]
    fn system_clock_is_in_milliseconds() {
        // 2020-01-01 in ms; a seconds-based clock would be three orders of magnitude below.
        assert!(SystemClock.now_ms() > 1_577_836_800_000);
    }
}
