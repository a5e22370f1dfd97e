//! Problems found in input files, each with where it is: a JSON path in a task definition,
//! a line and column of a CSV, or a sheet's cell.

use std::fmt;

/// One problem in an input file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    /// The file as the user named it.
    pub(crate) file: String,
    /// Where in the file.
    pub(crate) at: Location,
    /// What is wrong.
    pub(crate) message: String,
}

/// Where a problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Location {
    /// The whole file (it cannot be parsed, or is not the right kind of document).
    File,
    /// A JSON path inside a task definition, e.g. `callList[3].phoneNumber`.
    Path(String),
    /// A CSV line (1-based, as an editor numbers them), and a column when one is to blame.
    Line {
        /// The line the record starts on.
        line: u64,
        /// The column's header name.
        column: Option<String>,
    },
    /// A row of a spreadsheet, and the cell (`B17`, with its column's header name) when one
    /// is to blame.
    Cell {
        /// The sheet's name.
        sheet: String,
        /// The row (1-based, as the spreadsheet numbers it).
        row: u64,
        /// The cell reference and the column's header name.
        cell: Option<(String, String)>,
    },
}

impl Problem {
    /// A problem with a whole file.
    pub(crate) fn file(file: &str, message: impl Into<String>) -> Self {
        Problem {
            file: file.to_owned(),
            at: Location::File,
            message: message.into(),
        }
    }

    /// A problem at a JSON path.
    pub(crate) fn path(file: &str, path: impl Into<String>, message: impl Into<String>) -> Self {
        let path = path.into();
        Problem {
            file: file.to_owned(),
            at: if path.is_empty() {
                Location::File
            } else {
                Location::Path(path)
            },
            message: message.into(),
        }
    }

    /// A problem on a CSV line, optionally in one column.
    pub(crate) fn line(
        file: &str,
        line: u64,
        column: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            file: file.to_owned(),
            at: Location::Line {
                line,
                column: column.map(str::to_owned),
            },
            message: message.into(),
        }
    }
}

impl Problem {
    /// A problem on a spreadsheet row, optionally in one cell (`B17`, header name).
    pub(crate) fn cell(
        file: &str,
        sheet: &str,
        row: u64,
        cell: Option<(String, &str)>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            file: file.to_owned(),
            at: Location::Cell {
                sheet: sheet.to_owned(),
                row,
                cell: cell.map(|(reference, name)| (reference, name.to_owned())),
            },
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    /// `task.json: weekDay: …`, `contacts.csv:17: column phoneNumber: …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.at {
            Location::File => write!(f, "{}: {}", self.file, self.message),
            Location::Path(path) => write!(f, "{}: {path}: {}", self.file, self.message),
            Location::Line { line, column } => {
                write!(f, "{}:{line}: ", self.file)?;
                if let Some(column) = column {
                    write!(f, "column {column}: ")?;
                }
                f.write_str(&self.message)
            }
            Location::Cell { sheet, row, cell } => match cell {
                Some((reference, column)) => write!(
                    f,
                    "{}: {sheet}!{reference} (column {column}): {}",
                    self.file, self.message
                ),
                None => write!(f, "{}: {sheet} row {row}: {}", self.file, self.message),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_print_with_their_location() {
        assert_eq!(
            Problem::line("c.csv", 17, Some("phoneNumber"), "must be digits").to_string(),
            "c.csv:17: column phoneNumber: must be digits"
        );
        assert_eq!(
            Problem::line("c.csv", 2, None, "has 3 fields").to_string(),
            "c.csv:2: has 3 fields"
        );
        assert_eq!(
            Problem::path("t.json", "weekDay", "is required").to_string(),
            "t.json: weekDay: is required"
        );
        assert_eq!(Problem::path("t.json", "", "x").to_string(), "t.json: x");
    }
}
