//! The hours of the day (in the task's time zone) in which one quarter allows dialling.

use super::WindowError;
use super::set_impls::list_set_impls;

/// A set of hours 0–23, stored as a bitmask.
///
/// Prints and parses as the wire form: ascending, comma-separated, e.g. `"9,10,11"`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct HourSet(u32);

impl HourSet {
    /// No hour at all.
    pub const EMPTY: Self = Self(0);
    /// Every hour, 0 to 23.
    pub const ALL: Self = Self((1 << 24) - 1);

    /// Builds a set from hours (0–23); repeats are harmless, out-of-range hours are errors.
    pub fn from_hours(hours: impl IntoIterator<Item = u8>) -> Result<Self, WindowError> {
        Self::collect_checked(hours)
    }

    const fn bits(self) -> u32 {
        self.0
    }

    const fn from_bits(bits: u32) -> Self {
        Self(bits & Self::ALL.0)
    }

    /// The hours `start`, `start + 1`, …, `end_exclusive - 1`; `span(9, 18)` is office hours.
    pub fn span(start: u8, end_exclusive: u8) -> Result<Self, WindowError> {
        if start > end_exclusive || end_exclusive > 24 {
            return Err(WindowError::InvalidSpan {
                start,
                end: end_exclusive,
            });
        }
        let below_end = (1u32 << end_exclusive) - 1;
        let below_start = (1u32 << start) - 1;
        Ok(Self(below_end & !below_start))
    }
}

list_set_impls!(
    HourSet,
    0,
    23,
    "a comma-separated list of hours 0-23, e.g. \"9,10,11\""
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_covers_start_to_end_exclusive() {
        let office = HourSet::span(9, 18).expect("valid");
        assert_eq!(office.to_string(), "9,10,11,12,13,14,15,16,17");
        assert_eq!(HourSet::span(0, 24), Ok(HourSet::ALL));
        assert_eq!(HourSet::span(5, 5), Ok(HourSet::EMPTY));
        assert_eq!(HourSet::span(23, 24).map(HourSet::len), Ok(1));
    }

    #[test]
    fn span_rejects_reversed_or_too_long() {
        assert!(HourSet::span(10, 9).is_err());
        assert!(HourSet::span(0, 25).is_err());
        assert!(HourSet::span(255, 255).is_err());
    }

    #[test]
    fn from_hours_and_insert_check_the_range() {
        assert!(HourSet::from_hours([0, 23]).is_ok());
        assert_eq!(
            HourSet::from_hours([24]),
            Err(WindowError::OutOfRange {
                value: 24,
                min: 0,
                max: 23
            })
        );
        let mut set = HourSet::EMPTY;
        assert!(set.insert(255).is_err());
        assert!(set.is_empty());
        set.insert(0).expect("0 is an hour");
        assert!(set.contains(0));
        assert!(!set.contains(24));
    }

    #[test]
    fn union_and_print() {
        let morning = HourSet::span(9, 12).expect("valid");
        let afternoon = HourSet::span(14, 18).expect("valid");
        let both = morning.union(afternoon);
        assert_eq!(both.to_string(), "9,10,11,14,15,16,17");
        assert_eq!(both.len(), 7);
        assert_eq!("9,10,11,14,15,16,17".parse(), Ok(both));
        assert_eq!(HourSet::ALL.iter().count(), 24);
    }
}
