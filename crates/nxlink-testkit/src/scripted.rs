//! A scripted gateway: a loopback HTTP server whose every answer is written by the test, to
//! play the dishonest or half-broken gateway the emulator is too faithful to be (a code-0
//! answer without `data`, counts that do not add up, a `total` that never ends). It checks
//! nothing and signs nothing; it counts requests per path so a test can prove what was sent.

use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::lock::lock;

/// Largest request body the scripted gateway reads.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// Connections served at once; more wait in the kernel's backlog.
const MAX_CONNECTIONS: usize = 256;
/// A client gets this long to send its request headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// One request as the script sees it: the path, the raw body, and its number among the
/// requests to that path (1-based).
#[derive(Debug)]
pub struct ScriptedRequest<'a> {
    /// The request path, e.g. `/openapi/aiagent/task/list`.
    pub path: &'a str,
    /// The body as received.
    pub body: &'a [u8],
    /// 1 for the first request to this path, 2 for the second, …
    pub nth: usize,
}

/// What the script answers: an HTTP status and a JSON body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptedAnswer {
    /// HTTP status code.
    pub status: u16,
    /// The body, sent as `application/json`.
    pub body: String,
}

impl ScriptedAnswer {
    /// HTTP 200 with this JSON body.
    pub fn ok(body: impl Into<String>) -> Self {
        ScriptedAnswer {
            status: 200,
            body: body.into(),
        }
    }
}

type Script = dyn Fn(&ScriptedRequest<'_>) -> ScriptedAnswer + Send + Sync;

/// A running scripted gateway; stops when dropped.
pub struct ScriptedGateway {
    addr: SocketAddr,
    counts: Arc<Mutex<HashMap<String, usize>>>,
    task: tokio::task::JoinHandle<()>,
}

impl fmt::Debug for ScriptedGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScriptedGateway")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl ScriptedGateway {
    /// Starts serving on a free loopback port, on the current tokio runtime.
    pub async fn start(
        script: impl Fn(&ScriptedRequest<'_>) -> ScriptedAnswer + Send + Sync + 'static,
    ) -> io::Result<Self> {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
        let addr = listener.local_addr()?;
        let counts = Arc::new(Mutex::new(HashMap::new()));
        let script: Arc<Script> = Arc::new(script);
        let task = tokio::spawn(serve(listener, script, Arc::clone(&counts)));
        Ok(ScriptedGateway { addr, counts, task })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests received on `path` so far.
    pub fn requests_to(&self, path: &str) -> usize {
        lock(&self.counts).get(path).copied().unwrap_or(0)
    }
}

impl Drop for ScriptedGateway {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    listener: TcpListener,
    script: Arc<Script>,
    counts: Arc<Mutex<HashMap<String, usize>>>,
) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(permit) = Arc::clone(&slots).acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Typically out of file descriptors: back off instead of spinning.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let script = Arc::clone(&script);
        let counts = Arc::clone(&counts);
        tokio::spawn(async move {
            let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                let script = Arc::clone(&script);
                let counts = Arc::clone(&counts);
                async move { Ok::<_, Infallible>(answer(request, script.as_ref(), &counts).await) }
            });
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            drop(permit);
        });
    }
}

async fn answer(
    request: Request<hyper::body::Incoming>,
    script: &Script,
    counts: &Mutex<HashMap<String, usize>>,
) -> Response<Full<Bytes>> {
    let path = request.uri().path().to_owned();
    let body = match Limited::new(request.into_body(), MAX_BODY_BYTES)
        .collect()
        .await
    {
        Ok(body) => body.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let nth = {
        let mut counts = lock(counts);
        let count = counts.entry(path.clone()).or_insert(0);
        *count += 1;
        *count
    };
    let scripted = script(&ScriptedRequest {
        path: &path,
        body: &body,
        nth,
    });
    let mut response = Response::new(Full::new(Bytes::from(scripted.body)));
    *response.status_mut() = http::StatusCode::from_u16(scripted.status)
        .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}
