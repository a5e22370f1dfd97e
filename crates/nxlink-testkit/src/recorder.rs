//! Every request the emulator received, with the answer it gave, so tests can assert on
//! what an SDK actually sent (or that it sent nothing).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http::{HeaderMap, Method};

use crate::faults::Fault;
use crate::lock::lock;

/// One request as received, and the outcome the emulator answered with.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: Method,
    /// Path of the request URI, without the query.
    pub path: String,
    /// Headers exactly as received (look-ups are case-insensitive).
    pub headers: HeaderMap,
    /// Body bytes as received; empty when a body over the size cap was refused unread.
    pub body: Bytes,
    /// The emulator clock's time when the request arrived, ms since the Unix epoch.
    pub received_at_ms: i64,
    /// HTTP status answered; 0 when nothing was (the connection was closed first).
    pub http_status: u16,
    /// Result `code` answered in the envelope (the HTTP status for answers that are not an
    /// envelope).
    pub code: i64,
    /// `message` answered in the envelope.
    pub message: String,
    /// `traceId` answered in the envelope.
    pub trace_id: String,
    /// Why the emulator answered so, in plain English (e.g. which header was missing); the
    /// real gateway does not say, so this never goes on the wire.
    pub reason: String,
    /// The fault injected into this exchange, if any. For faults that act after processing
    /// the answer fields say what the emulator decided, which the client may never have seen.
    pub fault: Option<Fault>,
}

impl RecordedRequest {
    /// The first value of a header as text (names are case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The body as UTF-8 text, when it is.
    pub fn body_text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }
}

/// The request log, oldest first.
#[derive(Debug)]
pub(crate) struct Recorder {
    list: Mutex<VecDeque<RecordedRequest>>,
    /// `None` keeps everything; a long-running server keeps only the latest few.
    keep: Option<usize>,
    received: AtomicUsize,
}

impl Recorder {
    /// A log keeping at most `keep` requests (all of them when `None`).
    pub(crate) fn new(keep: Option<usize>) -> Self {
        Recorder {
            list: Mutex::new(VecDeque::new()),
            keep,
            received: AtomicUsize::new(0),
        }
    }

    /// Appends a request, dropping the oldest beyond the limit.
    pub(crate) fn record(&self, request: RecordedRequest) {
        self.received.fetch_add(1, Ordering::SeqCst);
        if self.keep == Some(0) {
            return;
        }
        let mut list = lock(&self.list);
        list.push_back(request);
        if let Some(keep) = self.keep {
            while list.len() > keep {
                list.pop_front();
            }
        }
    }

    /// The kept requests, oldest first.
    pub(crate) fn all(&self) -> Vec<RecordedRequest> {
        lock(&self.list).iter().cloned().collect()
    }

    /// Number of requests received, kept or not.
    pub(crate) fn count(&self) -> usize {
        self.received.load(Ordering::SeqCst)
    }

    /// Forgets every request and resets the count.
    pub(crate) fn clear(&self) {
        let mut list = lock(&self.list);
        list.clear();
        self.received.store(0, Ordering::SeqCst);
    }
}
