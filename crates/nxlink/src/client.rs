//! The client: validate, serialize once, sign those bytes, send those bytes, read the envelope.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use nxlink_model::{ApiRequest, ApiResponse, ResultCode};
use nxlink_sign::{Credentials, Signature, SignatureInput, SigningProfile, compute_signature};
use nxlink_transport::Transport;
use serde::de::IgnoredAny;

use crate::builder::ClientBuilder;
use crate::clock::{ClockOffset, SkewClock, now_ms};
use crate::error::Error;
use crate::region::BaseUrl;
use crate::retry::{Budget, RetryPolicy};
use crate::sealed::{Sealed, seal};
use crate::telemetry::CallSpan;
use crate::wire::FixedHeaders;

/// A successful answer: the payload and the gateway's trace id.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply<T> {
    /// The `data` of the envelope.
    pub data: T,
    /// The gateway's `traceId`, to quote to support.
    pub trace_id: Option<String>,
    /// The envelope's `message` (`"success"` on success, as documented).
    pub message: String,
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
    pub(crate) retry: RetryPolicy,
    pub(crate) clock: SkewClock,
    pub(crate) headers: FixedHeaders,
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
    /// serialized once, signed over exactly the bytes sent, retried per the client's
    /// [`RetryPolicy`] (each attempt re-signed with a fresh `ts`).
    pub async fn send<R: ApiRequest>(&self, request: &R) -> Result<Reply<Option<R::Data>>, Error> {
        let sealed = self.seal(request)?;
        self.deliver::<R>(&sealed, &mut self.budget()).await
    }

    /// Validates, serializes and signs `request` for its first attempt (see [`sealed`]).
    ///
    /// [`sealed`]: crate::sealed
    pub(crate) fn seal<R: ApiRequest>(&self, request: &R) -> Result<Sealed, Error> {
        seal(
            request,
            &self.inner.credentials,
            &self.inner.profile,
            self.inner.clock.gateway_now_ms(),
        )
    }

    /// A fresh retry budget for one logical call (its attempts and deadline).
    pub(crate) fn budget(&self) -> Budget {
        Budget::new(self.inner.retry)
    }

    /// Sends already-encoded bytes, retrying what the policy allows within `budget`.
    pub(crate) async fn deliver<R: ApiRequest>(
        &self,
        sealed: &Sealed,
        budget: &mut Budget,
    ) -> Result<Reply<Option<R::Data>>, Error> {
        let span = CallSpan::start(R::PATH);
        // The first attempt uses the signature computed while serializing; later ones are
        // re-signed with a fresh `ts`.
        let mut signature = sealed.first;
        let outcome = loop {
            #[cfg(feature = "tracing")]
            let attempt = {
                use tracing::Instrument;
                let attempt = self
                    .attempt::<R>(sealed.body.clone(), signature.take(), &span)
                    .instrument(span.span());
                // The overall deadline bounds every attempt too, not only the decision to retry.
                within(budget, R::PATH, attempt).await
            };
            #[cfg(not(feature = "tracing"))]
            let attempt = within(
                budget,
                R::PATH,
                self.attempt::<R>(sealed.body.clone(), signature.take(), &span),
            )
            .await;
            match attempt {
                Ok(reply) => break Ok(reply),
                Err(error) => match budget.next_wait(&error, R::READ_ONLY) {
                    Some(wait) => {
                        span.retrying(&error, wait);
                        tokio::time::sleep(wait).await;
                    }
                    None => break Err(error),
                },
            }
        };
        span.finish(outcome.as_ref().err());
        outcome
    }

    /// One exchange: sign `body` with the gateway's estimated now, send it, read the envelope.
    async fn attempt<R: ApiRequest>(
        &self,
        body: Bytes,
        signature: Option<(u64, Signature)>,
        span: &CallSpan,
    ) -> Result<Reply<Option<R::Data>>, Error> {
        let http_request = self.signed_request(R::PATH, body, signature)?;
        let sent_ms = now_ms();
        let response = self
            .inner
            .transport
            .send(http_request)
            .await
            .map_err(|error| Error::transport(R::PATH, error))?;
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
        let sealed = self.seal(request)?;
        self.signed_request(R::PATH, sealed.body, sealed.first)
    }

    /// Builds the HTTP request: the given signature, or one over `body` with a fresh `ts`, and
    /// `body` itself, uncopied.
    fn signed_request(
        &self,
        path: &'static str,
        body: Bytes,
        signature: Option<(u64, Signature)>,
    ) -> Result<http::Request<Bytes>, Error> {
        let inner = &self.inner;
        let (timestamp_ms, signature) = match signature {
            Some(signed) => signed,
            None => {
                let timestamp_ms = inner.clock.gateway_now_ms();
                let input = SignatureInput {
                    access_key: inner.credentials.access_key(),
                    timestamp_ms,
                    biz_type: &inner.profile.biz_type,
                    action: &inner.profile.action,
                    body: &body,
                    algorithm: inner.profile.algorithm,
                };
                let signature = compute_signature(&input, inner.credentials.access_secret());
                (timestamp_ms, signature)
            }
        };
        let uri = inner.base_url.uri_for(path).map_err(Error::config)?;
        inner.headers.request(uri, body, timestamp_ms, &signature)
    }
}

/// Runs `work` until the overall deadline of `budget`'s call; past it, a timeout error.
pub(crate) async fn within<T>(
    budget: &Budget,
    endpoint: &'static str,
    work: impl std::future::Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let deadline = tokio::time::Instant::from_std(budget.deadline());
    tokio::time::timeout_at(deadline, work)
        .await
        .unwrap_or_else(|_| Err(Error::deadline_passed(endpoint, budget.total())))
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
                    R::PATH,
                    envelope.code,
                    envelope.message,
                    envelope.trace_id,
                ));
            }
            let data = match envelope.data {
                // Paged endpoints may answer with the page at the top level.
                None if R::DATA_MAY_BE_TOP_LEVEL => Some(
                    serde_json::from_slice::<R::Data>(body)
                        .map_err(|error| Error::decode(R::PATH, status, error, body))?,
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
                        R::PATH,
                        envelope.code,
                        envelope.message,
                        envelope.trace_id,
                    ));
                }
            }
            span.answered(status.as_u16(), None, None);
            if status.is_success() {
                Err(Error::decode(R::PATH, status, typed_error, body))
            } else {
                Err(Error::http_status(
                    R::PATH,
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
            .field("credentials", &self.inner.credentials)
            .field("algorithm", &self.inner.profile.algorithm)
            .field("transport", &self.inner.transport)
            .finish()
    }
}
