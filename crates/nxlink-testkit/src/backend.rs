//! Everything the emulated gateway knows, shared by every connection: accounts, clock,
//! tasks, number policy, id source and the request log.

use std::sync::Arc;

use crate::accounts::Accounts;
use crate::clock::Clock;
use crate::ids::IdSource;
use crate::numbers::NumberPolicy;
use crate::recorder::Recorder;
use crate::state::TaskStore;

/// The gateway's world; endpoint handlers read and change it through `&Backend`.
#[derive(Debug)]
pub(crate) struct Backend {
    pub(crate) accounts: Accounts,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) tasks: TaskStore,
    pub(crate) numbers: NumberPolicy,
    pub(crate) ids: IdSource,
    pub(crate) recorder: Recorder,
    /// Largest request body read, in bytes.
    pub(crate) max_body_bytes: usize,
    /// Print one line per request on stderr (the binary's request log).
    pub(crate) log_requests: bool,
}
