//! When the emulator posts a callback again: NXLink's schedule is undocumented, so this is
//! modelled on NXCloud's other webhooks (PNS, number check), which count only HTTP 200 as
//! delivered and retry anything else with growing pauses.

use std::time::Duration;

/// Attempts, first included, of the default schedule.
pub const CALLBACK_ATTEMPTS: u32 = 5;

/// How long one attempt may take, from connecting to the end of the answer's head.
pub const CALLBACK_TIMEOUT: Duration = Duration::from_secs(2);

/// Pause before the first retry of the default schedule; it doubles for each later one.
const FIRST_PAUSE: Duration = Duration::from_millis(200);

/// Longest pause between two attempts of the default schedule.
const LONGEST_PAUSE: Duration = Duration::from_secs(5);

/// How a callback that was not answered HTTP 200 is posted again: up to `attempts` times in
/// all, pausing `first_pause`, then twice as long each time up to `longest_pause`; each
/// attempt re-signed with a fresh `ts`, each waiting at most `timeout` for an answer.
///
/// The default, [`CALLBACK_ATTEMPTS`] attempts 0.2 s, 0.4 s, 0.8 s and 1.6 s apart (3 s of
/// retrying), keeps tests quick; a receiver's restart test wants a longer one, e.g.
/// `RedeliverySchedule::new(12, Duration::from_millis(100)).longest_pause(Duration::from_secs(1))`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedeliverySchedule {
    attempts: u32,
    first_pause: Duration,
    longest_pause: Duration,
    timeout: Duration,
}

impl Default for RedeliverySchedule {
    fn default() -> Self {
        RedeliverySchedule {
            attempts: CALLBACK_ATTEMPTS,
            first_pause: FIRST_PAUSE,
            longest_pause: LONGEST_PAUSE,
            timeout: CALLBACK_TIMEOUT,
        }
    }
}

impl RedeliverySchedule {
    /// `attempts` in all (at least 1), the first retry after `first_pause`, pauses doubling.
    pub fn new(attempts: u32, first_pause: Duration) -> Self {
        RedeliverySchedule {
            attempts: attempts.max(1),
            first_pause,
            longest_pause: first_pause.max(LONGEST_PAUSE),
            timeout: CALLBACK_TIMEOUT,
        }
    }

    /// One attempt: a callback not answered 200 is given up on at once.
    pub fn once() -> Self {
        Self::new(1, Duration::ZERO)
    }

    /// Caps the doubling pauses.
    #[must_use]
    pub fn longest_pause(mut self, longest: Duration) -> Self {
        self.longest_pause = longest;
        self
    }

    /// How long one attempt may take before it counts as failed.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Attempts in all, the first included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The limit on one attempt.
    pub fn attempt_timeout(&self) -> Duration {
        self.timeout
    }

    /// The pause after failed attempt `attempt` (1-based).
    pub fn pause_after(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        self.first_pause
            .saturating_mul(1 << doublings)
            .min(self.longest_pause)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_up_to_the_cap() {
        let schedule = RedeliverySchedule::default();
        let pauses: Vec<u128> = (1..schedule.attempts())
            .map(|attempt| schedule.pause_after(attempt).as_millis())
            .collect();
        assert_eq!(pauses, [200, 400, 800, 1600]);
        let capped = RedeliverySchedule::new(40, Duration::from_millis(100))
            .longest_pause(Duration::from_secs(1));
        assert_eq!(capped.pause_after(4), Duration::from_millis(800));
        assert_eq!(capped.pause_after(5), Duration::from_secs(1));
        assert_eq!(capped.pause_after(39), Duration::from_secs(1));
        assert_eq!(RedeliverySchedule::new(0, Duration::ZERO).attempts(), 1);
    }
}
