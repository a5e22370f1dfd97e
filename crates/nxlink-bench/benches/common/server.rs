//! The benchmarks' stand-in gateway: a minimal HTTP/1.1 server on loopback that reads each
//! request body and answers one fixed success envelope, checking nothing. It costs as little
//! as a server can, so what the client side does dominates the measurement.

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;

/// What every request gets: a task/create success with both contacts imported. The same
/// `data` also reads as a call/append result (`successCount`, `totalCount`, `errList`).
pub(crate) const SUCCESS_ENVELOPE: &str = concat!(
    r#"{"code":0,"message":"success","traceId":"7c0a9f3e5b2d4e18a6f1c2d3e4f5a6b7","#,
    r#""data":{"taskId":"1780000000000000001","taskStatus":1,"successCount":2,"totalCount":2,"#,
    r#""errList":[]}}"#
);

/// A server answering [`SUCCESS_ENVELOPE`] on its own multi-thread runtime (two workers),
/// running until the process ends.
#[derive(Debug)]
pub(crate) struct MinimalServer {
    addr: SocketAddr,
    // Keeps the server's threads alive; dropped with the server.
    _runtime: tokio::runtime::Runtime,
}

impl MinimalServer {
    /// Binds `127.0.0.1` on an ephemeral port and starts accepting.
    pub(crate) fn start() -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("bench-server")
            .enable_all()
            .build()?;
        let listener = runtime.block_on(TcpListener::bind(("127.0.0.1", 0)))?;
        let addr = listener.local_addr()?;
        runtime.spawn(accept_loop(listener));
        Ok(MinimalServer {
            addr,
            _runtime: runtime,
        })
    }

    /// `http://127.0.0.1:<port>`, to use as a client's base URL.
    pub(crate) fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

async fn accept_loop(listener: TcpListener) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        // Like the SDK's own client: small requests, no Nagle delay.
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            // hyper's default 30 s header-read timeout needs a timer; an ended connection
            // (the client closed its pool) is not an error worth reporting here.
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .serve_connection(TokioIo::new(stream), service_fn(answer))
                .await;
        });
    }
}

async fn answer(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    // Read the whole body, as any server must before answering a POST on a kept-alive
    // connection: the request bytes really travel.
    let _ = request.into_body().collect().await;
    let mut response = Response::new(Full::new(Bytes::from_static(SUCCESS_ENVELOPE.as_bytes())));
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    Ok(response)
}
