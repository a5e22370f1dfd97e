//! The days of the week on which dialling is allowed.

use super::WindowError;
use super::set_impls::list_set_impls;

/// A set of ISO week days, 1 = Monday … 7 = Sunday, stored as a bitmask.
///
/// Prints and parses as the wire form: ascending, comma-separated, e.g. `"1,2,3,4,5"`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct WeekDays(u8);

impl WeekDays {
    /// No day at all.
    pub const EMPTY: Self = Self(0);
    /// Every day, Monday to Sunday.
    pub const ALL: Self = Self(0b1111_1110);
    /// Monday to Friday.
    pub const MONDAY_TO_FRIDAY: Self = Self(0b0011_1110);
    /// Saturday and Sunday.
    pub const WEEKEND: Self = Self(0b1100_0000);

    /// Builds a set from day numbers (1–7); repeats are harmless, out-of-range days are errors.
    pub fn from_days(days: impl IntoIterator<Item = u8>) -> Result<Self, WindowError> {
        Self::collect_checked(days)
    }

    const fn bits(self) -> u32 {
        self.0 as u32
    }

    /// Only called with bits the parser set, all within 1..=7.
    const fn from_bits(bits: u32) -> Self {
        Self((bits & 0b1111_1110) as u8)
    }
}

list_set_impls!(
    WeekDays,
    1,
    7,
    "a comma-separated list of week days 1-7, e.g. \"1,2,3\""
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_hold_the_documented_days() {
        assert_eq!(WeekDays::ALL.to_string(), "1,2,3,4,5,6,7");
        assert_eq!(WeekDays::MONDAY_TO_FRIDAY.to_string(), "1,2,3,4,5");
        assert_eq!(WeekDays::WEEKEND.to_string(), "6,7");
        assert_eq!(WeekDays::EMPTY.to_string(), "");
        assert_eq!(WeekDays::ALL.len(), 7);
        assert!(WeekDays::EMPTY.is_empty());
        assert_eq!(
            WeekDays::MONDAY_TO_FRIDAY.union(WeekDays::WEEKEND),
            WeekDays::ALL
        );
    }

    #[test]
    fn from_days_rejects_out_of_range() {
        assert_eq!(
            WeekDays::from_days([1, 0]),
            Err(WindowError::OutOfRange {
                value: 0,
                min: 1,
                max: 7
            })
        );
        assert!(WeekDays::from_days([8]).is_err());
        let days = WeekDays::from_days([7, 1, 1]).expect("valid");
        assert_eq!(days.iter().collect::<Vec<_>>(), [1, 7]);
    }

    #[test]
    fn contains_is_false_outside_the_range() {
        assert!(WeekDays::ALL.contains(7));
        assert!(!WeekDays::ALL.contains(0));
        assert!(!WeekDays::ALL.contains(8));
        assert!(!WeekDays::ALL.contains(255));
    }

    #[test]
    fn debug_shows_the_days() {
        assert_eq!(format!("{:?}", WeekDays::WEEKEND), "WeekDays(\"6,7\")");
    }

    #[test]
    fn serde_uses_the_strict_string_form() {
        let json = serde_json::to_string(&WeekDays::MONDAY_TO_FRIDAY).expect("serialize");
        assert_eq!(json, "\"1,2,3,4,5\"");
        let back: WeekDays = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, WeekDays::MONDAY_TO_FRIDAY);
        assert!(serde_json::from_str::<WeekDays>("\"1, 2\"").is_err());
        assert!(serde_json::from_str::<WeekDays>("\"0,1\"").is_err());
        assert!(serde_json::from_str::<WeekDays>("12").is_err());
    }
}
