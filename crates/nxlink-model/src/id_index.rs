//! Where each contact id first appeared in a list: the uniqueness check behind `contactId`.
//!
//! Checking 100 000 ids is on the hot path of every large create, and with the standard
//! SipHash this check cost as much as the rest of validation. Ids are short strings, so a
//! multiply-rotate hash (the Fx hash used inside rustc) is several times cheaper; it is keyed
//! with a per-process random seed so that colliding ids cannot be precomputed. This crate
//! takes no dependencies beyond serde and thiserror, hence the few lines here.

use std::collections::HashMap;
use std::collections::hash_map::{Entry, RandomState};
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;

/// First index of every id seen so far.
#[derive(Debug)]
pub(crate) struct IdIndex<'a> {
    first: HashMap<&'a str, usize, FxBuild>,
}

impl<'a> IdIndex<'a> {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        IdIndex {
            first: HashMap::with_capacity_and_hasher(capacity, FxBuild::seeded()),
        }
    }

    /// Records `id` at `index`; returns where it first appeared if it was seen before.
    pub(crate) fn first_seen(&mut self, id: &'a str, index: usize) -> Option<usize> {
        match self.first.entry(id) {
            Entry::Occupied(first) => Some(*first.get()),
            Entry::Vacant(slot) => {
                slot.insert(index);
                None
            }
        }
    }
}

/// Builds [`FxHasher`]s from one random seed per process.
#[derive(Debug, Clone, Copy)]
struct FxBuild {
    seed: u64,
}

impl FxBuild {
    fn seeded() -> Self {
        static SEED: OnceLock<u64> = OnceLock::new();
        FxBuild {
            seed: *SEED.get_or_init(|| RandomState::new().hash_one(0x6e78_6c69_6e6b_u64)),
        }
    }
}

impl BuildHasher for FxBuild {
    type Hasher = FxHasher;

    fn build_hasher(&self) -> FxHasher {
        FxHasher { hash: self.seed }
    }
}

/// The Fx hash: rotate, xor, multiply, eight bytes at a time.
#[derive(Debug)]
struct FxHasher {
    hash: u64,
}

const SEED_MULTIPLIER: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED_MULTIPLIER);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_occurrence() {
        let ids = ["a", "b", "a", "c", "b", "a"];
        let mut index = IdIndex::with_capacity(ids.len());
        let seen: Vec<_> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| index.first_seen(id, i))
            .collect();
        assert_eq!(seen, [None, None, Some(0), None, Some(1), Some(0)]);
    }

    #[test]
    fn distinguishes_ids_sharing_a_prefix_or_padding() {
        let ids = [
            "contact-0000001",
            "contact-00000010",
            "contact-0000001\0",
            "x",
            "x\0",
        ];
        let mut index = IdIndex::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(index.first_seen(id, i), None, "{id:?}");
        }
    }
}
