//! The one error type of this crate, classified for retry decisions.

use std::error::Error as StdError;
use std::fmt;

/// A boxed error that can cross threads; the source of a [`TransportError`].
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// What went wrong while sending a request or receiving its response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// Resolving the host or opening the TCP connection failed.
    Connect,
    /// A timeout elapsed (connect timeout or overall request timeout).
    Timeout,
    /// The TLS layer failed, typically an untrusted certificate during the handshake.
    Tls,
    /// The connection broke mid-exchange: reset, closed early, incomplete or malformed message.
    Io,
    /// The response body exceeded the configured maximum.
    BodyTooLarge,
    /// Plain `http://` to a non-loopback host was refused.
    InsecureScheme,
    /// The request cannot be sent as given (relative URI, unsupported scheme, version or method).
    InvalidRequest,
    /// The transport is misconfigured or used outside a Tokio runtime.
    Config,
}

impl TransportErrorKind {
    fn describe(self) -> &'static str {
        match self {
            Self::Connect => "connect error",
            Self::Timeout => "timed out",
            Self::Tls => "TLS error",
            Self::Io => "connection error",
            Self::BodyTooLarge => "response body too large",
            Self::InsecureScheme => "refused plain http to a non-loopback host",
            Self::InvalidRequest => "invalid request",
            Self::Config => "transport configuration error",
        }
    }
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// Whether a failed request may have reached the server; what a retry layer must know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestSent {
    /// The request provably never reached the server; resending cannot duplicate it.
    No,
    /// The server may have received (and acted on) the request.
    Maybe,
}

/// An error from a [`Transport`](crate::Transport): a kind, whether the request was sent, and a cause.
///
/// Display and Debug show only the target host and path and the cause, never header values or
/// bodies, because requests carry signatures.
#[non_exhaustive]
pub struct TransportError {
    kind: TransportErrorKind,
    sent: RequestSent,
    target: Option<String>,
    source: Option<BoxError>,
}

impl TransportError {
    /// Creates an error; embedders implementing [`Transport`](crate::Transport) use this.
    pub fn new(kind: TransportErrorKind, request_sent: RequestSent) -> Self {
        Self {
            kind,
            sent: request_sent,
            target: None,
            source: None,
        }
    }

    /// Attaches the underlying cause, kept as [`std::error::Error::source`].
    #[must_use]
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Records which scheme, host and path the request was for (userinfo and query are left out).
    #[must_use]
    pub fn with_target(mut self, uri: &http::Uri) -> Self {
        self.target = Some(describe_target(uri));
        self
    }

    /// The classification of this error.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the request may have reached the server.
    pub fn request_sent(&self) -> RequestSent {
        self.sent
    }

    /// True when resolving or connecting failed (connect timeouts report [`Self::is_timeout`]).
    pub fn is_connect(&self) -> bool {
        self.kind == TransportErrorKind::Connect
    }

    /// True when a connect or request timeout elapsed.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportErrorKind::Timeout
    }

    /// True when the TLS layer failed.
    pub fn is_tls(&self) -> bool {
        self.kind == TransportErrorKind::Tls
    }

    /// True when the response body exceeded the configured maximum.
    pub fn is_body_too_large(&self) -> bool {
        self.kind == TransportErrorKind::BodyTooLarge
    }

    /// True when plain `http://` to a non-loopback host was refused.
    pub fn is_insecure_scheme(&self) -> bool {
        self.kind == TransportErrorKind::InsecureScheme
    }
}

/// `scheme://host[:port]/path`, without userinfo or query, which may hold credentials.
fn describe_target(uri: &http::Uri) -> String {
    let scheme = uri
        .scheme_str()
        .map(|s| format!("{s}://"))
        .unwrap_or_default();
    let host = uri.host().unwrap_or("");
    match uri.port_u16() {
        Some(port) => format!("{scheme}{host}:{port}{}", uri.path()),
        None => format!("{scheme}{host}{}", uri.path()),
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.describe())?;
        if let Some(target) = &self.target {
            write!(f, " ({target})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("TransportError");
        d.field("kind", &self.kind)
            .field("request_sent", &self.sent);
        if let Some(target) = &self.target {
            d.field("target", target);
        }
        if let Some(source) = &self.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_shows_host_and_path_but_not_query_or_userinfo() {
        let uri: http::Uri = "https://user:pw@api-hk.nxlink.ai:8443/v1/task?sign=abc"
            .parse()
            .unwrap_or_default();
        let err =
            TransportError::new(TransportErrorKind::Connect, RequestSent::No).with_target(&uri);
        let shown = format!("{err} {err:?}");
        assert!(
            shown.contains("https://api-hk.nxlink.ai:8443/v1/task"),
            "{shown}"
        );
        assert!(!shown.contains("sign=abc"), "{shown}");
        assert!(!shown.contains("pw"), "{shown}");
    }

    #[test]
    fn source_chain_is_kept() {
        let err = TransportError::new(TransportErrorKind::Io, RequestSent::Maybe)
            .with_source(std::io::Error::other("reset"));
        assert_eq!(
            StdError::source(&err).map(ToString::to_string).as_deref(),
            Some("reset")
        );
    }
}
