//! `nxlink contacts append --task ID|--user-task-id ID --csv FILE`: streams the CSV (constant
//! memory however long the file), sends its valid contacts in batches with bounded
//! concurrency, and keeps a journal (see [`crate::journal`]) so that re-running the same
//! command after any stop resumes exactly: acknowledged batches are skipped, only batches
//! that were in flight (or whose answer did not check out) are sent again, and the report
//! says so. Every row that is not in the task afterwards (invalid, repeated within the file,
//! refused by the gateway, not sent, or of unknown outcome) is written, in the input's
//! layout, to the failed-rows file, which is complete or absent.
//!
//! A failure that every later batch would meet too (credentials, an unknown or finished
//! task, an unreachable gateway) stops the run, and so do SIGINT, SIGTERM and SIGHUP: the
//! batches in flight are waited for and recorded, the rows not yet read are copied to the
//! failed-rows file as they are, and a second signal exits at once.

use std::collections::HashMap;
use std::future::Future;
use std::io::Write;
use std::path::Path;
use std::pin::Pin;

use csv::ByteRecord;
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use nxlink::model::{AppendContactsRequest, Contact};
use nxlink::{AppendReport, Client, ErrorKind};

use crate::cli::AppendArgs;
use crate::commands::Outcome;
use crate::config::Settings;
use crate::contacts_csv::{ContactsReader, FailedRows, Row, default_failed_path};
use crate::errors::{CliError, stderr_line};
use crate::journal::{BatchAnswer, BatchBounds, BatchState, Journal, default_journal_path};
use crate::output::thousands;
use crate::progress::Progress;
use crate::stop_signal::StopSignal;
use crate::task_lookup;

/// Rows between two progress reports: about 20 requests of 500.
const CHUNK_ROWS: usize = 10_000;
/// Problems printed one by one before the rest are only counted.
const SHOWN_PROBLEMS: u64 = 20;
/// Batches failing one after another before the run stops: the gateway is not taking them.
const FAILURES_IN_A_ROW: u32 = 3;

/// What happened to the rows so far.
#[derive(Debug, Default)]
struct Tally {
    read: u64,
    appended: u64,
    already_present: u64,
    refused: u64,
    invalid: u64,
    repeated: u64,
    unsent: u64,
    unknown: u64,
    earlier: u64,
    resent_batches: u64,
    resent_contacts: u64,
    shown: u64,
}

impl Tally {
    fn missing(&self) -> u64 {
        self.refused + self.invalid + self.repeated + self.unsent + self.unknown
    }

    /// A short note for the progress bar.
    fn note(&self) -> String {
        let mut parts = Vec::new();
        for (count, what) in [
            (self.invalid, "invalid"),
            (self.repeated, "repeated"),
            (self.refused, "refused"),
            (self.unsent, "unsent"),
            (self.unknown, "unknown"),
        ] {
            if count > 0 {
                parts.push(format!("{} {what}", thousands(count)));
            }
        }
        parts.join(", ")
    }
}

/// The rows of one batch, as read: their lines and records, and the contacts.
#[derive(Debug, Default)]
struct BatchRows {
    lines: Vec<u64>,
    records: Vec<ByteRecord>,
    contacts: Vec<Contact>,
}

impl BatchRows {
    fn len(&self) -> usize {
        self.contacts.len()
    }

    fn bounds(&self) -> Option<BatchBounds> {
        Some(BatchBounds {
            first_line: *self.lines.first()?,
            last_line: *self.lines.last()?,
            size: self.contacts.len() as u64,
            first_id: self.contacts.first()?.contact_id.clone(),
            last_id: self.contacts.last()?.contact_id.clone(),
        })
    }
}

/// A batch on its way: the rows it came from, and whether an earlier run had sent it.
#[derive(Debug)]
struct Sending {
    lines: Vec<u64>,
    records: Vec<ByteRecord>,
    resent: bool,
}

type Sent = (u64, Vec<Contact>, Result<AppendReport, nxlink::Error>);
type SendFuture = Pin<Box<dyn Future<Output = Sent> + Send>>;

/// Appends every row of the CSV.
pub(crate) async fn run(
    args: &AppendArgs,
    settings: &Settings,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let failed_path = args
        .failed_out
        .clone()
        .unwrap_or_else(|| default_failed_path(&args.csv));
    let journal_path = args
        .journal
        .clone()
        .unwrap_or_else(|| default_journal_path(&args.csv));
    ensure_distinct(
        &args.csv,
        &failed_path,
        "the failed-rows file",
        "--failed-out",
    )?;
    ensure_distinct(&args.csv, &journal_path, "the journal", "--journal")?;
    let mut reader = match ContactsReader::open(&args.csv)? {
        Ok(reader) => reader,
        Err(problems) => {
            for problem in problems {
                stderr_line!("{problem}");
            }
            stderr_line!("error: nothing was appended: the CSV's header is not usable");
            return Err(CliError::Invalid);
        }
    };
    let client = settings.client(Some(args.batching))?;
    let task_id = task_lookup::task_id(&client, &args.task).await?;
    let (journal, batch_size) = Journal::open(&journal_path, &task_id, args.batching.batch_size)?;
    let progress = Progress::new(reader.file_len());
    if batch_size != args.batching.batch_size {
        progress.note(&format!(
            "resuming with the batch size of the run the journal records: {batch_size}"
        ));
    }
    let failed = FailedRows::create(&failed_path, reader.headers())?;
    let stop = StopSignal::watch(format!(
        "re-run the same command to resume (the journal {} has the state)",
        journal_path.display()
    ));
    let mut run = AppendRun {
        client,
        task_id: task_id.clone(),
        args,
        journal,
        failed,
        progress,
        tally: Tally::default(),
        batch_size,
        pending: BatchRows::default(),
        next_batch: 0,
        in_flight: FuturesUnordered::new(),
        sending: HashMap::new(),
        failures_in_a_row: 0,
        probed: false,
        stop_error: None,
        stop,
    };
    let chunk_rows = CHUNK_ROWS.max(args.batching.batch_size * args.batching.concurrency);
    let mut next_report = batch_size as u64;
    while run.may_go_on() {
        let Some(row) = reader.next_row()? else {
            break;
        };
        run.take(row).await?;
        if run.tally.read == next_report {
            next_report += chunk_rows as u64;
            run.progress
                .update(run.tally.read, reader.bytes_read(), &run.tally.note());
        }
    }
    if run.may_go_on() {
        run.dispatch().await?;
    }
    run.drain().await?;
    let stopped = run.stopped_error();
    if stopped.is_some() {
        // Not sent: the pending rows, and the rows not read yet, copied as they are.
        let pending = std::mem::take(&mut run.pending);
        run.tally.unsent += pending.len() as u64;
        for record in &pending.records {
            run.failed.write(record)?;
        }
        while let Some(row) = reader.next_row()? {
            run.tally.read += 1;
            run.tally.unsent += 1;
            run.failed.write(&row.raw)?;
        }
    }
    run.progress
        .update(run.tally.read, reader.bytes_read(), &run.tally.note());
    run.progress.finish();
    let elapsed = run.progress.elapsed();
    let rate = run.progress.rate(run.tally.read);
    let totals = run.journal.totals()?;
    let AppendRun {
        journal,
        failed,
        tally,
        ..
    } = run;
    journal.close()?;
    let written = failed.finish()?;
    print_summary(out, &task_id, &tally, elapsed, rate)?;
    if tally.resent_batches > 0 {
        writeln!(
            out,
            "re-sent {} batches ({} contacts) whose outcome an earlier run did not learn (in flight when it stopped, or answered unreadably)",
            thousands(tally.resent_batches),
            thousands(tally.resent_contacts)
        )?;
    }
    if totals.maybe_doubled > 0 {
        writeln!(
            out,
            "may be doubled: {} contacts were accepted by a re-send whose first send may also have arrived; \
             a gateway that accepts a repeated contactId may hold them twice (all runs of this journal)",
            thousands(totals.maybe_doubled)
        )?;
    }
    writeln!(out, "journal: {}", journal_path.display())?;
    if written == 0 {
        writeln!(out, "no failed rows")?;
    } else {
        writeln!(
            out,
            "{} rows not in the task written to {}",
            thousands(written),
            failed_path.display()
        )?;
        writeln!(out, "  to resume: {}", resume_hint(&task_id, &failed_path))?;
    }
    if tally.unsent + tally.unknown > 0 {
        writeln!(
            out,
            "  or re-run the same command: the journal skips what the gateway acknowledged"
        )?;
    }
    out.flush()?;
    match stopped {
        Some(error) => Err(error),
        None if tally.missing() > 0 => Ok(Outcome::Incomplete),
        None => Ok(Outcome::Done),
    }
}

/// One run's state: the journal, the failed-rows file, the batch being filled, the batches
/// in flight.
struct AppendRun<'a> {
    client: Client,
    task_id: String,
    args: &'a AppendArgs,
    journal: Journal,
    failed: FailedRows,
    progress: Progress,
    tally: Tally,
    batch_size: usize,
    pending: BatchRows,
    next_batch: u64,
    in_flight: FuturesUnordered<SendFuture>,
    sending: HashMap<u64, Sending>,
    failures_in_a_row: u32,
    probed: bool,
    stop_error: Option<CliError>,
    stop: StopSignal,
}

impl AppendRun<'_> {
    /// Whether new batches may still be sent: no stop asked for, no error that stops.
    fn may_go_on(&self) -> bool {
        self.stop_error.is_none() && self.stop.asked().is_none()
    }

    /// Why the run stopped early, if it did.
    fn stopped_error(&mut self) -> Option<CliError> {
        self.stop_error.take().or_else(|| {
            self.stop
                .asked()
                .map(|signal| CliError::failed(format!("interrupted ({signal})")))
        })
    }

    /// Takes one row: an invalid or repeated one goes to the failed-rows file, a valid one
    /// to the batch being filled, which is sent once full.
    async fn take(&mut self, row: Row) -> Result<(), CliError> {
        self.tally.read += 1;
        let contact = match row.contact {
            Err(problems) => {
                self.tally.invalid += 1;
                for problem in problems {
                    self.show(&problem.to_string());
                }
                return self.failed.write(&row.raw);
            }
            Ok(contact) => contact,
        };
        if let Some(first) = self.journal.first_line(&contact.contact_id, row.line)? {
            self.tally.repeated += 1;
            let message = format!(
                "{}:{}: contactId {:?} repeats line {first}; not sent",
                self.args.csv.display(),
                row.line,
                contact.contact_id
            );
            self.show(&message);
            return self.failed.write(&row.raw);
        }
        self.pending.lines.push(row.line);
        self.pending.records.push(row.raw);
        self.pending.contacts.push(contact);
        if self.pending.len() >= self.batch_size {
            self.dispatch().await?;
        }
        Ok(())
    }

    /// Sends the batch being filled, unless an earlier run had it acknowledged: then its
    /// refused rows are written again and nothing is sent. Waits for a free slot first.
    async fn dispatch(&mut self) -> Result<(), CliError> {
        let rows = std::mem::take(&mut self.pending);
        let Some(bounds) = rows.bounds() else {
            return Ok(());
        };
        let number = self.next_batch;
        self.next_batch += 1;
        let resent = match self.journal.batch(number)? {
            Some(recorded) if recorded.bounds != bounds => {
                return Err(changed_input(
                    &self.args.csv,
                    number,
                    &recorded.bounds,
                    &bounds,
                ));
            }
            Some(recorded) if recorded.state == BatchState::Acknowledged => {
                self.tally.earlier += recorded.appended + recorded.already;
                let refused = self.journal.refused(number)?;
                for (line, record) in rows.lines.iter().zip(&rows.records) {
                    if refused.contains_key(line) {
                        self.tally.refused += 1;
                        self.failed.write(record)?;
                    }
                }
                return Ok(());
            }
            Some(recorded) => matches!(recorded.state, BatchState::InFlight | BatchState::Unknown),
            None => false,
        };
        while self.in_flight.len() >= self.args.batching.concurrency {
            if let Some(done) = self.in_flight.next().await {
                self.settle(done)?;
            }
        }
        if !self.may_go_on() {
            self.tally.unsent += rows.len() as u64;
            for record in &rows.records {
                self.failed.write(record)?;
            }
            return Ok(());
        }
        // Committed before a byte is sent: after any stop, this batch is known to be in flight.
        self.journal.mark_in_flight(number, &bounds)?;
        if resent {
            self.tally.resent_batches += 1;
            self.tally.resent_contacts += rows.len() as u64;
        }
        let mut request = AppendContactsRequest::new(self.task_id.clone(), rows.contacts);
        if let Some(code) = &self.args.country_code {
            request = request.with_country_code(code.clone());
        }
        let client = self.client.clone();
        self.in_flight.push(Box::pin(async move {
            let result = client.append_all(&request).await;
            (number, request.list, result)
        }));
        self.sending.insert(
            number,
            Sending {
                lines: rows.lines,
                records: rows.records,
                resent,
            },
        );
        if !self.probed {
            // The run's first request goes alone: a wrong task id or wrong credentials then
            // cost one request, not a window of them.
            self.probed = true;
            self.drain().await?;
        }
        Ok(())
    }

    /// Waits for every batch in flight.
    async fn drain(&mut self) -> Result<(), CliError> {
        while let Some(done) = self.in_flight.next().await {
            self.settle(done)?;
        }
        Ok(())
    }

    /// Records a batch's outcome in the journal, the tally and the failed-rows file.
    fn settle(&mut self, (number, contacts, result): Sent) -> Result<(), CliError> {
        let Some(sending) = self.sending.remove(&number) else {
            return Ok(());
        };
        let count = sending.records.len() as u64;
        let report = match result {
            Ok(report) => report,
            Err(error) => {
                // Refused before sending (e.g. a bad --country-code): nothing later would go.
                self.journal
                    .record(number, BatchState::Failed, &BatchAnswer::default())?;
                self.tally.unsent += count;
                self.write_all(&sending)?;
                self.stop_error = Some(
                    CliError::sdk("appending contacts", error).on_gateway(self.client.base_url()),
                );
                return Ok(());
            }
        };
        if let Some(batch) = report.failed.into_iter().next() {
            let unknown = batch.error.is_outcome_unknown();
            let state = if unknown {
                self.tally.unknown += count;
                BatchState::Unknown
            } else {
                self.tally.unsent += count;
                BatchState::Failed
            };
            self.journal
                .record(number, state, &BatchAnswer::default())?;
            self.write_all(&sending)?;
            let what = if unknown {
                "of unknown outcome, not counted as appended"
            } else {
                "not sent"
            };
            let line = sending.lines.first().copied().unwrap_or(0);
            self.show(&format!(
                "{}:{line}: {count} rows from here {what}: {}",
                self.args.csv.display(),
                batch.error
            ));
            self.failures_in_a_row += 1;
            if will_fail_again(&batch.error) || self.failures_in_a_row >= FAILURES_IN_A_ROW {
                self.stop_error = Some(
                    CliError::sdk("appending contacts", batch.error)
                        .on_gateway(self.client.base_url()),
                );
            }
            return Ok(());
        }
        self.failures_in_a_row = 0;
        let mut by_key: HashMap<&str, usize> = HashMap::with_capacity(report.rejected.len() * 2);
        if !report.rejected.is_empty() {
            for (index, contact) in contacts.iter().enumerate() {
                by_key.entry(contact.phone_number.as_str()).or_insert(index);
                by_key.insert(contact.contact_id.as_str(), index);
            }
        }
        let mut answer = BatchAnswer {
            appended: report.submitted.len() as u64,
            already: report.already_present.len() as u64,
            // A re-send of a batch an earlier run may have delivered: what it accepted may be
            // there twice, unless the answer shows the gateway refusing ids it holds.
            maybe_doubled: if sending.resent && report.already_present.is_empty() {
                report.submitted.len() as u64
            } else {
                report.maybe_doubled.len() as u64
            },
            refused: Vec::new(),
        };
        let csv = self.args.csv.display().to_string();
        for refused in &report.rejected {
            self.tally.refused += 1;
            let reason = refused.err_msg.as_deref().unwrap_or("no reason given");
            let found = refused
                .contact_id
                .as_deref()
                .or(refused.phone_number.as_deref())
                .and_then(|key| by_key.get(key).copied());
            // The SDK checked that every refusal names a contact of the batch.
            if let Some(index) = found
                && let (Some(&line), Some(record)) =
                    (sending.lines.get(index), sending.records.get(index))
            {
                self.failed.write(record)?;
                answer.refused.push((line, reason.to_owned()));
                self.show(&format!("{csv}:{line}: refused by the gateway: {reason}"));
            }
        }
        self.journal
            .record(number, BatchState::Acknowledged, &answer)?;
        self.tally.appended += answer.appended;
        self.tally.already_present += answer.already;
        Ok(())
    }

    fn write_all(&mut self, sending: &Sending) -> Result<(), CliError> {
        for record in &sending.records {
            self.failed.write(record)?;
        }
        Ok(())
    }

    /// Prints a problem above the bar, the first few only.
    fn show(&mut self, message: &str) {
        self.tally.shown += 1;
        if self.tally.shown <= SHOWN_PROBLEMS {
            self.progress.note(message);
        } else if self.tally.shown == SHOWN_PROBLEMS + 1 {
            self.progress
                .note("… further problems are counted, not shown; every failed row is in the failed-rows file");
        }
    }
}

/// The error for an input that no longer matches the journal's record of it.
fn changed_input(csv: &Path, number: u64, recorded: &BatchBounds, now: &BatchBounds) -> CliError {
    CliError::usage_hint(
        format!(
            "{} changed since the journal recorded it: batch {} was lines {}-{} ({} contacts, \
             contactId {:?} to {:?}), now lines {}-{} ({} contacts, {:?} to {:?}); nothing more was sent",
            csv.display(),
            number + 1,
            recorded.first_line,
            recorded.last_line,
            recorded.size,
            recorded.first_id,
            recorded.last_id,
            now.first_line,
            now.last_line,
            now.size,
            now.first_id,
            now.last_id
        ),
        "resume with the file as it was, or append the new file with --journal pointing at a new path",
    )
}

/// Whether every later batch would fail the same way: credentials, the task itself, the
/// configuration, an unreachable gateway, or a client error from the gateway.
fn will_fail_again(error: &nxlink::Error) -> bool {
    error.is_auth()
        || error.is_business()
        || error.is_connect()
        || matches!(error.kind(), ErrorKind::Config | ErrorKind::Validation)
        || error.http_status_code().is_some_and(|status| {
            status.is_client_error() && ![408, 429].contains(&status.as_u16())
        })
}

fn print_summary(
    out: &mut dyn Write,
    task_id: &str,
    tally: &Tally,
    elapsed: std::time::Duration,
    rate: u64,
) -> Result<(), CliError> {
    writeln!(
        out,
        "task {task_id}: {} rows read in {:.1} s ({} rows/s)",
        thousands(tally.read),
        elapsed.as_secs_f64(),
        thousands(rate)
    )?;
    let mut lines = vec![
        ("appended", tally.appended),
        ("already in the task", tally.already_present),
        ("refused by the gateway", tally.refused),
        ("invalid, not sent", tally.invalid),
        ("repeated in the file", tally.repeated),
        ("not sent (errors)", tally.unsent),
        ("outcome unknown", tally.unknown),
    ];
    if tally.earlier > 0 {
        lines.push(("done by an earlier run", tally.earlier));
    }
    let width = lines
        .iter()
        .map(|(_, n)| thousands(*n).len())
        .max()
        .unwrap_or(1);
    for (what, count) in lines {
        writeln!(out, "  {what:<24}{:>width$}", thousands(count))?;
    }
    Ok(())
}

/// The command that appends the failed rows, to finish a run.
pub(crate) fn resume_hint(task_id: &str, failed: &Path) -> String {
    format!(
        "nxlink contacts append --task {} --csv {}",
        shell_quote(task_id),
        shell_quote(&failed.display().to_string())
    )
}

/// Quotes a word for a POSIX shell when it needs it.
fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Refuses to write `what` (the failed-rows file, the journal) over the file being read.
pub(crate) fn ensure_distinct(
    input: &Path,
    output: &Path,
    what: &str,
    flag: &str,
) -> Result<(), CliError> {
    let same = match (input.canonicalize(), output.canonicalize()) {
        (Ok(input), Ok(output)) => input == output,
        _ => input == output,
    };
    if same {
        return Err(CliError::usage_hint(
            format!("{what} {} is the input itself", output.display()),
            format!("pass {flag} with another path"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_only_when_needed() {
        assert_eq!(shell_quote("a-b_c.csv"), "a-b_c.csv");
        assert_eq!(shell_quote("my file.csv"), "'my file.csv'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
