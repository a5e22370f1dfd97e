//! The HTTP layer of the NXLink SDK: send one request, get the whole response.
//!
//! [`Transport`] is the seam the SDK talks to; [`HttpTransport`] is the default implementation
//! (hyper 1 + rustls, HTTP/1.1, pooled connections, connect and overall timeouts, capped
//! response bodies, plain HTTP only to loopback). This crate knows nothing of NXLink's JSON or
//! signing.
//!
//! ```no_run
//! use std::time::Duration;
//! use nxlink_transport::{HttpTransport, RequestSent, Transport};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let transport = HttpTransport::builder()
//!     .request_timeout(Duration::from_secs(15))
//!     .build()?;
//! let request = http::Request::post("https://api-hk.nxlink.ai/openapi/example")
//!     .header("content-type", "application/json")
//!     .body(bytes::Bytes::from_static(b"{}"))?;
//! match transport.send(request).await {
//!     Ok(response) => println!("{} ({} bytes)", response.status(), response.body().len()),
//!     Err(err) if err.request_sent() == RequestSent::No => eprintln!("safe to retry: {err}"),
//!     Err(err) => eprintln!("outcome unknown: {err}"),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Features: `webpki-roots` (default) trusts Mozilla's roots compiled in; `native-roots` trusts
//! the operating system's store. With neither, give roots via
//! [`HttpTransportBuilder::add_root_certificate`] or [`HttpTransportBuilder::tls_config`].
#![forbid(unsafe_code)]

mod classify;
mod client;
mod config;
mod connect;
mod error;
mod scheme;
mod tls;
mod transport;

pub use client::HttpTransport;
pub use config::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BODY, DEFAULT_POOL_IDLE_TIMEOUT,
    DEFAULT_REQUEST_TIMEOUT, HttpTransportBuilder,
};
pub use error::{BoxError, RequestSent, TransportError, TransportErrorKind};
pub use scheme::is_loopback_host;
pub use transport::{ResponseFuture, Transport};
