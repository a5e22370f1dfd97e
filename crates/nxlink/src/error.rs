//! The one error type of the client, with a kind and predicates for retry decisions.

use std::fmt;
use std::time::Duration;

use http::StatusCode;
use nxlink_model::{ApiRequest, ResultCode, ValidationErrors};
use nxlink_transport::{RequestSent, TransportError, TransportErrorKind};

/// The endpoint a failure belongs to, and whether sending its request again is harmless.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Endpoint {
    path: &'static str,
    read_only: bool,
}

impl Endpoint {
    /// The endpoint of request type `R`.
    pub(crate) const fn of<R: ApiRequest>() -> Self {
        Endpoint {
            path: R::PATH,
            read_only: R::READ_ONLY,
        }
    }

    /// Its path, e.g. `/openapi/aiagent/task/create`.
    pub(crate) const fn path(self) -> &'static str {
        self.path
    }
}

/// What went wrong, broadly; match on it or use the `is_*` predicates on [`Error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request broke a documented rule and was not sent; see [`Error::validation_errors`].
    Validation,
    /// The request could not be exchanged with the gateway (connect, TLS, timeout, I/O).
    Transport,
    /// The gateway answered with a non-zero `code`; see [`Error::api_code`].
    Api,
    /// The gateway answered with a non-success HTTP status and no NXLink envelope.
    HttpStatus,
    /// The gateway's answer could not be read as the documented JSON.
    Decode,
    /// The client was configured wrongly (missing credentials, bad base URL, …).
    Config,
    /// A write may or may not have taken effect, and the client could not find out: see
    /// [`Error::unknown_outcome`].
    OutcomeUnknown,
    /// A create was not sent because the gateway already holds a task with its
    /// `userTaskId`: see [`Error::existing_task_ids`].
    AlreadyExists,
}

/// An error from the NXLink client. Never contains the access secret.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    endpoint: Option<Endpoint>,
    detail: Detail,
}

enum Detail {
    Validation(ValidationErrors),
    Transport(TransportError),
    Api {
        code: ResultCode,
        message: String,
        trace_id: Option<String>,
    },
    HttpStatus {
        status: StatusCode,
        retry_after: Option<Duration>,
        excerpt: String,
    },
    Decode {
        status: StatusCode,
        reason: String,
        excerpt: String,
    },
    Config(String),
    OutcomeUnknown {
        what: String,
        cause: Box<Error>,
    },
    AlreadyExists {
        user_task_id: String,
        task_ids: Vec<String>,
    },
}

/// How much of an unreadable body an error keeps: enough to recognise it, never the whole thing.
const EXCERPT_CHARS: usize = 200;

impl Error {
    fn new(kind: ErrorKind, endpoint: Option<Endpoint>, detail: Detail) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                endpoint,
                detail,
            }),
        }
    }

    pub(crate) fn validation(endpoint: Endpoint, errors: ValidationErrors) -> Self {
        Error::new(
            ErrorKind::Validation,
            Some(endpoint),
            Detail::Validation(errors),
        )
    }

    pub(crate) fn transport(endpoint: Endpoint, error: TransportError) -> Self {
        Error::new(
            ErrorKind::Transport,
            Some(endpoint),
            Detail::Transport(error),
        )
    }

    pub(crate) fn api(
        endpoint: Endpoint,
        code: ResultCode,
        message: String,
        trace_id: Option<String>,
    ) -> Self {
        Error::new(
            ErrorKind::Api,
            Some(endpoint),
            Detail::Api {
                code,
                message,
                trace_id,
            },
        )
    }

    pub(crate) fn http_status(
        endpoint: Endpoint,
        status: StatusCode,
        retry_after: Option<Duration>,
        body: &[u8],
    ) -> Self {
        Error::new(
            ErrorKind::HttpStatus,
            Some(endpoint),
            Detail::HttpStatus {
                status,
                retry_after,
                excerpt: excerpt(body),
            },
        )
    }

    /// A write whose effect is unknown: `what` says what may have happened, `cause` why the
    /// client could not tell.
    pub(crate) fn outcome_unknown(endpoint: Endpoint, what: String, cause: Error) -> Self {
        Error::new(
            ErrorKind::OutcomeUnknown,
            Some(endpoint),
            Detail::OutcomeUnknown {
                what,
                cause: Box::new(cause),
            },
        )
    }

    /// The overall deadline of a call passed while waiting on `endpoint` (a timeout after
    /// which the request may have been sent).
    pub(crate) fn deadline_passed(endpoint: Endpoint, total: Duration) -> Self {
        let error = TransportError::new(TransportErrorKind::Timeout, RequestSent::Maybe)
            .with_source(format!(
                "the call's overall deadline of {} s passed",
                total.as_secs_f64()
            ));
        Error::transport(endpoint, error)
    }

    /// A create not sent: tasks with its `userTaskId` exist already.
    pub(crate) fn already_exists(
        endpoint: Endpoint,
        user_task_id: String,
        task_ids: Vec<String>,
    ) -> Self {
        Error::new(
            ErrorKind::AlreadyExists,
            Some(endpoint),
            Detail::AlreadyExists {
                user_task_id,
                task_ids,
            },
        )
    }

    /// The ids of the tasks that already carry a create's `userTaskId`
    /// ([`ErrorKind::AlreadyExists`]).
    pub fn existing_task_ids(&self) -> Option<&[String]> {
        match &self.inner.detail {
            Detail::AlreadyExists { task_ids, .. } => Some(task_ids),
            _ => None,
        }
    }

    pub(crate) fn decode(
        endpoint: Endpoint,
        status: StatusCode,
        reason: impl fmt::Display,
        body: &[u8],
    ) -> Self {
        Error::new(
            ErrorKind::Decode,
            Some(endpoint),
            Detail::Decode {
                status,
                reason: reason.to_string(),
                excerpt: excerpt(body),
            },
        )
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Config, None, Detail::Config(message.into()))
    }

    /// The broad category of this error.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The endpoint path the failed call was for, when there was one.
    pub fn endpoint(&self) -> Option<&'static str> {
        self.inner.endpoint.map(Endpoint::path)
    }

    /// Every violated rule, each with its JSON path, when the request was refused locally.
    pub fn validation_errors(&self) -> Option<&ValidationErrors> {
        match &self.inner.detail {
            Detail::Validation(errors) => Some(errors),
            _ => None,
        }
    }

    /// The gateway's result code, when it answered with a non-zero one.
    pub fn api_code(&self) -> Option<ResultCode> {
        match &self.inner.detail {
            Detail::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The gateway's message, when it answered with a non-zero code.
    pub fn api_message(&self) -> Option<&str> {
        match &self.inner.detail {
            Detail::Api { message, .. } => Some(message),
            _ => None,
        }
    }

    /// The gateway's `traceId`: quote it to NXLink support.
    pub fn trace_id(&self) -> Option<&str> {
        match &self.inner.detail {
            Detail::Api { trace_id, .. } => trace_id.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status of the gateway's answer, when there was one that was not understood.
    pub fn http_status_code(&self) -> Option<StatusCode> {
        match &self.inner.detail {
            Detail::HttpStatus { status, .. } | Detail::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// What may have happened, when a write's outcome is unknown (e.g. "task/create may have
    /// created the task with userTaskId X").
    pub fn unknown_outcome(&self) -> Option<&str> {
        match &self.inner.detail {
            Detail::OutcomeUnknown { what, .. } => Some(what),
            _ => None,
        }
    }

    /// The `Retry-After` the gateway asked for, with a 429 or 503.
    pub fn retry_after(&self) -> Option<Duration> {
        match &self.inner.detail {
            Detail::HttpStatus { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether the request may have taken effect without the client seeing the answer: the
    /// connection broke or timed out after sending, or the gateway answered with a server error
    /// or an unreadable body. Writes in this state are reconciled, not blindly re-sent.
    pub fn is_outcome_unknown(&self) -> bool {
        match &self.inner.detail {
            Detail::Transport(error) => error.request_sent() == RequestSent::Maybe,
            Detail::HttpStatus { status, .. } => {
                status.is_server_error() || *status == StatusCode::REQUEST_TIMEOUT
            }
            Detail::Decode { .. } | Detail::OutcomeUnknown { .. } => true,
            Detail::Validation(_)
            | Detail::Config(_)
            | Detail::Api { .. }
            | Detail::AlreadyExists { .. } => false,
        }
    }

    /// Whether the gateway answered, but with something that is not a valid answer to the
    /// request (an unreadable body, or a code-0 answer that does not account for what was
    /// sent): it may well have acted on the request, so such a write is never re-sent.
    pub fn is_unreadable_answer(&self) -> bool {
        matches!(
            self.inner.detail,
            Detail::Decode { .. } | Detail::OutcomeUnknown { .. }
        )
    }

    /// The transport failure underneath, if that is what this is.
    pub fn transport_error(&self) -> Option<&TransportError> {
        match &self.inner.detail {
            Detail::Transport(error) => Some(error),
            Detail::OutcomeUnknown { cause, .. } => cause.transport_error(),
            _ => None,
        }
    }

    /// Whether the request was refused locally for breaking a documented rule.
    pub fn is_validation(&self) -> bool {
        self.kind() == ErrorKind::Validation
    }

    /// Whether the gateway refused the credentials or signature (codes 1001–1005).
    pub fn is_auth(&self) -> bool {
        self.api_code().is_some_and(|code| code.is_auth_failure())
    }

    /// Whether the gateway refused the `ts` as outside its ±60 s window (code 1004).
    pub fn is_timestamp_expired(&self) -> bool {
        self.api_code() == Some(ResultCode::TimestampExpired)
    }

    /// Whether the gateway refused the signature (code 1003): check the secret and algorithm.
    pub fn is_invalid_signature(&self) -> bool {
        self.api_code() == Some(ResultCode::InvalidSignature)
    }

    /// Whether the gateway refused the access key or its permissions (code 1005).
    pub fn is_insufficient_authority(&self) -> bool {
        self.api_code() == Some(ResultCode::InsufficientAuthority)
    }

    /// Whether the request was authenticated but the operation failed (code 20000).
    pub fn is_business(&self) -> bool {
        self.api_code() == Some(ResultCode::BusinessError)
    }

    /// Whether the exchange timed out.
    pub fn is_timeout(&self) -> bool {
        self.transport_error()
            .is_some_and(TransportError::is_timeout)
    }

    /// Whether no connection to the gateway could be made.
    pub fn is_connect(&self) -> bool {
        self.transport_error()
            .is_some_and(TransportError::is_connect)
    }

    /// Whether the request may have reached the gateway, so its effect is unknown.
    ///
    /// Local refusals and failures before any byte was sent say [`RequestSent::No`]; an answer
    /// from the gateway says [`RequestSent::Maybe`] only in the sense that it certainly arrived.
    pub fn request_sent(&self) -> RequestSent {
        match &self.inner.detail {
            Detail::Validation(_) | Detail::Config(_) | Detail::AlreadyExists { .. } => {
                RequestSent::No
            }
            Detail::Transport(error) => error.request_sent(),
            _ => RequestSent::Maybe,
        }
    }

    /// Whether the client sends the request again after this failure, attempts and deadline
    /// permitting (each attempt re-signed with a fresh `ts`): exactly what its
    /// [`RetryPolicy`](crate::RetryPolicy) acts on.
    ///
    /// True when the request provably never reached the gateway, when the gateway declined it
    /// (429, after the `Retry-After` it asks for), for an expired timestamp (retried once,
    /// after correcting the clock), and for read-only endpoints also when the outcome is
    /// unknown (timeouts, 5xx, unreadable answers). False for a write whose outcome is
    /// unknown: a create or append is reconciled instead, never blindly re-sent.
    pub fn is_retryable(&self) -> bool {
        if self.is_timestamp_expired() {
            return true;
        }
        if self.is_validation() || self.is_auth() || self.is_business() {
            return false;
        }
        if let Some(transport) = self.transport_error() {
            if transport.is_tls() || transport.is_body_too_large() {
                return false;
            }
            if transport.request_sent() == RequestSent::No {
                return true;
            }
        }
        // A 429 is the gateway declining to process the request at all: safe to send again
        // after the wait it asks for, even for a write.
        let throttled = self.http_status_code() == Some(StatusCode::TOO_MANY_REQUESTS);
        let read_only = self
            .inner
            .endpoint
            .is_some_and(|endpoint| endpoint.read_only);
        throttled || (read_only && self.is_outcome_unknown())
    }
}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text
        .chars()
        .take(EXCERPT_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}

fn describe(code: ResultCode) -> &'static str {
    match code {
        ResultCode::MissingCommonParameters => "missing common parameters",
        ResultCode::ParameterError => "parameter error",
        ResultCode::InvalidSignature => "invalid signature: check the access secret and algorithm",
        ResultCode::TimestampExpired => "timestamp expired: check the system clock",
        ResultCode::InsufficientAuthority => {
            "insufficient authority: check the access key and region"
        }
        ResultCode::BusinessError => "business error",
        _ => "error",
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let on = self.endpoint().unwrap_or("the client");
        match &self.inner.detail {
            Detail::Validation(errors) => {
                write!(
                    f,
                    "request to {on} not sent: {} rule(s) violated\n{errors}",
                    errors.len()
                )
            }
            Detail::Transport(error) => write!(f, "transport error on {on}: {error}"),
            Detail::Api {
                code,
                message,
                trace_id,
            } => {
                write!(
                    f,
                    "NXLink error {} ({}) on {on}: {message}",
                    code.as_i64(),
                    describe(*code)
                )?;
                if let Some(trace_id) = trace_id {
                    write!(f, " [traceId {trace_id}]")?;
                }
                Ok(())
            }
            Detail::HttpStatus {
                status, excerpt, ..
            } => {
                write!(f, "HTTP {status} from {on}: {excerpt}")
            }
            Detail::Decode {
                status,
                reason,
                excerpt,
            } => write!(
                f,
                "could not read the answer of {on} (HTTP {status}): {reason}; body starts: {excerpt}"
            ),
            Detail::Config(message) => write!(f, "client configuration: {message}"),
            Detail::AlreadyExists {
                user_task_id,
                task_ids,
            } => write!(
                f,
                "not sent to {on}: the gateway already has a task with userTaskId {user_task_id:?} \
                 ({}); use that task, or give this one another userTaskId",
                task_ids.join(", ")
            ),
            Detail::OutcomeUnknown { what, cause } => {
                write!(f, "outcome unknown on {on}: {what}; because {cause}")
            }
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Same content as Display: nothing here can hold a secret.
        f.debug_struct("Error")
            .field("kind", &self.inner.kind)
            .field("message", &self.to_string())
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.inner.detail {
            Detail::Validation(errors) => Some(errors),
            Detail::Transport(error) => Some(error),
            Detail::OutcomeUnknown { cause, .. } => Some(cause.as_ref()),
            _ => None,
        }
    }
}
