//! The seam between the SDK facade and whatever moves bytes over HTTP.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;

use crate::TransportError;

/// The future returned by [`Transport::send`]: the whole response, or why there is none.
pub type ResponseFuture<'a> =
    Pin<Box<dyn Future<Output = Result<http::Response<Bytes>, TransportError>> + Send + 'a>>;

/// A way to send one HTTP request and get the whole response; embedders can bring their own.
///
/// Implementations must be safe to call concurrently and should enforce their own timeouts.
pub trait Transport: Send + Sync + std::fmt::Debug + 'static {
    /// Sends `request` and resolves to the complete response (status, headers, whole body).
    fn send(&self, request: http::Request<Bytes>) -> ResponseFuture<'_>;
}

impl<T: Transport + ?Sized> Transport for Arc<T> {
    fn send(&self, request: http::Request<Bytes>) -> ResponseFuture<'_> {
        (**self).send(request)
    }
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn send(&self, request: http::Request<Bytes>) -> ResponseFuture<'_> {
        (**self).send(request)
    }
}
