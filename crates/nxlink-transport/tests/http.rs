//! Plain-HTTP exchanges with loopback servers: byte-exact round trip, pooling, scheme policy.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::Full;
use nxlink_transport::{RequestSent, Transport, TransportErrorKind};

#[tokio::test]
async fn request_and_response_arrive_byte_exact() {
    let seen = Arc::new(Mutex::new(None));
    let keep = seen.clone();
    let server = support::hyper_server(move |req| {
        *keep.lock().unwrap() = Some(req);
        http::Response::builder()
            .status(202)
            .header("x-trace-id", "trace-123")
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from_static(
                b"{\"code\":0,\"data\":[1,2]}",
            )))
            .unwrap()
    })
    .await;

    let body = Bytes::from_static(b"{\"name\":\"\xe4\xbd\xa0\xe5\xa5\xbd\",\"n\":1}\n");
    let request = http::Request::post(server.url("/openapi/task/create?lang=en"))
        .header("content-type", "application/json;charset=UTF-8")
        .header("x-sign", "0123abcd")
        .body(body.clone())
        .unwrap();
    let transport = support::builder().build().unwrap();
    let response = transport.send(request).await.unwrap();

    assert_eq!(response.status(), 202);
    assert_eq!(response.headers()["x-trace-id"], "trace-123");
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.body().as_ref(), b"{\"code\":0,\"data\":[1,2]}");

    let (parts, got) = seen.lock().unwrap().take().unwrap();
    assert_eq!(parts.method, http::Method::POST);
    assert_eq!(parts.uri.path(), "/openapi/task/create");
    assert_eq!(parts.uri.query(), Some("lang=en"));
    assert_eq!(
        parts.headers["content-type"],
        "application/json;charset=UTF-8"
    );
    assert_eq!(parts.headers["x-sign"], "0123abcd");
    assert_eq!(
        parts.headers["content-length"],
        body.len().to_string().as_str()
    );
    assert_eq!(got, body);
}

#[tokio::test]
async fn sequential_requests_reuse_one_connection() {
    let server = support::hyper_server(|_| http::Response::new(Full::new(Bytes::from("ok")))).await;
    let transport = support::builder().build().unwrap();
    // Clones share the pool, so alternating between them must not open new connections.
    let clone = transport.clone();
    for i in 0..5 {
        let which = if i % 2 == 0 { &transport } else { &clone };
        let request = http::Request::post(server.url("/ping"))
            .body(Bytes::from_static(b"{}"))
            .unwrap();
        let response = which.send(request).await.unwrap();
        assert_eq!(response.body().as_ref(), b"ok");
    }
    assert_eq!(server.accepted(), 1);
}

#[tokio::test]
async fn arc_and_dyn_transports_work() {
    let server = support::hyper_server(|_| http::Response::new(Full::new(Bytes::from("ok")))).await;
    let transport: Arc<dyn Transport> = Arc::new(support::builder().build().unwrap());
    let request = http::Request::get(server.url("/"))
        .body(Bytes::new())
        .unwrap();
    let response = transport.send(request).await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn plain_http_to_a_public_host_is_refused_before_any_io() {
    let transport = support::builder().build().unwrap();
    let request = http::Request::post("http://example.com/openapi/x")
        .body(Bytes::from_static(b"{}"))
        .unwrap();
    let err = transport.send(request).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::InsecureScheme);
    assert!(err.is_insecure_scheme());
    assert_eq!(err.request_sent(), RequestSent::No);
    assert!(err.to_string().contains("example.com/openapi/x"), "{err}");
}

#[tokio::test]
async fn allow_insecure_http_lifts_the_refusal() {
    // 0.0.0.0 is not loopback by our rule, and port 1 on it is closed, so nothing leaves the host.
    let transport = support::builder()
        .allow_insecure_http(true)
        .build()
        .unwrap();
    let request = http::Request::get("http://0.0.0.0:1/")
        .body(Bytes::new())
        .unwrap();
    let result = transport.send(request).await;
    assert!(
        !matches!(&result, Err(e) if e.is_insecure_scheme()),
        "{result:?}"
    );
}

#[tokio::test]
async fn relative_uri_is_an_invalid_request() {
    let transport = support::builder().build().unwrap();
    let request = http::Request::get("/no/host").body(Bytes::new()).unwrap();
    let err = transport.send(request).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::InvalidRequest);
    assert_eq!(err.request_sent(), RequestSent::No);
}

#[test]
fn sending_outside_a_runtime_is_an_error_not_a_panic() {
    let transport = support::builder().build().unwrap();
    let request = http::Request::get("http://127.0.0.1:1/")
        .body(Bytes::new())
        .unwrap();
    let future = transport.send(request);
    // A minimal executor: the future must finish on its first poll with a Config error.
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    let mut future = future;
    match future.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(Err(err)) => {
            assert_eq!(err.kind(), TransportErrorKind::Config);
            assert_eq!(err.request_sent(), RequestSent::No);
        }
        other => panic!("expected an immediate Config error, got {other:?}"),
    }
}
