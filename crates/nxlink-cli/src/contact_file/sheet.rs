//! Contacts in a spreadsheet (`.xlsx`, `.xlsm`, `.xls`, `.ods`), read with calamine: the
//! first sheet unless one is named, its first used row as the header (see
//! [`super::sheet_cells`] for how cells are read).
//!
//! A cell is turned into the text the user sees in it, with one exception that matters: a
//! cell the spreadsheet holds as a number is marked, since a phone number stored that way
//! has lost any leading `+` or `0`, and a long one its last digits.

use std::path::Path;

use calamine::{Data, Reader, Sheets};

use super::sheet_cells::SheetCells;
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
    cells: SheetCells,
    /// The absolute column (0 = A) of the table's first column.
    first_column: u32,
    /// Rows in the sheet, as announced (for progress; 0 when unknown).
    rows: u64,
    /// Rows given so far.
    given: u64,
    /// The table's columns: up to the header's last named one (known after the header).
    width: Option<usize>,
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
    /// Opens the workbook and the sheet: an .xlsx streams, other formats are read whole.
    pub(crate) fn open(path: &Path, wanted: Option<&str>) -> Result<Self, CliError> {
        let unreadable =
            |error: String| CliError::failed(format!("cannot read {}: {error}", path.display()));
        let workbook =
            calamine::open_workbook_auto(path).map_err(|error| unreadable(error.to_string()))?;
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
        // The opened workbook itself goes to the reader thread: its shared strings are
        // read once.
        let (cells, first_column, rows) = match workbook {
            Sheets::Xlsx(xlsx) => SheetCells::streamed(xlsx, &sheet).map_err(unreadable)?,
            mut other => SheetCells::loaded(
                other
                    .worksheet_range(&sheet)
                    .map_err(|error| unreadable(error.to_string()))?,
            ),
        };
        Ok(SheetRows {
            sheet,
            cells,
            first_column,
            rows,
            given: 0,
            width: None,
        })
    }

    /// The absolute (0-based) column of the table's first column.
    pub(crate) fn first_column(&self) -> u32 {
        self.first_column
    }

    /// Data rows in the sheet (the header excluded), as announced.
    pub(crate) fn data_rows(&self) -> u64 {
        self.rows.saturating_sub(1)
    }

    /// The data rows given so far.
    pub(crate) fn rows_read(&self) -> u64 {
        self.given.saturating_sub(1)
    }

    /// The next row with a value, or `None` after the last; rows with no value at all are
    /// skipped, as blank lines of a CSV are. The first row given is the header, which sets
    /// the table's width: formatting can stretch a sheet past its table.
    pub(crate) fn next_row(&mut self) -> Result<Option<SheetRow>, String> {
        let Some((row, cells)) = self.cells.next()? else {
            return Ok(None);
        };
        self.given += 1;
        let width = *self.width.get_or_insert_with(|| {
            cells.last().map_or(0, |(column, _)| {
                (column.saturating_sub(self.first_column) as usize) + 1
            })
        });
        let mut texts = vec![String::new(); width];
        let mut numbers = Vec::new();
        let mut errors = Vec::new();
        for (column, cell) in cells {
            let Some(index) = column.checked_sub(self.first_column).map(|i| i as usize) else {
                continue;
            };
            if index >= width {
                errors.push((
                    index,
                    "a value right of the header's last column".to_owned(),
                ));
                continue;
            }
            texts[index] = match cell {
                Data::Empty => String::new(),
                Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => {
                    text.trim().to_owned()
                }
                Data::Int(value) => {
                    numbers.push((index, NumberCell::Whole(value)));
                    value.to_string()
                }
                Data::Float(value) => {
                    let number = whole(value).map_or(NumberCell::Inexact(value), NumberCell::Whole);
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
        }
        let mut record = ByteRecord::with_capacity(64, width);
        for text in &texts {
            record.push_field(text.as_bytes());
        }
        Ok(Some(SheetRow {
            row: u64::from(row) + 1,
            record,
            numbers,
            errors,
        }))
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
