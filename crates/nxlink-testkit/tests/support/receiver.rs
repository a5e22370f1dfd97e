//! A loopback webhook receiver for callback tests: a hyper server that records every POST
//! and answers with a status the test chooses.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{HeaderMap, Request, Response};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use nxlink_sign::{Credentials, ReceivedHeaders, verify_received};
use tokio::net::TcpListener;

/// One callback as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    /// A header as text.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    /// True when `sign` matches the exact body with `credentials`' secret.
    pub fn is_signed_by(&self, credentials: &Credentials) -> bool {
        let Ok(ts) = self.header("ts").parse::<u64>() else {
            return false;
        };
        let received = ReceivedHeaders::from_pairs(
            self.headers
                .iter()
                .map(|(name, value)| (name.as_str(), value.to_str().unwrap_or_default())),
        );
        // The signature is what is checked here, not freshness: emulators in tests run on
        // manual clocks, so the receiver's "now" is the callback's own `ts`.
        verify_received(&received, &self.body, credentials, ts, 0).is_ok()
    }
}

/// A receiver on `127.0.0.1`, served by the test's runtime.
#[derive(Debug, Clone)]
pub struct Receiver {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    status: Arc<AtomicU16>,
}

impl Receiver {
    /// Starts listening; answers 200 until told otherwise.
    pub async fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let receiver = Receiver {
            addr: listener.local_addr().unwrap(),
            received: Arc::default(),
            status: Arc::new(AtomicU16::new(200)),
        };
        let shared = receiver.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let shared = shared.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| shared.clone().answer(request));
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        receiver
    }

    async fn answer(
        self,
        request: Request<Incoming>,
    ) -> Result<Response<Full<Bytes>>, hyper::Error> {
        let (parts, body) = request.into_parts();
        let body = body.collect().await?.to_bytes();
        self.received.lock().unwrap().push(Received {
            path: parts.uri.path().to_owned(),
            headers: parts.headers,
            body,
        });
        let mut response = Response::new(Full::new(Bytes::from_static(
            nxlink_model::CALLBACK_ACK_BODY.as_bytes(),
        )));
        *response.status_mut() =
            http::StatusCode::from_u16(self.status.load(Ordering::SeqCst)).unwrap();
        Ok(response)
    }

    /// The URL of `path` on this receiver.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Answers every later callback with `status`.
    pub fn answer_with(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    /// Every callback received so far, oldest first.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}
