//! Which phone numbers the emulated gateway refuses beyond malformed ones, and how it says so.

use std::fmt;
use std::sync::Arc;

/// The `errMsg` the gateway gives a refused contact (spec §2.1, partial-import example).
pub fn illegal_number_message(number: &str) -> String {
    format!("Illegal phone number format:{number}")
}

/// The default refusal rule: numbers whose digits (after an optional leading `+`) start
/// with `999`, a country code the ITU has not assigned.
///
/// Such numbers pass local format checks, so SDK tests use them to provoke a partial import.
pub fn is_unassigned_country_code(number: &str) -> bool {
    number
        .strip_prefix('+')
        .unwrap_or(number)
        .starts_with("999")
}

/// Decides which well-formed numbers the gateway still refuses.
#[derive(Clone)]
pub(crate) struct NumberPolicy {
    refuse: Arc<dyn Fn(&str) -> bool + Send + Sync>,
}

impl NumberPolicy {
    /// A policy refusing what `refuse` flags.
    pub(crate) fn new(refuse: impl Fn(&str) -> bool + Send + Sync + 'static) -> Self {
        NumberPolicy {
            refuse: Arc::new(refuse),
        }
    }

    /// True when the gateway refuses this (well-formed) number.
    pub(crate) fn refuses(&self, number: &str) -> bool {
        (self.refuse)(number)
    }
}

impl Default for NumberPolicy {
    fn default() -> Self {
        NumberPolicy::new(is_unassigned_country_code)
    }
}

impl fmt::Debug for NumberPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NumberPolicy(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_refuses_country_code_999_only() {
        let policy = NumberPolicy::default();
        assert!(policy.refuses("+99912345678"));
        assert!(policy.refuses("99912345678"));
        assert!(!policy.refuses("13800000001"));
        assert!(!policy.refuses("+8613999900000"));
        assert_eq!(
            illegal_number_message("1312895-xxx"),
            "Illegal phone number format:1312895-xxx"
        );
    }
}
