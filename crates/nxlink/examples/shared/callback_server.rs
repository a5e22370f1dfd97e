//! A small hyper server that receives NXLink callbacks: verify, parse, hand over, answer 200.
//!
//! Shared by the `webhook_receiver` and `campaign` examples (and tested over real HTTP by
//! `tests/webhook_receiver.rs`). Bounded like every server of this project: a cap on open
//! connections, a deadline for the headers and one for the body, a body size cap, and a
//! pause instead of a busy loop when `accept` fails (out of file descriptors). The
//! verifier's replay guard answers a callback accepted before with 200 without handing it
//! over again.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use nxlink::callbacks::{CALLBACK_ACK_BODY, CallbackError, CallbackVerifier};
use nxlink::model::{CallRecordCallback, TaskStatusCallback};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, mpsc};

/// Largest callback body accepted: a call record is a few kilobytes.
const MAX_CALLBACK_BYTES: usize = 1024 * 1024;
/// Connections served at once; more wait in the kernel's backlog. Kept well under the usual
/// 1 024 file descriptors, so that a flood of idle connections cannot exhaust them.
pub(crate) const MAX_CONNECTIONS: usize = 128;
/// A client gets this long to send its request headers (slow-loris clients are cut off).
pub(crate) const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// And this long for the body.
const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// A verified, parsed callback.
#[derive(Debug)]
pub(crate) enum Callback {
    /// A task changed status.
    TaskStatus(Box<TaskStatusCallback>),
    /// A call attempt ended.
    CallRecord(Box<CallRecordCallback>),
}

/// Serves `POST /webhook/task` and `POST /webhook/call` on `listener`, sending every verified
/// callback to `deliveries`. Refused callbacks are answered 401 and never delivered.
pub(crate) async fn serve(
    listener: TcpListener,
    verifier: CallbackVerifier,
    deliveries: mpsc::UnboundedSender<Callback>,
) {
    let verifier = Arc::new(verifier);
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            return;
        };
        let socket = match listener.accept().await {
            Ok((socket, _)) => socket,
            // Typically EMFILE: wait for connections to close instead of spinning.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let verifier = Arc::clone(&verifier);
        let deliveries = deliveries.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let verifier = Arc::clone(&verifier);
                let deliveries = deliveries.clone();
                async move { Ok::<_, hyper::Error>(handle(request, &verifier, &deliveries).await) }
            });
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(socket), service)
                .await;
            drop(slot);
        });
    }
}

/// Binds a loopback listener on `port` (0 = any free port).
pub(crate) async fn bind(port: u16) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}

async fn handle(
    request: Request<Incoming>,
    verifier: &CallbackVerifier,
    deliveries: &mpsc::UnboundedSender<Callback>,
) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    // The signature covers the raw bytes: read them whole, never re-serialize.
    let body = match tokio::time::timeout(
        BODY_TIMEOUT,
        Limited::new(body, MAX_CALLBACK_BYTES).collect(),
    )
    .await
    {
        Ok(Ok(body)) => body,
        Ok(Err(_)) => return answer(StatusCode::PAYLOAD_TOO_LARGE, "body too large"),
        Err(_) => return answer(StatusCode::REQUEST_TIMEOUT, "body too slow"),
    };
    let body = body.to_bytes();
    let parsed = match parts.uri.path() {
        "/webhook/task" => verifier
            .task_status(&parts.headers, &body)
            .map(|callback| Callback::TaskStatus(Box::new(callback))),
        "/webhook/call" => verifier
            .call_record(&parts.headers, &body)
            .map(|callback| Callback::CallRecord(Box::new(callback))),
        _ => return answer(StatusCode::NOT_FOUND, "unknown path"),
    };
    match parsed {
        Ok(callback) => {
            if deliveries.send(callback).is_err() {
                // Nobody takes callbacks any more: not handled, so let NXLink deliver it again.
                verifier.forget(&parts.headers);
                return answer(StatusCode::SERVICE_UNAVAILABLE, "shutting down");
            }
            Response::new(Full::new(Bytes::from_static(CALLBACK_ACK_BODY.as_bytes())))
        }
        // Handed over already: acknowledged again, not delivered twice.
        Err(CallbackError::Replayed) => {
            Response::new(Full::new(Bytes::from_static(CALLBACK_ACK_BODY.as_bytes())))
        }
        Err(error @ CallbackError::Rejected(_)) => {
            eprintln!("refused a callback: {error}");
            answer(StatusCode::UNAUTHORIZED, "signature refused")
        }
        Err(error) => {
            eprintln!("unreadable callback: {error}");
            answer(StatusCode::BAD_REQUEST, "malformed body")
        }
    }
}

fn answer(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response
}
