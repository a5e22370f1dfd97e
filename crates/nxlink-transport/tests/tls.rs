//! A real TLS handshake with a loopback HTTPS server using an rcgen self-signed certificate.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use nxlink_transport::{HttpTransport, RequestSent, Transport};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

/// Starts an HTTPS server for `localhost` and returns it with its certificate (the trust anchor).
async fn https_server() -> (support::Server, CertificateDer<'static>) {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert = certified.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.clone()], key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let respond = Arc::new(|(parts, body): support::Seen| {
        let text = format!("{} {} {}", parts.method, parts.uri.path(), body.len());
        http::Response::new(Full::new(Bytes::from(text)))
    });
    let server = support::raw_server(move |stream| {
        let acceptor = acceptor.clone();
        let respond = respond.clone();
        async move {
            if let Ok(tls) = acceptor.accept(stream).await {
                support::serve_http(TokioIo::new(tls), respond).await;
            }
        }
    })
    .await;
    (server, cert)
}

fn post(port: u16) -> http::Request<Bytes> {
    http::Request::post(format!("https://localhost:{port}/secure/echo"))
        .body(Bytes::from_static(b"{\"x\":1}"))
        .unwrap()
}

#[tokio::test]
async fn trusted_self_signed_certificate_completes_the_handshake() {
    let (server, cert) = https_server().await;
    let transport = HttpTransport::builder()
        .built_in_roots(false)
        .add_root_certificate(cert.as_ref())
        .build()
        .unwrap();
    let response = transport.send(post(server.addr.port())).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.body().as_ref(), b"POST /secure/echo 7");
    // The pool keeps the TLS connection too.
    let again = transport.send(post(server.addr.port())).await.unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(server.accepted(), 1);
}

#[tokio::test]
async fn untrusted_certificate_is_tls_error_not_sent() {
    let (server, _cert) = https_server().await;
    // Trust some other self-signed certificate, so the result does not depend on root features.
    let other = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let transport = HttpTransport::builder()
        .built_in_roots(false)
        .add_root_certificate(other.cert.der().as_ref())
        .build()
        .unwrap();
    let err = transport.send(post(server.addr.port())).await.unwrap_err();
    assert!(err.is_tls(), "{err:?}");
    assert_eq!(err.request_sent(), RequestSent::No);
}

#[tokio::test]
async fn complete_tls_config_is_used() {
    let (server, cert) = https_server().await;
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    // Would make hyper-rustls panic if passed through; the builder must clear it.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let transport = HttpTransport::builder().tls_config(config).build().unwrap();
    let response = transport.send(post(server.addr.port())).await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn garbage_root_certificate_fails_the_build() {
    let err = HttpTransport::builder()
        .add_root_certificate(b"definitely not DER".as_slice())
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), nxlink_transport::TransportErrorKind::Config);
}

#[test]
fn no_trust_anchors_fails_the_build() {
    let err = HttpTransport::builder()
        .built_in_roots(false)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), nxlink_transport::TransportErrorKind::Config);
}

#[cfg(feature = "webpki-roots")]
#[test]
fn defaults_build_with_compiled_in_roots() {
    let transport = HttpTransport::new().unwrap();
    assert!(format!("{transport:?}").contains("request_timeout: 30s"));
}
