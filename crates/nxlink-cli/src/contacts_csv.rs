//! Contacts CSV files: a streaming reader that turns each row into a [`Contact`] or into
//! problems with their line and column, and a writer of rows in the input's own layout.
//!
//! Columns: `contactId`, `name` and `phoneNumber` are required, `other` is optional (their
//! names match in any case); every further column is a script variable named by its header.
//! An empty variable cell leaves that variable out for the row. Fields are trimmed.

use std::fs::File;
use std::path::{Path, PathBuf};

use csv::{ByteRecord, ReaderBuilder, Trim, WriterBuilder};
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
        Ok(match layout(&name, &headers) {
            Ok(layout) => Ok(ContactsReader {
                name,
                reader,
                layout,
                headers,
                record: ByteRecord::new(),
                file_len,
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
        let index = match field {
            "contactId" => Some(self.layout.contact_id),
            "name" => Some(self.layout.name),
            "phoneNumber" => Some(self.layout.phone_number),
            "other" => self.layout.other,
            _ => field
                .strip_prefix("params[")
                .and_then(|rest| rest.split(']').next())
                .and_then(|index| index.parse::<usize>().ok())
                .and_then(|index| params.get(index).copied()),
        }?;
        self.layout.names.get(index).map(String::as_str)
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
        let line = self.record.position().map_or(0, |position| position.line());
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
        let mut text = |index: usize| -> String {
            let bytes = record.get(index).unwrap_or_default();
            match std::str::from_utf8(bytes) {
                Ok(text) => text.to_owned(),
                Err(_) => {
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

/// Where failed rows go by default: next to the input, `<csv>.failed.csv`.
pub(crate) fn default_failed_path(csv: &Path) -> PathBuf {
    let mut name = csv.file_name().unwrap_or_default().to_os_string();
    name.push(".failed.csv");
    csv.with_file_name(name)
}

/// Writes rows, unchanged, under the input's header: a file to append again to resume.
///
/// The rows go to a temporary file beside the target, which [`FailedRows::finish`] syncs
/// and renames into place: the file the user sees is complete or absent, never cut short by
/// a kill. Creating one removes a stale file of an earlier run first.
#[derive(Debug)]
pub(crate) struct FailedRows {
    path: PathBuf,
    partial: PathBuf,
    writer: Option<csv::Writer<File>>,
    count: u64,
}

impl FailedRows {
    /// Starts the file (as a temporary one) and writes the header.
    pub(crate) fn create(path: &Path, headers: &ByteRecord) -> Result<Self, CliError> {
        let cannot = |error: &dyn std::fmt::Display| {
            CliError::usage(format!("cannot write {}: {error}", path.display()))
        };
        match std::fs::remove_file(path) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(cannot(&io_reason(&error))),
        }
        let partial = partial_path(path);
        let file = File::create(&partial).map_err(|error| cannot(&io_reason(&error)))?;
        let mut writer = WriterBuilder::new().flexible(true).from_writer(file);
        writer
            .write_byte_record(headers)
            .map_err(|error| cannot(&error))?;
        Ok(FailedRows {
            path: path.to_path_buf(),
            partial,
            writer: Some(writer),
            count: 0,
        })
    }

    fn cannot(&self, error: &dyn std::fmt::Display) -> CliError {
        CliError::failed(format!("cannot write {}: {error}", self.path.display()))
    }

    /// Writes one row as it was read.
    pub(crate) fn write(&mut self, row: &ByteRecord) -> Result<(), CliError> {
        let Some(writer) = self.writer.as_mut() else {
            return Ok(());
        };
        if let Err(error) = writer.write_byte_record(row) {
            return Err(self.cannot(&error));
        }
        self.count += 1;
        Ok(())
    }

    /// Completes the file: synced and renamed into place when it holds rows, no file at all
    /// when it does not. Returns how many rows it holds.
    pub(crate) fn finish(mut self) -> Result<u64, CliError> {
        let Some(writer) = self.writer.take() else {
            return Ok(0);
        };
        let file = writer
            .into_inner()
            .map_err(|error| self.cannot(&io_reason(error.error())))?;
        if self.count == 0 {
            drop(file);
            let _ = std::fs::remove_file(&self.partial);
            return Ok(0);
        }
        file.sync_all()
            .map_err(|error| self.cannot(&io_reason(&error)))?;
        drop(file);
        std::fs::rename(&self.partial, &self.path)
            .map_err(|error| self.cannot(&io_reason(&error)))?;
        sync_parent(&self.path);
        Ok(self.count)
    }
}

impl Drop for FailedRows {
    /// Not finished (an error, or a stop): the partial file is removed.
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

/// The temporary file a failed-rows file is written to: hidden, beside it.
fn partial_path(path: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(".partial");
    path.with_file_name(name)
}

/// Makes a rename durable: syncs the directory holding `path` (best effort: not every
/// platform can open a directory).
fn sync_parent(path: &Path) {
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if let Ok(dir) = File::open(parent) {
        let _ = dir.sync_all();
    }
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

    #[test]
    fn the_default_failed_file_sits_next_to_the_input() {
        assert_eq!(
            default_failed_path(Path::new("/data/june.csv")),
            Path::new("/data/june.csv.failed.csv")
        );
    }
}
