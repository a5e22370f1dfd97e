//! The client: validate, serialize once, sign those bytes, send those bytes, read the envelope.

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use nxlink_model::{ApiRequest, ApiResponse, AppendBatch, ResultCode};
use nxlink_transport::{Transport, TransportError};
use serde::de::IgnoredAny;

use crate::clock::{ClockOffset, SkewClock, now_ms};
use crate::concurrency::{BatchConcurrency, BatchLimit, Signal};
use crate::error::{Endpoint, Error};
use crate::prepared::PreparedRequest;
use crate::region::BaseUrl;
use crate::retry::{self, Reconcile, ReportUnknown, RetryPolicy};
use crate::signing::RequestSigner;
use crate::telemetry::CallSpan;

/// A successful answer: the payload and the gateway's trace id. It dereferences to the
/// payload, so `client.list_tasks(&request).await?.items` reads the page's items.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply<T> {
    /// The `data` of the envelope.
    pub data: T,
    /// The gateway's `traceId`, to quote to support.
    pub trace_id: Option<String>,
    /// The envelope's `message` (`"success"` on success, as documented).
    pub message: String,
}

impl<T> Reply<T> {
    /// The payload, without the trace id.
    pub fn into_data(self) -> T {
        self.data
    }

    /// The same answer with its payload changed by `f`.
    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U) -> Reply<U> {
        Reply {
            data: f(self.data),
            trace_id: self.trace_id,
            message: self.message,
        }
    }
}

impl<T> std::ops::Deref for Reply<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T> std::ops::DerefMut for Reply<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.data
    }
}

/// A client for the NXLink AI-agent OpenAPI. Cheap to clone: clones share one connection pool.
///
/// ```
/// use nxlink::{Client, model::ListFlowsRequest};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // The emulator stands in for the gateway; with an account: `Client::from_env()?`.
/// let emulator = nxlink_testkit::Emulator::start().await?;
/// let client = Client::builder()
///     .base_url(emulator.base_url())
///     .credentials(emulator.credentials())
///     .build()?;
/// let agents = client.list_flows(&ListFlowsRequest::new()).await?;
/// println!("{} agents (trace id {:?})", agents.total, agents.trace_id);
/// # emulator.shutdown().await;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    base_url: BaseUrl,
    signer: RequestSigner,
    transport: Arc<dyn Transport>,
    batching: Batching,
    batch_limit: BatchLimit,
    retry: RetryPolicy,
    clock: SkewClock,
}

/// How large contact lists are split and sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Batching {
    /// Contacts per request.
    pub(crate) size: usize,
    /// Requests in flight at once.
    pub(crate) concurrency: BatchConcurrency,
}

impl Client {
    /// A client from its parts, checked by the builder.
    pub(crate) fn new(
        base_url: BaseUrl,
        signer: RequestSigner,
        transport: Arc<dyn Transport>,
        batching: Batching,
        retry: RetryPolicy,
    ) -> Self {
        Client {
            inner: Arc::new(ClientInner {
                base_url,
                signer,
                transport,
                batching,
                batch_limit: BatchLimit::new(batching.concurrency),
                retry,
                clock: SkewClock::default(),
            }),
        }
    }

    pub(crate) fn batching(&self) -> Batching {
        self.inner.batching
    }

    /// How many contact batches may be in flight now, shared by this client and its clones:
    /// [`Client::append_contacts`] follows it, and so can a caller sending batches itself.
    pub fn batch_limit(&self) -> &BatchLimit {
        &self.inner.batch_limit
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// Sends any endpoint request: validated first (an invalid request sends no byte),
    /// serialized once, signed over exactly the bytes sent, retried per the client's
    /// [`RetryPolicy`] (each attempt re-signed with a fresh `ts`).
    pub async fn send<R: ApiRequest>(&self, request: &R) -> Result<Reply<Option<R::Data>>, Error> {
        let prepared = self.prepare_request(request)?;
        self.deliver::<R, _>(prepared, Ok, &mut ReportUnknown).await
    }

    /// Validates, serializes and signs `request` for its first attempt (see [`prepared`]).
    ///
    /// [`prepared`]: crate::prepared
    pub(crate) fn prepare_request<R: ApiRequest>(
        &self,
        request: &R,
    ) -> Result<PreparedRequest, Error> {
        PreparedRequest::new(
            request,
            &self.inner.signer,
            self.inner.clock.gateway_now_ms(),
        )
    }

    /// Sends a prepared request as one logical call: each attempt's answer goes through
    /// `accept`, failures are retried as the policy allows, and an outcome that stays unknown
    /// goes to `reconcile` (see [`retry::run`]).
    pub(crate) async fn deliver<R: ApiRequest, T>(
        &self,
        mut prepared: PreparedRequest,
        accept: impl Fn(Reply<Option<R::Data>>) -> Result<T, Error>,
        reconcile: &mut impl Reconcile<T>,
    ) -> Result<T, Error> {
        let endpoint = Endpoint::of::<R>();
        let uri = self
            .inner
            .base_url
            .uri_for(R::PATH)
            .map_err(Error::config)?;
        let span = CallSpan::start(R::PATH);
        let (accept, span_ref) = (&accept, &span);
        let outcome = retry::run(
            self.inner.retry,
            endpoint,
            &span,
            || {
                let exchange = prepared
                    .next_attempt(&self.inner.signer, uri.clone(), || {
                        self.inner.clock.gateway_now_ms()
                    })
                    .map(|request| self.exchange::<R>(request, span_ref));
                span_ref.instrument(async move { exchange?.await.and_then(accept) })
            },
            reconcile,
        )
        .await;
        span.finish(outcome.as_ref().err());
        outcome
    }

    /// One exchange: send the signed request, read the envelope, learn the gateway's clock;
    /// a contact batch's answer also tells the batch limit how loaded the gateway is.
    ///
    /// The request goes to the transport when this is called, not when it is first polled
    /// (the caller polls it at once): it then lives only in the transport's boxed future. An
    /// `async fn` would keep it in its own state too, and in that of every future wrapping
    /// this one, which made a call's future 3.9 KB, copied each time it moved.
    fn exchange<R: ApiRequest>(
        &self,
        http_request: http::Request<Bytes>,
        span: &CallSpan,
    ) -> impl Future<Output = Result<Reply<Option<R::Data>>, Error>> {
        let started = Instant::now();
        let sent_ms = now_ms();
        let response = self.inner.transport.send(http_request);
        async move {
            let answer = self.answer::<R>(response.await, sent_ms, span);
            if R::PATH == AppendBatch::PATH {
                self.inner
                    .batch_limit
                    .observe(Signal::of(&answer, started.elapsed()));
            }
            answer
        }
    }

    /// Reads the transport's response to a request sent at `sent_ms`, and learns the
    /// gateway's clock from it.
    fn answer<R: ApiRequest>(
        &self,
        response: Result<http::Response<Bytes>, TransportError>,
        sent_ms: u64,
        span: &CallSpan,
    ) -> Result<Reply<Option<R::Data>>, Error> {
        let response = response.map_err(|error| Error::transport(Endpoint::of::<R>(), error))?;
        let received_ms = now_ms();
        let status = response.status();
        let (parts, body) = response.into_parts();
        let answer = read_answer::<R>(status, &parts.headers, &body, span);
        let refused_for_time = answer.as_ref().is_err_and(Error::is_timestamp_expired);
        self.inner.clock.observe(
            parts.headers.get(http::header::DATE),
            sent_ms,
            received_ms,
            refused_for_time,
        );
        answer
    }

    /// The offset between the gateway's clock and this machine's, learned from responses.
    pub fn clock_offset(&self) -> ClockOffset {
        ClockOffset {
            millis: self.inner.clock.offset_ms(),
        }
    }

    /// The gateway's estimated current time, in ms since the epoch.
    pub(crate) fn gateway_now_ms(&self) -> u64 {
        self.inner.clock.gateway_now_ms()
    }

    /// The exact HTTP request `send` would put on the wire for its first attempt: validated,
    /// serialized once, signed with the gateway's estimated current time. Nothing is sent;
    /// useful for dry runs, logging what would be sent (the secret is not in it), and
    /// benchmarks.
    pub fn prepare<R: ApiRequest>(&self, request: &R) -> Result<http::Request<Bytes>, Error> {
        let uri = self
            .inner
            .base_url
            .uri_for(R::PATH)
            .map_err(Error::config)?;
        self.prepare_request(request)?
            .next_attempt(&self.inner.signer, uri, || self.gateway_now_ms())
    }
}

/// Reads the gateway's answer: the envelope, its code, and the payload.
fn read_answer<R: ApiRequest>(
    status: http::StatusCode,
    headers: &http::HeaderMap,
    body: &[u8],
    span: &CallSpan,
) -> Result<Reply<Option<R::Data>>, Error> {
    match serde_json::from_slice::<ApiResponse<R::Data>>(body) {
        Ok(envelope) => {
            span.answered(
                status.as_u16(),
                Some(envelope.code.as_i64()),
                envelope.trace_id.as_deref(),
            );
            if envelope.code != ResultCode::Success {
                return Err(Error::api(
                    Endpoint::of::<R>(),
                    envelope.code,
                    envelope.message,
                    envelope.trace_id,
                ));
            }
            let data = match envelope.data {
                // Paged endpoints may answer with the page at the top level.
                None if R::DATA_MAY_BE_TOP_LEVEL => Some(
                    serde_json::from_slice::<R::Data>(body)
                        .map_err(|error| Error::decode(Endpoint::of::<R>(), status, error, body))?,
                ),
                data => data,
            };
            Ok(Reply {
                data,
                trace_id: envelope.trace_id,
                message: envelope.message,
            })
        }
        Err(typed_error) => {
            // An error envelope need not match the success payload's shape: read just the
            // envelope before blaming the body.
            if let Ok(envelope) = serde_json::from_slice::<ApiResponse<IgnoredAny>>(body) {
                span.answered(
                    status.as_u16(),
                    Some(envelope.code.as_i64()),
                    envelope.trace_id.as_deref(),
                );
                if envelope.code != ResultCode::Success {
                    return Err(Error::api(
                        Endpoint::of::<R>(),
                        envelope.code,
                        envelope.message,
                        envelope.trace_id,
                    ));
                }
            }
            span.answered(status.as_u16(), None, None);
            if status.is_success() {
                Err(Error::decode(
                    Endpoint::of::<R>(),
                    status,
                    typed_error,
                    body,
                ))
            } else {
                Err(Error::http_status(
                    Endpoint::of::<R>(),
                    status,
                    retry_after(headers),
                    body,
                ))
            }
        }
    }
}

/// A `Retry-After` given in seconds (the HTTP-date form is rare for APIs and ignored).
fn retry_after(headers: &http::HeaderMap) -> Option<std::time::Duration> {
    let seconds: u64 = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(std::time::Duration::from_secs(seconds.min(3_600)))
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("credentials", self.inner.signer.signer().credentials())
            .field("algorithm", &self.inner.signer.signer().algorithm())
            .field("transport", &self.inner.transport)
            .finish()
    }
}
