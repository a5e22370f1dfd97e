//! One HTTP request in, one answer out: read the body (capped), route, check the common
//! headers, run the endpoint, record the exchange.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http::{Method, Request, Response};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Body, Incoming};

use crate::backend::Backend;
use crate::date::http_date;
use crate::endpoints;
use crate::gateway;
use crate::recorder::RecordedRequest;
use crate::reply::Reply;

/// Answers one request. Never fails: every problem becomes an envelope.
pub(crate) async fn serve(
    backend: Arc<Backend>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let received_at_ms = backend.clock.now_ms();
    let (parts, incoming) = request.into_parts();
    let (body, reply) = match read_body(incoming, backend.max_body_bytes).await {
        Ok(body) => {
            let reply = decide(
                &backend,
                &parts.method,
                parts.uri.path(),
                &parts.headers,
                &body,
            );
            (body, reply)
        }
        Err(reply) => (Bytes::new(), reply),
    };

    let trace_id = backend.ids.trace_id();
    if backend.log_requests {
        eprintln!(
            "{} {} -> HTTP {}, code {}: {} (traceId {trace_id})",
            parts.method,
            parts.uri.path(),
            reply.status.as_u16(),
            reply.code.as_i64(),
            reply.reason
        );
    }
    backend.recorder.record(RecordedRequest {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        headers: parts.headers,
        body,
        received_at_ms,
        http_status: reply.status.as_u16(),
        code: reply.code.as_i64(),
        message: reply.message.clone(),
        trace_id: trace_id.clone(),
        reason: reply.reason.clone(),
    });
    Ok(reply.into_response(&trace_id, &http_date(backend.clock.now_ms())))
}

/// Routing first (404, 405), then the gateway's checks, then the endpoint.
fn decide(
    backend: &Backend,
    method: &Method,
    path: &str,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Reply {
    let Some(handler) = endpoints::route(path) else {
        return Reply::not_found(path);
    };
    if method != Method::POST {
        return Reply::method_not_allowed(method);
    }
    match gateway::authenticate(headers, body, &backend.accounts, backend.clock.now_ms()) {
        Ok(caller) => handler(backend, &caller, body),
        Err(reply) => reply,
    }
}

/// Reads the whole body, refusing one over `limit` bytes without buffering the rest: a
/// declared length over the cap is refused before a single byte is read.
async fn read_body(incoming: Incoming, limit: usize) -> Result<Bytes, Reply> {
    let declared = incoming.size_hint().lower();
    if usize::try_from(declared).map_or(true, |declared| declared > limit) {
        return Err(Reply::too_large(limit));
    }
    match Limited::new(incoming, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
            Err(Reply::too_large(limit))
        }
        Err(error) => Err(Reply::unreadable_body(&error)),
    }
}
