//! A contact as the emulated gateway holds it: the contact itself, where it stands in the
//! dialling, and how many attempts it used.

use nxlink_model::Contact;

use crate::call_outcome::CallOutcome;

/// Where a contact stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContactState {
    /// Waiting for its next attempt: never dialled when `attempts` is 0, otherwise waiting
    /// for a redial.
    Pending,
    /// A call to it is in progress.
    Dialling,
    /// Done: answered, or out of attempts.
    Finished,
    /// Removed by order/delete before it was ever dialled.
    Deleted,
}

/// A contact of a task, with its dialling state.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StoredContact {
    /// The contact as imported (task/create or call/append).
    pub contact: Contact,
    /// Where it stands.
    pub state: ContactState,
    /// Attempts started so far.
    pub attempts: u32,
    /// How the latest finished attempt ended.
    pub last_outcome: Option<CallOutcome>,
    /// The `callCallbackUrl` of the call/append that added it; it wins over the task's.
    pub call_callback_url: Option<String>,
    /// When the dialer may dial it next (emulator time, ms); pending contacts only.
    pub next_attempt_at_ms: Option<i64>,
    /// When it was imported (emulator time, ms).
    pub added_at_ms: i64,
}

impl StoredContact {
    /// A contact that was never dialled, due at once.
    pub(crate) fn pending(
        contact: Contact,
        call_callback_url: Option<String>,
        now_ms: i64,
    ) -> Self {
        StoredContact {
            contact,
            state: ContactState::Pending,
            attempts: 0,
            last_outcome: None,
            call_callback_url,
            next_attempt_at_ms: Some(now_ms),
            added_at_ms: now_ms,
        }
    }

    /// The caller's id for the contact.
    pub fn contact_id(&self) -> &str {
        &self.contact.contact_id
    }

    /// True while order/delete may remove it: pending and never dialled.
    pub fn is_deletable(&self) -> bool {
        self.state == ContactState::Pending && self.attempts == 0
    }
}
