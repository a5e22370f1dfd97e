//! Delivering callbacks: signed JSON POSTs from the emulated gateway to the customer's URLs.
//!
//! Each callback is signed like an API request (headers `accessKey`, `ts` from the
//! emulator's clock, `bizType` 100, `action` nxai, `sign` = MD5 over the exact body with the
//! task account's secret; `Content-Type: application/json`) and sent over plain HTTP/1.1.
//! One worker sends them in the order they were produced, so a receiver sees a task's last
//! call record before the status change it caused. A non-2xx answer, a connection failure or
//! no answer within [`CALLBACK_TIMEOUT`] is retried, [`CALLBACK_ATTEMPTS`] attempts in all,
//! 100 ms then 200 ms apart, each re-signed with a fresh `ts`. An `https` URL (the emulator
//! has no TLS client) or one that cannot be parsed is recorded as undeliverable, once. Every
//! attempt is recorded ([`crate::Emulator::callback_deliveries`]). Request handling never
//! waits for a delivery: producers only queue.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Uri, header};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use nxlink_sign::{Credentials, SigningProfile, sign_request};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};

use crate::backend::Backend;
use crate::lock::lock;

/// Attempts per callback, the first included.
pub const CALLBACK_ATTEMPTS: u32 = 3;

/// How long one attempt may take, from connecting to the end of the answer's head.
pub const CALLBACK_TIMEOUT: Duration = Duration::from_secs(2);

/// Pause before the first retry; it doubles for each later one.
const FIRST_BACKOFF: Duration = Duration::from_millis(100);

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
    /// The receiver answered with this HTTP status (2xx counts as delivered).
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
    /// True when the receiver answered 2xx.
    pub fn is_delivered(&self) -> bool {
        matches!(self.outcome, DeliveryOutcome::Status(status) if (200..300).contains(&status))
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
    /// Callbacks queued and not yet finished (all attempts done).
    pending: watch::Sender<usize>,
    deliveries: Mutex<Vec<CallbackDelivery>>,
}

/// The worker's end of the queue.
#[derive(Debug)]
pub(crate) struct Queue(mpsc::UnboundedReceiver<Callback>);

impl Outbox {
    /// An outbox and the queue its worker reads.
    pub(crate) fn new() -> (Outbox, Queue) {
        let (queue, receiver) = mpsc::unbounded_channel();
        let outbox = Outbox {
            queue,
            pending: watch::Sender::new(0),
            deliveries: Mutex::new(Vec::new()),
        };
        (outbox, Queue(receiver))
    }

    /// Queues a callback; never waits.
    pub(crate) fn send(&self, callback: Callback) {
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

/// The delivery worker: sends queued callbacks one after the other until the queue closes.
pub(crate) async fn deliver_all(mut queue: Queue, backend: Arc<Backend>) {
    while let Some(callback) = queue.0.recv().await {
        deliver(&backend, &callback).await;
        backend.outbox.done();
    }
}

/// Sends one callback, retrying as documented, recording every attempt.
async fn deliver(backend: &Backend, callback: &Callback) {
    let mut backoff = FIRST_BACKOFF;
    for attempt in 1..=CALLBACK_ATTEMPTS {
        let ts = u64::try_from(backend.now_ms()).unwrap_or(0);
        let outcome = match target(&callback.url) {
            Ok(uri) => {
                match tokio::time::timeout(CALLBACK_TIMEOUT, post(uri, callback, ts)).await {
                    Ok(Ok(status)) => DeliveryOutcome::Status(status),
                    Ok(Err(error)) => DeliveryOutcome::Failed(error),
                    Err(_) => DeliveryOutcome::Failed(format!(
                        "no answer within {} ms",
                        CALLBACK_TIMEOUT.as_millis()
                    )),
                }
            }
            Err(why) => DeliveryOutcome::Undeliverable(why),
        };
        let delivery = CallbackDelivery {
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
        if attempt < CALLBACK_ATTEMPTS {
            tokio::time::sleep(backoff).await;
            backoff = backoff.saturating_mul(2);
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

    let signed = sign_request(
        &callback.credentials,
        &SigningProfile::default(),
        ts,
        &callback.body,
    );
    let authority = uri
        .authority()
        .map_or_else(|| host.to_owned(), |authority| authority.to_string());
    let path = uri
        .path_and_query()
        .map_or("/", |path_and_query| path_and_query.as_str());
    let mut request = Request::post(path)
        .header(header::HOST, authority)
        .header(header::CONTENT_TYPE, "application/json");
    for (name, value) in signed.iter() {
        request = request.header(name, value);
    }
    let request = request
        .body(Full::new(callback.body.clone()))
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
