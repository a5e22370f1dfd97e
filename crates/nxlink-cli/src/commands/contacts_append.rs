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

use std::io::Write;

use crate::append_run::{AppendRun, Tally};
use crate::cli::AppendArgs;
use crate::commands::Outcome;
use crate::config::Settings;
use crate::contact_file::{ContactsReader, ReadOptions};
use crate::errors::{CliError, stderr_line};
use crate::failed_rows::{FailedRows, default_failed_path};
use crate::journal::{Journal, default_journal_path};
use crate::output::thousands;
use crate::progress::Progress;
use crate::resume::{ensure_distinct, resume_hint};
use crate::stop_signal::StopSignal;
use crate::task_lookup;

/// Rows between two progress reports: about 20 requests of 500.
const CHUNK_ROWS: usize = 10_000;

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
    let options = ReadOptions {
        args: args.reading.clone(),
        country_code: args.country_code.clone(),
    };
    let mut reader = match ContactsReader::open(&args.csv, &options)? {
        Ok(reader) => reader,
        Err(problems) => {
            for problem in problems {
                stderr_line!("{problem}");
            }
            stderr_line!("error: nothing was appended: the file's header is not usable");
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
    let failed = FailedRows::create(&failed_path, reader.headers(), reader.wants_bom())?;
    let stop = StopSignal::watch(format!(
        "re-run the same command to resume (the journal {} has the state)",
        journal_path.display()
    ));
    let mut run = AppendRun::new(
        client,
        task_id.clone(),
        args,
        (journal, batch_size),
        failed,
        progress,
        stop,
    )
    .with_places(reader.places().clone());
    let chunk_rows = CHUNK_ROWS.max(batch_size * nxlink::DEFAULT_MAX_BATCH_CONCURRENCY);
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
        run.unsent(&pending.records)?;
        while let Some(row) = reader.next_row()? {
            run.tally.read += 1;
            run.unsent(std::slice::from_ref(&row.raw))?;
        }
    }
    run.progress
        .update(run.tally.read, reader.bytes_read(), &run.tally.note());
    run.progress.finish();
    let elapsed = run.progress.elapsed();
    let rate = run.progress.rate(run.tally.read);
    let maybe_doubled = run.journal.maybe_doubled()?;
    let limit = run.batch_limit_stats();
    let AppendRun {
        journal,
        failed,
        tally,
        ..
    } = run;
    journal.close()?;
    let written = failed.finish()?;
    print_summary(out, &task_id, &tally, elapsed, rate)?;
    if tally.rewritten > 0 {
        writeln!(
            out,
            "phone numbers normalized: {} (see `nxlink task validate` for each rewrite; --phones \
             strict sends them as written)",
            thousands(tally.rewritten)
        )?;
    }
    if limit.throttled > 0 || limit.decreases > 0 {
        let why = if limit.throttled > 0 {
            format!(
                "{} answers were 429 (each batch retried after its Retry-After)",
                thousands(limit.throttled)
            )
        } else {
            "answers came back slower".to_owned()
        };
        writeln!(
            out,
            "the gateway slowed the run: {why}; batches in flight halved {} times (now {}, at \
             most {})",
            thousands(limit.decreases),
            limit.current,
            limit.highest
        )?;
    }
    if tally.resent_batches > 0 {
        writeln!(
            out,
            "re-sent {} batches ({} contacts) whose outcome an earlier run did not learn (in flight when it stopped, or answered unreadably)",
            thousands(tally.resent_batches),
            thousands(tally.resent_contacts)
        )?;
    }
    if maybe_doubled > 0 {
        writeln!(
            out,
            "may be doubled: {} contacts were accepted by a re-send whose first send may also have arrived; \
             a gateway that accepts a repeated contactId may hold them twice (all runs of this journal)",
            thousands(maybe_doubled)
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
