//! The HTTP side of `nxlink webhook serve`: a bounded HTTP/1.1 server that verifies each
//! callback over its raw body, stores it, and only then answers 200.
//!
//! Bounds, so that no client can exhaust it: at most `max_connections` at once (beyond
//! that, connections wait in the kernel's queue: nothing is accepted that cannot be
//! served); a request's head must arrive within `read_timeout` (slow-loris connections, and
//! idle keep-alive ones, are closed), and its body too; a body over `max_body_bytes` is
//! refused unread (413). When accepting fails (out of file descriptors), it pauses instead
//! of spinning. On shutdown it stops accepting, lets every request in flight be stored and
//! answered (for at most [`SHUTDOWN_GRACE`]), then returns.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use nxlink::callbacks::{CALLBACK_ACK_BODY, CallbackVerifier};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::callback_store::{Arrival, CallbackKind, Stored};
use crate::store_writer::StoreWriter;
use crate::timestamps::now_epoch_ms;

/// Path of the task-status webhook.
pub(crate) const TASK_PATH: &str = "/callbacks/task";
/// Path of the call-record webhook.
pub(crate) const CALL_PATH: &str = "/callbacks/call";

/// How long shutdown waits for requests in flight.
pub(crate) const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Pause after a failed accept (EMFILE and the like) before trying again.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// Refusals printed one by one; beyond that they are only counted.
const REFUSALS_PRINTED: u64 = 20;

/// The server's bounds.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Connections served at once.
    pub(crate) max_connections: usize,
    /// Time for a request's head, and again for its body.
    pub(crate) read_timeout: Duration,
    /// Largest body accepted.
    pub(crate) max_body_bytes: usize,
}

/// What the server did, for its closing line.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// New rows stored.
    pub(crate) stored: AtomicU64,
    /// Deliveries of callbacks already stored (acknowledged, no row added).
    pub(crate) again: AtomicU64,
    /// Callbacks refused: bad signature or `ts` (401).
    pub(crate) refused: AtomicU64,
    /// Requests that were not callbacks (wrong path, method, size, or too slow).
    pub(crate) malformed: AtomicU64,
    /// Callbacks that could not be stored (answered 503, so the gateway retries).
    pub(crate) store_failures: AtomicU64,
}

struct Handler {
    verifier: CallbackVerifier,
    writer: StoreWriter,
    limits: Limits,
    tally: Arc<Tally>,
}

/// Serves until `shutdown` resolves, then winds down; returns once requests in flight are
/// answered (or the grace period ran out, said on stderr).
pub(crate) async fn serve(
    listener: TcpListener,
    verifier: CallbackVerifier,
    writer: StoreWriter,
    limits: Limits,
    tally: Arc<Tally>,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let handler = Arc::new(Handler {
        verifier,
        writer,
        limits,
        tally,
    });
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.read_timeout)
        .max_buf_size(64 * 1024);
    tokio::pin!(shutdown);
    let mut accept_failures = 0_u64;
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    accept_failures += 1;
                    if accept_failures == 1 || accept_failures.is_power_of_two() {
                        eprintln!(
                            "cannot accept a connection ({error}; {accept_failures} so far): \
                             pausing {} ms",
                            ACCEPT_PAUSE.as_millis()
                        );
                    }
                    tokio::time::sleep(ACCEPT_PAUSE).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let handler = Arc::clone(&handler);
        let service = service_fn(move |request| {
            let handler = Arc::clone(&handler);
            async move { Ok::<_, Infallible>(handler.handle(request).await) }
        });
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // Errors are the client's (reset, timeout): nothing to answer.
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => eprintln!(
            "some connections were still open {} s after the stop: closed; a callback \
             whose answer they did not get is redelivered by the gateway, and stored once",
            SHUTDOWN_GRACE.as_secs()
        ),
    }
}

impl Handler {
    async fn handle(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        let kind = match request.uri().path() {
            TASK_PATH => CallbackKind::Task,
            CALL_PATH => CallbackKind::Call,
            _ => return self.not_a_callback(StatusCode::NOT_FOUND, "no such webhook"),
        };
        if request.method() != Method::POST {
            return self.not_a_callback(StatusCode::METHOD_NOT_ALLOWED, "callbacks are POSTed");
        }
        let declared = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|length| length > self.limits.max_body_bytes as u64) {
            return self.not_a_callback(StatusCode::PAYLOAD_TOO_LARGE, "body too large");
        }
        let (parts, body) = request.into_parts();
        let limited = Limited::new(body, self.limits.max_body_bytes);
        let body = match tokio::time::timeout(self.limits.read_timeout, limited.collect()).await {
            Ok(Ok(collected)) => collected.to_bytes(),
            Ok(Err(error)) if error.is::<http_body_util::LengthLimitError>() => {
                return self.not_a_callback(StatusCode::PAYLOAD_TOO_LARGE, "body too large");
            }
            Ok(Err(_)) => return self.not_a_callback(StatusCode::BAD_REQUEST, "body unreadable"),
            Err(_) => {
                return self.not_a_callback(StatusCode::REQUEST_TIMEOUT, "body too slow");
            }
        };
        if let Err(error) = self.verifier.verify(&parts.headers, &body) {
            let refused = self.tally.refused.fetch_add(1, Ordering::Relaxed) + 1;
            if refused <= REFUSALS_PRINTED {
                eprintln!("refused a {} callback: {error}", kind.as_str());
                if refused == REFUSALS_PRINTED {
                    eprintln!("(further refusals are only counted)");
                }
            }
            return answer(StatusCode::UNAUTHORIZED, 401, &error.to_string());
        }
        // Verification checked it is there and numeric.
        let signed_ts_ms = parts
            .headers
            .get("ts")
            .and_then(|value| value.to_str().ok()?.parse().ok())
            .unwrap_or(0);
        let arrival = Arrival {
            kind,
            body,
            signed_ts_ms,
            received_at_ms: now_epoch_ms(),
        };
        match self.writer.store(arrival).await {
            Ok(Stored::New) => {
                self.tally.stored.fetch_add(1, Ordering::Relaxed);
                ack()
            }
            Ok(Stored::Again) => {
                self.tally.again.fetch_add(1, Ordering::Relaxed);
                ack()
            }
            Err(error) => {
                self.tally.store_failures.fetch_add(1, Ordering::Relaxed);
                eprintln!("could not store a {} callback: {error}", kind.as_str());
                answer(
                    StatusCode::SERVICE_UNAVAILABLE,
                    503,
                    &format!("could not store the callback ({error}); send it again"),
                )
            }
        }
    }

    fn not_a_callback(&self, status: StatusCode, message: &str) -> Response<Full<Bytes>> {
        self.tally.malformed.fetch_add(1, Ordering::Relaxed);
        answer(status, i64::from(status.as_u16()), message)
    }
}

fn ack() -> Response<Full<Bytes>> {
    json_response(
        StatusCode::OK,
        Bytes::from_static(CALLBACK_ACK_BODY.as_bytes()),
    )
}

fn answer(status: StatusCode, code: i64, message: &str) -> Response<Full<Bytes>> {
    let body = serde_json::json!({ "code": code, "message": message }).to_string();
    json_response(status, Bytes::from(body))
}

fn json_response(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}
