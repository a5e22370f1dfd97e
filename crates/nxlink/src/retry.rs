//! The one retry loop of the client, and when and how long it waits before another attempt:
//! jittered exponential backoff bounded by an attempt limit and an overall deadline.
//!
//! Every call runs through [`run`]: attempts are retried while [`Error::is_retryable`] says
//! so; a write whose outcome is still unknown goes to its [`Reconcile`] step, which either
//! settles the call (found, or reported as unknown) or lets it be sent again.

use std::future::Future;
use std::time::{Duration, Instant};

use futures_util::FutureExt;

use crate::error::{Endpoint, Error};
use crate::telemetry::{self, CallSpan};

/// How failed calls are retried. Every attempt is re-signed with a fresh `ts`.
///
/// What is retried is what [`Error::is_retryable`] answers yes to: requests that provably
/// never reached the gateway, 429 answers (the gateway declined to process them;
/// `Retry-After` is honoured), expired timestamps (once, after correcting the clock), and for
/// read-only endpoints also timeouts, 5xx and unreadable answers. Creates and appends whose
/// outcome is unknown are reconciled instead (see the crate docs' *Reliability* section).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    deadline: Duration,
}

impl RetryPolicy {
    /// Up to 4 attempts, backoff from 200 ms doubling to at most 5 s, all within 60 s.
    pub const fn standard() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            deadline: Duration::from_secs(60),
        }
    }

    /// One attempt only: nothing is retried (reconciliation of unknown outcomes still runs).
    pub const fn disabled() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::standard()
        }
    }

    /// Attempts in total, the first included (at least 1).
    pub const fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = if attempts == 0 { 1 } else { attempts };
        self
    }

    /// Upper bound of the first wait; each later bound doubles, up to `max_backoff`.
    pub const fn with_initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Largest wait between two attempts (a server's `Retry-After` may ask for more, within
    /// the deadline).
    pub const fn with_max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Time after which no new attempt starts, counted from the first.
    pub const fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Attempts in total, the first included.
    pub const fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Upper bound of the first wait.
    pub const fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// Largest wait between two attempts.
    pub const fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// Time after which no new attempt starts, counted from the first.
    pub const fn deadline(&self) -> Duration {
        self.deadline
    }

    /// The wait before attempt `next` (2 for the first retry), "full jitter": uniformly drawn
    /// below the exponential bound so that many clients failing together spread out.
    /// `unit` is a uniform draw in `[0, 1)`.
    pub(crate) fn backoff(&self, next: u32, unit: f64) -> Duration {
        let doublings = next.saturating_sub(2).min(30);
        let bound = self
            .initial_backoff
            .saturating_mul(1u32 << doublings)
            .min(self.max_backoff);
        bound.mul_f64(unit.clamp(0.0, 1.0))
    }

    /// The wait before attempt `next`, honouring a server's `Retry-After` when it asks for more.
    pub(crate) fn wait_before(&self, next: u32, retry_after: Option<Duration>) -> Duration {
        let jittered = self.backoff(next, fastrand::f64());
        retry_after.map_or(jittered, |asked| asked.max(jittered))
    }
}

/// The attempts left to one logical call: how many, until when, and whether the one retry after
/// an expired timestamp was used.
#[derive(Debug)]
pub(crate) struct Budget {
    policy: RetryPolicy,
    started: Instant,
    made: u32,
    clock_retry_used: bool,
}

impl Budget {
    pub(crate) fn new(policy: RetryPolicy) -> Self {
        Budget {
            policy,
            started: Instant::now(),
            made: 1,
            clock_retry_used: false,
        }
    }

    /// When the whole call must be over: its start plus the policy's overall deadline.
    pub(crate) fn deadline(&self) -> Instant {
        self.started + self.policy.deadline
    }

    /// The overall deadline, as configured.
    pub(crate) fn total(&self) -> Duration {
        self.policy.deadline
    }

    /// Whether the policy lets another attempt start after `wait`; counts it if so.
    pub(crate) fn take(&mut self, wait: Duration) -> bool {
        let in_time = self.started.elapsed() + wait <= self.policy.deadline;
        if self.made < self.policy.max_attempts && in_time {
            self.made += 1;
            true
        } else {
            false
        }
    }

    /// The wait before re-sending a write whose earlier attempt provably did not take effect
    /// (checked by the caller), or `None` when the budget is spent.
    pub(crate) fn next_resend(&mut self, error: &Error) -> Option<Duration> {
        let wait = self.policy.wait_before(self.made + 1, error.retry_after());
        self.take(wait).then_some(wait)
    }

    /// The wait before retrying after `error`, or `None` when it must not be retried (see
    /// [`Error::is_retryable`]) or the budget is spent.
    pub(crate) fn next_wait(&mut self, error: &Error) -> Option<Duration> {
        if !error.is_retryable() {
            return None;
        }
        if error.is_timestamp_expired() {
            // The clock was corrected from the refusal's Date header: one immediate retry.
            if self.clock_retry_used {
                return None;
            }
            self.clock_retry_used = true;
            return self.take(Duration::ZERO).then_some(Duration::ZERO);
        }
        let wait = self.policy.wait_before(self.made + 1, error.retry_after());
        self.take(wait).then_some(wait)
    }
}

/// What the reconcile step of a call found out about an outcome that was unknown.
pub(crate) enum Settled<T> {
    /// The call ends with this: what was found, or an error saying what is unknown.
    Known(Result<T, Error>),
    /// The request provably did not take effect (or is keyed, so a repeat is refused as a
    /// duplicate): send it again, within the budget.
    SendAgain(Error),
}

/// The step that finds out what a write whose answer was lost did.
pub(crate) trait Reconcile<T> {
    /// Settles the call after `error`, an unknown outcome; work it does counts against
    /// `budget`'s deadline.
    fn settle(&mut self, error: Error, budget: &Budget) -> impl Future<Output = Settled<T>> + Send;
}

/// For reads and deletes: an unknown outcome is reported as it is.
pub(crate) struct ReportUnknown;

impl<T> Reconcile<T> for ReportUnknown {
    async fn settle(&mut self, error: Error, _budget: &Budget) -> Settled<T> {
        Settled::Known(Err(error))
    }
}

/// Runs one logical call to `endpoint`: `attempt` until it succeeds or fails in a way the
/// policy does not retry; then, for an unknown outcome, `reconcile` settles the call or has
/// it sent again (a fresh round of attempts, within the same budget).
pub(crate) async fn run<T, Attempt, Exchange>(
    policy: RetryPolicy,
    endpoint: Endpoint,
    span: &CallSpan,
    mut attempt: Attempt,
    reconcile: &mut impl Reconcile<T>,
) -> Result<T, Error>
where
    Attempt: FnMut() -> Exchange,
    Exchange: Future<Output = Result<T, Error>>,
{
    let mut budget = Budget::new(policy);
    loop {
        let error = loop {
            match within(&budget, endpoint, attempt()).await {
                Ok(done) => return Ok(done),
                Err(error) => match budget.next_wait(&error) {
                    Some(wait) => {
                        span.retrying(&error, wait);
                        tokio::time::sleep(wait).await;
                    }
                    None => break error,
                },
            }
        };
        if !error.is_outcome_unknown() {
            return Err(error);
        }
        match reconcile.settle(error, &budget).await {
            Settled::Known(outcome) => return outcome,
            Settled::SendAgain(error) => match budget.next_resend(&error) {
                Some(wait) => {
                    telemetry::resending(endpoint.path(), &error, wait);
                    tokio::time::sleep(wait).await;
                }
                None => return Err(error),
            },
        }
    }
}

/// Runs `work` until the overall deadline of `budget`'s call; past it, a timeout error.
///
/// A combinator rather than an `async fn`: an `async fn` keeps its `work` argument beside
/// the timeout it was moved into, which doubled the size of every call's future and the
/// bytes copied each time it moved.
pub(crate) fn within<T>(
    budget: &Budget,
    endpoint: Endpoint,
    work: impl Future<Output = Result<T, Error>>,
) -> impl Future<Output = Result<T, Error>> {
    let (deadline, total) = (
        tokio::time::Instant::from_std(budget.deadline()),
        budget.total(),
    );
    tokio::time::timeout_at(deadline, work).map(move |outcome| {
        outcome.unwrap_or_else(|_| Err(Error::deadline_passed(endpoint, total)))
    })
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::standard()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_exponentially_within_the_cap() {
        let policy = RetryPolicy::standard();
        assert_eq!(policy.backoff(2, 0.999_999).as_millis(), 199);
        assert_eq!(policy.backoff(3, 0.5), Duration::from_millis(200));
        assert_eq!(policy.backoff(4, 0.5), Duration::from_millis(400));
        assert_eq!(policy.backoff(40, 1.0), Duration::from_secs(5));
        assert_eq!(policy.backoff(2, 0.0), Duration::ZERO);
        assert_eq!(policy.backoff(u32::MAX, 2.0), Duration::from_secs(5));
    }

    #[test]
    fn retry_after_wins_when_longer() {
        let policy = RetryPolicy::standard();
        assert_eq!(
            policy.wait_before(2, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert!(policy.wait_before(2, None) < Duration::from_millis(200));
    }

    #[test]
    fn disabled_means_one_attempt_and_zero_is_clamped() {
        assert_eq!(RetryPolicy::disabled().max_attempts(), 1);
        assert_eq!(
            RetryPolicy::standard().with_max_attempts(0).max_attempts(),
            1
        );
    }
}
