//! How many contact batches are in flight at once: a fixed number, or a limit that adapts to
//! the gateway's answers (additive increase, multiplicative decrease, like TCP's congestion
//! window).
//!
//! A fixed number cannot suit both a loopback emulator and a gateway 80 ms away: four batches
//! in flight keep a loopback run CPU-bound but leave a distant link idle most of the time,
//! and a number large enough for the distant link is impolite to a gateway that throttles.
//! The adaptive limit grows while answers come back quick and 2xx, halves when one is
//! throttled (429), overloaded (5xx, timeout) or slow (latency well above the lowest seen),
//! and stays within its bounds. A `Retry-After` holds back new batches until it has passed.

use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;

use crate::error::Error;

/// Latency above this multiple of the lowest seen counts as congestion…
const SLOW_FACTOR: f64 = 2.0;
/// …when it is also this much above it: on loopback, where answers take a millisecond,
/// jitter alone doubles latency.
const SLOW_MARGIN: Duration = Duration::from_millis(50);
/// Weight of the newest latency in the smoothed one.
const SMOOTHING: f64 = 0.25;
/// How fast the lowest latency seen drifts up towards recent ones, so that a path that
/// became slower for good stops looking congested (a fraction of the gap per answer).
const FLOOR_DRIFT: f64 = 1.0 / 256.0;
/// The pause after a 429 that names no `Retry-After`.
const DEFAULT_THROTTLE_PAUSE: Duration = Duration::from_secs(1);
/// The longest pause a `Retry-After` imposes on new batches: a gateway asking for hours is
/// not obeyed by hanging the run (the throttled batch itself fails once its retry budget
/// cannot cover the wait, and is reported).
const MAX_THROTTLE_PAUSE: Duration = Duration::from_secs(60);

/// How many batches of a split contact list are in flight at once (see
/// [`ClientBuilder::batch_concurrency`](crate::ClientBuilder::batch_concurrency) and
/// [`ClientBuilder::adaptive_batch_concurrency`](crate::ClientBuilder::adaptive_batch_concurrency)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchConcurrency {
    /// Always this many (a `Retry-After` still holds new batches back).
    Fixed(usize),
    /// Starts at `initial`, grows while answers are quick and 2xx, halves on 429, 5xx,
    /// timeouts or rising latency; never below `min` nor above `max`.
    Adaptive {
        /// The limit before any answer.
        initial: usize,
        /// The lowest the limit goes.
        min: usize,
        /// The highest the limit goes.
        max: usize,
    },
}

impl BatchConcurrency {
    /// Whether the numbers make sense: all at least 1, `min <= initial <= max`.
    pub(crate) fn check(self) -> Result<Self, String> {
        match self {
            BatchConcurrency::Fixed(0) => Err("batch concurrency must be at least 1".into()),
            BatchConcurrency::Adaptive { initial, min, max }
                if min == 0 || min > initial || initial > max =>
            {
                Err(format!(
                    "adaptive batch concurrency wants 1 <= min <= initial <= max, not min {min}, \
                     initial {initial}, max {max}"
                ))
            }
            valid => Ok(valid),
        }
    }
}

/// What one batch attempt's answer says about the gateway's load.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Signal {
    /// An answer came back (2xx, or an envelope) after this long.
    Answered(Duration),
    /// HTTP 429, with the gateway's `Retry-After` if it gave one.
    Throttled(Option<Duration>),
    /// 5xx or a timeout: the gateway may be struggling.
    Overloaded,
    /// Anything else (a refused signature, a connection that never opened): says nothing
    /// about load.
    Neutral,
}

impl Signal {
    /// Reads an attempt's result: `latency` from sending to the whole answer.
    pub(crate) fn of<T>(result: &Result<T, Error>, latency: Duration) -> Self {
        let Err(error) = result else {
            return Signal::Answered(latency);
        };
        match error.http_status_code().map(|status| status.as_u16()) {
            Some(429) => Signal::Throttled(error.retry_after()),
            Some(500..=599) => Signal::Overloaded,
            _ if error.is_timeout() => Signal::Overloaded,
            // An envelope with a non-zero code still came back at the gateway's pace.
            _ if error.api_code().is_some() => Signal::Answered(latency),
            _ => Signal::Neutral,
        }
    }
}

/// The batch concurrency limit shared by a client and its clones: how many batches may be in
/// flight now, and until when none may start. See [`Client::batch_limit`](crate::Client::batch_limit).
#[derive(Debug)]
pub struct BatchLimit {
    setting: BatchConcurrency,
    state: Mutex<LimitState>,
}

#[derive(Debug)]
struct LimitState {
    limit: usize,
    /// One more per quick answer until the first sign of congestion (doubling each round
    /// trip); after it, one more per window of quick answers.
    slow_start: bool,
    /// Quick answers since the limit last grew, outside slow start.
    credit: usize,
    floor: Option<f64>,
    smoothed: Option<f64>,
    /// Answers still to come from batches that were in flight when the limit went down:
    /// one congestion event shows in all of them, and is acted on once.
    recovering: usize,
    paused_until: Option<Instant>,
    highest: usize,
    decreases: u64,
    throttled: u64,
}

impl BatchLimit {
    /// A limit starting from `setting` (checked by the builder).
    pub(crate) fn new(setting: BatchConcurrency) -> Self {
        let initial = match setting {
            BatchConcurrency::Fixed(n) => n,
            BatchConcurrency::Adaptive { initial, .. } => initial,
        };
        BatchLimit {
            setting,
            state: Mutex::new(LimitState {
                limit: initial,
                slow_start: true,
                credit: 0,
                floor: None,
                smoothed: None,
                recovering: 0,
                paused_until: None,
                highest: initial,
                decreases: 0,
                throttled: 0,
            }),
        }
    }

    /// The setting this limit follows.
    pub fn setting(&self) -> BatchConcurrency {
        self.setting
    }

    /// Batches that may be in flight now.
    pub fn current(&self) -> usize {
        self.with_state(|state| state.limit)
    }

    /// How long no new batch may start (a `Retry-After` still running), if at all.
    pub fn pause_remaining(&self) -> Option<Duration> {
        let now = Instant::now();
        self.with_state(|state| {
            state
                .paused_until
                .and_then(|until| until.checked_duration_since(now))
                .filter(|left| !left.is_zero())
        })
    }

    /// Waits until one more batch may join `in_flight`: a free slot in the window and no
    /// `Retry-After` running. Batches that finish meanwhile are handed back one at a time
    /// ([`Admission::Finished`]), so the caller settles them and asks again; the window is
    /// read afresh each time, as every answer may move it.
    pub async fn admit<F: Future>(
        &self,
        in_flight: &mut FuturesUnordered<F>,
    ) -> Admission<F::Output> {
        loop {
            let finished = match self.pause_remaining() {
                Some(pause) if in_flight.is_empty() => {
                    tokio::time::sleep(pause).await;
                    continue;
                }
                Some(pause) => match tokio::time::timeout(pause, in_flight.next()).await {
                    Ok(finished) => finished,
                    Err(_) => continue,
                },
                None if in_flight.len() >= self.current() => in_flight.next().await,
                None => return Admission::Send,
            };
            if let Some(output) = finished {
                return Admission::Finished(output);
            }
        }
    }

    /// What the limit did so far.
    pub fn stats(&self) -> BatchLimitStats {
        self.with_state(|state| BatchLimitStats {
            current: state.limit,
            highest: state.highest,
            decreases: state.decreases,
            throttled: state.throttled,
        })
    }

    /// Takes in what one batch attempt's answer says.
    pub(crate) fn observe(&self, signal: Signal) {
        let now = Instant::now();
        let (min, max) = match self.setting {
            BatchConcurrency::Fixed(n) => (n, n),
            BatchConcurrency::Adaptive { min, max, .. } => (min, max),
        };
        let mut state = match self.state.lock() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        };
        let congested = match signal {
            Signal::Neutral => return,
            Signal::Answered(latency) => state.is_slow(latency.as_secs_f64()),
            Signal::Throttled(retry_after) => {
                state.throttled += 1;
                let pause = retry_after
                    .unwrap_or(DEFAULT_THROTTLE_PAUSE)
                    .min(MAX_THROTTLE_PAUSE);
                let until = now + pause;
                state.paused_until = Some(state.paused_until.map_or(until, |u| u.max(until)));
                true
            }
            Signal::Overloaded => true,
        };
        if min == max {
            return;
        }
        if congested && state.recovering == 0 {
            state.recovering = state.limit;
            state.limit = (state.limit / 2).max(min);
            state.slow_start = false;
            state.credit = 0;
            state.decreases += 1;
            return;
        }
        state.recovering = state.recovering.saturating_sub(1);
        if congested || state.limit >= max {
            return;
        }
        state.credit += 1;
        if state.slow_start || state.credit >= state.limit {
            state.credit = 0;
            state.limit += 1;
            state.highest = state.highest.max(state.limit);
        }
    }

    fn with_state<T>(&self, read: impl FnOnce(&LimitState) -> T) -> T {
        match self.state.lock() {
            Ok(state) => read(&state),
            Err(poisoned) => read(&poisoned.into_inner()),
        }
    }
}

impl LimitState {
    /// Folds in one latency (seconds); true when the smoothed latency says the link is
    /// congested.
    fn is_slow(&mut self, latency: f64) -> bool {
        let floor = match self.floor {
            Some(floor) if latency >= floor => floor + (latency - floor) * FLOOR_DRIFT,
            _ => latency,
        };
        self.floor = Some(floor);
        let smoothed = self
            .smoothed
            .map_or(latency, |old| old + (latency - old) * SMOOTHING);
        self.smoothed = Some(smoothed);
        smoothed > floor * SLOW_FACTOR && smoothed > floor + SLOW_MARGIN.as_secs_f64()
    }
}

/// What [`BatchLimit::admit`] waited for.
#[derive(Debug)]
pub enum Admission<T> {
    /// One more batch may be sent now.
    Send,
    /// A batch in flight finished (settle it, then ask again).
    Finished(T),
}

/// What a [`BatchLimit`] did so far, for a run's summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchLimitStats {
    /// Batches that may be in flight now.
    pub current: usize,
    /// The highest the limit went.
    pub highest: usize,
    /// How many times it was halved.
    pub decreases: u64,
    /// How many 429 answers it saw.
    pub throttled: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: Duration = Duration::from_millis(80);

    fn adaptive(initial: usize, min: usize, max: usize) -> BatchLimit {
        BatchLimit::new(BatchConcurrency::Adaptive { initial, min, max })
    }

    fn answer(limit: &BatchLimit, latency: Duration, times: usize) {
        for _ in 0..times {
            limit.observe(Signal::Answered(latency));
        }
    }

    #[test]
    fn grows_to_its_bound_while_answers_are_quick() {
        let limit = adaptive(4, 1, 16);
        answer(&limit, FAST, 5);
        assert_eq!(
            limit.current(),
            9,
            "one more per answer until congestion is seen"
        );
        answer(&limit, FAST, 100);
        assert_eq!(limit.current(), 16, "never above max");
        assert_eq!(limit.stats().highest, 16);
        assert_eq!(limit.stats().decreases, 0);
    }

    #[test]
    fn a_429_halves_once_per_window_and_holds_new_batches_back() {
        let limit = adaptive(4, 1, 16);
        answer(&limit, FAST, 12);
        assert_eq!(limit.current(), 16);
        // Every batch in flight comes back throttled: one congestion event, one halving.
        for _ in 0..16 {
            limit.observe(Signal::Throttled(Some(Duration::from_secs(2))));
        }
        assert_eq!(limit.current(), 8);
        assert_eq!(limit.stats().throttled, 16);
        let pause = limit
            .pause_remaining()
            .expect("Retry-After holds new batches");
        assert!(pause > Duration::from_millis(1500) && pause <= Duration::from_secs(2));
        // The next window of throttled answers halves again, down to min and no further.
        for _ in 0..100 {
            limit.observe(Signal::Throttled(None));
        }
        assert_eq!(limit.current(), 1);
    }

    #[test]
    fn after_congestion_growth_is_one_per_window() {
        let limit = adaptive(8, 1, 16);
        for _ in 0..8 {
            limit.observe(Signal::Overloaded);
        }
        assert_eq!(limit.current(), 4);
        answer(&limit, FAST, 4);
        assert_eq!(limit.current(), 5, "+1 after a window of 4 answers, not +4");
    }

    #[test]
    fn rising_latency_halves_but_loopback_jitter_does_not() {
        let limit = adaptive(4, 1, 64);
        // A millisecond, then three: doubled, but within the absolute margin.
        answer(&limit, Duration::from_millis(1), 10);
        answer(&limit, Duration::from_millis(3), 10);
        assert_eq!(limit.stats().decreases, 0);
        let before = limit.current();
        answer(&limit, Duration::from_millis(400), 5);
        assert!(limit.stats().decreases >= 1);
        assert!(limit.current() < before, "{} < {before}", limit.current());
    }

    #[test]
    fn a_retry_after_of_hours_pauses_new_batches_a_minute_at_most() {
        let limit = adaptive(4, 1, 16);
        limit.observe(Signal::Throttled(Some(Duration::from_secs(u64::MAX / 4))));
        let pause = limit.pause_remaining().expect("paused");
        assert!(pause <= MAX_THROTTLE_PAUSE, "{pause:?}");
    }

    #[test]
    fn a_fixed_setting_never_moves_but_honours_retry_after() {
        let limit = BatchLimit::new(BatchConcurrency::Fixed(4));
        answer(&limit, FAST, 50);
        limit.observe(Signal::Throttled(None));
        assert_eq!(limit.current(), 4);
        assert!(limit.pause_remaining().is_some());
    }

    #[test]
    fn settings_are_checked() {
        assert!(BatchConcurrency::Fixed(0).check().is_err());
        for (initial, min, max) in [(4, 0, 8), (2, 3, 8), (9, 1, 8)] {
            assert!(
                BatchConcurrency::Adaptive { initial, min, max }
                    .check()
                    .is_err()
            );
        }
        assert!(
            BatchConcurrency::Adaptive {
                initial: 1,
                min: 1,
                max: 1
            }
            .check()
            .is_ok()
        );
    }
}
