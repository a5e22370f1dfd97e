//! Turning hyper, hyper-util and rustls failures into [`TransportError`] kinds.

use std::error::Error as StdError;
use std::io;

use crate::connect::ConnectTimedOut;
use crate::{BoxError, RequestSent, TransportError, TransportErrorKind};

/// Classifies a failure of `Client::request` (connection setup or the HTTP exchange).
pub(crate) fn client_error(err: hyper_util::client::legacy::Error) -> TransportError {
    let (kind, sent) = if err.is_connect() {
        // Connection setup includes the TLS handshake, so nothing of the request was written.
        let kind = if find::<ConnectTimedOut>(&err).is_some() || is_io_timeout(&err) {
            TransportErrorKind::Timeout
        } else if find::<rustls::Error>(&err).is_some() {
            TransportErrorKind::Tls
        } else {
            TransportErrorKind::Connect
        };
        (kind, RequestSent::No)
    } else {
        (exchange_kind(&err), RequestSent::Maybe)
    };
    TransportError::new(kind, sent).with_source(err)
}

/// Classifies a failure while reading the response body.
pub(crate) fn body_error(err: BoxError) -> TransportError {
    let kind = if err.is::<http_body_util::LengthLimitError>() {
        TransportErrorKind::BodyTooLarge
    } else {
        exchange_kind(&*err)
    };
    TransportError::new(kind, RequestSent::Maybe).with_source(err)
}

/// The kind for a failure after the connection was up.
fn exchange_kind(err: &(dyn StdError + 'static)) -> TransportErrorKind {
    if find::<hyper::Error>(err).is_some_and(hyper::Error::is_timeout) || is_io_timeout(err) {
        TransportErrorKind::Timeout
    } else if find::<rustls::Error>(err).is_some() {
        TransportErrorKind::Tls
    } else {
        TransportErrorKind::Io
    }
}

fn is_io_timeout(err: &(dyn StdError + 'static)) -> bool {
    find::<io::Error>(err).is_some_and(|e| e.kind() == io::ErrorKind::TimedOut)
}

/// Finds the first `T` in the cause chain.
///
/// `io::Error::source` skips the error it wraps (it returns that error's source), so the walk
/// steps into `io::Error::get_ref` instead; that is where rustls puts its handshake errors.
fn find<'a, T: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    // Bounded so a pathological (cyclic) chain cannot loop forever.
    const MAX_DEPTH: usize = 32;
    let mut current = Some(err);
    for _ in 0..MAX_DEPTH {
        let e = current?;
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        current = match e.downcast_ref::<io::Error>().and_then(io::Error::get_ref) {
            Some(inner) => Some(inner as &(dyn StdError + 'static)),
            None => e.source(),
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_rustls_error_inside_io_error() {
        let io = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::General("bad cert".into()),
        );
        let boxed: BoxError = Box::new(io);
        assert_eq!(exchange_kind(&*boxed), TransportErrorKind::Tls);
    }

    #[tokio::test]
    async fn body_limit_is_body_too_large() {
        use http_body_util::BodyExt;
        let body = http_body_util::Full::new(bytes::Bytes::from_static(b"abcdef"));
        let Err(limit_error) = http_body_util::Limited::new(body, 2).collect().await else {
            panic!("six bytes exceed a two-byte limit");
        };
        let err = body_error(limit_error);
        assert!(err.is_body_too_large());
        assert_eq!(err.request_sent(), RequestSent::Maybe);
    }

    #[test]
    fn other_body_errors_are_io() {
        let err = body_error(Box::new(io::Error::other("reset")));
        assert_eq!(err.kind(), TransportErrorKind::Io);
    }
}
