//! Replay protection beyond the `ts` window: the signatures of callbacks accepted within the
//! window are remembered, so that one captured and sent again inside the window is known.
//!
//! A signature covers the access key, `ts` and the exact body, so an identical `sign` within
//! the window is the same signed request delivered again: a replay by someone who captured it,
//! or NXLink redelivering it unchanged. Either way it must not be processed twice.

use std::collections::{HashSet, VecDeque};
use std::sync::{Mutex, PoisonError};

/// Signatures remembered unless configured otherwise: a minute of 1 600 callbacks a second.
pub const DEFAULT_REPLAY_CAPACITY: usize = 100_000;

/// A bounded set of the signatures accepted within the tolerance window.
///
/// Memory is bounded by `capacity`: when more callbacks than that arrive within one window,
/// the oldest signatures are forgotten first, and a replay of those is no longer recognised.
/// Entries older than the window are dropped, since the `ts` check refuses them anyway.
#[derive(Debug)]
pub struct ReplayGuard {
    capacity: usize,
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    signs: HashSet<String>,
    /// In order of acceptance, with the `ts` each was signed at.
    order: VecDeque<(u64, String)>,
}

impl ReplayGuard {
    /// A guard remembering at most `capacity` signatures (at least one).
    pub fn new(capacity: usize) -> Self {
        ReplayGuard {
            capacity: capacity.max(1),
            seen: Mutex::new(Seen::default()),
        }
    }

    /// Records `sign` (signed at `ts_ms`) as accepted; false when it already was, within the
    /// window of `window_ms` around `now_ms`.
    pub(crate) fn admit(&self, sign: &str, ts_ms: u64, now_ms: u64, window_ms: u64) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        let oldest_fresh = now_ms.saturating_sub(window_ms);
        while let Some((ts, _)) = seen.order.front() {
            if *ts >= oldest_fresh && seen.order.len() < self.capacity {
                break;
            }
            if let Some((_, old)) = seen.order.pop_front() {
                seen.signs.remove(&old);
            }
        }
        if seen.signs.contains(sign) {
            return false;
        }
        seen.signs.insert(sign.to_owned());
        seen.order.push_back((ts_ms, sign.to_owned()));
        true
    }

    /// Forgets `sign`, so that the same callback is accepted again (see
    /// [`CallbackVerifier::forget`](crate::callbacks::CallbackVerifier::forget)).
    pub(crate) fn forget(&self, sign: &str) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if seen.signs.remove(sign) {
            seen.order.retain(|(_, kept)| kept != sign);
        }
    }

    /// Signatures remembered now.
    pub fn len(&self) -> usize {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .signs
            .len()
    }

    /// True when no signature is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for ReplayGuard {
    fn default() -> Self {
        ReplayGuard::new(DEFAULT_REPLAY_CAPACITY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_is_admitted_once_until_forgotten() {
        let guard = ReplayGuard::new(10);
        assert!(guard.admit("s1", 1_000, 1_000, 60_000));
        assert!(!guard.admit("s1", 1_000, 2_000, 60_000), "a replay");
        guard.forget("s1");
        assert!(
            guard.admit("s1", 1_000, 3_000, 60_000),
            "redelivery after a failure"
        );
        assert_eq!(guard.len(), 1);
    }

    #[test]
    fn memory_is_bounded_by_the_window_and_the_capacity() {
        let guard = ReplayGuard::new(3);
        for n in 0..3u64 {
            assert!(guard.admit(&format!("s{n}"), n, n, 60_000));
        }
        assert!(guard.admit("s3", 3, 3, 60_000));
        assert_eq!(guard.len(), 3, "the oldest was forgotten");
        assert!(
            guard.admit("s0", 0, 4, 60_000),
            "beyond capacity: no longer known"
        );
        // A minute later, everything before is out of the window.
        assert!(guard.admit("late", 70_000, 70_000, 60_000));
        assert_eq!(guard.len(), 1);
    }
}
