//! [`HttpTransport`]: the default [`Transport`], hyper-util's pooled client over hyper-rustls.

use std::fmt;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use crate::config::Settings;
use crate::connect::TimeoutConnector;
use crate::{
    HttpTransportBuilder, RequestSent, ResponseFuture, Transport, TransportError,
    TransportErrorKind, classify, scheme, tls,
};

type Connector = TimeoutConnector<HttpsConnector<HttpConnector>>;

/// The default transport: pooled HTTP/1.1 over rustls, with timeouts and a response body cap.
///
/// Cheap to clone; clones share one connection pool. Sending needs a Tokio runtime with the
/// time and IO drivers enabled.
#[derive(Clone)]
pub struct HttpTransport {
    client: Client<Connector, Full<Bytes>>,
    settings: Settings,
}

impl HttpTransport {
    /// A builder with the default settings.
    pub fn builder() -> HttpTransportBuilder {
        HttpTransportBuilder::new()
    }

    /// A transport with the default settings (fails only if no TLS roots are available).
    pub fn new() -> Result<Self, TransportError> {
        Self::builder().build()
    }

    pub(crate) fn from_builder(builder: HttpTransportBuilder) -> Result<Self, TransportError> {
        let settings = builder.settings;
        let tls_config = tls::client_config(builder.tls)?;

        let mut http = HttpConnector::new();
        // The https wrapper below needs to see `https://` URIs.
        http.enforce_http(false);
        // Requests are small JSON; don't let Nagle delay them.
        http.set_nodelay(true);
        let https = HttpsConnectorBuilder::new()
            .with_tls_config(tls_config)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let connector = TimeoutConnector::new(https, settings.connect_timeout);

        // Both the timer and the timeout are needed, or idle connections never close
        // (smithy-rs#4282).
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(settings.pool_idle_timeout)
            .pool_max_idle_per_host(settings.pool_max_idle_per_host)
            .build(connector);
        Ok(Self { client, settings })
    }

    async fn execute(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        scheme::check_request(&request, self.settings.allow_insecure_http)?;
        let uri = request.uri().clone();
        // hyper-util spawns connection tasks and tokio timers need a runtime; without one they
        // would panic, so report it instead.
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(
                TransportError::new(TransportErrorKind::Config, RequestSent::No)
                    .with_source("HttpTransport::send must run inside a Tokio runtime")
                    .with_target(&uri),
            );
        }
        let exchange = self.exchange(request);
        match tokio::time::timeout(self.settings.request_timeout, exchange).await {
            Ok(result) => result.map_err(|e| e.with_target(&uri)),
            Err(_elapsed) => Err(
                // The deadline may have hit before or after the request was written.
                TransportError::new(TransportErrorKind::Timeout, RequestSent::Maybe)
                    .with_source(format!(
                        "no complete response within the request timeout of {:?}",
                        self.settings.request_timeout
                    ))
                    .with_target(&uri),
            ),
        }
    }

    async fn exchange(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        // `Full` hands the same `Bytes` to hyper: the body is not copied.
        let response = self
            .client
            .request(request.map(Full::new))
            .await
            .map_err(classify::client_error)?;
        let (parts, body) = response.into_parts();
        let limit = self.settings.max_response_body;
        if content_length(&parts.headers).is_some_and(|len| len > limit as u64) {
            return Err(
                TransportError::new(TransportErrorKind::BodyTooLarge, RequestSent::Maybe)
                    .with_source(format!(
                        "Content-Length exceeds the {limit}-byte response limit"
                    )),
            );
        }
        let body = Limited::new(body, limit)
            .collect()
            .await
            .map_err(classify::body_error)?
            .to_bytes();
        Ok(http::Response::from_parts(parts, body))
    }
}

/// The declared body length, when it is a single well-formed number.
fn content_length(headers: &http::HeaderMap) -> Option<u64> {
    headers
        .get(http::header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

impl Transport for HttpTransport {
    fn send(&self, request: http::Request<Bytes>) -> ResponseFuture<'_> {
        Box::pin(self.execute(request))
    }
}

impl fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpTransport")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}
