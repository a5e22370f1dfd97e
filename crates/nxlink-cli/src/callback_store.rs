//! The callback store: every callback `nxlink webhook serve` accepted, in an SQLite file
//! (WAL, `synchronous=FULL`: a row is on disk before the gateway hears 200).
//!
//! One row per callback, found by its natural key (see [`natural_key`]): a redelivery or a
//! replay of a stored callback adds no row; it increments `deliveries`, and when its body
//! differs from the stored one (which is kept) `differing_bodies` too, so that an export can
//! say so. Bodies are kept exactly as received, including authentic ones that are not the
//! documented JSON (`readable` 0): refusing those would make the gateway retry forever and
//! the answer would be lost.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, params};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::errors::CliError;

/// Schema version, stored in `user_version`; a store of another version is refused.
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS callback (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    natural_key TEXT NOT NULL,
    task_id TEXT,
    user_task_id TEXT,
    readable INTEGER NOT NULL,
    signed_ts_ms INTEGER NOT NULL,
    received_at_ms INTEGER NOT NULL,
    last_received_at_ms INTEGER NOT NULL,
    body BLOB NOT NULL,
    body_sha256 TEXT NOT NULL,
    deliveries INTEGER NOT NULL DEFAULT 1,
    differing_bodies INTEGER NOT NULL DEFAULT 0,
    UNIQUE (kind, natural_key)
);
CREATE INDEX IF NOT EXISTS callback_task ON callback (task_id);
";

const INSERT: &str = "
INSERT INTO callback (kind, natural_key, task_id, user_task_id, readable, signed_ts_ms,
                      received_at_ms, last_received_at_ms, body, body_sha256)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9)
ON CONFLICT (kind, natural_key) DO UPDATE SET
    deliveries = deliveries + 1,
    differing_bodies = differing_bodies + (body_sha256 <> excluded.body_sha256),
    last_received_at_ms = excluded.received_at_ms
RETURNING deliveries
";

/// Which webhook a callback arrived at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CallbackKind {
    /// A call record (`callCallbackUrl`).
    Call,
    /// A task status change (`taskCallbackUrl`).
    Task,
}

impl CallbackKind {
    /// The name stored in the `kind` column.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            CallbackKind::Call => "call",
            CallbackKind::Task => "task",
        }
    }
}

/// A verified callback on its way into the store.
#[derive(Clone, Debug)]
pub(crate) struct Arrival {
    /// Which webhook.
    pub(crate) kind: CallbackKind,
    /// The body exactly as received.
    pub(crate) body: bytes::Bytes,
    /// Its signed `ts`, ms.
    pub(crate) signed_ts_ms: i64,
    /// When it arrived here, ms since the epoch.
    pub(crate) received_at_ms: i64,
}

/// What storing did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stored {
    /// A new row.
    New,
    /// The callback was stored before: this delivery was counted, no row added.
    Again,
}

/// The fields a row is found and filtered by.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Identity {
    pub(crate) natural_key: String,
    pub(crate) task_id: Option<String>,
    pub(crate) user_task_id: Option<String>,
    pub(crate) readable: bool,
}

/// The natural key of a callback: a call record is one dial attempt, named by its `callId`;
/// a task-status callback carries no event id and a task can reach the same status twice
/// (paused, resumed, paused), so it is named by its exact body, which a redelivery repeats.
/// A body without those (or not JSON) is named by its bytes.
pub(crate) fn natural_key(kind: CallbackKind, body: &[u8]) -> Identity {
    let digest = sha256_hex(body);
    let parsed: Option<serde_json::Map<String, Value>> = serde_json::from_slice(body).ok();
    let field = |name: &str| {
        parsed
            .as_ref()
            .and_then(|object| object.get(name))
            .and_then(|value| match value {
                Value::String(text) if !text.is_empty() => Some(text.clone()),
                Value::Number(number) => Some(number.to_string()),
                _ => None,
            })
    };
    let natural_key = match (kind, field("callId")) {
        (CallbackKind::Call, Some(call_id)) => format!("callId:{call_id}"),
        _ => format!("body:{digest}"),
    };
    Identity {
        natural_key,
        task_id: field("taskId"),
        user_task_id: field("userTaskId"),
        readable: parsed.is_some(),
    }
}

/// Hex SHA-256 of the body.
pub(crate) fn sha256_hex(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// The store, open for writing (one connection, used by the writer thread only).
#[derive(Debug)]
pub(crate) struct CallbackStore {
    connection: Connection,
}

impl CallbackStore {
    /// Opens (creating when absent) the store at `path`.
    pub(crate) fn open(path: &Path) -> Result<CallbackStore, CliError> {
        let failed = |error: rusqlite::Error| store_error(path, &error);
        let connection = Connection::open(path).map_err(failed)?;
        connection
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(failed)?;
        connection
            .pragma_update(None, "synchronous", "FULL")
            .map_err(failed)?;
        connection
            .busy_timeout(std::time::Duration::from_secs(5))
            .map_err(failed)?;
        check_version(&connection, path, true)?;
        connection.execute_batch(SCHEMA).map_err(failed)?;
        Ok(CallbackStore { connection })
    }

    /// Stores the arrivals in one transaction (one disk sync for the lot). Each gets its own
    /// answer: a row that fails (a constraint, a trigger) fails alone; when the commit fails,
    /// all do, and then none is answered as stored (some may be, if SQLite had already ended
    /// the transaction itself: their redelivery is then recognised).
    pub(crate) fn store_all(&mut self, arrivals: &[&Arrival]) -> Vec<Result<Stored, String>> {
        let transaction = match self.connection.transaction() {
            Ok(transaction) => transaction,
            Err(error) => return vec![Err(error.to_string()); arrivals.len()],
        };
        let mut results = Vec::with_capacity(arrivals.len());
        match transaction.prepare_cached(INSERT) {
            Ok(mut insert) => {
                for arrival in arrivals {
                    let identity = natural_key(arrival.kind, &arrival.body);
                    let deliveries = insert.query_row(
                        params![
                            arrival.kind.as_str(),
                            identity.natural_key,
                            identity.task_id,
                            identity.user_task_id,
                            identity.readable,
                            arrival.signed_ts_ms,
                            arrival.received_at_ms,
                            &arrival.body[..],
                            sha256_hex(&arrival.body),
                        ],
                        |row| row.get::<_, i64>(0),
                    );
                    results.push(match deliveries {
                        Ok(1) => Ok(Stored::New),
                        Ok(_) => Ok(Stored::Again),
                        Err(error) => Err(error.to_string()),
                    });
                }
            }
            Err(error) => return vec![Err(error.to_string()); arrivals.len()],
        }
        if let Err(error) = transaction.commit() {
            let error = format!("the transaction did not commit: {error}");
            return vec![Err(error); arrivals.len()];
        }
        results
    }

    /// Rows stored so far.
    pub(crate) fn count(&self) -> Result<u64, String> {
        self.connection
            .query_row("SELECT count(*) FROM callback", [], |row| row.get(0))
            .map_err(|error| error.to_string())
    }
}

/// Opens an existing store for reading (export, summary).
pub(crate) fn open_for_reading(path: &Path) -> Result<Connection, CliError> {
    if !path.exists() {
        return Err(CliError::usage_hint(
            format!("no callback store at {}", path.display()),
            format!(
                "`nxlink webhook serve --store {}` creates it and fills it as callbacks arrive",
                path.display()
            ),
        ));
    }
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|error| store_error(path, &error))?;
    connection
        .busy_timeout(std::time::Duration::from_secs(5))
        .map_err(|error| store_error(path, &error))?;
    check_version(&connection, path, false)?;
    Ok(connection)
}

/// Refuses a file of another schema version (or not a store at all); stamps a new one.
fn check_version(connection: &Connection, path: &Path, stamp: bool) -> Result<(), CliError> {
    let version: i64 = connection
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|error| store_error(path, &error))?;
    let tables: i64 = connection
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |row| row.get(0),
        )
        .map_err(|error| store_error(path, &error))?;
    match (version, tables) {
        (SCHEMA_VERSION, _) => Ok(()),
        (0, 0) if stamp => connection
            .pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(|error| store_error(path, &error)),
        _ => Err(CliError::usage(format!(
            "{} is not a callback store of this nxlink (schema version {version}, expected \
             {SCHEMA_VERSION}): give another --store",
            path.display()
        ))),
    }
}

fn store_error(path: &Path, error: &rusqlite::Error) -> CliError {
    CliError::failed(format!("callback store {}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arrival(kind: CallbackKind, body: &str) -> Arrival {
        Arrival {
            kind,
            body: bytes::Bytes::copy_from_slice(body.as_bytes()),
            signed_ts_ms: 1,
            received_at_ms: 2,
        }
    }

    #[test]
    fn a_call_record_is_named_by_its_call_id_and_a_status_by_its_body() {
        let call = natural_key(CallbackKind::Call, br#"{"callId":"c-1","taskId":"t"}"#);
        assert_eq!(call.natural_key, "callId:c-1");
        assert_eq!(call.task_id.as_deref(), Some("t"));
        let numeric = natural_key(CallbackKind::Call, br#"{"callId":17}"#);
        assert_eq!(numeric.natural_key, "callId:17");
        let status = natural_key(CallbackKind::Task, br#"{"callId":"c-1","taskStatus":5}"#);
        assert!(status.natural_key.starts_with("body:"), "{status:?}");
        let garbage = natural_key(CallbackKind::Call, b"not json");
        assert!(!garbage.readable);
        assert_eq!(
            garbage.natural_key,
            format!("body:{}", sha256_hex(b"not json"))
        );
    }

    #[test]
    fn a_redelivery_adds_no_row_and_a_different_body_is_counted() {
        let dir = std::env::temp_dir().join(format!("nxlink-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("callbacks.db");
        let _ = std::fs::remove_file(&path);
        let mut store = CallbackStore::open(&path).expect("open");
        let first = arrival(CallbackKind::Call, r#"{"callId":"c-1","callResult":1}"#);
        let changed = arrival(CallbackKind::Call, r#"{"callId":"c-1","callResult":2}"#);
        let task = arrival(CallbackKind::Task, r#"{"taskId":"t","taskStatus":2}"#);
        let stored = store.store_all(&[&first, &first, &task, &changed, &task]);
        use Stored::{Again, New};
        assert_eq!(stored, [Ok(New), Ok(Again), Ok(New), Ok(Again), Ok(Again)]);
        assert_eq!(store.count(), Ok(2));
        drop(store);

        let reader = open_for_reading(&path).expect("reopen");
        let (deliveries, differing, body): (i64, i64, Vec<u8>) = reader
            .query_row(
                "SELECT deliveries, differing_bodies, body FROM callback WHERE kind = 'call'",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .expect("row");
        assert_eq!((deliveries, differing), (3, 1));
        assert_eq!(
            body, br#"{"callId":"c-1","callResult":1}"#,
            "the first body is kept"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn another_sqlite_file_is_refused() {
        let dir = std::env::temp_dir().join(format!("nxlink-store-other-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("journal.db");
        let other = Connection::open(&path).expect("open");
        other
            .execute_batch("CREATE TABLE batch (n INTEGER);")
            .expect("table");
        drop(other);
        let refused = CallbackStore::open(&path).expect_err("refused");
        assert!(
            refused.render().contains("not a callback store"),
            "{}",
            refused.render()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
