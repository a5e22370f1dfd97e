//! `nxlink calls export`: the stored callbacks as CSV or JSON lines, to stdout or to a file
//! written atomically (a temporary file beside it, synced, then renamed over it).

use std::io::{BufWriter, Write};
use std::path::Path;

use serde_json::Value;

use crate::atomic_file::AtomicFile;
use crate::callback_args::{ExportArgs, ExportFormat};
use crate::callback_store::CallbackKind;
use crate::commands::Outcome;
use crate::errors::{CliError, io_reason};
use crate::output::thousands;
use crate::stored_callbacks::{StoreReader, StoredCallback};
use crate::timestamps::format_utc_ms;

/// The call-record fields exported as CSV columns, in this order.
const CALL_COLUMNS: &[&str] = &[
    "taskId",
    "userTaskId",
    "contactId",
    "callId",
    "calleePhone",
    "callerPhone",
    "realPhone",
    "callStatus",
    "callResult",
    "userIntent",
    "hangupReason",
    "sipCode",
    "orderHead",
    "orderTail",
    "createTs",
    "callStart",
    "callAnswer",
    "callEnd",
    "callRingTime",
    "callElapsed",
    "callSummary",
    "callAudioUrl",
    "other",
    "attributes",
];

/// The task-status fields exported as CSV columns.
const TASK_COLUMNS: &[&str] = &[
    "taskId",
    "userTaskId",
    "taskName",
    "taskStatus",
    "pauseReason",
    "autoFlowId",
    "autoFlowName",
    "other",
    "createTs",
    "statInfo",
];

/// Columns of ours after the callback's own.
const RECEIPT_COLUMNS: &[&str] = &["receivedAt", "deliveries"];

/// What an export saw, for its closing line.
#[derive(Debug, Default)]
struct Counts {
    exported: u64,
    unreadable: u64,
    redelivered: u64,
    differing: u64,
}

/// Writes the export.
pub(crate) fn run(args: &ExportArgs, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let reader = StoreReader::open(&args.selection)?;
    let (kind, noun) = if args.task_statuses {
        (CallbackKind::Task, "task-status callbacks")
    } else {
        (CallbackKind::Call, "call records")
    };
    let columns = if args.task_statuses {
        TASK_COLUMNS
    } else {
        CALL_COLUMNS
    };
    let counts = match &args.output {
        None => write_export(&reader, kind, columns, args.format, out)?,
        Some(path) => {
            let counts = write_atomically(path, |file| {
                write_export(&reader, kind, columns, args.format, file)
            })?;
            eprintln!(
                "wrote {} {noun} to {}",
                thousands(counts.exported),
                path.display()
            );
            counts
        }
    };
    if counts.unreadable > 0 && args.format == ExportFormat::Csv {
        eprintln!(
            "{} stored {noun} are not the documented JSON and are not in the CSV: \
             `--format jsonl` shows them",
            thousands(counts.unreadable)
        );
    }
    if counts.redelivered > 0 {
        eprintln!(
            "{} of them arrived more than once and are exported once",
            thousands(counts.redelivered)
        );
    }
    if counts.differing > 0 {
        eprintln!(
            "{} were redelivered with a different body: the first one received is exported",
            thousands(counts.differing)
        );
    }
    Ok(Outcome::Done)
}

fn write_export(
    reader: &StoreReader,
    kind: CallbackKind,
    columns: &[&str],
    format: ExportFormat,
    out: &mut dyn Write,
) -> Result<Counts, CliError> {
    let mut counts = Counts::default();
    let mut sink = match format {
        ExportFormat::Csv => {
            let mut csv = csv::Writer::from_writer(out);
            csv.write_record(columns.iter().chain(RECEIPT_COLUMNS))
                .map_err(csv_failed)?;
            Sink::Csv(Box::new(csv))
        }
        ExportFormat::Jsonl => Sink::Jsonl(out),
    };
    reader.each(kind, |stored| {
        counts.redelivered += u64::from(stored.deliveries > 1);
        counts.differing += u64::from(stored.differing_bodies > 0);
        let parsed = stored
            .readable
            .then(|| serde_json::from_slice::<Value>(&stored.body).ok())
            .flatten();
        match (&mut sink, parsed) {
            (Sink::Csv(csv), Some(value)) => {
                let row = columns
                    .iter()
                    .map(|column| render(value.get(*column)))
                    .chain([
                        format_utc_ms(stored.received_at_ms),
                        stored.deliveries.to_string(),
                    ]);
                csv.write_record(row).map_err(csv_failed)?;
            }
            (Sink::Csv(_), None) => {
                counts.unreadable += 1;
                return Ok(());
            }
            (Sink::Jsonl(out), parsed) => {
                json_line(out, &stored, parsed.as_ref()).map_err(write_failed)?;
            }
        }
        counts.exported += 1;
        Ok(())
    })?;
    match sink {
        Sink::Csv(mut csv) => csv.flush().map_err(write_failed)?,
        Sink::Jsonl(out) => out.flush().map_err(write_failed)?,
    }
    Ok(counts)
}

/// Where the rows go.
enum Sink<'a> {
    Csv(Box<csv::Writer<&'a mut dyn Write>>),
    Jsonl(&'a mut dyn Write),
}

fn write_failed(error: std::io::Error) -> CliError {
    CliError::failed(format!("cannot write the export: {}", io_reason(&error)))
}

fn csv_failed(error: csv::Error) -> CliError {
    CliError::failed(format!("cannot write the export: {error}"))
}

/// The body as received when it is one line of JSON; else compacted; a body that is not
/// JSON becomes `{"unreadableBody": "<its text>"}`.
fn json_line(
    out: &mut dyn Write,
    stored: &StoredCallback,
    parsed: Option<&Value>,
) -> std::io::Result<()> {
    match parsed {
        Some(_) if !stored.body.contains(&b'\n') => out.write_all(&stored.body)?,
        Some(value) => out.write_all(value.to_string().as_bytes())?,
        None => {
            let text = String::from_utf8_lossy(&stored.body);
            let wrapped = serde_json::json!({ "unreadableBody": text });
            out.write_all(wrapped.to_string().as_bytes())?;
        }
    }
    out.write_all(b"\n")
}

/// A field as a cell: text as is, numbers as written, nested values as compact JSON.
fn render(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

/// Writes through `write` into a temporary file beside `path`, then puts it in place
/// ([`AtomicFile`]): readers see the old file or the whole new one, never a part.
fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<T, CliError>,
) -> Result<T, CliError> {
    let failed = |error: std::io::Error| {
        CliError::failed(format!(
            "cannot write {}: {}",
            path.display(),
            io_reason(&error)
        ))
    };
    let (atomic, file) = AtomicFile::create(path).map_err(failed)?;
    let mut buffered = BufWriter::new(file);
    let result = write(&mut buffered)?;
    let file = buffered
        .into_inner()
        .map_err(|error| failed(error.into_error()))?;
    atomic.commit(file).map_err(failed)?;
    Ok(result)
}
