//! A task definition together with its contacts CSV, checked as one request: what
//! `task validate` reports and what `task create` sends. CSV contacts follow the definition's
//! own `callList`, and each problem names the file and place it comes from.

use std::collections::HashMap;
use std::path::Path;

use csv::ByteRecord;
use nxlink::model::CreateTaskRequest;

use crate::callee_report::{self, CalleeReport};
use crate::cli::TaskInputArgs;
use crate::contact_file::places::FilePlaces;
use crate::contact_file::{ContactsReader, ReadOptions};
use crate::errors::CliError;
use crate::problems::Problem;
use crate::task_file;
use crate::timestamps::now_epoch_seconds;

/// The contacts a CSV contributed, in `callList` order, to map answers back to lines.
#[derive(Debug)]
pub(crate) struct CsvRows {
    /// How the file's rows and cells are named.
    pub(crate) places: FilePlaces,
    /// The columns of the contact fields (`phoneNumber` -> index and header name).
    columns: Vec<(&'static str, usize, String)>,
    /// Its header, to write failed rows under.
    pub(crate) headers: ByteRecord,
    /// Whether failed rows start with a byte-order mark (see `ContactsReader::wants_bom`).
    pub(crate) bom: bool,
    /// Index in `callList` of the first CSV contact (after the definition's own).
    pub(crate) first_index: usize,
    /// Each CSV contact's line and record, in order.
    pub(crate) rows: Vec<(u64, ByteRecord)>,
}

/// The checked input.
#[derive(Debug)]
pub(crate) struct TaskInput {
    /// The request with every contact, when nothing is wrong.
    pub(crate) request: Option<CreateTaskRequest>,
    /// Every problem, definition first, then CSV in line order.
    pub(crate) problems: Vec<Problem>,
    /// Ignored keys of the definition.
    pub(crate) warnings: Vec<Problem>,
    /// Contacts read from the CSV (kept only when asked for).
    pub(crate) csv: Option<CsvRows>,
    /// How many contacts the CSV held.
    pub(crate) csv_contacts: usize,
    /// Each phone number rewritten by normalization: `line 7: "+86 …" -> 13800000001, …`.
    pub(crate) rewrites: Vec<String>,
    /// The regions of the contacts' numbers (ISO code, or `None` when unknown), counted.
    pub(crate) regions: HashMap<Option<String>, usize>,
    /// The `timeZone` the definition named, and the offset it gave.
    pub(crate) time_zone: Option<String>,
    /// When the window reaches the contacts, by their numbers' regions.
    pub(crate) callee_hours: CalleeReport,
}

/// Where a contact id was first seen.
enum Origin {
    Definition(usize),
    Line(u64),
}

/// Reads and checks the definition and the CSV. `keep` keeps the contacts (to create the
/// task); without it only their ids stay in memory (to find repeats).
pub(crate) fn load(args: &TaskInputArgs, keep: bool) -> Result<TaskInput, CliError> {
    let definition = task_file::load(&args.file, args.max_file_mib)?;
    let definition_country_code = definition.country_code.clone();
    let mut input = TaskInput {
        request: definition.request,
        problems: definition.problems,
        warnings: definition.warnings,
        csv: None,
        csv_contacts: 0,
        rewrites: Vec::new(),
        regions: HashMap::new(),
        time_zone: definition.time_zone,
        callee_hours: CalleeReport::default(),
    };
    if let Some(csv) = &args.contacts {
        let options = ReadOptions {
            args: args.reading.clone(),
            country_code: definition_country_code,
        };
        read_csv(csv, &args.file, keep, &options, &mut input)?;
    }
    // Every rule was checked row by row; checking the merged request too keeps the model the
    // one authority, and maps any `callList[i]` it reports back to its CSV line.
    if let (Some(request), Some(csv), true) =
        (&input.request, &input.csv, input.problems.is_empty())
        && let Err(errors) = request.validate()
    {
        let definition = args.file.display().to_string();
        for violation in errors {
            let line = violation
                .list_item("callList")
                .and_then(|(index, field)| csv.line_of(index).map(|line| (line, field)));
            input.problems.push(match line {
                Some((line, field)) => {
                    let field = field.split(['.', '[']).next().unwrap_or_default();
                    let column = csv
                        .columns
                        .iter()
                        .find(|(name, _, _)| *name == field)
                        .map(|(_, index, header)| (*index, header.as_str()));
                    csv.places.problem(line, column, violation.reason())
                }
                None => Problem::path(&definition, violation.path(), violation.reason()),
            });
        }
    }
    if let Some(request) = &input.request
        && args.contacts.is_some()
    {
        let definition_contacts = csv_first(&input);
        for contact in &request.call_list[..definition_contacts] {
            let region = nxlink::model::phone::normalize_phone(
                &contact.phone_number,
                request.country_code.as_deref(),
            )
            .ok()
            .and_then(|phone| phone.region);
            *input.regions.entry(region).or_default() += 1;
        }
        input.callee_hours = callee_report::report(request, &input.regions, now_epoch_seconds());
        if args.strict_hours && input.callee_hours.outside > 0 {
            input.problems.push(Problem::file(
                &args.file.display().to_string(),
                format!(
                    "the window reaches {} contacts outside 08:00–21:00 their local time \
                     (--strict-hours)",
                    input.callee_hours.outside
                ),
            ));
        }
    }
    if !input.problems.is_empty() {
        input.request = None;
    }
    Ok(input)
}

/// How many of the request's contacts came from the definition itself.
fn csv_first(input: &TaskInput) -> usize {
    match (&input.csv, &input.request) {
        (Some(csv), _) => csv.first_index,
        // Without `keep` the CSV's contacts were only checked, not added.
        (None, Some(request)) => request.call_list.len(),
        (None, None) => 0,
    }
}

/// Reads every CSV row into the request (or just checks it), recording problems.
fn read_csv(
    path: &Path,
    definition: &Path,
    keep: bool,
    options: &ReadOptions,
    input: &mut TaskInput,
) -> Result<(), CliError> {
    let mut reader = match ContactsReader::open(path, options)? {
        Ok(reader) => reader,
        Err(problems) => {
            input.problems.extend(problems);
            return Ok(());
        }
    };
    let mut seen: HashMap<String, Origin> = HashMap::new();
    let own = input
        .request
        .as_ref()
        .map_or(&[][..], |request| &request.call_list[..]);
    for (index, contact) in own.iter().enumerate() {
        seen.entry(contact.contact_id.clone())
            .or_insert(Origin::Definition(index));
    }
    let columns = ["contactId", "name", "phoneNumber", "other"]
        .into_iter()
        .filter_map(|field| {
            reader
                .field_column(field)
                .map(|(index, header)| (field, index, header))
        })
        .collect();
    let mut rows = CsvRows {
        places: reader.places().clone(),
        columns,
        headers: reader.headers().clone(),
        bom: reader.wants_bom(),
        first_index: own.len(),
        rows: Vec::new(),
    };
    let id_column = reader
        .field_column("contactId")
        .unwrap_or((0, "contactId".to_owned()));
    let mut contacts = Vec::new();
    while let Some(row) = reader.next_row()? {
        input.csv_contacts += 1;
        if let Some(rewrite) = &row.rewrite {
            input.rewrites.push(format!(
                "{}: {:?} -> {}",
                rows.places.row_short(row.line),
                rewrite.written,
                rewrite.sent
            ));
        }
        if row.contact.is_ok() {
            *input.regions.entry(row.region.clone()).or_default() += 1;
        }
        let contact = match row.contact {
            Ok(contact) => contact,
            Err(problems) => {
                input.problems.extend(problems);
                continue;
            }
        };
        if let Some(first) = seen.get(&contact.contact_id) {
            let earlier = match first {
                Origin::Line(line) => reader.places().row_short(*line),
                Origin::Definition(index) => {
                    format!("callList[{index}] of {}", definition.display())
                }
            };
            input.problems.push(reader.places().problem(
                row.line,
                Some((id_column.0, &id_column.1)),
                format!("repeats the contactId of {earlier}; contact ids must be unique"),
            ));
            continue;
        }
        seen.insert(contact.contact_id.clone(), Origin::Line(row.line));
        if keep {
            rows.rows.push((row.line, row.raw));
            contacts.push(contact);
        }
    }
    if let Some(request) = &mut input.request {
        request.call_list.extend(contacts);
    }
    input.csv = keep.then_some(rows);
    Ok(())
}

impl CsvRows {
    /// The line of the CSV contact at `index` of `callList`, if it came from the CSV.
    pub(crate) fn line_of(&self, index: usize) -> Option<u64> {
        index
            .checked_sub(self.first_index)
            .and_then(|offset| self.rows.get(offset))
            .map(|(line, _)| *line)
    }

    /// The record of the CSV contact at `index` of `callList`.
    pub(crate) fn record_of(&self, index: usize) -> Option<&ByteRecord> {
        index
            .checked_sub(self.first_index)
            .and_then(|offset| self.rows.get(offset))
            .map(|(_, record)| record)
    }
}
