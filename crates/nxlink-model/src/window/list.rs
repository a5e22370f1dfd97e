//! The comma-separated list language shared by week days and hours: one strict parser,
//! one canonical printer, one iterator over a bitmask.

use std::fmt;
use std::iter::FusedIterator;

use super::error::{ItemProblem, WindowError};

/// Iterates over the members of a `WeekDays` or `HourSet`, in ascending order.
#[derive(Debug, Clone)]
pub struct SetIter {
    bits: u32,
}

impl SetIter {
    pub(super) const fn new(bits: u32) -> Self {
        Self { bits }
    }
}

impl Iterator for SetIter {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        if self.bits == 0 {
            return None;
        }
        let lowest = self.bits.trailing_zeros();
        self.bits &= self.bits - 1;
        u8::try_from(lowest).ok()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.bits.count_ones() as usize;
        (n, Some(n))
    }
}

impl DoubleEndedIterator for SetIter {
    fn next_back(&mut self) -> Option<u8> {
        if self.bits == 0 {
            return None;
        }
        let highest = 31 - self.bits.leading_zeros();
        self.bits &= !(1 << highest);
        u8::try_from(highest).ok()
    }
}

impl ExactSizeIterator for SetIter {}
impl FusedIterator for SetIter {}

/// The longest list text: every hour 0–23, comma-separated (14 two-digit members, 10 one-digit
/// members, 23 commas).
pub(super) const LIST_TEXT_MAX: usize = 10 + 14 * 2 + 23;

/// The members ascending, comma-separated, without spaces; empty for the empty set.
///
/// Built in a stack buffer without the formatting machinery: four of these go into every
/// task/create body, and `write!` per member was a measurable share of serializing one.
pub(super) fn list_text(bits: u32, buffer: &mut [u8; LIST_TEXT_MAX]) -> &str {
    let mut len = 0;
    for value in SetIter::new(bits) {
        if len > 0 {
            buffer[len] = b',';
            len += 1;
        }
        if value >= 10 {
            buffer[len] = b'0' + value / 10;
            len += 1;
        }
        buffer[len] = b'0' + value % 10;
        len += 1;
    }
    // Only ASCII digits and commas were written.
    std::str::from_utf8(&buffer[..len]).unwrap_or_default()
}

/// Writes the members ascending, comma-separated, without spaces; nothing for the empty set.
pub(super) fn write_list(bits: u32, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str(list_text(bits, &mut [0; LIST_TEXT_MAX]))
}

/// Parses exactly the language `write_list` produces for values in `min..=max`.
pub(super) fn parse_list(text: &str, min: u8, max: u8) -> Result<u32, WindowError> {
    if text.is_empty() {
        return Ok(0);
    }
    let mut bits = 0u32;
    let mut previous: Option<u8> = None;
    for (index, item) in text.split(',').enumerate() {
        let position = index + 1;
        let value = parse_item(item, position, min, max)?;
        if let Some(previous) = previous {
            if bits & (1 << value) != 0 {
                return Err(WindowError::Duplicate { position, value });
            }
            if value < previous {
                return Err(WindowError::NotAscending {
                    position,
                    value,
                    previous,
                });
            }
        }
        bits |= 1 << value;
        previous = Some(value);
    }
    Ok(bits)
}

fn parse_item(item: &str, position: usize, min: u8, max: u8) -> Result<u8, WindowError> {
    let malformed = |problem| WindowError::Malformed { position, problem };
    if item.is_empty() {
        return Err(malformed(ItemProblem::Empty));
    }
    if let Some(c) = item.chars().find(|c| !c.is_ascii_digit()) {
        return Err(malformed(ItemProblem::UnexpectedChar(c)));
    }
    if item.len() > 1 && item.starts_with('0') {
        return Err(malformed(ItemProblem::LeadingZero));
    }
    // Saturating so that a thousand-digit item is simply "out of range", never an overflow.
    let value = item.bytes().fold(0u32, |acc, digit| {
        acc.saturating_mul(10)
            .saturating_add(u32::from(digit - b'0'))
    });
    match u8::try_from(value) {
        Ok(value) if (min..=max).contains(&value) => Ok(value),
        _ => Err(WindowError::ItemOutOfRange {
            position,
            excerpt: shorten(item),
            min,
            max,
        }),
    }
}

fn shorten(item: &str) -> String {
    const KEEP: usize = 12;
    // The item is all ASCII digits here, so byte slicing is on character boundaries.
    match item.get(..KEEP) {
        Some(head) if item.len() > KEEP => format!("{head}… ({} digits)", item.len()),
        _ => item.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iterates_both_ways() {
        let it = SetIter::new(0b1010_0110);
        assert_eq!(it.len(), 4);
        assert_eq!(it.clone().collect::<Vec<_>>(), [1, 2, 5, 7]);
        assert_eq!(it.rev().collect::<Vec<_>>(), [7, 5, 2, 1]);
        assert_eq!(SetIter::new(1 << 31).next_back(), Some(31));
    }

    #[test]
    fn parses_canonical_lists() {
        assert_eq!(parse_list("", 0, 23), Ok(0));
        assert_eq!(parse_list("0", 0, 23), Ok(1));
        assert_eq!(parse_list("0,9,23", 0, 23), Ok(1 | 1 << 9 | 1 << 23));
    }

    #[test]
    fn reports_the_first_problem_with_its_position() {
        let err = |s| parse_list(s, 1, 7).expect_err(s);
        assert_eq!(
            err("1,,2"),
            WindowError::Malformed {
                position: 2,
                problem: ItemProblem::Empty
            }
        );
        assert_eq!(
            err("1, 2"),
            WindowError::Malformed {
                position: 2,
                problem: ItemProblem::UnexpectedChar(' ')
            }
        );
        assert_eq!(
            err("01"),
            WindowError::Malformed {
                position: 1,
                problem: ItemProblem::LeadingZero
            }
        );
        assert_eq!(
            err("3,2"),
            WindowError::NotAscending {
                position: 2,
                value: 2,
                previous: 3
            }
        );
        assert_eq!(
            err("2,3,2"),
            WindowError::Duplicate {
                position: 3,
                value: 2
            }
        );
        assert!(matches!(
            err("1,8"),
            WindowError::ItemOutOfRange { position: 2, .. }
        ));
        assert!(matches!(
            err("0"),
            WindowError::ItemOutOfRange { position: 1, .. }
        ));
    }

    #[test]
    fn huge_numbers_are_out_of_range_not_overflow() {
        let huge = "9".repeat(500);
        let error = parse_list(&huge, 0, 23).expect_err("huge");
        let message = error.to_string();
        assert!(message.contains("out of range"), "{message}");
        assert!(message.contains("500 digits"), "{message}");
        assert!(message.len() < 100, "{message}");
    }
}
