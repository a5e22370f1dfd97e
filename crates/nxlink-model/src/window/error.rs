//! Why a week-day or hour set was rejected.

use std::fmt;

/// A week-day or hour value, list string or span that does not describe a valid set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WindowError {
    /// A single value given to `insert`/`from_days`/`from_hours` lies outside the range.
    #[error("{value} is out of range {min}–{max}")]
    OutOfRange {
        /// The rejected value.
        value: u8,
        /// Smallest allowed value.
        min: u8,
        /// Largest allowed value.
        max: u8,
    },
    /// `HourSet::span` was given a start after its end or an end past 24.
    #[error("hour span {start}..{end} is invalid: it needs start <= end <= 24")]
    InvalidSpan {
        /// First hour of the span.
        start: u8,
        /// Hour after the last one of the span.
        end: u8,
    },
    /// An item of a list string is a well-formed number outside the range.
    #[error("item {position} ({excerpt}) is out of range {min}–{max}")]
    ItemOutOfRange {
        /// 1-based number of the item in the list.
        position: usize,
        /// The item, shortened if it is long.
        excerpt: String,
        /// Smallest allowed value.
        min: u8,
        /// Largest allowed value.
        max: u8,
    },
    /// An item repeats a value that appeared earlier in the list.
    #[error("item {position} ({value}) repeats an earlier item")]
    Duplicate {
        /// 1-based number of the item in the list.
        position: usize,
        /// The repeated value.
        value: u8,
    },
    /// An item is smaller than the one before it; lists must be strictly ascending.
    #[error(
        "item {position} ({value}) is smaller than the item before it ({previous}); items must be in ascending order"
    )]
    NotAscending {
        /// 1-based number of the item in the list.
        position: usize,
        /// The out-of-order value.
        value: u8,
        /// The value of the item before it.
        previous: u8,
    },
    /// An item is not a plain decimal number.
    #[error("item {position} is malformed: {problem}")]
    Malformed {
        /// 1-based number of the item in the list.
        position: usize,
        /// What is wrong with it.
        problem: ItemProblem,
    },
}

/// What makes a list item malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ItemProblem {
    /// Nothing between two commas, or a leading or trailing comma.
    Empty,
    /// A number written with a leading zero, such as `07`.
    LeadingZero,
    /// A character other than an ASCII digit (whitespace and signs included).
    UnexpectedChar(char),
}

impl fmt::Display for ItemProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => {
                f.write_str("it is empty (two commas in a row, or a comma at the start or end)")
            }
            Self::LeadingZero => f.write_str("it has a leading zero"),
            Self::UnexpectedChar(c) => write!(
                f,
                "unexpected character {c:?}; only digits separated by single commas are allowed"
            ),
        }
    }
}
