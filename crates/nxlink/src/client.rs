//! The client: validate, serialize once, sign those bytes, send those bytes, read the envelope.

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::header::{CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Method};
use nxlink_model::{ApiRequest, ApiResponse, EncodeError, ResultCode};
use nxlink_sign::{Credentials, SigningProfile, sign_request};
use nxlink_transport::Transport;
use serde::de::IgnoredAny;

use crate::builder::ClientBuilder;
use crate::error::Error;
use crate::region::BaseUrl;
use crate::telemetry::CallSpan;

const JSON: HeaderValue = HeaderValue::from_static("application/json");
const SDK_USER_AGENT: HeaderValue =
    HeaderValue::from_static(concat!("nxlink-rs/", env!("CARGO_PKG_VERSION")));

/// A successful answer: the payload and the gateway's trace id.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply<T> {
    /// The `data` of the envelope.
    pub data: T,
    /// The gateway's `traceId`, to quote to support.
    pub trace_id: Option<String>,
}

/// A client for the NXLink AI-agent OpenAPI. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) base_url: BaseUrl,
    pub(crate) credentials: Credentials,
    pub(crate) profile: SigningProfile,
    pub(crate) transport: Arc<dyn Transport>,
    pub(crate) batching: Batching,
}

/// How large contact lists are split and sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Batching {
    /// Contacts per request.
    pub(crate) size: usize,
    /// Requests in flight at once.
    pub(crate) concurrency: usize,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from `NXLINK_*` environment variables (see [`ClientBuilder::from_env`]).
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    pub(crate) fn from_inner(inner: ClientInner) -> Self {
        Client {
            inner: Arc::new(inner),
        }
    }

    pub(crate) fn batching(&self) -> Batching {
        self.inner.batching
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// Sends any endpoint request: validated first (an invalid request sends no byte),
    /// serialized once, signed over exactly the bytes sent.
    pub async fn send<R: ApiRequest>(&self, request: &R) -> Result<Reply<Option<R::Data>>, Error> {
        let span = CallSpan::start(R::PATH);
        #[cfg(feature = "tracing")]
        let outcome = {
            use tracing::Instrument;
            self.exchange::<R>(request, &span)
                .instrument(span.span())
                .await
        };
        #[cfg(not(feature = "tracing"))]
        let outcome = self.exchange::<R>(request, &span).await;
        span.finish(outcome.as_ref().err());
        outcome
    }

    async fn exchange<R: ApiRequest>(
        &self,
        request: &R,
        span: &CallSpan,
    ) -> Result<Reply<Option<R::Data>>, Error> {
        let body = Bytes::from(nxlink_model::encode(request).map_err(|error| match error {
            EncodeError::Invalid(errors) => Error::validation(R::PATH, errors),
            other => Error::config(format!("could not serialize the request: {other}")),
        })?);
        let http_request = self.signed_request(R::PATH, body)?;
        let response = self
            .inner
            .transport
            .send(http_request)
            .await
            .map_err(|error| Error::transport(R::PATH, error))?;
        let status = response.status();
        let body = response.into_body();
        match serde_json::from_slice::<ApiResponse<R::Data>>(&body) {
            Ok(envelope) => {
                span.answered(
                    status.as_u16(),
                    Some(envelope.code.as_i64()),
                    envelope.trace_id.as_deref(),
                );
                if envelope.code == ResultCode::Success {
                    let data = match envelope.data {
                        // Paged endpoints may answer with the page at the top level.
                        None if R::DATA_MAY_BE_TOP_LEVEL => Some(
                            serde_json::from_slice::<R::Data>(&body)
                                .map_err(|error| Error::decode(R::PATH, status, error, &body))?,
                        ),
                        data => data,
                    };
                    Ok(Reply {
                        data,
                        trace_id: envelope.trace_id,
                    })
                } else {
                    Err(Error::api(
                        R::PATH,
                        envelope.code,
                        envelope.message,
                        envelope.trace_id,
                    ))
                }
            }
            Err(typed_error) => {
                // An error envelope need not match the success payload's shape: read just the
                // envelope before blaming the body.
                if let Ok(envelope) = serde_json::from_slice::<ApiResponse<IgnoredAny>>(&body) {
                    span.answered(
                        status.as_u16(),
                        Some(envelope.code.as_i64()),
                        envelope.trace_id.as_deref(),
                    );
                    if envelope.code != ResultCode::Success {
                        return Err(Error::api(
                            R::PATH,
                            envelope.code,
                            envelope.message,
                            envelope.trace_id,
                        ));
                    }
                }
                span.answered(status.as_u16(), None, None);
                if status.is_success() {
                    Err(Error::decode(R::PATH, status, typed_error, &body))
                } else {
                    Err(Error::http_status(R::PATH, status, &body))
                }
            }
        }
    }

    /// Builds the HTTP request: fresh `ts`, signature over `body`, and `body` itself, uncopied.
    fn signed_request(
        &self,
        path: &'static str,
        body: Bytes,
    ) -> Result<http::Request<Bytes>, Error> {
        let headers = sign_request(
            &self.inner.credentials,
            &self.inner.profile,
            now_ms(),
            &body,
        );
        let mut builder = http::Request::builder()
            .method(Method::POST)
            .uri(self.inner.base_url.join(path))
            .header(CONTENT_TYPE, JSON)
            .header(USER_AGENT, SDK_USER_AGENT);
        for (name, value) in headers.iter() {
            builder = builder.header(name, value);
        }
        builder
            .body(body)
            .map_err(|error| Error::config(format!("could not build the HTTP request: {error}")))
    }
}

/// Milliseconds since the Unix epoch, read once per attempt.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
        })
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("credentials", &self.inner.credentials)
            .field("algorithm", &self.inner.profile.algorithm)
            .field("transport", &self.inner.transport)
            .finish()
    }
}
