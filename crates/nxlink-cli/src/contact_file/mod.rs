//! Contacts files as operators have them: CSV or TSV in UTF-8, UTF-16 or GB18030 (see
//! [`text_encoding`]), or a spreadsheet (see [`sheet`]). A streaming reader turns each row
//! into a [`Contact`] or into problems that name the row and the column (or the cell), and
//! keeps the row as read, to write back unchanged if it fails.
//!
//! See [`mod@layout`] for the columns. An empty variable cell leaves that variable out for the
//! row. Fields are trimmed. Phone numbers are normalized (`--phones normalize`, the
//! default) with the row's `countryCode`, else the request's, or taken as written
//! (`--phones strict`).

mod layout;
pub(crate) mod places;
mod sheet;
mod sheet_cells;
mod text_encoding;

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use csv::{ByteRecord, ReaderBuilder, Trim};
use nxlink::model::phone::{NormalizedPhone, check_number_cell, normalize_with};
use nxlink::model::{Contact, Variable};

use crate::cli::{PhoneMode, ReadArgs};
use crate::errors::{CliError, io_reason, stderr_line};
use crate::problems::Problem;
use layout::{Layout, layout};
use places::FilePlaces;
use sheet::{NumberCell, SheetRows, is_spreadsheet};
use text_encoding::{BytesRead, TextEncoding, Utf8Stream, detect, utf8_stream};

/// How to read a contacts file, and the request its contacts go to.
#[derive(Debug, Clone)]
pub(crate) struct ReadOptions {
    /// `--sheet`, `--encoding`, `--phones`.
    pub(crate) args: ReadArgs,
    /// The request's `countryCode`, the default country of numbers.
    pub(crate) country_code: Option<String>,
}

/// One data row.
#[derive(Debug)]
pub(crate) struct Row {
    /// The line the record starts on, or the spreadsheet row (1 is the header).
    pub(crate) line: u64,
    /// The record as read (trimmed), to write back unchanged if it fails.
    pub(crate) raw: ByteRecord,
    /// The contact, or why the row cannot be one.
    pub(crate) contact: Result<Contact, Vec<Problem>>,
    /// How its phone number was rewritten, when it was.
    pub(crate) rewrite: Option<PhoneRewrite>,
    /// The region of its number (ISO code), when normalization found one.
    pub(crate) region: Option<String>,
}

/// A phone number as written and as it will be sent.
#[derive(Debug, Clone)]
pub(crate) struct PhoneRewrite {
    /// The cell's text.
    pub(crate) written: String,
    /// What is sent.
    pub(crate) sent: NormalizedPhone,
}

/// Where rows come from.
#[derive(Debug)]
enum Records {
    /// A CSV or TSV, decoded to UTF-8 as it streams.
    Delimited {
        reader: csv::Reader<BufReader<Utf8Stream>>,
        /// Added to the reader's line numbers: 1 for a file with CRLF line ends (the csv
        /// reader counts a line at `\n` but ends a record at the `\r` before it,
        /// BurntSushi/rust-csv#395). Files keep one kind of line end, as programs write them.
        line_offset: u64,
        bytes: BytesRead,
        encoding: TextEncoding,
    },
    /// A spreadsheet's sheet.
    Sheet(SheetRows),
}

/// A record and what its source knows about its cells.
#[derive(Debug)]
struct RawRow {
    line: u64,
    record: ByteRecord,
    numbers: Vec<(usize, NumberCell)>,
    errors: Vec<(usize, String)>,
}

/// Reads a contacts file one row at a time: memory does not grow with a CSV.
#[derive(Debug)]
pub(crate) struct ContactsReader {
    places: FilePlaces,
    records: Records,
    layout: Layout,
    headers: ByteRecord,
    file_len: u64,
    options: ReadOptions,
    record: ByteRecord,
}

impl ContactsReader {
    /// Opens a contacts file and reads its header. An unreadable file is an error (exit 2);
    /// a header that lacks a required column (or is otherwise unusable) gives its problems.
    pub(crate) fn open(
        path: &Path,
        options: &ReadOptions,
    ) -> Result<Result<Self, Vec<Problem>>, CliError> {
        let name = path.display().to_string();
        let (places, records, headers, file_len) = if is_spreadsheet(path) {
            let mut sheet = SheetRows::open(path, options.args.sheet.as_deref())?;
            let headers = sheet
                .next_row()
                .map_err(|error| CliError::failed(format!("cannot read {name}: {error}")))?
                .map(|row| row.record)
                .unwrap_or_default();
            let rows = sheet.data_rows();
            let places = FilePlaces::cells(name, sheet.sheet.clone(), sheet.first_column());
            (places, Records::Sheet(sheet), headers, rows)
        } else {
            if options.args.sheet.is_some() {
                return Err(CliError::usage(format!(
                    "--sheet is for spreadsheets (.xlsx, .xls, .ods); {name} is read as text"
                )));
            }
            let (records, headers, file_len) = open_delimited(path, options)?;
            (FilePlaces::lines(name), records, headers, file_len)
        };
        if let Records::Delimited { encoding, .. } = &records
            && !encoding.is_plain_utf8()
        {
            stderr_line!("reading {} as {}", places.file(), encoding.describe());
        }
        Ok(match layout(&places, &headers) {
            Ok(layout) => Ok(ContactsReader {
                places,
                records,
                layout,
                headers,
                file_len,
                options: options.clone(),
                record: ByteRecord::new(),
            }),
            Err(problems) => Err(problems),
        })
    }

    /// The header record, to start a file of failed rows with.
    pub(crate) fn headers(&self) -> &ByteRecord {
        &self.headers
    }

    /// Whether the file was not plain UTF-8 (failed rows then start with a byte-order mark,
    /// so that a spreadsheet program reads them back as the same text).
    pub(crate) fn wants_bom(&self) -> bool {
        self.decoded() || matches!(self.records, Records::Sheet(_))
    }

    /// The file's size (bytes; rows for a spreadsheet), 0 when unknown.
    pub(crate) fn file_len(&self) -> u64 {
        self.file_len
    }

    /// How much of [`Self::file_len`] was read so far.
    pub(crate) fn bytes_read(&self) -> u64 {
        match &self.records {
            Records::Delimited { bytes, .. } => bytes.get(),
            Records::Sheet(sheet) => sheet.rows_read(),
        }
    }

    /// How rows and cells of this file are named.
    pub(crate) fn places(&self) -> &FilePlaces {
        &self.places
    }

    /// The index of the column a contact field path (`phoneNumber`, `params[2].name`) came
    /// from; `params` indexes count only the row's non-empty variables.
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

    /// The column at `index`, with its header name, as problems name it (a sheet's cell
    /// right of the header has none).
    fn column(&self, index: usize) -> (usize, &str) {
        let name = self
            .layout
            .names
            .get(index)
            .map_or("(no header)", String::as_str);
        (index, name)
    }

    /// The column `field` names (`phoneNumber`, …): its index and name as the file has them.
    pub(crate) fn field_column(&self, field: &str) -> Option<(usize, String)> {
        let index = self.column_index(field, &[])?;
        Some((index, self.layout.names.get(index)?.clone()))
    }

    /// Reads the next row; `None` at the end of the file.
    pub(crate) fn next_row(&mut self) -> Result<Option<Row>, CliError> {
        let Some(raw) = self.next_record()? else {
            return Ok(None);
        };
        let (contact, phone) = self.contact(&raw);
        let (rewrite, region) = match phone {
            Some((sent, written)) => {
                let region = sent.region.clone();
                let rewrite = sent
                    .is_rewrite_of(&written)
                    .then_some(PhoneRewrite { written, sent });
                (rewrite, region)
            }
            None => (None, None),
        };
        Ok(Some(Row {
            line: raw.line,
            raw: raw.record,
            contact,
            rewrite,
            region,
        }))
    }

    fn next_record(&mut self) -> Result<Option<RawRow>, CliError> {
        match &mut self.records {
            Records::Delimited {
                reader,
                line_offset,
                ..
            } => {
                let more = reader
                    .read_byte_record(&mut self.record)
                    .map_err(|error| read_error(self.places.file(), &error))?;
                if !more {
                    return Ok(None);
                }
                let line = self
                    .record
                    .position()
                    .map_or(0, |position| position.line() + *line_offset);
                Ok(Some(RawRow {
                    line,
                    record: self.record.clone(),
                    numbers: Vec::new(),
                    errors: Vec::new(),
                }))
            }
            Records::Sheet(sheet) => {
                let row = sheet.next_row().map_err(|error| {
                    CliError::failed(format!("cannot read {}: {error}", self.places.file()))
                })?;
                Ok(row.map(|row| RawRow {
                    line: row.row,
                    record: row.record,
                    numbers: row.numbers,
                    errors: row.errors,
                }))
            }
        }
    }

    /// Turns a record into a contact, or lists every problem of the row.
    /// With a valid contact comes its normalized number and the text it was written as.
    #[allow(clippy::type_complexity)]
    fn contact(
        &self,
        raw: &RawRow,
    ) -> (
        Result<Contact, Vec<Problem>>,
        Option<(NormalizedPhone, String)>,
    ) {
        let (layout, line, record) = (&self.layout, raw.line, &raw.record);
        if record.len() != layout.names.len() {
            let problem = self.places.problem(
                line,
                None,
                format!(
                    "has {} fields, but the header has {} columns",
                    record.len(),
                    layout.names.len()
                ),
            );
            return (Err(vec![problem]), None);
        }
        let mut problems = Vec::new();
        // Columns already reported: the rules' view of them would only say the same again.
        let mut reported: Vec<usize> = Vec::new();
        for (index, error) in &raw.errors {
            reported.push(*index);
            problems.push(self.places.problem(
                line,
                Some(self.column(*index)),
                format!("holds {error}: fix the cell, or clear it"),
            ));
        }
        let mut text = |index: usize| -> String {
            let bytes = record.get(index).unwrap_or_default();
            match std::str::from_utf8(bytes) {
                Ok(text) if self.decoded() && text.contains('\u{FFFD}') => {
                    reported.push(index);
                    problems.push(self.places.problem(
                        line,
                        Some(self.column(index)),
                        format!(
                            "has bytes that are not {} text: pass --encoding with the file's \
                             encoding",
                            self.encoding_name()
                        ),
                    ));
                    String::new()
                }
                Ok(text) => text.to_owned(),
                Err(_) => {
                    reported.push(index);
                    problems.push(self.places.problem(
                        line,
                        Some(self.column(index)),
                        "is not valid UTF-8: save the file as UTF-8 CSV, or pass --encoding",
                    ));
                    String::new()
                }
            }
        };
        let written_phone = text(layout.phone_number);
        let row_country = layout.country_code.map(&mut text).filter(|c| !c.is_empty());
        let mut contact = Contact::new(text(layout.contact_id), text(layout.name), String::new());
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
        let normalized = match self.phone(raw, &written_phone, row_country.as_deref()) {
            Ok(normalized) => {
                contact.phone_number = normalized
                    .as_ref()
                    .map_or_else(|| written_phone.clone(), |phone| phone.digits.clone());
                normalized
            }
            Err((column, message)) => {
                reported.push(layout.phone_number);
                problems.push(
                    self.places
                        .problem(line, Some(self.column(column)), message),
                );
                contact.phone_number = written_phone.clone();
                None
            }
        };
        if let Err(errors) = contact.validate() {
            for violation in errors {
                let index = self.column_index(violation.path(), &params);
                if index.is_some_and(|index| reported.contains(&index)) {
                    continue;
                }
                let column = index.map(|index| self.column(index));
                problems.push(self.places.problem(line, column, violation.reason));
            }
        }
        if problems.is_empty() {
            (Ok(contact), normalized.map(|phone| (phone, written_phone)))
        } else {
            (Err(problems), None)
        }
    }

    /// The number normalized (`None` with `--phones strict`: sent as written); or the
    /// column to blame and why.
    fn phone(
        &self,
        raw: &RawRow,
        written: &str,
        row_country: Option<&str>,
    ) -> Result<Option<NormalizedPhone>, (usize, String)> {
        let phone_column = self.layout.phone_number;
        let request_country = self.options.country_code.as_deref();
        let read_as = row_country.or(request_country);
        if let Some((_, number)) = raw.numbers.iter().find(|(index, _)| *index == phone_column) {
            match number {
                NumberCell::Inexact(value) => {
                    return Err((
                        phone_column,
                        format!(
                            "is a number cell ({value}), so digits were rounded away: format the \
                             column as text, re-enter the numbers, and save again"
                        ),
                    ));
                }
                NumberCell::Whole(_) => {
                    if let Err(error) = check_number_cell(written, read_as) {
                        return Err((phone_column, format!("is a number cell: {error}")));
                    }
                }
            }
        }
        match self.options.args.phones {
            PhoneMode::Strict => {
                if let (Some(row), Some(column)) = (row_country, self.layout.country_code)
                    && Some(row) != request_country
                {
                    return Err((
                        column,
                        format!(
                            "countryCode {row:?} differs from the request's, and --phones strict \
                             sends numbers as written: use --phones normalize"
                        ),
                    ));
                }
                Ok(None)
            }
            PhoneMode::Normalize => match normalize_with(written, read_as, request_country) {
                Ok(sent) => Ok(Some(sent)),
                Err(error) => {
                    let column = match (&error, row_country, self.layout.country_code) {
                        (
                            nxlink::model::phone::PhoneError::UnknownCountryCode(_),
                            Some(_),
                            Some(column),
                        ) => column,
                        _ => phone_column,
                    };
                    Err((column, error.to_string()))
                }
            },
        }
    }

    fn decoded(&self) -> bool {
        matches!(&self.records, Records::Delimited { encoding, .. } if !encoding.is_plain_utf8())
    }

    fn encoding_name(&self) -> &'static str {
        match &self.records {
            Records::Delimited { encoding, .. } => encoding.encoding.name(),
            Records::Sheet(_) => "UTF-8",
        }
    }
}

/// Opens a CSV/TSV: detects the encoding and the delimiter, reads the header.
fn open_delimited(
    path: &Path,
    options: &ReadOptions,
) -> Result<(Records, ByteRecord, u64), CliError> {
    let encoding =
        detect(path, options.args.encoding).map_err(|error| CliError::unreadable(path, &error))?;
    let file = File::open(path).map_err(|error| CliError::unreadable(path, &error))?;
    let file_len = file.metadata().map(|meta| meta.len()).unwrap_or(0);
    let (stream, bytes) = utf8_stream(file, encoding);
    // The first line decides the delimiter and the kind of line end; the BufReader keeps
    // what was looked at for the csv reader.
    let mut buffered = BufReader::with_capacity(64 * 1024, stream);
    let head = buffered
        .fill_buf()
        .map_err(|error| CliError::unreadable(path, &error))?;
    let first_line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let crlf = head.len() > first_line.len() && first_line.last() == Some(&b'\r');
    let (delimiter, line_offset) = (delimiter_of(first_line), u64::from(crlf));
    let mut reader = ReaderBuilder::new()
        .flexible(true)
        .trim(Trim::All)
        .delimiter(delimiter)
        .from_reader(buffered);
    let headers = reader
        .byte_headers()
        .map_err(|error| read_error(&path.display().to_string(), &error))?
        .clone();
    Ok((
        Records::Delimited {
            reader,
            line_offset,
            bytes,
            encoding,
        },
        headers,
        file_len,
    ))
}

/// The delimiter a header line uses: tab (Excel's "Unicode text"), semicolon (Excel in
/// locales with a decimal comma) or comma, whichever appears most.
fn delimiter_of(header: &[u8]) -> u8 {
    let count = |wanted: u8| header.iter().filter(|&&b| b == wanted).count();
    let (commas, tabs, semicolons) = (count(b','), count(b'\t'), count(b';'));
    if tabs > commas && tabs >= semicolons {
        b'\t'
    } else if semicolons > commas {
        b';'
    } else {
        b','
    }
}

/// A CSV read error: only I/O can fail here (records are bytes, rows may vary in length).
fn read_error(file: &str, error: &csv::Error) -> CliError {
    match error.kind() {
        csv::ErrorKind::Io(io) => {
            CliError::failed(format!("cannot read {file}: {}", io_reason(io)))
        }
        _ => CliError::failed(format!("cannot read {file}: {error}")),
    }
}

#[cfg(test)]
mod tests;
