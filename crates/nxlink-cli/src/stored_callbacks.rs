//! Reading the callback store back, oldest first, for `calls export` and `calls summary`.

use std::path::Path;

use rusqlite::Connection;

use crate::callback_args::StoreSelection;
use crate::callback_store::{CallbackKind, open_for_reading};
use crate::errors::CliError;
use crate::timestamps::time_flag;

/// One stored callback.
#[derive(Debug)]
pub(crate) struct StoredCallback {
    /// The body exactly as received.
    pub(crate) body: Vec<u8>,
    /// Whether the body is JSON.
    pub(crate) readable: bool,
    /// When it first arrived, ms since the epoch.
    pub(crate) received_at_ms: i64,
    /// Deliveries received, the first included.
    pub(crate) deliveries: i64,
    /// Later deliveries whose body differed from the kept one.
    pub(crate) differing_bodies: i64,
}

/// The store, opened for reading, with the filters of the command line.
#[derive(Debug)]
pub(crate) struct StoreReader {
    connection: Connection,
    task: Option<String>,
    since_ms: Option<i64>,
    path: String,
}

impl StoreReader {
    /// Opens the store named by the selection and reads its filters.
    pub(crate) fn open(selection: &StoreSelection) -> Result<StoreReader, CliError> {
        let since_ms = time_flag("--since", &selection.since)?.map(|s| s.saturating_mul(1000));
        Ok(StoreReader {
            connection: open_for_reading(&selection.store)?,
            task: selection.task.clone(),
            since_ms,
            path: display(&selection.store),
        })
    }

    /// Calls `visit` with each selected callback of `kind`, oldest first, streaming.
    pub(crate) fn each(
        &self,
        kind: CallbackKind,
        mut visit: impl FnMut(StoredCallback) -> Result<(), CliError>,
    ) -> Result<(), CliError> {
        let failed = |error: rusqlite::Error| {
            CliError::failed(format!("callback store {}: {error}", self.path))
        };
        let mut statement = self
            .connection
            .prepare(
                "SELECT body, readable, received_at_ms, deliveries, differing_bodies
                 FROM callback
                 WHERE kind = ?1
                   AND (?2 IS NULL OR task_id = ?2 OR user_task_id = ?2)
                   AND (?3 IS NULL OR received_at_ms >= ?3)
                 ORDER BY id",
            )
            .map_err(failed)?;
        let mut rows = statement
            .query(rusqlite::params![kind.as_str(), self.task, self.since_ms])
            .map_err(failed)?;
        while let Some(row) = rows.next().map_err(failed)? {
            visit(StoredCallback {
                body: row.get(0).map_err(failed)?,
                readable: row.get(1).map_err(failed)?,
                received_at_ms: row.get(2).map_err(failed)?,
                deliveries: row.get(3).map_err(failed)?,
                differing_bodies: row.get(4).map_err(failed)?,
            })?;
        }
        Ok(())
    }
}

fn display(path: &Path) -> String {
    path.display().to_string()
}
