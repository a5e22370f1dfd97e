//! What the emulator answers: an HTTP status plus the common envelope
//! `{"code","message","traceId","data"}`, and why it answered so.

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use http_body_util::Full;
use nxlink_model::{ApiResponse, ResultCode};
use serde::Serialize;
use serde_json::Value;

/// One answer, before the trace id and `Date` are stamped on it.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) code: ResultCode,
    pub(crate) message: String,
    pub(crate) data: Option<Value>,
    /// Plain-English cause, for the request log only.
    pub(crate) reason: String,
    /// Ask the client to close the connection (the request body was left unread).
    pub(crate) close: bool,
    /// Advertise the allowed method (405 answers).
    pub(crate) allow_post: bool,
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
            data: None,
            reason,
            close: false,
            allow_post: false,
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
                data: Some(data),
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
            allow_post: true,
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

    /// The HTTP response: envelope JSON, `Content-Type`, and the emulator's `Date`.
    pub(crate) fn into_response(self, trace_id: &str, date: &str) -> Response<Full<Bytes>> {
        let envelope = ApiResponse {
            code: self.code,
            message: self.message,
            trace_id: Some(trace_id.to_owned()),
            data: self.data,
        };
        let body = serde_json::to_vec(&envelope).unwrap_or_else(|_| {
            format!(r#"{{"code":20000,"message":"internal error","traceId":"{trace_id}"}}"#)
                .into_bytes()
        });
        let mut response = Response::new(Full::new(Bytes::from(body)));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Ok(date) = HeaderValue::from_str(date) {
            headers.insert(header::DATE, date);
        }
        if self.allow_post {
            headers.insert(header::ALLOW, HeaderValue::from_static("POST"));
        }
        if self.close {
            headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}
