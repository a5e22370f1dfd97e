//! A real transport with a hook that alters each request after the SDK signed it.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use nxlink::transport::{HttpTransport, ResponseFuture, Transport};

/// Alters a request in flight.
pub type Alteration = Arc<dyn Fn(&mut http::Request<Bytes>) + Send + Sync>;

/// Sends through the real [`HttpTransport`] after applying an alteration.
#[derive(Clone)]
pub struct TamperingTransport {
    inner: HttpTransport,
    alter: Alteration,
}

impl TamperingTransport {
    /// Wraps a default transport with `alter`.
    pub fn new(alter: impl Fn(&mut http::Request<Bytes>) + Send + Sync + 'static) -> Self {
        TamperingTransport {
            inner: HttpTransport::new().expect("default transport builds"),
            alter: Arc::new(alter),
        }
    }

    /// Removes one header.
    pub fn removing(header: &'static str) -> Self {
        Self::new(move |request| {
            request.headers_mut().remove(header);
        })
    }

    /// Replaces one header's value.
    pub fn replacing(header: &'static str, value: &'static str) -> Self {
        Self::new(move |request| {
            request
                .headers_mut()
                .insert(header, http::HeaderValue::from_static(value));
        })
    }
}

impl fmt::Debug for TamperingTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TamperingTransport").finish_non_exhaustive()
    }
}

impl Transport for TamperingTransport {
    fn send(&self, mut request: http::Request<Bytes>) -> ResponseFuture<'_> {
        (self.alter)(&mut request);
        self.inner.send(request)
    }
}
