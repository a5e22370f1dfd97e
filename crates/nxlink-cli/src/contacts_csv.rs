//! Contacts CSV files: a streaming reader that turns each row into a [`Contact`] or into
//! problems with their line and column, and a writer of rows in the input's own layout.
//!
//! Columns: `contactId`, `name` and `phoneNumber` are required, `other` is optional (their
//! names match in any case); every further column is a script variable named by its header.
//! An empty variable cell leaves that variable out for the row. Fields are trimmed.

use std::fs::File;
use std::path::Path;

use csv::{ByteRecord, ReaderBuilder, Trim};
use nxlink::model::{Contact, FieldPath, Variable, Violations, validate_contact};

use crate::errors::{CliError, io_reason};
use crate::problems::Problem;

/// The required columns, as they are reported.
const REQUIRED: [&str; 3] = ["contactId", "name", "phoneNumber"];
/// The optional pass-through column.
const OTHER: &str = "other";

/// Which column holds what.
#[derive(Clone, Debug)]
struct Layout {
    /// The header names, as written.
    names: Vec<String>,
    contact_id: usize,
    name: usize,
    phone_number: usize,
    other: Option<usize>,
    /// Columns that are variables.
    variables: Vec<usize>,
}

/// One data row.
#[derive(Debug)]
pub(crate) struct Row {
    /// The line the record starts on (1 is the header).
    pub(crate) line: u64,
    /// The record as read (trimmed), to write back unchanged if it fails.
    pub(crate) raw: ByteRecord,
    /// The contact, or why the row cannot be one.
    pub(crate) contact: Result<Contact, Vec<Problem>>,
}

/// Reads a contacts CSV one row at a time: memory does not grow with the file.
#[derive(Debug)]
pub(crate) struct ContactsReader {
    name: String,
    reader: csv::Reader<File>,
    layout: Layout,
    headers: ByteRecord,
    record: ByteRecord,
    file_len: u64,
    /// Added to the reader's line numbers: 1 for a file with CRLF line ends (see
    /// [`crlf_line_offset`]).
    line_offset: u64,
}

impl ContactsReader {
    /// Opens a CSV and reads its header. An unreadable file is an error (exit 2); a header
    /// that lacks a required column (or is otherwise unusable) gives its problems.
    pub(crate) fn open(path: &Path) -> Result<Result<Self, Vec<Problem>>, CliError> {
        let name = path.display().to_string();
        let file = File::open(path).map_err(|error| CliError::unreadable(path, &error))?;
        let file_len = file.metadata().map(|meta| meta.len()).unwrap_or(0);
        let mut reader = ReaderBuilder::new()
            .flexible(true)
            .trim(Trim::All)
            .from_reader(file);
        let headers = reader
            .byte_headers()
            .map_err(|error| read_error(path, &error))?
            .clone();
        let line_offset = crlf_line_offset(path, reader.position().byte());
        Ok(match layout(&name, &headers) {
            Ok(layout) => Ok(ContactsReader {
                name,
                reader,
                layout,
                headers,
                record: ByteRecord::new(),
                file_len,
                line_offset,
            }),
            Err(problems) => Err(problems),
        })
    }

    /// The header record, to start a file of failed rows with.
    pub(crate) fn headers(&self) -> &ByteRecord {
        &self.headers
    }

    /// The file's size in bytes (0 when unknown).
    pub(crate) fn file_len(&self) -> u64 {
        self.file_len
    }

    /// Bytes read so far.
    pub(crate) fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }

    /// The file as the user named it.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The header name of the column a contact field path (`phoneNumber`, `params[2].name`)
    /// came from; `params` indexes count only the row's non-empty variables.
    fn column_of(&self, field: &str, params: &[usize]) -> Option<&str> {
        let index = self.column_index(field, params)?;
        self.layout.names.get(index).map(String::as_str)
    }

    /// The index of the column a contact field path came from (see [`Self::column_of`]).
    fn column_index(&self, field: &str, params: &[usize]) -> Option<usize> {
        match field {
            "contactId" => Some(self.layout.contact_id),
            "name" => Some(self.layout.name),
            "phoneNumber" => Some(self.layout.phone_number),
            "other" => self.layout.other,
            _ => field
                .strip_prefix("params[")
                .and_then(|rest| rest.split(']').next())
                .and_then(|index| index.parse::<usize>().ok())
                .and_then(|index| params.get(index).copied()),
        }
    }

    /// The header name of the column `field` names (`phoneNumber`, …), as the file spells it.
    pub(crate) fn column_name(&self, field: &str) -> Option<&str> {
        self.column_of(field, &[])
    }

    /// Reads the next row; `None` at the end of the file.
    pub(crate) fn next_row(&mut self) -> Result<Option<Row>, CliError> {
        let more = self
            .reader
            .read_byte_record(&mut self.record)
            .map_err(|error| read_error(Path::new(&self.name), &error))?;
        if !more {
            return Ok(None);
        }
        let line = self
            .record
            .position()
            .map_or(0, |position| position.line() + self.line_offset);
        let raw = self.record.clone();
        let contact = self.contact(line, &raw);
        Ok(Some(Row { line, raw, contact }))
    }

    /// Turns a record into a contact, or lists every problem of the row.
    fn contact(&self, line: u64, record: &ByteRecord) -> Result<Contact, Vec<Problem>> {
        let layout = &self.layout;
        if record.len() != layout.names.len() {
            return Err(vec![Problem::line(
                &self.name,
                line,
                None,
                format!(
                    "has {} fields, but the header has {} columns",
                    record.len(),
                    layout.names.len()
                ),
            )]);
        }
        let mut problems = Vec::new();
        // Columns already reported as unreadable: the rules' view of them (an empty value)
        // would only say the same thing twice.
        let mut unreadable = Vec::new();
        let mut text = |index: usize| -> String {
            let bytes = record.get(index).unwrap_or_default();
            match std::str::from_utf8(bytes) {
                Ok(text) => text.to_owned(),
                Err(_) => {
                    unreadable.push(index);
                    problems.push(Problem::line(
                        &self.name,
                        line,
                        layout.names.get(index).map(String::as_str),
                        "is not valid UTF-8: save the file as UTF-8 CSV",
                    ));
                    String::new()
                }
            }
        };
        let mut contact = Contact::new(
            text(layout.contact_id),
            text(layout.name),
            text(layout.phone_number),
        );
        contact.other = layout
            .other
            .map(&mut text)
            .filter(|other| !other.is_empty());
        let mut params = Vec::new();
        for &index in &layout.variables {
            let value = text(index);
            if !value.is_empty() {
                let name = layout.names.get(index).cloned().unwrap_or_default();
                contact.params.push(Variable::new(name, value));
                params.push(index);
            }
        }
        let mut violations = Violations::new();
        validate_contact(&contact, &FieldPath::root(), &mut violations);
        if let Err(errors) = violations.into_result() {
            for violation in errors {
                if self
                    .column_index(violation.path(), &params)
                    .is_some_and(|index| unreadable.contains(&index))
                {
                    continue;
                }
                let column = self.column_of(violation.path(), &params);
                problems.push(Problem::line(&self.name, line, column, violation.reason));
            }
        }
        if problems.is_empty() {
            Ok(contact)
        } else {
            Err(problems)
        }
    }
}

/// How many lines the csv reader's numbers are short by. It counts a line when it reads a
/// `\n`, but stops a record at the `\r` of a CRLF line end, so every record after one starts
/// a line early (BurntSushi/rust-csv#395). The header's end shows which kind of file this
/// is: after reading it, the reader stands on the `\n` of a CRLF. Files are assumed to keep
/// one kind of line end throughout, as spreadsheet programs write them.
fn crlf_line_offset(path: &Path, after_header: u64) -> u64 {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut file) = File::open(path) else {
        return 0;
    };
    let mut byte = [0u8; 1];
    let on_newline = after_header > 0
        && file.seek(SeekFrom::Start(after_header)).is_ok()
        && file.read_exact(&mut byte).is_ok()
        && byte[0] == b'\n';
    u64::from(on_newline)
}

/// A CSV read error: only I/O can fail here (records are bytes, rows may vary in length).
fn read_error(path: &Path, error: &csv::Error) -> CliError {
    match error.kind() {
        csv::ErrorKind::Io(io) => {
            CliError::failed(format!("cannot read {}: {}", path.display(), io_reason(io)))
        }
        _ => CliError::failed(format!("cannot read {}: {error}", path.display())),
    }
}

/// Finds the columns; every problem of the header is reported at line 1.
fn layout(file: &str, headers: &ByteRecord) -> Result<Layout, Vec<Problem>> {
    let mut problems = Vec::new();
    let header_problem = |message: String| Problem::line(file, 1, None, message);
    if headers.is_empty() || (headers.len() == 1 && headers.get(0).is_some_and(<[u8]>::is_empty)) {
        return Err(vec![header_problem(format!(
            "the first line must name the columns: {}, optionally {OTHER}, then one column per \
             variable",
            REQUIRED.join(", ")
        ))]);
    }
    let mut names = Vec::with_capacity(headers.len());
    for (index, bytes) in headers.iter().enumerate() {
        match std::str::from_utf8(bytes) {
            Ok("") => {
                problems.push(header_problem(format!(
                    "column {} has no name; each column after {} and {OTHER} is a variable named \
                     by its header",
                    index + 1,
                    REQUIRED.join(", ")
                )));
                names.push(format!("#{}", index + 1));
            }
            Ok(name) => names.push(name.to_owned()),
            Err(_) => {
                problems.push(header_problem(format!(
                    "column {} is not valid UTF-8: save the file as UTF-8 CSV",
                    index + 1
                )));
                names.push(format!("#{}", index + 1));
            }
        }
    }
    let find = |wanted: &str| {
        names
            .iter()
            .position(|name| name.eq_ignore_ascii_case(wanted))
    };
    let mut required = [0usize; 3];
    for (slot, wanted) in required.iter_mut().zip(REQUIRED) {
        match find(wanted) {
            Some(index) => *slot = index,
            None => problems.push(header_problem(format!(
                "no column {wanted} (columns: {})",
                names.join(", ")
            ))),
        }
    }
    for (index, name) in names.iter().enumerate() {
        let reserved = REQUIRED
            .iter()
            .chain([&OTHER])
            .any(|r| r.eq_ignore_ascii_case(name));
        let first = names.iter().position(|other| {
            if reserved {
                other.eq_ignore_ascii_case(name)
            } else {
                other == name
            }
        });
        if first != Some(index) {
            problems.push(header_problem(format!("column {name} appears twice")));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let other = find(OTHER);
    let [contact_id, name, phone_number] = required;
    let variables = (0..names.len())
        .filter(|index| ![contact_id, name, phone_number].contains(index) && Some(*index) != other)
        .collect();
    Ok(Layout {
        names,
        contact_id,
        name,
        phone_number,
        other,
        variables,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> ByteRecord {
        ByteRecord::from(names.to_vec())
    }

    #[test]
    fn columns_are_found_in_any_case_and_the_rest_are_variables() {
        let layout = layout(
            "c.csv",
            &headers(&["Name", "PHONENUMBER", "x", "contactId", "other", "y"]),
        )
        .expect("valid header");
        assert_eq!(
            (layout.contact_id, layout.name, layout.phone_number),
            (3, 0, 1)
        );
        assert_eq!(layout.other, Some(4));
        assert_eq!(layout.variables, [2, 5]);
    }

    #[test]
    fn header_problems_are_all_reported_at_line_one() {
        let problems = layout("c.csv", &headers(&["contactId", "name", "", "v", "v"]))
            .expect_err("broken header");
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 3, "{lines:#?}");
        assert!(lines[0].starts_with("c.csv:1: column 3 has no name"));
        assert!(lines[1].starts_with("c.csv:1: no column phoneNumber"));
        assert_eq!(lines[2], "c.csv:1: column v appears twice");
    }

    fn reader_of(name: &str, content: &[u8]) -> ContactsReader {
        let dir = std::env::temp_dir().join(format!("nxlink-csv-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        let path = dir.join(name);
        std::fs::write(&path, content).expect("written");
        ContactsReader::open(&path)
            .expect("readable")
            .expect("valid header")
    }

    fn lines_and_problems(reader: &mut ContactsReader) -> Vec<(u64, Vec<String>)> {
        let mut rows = Vec::new();
        while let Some(row) = reader.next_row().expect("row") {
            let problems = match row.contact {
                Ok(_) => Vec::new(),
                Err(problems) => problems.iter().map(ToString::to_string).collect(),
            };
            rows.push((row.line, problems));
        }
        rows
    }

    #[test]
    fn rows_of_a_crlf_file_are_numbered_by_their_own_lines() {
        for (name, end) in [("lf.csv", "\n"), ("crlf.csv", "\r\n")] {
            let content = [
                "contactId,name,phoneNumber",
                "c-1,A,13800000001",
                "\"c-2\",\"B\nC\",13800000002",
                "c-3,,13800000003",
                "",
            ]
            .join(end);
            let mut reader = reader_of(name, content.as_bytes());
            let rows = lines_and_problems(&mut reader);
            let lines: Vec<u64> = rows.iter().map(|(line, _)| *line).collect();
            assert_eq!(lines, [2, 3, 5], "{name}");
            assert_eq!(rows[2].1.len(), 1, "{name}: {:?}", rows[2].1);
            assert!(
                rows[2].1[0].starts_with(&format!("{}:5:", reader.name())),
                "{:?}",
                rows[2].1
            );
        }
    }

    #[test]
    fn a_field_that_is_not_utf8_is_reported_once() {
        let mut reader = reader_of(
            "latin1.csv",
            b"contactId,name,phoneNumber\nc-1,Jos\xe9,13800000001\n",
        );
        let rows = lines_and_problems(&mut reader);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].1.len(), 1, "{:?}", rows[0].1);
        assert!(
            rows[0].1[0].contains("is not valid UTF-8"),
            "{:?}",
            rows[0].1
        );
    }
}
