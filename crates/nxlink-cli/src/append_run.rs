//! One `contacts append` run's batches: the rows of the batch being filled, the batches in
//! flight, and what each answer means for the journal, the tally and the failed-rows file.

use std::collections::HashMap;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;

use csv::ByteRecord;
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use nxlink::model::{AppendContactsRequest, Contact};
use nxlink::{Admission, AppendReport, Client, ErrorKind};

use crate::cli::AppendArgs;
use crate::contact_file::Row;
use crate::contact_file::places::FilePlaces;
use crate::errors::CliError;
use crate::failed_rows::FailedRows;
use crate::journal::{BatchAnswer, BatchBounds, BatchState, Journal};
use crate::output::thousands;
use crate::progress::Progress;
use crate::stop_signal::StopSignal;

/// Problems printed one by one before the rest are only counted.
const SHOWN_PROBLEMS: u64 = 20;
/// Batches failing one after another before the run stops: the gateway is not taking them.
const FAILURES_IN_A_ROW: u32 = 3;

/// What happened to the rows so far.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) read: u64,
    pub(crate) appended: u64,
    pub(crate) already_present: u64,
    pub(crate) refused: u64,
    pub(crate) invalid: u64,
    pub(crate) repeated: u64,
    pub(crate) unsent: u64,
    pub(crate) unknown: u64,
    pub(crate) earlier: u64,
    pub(crate) resent_batches: u64,
    pub(crate) resent_contacts: u64,
    pub(crate) shown: u64,
    /// Phone numbers normalized into another form than written.
    pub(crate) rewritten: u64,
}

impl Tally {
    pub(crate) fn missing(&self) -> u64 {
        self.refused + self.invalid + self.repeated + self.unsent + self.unknown
    }

    /// A short note for the progress bar.
    pub(crate) fn note(&self) -> String {
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
pub(crate) struct BatchRows {
    pub(crate) lines: Vec<u64>,
    pub(crate) records: Vec<ByteRecord>,
    pub(crate) contacts: Vec<Contact>,
}

impl BatchRows {
    pub(crate) fn len(&self) -> usize {
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

/// One run's state: the journal, the failed-rows file, the batch being filled, the batches
/// in flight.
pub(crate) struct AppendRun<'a> {
    client: Client,
    task_id: String,
    args: &'a AppendArgs,
    pub(crate) journal: Journal,
    pub(crate) failed: FailedRows,
    pub(crate) progress: Progress,
    pub(crate) tally: Tally,
    batch_size: usize,
    pub(crate) pending: BatchRows,
    next_batch: u64,
    in_flight: FuturesUnordered<SendFuture>,
    sending: HashMap<u64, Sending>,
    failures_in_a_row: u32,
    probed: bool,
    stop_error: Option<CliError>,
    stop: StopSignal,
    places: FilePlaces,
}

impl<'a> AppendRun<'a> {
    /// A run appending to `task_id` with the journal (and the batch size it records).
    pub(crate) fn new(
        client: Client,
        task_id: String,
        args: &'a AppendArgs,
        (journal, batch_size): (Journal, usize),
        failed: FailedRows,
        progress: Progress,
        stop: StopSignal,
    ) -> Self {
        AppendRun {
            client,
            task_id,
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
            places: FilePlaces::lines(args.csv.display().to_string()),
        }
    }

    /// Names rows as the contacts file has them (lines, or a sheet's rows).
    pub(crate) fn with_places(mut self, places: FilePlaces) -> Self {
        self.places = places;
        self
    }

    /// What the client's batch limit did during the run.
    pub(crate) fn batch_limit_stats(&self) -> nxlink::BatchLimitStats {
        self.client.batch_limit().stats()
    }

    /// Whether new batches may still be sent: no stop asked for, no error that stops.
    pub(crate) fn may_go_on(&self) -> bool {
        self.stop_error.is_none() && self.stop.asked().is_none()
    }

    /// Why the run stopped early, if it did.
    pub(crate) fn stopped_error(&mut self) -> Option<CliError> {
        self.stop_error.take().or_else(|| {
            self.stop
                .asked()
                .map(|signal| CliError::failed(format!("interrupted ({signal})")))
        })
    }

    /// Takes one row: an invalid or repeated one goes to the failed-rows file, a valid one
    /// to the batch being filled, which is sent once full.
    pub(crate) async fn take(&mut self, row: Row) -> Result<(), CliError> {
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
                "{}: contactId {:?} repeats {}; not sent",
                self.places.row(row.line),
                contact.contact_id,
                self.places.row_short(first)
            );
            self.show(&message);
            return self.failed.write(&row.raw);
        }
        if row.rewrite.is_some() {
            self.tally.rewritten += 1;
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
    pub(crate) async fn dispatch(&mut self) -> Result<(), CliError> {
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
        self.wait_for_slot().await?;
        if !self.may_go_on() {
            return self.unsent(&rows.records);
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
            let result = client.append_contacts(&request).await;
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

    /// Waits until the client's batch limit lets one more batch go: a slot in the window
    /// (which grows and shrinks with the gateway's answers) and no `Retry-After` running.
    async fn wait_for_slot(&mut self) -> Result<(), CliError> {
        loop {
            match self.client.batch_limit().admit(&mut self.in_flight).await {
                Admission::Send => return Ok(()),
                Admission::Finished(done) => self.settle(done)?,
            }
        }
    }

    /// Waits for every batch in flight.
    pub(crate) async fn drain(&mut self) -> Result<(), CliError> {
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
                self.unsent(&sending.records)?;
                self.stop_error = Some(
                    CliError::sdk("appending contacts", error).on_gateway(self.client.base_url()),
                );
                return Ok(());
            }
        };
        if let Some(batch) = report.failed.into_iter().next() {
            let unknown = batch.error.is_outcome_unknown();
            let state = if unknown {
                BatchState::Unknown
            } else {
                BatchState::Failed
            };
            self.journal
                .record(number, state, &BatchAnswer::default())?;
            if unknown {
                self.tally.unknown += count;
                self.write_all(&sending.records)?;
            } else {
                self.unsent(&sending.records)?;
            }
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

    /// Rows that were not sent: counted, and written to the failed-rows file as they are.
    pub(crate) fn unsent(&mut self, records: &[ByteRecord]) -> Result<(), CliError> {
        self.tally.unsent += records.len() as u64;
        self.write_all(records)
    }

    fn write_all(&mut self, records: &[ByteRecord]) -> Result<(), CliError> {
        for record in records {
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
