//! Contacts in a spreadsheet (`.xlsx`, `.xlsm`, `.xls`, `.ods`), read with calamine: the
//! first sheet unless one is named, its first used row as the header.
//!
//! A cell is turned into the text the user sees in it, with one exception that matters: a
//! cell the spreadsheet holds as a number is marked, since a phone number stored that way
//! has lost any leading `+` or `0`, and a long one its last digits.

use std::path::Path;

use calamine::{Data, Range, Reader, open_workbook_auto};
use csv::ByteRecord;

use crate::errors::CliError;

/// The extensions read as spreadsheets.
const SHEET_EXTENSIONS: [&str; 6] = ["xlsx", "xlsm", "xlsb", "xls", "ods", "xla"];

/// Whether `path` names a spreadsheet (by its extension, in any case).
pub(crate) fn is_spreadsheet(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| {
            SHEET_EXTENSIONS
                .iter()
                .any(|known| known.eq_ignore_ascii_case(extension))
        })
}

/// A number cell as the sheet holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum NumberCell {
    /// A whole number (exact below 2^53).
    Whole(i64),
    /// A number with a fraction, or too large to be exact.
    Inexact(f64),
}

/// The rows of one sheet, the header first.
#[derive(Debug)]
pub(crate) struct SheetRows {
    /// The sheet's name.
    pub(crate) sheet: String,
    range: Range<Data>,
    /// The next row to give (0-based within the range).
    next: usize,
    /// The table's columns: up to the header's last named one.
    width: usize,
}

/// One row as text, with its number cells.
#[derive(Debug)]
pub(crate) struct SheetRow {
    /// The row as the spreadsheet numbers it (1-based).
    pub(crate) row: u64,
    /// The cells as text.
    pub(crate) record: ByteRecord,
    /// Columns (0-based, within the table) whose cell is a number, and the number.
    pub(crate) numbers: Vec<(usize, NumberCell)>,
    /// Columns whose cell is an error (`#N/A`, `#REF!`), and the error.
    pub(crate) errors: Vec<(usize, String)>,
}

impl SheetRows {
    /// Opens the workbook and reads the sheet (whole: calamine reads a sheet at once).
    pub(crate) fn open(path: &Path, wanted: Option<&str>) -> Result<Self, CliError> {
        let unreadable = |error: &dyn std::fmt::Display| {
            CliError::failed(format!("cannot read {}: {error}", path.display()))
        };
        let mut workbook = open_workbook_auto(path).map_err(|error| unreadable(&error))?;
        let names = workbook.sheet_names();
        let sheet = match wanted {
            Some(wanted) => names
                .iter()
                .find(|name| name.as_str() == wanted)
                .or_else(|| names.iter().find(|name| name.eq_ignore_ascii_case(wanted)))
                .cloned()
                .ok_or_else(|| {
                    CliError::failed(format!(
                        "{} has no sheet {wanted:?} (its sheets: {})",
                        path.display(),
                        names.join(", ")
                    ))
                })?,
            None => names
                .first()
                .cloned()
                .ok_or_else(|| CliError::failed(format!("{} has no sheets", path.display())))?,
        };
        let range = workbook
            .worksheet_range(&sheet)
            .map_err(|error| unreadable(&error))?;
        // Formatting can stretch a sheet's used range past the table: the header says
        // where the table ends.
        let width = (0..range.width())
            .rev()
            .find(|&column| {
                range
                    .get((0, column))
                    .is_some_and(|cell| cell != &Data::Empty)
            })
            .map_or(0, |last| last + 1);
        Ok(SheetRows {
            sheet,
            range,
            next: 0,
            width,
        })
    }

    /// The absolute (0-based) column of the table's first column.
    pub(crate) fn first_column(&self) -> u32 {
        self.range.start().map_or(0, |(_, column)| column)
    }

    /// Data rows in the sheet (the header excluded).
    pub(crate) fn data_rows(&self) -> u64 {
        self.range.height().saturating_sub(1) as u64
    }

    /// The rows given so far.
    pub(crate) fn rows_read(&self) -> u64 {
        self.next as u64
    }

    /// The next row, or `None` after the last; rows with no value at all are skipped, as
    /// blank lines of a CSV are.
    pub(crate) fn next_row(&mut self) -> Option<SheetRow> {
        loop {
            let row = self.row_at_next()?;
            if row.numbers.is_empty()
                && row.errors.is_empty()
                && row.record.iter().all(<[u8]>::is_empty)
            {
                continue;
            }
            return Some(row);
        }
    }

    fn row_at_next(&mut self) -> Option<SheetRow> {
        let first_row = self.range.start().map_or(0, |(row, _)| row);
        if self.next >= self.range.height() {
            return None;
        }
        let (at, width) = (self.next, self.width);
        let row = u64::from(first_row) + at as u64 + 1;
        self.next += 1;
        let mut record = ByteRecord::with_capacity(64, width);
        let mut numbers = Vec::new();
        let mut errors = Vec::new();
        for index in 0..width {
            let cell = self.range.get((at, index)).unwrap_or(&Data::Empty);
            let text = match cell {
                Data::Empty => String::new(),
                Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => {
                    text.trim().to_owned()
                }
                Data::Int(value) => {
                    numbers.push((index, NumberCell::Whole(*value)));
                    value.to_string()
                }
                Data::Float(value) => {
                    let number =
                        whole(*value).map_or(NumberCell::Inexact(*value), NumberCell::Whole);
                    numbers.push((index, number));
                    match number {
                        NumberCell::Whole(whole) => whole.to_string(),
                        NumberCell::Inexact(value) => value.to_string(),
                    }
                }
                Data::Bool(value) => value.to_string(),
                Data::DateTime(value) => value.to_string(),
                Data::Error(error) => {
                    errors.push((index, error.to_string()));
                    String::new()
                }
            };
            record.push_field(text.as_bytes());
        }
        for index in width..self.range.width() {
            if self
                .range
                .get((at, index))
                .is_some_and(|cell| cell != &Data::Empty)
            {
                errors.push((
                    index,
                    "a value right of the header's last column".to_owned(),
                ));
            }
        }
        Some(SheetRow {
            row,
            record,
            numbers,
            errors,
        })
    }
}

/// The whole number a float holds exactly, if it does (integers up to 2^53).
fn whole(value: f64) -> Option<i64> {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    (value.fract() == 0.0 && value.abs() <= EXACT).then_some(value as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheets_are_known_by_extension() {
        assert!(is_spreadsheet(Path::new("a/Contacts.XLSX")));
        assert!(is_spreadsheet(Path::new("c.ods")));
        assert!(is_spreadsheet(Path::new("c.xls")));
        assert!(!is_spreadsheet(Path::new("c.csv")));
        assert!(!is_spreadsheet(Path::new("xlsx")));
    }

    #[test]
    fn only_exact_whole_floats_are_whole() {
        assert_eq!(whole(13_800_000_001.0), Some(13_800_000_001));
        assert_eq!(whole(1.5), None);
        assert_eq!(whole(1e20), None);
    }
}
