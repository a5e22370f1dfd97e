//! Whether a parsed number exists in its country's numbering plan: the test
//! `phonenumber::is_valid` makes, over the same metadata, with each region's patterns
//! compiled once and matched directly.
//!
//! Why not call the crate: each of its pattern matches goes through `regex-cache`, which
//! locks one global mutex and hashes the whole pattern source (several KB for some regions)
//! on every use; `is_valid` cost 9 µs a number that way, the largest part of normalizing.
//! The crate's data and rules stay the authority: the test beside this module checks that
//! both answers agree on many numbers of many regions.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use phonenumber::metadata::{DATABASE, Descriptor};
use phonenumber::{Metadata, PhoneNumber};
use regex::{Regex, RegexBuilder};

/// A number pattern of one type, with the lengths it allows.
#[derive(Debug)]
struct Pattern {
    regex: Regex,
    lengths: Vec<u16>,
}

impl Pattern {
    fn of(descriptor: &Descriptor) -> Option<Self> {
        Some(Pattern {
            regex: compile(descriptor.national_number().as_str())?,
            lengths: descriptor.possible_length().to_vec(),
        })
    }

    /// The crate's `Descriptor::is_match`: an allowed length, and a match at the start.
    fn matches(&self, national: &str) -> bool {
        let length_ok = self.lengths.is_empty()
            || u16::try_from(national.len()).is_ok_and(|length| self.lengths.contains(&length));
        length_ok
            && self
                .regex
                .find(national)
                .is_some_and(|found| found.start() == 0)
    }
}

/// A region's patterns.
#[derive(Debug)]
struct Rules {
    leading_digits: Option<Regex>,
    general: Pattern,
    /// Every type a valid number can be (premium rate … mobile).
    kinds: Vec<Pattern>,
}

impl Rules {
    fn of(meta: &Metadata) -> Option<Self> {
        let descriptors = meta.descriptors();
        let kinds = [
            descriptors.premium_rate(),
            descriptors.toll_free(),
            descriptors.shared_cost(),
            descriptors.voip(),
            descriptors.personal_number(),
            descriptors.pager(),
            descriptors.uan(),
            descriptors.voicemail(),
            descriptors.fixed_line(),
            descriptors.mobile(),
        ]
        .into_iter()
        .flatten()
        .map(Pattern::of)
        .collect::<Option<Vec<_>>>()?;
        Some(Rules {
            leading_digits: match meta.leading_digits() {
                Some(pattern) => Some(compile(pattern.as_str())?),
                None => None,
            },
            general: Pattern::of(descriptors.general())?,
            kinds,
        })
    }

    /// The crate's `number_type(..) != Type::Unknown`.
    fn has_type(&self, national: &str) -> bool {
        self.general.matches(national) && self.kinds.iter().any(|kind| kind.matches(national))
    }
}

/// The metadata's patterns, compiled as the crate compiles them.
fn compile(source: &str) -> Option<Regex> {
    RegexBuilder::new(source)
        .ignore_whitespace(true)
        .build()
        .ok()
}

/// Compiled rules by region id (`CN`, or `001` entries by calling code as `+800`).
fn rules(key: &str, meta: impl FnOnce() -> Option<&'static Metadata>) -> Option<Arc<Rules>> {
    static RULES: OnceLock<RwLock<HashMap<String, Option<Arc<Rules>>>>> = OnceLock::new();
    let cache = RULES.get_or_init(RwLock::default);
    if let Some(found) = cache.read().ok().and_then(|map| map.get(key).cloned()) {
        return found;
    }
    let compiled = meta().and_then(Rules::of).map(Arc::new);
    if let Ok(mut map) = cache.write() {
        map.insert(key.to_owned(), compiled.clone());
    }
    compiled
}

/// `phonenumber::is_valid`, faster (see the module's comment).
pub(crate) fn is_valid(number: &PhoneNumber) -> bool {
    let code = number.code().value();
    let national = number.national().to_string();
    let Some(regions) = DATABASE.region(&code) else {
        return false;
    };
    let region_rules = |region: &str| rules(region, || DATABASE.by_id(region));
    let chosen = match regions.as_slice() {
        ["001"] => rules(&format!("+{code}"), || {
            DATABASE
                .by_code(&code)
                .and_then(|metas| metas.into_iter().next())
        }),
        [only] => region_rules(only),
        several => several.iter().find_map(|region| {
            let rules = region_rules(region)?;
            let belongs = match &rules.leading_digits {
                Some(leading) => leading
                    .find(&national)
                    .is_some_and(|found| found.start() == 0),
                None => rules.has_type(&national),
            };
            belongs.then_some(rules)
        }),
    };
    chosen.is_some_and(|rules| rules.has_type(&national))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_answer_as_the_crate_for_many_numbers() {
        let mut checked = 0;
        let mut valid = 0;
        for (region, prefixes) in [
            (
                "CN",
                &["138", "159", "186", "10", "21", "755", "400", "800", "170"][..],
            ),
            ("HK", &["9", "6", "5", "2", "3", "800", "1"][..]),
            ("ID", &["812", "857", "21", "22", "361", "800", "1500"][..]),
            ("US", &["650", "212", "800", "900", "555", "1"][..]),
            ("CA", &["416", "604", "800"][..]),
            ("BR", &["11", "21", "119", "800", "300"][..]),
            ("GB", &["20", "7", "800", "3"][..]),
            ("IT", &["02", "3", "06"][..]),
            ("SG", &["8", "6", "9"][..]),
        ] {
            let id: phonenumber::country::Id = region.parse().expect("a region");
            for prefix in prefixes {
                for length in 5..=12 {
                    for seed in 0..6u64 {
                        let mut digits = (*prefix).to_owned();
                        let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(length);
                        while digits.len() < length as usize {
                            state = state
                                .wrapping_mul(6_364_136_223_846_793_005)
                                .wrapping_add(1);
                            digits.push(char::from(b'0' + ((state >> 33) % 10) as u8));
                        }
                        for written in [digits.clone(), format!("+{digits}")] {
                            let Ok(number) = phonenumber::parse(Some(id), &written) else {
                                continue;
                            };
                            let expected = phonenumber::is_valid(&number);
                            assert_eq!(is_valid(&number), expected, "{written} in {region}");
                            checked += 1;
                            valid += usize::from(expected);
                        }
                    }
                }
            }
        }
        assert!(checked > 2_500, "{checked}");
        assert!(valid > 200 && valid < checked, "{valid} of {checked}");
    }
}
