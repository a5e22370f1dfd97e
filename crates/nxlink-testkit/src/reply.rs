//! What the emulator answers: an HTTP status plus the common envelope
//! `{"code","message","traceId","data"}`, and why it answered so.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use http_body_util::Full;
use nxlink_model::{ApiResponse, ResultCode};
use serde::Serialize;
use serde_json::{Map, Value};

/// One answer, before the trace id and `Date` are stamped on it.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) code: ResultCode,
    pub(crate) message: String,
    pub(crate) payload: Payload,
    /// Plain-English cause, for the request log only.
    pub(crate) reason: String,
    /// Ask the client to close the connection (the request body was left unread).
    pub(crate) close: bool,
    /// A header beyond `Content-Type` and `Date`.
    pub(crate) header: Option<ExtraHeader>,
}

/// The headers some answers add.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExtraHeader {
    /// `Allow: POST`, on 405 answers.
    AllowPost,
    /// `Retry-After: <seconds>`, on 429 answers.
    RetryAfter(u64),
}

/// What the body carries besides `code`, `message` and `traceId`.
#[derive(Debug)]
pub(crate) enum Payload {
    /// No `data` key.
    Nothing,
    /// `data`, `null` included.
    Data(Value),
    /// Keys at the top level of the envelope, next to `code` (the OAS page shape).
    TopLevel(Map<String, Value>),
    /// Not an envelope at all: the HTML page a proxy in front of the gateway answers.
    Html(String),
}

/// An answer ready for the wire.
#[derive(Debug)]
pub(crate) struct Rendered {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// The documented message of an authentication code (spec signing.md §6).
fn auth_message(code: ResultCode) -> &'static str {
    match code {
        ResultCode::MissingCommonParameters => "Authentication failed (missing public parameters)",
        ResultCode::ParameterError => "Authentication failed (parameter error)",
        ResultCode::InvalidSignature => "Authentication failed (invalid signature)",
        ResultCode::TimestampExpired => "Authentication failed (timestamp expired)",
        ResultCode::InsufficientAuthority => "Authentication failed (insufficient authority)",
        _ => "Authentication failed",
    }
}

impl Reply {
    fn new(status: StatusCode, code: ResultCode, message: String, reason: String) -> Self {
        Reply {
            status,
            code,
            message,
            payload: Payload::Nothing,
            reason,
            close: false,
            header: None,
        }
    }

    /// An authentication refusal: the documented message on the wire, the cause in the log.
    pub(crate) fn auth(code: ResultCode, reason: impl Into<String>) -> Self {
        Reply::new(
            StatusCode::OK,
            code,
            auth_message(code).to_owned(),
            reason.into(),
        )
    }

    /// 1002 for a body the gateway cannot read at all; the message says why.
    pub(crate) fn parameter_error(detail: impl Into<String>) -> Self {
        let detail = detail.into();
        Reply::new(
            StatusCode::OK,
            ResultCode::ParameterError,
            format!("parameter error: {detail}"),
            detail,
        )
    }

    /// 20000: the request is understood but a business rule refuses it.
    pub(crate) fn business(message: impl Into<String>) -> Self {
        let message = message.into();
        let reason = format!("business rule: {message}");
        Reply::new(StatusCode::OK, ResultCode::BusinessError, message, reason)
    }

    /// Code 0 with `data`.
    pub(crate) fn success(data: &impl Serialize, reason: impl Into<String>) -> Self {
        match serde_json::to_value(data) {
            Ok(data) => Reply {
                payload: Payload::Data(data),
                ..Reply::new(
                    StatusCode::OK,
                    ResultCode::Success,
                    "success".to_owned(),
                    reason.into(),
                )
            },
            Err(error) => Reply::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                ResultCode::BusinessError,
                "internal error".to_owned(),
                format!("could not serialize the answer: {error}"),
            ),
        }
    }

    /// HTTP 404 for a path the gateway does not serve; the envelope mirrors the status.
    pub(crate) fn not_found(path: &str) -> Self {
        let shown: String = path.chars().take(200).collect();
        Reply::new(
            StatusCode::NOT_FOUND,
            ResultCode::Other(404),
            format!("Not Found: {shown}"),
            "no such endpoint".to_owned(),
        )
    }

    /// HTTP 405 (with `Allow: POST`) and 1002: every endpoint is POST-only.
    pub(crate) fn method_not_allowed(method: &http::Method) -> Self {
        Reply {
            header: Some(ExtraHeader::AllowPost),
            ..Reply::new(
                StatusCode::METHOD_NOT_ALLOWED,
                ResultCode::ParameterError,
                format!("Request method '{method}' not supported; use POST"),
                format!("method {method} instead of POST"),
            )
        }
    }

    /// HTTP 413 and 1002 for a body over the cap, answered without reading the rest.
    pub(crate) fn too_large(limit: usize) -> Self {
        Reply {
            close: true,
            ..Reply::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ResultCode::ParameterError,
                format!("parameter error: request body exceeds {limit} bytes"),
                format!("body over the {limit}-byte cap"),
            )
        }
    }

    /// HTTP 400 and 1002 when the body could not be received (broken chunking, reset).
    pub(crate) fn unreadable_body(error: &dyn std::fmt::Display) -> Self {
        Reply {
            close: true,
            ..Reply::new(
                StatusCode::BAD_REQUEST,
                ResultCode::ParameterError,
                "parameter error: the request body could not be read".to_owned(),
                format!("body could not be read: {error}"),
            )
        }
    }

    /// An answer from something in front of the gateway (a load balancer, a proxy): this
    /// HTTP status with a short HTML body and no envelope. The recorded code is the status.
    /// A value that cannot be a final status (below 200 or above 999) becomes 500.
    pub(crate) fn http_error(status: u16, reason: impl Into<String>) -> Self {
        let status = StatusCode::from_u16(status)
            .ok()
            .filter(|status| !status.is_informational())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let title = format!(
            "{} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("Error")
        );
        Reply {
            payload: Payload::Html(format!(
                "<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>\n"
            )),
            ..Reply::new(
                status,
                ResultCode::Other(i64::from(status.as_u16())),
                title.clone(),
                reason.into(),
            )
        }
    }

    /// HTTP 429 with `Retry-After` in whole seconds (rounded up).
    pub(crate) fn too_many_requests(retry_after: Duration, reason: impl Into<String>) -> Self {
        let seconds = retry_after
            .as_secs()
            .saturating_add(u64::from(retry_after.subsec_nanos() > 0));
        Reply {
            header: Some(ExtraHeader::RetryAfter(seconds)),
            ..Reply::http_error(429, reason)
        }
    }

    /// The bytes and headers to send, with the trace id and `Date` stamped on.
    pub(crate) fn render(self, trace_id: &str, date: &str) -> Rendered {
        let (content_type, body) = match self.payload {
            Payload::Html(page) => ("text/html; charset=utf-8", page.into_bytes()),
            payload => (
                "application/json",
                envelope(self.code, self.message, trace_id, payload),
            ),
        };
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        if let Ok(date) = HeaderValue::from_str(date) {
            headers.insert(header::DATE, date);
        }
        match self.header {
            Some(ExtraHeader::AllowPost) => {
                headers.insert(header::ALLOW, HeaderValue::from_static("POST"));
            }
            Some(ExtraHeader::RetryAfter(seconds)) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            None => {}
        }
        if self.close {
            headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        Rendered {
            status: self.status,
            headers,
            body: Bytes::from(body),
        }
    }
}

/// The envelope JSON: `code`, `message`, `traceId`, then `data` or the top-level keys.
fn envelope(code: ResultCode, message: String, trace_id: &str, payload: Payload) -> Vec<u8> {
    let (data, top_level) = match payload {
        Payload::Data(data) => (Some(data), None),
        Payload::TopLevel(keys) => (None, Some(keys)),
        Payload::Nothing | Payload::Html(_) => (None, None),
    };
    let envelope = ApiResponse {
        code,
        message,
        trace_id: Some(trace_id.to_owned()),
        data,
    };
    let written = match top_level {
        None => serde_json::to_vec(&envelope),
        Some(keys) => serde_json::to_value(&envelope).and_then(|mut value| {
            if let Value::Object(map) = &mut value {
                map.extend(keys);
            }
            serde_json::to_vec(&value)
        }),
    };
    written.unwrap_or_else(|_| {
        format!(r#"{{"code":20000,"message":"internal error","traceId":"{trace_id}"}}"#)
            .into_bytes()
    })
}

impl Rendered {
    /// The response for hyper to write.
    pub(crate) fn into_response(self) -> Response<Full<Bytes>> {
        let mut response = Response::new(Full::new(self.body));
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers;
        response
    }

    /// Hand-made HTTP/1.1 bytes: these headers with `content_length` declared whatever the
    /// body's real length, `body`, and `Connection: close`. For faults hyper refuses to write.
    pub(crate) fn raw(&self, content_length: usize, body: &[u8]) -> Bytes {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\n",
            self.status.as_u16(),
            self.status.canonical_reason().unwrap_or("Unknown")
        );
        for (name, value) in &self.headers {
            if name != header::CONNECTION {
                head.push_str(&format!(
                    "{name}: {}\r\n",
                    String::from_utf8_lossy(value.as_bytes())
                ));
            }
        }
        head.push_str(&format!(
            "content-length: {content_length}\r\nconnection: close\r\n\r\n"
        ));
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body);
        Bytes::from(bytes)
    }
}
