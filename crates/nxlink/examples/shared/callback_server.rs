//! A small hyper server that receives NXLink callbacks: verify, parse, hand over, answer 200.
//!
//! Shared by the `webhook_receiver` and `campaign` examples.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use nxlink::callbacks::{CALLBACK_ACK_BODY, CallbackError, CallbackVerifier};
use nxlink::model::{CallRecordCallback, TaskStatusCallback};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// Largest callback body accepted: a call record is a few kilobytes.
const MAX_CALLBACK_BYTES: usize = 1024 * 1024;

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
    loop {
        let Ok((socket, _)) = listener.accept().await else {
            continue;
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
                .serve_connection(TokioIo::new(socket), service)
                .await;
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
    let Ok(body) = Limited::new(body, MAX_CALLBACK_BYTES).collect().await else {
        return answer(StatusCode::PAYLOAD_TOO_LARGE, "body too large");
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
            let _ = deliveries.send(callback);
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
