//! A webhook receiver on loopback, as a customer would run one: it checks every callback with
//! the SDK's [`CallbackVerifier`] over the raw body, answers 200 with the acknowledgement
//! body, 401 when the signature or `ts` is refused, 400 when the body is not the documented
//! JSON, and keeps what it accepted and refused for the test to inspect.
//!
//! Its clock is injectable: the emulator signs callbacks with its own (possibly manual)
//! clock, so a receiver checking a simulated week must read the same one.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use nxlink::callbacks::{CALLBACK_ACK_BODY, CallbackError, CallbackVerifier};
use nxlink::model::{CallRecordCallback, TaskStatusCallback};
use nxlink::sign::{Algorithm, Credentials, Signer};
use nxlink_testkit::Clock;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Path of the task-status webhook.
pub const TASK_PATH: &str = "/webhook/task";
/// Path of the call-record webhook.
pub const CALL_PATH: &str = "/webhook/call";

/// What the receiver has accepted and refused so far, in arrival order.
#[derive(Debug, Clone, Default)]
pub struct Received {
    /// Verified task-status callbacks.
    pub task_statuses: Vec<TaskStatusCallback>,
    /// Verified call-record callbacks.
    pub call_records: Vec<CallRecordCallback>,
    /// Refused callbacks: the path and why.
    pub refused: Vec<(String, String)>,
}

/// A running receiver; dropping it stops accepting connections.
#[derive(Debug)]
pub struct CallbackReceiver {
    addr: SocketAddr,
    received: Arc<Mutex<Received>>,
    accept_loop: JoinHandle<()>,
}

struct Shared {
    verifier: CallbackVerifier,
    clock: Arc<dyn Clock>,
    received: Arc<Mutex<Received>>,
}

impl CallbackReceiver {
    /// Listens on an ephemeral loopback port, verifying with `verifier` against `clock`.
    pub async fn start(verifier: CallbackVerifier, clock: Arc<dyn Clock>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let received = Arc::new(Mutex::new(Received::default()));
        let shared = Arc::new(Shared {
            verifier,
            clock,
            received: Arc::clone(&received),
        });
        let accept_loop = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let shared = Arc::clone(&shared);
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let shared = Arc::clone(&shared);
                        async move { Ok::<_, hyper::Error>(handle(request, &shared).await) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(socket), service)
                        .await;
                });
            }
        });
        CallbackReceiver {
            addr,
            received,
            accept_loop,
        }
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL to give as `taskCallbackUrl`.
    pub fn task_url(&self) -> String {
        format!("http://{}{TASK_PATH}", self.addr)
    }

    /// The URL to give as `callCallbackUrl`.
    pub fn call_url(&self) -> String {
        format!("http://{}{CALL_PATH}", self.addr)
    }

    /// A snapshot of what it has received.
    pub fn received(&self) -> Received {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for CallbackReceiver {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

async fn handle(request: Request<Incoming>, shared: &Shared) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    // The signature covers the raw bytes: keep them exactly as received.
    let Ok(body) = body.collect().await.map(|body| body.to_bytes()) else {
        return answer(StatusCode::BAD_REQUEST, "unreadable body");
    };
    let path = parts.uri.path().to_owned();
    let now_ms = u64::try_from(shared.clock.now_ms()).unwrap_or(0);
    let outcome = match path.as_str() {
        TASK_PATH => shared
            .verifier
            .parse_at::<TaskStatusCallback>(&parts.headers, &body, now_ms)
            .map(|callback| record(shared, |received| received.task_statuses.push(callback))),
        CALL_PATH => shared
            .verifier
            .parse_at::<CallRecordCallback>(&parts.headers, &body, now_ms)
            .map(|callback| record(shared, |received| received.call_records.push(callback))),
        _ => return answer(StatusCode::NOT_FOUND, "unknown path"),
    };
    match outcome {
        Ok(()) => answer(StatusCode::OK, CALLBACK_ACK_BODY),
        Err(error) => {
            let status = match error {
                CallbackError::Rejected(_) => StatusCode::UNAUTHORIZED,
                _ => StatusCode::BAD_REQUEST,
            };
            record(shared, |received| {
                received.refused.push((path, error.to_string()));
            });
            answer(status, "refused")
        }
    }
}

fn record(shared: &Shared, change: impl FnOnce(&mut Received)) {
    change(
        &mut shared
            .received
            .lock()
            .unwrap_or_else(PoisonError::into_inner),
    );
}

fn answer(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response
}

/// POSTs `body` to `addr` over a raw socket with exactly these header names and values (no
/// client library normalises their case), and returns the answer's status and body.
pub async fn post_raw(
    addr: SocketAddr,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> (u16, String) {
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(head.as_bytes()).await.expect("write head");
    stream.write_all(body).await.expect("write body");
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .await
        .expect("read answer");
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("an HTTP status line");
    let body = answer
        .split_once("\r\n\r\n")
        .map_or_else(String::new, |(_, body)| body.to_owned());
    (status, body)
}

/// These headers as a `HeaderMap`, for calling a verifier directly.
pub fn header_map(headers: &[(String, String)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.insert(
            http::HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
            http::HeaderValue::from_str(value).expect("a header value"),
        );
    }
    map
}

/// The five signature headers NXLink sends with a callback, signed over `body` at `ts_ms`
/// with `credentials` (MD5), as (name, value) pairs; names lower-cased when asked.
pub fn signed_headers(
    credentials: &Credentials,
    ts_ms: u64,
    body: &[u8],
    lowercase: bool,
) -> Vec<(String, String)> {
    Signer::new(credentials.clone(), Algorithm::Md5)
        .sign(ts_ms, body)
        .iter()
        .map(|(name, value)| {
            let name = if lowercase {
                name.to_ascii_lowercase()
            } else {
                name.to_owned()
            };
            (name, value.to_owned())
        })
        .collect()
}
