//! `POST /openapi/aiagent/call/list` (spec §4.1): the call records of one of the caller's
//! tasks, oldest first, paged. `startTs`/`endTs` bound `callStart` (epoch seconds,
//! inclusive); `phone` matches a substring of `calleePhone`; `callId` and `callResult`
//! match exactly, `userIntent` ignoring case; `minElapsed`/`maxElapsed` bound `callElapsed`.
//! Unknown task → 20000 `task not found`.

use nxlink_model::{CallRecord, ListCallsRequest};

use super::parse;
use crate::common_checks::Caller;
use crate::gateway_state::GatewayState;
use crate::page;
use crate::reply::Reply;

/// Where this endpoint lives.
pub(crate) const PATH: &str = "/openapi/aiagent/call/list";

/// One page of a task's call records.
pub(crate) fn handle(gateway: &GatewayState, caller: &Caller, body: &[u8]) -> Reply {
    let request: ListCallsRequest = match parse(body) {
        Ok(request) => request,
        Err(reply) => return reply,
    };
    let page = gateway.tasks.with(|table| {
        let entry = table.owned(&caller.access_key, &request.task_id)?;
        let calls = entry.calls.iter().filter(|call| selected(call, &request));
        Some(page::cut(
            calls,
            request.page_number,
            request.page_size,
            CallRecord::clone,
        ))
    });
    match page {
        Some(page) => page::reply(&page, gateway.page_shape, "call records"),
        None => Reply::business("task not found"),
    }
}

/// True when the record passes every filter of the request.
fn selected(call: &CallRecord, request: &ListCallsRequest) -> bool {
    let start = call.call_start.unwrap_or_default();
    let elapsed = call.call_elapsed.unwrap_or_default();
    request.start_ts.is_none_or(|from| start >= from)
        && request.end_ts.is_none_or(|to| start <= to)
        && request
            .call_id
            .as_deref()
            .is_none_or(|id| call.call_id.as_deref() == Some(id))
        && request.phone.as_deref().is_none_or(|phone| {
            call.callee_phone
                .as_deref()
                .is_some_and(|callee| callee.contains(phone))
        })
        && request
            .call_result
            .is_none_or(|result| call.call_result == Some(result.0))
        && request.user_intent.as_deref().is_none_or(|intent| {
            call.user_intent
                .as_deref()
                .is_some_and(|tag| tag.eq_ignore_ascii_case(intent))
        })
        && request.min_elapsed.is_none_or(|min| elapsed >= min)
        && request.max_elapsed.is_none_or(|max| elapsed <= max)
}
