//! The client's notion of the gateway's time: the local clock plus an offset learned from the
//! `Date` header of responses, so a machine whose clock drifted still signs acceptable `ts`.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Only offsets larger than this replace the current estimate: `Date` has one-second
/// resolution, so smaller changes are noise.
const HYSTERESIS_MS: i64 = 2_000;

/// Milliseconds since the Unix epoch on the local clock.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
        })
}

/// The learned offset between the gateway's clock and ours.
#[derive(Debug, Default)]
pub(crate) struct SkewClock {
    offset_ms: AtomicI64,
}

impl SkewClock {
    /// The gateway's estimated now, in ms: what goes into `ts`.
    pub(crate) fn gateway_now_ms(&self) -> u64 {
        now_ms().saturating_add_signed(self.offset_ms())
    }

    /// Gateway time minus local time, in ms (positive: the gateway is ahead).
    pub(crate) fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// Learns from a response: its `Date` against the midpoint of our send and receive times.
    ///
    /// `force` replaces the estimate even for small differences (after a 1004, the old
    /// estimate is known to be wrong).
    pub(crate) fn observe(
        &self,
        date: Option<&http::HeaderValue>,
        sent_ms: u64,
        received_ms: u64,
        force: bool,
    ) {
        let Some(server_ms) = date.and_then(parse_date_ms) else {
            return;
        };
        let midpoint = sent_ms / 2 + received_ms / 2;
        // `Date` truncates to the second: the server's time was somewhere in the next 1000 ms.
        let estimate =
            i64::try_from(i128::from(server_ms) + 500 - i128::from(midpoint)).unwrap_or(0);
        if force || (estimate - self.offset_ms()).abs() > HYSTERESIS_MS {
            self.offset_ms.store(estimate, Ordering::Relaxed);
        }
    }
}

fn parse_date_ms(value: &http::HeaderValue) -> Option<u64> {
    let time = httpdate::parse_http_date(value.to_str().ok()?).ok()?;
    let since_epoch = time.duration_since(UNIX_EPOCH).ok()?;
    u64::try_from(since_epoch.as_millis()).ok()
}

/// A signed clock offset, as exposed to users.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockOffset {
    /// Gateway time minus local time, in milliseconds (positive: the gateway is ahead).
    pub millis: i64,
}

impl ClockOffset {
    /// The offset's size, ignoring direction.
    pub fn magnitude(self) -> Duration {
        Duration::from_millis(self.millis.unsigned_abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(seconds: u64) -> http::HeaderValue {
        let time = UNIX_EPOCH + Duration::from_secs(seconds);
        http::HeaderValue::from_str(&httpdate::fmt_http_date(time)).expect("valid header")
    }

    #[test]
    fn learns_a_large_offset_and_ignores_noise() {
        let clock = SkewClock::default();
        let local = 1_700_000_000_000;
        clock.observe(Some(&date(1_700_000_000)), local - 100, local + 100, false);
        assert_eq!(clock.offset_ms(), 0, "within one second: noise");
        clock.observe(Some(&date(1_700_000_090)), local - 100, local + 100, false);
        assert_eq!(clock.offset_ms(), 90_500);
        clock.observe(Some(&date(1_700_000_000)), local, local, true);
        assert_eq!(clock.offset_ms(), 500, "forced after a 1004");
        clock.observe(None, local, local, true);
        assert_eq!(clock.offset_ms(), 500, "no Date: nothing learned");
        let garbage = http::HeaderValue::from_static("yesterday");
        clock.observe(Some(&garbage), local, local, true);
        assert_eq!(clock.offset_ms(), 500);
    }
}
