//! Task ids and trace ids that look like the gateway's, without a random-number crate.
//!
//! Each emulator draws a seed once; every id is a bijective mix of `seed + counter`, so ids
//! never repeat within an emulator yet differ between emulators and runs.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Odd, so multiplying by it permutes `u64`.
const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// Hands out unique, random-looking 64-bit values.
#[derive(Debug)]
pub(crate) struct IdSource {
    seed: u64,
    counter: AtomicU64,
}

impl IdSource {
    /// A source seeded from the process's hash keys and the time.
    pub(crate) fn new() -> Self {
        let mut hasher = RandomState::new().build_hasher();
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos());
        hasher.write_u128(nanos);
        IdSource {
            seed: hasher.finish(),
            counter: AtomicU64::new(0),
        }
    }

    fn next_u64(&self) -> u64 {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        mix(self.seed.wrapping_add(n.wrapping_mul(GOLDEN)))
    }

    /// A task id shaped like a UUID (`8-4-4-4-12` lowercase hex), as the gateway's are.
    pub(crate) fn task_id(&self) -> String {
        let high = self.next_u64();
        let low = self.next_u64();
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            high >> 32,
            (high >> 16) & 0xffff,
            high & 0xffff,
            low >> 48,
            low & 0xffff_ffff_ffff
        )
    }

    /// A call id: `call_` and 16 lowercase hex digits.
    pub(crate) fn call_id(&self) -> String {
        format!("call_{:016x}", self.next_u64())
    }

    /// A trace id: 32 lowercase hex digits.
    pub(crate) fn trace_id(&self) -> String {
        format!("{:016x}{:016x}", self.next_u64(), self.next_u64())
    }
}

/// The splitmix64 finalizer: every step (xor-shift, odd multiply) is invertible, so
/// distinct inputs give distinct outputs.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_have_the_documented_shapes() {
        let ids = IdSource::new();
        let task = ids.task_id();
        let groups: Vec<usize> = task.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12], "{task}");
        assert!(
            task.chars()
                .all(|c| c == '-' || matches!(c, '0'..='9' | 'a'..='f'))
        );
        let trace = ids.trace_id();
        assert_eq!(trace.len(), 32);
        assert!(trace.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')));
    }

    #[test]
    fn ids_do_not_repeat() {
        let ids = IdSource::new();
        let seen: HashSet<String> = (0..10_000).map(|_| ids.task_id()).collect();
        assert_eq!(seen.len(), 10_000);
    }
}
