//! Failure classification against misbehaving loopback servers.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use nxlink_transport::{HttpTransport, RequestSent, Transport, TransportErrorKind};
use tokio::io::AsyncWriteExt;

fn post(url: String) -> http::Request<Bytes> {
    http::Request::post(url)
        .body(Bytes::from_static(b"{\"k\":1}"))
        .unwrap()
}

#[tokio::test]
async fn request_timeout_on_a_silent_server_is_timeout_maybe_sent() {
    let server = support::raw_server(|mut stream| async move {
        let _ = support::read_head(&mut stream).await;
        // Hold the connection open without answering.
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(stream);
    })
    .await;
    let transport = support::builder()
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = transport.send(post(server.url("/slow"))).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.request_sent(), RequestSent::Maybe);
}

#[tokio::test]
async fn connect_refused_is_connect_not_sent() {
    let port = support::closed_port().await;
    let transport = support::builder().build().unwrap();
    let err = transport
        .send(post(format!("http://127.0.0.1:{port}/x")))
        .await
        .unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    assert_eq!(err.request_sent(), RequestSent::No);
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn stalled_tls_handshake_is_a_connect_timeout_not_sent() {
    // Accepts TCP but never speaks TLS, so only the connect timeout can end the attempt.
    let server = support::raw_server(|stream| async move {
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(stream);
    })
    .await;
    let transport = support::builder()
        .connect_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let url = format!("https://localhost:{}/x", server.addr.port());
    let err = transport.send(post(url)).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.request_sent(), RequestSent::No);
}

#[tokio::test]
async fn server_closing_after_reading_the_request_is_maybe_sent() {
    let server = support::raw_server(|mut stream| async move {
        let _ = support::read_head(&mut stream).await;
        drop(stream);
    })
    .await;
    let transport = support::builder().build().unwrap();
    let err = transport.send(post(server.url("/x"))).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Io, "{err:?}");
    assert_eq!(err.request_sent(), RequestSent::Maybe);
}

fn capped() -> HttpTransport {
    support::builder().max_response_body(1024).build().unwrap()
}

#[tokio::test]
async fn body_over_the_cap_with_content_length_is_refused() {
    let server =
        support::hyper_server(|_| http::Response::new(Full::new(Bytes::from(vec![b'a'; 1025]))))
            .await;
    let err = capped().send(post(server.url("/big"))).await.unwrap_err();
    assert!(err.is_body_too_large(), "{err:?}");
    assert_eq!(err.request_sent(), RequestSent::Maybe);
}

#[tokio::test]
async fn body_at_the_cap_is_accepted() {
    let server =
        support::hyper_server(|_| http::Response::new(Full::new(Bytes::from(vec![b'a'; 1024]))))
            .await;
    let response = capped().send(post(server.url("/fits"))).await.unwrap();
    assert_eq!(response.body().len(), 1024);
}

#[tokio::test]
async fn huge_declared_content_length_is_refused_before_reading() {
    // Declares 1 GiB and sends nothing: only the early check can answer before the timeout.
    let server = support::raw_server(|mut stream| async move {
        let _ = support::read_head(&mut stream).await;
        let head = b"HTTP/1.1 200 OK\r\ncontent-length: 1073741824\r\n\r\n";
        let _ = stream.write_all(head).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let transport = support::builder()
        .max_response_body(1024)
        .request_timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let err = transport.send(post(server.url("/liar"))).await.unwrap_err();
    assert!(err.is_body_too_large(), "{err:?}");
}

#[tokio::test]
async fn chunked_body_over_the_cap_is_refused() {
    let server = support::raw_server(|mut stream| async move {
        let _ = support::read_head(&mut stream).await;
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
            .await;
        let chunk = [b'z'; 400];
        for _ in 0..4 {
            let _ = stream.write_all(b"190\r\n").await;
            let _ = stream.write_all(&chunk).await;
            let _ = stream.write_all(b"\r\n").await;
        }
        let _ = stream.write_all(b"0\r\n\r\n").await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    })
    .await;
    let err = capped()
        .send(post(server.url("/chunked")))
        .await
        .unwrap_err();
    assert!(err.is_body_too_large(), "{err:?}");
}

#[tokio::test]
async fn chunked_body_under_the_cap_is_accepted() {
    let server = support::raw_server(|mut stream| async move {
        let _ = support::read_head(&mut stream).await;
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
            .await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    })
    .await;
    let response = capped().send(post(server.url("/chunked"))).await.unwrap();
    assert_eq!(response.body().as_ref(), b"hello world");
}

#[tokio::test]
async fn close_delimited_body_over_the_cap_is_refused() {
    let server = support::raw_server(|mut stream| async move {
        let _ = support::read_head(&mut stream).await;
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n")
            .await;
        let _ = stream.write_all(&[b'q'; 2048]).await;
    })
    .await;
    let err = capped().send(post(server.url("/eof"))).await.unwrap_err();
    assert!(err.is_body_too_large(), "{err:?}");
}
