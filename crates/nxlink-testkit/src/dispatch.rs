//! One HTTP request in, one answer out: count it for fault rules, read the body (capped),
//! route, check the common headers, run the endpoint, record the exchange, and let an
//! injected fault spoil the answer.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use bytes::Bytes;
use http::{Method, Request, Response};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Body, Incoming};
use nxlink_model::ResultCode;

use crate::common_checks;
use crate::date::http_date;
use crate::endpoints;
use crate::faultable_stream::{Takeover, Wire};
use crate::faults::Fault;
use crate::gateway_state::GatewayState;
use crate::recorder::RecordedRequest;
use crate::reply::{Rendered, Reply};

/// Answers one request. Never fails: every problem becomes an envelope (or, when a fault
/// says so, a broken answer or none).
pub(crate) async fn serve(
    gateway: Arc<GatewayState>,
    wire: Wire,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let fault = gateway.faults.on_request(request.uri().path());
    match &fault {
        Some(Fault::Delay(pause)) => tokio::time::sleep(*pause).await,
        Some(Fault::SkewClock(skew_ms)) => gateway.skew_ms.store(*skew_ms, Ordering::SeqCst),
        _ => {}
    }
    let received_at_ms = gateway.now_ms();
    let (parts, incoming) = request.into_parts();
    let trace_id = gateway.ids.trace_id();
    let mut exchange = RecordedRequest {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        headers: parts.headers,
        body: Bytes::new(),
        received_at_ms,
        http_status: 0,
        code: 0,
        message: String::new(),
        trace_id,
        reason: String::new(),
        fault: fault.clone(),
    };
    if fault == Some(Fault::CloseBeforeReading) {
        exchange.reason = "fault: connection closed before reading the body".to_owned();
        log(&gateway, &exchange);
        gateway.recorder.record(exchange);
        wire.take_over(Takeover::Close);
        return Ok(Response::new(Full::default()));
    }

    let reply = match read_body(incoming, gateway.max_body_bytes).await {
        Ok(body) => {
            exchange.body = body;
            match &fault {
                Some(Fault::Status(status)) => {
                    Reply::http_error(*status, "fault: HTTP error status, not processed")
                }
                Some(Fault::TooManyRequests { retry_after }) => {
                    Reply::too_many_requests(*retry_after, "fault: throttled, not processed")
                }
                Some(Fault::TimestampExpiredOnce) => Reply::auth(
                    ResultCode::TimestampExpired,
                    "fault: timestamp refused whatever its value, not processed",
                ),
                _ => decide(&gateway, &exchange),
            }
        }
        Err(reply) => reply,
    };
    exchange.http_status = reply.status.as_u16();
    exchange.code = reply.code.as_i64();
    exchange.message.clone_from(&reply.message);
    exchange.reason.clone_from(&reply.reason);
    log(&gateway, &exchange);
    let rendered = reply.render(&exchange.trace_id, &http_date(gateway.now_ms()));
    gateway.recorder.record(exchange);
    Ok(spoil(rendered, fault.as_ref(), &wire))
}

/// Lets a fault that acts after processing spoil the answer.
fn spoil(rendered: Rendered, fault: Option<&Fault>, wire: &Wire) -> Response<Full<Bytes>> {
    let length = rendered.body.len();
    match fault {
        Some(Fault::CloseAfterProcessing) => wire.take_over(Takeover::Close),
        Some(Fault::MalformedJson) => {
            let body = rendered.body.slice(..length / 2);
            return Rendered { body, ..rendered }.into_response();
        }
        Some(Fault::TruncatedBody) => {
            let sent = rendered.body.get(..length / 2).unwrap_or_default();
            wire.take_over(Takeover::Raw(rendered.raw(length, sent)));
        }
        Some(Fault::WrongContentLength) => {
            wire.take_over(Takeover::Raw(rendered.raw(length / 2, &rendered.body)));
        }
        _ => return rendered.into_response(),
    }
    // The connection's next write is replaced: what hyper writes from here never leaves.
    Response::new(Full::default())
}

fn log(gateway: &GatewayState, exchange: &RecordedRequest) {
    if gateway.log_requests {
        eprintln!(
            "{} {} -> HTTP {}, code {}: {} (traceId {})",
            exchange.method,
            exchange.path,
            exchange.http_status,
            exchange.code,
            exchange.reason,
            exchange.trace_id
        );
    }
}

/// Routing first (404, 405), then the gateway's checks, then the endpoint.
fn decide(gateway: &GatewayState, exchange: &RecordedRequest) -> Reply {
    let Some(handler) = endpoints::route(&exchange.path) else {
        return Reply::not_found(&exchange.path);
    };
    if exchange.method != Method::POST {
        return Reply::method_not_allowed(&exchange.method);
    }
    match common_checks::authenticate(
        &exchange.headers,
        &exchange.body,
        &gateway.accounts,
        gateway.now_ms(),
    ) {
        Ok(caller) => endpoints::run(handler, gateway, &caller, &exchange.body),
        Err(reply) => reply,
    }
}

/// A client gets this long to send a body once its headers arrived (drip-fed bodies end).
const BODY_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Reads the whole body, refusing one over `limit` bytes without buffering the rest: a
/// declared length over the cap is refused before a single byte is read.
async fn read_body(incoming: Incoming, limit: usize) -> Result<Bytes, Reply> {
    let declared = incoming.size_hint().lower();
    if usize::try_from(declared).map_or(true, |declared| declared > limit) {
        return Err(Reply::too_large(limit));
    }
    let collected =
        tokio::time::timeout(BODY_READ_TIMEOUT, Limited::new(incoming, limit).collect());
    let Ok(collected) = collected.await else {
        let slow = std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!(
                "the body took longer than {} s",
                BODY_READ_TIMEOUT.as_secs()
            ),
        );
        return Err(Reply::unreadable_body(&slow));
    };
    match collected {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
            Err(Reply::too_large(limit))
        }
        Err(error) => Err(Reply::unreadable_body(&error)),
    }
}
