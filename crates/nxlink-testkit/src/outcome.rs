//! How a simulated call goes: answered, not answered or busy (a configurable rule), and the
//! ring and talk times, which are derived from the contact id and attempt number so that
//! every run of a test sees the same calls.
//!
//! The codes the emulator writes into call records are its own choice (the real enums are
//! undocumented, spec §4.1):
//!
//! | outcome | `callResult` | `callStatus` | `hangupReason` | `sipCode` | ring time | talk time |
//! |---------|--------------|--------------|----------------|-----------|-----------|-----------|
//! | answered | 1 | 1 | `NORMAL_CLEARING` | `200` | 3–10 s | 20–90 s |
//! | not answered | 2 | 2 | `NO_ANSWER` | `480` | the task's `maxRingTime` | 0 |
//! | busy | 3 | 2 | `USER_BUSY` | `486` | 1–3 s | 0 |
//!
//! Ring times never exceed the task's `maxRingTime` ([`DEFAULT_MAX_RING_TIME`] when 0 or
//! absent). Answered calls get a `userIntent` from [`USER_INTENTS`].

use std::fmt;
use std::sync::Arc;

use crate::call_outcome::CallOutcome;
use crate::contact::StoredContact;

/// Ring time in seconds when a task sets no `maxRingTime` (or 0).
pub const DEFAULT_MAX_RING_TIME: u32 = 40;

/// The conversation tags answered calls get, picked by contact id and attempt.
pub const USER_INTENTS: [&str; 4] = [
    "Interested",
    "Not interested",
    "Call back later",
    "Already handled",
];

/// The default rule, by the last digit of the number: 0–5 answered, 6–7 not answered,
/// 8–9 busy, on every attempt (so a "not answered" contact uses up all its attempts).
pub fn default_call_outcome(contact: &StoredContact, _attempt: u32) -> CallOutcome {
    match contact.contact.phone_number.bytes().last() {
        Some(b'6' | b'7') => CallOutcome::NotAnswered,
        Some(b'8' | b'9') => CallOutcome::Busy,
        _ => CallOutcome::Answered,
    }
}

/// A user's outcome rule: the contact as it stands before the attempt, the attempt number.
type Rule = dyn Fn(&StoredContact, u32) -> CallOutcome + Send + Sync;

/// The rule deciding each attempt's outcome.
#[derive(Clone)]
pub(crate) struct OutcomeRule {
    rule: Arc<Rule>,
}

impl OutcomeRule {
    /// A rule calling `rule` with the contact and the attempt number (1-based).
    pub(crate) fn new(
        rule: impl Fn(&StoredContact, u32) -> CallOutcome + Send + Sync + 'static,
    ) -> Self {
        OutcomeRule {
            rule: Arc::new(rule),
        }
    }

    /// The outcome of attempt `attempt` of `contact`.
    pub(crate) fn decide(&self, contact: &StoredContact, attempt: u32) -> CallOutcome {
        (self.rule)(contact, attempt)
    }
}

impl Default for OutcomeRule {
    fn default() -> Self {
        OutcomeRule::new(default_call_outcome)
    }
}

impl fmt::Debug for OutcomeRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OutcomeRule(..)")
    }
}

/// How long an attempt rings and talks, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timing {
    pub(crate) ring: u32,
    pub(crate) talk: u32,
}

/// The ring and talk times of attempt `attempt` of `contact_id`; `max_ring` 0 means
/// [`DEFAULT_MAX_RING_TIME`].
pub(crate) fn timing(
    contact_id: &str,
    attempt: u32,
    outcome: CallOutcome,
    max_ring: u32,
) -> Timing {
    let max_ring = if max_ring == 0 {
        DEFAULT_MAX_RING_TIME
    } else {
        max_ring
    };
    let h = mix(contact_id, attempt);
    let (ring, talk) = match outcome {
        CallOutcome::Answered => (3 + (h % 8) as u32, 20 + (h >> 8) as u32 % 71),
        CallOutcome::NotAnswered => (max_ring, 0),
        CallOutcome::Busy => (1 + (h % 3) as u32, 0),
    };
    Timing {
        ring: ring.min(max_ring),
        talk,
    }
}

/// The `userIntent` of an answered attempt.
pub(crate) fn user_intent(contact_id: &str, attempt: u32) -> &'static str {
    let index = (mix(contact_id, attempt) >> 16) as usize % USER_INTENTS.len();
    USER_INTENTS.get(index).copied().unwrap_or("Interested")
}

/// FNV-1a over the id and the attempt: stable across runs and Rust versions, unlike std's
/// hasher.
fn mix(contact_id: &str, attempt: u32) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    contact_id
        .bytes()
        .chain(attempt.to_le_bytes())
        .fold(OFFSET, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(PRIME)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use nxlink_model::Contact;

    fn contact(number: &str) -> StoredContact {
        StoredContact::pending(Contact::new("c", "n", number), None, 0)
    }

    #[test]
    fn default_rule_follows_the_last_digit() {
        let outcomes: Vec<CallOutcome> = (0..10)
            .map(|digit| default_call_outcome(&contact(&format!("1380000000{digit}")), 1))
            .collect();
        use CallOutcome::{Answered as A, Busy as B, NotAnswered as N};
        assert_eq!(outcomes, [A, A, A, A, A, A, N, N, B, B]);
    }

    #[test]
    fn timings_are_deterministic_and_in_range() {
        for attempt in 1..50 {
            let answered = timing("contact-x", attempt, CallOutcome::Answered, 0);
            assert!((3..=10).contains(&answered.ring) && (20..=90).contains(&answered.talk));
            assert_eq!(
                answered,
                timing("contact-x", attempt, CallOutcome::Answered, 0)
            );
            let busy = timing("contact-x", attempt, CallOutcome::Busy, 2);
            assert!((1..=2).contains(&busy.ring) && busy.talk == 0);
        }
        let rang_out = timing("c", 1, CallOutcome::NotAnswered, 0);
        assert_eq!(rang_out, Timing { ring: 40, talk: 0 });
        assert!(USER_INTENTS.contains(&user_intent("c", 3)));
    }
}
