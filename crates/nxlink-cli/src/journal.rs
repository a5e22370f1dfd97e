//! The append journal: what a `contacts append` run sent and what the gateway answered, kept
//! in an SQLite file next to the input so that re-running the same command after any stop
//! (Ctrl-C, SIGTERM, SIGKILL, a crash) resumes exactly.
//!
//! A batch is marked in flight, and that mark committed to disk, before its request is sent;
//! its answer is committed when it arrives. So after any stop each batch is in one of four
//! states: acknowledged (skipped by a re-run: never sent twice), in flight (the request may or
//! may not have arrived: the only batches a re-run sends again, and it says so), of unknown
//! outcome (the gateway answered something that does not account for the batch: sent again
//! only by a re-run, reported the same way), or failed (provably not accepted: sent again).
//! Batches are numbered by position among the file's valid, first-seen contacts, so the same
//! file always yields the same batches; each batch's first and last line and contact id are
//! checked on a re-run, and a changed file is refused rather than resumed wrongly.
//!
//! The journal also holds every contact id read, with its line (`seen`): repeats are found
//! across the whole stream with memory that does not grow with the file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use crate::errors::CliError;

/// Schema version, stored in `user_version`; a journal of another version is refused.
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS run (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS batch (
    number INTEGER PRIMARY KEY,
    first_line INTEGER NOT NULL,
    last_line INTEGER NOT NULL,
    size INTEGER NOT NULL,
    first_id TEXT NOT NULL,
    last_id TEXT NOT NULL,
    state TEXT NOT NULL,
    sends INTEGER NOT NULL DEFAULT 0,
    appended INTEGER NOT NULL DEFAULT 0,
    already INTEGER NOT NULL DEFAULT 0,
    maybe_doubled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS refused (
    line INTEGER PRIMARY KEY,
    batch INTEGER NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS seen (contact_id TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID;
";

/// Where a batch stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BatchState {
    /// Marked before sending; no answer recorded.
    InFlight,
    /// Answered, and the answer accounted for the batch.
    Acknowledged,
    /// Answered with something that does not account for the batch, or lost past every retry.
    Unknown,
    /// Provably not accepted (refused whole, or never sent).
    Failed,
}

impl BatchState {
    fn as_str(self) -> &'static str {
        match self {
            BatchState::InFlight => "in_flight",
            BatchState::Acknowledged => "acknowledged",
            BatchState::Unknown => "unknown",
            BatchState::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "in_flight" => BatchState::InFlight,
            "acknowledged" => BatchState::Acknowledged,
            "unknown" => BatchState::Unknown,
            "failed" => BatchState::Failed,
            _ => return None,
        })
    }
}

/// What identifies a batch's place in the file: checked on a re-run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BatchBounds {
    pub(crate) first_line: u64,
    pub(crate) last_line: u64,
    pub(crate) size: u64,
    pub(crate) first_id: String,
    pub(crate) last_id: String,
}

/// A batch as an earlier run left it.
#[derive(Debug)]
pub(crate) struct RecordedBatch {
    pub(crate) bounds: BatchBounds,
    pub(crate) state: BatchState,
    pub(crate) appended: u64,
    pub(crate) already: u64,
}

/// What one batch's answer came to, to be recorded.
#[derive(Debug, Default)]
pub(crate) struct BatchAnswer {
    pub(crate) appended: u64,
    pub(crate) already: u64,
    pub(crate) maybe_doubled: u64,
    /// Lines the gateway refused, with the reason.
    pub(crate) refused: Vec<(u64, String)>,
}

/// An open journal, held exclusively by this run.
#[derive(Debug)]
pub(crate) struct Journal {
    connection: Connection,
    path: PathBuf,
}

/// Where the journal goes by default: next to the input, `<csv>.journal`.
pub(crate) fn default_journal_path(csv: &Path) -> PathBuf {
    let mut name = csv.file_name().unwrap_or_default().to_os_string();
    name.push(".journal");
    csv.with_file_name(name)
}

impl Journal {
    /// Opens (or creates) the journal for appending to `task_id` in batches of `batch_size`;
    /// returns the journal and the batch size to use (an earlier run's, so that batches line
    /// up). A journal written for another task is refused, as is one another run holds.
    pub(crate) fn open(
        path: &Path,
        task_id: &str,
        batch_size: usize,
    ) -> Result<(Self, usize), CliError> {
        let failed = |error: rusqlite::Error| journal_error(path, &error);
        let connection = Connection::open(path).map_err(failed)?;
        // One run at a time: the lock is taken by the first write below and held until exit.
        connection
            .execute_batch(
                "PRAGMA locking_mode = EXCLUSIVE;
                 PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = FULL;",
            )
            .map_err(failed)?;
        let version: i64 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(failed)?;
        if version != 0 && version != SCHEMA_VERSION {
            return Err(CliError::usage_hint(
                format!(
                    "the journal {} was written by another version of nxlink (schema {version})",
                    path.display()
                ),
                "finish that run with the nxlink that started it, or pass --journal with a new path",
            ));
        }
        let journal = Journal {
            connection,
            path: path.to_path_buf(),
        };
        journal.write(|c| {
            c.execute_batch(SCHEMA)?;
            c.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))
        })?;
        let recorded_task = journal.setting("task_id")?;
        match recorded_task {
            Some(recorded) if recorded != task_id => {
                return Err(CliError::usage_hint(
                    format!(
                        "the journal {} records a run appending this file to task {recorded}, not {task_id}",
                        path.display()
                    ),
                    "re-run with that task to resume it, or pass --journal with a new path to append to another task",
                ));
            }
            Some(_) => {}
            None => {
                journal.write(|c| {
                    c.execute(
                        "INSERT INTO run (key, value) VALUES ('task_id', ?1), ('batch_size', ?2)",
                        params![task_id, batch_size.to_string()],
                    )
                    .map(drop)
                })?;
            }
        }
        let recorded_size = journal
            .setting("batch_size")?
            .and_then(|size| size.parse::<usize>().ok())
            .filter(|&size| size > 0)
            .unwrap_or(batch_size);
        journal
            .connection
            .execute_batch("BEGIN")
            .map_err(|error| journal_error(path, &error))?;
        Ok((journal, recorded_size))
    }

    fn setting(&self, key: &str) -> Result<Option<String>, CliError> {
        self.connection
            .query_row("SELECT value FROM run WHERE key = ?1", [key], |row| {
                row.get(0)
            })
            .optional()
            .map_err(|error| journal_error(&self.path, &error))
    }

    fn write<T>(
        &self,
        work: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, CliError> {
        work(&self.connection).map_err(|error| journal_error(&self.path, &error))
    }

    /// Records that `contact_id` was read on `line`; returns the line it was first read on
    /// when that is another one (a repeat within the file). Committed with the next batch.
    pub(crate) fn first_line(&self, contact_id: &str, line: u64) -> Result<Option<u64>, CliError> {
        self.write(|c| {
            let mut insert = c.prepare_cached(
                "INSERT INTO seen (contact_id, line) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            )?;
            if insert.execute(params![contact_id, line])? == 1 {
                return Ok(None);
            }
            let mut select = c.prepare_cached("SELECT line FROM seen WHERE contact_id = ?1")?;
            let first: u64 = select.query_row([contact_id], |row| row.get(0))?;
            Ok((first != line).then_some(first))
        })
    }

    /// The batch as an earlier run left it, if any run reached it.
    pub(crate) fn batch(&self, number: u64) -> Result<Option<RecordedBatch>, CliError> {
        self.write(|c| {
            let mut select = c.prepare_cached(
                "SELECT first_line, last_line, size, first_id, last_id, state, appended, already
                 FROM batch WHERE number = ?1",
            )?;
            select
                .query_row([number], |row| {
                    let state: String = row.get(5)?;
                    Ok(RecordedBatch {
                        bounds: BatchBounds {
                            first_line: row.get(0)?,
                            last_line: row.get(1)?,
                            size: row.get(2)?,
                            first_id: row.get(3)?,
                            last_id: row.get(4)?,
                        },
                        // An unreadable state is treated as the most cautious one.
                        state: BatchState::parse(&state).unwrap_or(BatchState::Unknown),
                        appended: row.get(6)?,
                        already: row.get(7)?,
                    })
                })
                .optional()
        })
    }

    /// The lines of `batch` the gateway refused, with the reason.
    pub(crate) fn refused(&self, batch: u64) -> Result<HashMap<u64, String>, CliError> {
        self.write(|c| {
            let mut select =
                c.prepare_cached("SELECT line, reason FROM refused WHERE batch = ?1")?;
            let rows = select.query_map([batch], |row| Ok((row.get(0)?, row.get(1)?)))?;
            rows.collect()
        })
    }

    /// Marks a batch in flight and commits, with every contact id read so far: call it
    /// before the batch's request is sent.
    pub(crate) fn mark_in_flight(&self, number: u64, bounds: &BatchBounds) -> Result<(), CliError> {
        self.write(|c| {
            let mut upsert = c.prepare_cached(
                "INSERT INTO batch (number, first_line, last_line, size, first_id, last_id, state, sends)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'in_flight', 1)
                 ON CONFLICT (number) DO UPDATE SET state = 'in_flight', sends = sends + 1",
            )?;
            upsert.execute(params![
                number,
                bounds.first_line,
                bounds.last_line,
                bounds.size,
                bounds.first_id,
                bounds.last_id
            ])?;
            c.execute_batch("COMMIT; BEGIN")
        })
    }

    /// Records a batch's answer and commits.
    pub(crate) fn record(
        &self,
        number: u64,
        state: BatchState,
        answer: &BatchAnswer,
    ) -> Result<(), CliError> {
        self.write(|c| {
            c.prepare_cached(
                "UPDATE batch SET state = ?2, appended = ?3, already = ?4,
                 maybe_doubled = maybe_doubled + ?5 WHERE number = ?1",
            )?
            .execute(params![
                number,
                state.as_str(),
                answer.appended,
                answer.already,
                answer.maybe_doubled
            ])?;
            let mut insert = c.prepare_cached(
                "INSERT OR REPLACE INTO refused (line, batch, reason) VALUES (?1, ?2, ?3)",
            )?;
            for (line, reason) in &answer.refused {
                insert.execute(params![line, number, reason])?;
            }
            c.execute_batch("COMMIT; BEGIN")
        })
    }

    /// Contacts that may be doubled, over every batch and every run (see
    /// [`BatchAnswer::maybe_doubled`]).
    pub(crate) fn maybe_doubled(&self) -> Result<u64, CliError> {
        self.write(|c| {
            c.query_row(
                "SELECT COALESCE(SUM(maybe_doubled), 0) FROM batch WHERE state = 'acknowledged'",
                [],
                |row| row.get(0),
            )
        })
    }

    /// Commits what is pending (contact ids read since the last batch).
    pub(crate) fn close(self) -> Result<(), CliError> {
        self.write(|c| c.execute_batch("COMMIT"))
    }
}

fn journal_error(path: &Path, error: &rusqlite::Error) -> CliError {
    let busy = matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    );
    if busy {
        return CliError::usage_hint(
            format!(
                "the journal {} is in use by another nxlink run",
                path.display()
            ),
            "wait for that run to end, or pass --journal with another path",
        );
    }
    if error.sqlite_error_code() == Some(rusqlite::ErrorCode::CannotOpen) {
        return CliError::usage_hint(
            format!("cannot create the journal {}: {error}", path.display()),
            "pass --journal with a path in a writable directory",
        );
    }
    CliError::failed(format!(
        "cannot use the journal {}: {error}",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounds(first_line: u64) -> BatchBounds {
        BatchBounds {
            first_line,
            last_line: first_line + 1,
            size: 2,
            first_id: format!("c-{first_line}"),
            last_id: format!("c-{}", first_line + 1),
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("nxlink-journal-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        dir.join("c.csv.journal")
    }

    #[test]
    fn a_reopened_journal_has_what_was_committed_and_refuses_another_task() {
        let path = scratch("reopen");
        {
            let (journal, size) = Journal::open(&path, "task-1", 500).expect("opens");
            assert_eq!(size, 500);
            assert_eq!(journal.first_line("c-2", 2).expect("seen"), None);
            assert_eq!(journal.first_line("c-2", 9).expect("seen"), Some(2));
            journal.mark_in_flight(0, &bounds(2)).expect("marked");
            journal.mark_in_flight(1, &bounds(4)).expect("marked");
            let answer = BatchAnswer {
                appended: 1,
                already: 0,
                maybe_doubled: 0,
                refused: vec![(5, "Illegal phone number format:1".into())],
            };
            journal
                .record(1, BatchState::Acknowledged, &answer)
                .expect("recorded");
            // Dropped without close: what the last commit held survives.
        }
        let (journal, size) = Journal::open(&path, "task-1", 100).expect("reopens");
        assert_eq!(size, 500, "the first run's batch size wins");
        assert_eq!(
            journal.first_line("c-2", 2).expect("seen"),
            None,
            "same line: no repeat"
        );
        let first = journal.batch(0).expect("read").expect("recorded");
        assert_eq!(first.state, BatchState::InFlight);
        assert_eq!(first.bounds, bounds(2));
        let second = journal.batch(1).expect("read").expect("recorded");
        assert_eq!(
            (second.state, second.appended),
            (BatchState::Acknowledged, 1)
        );
        assert_eq!(
            journal
                .refused(1)
                .expect("refused")
                .get(&5)
                .map(String::as_str),
            Some("Illegal phone number format:1")
        );
        assert!(journal.batch(2).expect("read").is_none());
        journal.close().expect("closed");
        let error = Journal::open(&path, "task-2", 500).expect_err("another task");
        assert!(
            error
                .render()
                .contains("records a run appending this file to task task-1"),
            "{}",
            error.render()
        );
    }

    #[test]
    fn a_journal_that_cannot_be_created_says_where_to_put_it() {
        let path = scratch("nowhere").join("missing-dir").join("c.csv.journal");
        let error = Journal::open(&path, "task-1", 500).expect_err("no directory");
        assert!(
            error.render().contains("cannot create the journal"),
            "{}",
            error.render()
        );
        assert!(error.render().contains("--journal"), "{}", error.render());
    }

    #[test]
    fn a_second_run_cannot_take_a_journal_in_use() {
        let path = scratch("busy");
        let (journal, _) = Journal::open(&path, "task-1", 500).expect("opens");
        journal.mark_in_flight(0, &bounds(2)).expect("marked");
        let error = Journal::open(&path, "task-1", 500).expect_err("held by the first");
        assert!(
            error.render().contains("in use by another nxlink run"),
            "{}",
            error.render()
        );
        drop(journal);
    }
}
