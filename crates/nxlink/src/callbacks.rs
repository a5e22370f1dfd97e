//! Receiving NXLink callbacks: verify the signature and the `ts` window, then parse.
//!
//! NXLink signs callbacks like API requests (the same five headers over the raw body). A
//! receiver must check them over the bytes exactly as received, before parsing, and refuse a
//! stale `ts` so that a captured callback cannot be replayed.

use std::fmt;
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
}

impl CallbackError {
    /// Whether the callback failed authentication (answer 401; do not process it).
    pub fn is_rejected(&self) -> bool {
        matches!(self, CallbackError::Rejected(_))
    }
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallbackError::Rejected(rejection) => write!(f, "callback refused: {rejection}"),
            CallbackError::Malformed(error) => write!(f, "callback body is not valid: {error}"),
        }
    }
}

impl std::error::Error for CallbackError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CallbackError::Rejected(rejection) => Some(rejection),
            CallbackError::Malformed(error) => Some(error),
        }
    }
}

/// Checks and parses the callbacks NXLink sends for one account.
#[derive(Clone, Debug)]
pub struct CallbackVerifier {
    credentials: Credentials,
    tolerance_ms: u64,
}

impl CallbackVerifier {
    /// A verifier for callbacks signed with these credentials, with the gateway's ±60 s window.
    pub fn new(credentials: Credentials) -> Self {
        CallbackVerifier {
            credentials,
            tolerance_ms: DEFAULT_TOLERANCE_MS,
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
        let received = ReceivedHeaders::from_pairs(
            headers
                .iter()
                .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?))),
        );
        verify_received(
            &received,
            body,
            &self.credentials,
            now_ms,
            self.tolerance_ms,
        )
        .map_err(CallbackError::Rejected)
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
