//! [`HttpTransportBuilder`]: timeouts, pool, body cap, scheme policy and TLS trust.

use std::fmt;
use std::time::Duration;

use crate::tls::TlsSettings;
use crate::{HttpTransport, TransportError};

/// Default time allowed for TCP connect plus TLS handshake.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole exchange: connect, send, and reading the entire body.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time an idle pooled connection is kept before it is closed.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// Default largest response body accepted (8 MiB).
pub const DEFAULT_MAX_RESPONSE_BODY: usize = 8 * 1024 * 1024;

/// The plain settings an [`HttpTransport`] applies per request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Duration,
    pub(crate) pool_idle_timeout: Duration,
    pub(crate) pool_max_idle_per_host: usize,
    pub(crate) max_response_body: usize,
    pub(crate) allow_insecure_http: bool,
}

/// Configures and builds an [`HttpTransport`]; every setting has a finite, safe default.
#[must_use]
#[derive(Clone)]
pub struct HttpTransportBuilder {
    pub(crate) settings: Settings,
    pub(crate) tls: TlsSettings,
}

impl Default for HttpTransportBuilder {
    fn default() -> Self {
        Self {
            settings: Settings {
                connect_timeout: DEFAULT_CONNECT_TIMEOUT,
                request_timeout: DEFAULT_REQUEST_TIMEOUT,
                pool_idle_timeout: DEFAULT_POOL_IDLE_TIMEOUT,
                pool_max_idle_per_host: usize::MAX,
                max_response_body: DEFAULT_MAX_RESPONSE_BODY,
                allow_insecure_http: false,
            },
            tls: TlsSettings {
                built_in_roots: true,
                extra_roots: Vec::new(),
                config: None,
            },
        }
    }
}

impl HttpTransportBuilder {
    /// A builder with the defaults (see the `DEFAULT_*` constants).
    pub fn new() -> Self {
        Self::default()
    }

    /// Time allowed for resolving, TCP connect and the TLS handshake (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = timeout;
        self
    }

    /// Time allowed for the whole exchange, including reading the entire body (default 30 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.settings.request_timeout = timeout;
        self
    }

    /// How long an idle pooled connection is kept (default 90 s).
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.settings.pool_idle_timeout = timeout;
        self
    }

    /// How many idle connections are kept per host (default unlimited; 0 disables reuse).
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.settings.pool_max_idle_per_host = max;
        self
    }

    /// Largest response body accepted, in bytes (default 8 MiB).
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.settings.max_response_body = bytes;
        self
    }

    /// Allows plain `http://` to any host, not only loopback (default false).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.settings.allow_insecure_http = allow;
        self
    }

    /// Trusts an extra root certificate (DER), e.g. a private gateway's CA or a test cert.
    pub fn add_root_certificate(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.tls.extra_roots.push(der.into());
        self
    }

    /// Whether the feature-selected root stores (`webpki-roots`, `native-roots`) are trusted (default true).
    pub fn built_in_roots(mut self, enabled: bool) -> Self {
        self.tls.built_in_roots = enabled;
        self
    }

    /// Uses a complete rustls configuration instead of the root settings above.
    ///
    /// Its ALPN list is cleared: this transport speaks HTTP/1.1 only.
    pub fn tls_config(mut self, config: rustls::ClientConfig) -> Self {
        self.tls.config = Some(config);
        self
    }

    /// Builds the transport; fails with a `Config` error when no usable trust anchors exist.
    ///
    /// Needs no Tokio runtime; sending does.
    pub fn build(self) -> Result<HttpTransport, TransportError> {
        HttpTransport::from_builder(self)
    }
}

impl fmt::Debug for HttpTransportBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpTransportBuilder")
            .field("settings", &self.settings)
            .field("built_in_roots", &self.tls.built_in_roots)
            .field("extra_roots", &self.tls.extra_roots.len())
            .field("custom_tls_config", &self.tls.config.is_some())
            .finish()
    }
}
