//! Delivering callbacks: signed JSON POSTs from the emulated gateway to the customer's URLs.
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

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::Uri;
use http_body_util::BodyExt;
use hyper_util::rt::TokioIo;
use nxlink_sign::Credentials;
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, mpsc, watch};

use crate::backend::Backend;
use crate::callback_signer::SignedCallback;
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
    schedule: RedeliverySchedule,
    concurrency: usize,
    /// Callbacks queued and not yet finished (all attempts done).
    pending: watch::Sender<usize>,
    deliveries: Mutex<Vec<CallbackDelivery>>,
}

/// The worker's end of the queue.
#[derive(Debug)]
pub(crate) struct Queue(mpsc::UnboundedReceiver<Callback>);

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

    fn done(&self) {
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

    fn record(&self, delivery: CallbackDelivery) {
        lock(&self.deliveries).push(delivery);
    }
}

/// The delivery worker: sends queued callbacks, as many at once as configured (acquiring
/// a slot before taking the next keeps one-at-a-time delivery in order), until the queue
/// closes.
pub(crate) async fn deliver_all(mut queue: Queue, backend: Arc<Backend>) {
    let slots = Arc::new(Semaphore::new(backend.outbox.concurrency));
    loop {
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            return;
        };
        let Some(callback) = queue.0.recv().await else {
            return;
        };
        let backend = Arc::clone(&backend);
        tokio::spawn(async move {
            deliver(&backend, &callback).await;
            backend.outbox.done();
            drop(slot);
        });
    }
}

/// Sends one callback, retrying on the schedule, recording every attempt.
async fn deliver(backend: &Backend, callback: &Callback) {
    let schedule = backend.outbox.schedule;
    for attempt in 1..=schedule.attempts() {
        let ts = u64::try_from(backend.now_ms()).unwrap_or(0);
        let outcome = match target(&callback.url) {
            Ok(uri) => {
                let timeout = schedule.attempt_timeout();
                match tokio::time::timeout(timeout, post(uri, callback, ts)).await {
                    Ok(Ok(status)) => DeliveryOutcome::Status(status),
                    Ok(Err(error)) => DeliveryOutcome::Failed(error),
                    Err(_) => DeliveryOutcome::Failed(format!(
                        "no answer within {} ms",
                        timeout.as_millis()
                    )),
                }
            }
            Err(why) => DeliveryOutcome::Undeliverable(why),
        };
        let delivery = CallbackDelivery {
            callback: callback.number,
            kind: callback.kind,
            url: callback.url.clone(),
            body: callback.body.clone(),
            attempt,
            ts,
            outcome,
        };
        let finished = delivery.is_delivered()
            || matches!(delivery.outcome, DeliveryOutcome::Undeliverable(_));
        backend.outbox.record(delivery);
        if finished {
            return;
        }
        if attempt < schedule.attempts() {
            tokio::time::sleep(schedule.pause_after(attempt)).await;
        }
    }
}

/// The URL as something the emulator can POST to: plain `http` with a host.
fn target(url: &str) -> Result<Uri, String> {
    let uri: Uri = url
        .parse()
        .map_err(|error| format!("not a URL ({error})"))?;
    match uri.scheme_str() {
        Some("http") if uri.host().is_some() => Ok(uri),
        Some("http") => Err("the URL has no host".to_owned()),
        Some("https") => Err("https is not supported by the emulator (no TLS client)".to_owned()),
        _ => Err("only http:// URLs can be delivered to".to_owned()),
    }
}

/// One signed POST; the answer's status.
async fn post(uri: Uri, callback: &Callback, ts: u64) -> Result<u16, String> {
    let host = uri.host().unwrap_or_default();
    // IPv6 literals come bracketed in URLs but not in socket addresses.
    let bare_host = host.trim_start_matches('[').trim_end_matches(']');
    let port = uri.port_u16().unwrap_or(80);
    let stream = TcpStream::connect((bare_host, port))
        .await
        .map_err(|error| format!("cannot connect: {error}"))?;
    let _ = stream.set_nodelay(true);
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|error| format!("HTTP handshake failed: {error}"))?;
    // The connection ends by itself once the sender is dropped.
    tokio::spawn(connection);

    let signed = SignedCallback::new(&callback.credentials, ts, callback.body.clone());
    let request = signed
        .request_to(&uri)
        .map_err(|error| format!("cannot build the request: {error}"))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|error| format!("no answer: {error}"))?;
    let status = response.status().as_u16();
    // Reading the (small) answer lets the receiver finish cleanly; its content is unused.
    let _ = response.into_body().collect().await;
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_urls_are_targets() {
        assert!(target("http://127.0.0.1:8080/hook?x=1").is_ok());
        assert!(target("http://[::1]:9/").is_ok());
        let https = target("https://example.com/webhook").expect_err("https");
        assert!(https.contains("https"), "{https}");
        assert!(target("ftp://example.com/").is_err());
        assert!(target("not a url").is_err());
        assert!(target("/relative").is_err());
    }
}
