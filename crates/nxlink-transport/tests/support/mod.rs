//! Loopback servers for the integration tests: real sockets, real HTTP, no mocks.
#![allow(dead_code, clippy::unwrap_used)]

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};

/// A builder that also works when the crate is built without any root-store feature.
pub(crate) fn builder() -> nxlink_transport::HttpTransportBuilder {
    let builder = nxlink_transport::HttpTransport::builder();
    if cfg!(any(feature = "webpki-roots", feature = "native-roots")) {
        builder
    } else {
        // Plain-HTTP tests need no roots, but the build insists on at least one.
        let throwaway =
            rcgen::generate_simple_self_signed(vec!["unused.invalid".to_owned()]).unwrap();
        builder.add_root_certificate(throwaway.cert.der().as_ref())
    }
}

/// What the hyper test server saw: the request head and its whole body.
pub(crate) type Seen = (http::request::Parts, Bytes);

/// A running loopback server and how many TCP connections it accepted.
pub(crate) struct Server {
    pub(crate) addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
}

impl Server {
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub(crate) fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

/// A hyper HTTP/1.1 server that answers every request with `respond(seen)`.
pub(crate) async fn hyper_server<F>(respond: F) -> Server
where
    F: Fn(Seen) -> http::Response<Full<Bytes>> + Send + Sync + 'static,
{
    let respond = Arc::new(respond);
    raw_server(move |stream| {
        let respond = respond.clone();
        async move { serve_http(TokioIo::new(stream), respond).await }
    })
    .await
}

/// Serves HTTP/1.1 on an already-accepted (possibly TLS) stream.
pub(crate) async fn serve_http<I, F>(io: I, respond: Arc<F>)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
    F: Fn(Seen) -> http::Response<Full<Bytes>> + Send + Sync + 'static,
{
    let service = service_fn(move |req: hyper::Request<Incoming>| {
        let respond = respond.clone();
        async move {
            let (parts, body) = req.into_parts();
            let body = body
                .collect()
                .await
                .map(|c| c.to_bytes())
                .unwrap_or_default();
            Ok::<_, Infallible>(respond((parts, body)))
        }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(io, service)
        .await;
}

/// A TCP server that hands each accepted connection to `handle`.
pub(crate) async fn raw_server<F, Fut>(handle: F) -> Server
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(handle(stream));
        }
    });
    Server { addr, accepted }
}

/// Reads until the end of the request head, which is all our raw servers need to see.
pub(crate) async fn read_head(stream: &mut TcpStream) -> Vec<u8> {
    let mut head = Vec::new();
    let mut buf = [0_u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    head
}

/// A loopback port with nothing listening on it.
pub(crate) async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}
