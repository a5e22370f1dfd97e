//! Everything the emulated gateway knows, shared by every connection, the dialer and the
//! emulator handle: accounts, clock, tasks, catalog, policies, faults and the callback queue.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use crate::accounts::Accounts;
use crate::callbacks::Outbox;
use crate::catalog::Catalog;
use crate::clock::Clock;
use crate::dialer;
use crate::faults::Faults;
use crate::ids::IdSource;
use crate::numbers::NumberPolicy;
use crate::outcome::OutcomeRule;
use crate::page::PageShape;
use crate::recorder::Recorder;
use crate::repeats::{RepeatedContactIds, RepeatedUserTaskIds};
use crate::simulation::Simulation;
use crate::state::Store;

/// The gateway's world; endpoint handlers read and change it through `&Backend`.
#[derive(Debug)]
pub(crate) struct Backend {
    pub(crate) accounts: Accounts,
    pub(crate) clock: Arc<dyn Clock>,
    /// Injected clock shift in ms ([`crate::Fault::SkewClock`]).
    pub(crate) skew_ms: AtomicI64,
    pub(crate) store: Store,
    pub(crate) catalog: Catalog,
    pub(crate) numbers: NumberPolicy,
    pub(crate) outcomes: OutcomeRule,
    pub(crate) ids: IdSource,
    pub(crate) recorder: Recorder,
    pub(crate) faults: Faults,
    pub(crate) outbox: Outbox,
    pub(crate) simulation: Simulation,
    pub(crate) page_shape: PageShape,
    /// What call/append does with a contact id the task holds.
    pub(crate) repeated_contact_ids: RepeatedContactIds,
    /// What task/create does with a userTaskId the account already has.
    pub(crate) repeated_user_task_ids: RepeatedUserTaskIds,
    /// Largest request body read, in bytes.
    pub(crate) max_body_bytes: usize,
    /// Print one line per request on stderr (the binary's request log).
    pub(crate) log_requests: bool,
}

impl Backend {
    /// The gateway's now: the clock plus any injected skew, ms since the Unix epoch.
    pub(crate) fn now_ms(&self) -> i64 {
        self.clock
            .now_ms()
            .saturating_add(self.skew_ms.load(Ordering::SeqCst))
    }

    /// What a dialer step needs from here.
    pub(crate) fn dialer_context(&self) -> dialer::Context<'_> {
        dialer::Context {
            catalog: &self.catalog,
            accounts: &self.accounts,
            outcomes: &self.outcomes,
            ids: &self.ids,
        }
    }
}
