//! `nxlink contacts append --task ID|--user-task-id ID --csv FILE`: streams the CSV in chunks
//! (constant memory however long the file), appends each chunk with `Client::append_all`
//! (batches in parallel), and writes every row that is not in the task afterwards — invalid,
//! refused by the gateway, or not sent — to the failed-rows file, in the input's layout.
//!
//! A failure that every later batch would meet too (credentials, an unknown or finished
//! task, an unreachable gateway) stops the run, and so does Ctrl-C; the rows not yet read are
//! then copied to the failed-rows file as they are, so appending that file finishes the job.
//! The first chunk is a single batch, so a wrong task id costs one request.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use nxlink::model::AppendContactsRequest;
use nxlink::{AppendReport, Client, ErrorKind};

use crate::cli::AppendArgs;
use crate::commands::Outcome;
use crate::config::Settings;
use crate::contacts_csv::{ContactsReader, FailedRows, Row, default_failed_path};
use crate::errors::{CliError, stderr_line};
use crate::output::thousands;
use crate::progress::Progress;
use crate::task_lookup;

/// Rows read and sent at a time: about 20 requests of 500, a few MB of memory.
const CHUNK_ROWS: usize = 10_000;
/// Problems printed one by one before the rest are only counted.
const SHOWN_PROBLEMS: u64 = 20;

/// What happened to the rows so far.
#[derive(Debug, Default)]
struct Tally {
    read: u64,
    appended: u64,
    already_present: u64,
    refused: u64,
    invalid: u64,
    unsent: u64,
    shown: u64,
}

impl Tally {
    fn missing(&self) -> u64 {
        self.refused + self.invalid + self.unsent
    }

    /// A short note for the progress bar.
    fn note(&self) -> String {
        let mut parts = Vec::new();
        for (count, what) in [
            (self.invalid, "invalid"),
            (self.refused, "refused"),
            (self.unsent, "unsent"),
        ] {
            if count > 0 {
                parts.push(format!("{} {what}", thousands(count)));
            }
        }
        parts.join(", ")
    }
}

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
    ensure_distinct(&args.csv, &failed_path)?;
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
    let mut failed = FailedRows::create(&failed_path, reader.headers())?;
    let progress = Progress::new(reader.file_len());
    let mut tally = Tally::default();
    let chunk_rows = CHUNK_ROWS.max(args.batching.batch_size * args.batching.concurrency);
    // The first chunk is one batch: a wrong task id or wrong credentials then cost one
    // request, not a chunk's worth of them.
    let mut next_size = args.batching.batch_size;
    let mut stop = None;
    let mut interrupt = interrupted();
    while stop.is_none() {
        let rows = reader.next_chunk(std::mem::replace(&mut next_size, chunk_rows))?;
        if rows.is_empty() {
            break;
        }
        let chunk = Chunk {
            client: &client,
            task_id: &task_id,
            args,
            progress: &progress,
        };
        stop = chunk
            .send(rows, &mut failed, &mut tally, &mut interrupt)
            .await?;
        progress.update(tally.read, reader.bytes_read(), &tally.note());
    }
    if stop.is_some() {
        // Not read yet, so not sent: copied as they are, to be appended later.
        while let Some(row) = reader.next_row()? {
            tally.read += 1;
            tally.unsent += 1;
            failed.write(&row.raw)?;
        }
    }
    progress.finish();
    let elapsed = progress.elapsed();
    let rate = progress.rate(tally.read);
    let written = failed.finish()?;
    print_summary(out, &task_id, &tally, elapsed, rate)?;
    if written == 0 {
        // Created by this run and holding only the header: nothing to resume.
        let _ = std::fs::remove_file(&failed_path);
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
    out.flush()?;
    match stop {
        Some(error) => Err(error),
        None if tally.missing() > 0 => Ok(Outcome::Incomplete),
        None => Ok(Outcome::Done),
    }
}

/// One chunk's context.
struct Chunk<'a> {
    client: &'a Client,
    task_id: &'a str,
    args: &'a AppendArgs,
    progress: &'a Progress,
}

impl Chunk<'_> {
    /// Sends a chunk's valid rows and writes its failed ones; returns the error to stop at
    /// when later chunks would fail the same way.
    async fn send(
        &self,
        rows: Vec<Row>,
        failed: &mut FailedRows,
        tally: &mut Tally,
        interrupt: &mut Interrupt,
    ) -> Result<Option<CliError>, CliError> {
        tally.read += rows.len() as u64;
        let mut failed_rows = vec![false; rows.len()];
        let mut contacts = Vec::with_capacity(rows.len());
        // Row index of each contact sent, and the first line of each contact id.
        let mut positions = Vec::with_capacity(rows.len());
        let mut first_line: HashMap<String, u64> = HashMap::with_capacity(rows.len());
        let mut records = Vec::with_capacity(rows.len());
        for (index, row) in rows.into_iter().enumerate() {
            records.push((row.line, row.raw));
            match row.contact {
                Err(problems) => {
                    failed_rows[index] = true;
                    tally.invalid += 1;
                    for problem in problems {
                        self.show(tally, &problem.to_string());
                    }
                }
                Ok(contact) => {
                    if let Some(line) = first_line.get(&contact.contact_id) {
                        // One request must not repeat an id; a repeat in a later chunk is
                        // refused by the gateway and counted as already present.
                        failed_rows[index] = true;
                        tally.invalid += 1;
                        let message = format!(
                            "{}:{}: contactId {:?} repeats line {line}; not sent",
                            self.args.csv.display(),
                            records[index].0,
                            contact.contact_id
                        );
                        self.show(tally, &message);
                        continue;
                    }
                    first_line.insert(contact.contact_id.clone(), records[index].0);
                    positions.push(index);
                    contacts.push(contact);
                }
            }
        }
        let mut stop = None;
        if !contacts.is_empty() {
            let mut request = AppendContactsRequest::new(self.task_id, contacts);
            if let Some(code) = &self.args.country_code {
                request = request.with_country_code(code.clone());
            }
            let answer = tokio::select! {
                answer = self.client.append_all(&request) => Some(answer),
                () = interrupt => None,
            };
            match answer {
                // Ctrl-C: the chunk's batches may or may not have arrived. Its rows go to
                // the failed-rows file with the rest; those that did arrive are counted as
                // already in the task when it is appended.
                None => {
                    for &index in &positions {
                        failed_rows[index] = true;
                    }
                    tally.unsent += positions.len() as u64;
                    stop = Some(CliError::failed("interrupted (Ctrl-C)"));
                }
                Some(Ok(report)) => {
                    stop = self.record(
                        &request,
                        &positions,
                        report,
                        &records,
                        &mut failed_rows,
                        tally,
                    );
                }
                Some(Err(error)) => {
                    // Refused before sending (e.g. a bad --country-code): nothing of this
                    // chunk went out, and nothing later would.
                    for &index in &positions {
                        failed_rows[index] = true;
                    }
                    tally.unsent += positions.len() as u64;
                    stop = Some(
                        CliError::sdk("appending contacts", error)
                            .on_gateway(self.client.base_url()),
                    );
                }
            }
        }
        for ((_, record), failed_row) in records.iter().zip(failed_rows) {
            if failed_row {
                failed.write(record)?;
            }
        }
        Ok(stop)
    }

    /// Marks refused and unsent rows from the SDK's report; returns the error to stop at.
    fn record(
        &self,
        request: &AppendContactsRequest,
        positions: &[usize],
        report: AppendReport,
        records: &[(u64, csv::ByteRecord)],
        failed_rows: &mut [bool],
        tally: &mut Tally,
    ) -> Option<CliError> {
        tally.appended += report.submitted.len() as u64;
        tally.already_present += report.already_present.len() as u64;
        let mut by_key: HashMap<&str, usize> = HashMap::with_capacity(request.list.len() * 2);
        for (index, contact) in request.list.iter().enumerate() {
            by_key.entry(contact.phone_number.as_str()).or_insert(index);
            by_key.insert(contact.contact_id.as_str(), index);
        }
        let csv = self.args.csv.display();
        for refused in &report.rejected {
            tally.refused += 1;
            let reason = refused.err_msg.as_deref().unwrap_or("no reason given");
            let found = refused
                .contact_id
                .as_deref()
                .or(refused.phone_number.as_deref())
                .and_then(|key| by_key.get(key))
                .and_then(|&index| positions.get(index).copied());
            match found {
                Some(row) => {
                    failed_rows[row] = true;
                    let line = records.get(row).map_or(0, |(line, _)| *line);
                    self.show(tally, &format!("{csv}:{line}: refused by the gateway: {reason}"));
                }
                None => self.show(
                    tally,
                    &format!("{csv}: a contact was refused but not named ({reason}); it is not in the failed-rows file"),
                ),
            }
        }
        let mut stop = None;
        for batch in &report.failed {
            tally.unsent += batch.contacts.len() as u64;
            let span = batch.first_contact..batch.first_contact + batch.contacts.len();
            for &row in positions.get(span).unwrap_or_default() {
                failed_rows[row] = true;
            }
            let line = positions
                .get(batch.first_contact)
                .and_then(|&row| records.get(row))
                .map_or(0, |(line, _)| *line);
            self.show(
                tally,
                &format!(
                    "{csv}:{line}: {} rows from here not sent: {}",
                    batch.contacts.len(),
                    batch.error
                ),
            );
        }
        let nothing_went_through = report.submitted.is_empty()
            && report.already_present.is_empty()
            && report.rejected.is_empty();
        let first = report.failed.into_iter().next();
        if let Some(batch) = first
            && (will_fail_again(&batch.error) || nothing_went_through)
        {
            stop = Some(
                CliError::sdk("appending contacts", batch.error).on_gateway(self.client.base_url()),
            );
        }
        stop
    }

    /// Prints a problem above the bar, the first few only.
    fn show(&self, tally: &mut Tally, message: &str) {
        tally.shown += 1;
        if tally.shown <= SHOWN_PROBLEMS {
            self.progress.note(message);
        } else if tally.shown == SHOWN_PROBLEMS + 1 {
            self.progress
                .note("… further problems are counted, not shown; every failed row is in the failed-rows file");
        }
    }
}

/// Completes on Ctrl-C; never when the signal cannot be watched.
type Interrupt = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// Watches for Ctrl-C, so that an interrupted run still writes its failed-rows file.
fn interrupted() -> Interrupt {
    Box::pin(async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
}

/// Whether every later batch would fail the same way: credentials, the task itself, the
/// configuration, or a client error from the gateway.
fn will_fail_again(error: &nxlink::Error) -> bool {
    error.is_auth()
        || error.is_business()
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
    let lines = [
        ("appended", tally.appended),
        ("already in the task", tally.already_present),
        ("refused by the gateway", tally.refused),
        ("invalid, not sent", tally.invalid),
        ("not sent (errors)", tally.unsent),
    ];
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

/// Refuses to write failed rows over the file being read.
pub(crate) fn ensure_distinct(input: &Path, failed: &Path) -> Result<(), CliError> {
    let same = match (input.canonicalize(), failed.canonicalize()) {
        (Ok(input), Ok(failed)) => input == failed,
        _ => input == failed,
    };
    if same {
        return Err(CliError::usage_hint(
            format!(
                "the failed-rows file {} is the input itself",
                failed.display()
            ),
            "pass --failed-out with another path",
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
