//! Callbacks the emulated gateway owes the customer: what each carries, the queue between
//! their producers and the delivery worker, and the record of every delivery attempt (the
//! delivery itself is [`crate::callback_delivery`]).
//!
//! Each callback is signed like an API request ([`crate::SignedCallback`]: headers
//! `accessKey`, `ts` from the emulator's clock, `bizType` 100, `action` nxai, `sign` = MD5
//! over the exact body with the task account's secret; `Content-Type: application/json`) and
//! sent over plain HTTP/1.1. By default one worker sends them in the order they were
//! produced, so a receiver sees a task's last call record before the status change it
//! caused; [`crate::EmulatorBuilder::callback_concurrency`] sends several at once, in no
//! particular order. Only HTTP 200 counts as delivered: any other answer, a connection
//! failure or no answer in time is retried on the [`RedeliverySchedule`], each attempt
//! re-signed with a fresh `ts`. An `https` URL (the emulator has no TLS client) or one that
//! cannot be parsed is recorded as undeliverable, once. Every attempt is recorded
//! ([`crate::Emulator::callback_deliveries`]). Request handling never waits for a delivery:
//! producers only queue.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use nxlink_sign::Credentials;
use tokio::sync::{mpsc, watch};

use crate::lock::lock;
use crate::redelivery::RedeliverySchedule;

/// Which callback a delivery carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CallbackKind {
    /// A finished call attempt (`CallRecordCallback`), sent to the contact's
    /// `callCallbackUrl` (from call/append), else the task's.
    CallRecord,
    /// A task status change (`TaskStatusCallback`), sent to the task's `taskCallbackUrl`.
    TaskStatus,
}

/// How one delivery attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryOutcome {
    /// The receiver answered with this HTTP status (only 200 counts as delivered).
    Status(u16),
    /// Connecting, sending or waiting for the answer failed or timed out.
    Failed(String),
    /// The URL cannot be delivered to by the emulator (https, unparsable); not retried.
    Undeliverable(String),
}

/// One delivery attempt of one callback.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallbackDelivery {
    /// The callback's number, 1 for the first one the emulator produced: attempts of the
    /// same callback share it.
    pub callback: u64,
    /// Which callback.
    pub kind: CallbackKind,
    /// Where it was sent.
    pub url: String,
    /// The exact JSON body sent.
    pub body: Bytes,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// The `ts` the attempt was signed with (emulator time, ms).
    pub ts: u64,
    /// How it ended.
    pub outcome: DeliveryOutcome,
}

impl CallbackDelivery {
    /// True when the receiver answered HTTP 200, the only answer that counts as delivered.
    pub fn is_delivered(&self) -> bool {
        self.outcome == DeliveryOutcome::Status(200)
    }

    /// The body as UTF-8 text.
    pub fn body_text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }

    /// The body as JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// A callback waiting to be sent.
#[derive(Debug)]
pub(crate) struct Callback {
    /// Set when queued.
    pub(crate) number: u64,
    pub(crate) kind: CallbackKind,
    pub(crate) url: String,
    pub(crate) body: Bytes,
    /// The account of the task: its secret signs the callback.
    pub(crate) credentials: Credentials,
}

/// The queue between producers (dialer, emulator handle) and the delivery worker.
#[derive(Debug)]
pub(crate) struct Outbox {
    queue: mpsc::UnboundedSender<Callback>,
    produced: AtomicU64,
    pub(crate) schedule: RedeliverySchedule,
    pub(crate) concurrency: usize,
    /// Callbacks queued and not yet finished (all attempts done).
    pending: watch::Sender<usize>,
    deliveries: Mutex<Vec<CallbackDelivery>>,
}

/// The worker's end of the queue.
#[derive(Debug)]
pub(crate) struct Queue(pub(crate) mpsc::UnboundedReceiver<Callback>);

impl Outbox {
    /// An outbox and the queue its worker reads.
    pub(crate) fn new(schedule: RedeliverySchedule, concurrency: usize) -> (Outbox, Queue) {
        let (queue, receiver) = mpsc::unbounded_channel();
        let outbox = Outbox {
            queue,
            produced: AtomicU64::new(0),
            schedule,
            concurrency: concurrency.max(1),
            pending: watch::Sender::new(0),
            deliveries: Mutex::new(Vec::new()),
        };
        (outbox, Queue(receiver))
    }

    /// Queues a callback; never waits.
    pub(crate) fn send(&self, mut callback: Callback) {
        callback.number = self.produced.fetch_add(1, Ordering::SeqCst) + 1;
        self.pending.send_modify(|pending| *pending += 1);
        if self.queue.send(callback).is_err() {
            // The worker is gone (the emulator stopped): nothing will deliver it.
            self.done();
        }
    }

    /// Counts a queued callback as finished (delivered or given up on).
    pub(crate) fn done(&self) {
        self.pending
            .send_modify(|pending| *pending = pending.saturating_sub(1));
    }

    /// Resolves once every queued callback has been delivered or given up on, or the worker
    /// has stopped.
    pub(crate) async fn idle(&self) {
        let mut pending = self.pending.subscribe();
        tokio::select! {
            _ = pending.wait_for(|pending| *pending == 0) => {}
            () = self.queue.closed() => {}
        }
    }

    /// Every delivery attempt so far, oldest first.
    pub(crate) fn deliveries(&self) -> Vec<CallbackDelivery> {
        lock(&self.deliveries).clone()
    }

    /// Keeps one delivery attempt.
    pub(crate) fn record(&self, delivery: CallbackDelivery) {
        lock(&self.deliveries).push(delivery);
    }
}
