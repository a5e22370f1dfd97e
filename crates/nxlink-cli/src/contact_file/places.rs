//! How a row or a cell of a contacts file is named in messages, so that the user finds it in
//! their own program: `contacts.csv:17` and its column for a CSV, `Sheet1!B17` for a sheet.

use crate::problems::Problem;

/// Names rows and cells of one contacts file.
#[derive(Debug, Clone)]
pub(crate) struct FilePlaces {
    /// The file as the user named it.
    file: String,
    /// For a spreadsheet: the sheet's name and the column (0-based, absolute) of the
    /// table's first column.
    sheet: Option<(String, u32)>,
}

impl FilePlaces {
    /// Places in a text file: lines.
    pub(crate) fn lines(file: String) -> Self {
        FilePlaces { file, sheet: None }
    }

    /// Places in a sheet whose table starts at column `first_column` (0 = A).
    pub(crate) fn cells(file: String, sheet: String, first_column: u32) -> Self {
        FilePlaces {
            file,
            sheet: Some((sheet, first_column)),
        }
    }

    /// The file as the user named it.
    pub(crate) fn file(&self) -> &str {
        &self.file
    }

    /// `contacts.csv:17` or `contacts.xlsx: Sheet1 row 17`.
    pub(crate) fn row(&self, line: u64) -> String {
        match &self.sheet {
            None => format!("{}:{line}", self.file),
            Some((sheet, _)) => format!("{}: {sheet} row {line}", self.file),
        }
    }

    /// A row's place, short (`line 17`, `row 17`), for lists within one file.
    pub(crate) fn row_short(&self, line: u64) -> String {
        match &self.sheet {
            None => format!("line {line}"),
            Some(_) => format!("row {line}"),
        }
    }

    /// A problem on a row, in the column at `index` (of the table) named `name`.
    pub(crate) fn problem(
        &self,
        line: u64,
        column: Option<(usize, &str)>,
        message: impl Into<String>,
    ) -> Problem {
        match &self.sheet {
            None => Problem::line(&self.file, line, column.map(|(_, name)| name), message),
            Some((sheet, first)) => {
                let cell = column.map(|(index, name)| {
                    let absolute = u64::from(*first) + index as u64;
                    (format!("{}{line}", column_letters(absolute)), name)
                });
                Problem::cell(&self.file, sheet, line, cell, message)
            }
        }
    }
}

/// `A`, `Z`, `AA`, … for a 0-based column.
pub(crate) fn column_letters(mut index: u64) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_as_spreadsheets_do() {
        let letters: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702]
            .into_iter()
            .map(column_letters)
            .collect();
        assert_eq!(
            letters,
            ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]
        );
    }

    #[test]
    fn cells_are_named_by_sheet_and_reference() {
        let places = FilePlaces::cells("c.xlsx".into(), "Contacts".into(), 0);
        assert_eq!(
            places
                .problem(17, Some((1, "phoneNumber")), "is a number")
                .to_string(),
            "c.xlsx: Contacts!B17 (column phoneNumber): is a number"
        );
        assert_eq!(places.row(17), "c.xlsx: Contacts row 17");
        let places = FilePlaces::lines("c.csv".into());
        assert_eq!(
            places
                .problem(17, Some((1, "phoneNumber")), "x")
                .to_string(),
            "c.csv:17: column phoneNumber: x"
        );
    }
}
