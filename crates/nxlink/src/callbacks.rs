//! Receiving NXLink callbacks: verify the signature and the `ts` window, then parse.
//!
//! NXLink signs callbacks like API requests (the same five headers over the raw body). A
//! receiver must check them over the bytes exactly as received, before parsing.
//!
//! What is guarded: a forged or altered callback (the signature), a captured one sent again
//! after the window (`ts` more than 60 s from our clock), and, with
//! [`CallbackVerifier::with_replay_guard`], one sent again *within* the window (its signature
//! was already accepted: [`CallbackError::Replayed`]). What is not: a replay inside the window
//! without the guard, or once more than the guard's capacity of callbacks arrived in one
//! window; and NXLink redelivering the same event signed afresh (a new `ts`), which only a
//! receiver's own key per event (e.g. `callId` and attempt) can recognise.

mod replay;

pub use replay::{DEFAULT_REPLAY_CAPACITY, ReplayGuard};

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use nxlink_model::{CallRecordCallback, TaskStatusCallback};
use nxlink_sign::{Credentials, DEFAULT_TOLERANCE_MS, ReceivedHeaders, Rejection, verify_received};
use serde::de::DeserializeOwned;

use crate::clock::now_ms;

/// The body to answer a callback with, with HTTP 200: `{"code":0,"message":"success"}`.
pub use nxlink_model::CALLBACK_ACK_BODY;

/// Why a callback was refused.
#[derive(Debug)]
#[non_exhaustive]
pub enum CallbackError {
    /// The signature headers are missing, stale, or do not match the body.
    Rejected(Rejection),
    /// The body is authentic but not the documented JSON.
    Malformed(serde_json::Error),
    /// Authentic, but this very signed request was accepted before within the window: a
    /// replay, or an unchanged redelivery. Answer 200 and do not process it again.
    Replayed,
}

impl CallbackError {
    /// Whether the callback failed authentication (answer 401; do not process it).
    pub fn is_rejected(&self) -> bool {
        matches!(self, CallbackError::Rejected(_))
    }

    /// Whether the callback was already accepted once (answer 200; do not process it again).
    pub fn is_replay(&self) -> bool {
        matches!(self, CallbackError::Replayed)
    }
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallbackError::Rejected(rejection) => write!(f, "callback refused: {rejection}"),
            CallbackError::Malformed(error) => write!(f, "callback body is not valid: {error}"),
            CallbackError::Replayed => f.write_str(
                "callback already received: the same signed request was accepted before",
            ),
        }
    }
}

impl std::error::Error for CallbackError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CallbackError::Rejected(rejection) => Some(rejection),
            CallbackError::Malformed(error) => Some(error),
            CallbackError::Replayed => None,
        }
    }
}

/// Checks and parses the callbacks NXLink sends for one account.
#[derive(Clone, Debug)]
pub struct CallbackVerifier {
    credentials: Credentials,
    tolerance_ms: u64,
    replay_guard: Option<Arc<ReplayGuard>>,
}

impl CallbackVerifier {
    /// A verifier for callbacks signed with these credentials, with the gateway's ±60 s window.
    pub fn new(credentials: Credentials) -> Self {
        CallbackVerifier {
            credentials,
            tolerance_ms: DEFAULT_TOLERANCE_MS,
            replay_guard: None,
        }
    }

    /// Also refuses a callback whose signature was accepted before within the window
    /// ([`CallbackError::Replayed`]), remembering at most `capacity` signatures (see
    /// [`ReplayGuard`]). Clones of the verifier share the guard.
    #[must_use]
    pub fn with_replay_guard(mut self, capacity: usize) -> Self {
        self.replay_guard = Some(Arc::new(ReplayGuard::new(capacity)));
        self
    }

    /// Forgets an accepted callback, so that NXLink's redelivery of it is accepted: call it
    /// when the callback could not be handled (stored, queued) and you answer non-200.
    pub fn forget(&self, headers: &http::HeaderMap) {
        if let (Some(guard), Some(sign)) = (&self.replay_guard, received(headers).sign) {
            guard.forget(sign);
        }
    }

    /// Accepts `ts` values at most this far from the receiver's clock (replay protection).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance_ms = u64::try_from(tolerance.as_millis()).unwrap_or(u64::MAX);
        self
    }

    /// Verifies headers (names in any case) and the raw body against the system clock.
    pub fn verify(&self, headers: &http::HeaderMap, body: &[u8]) -> Result<(), CallbackError> {
        self.verify_at(headers, body, now_ms())
    }

    /// Verifies headers and the raw body against the given clock reading (ms since the epoch).
    pub fn verify_at(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
        now_ms: u64,
    ) -> Result<(), CallbackError> {
        let received = received(headers);
        verify_received(
            &received,
            body,
            &self.credentials,
            now_ms,
            self.tolerance_ms,
        )
        .map_err(CallbackError::Rejected)?;
        if let Some(guard) = &self.replay_guard {
            // Both are present and well-formed: verification checked them.
            let sign = received.sign.unwrap_or_default();
            let ts_ms = received.ts.and_then(|ts| ts.parse().ok()).unwrap_or(0);
            if !guard.admit(sign, ts_ms, now_ms, self.tolerance_ms) {
                return Err(CallbackError::Replayed);
            }
        }
        Ok(())
    }

    /// Verifies, then parses a task-status callback.
    pub fn task_status(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<TaskStatusCallback, CallbackError> {
        self.parse_at(headers, body, now_ms())
    }

    /// Verifies, then parses a call-record callback.
    pub fn call_record(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<CallRecordCallback, CallbackError> {
        self.parse_at(headers, body, now_ms())
    }

    /// Verifies against the given clock reading, then parses the body as `T`.
    pub fn parse_at<T: DeserializeOwned>(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
        now_ms: u64,
    ) -> Result<T, CallbackError> {
        self.verify_at(headers, body, now_ms)?;
        serde_json::from_slice(body).map_err(CallbackError::Malformed)
    }
}

/// The authentication headers as received, names in any case.
fn received(headers: &http::HeaderMap) -> ReceivedHeaders<'_> {
    ReceivedHeaders::from_pairs(
        headers
            .iter()
            .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?))),
    )
}
