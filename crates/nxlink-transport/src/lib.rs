#![doc = include_str!("../README.md")]
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
