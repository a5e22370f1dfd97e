//! The endpoints the emulator serves, one module each. Adding one is a new module and one
//! arm in [`route`].

mod call_append;
mod call_list;
mod flow_list;
mod order_delete;
mod route_list;
mod task_create;
mod task_list;

use nxlink_model::{ApiRequest, decode};
use serde::de::DeserializeOwned;

use crate::common_checks::Caller;
use crate::gateway_state::GatewayState;
use crate::import::refusal;
use crate::reply::Reply;

/// An endpoint's handler: runs after the common checks passed, with the exact body bytes.
pub(crate) type Handler = fn(&GatewayState, &Caller, &[u8]) -> Reply;

/// The handler serving `path`, if the gateway has such an endpoint.
pub(crate) fn route(path: &str) -> Option<Handler> {
    match path {
        flow_list::PATH => Some(flow_list::handle),
        route_list::PATH => Some(route_list::handle),
        task_create::PATH => Some(task_create::handle),
        task_list::PATH => Some(task_list::handle),
        call_append::PATH => Some(call_append::handle),
        order_delete::PATH => Some(order_delete::handle),
        call_list::PATH => Some(call_list::handle),
        _ => None,
    }
}

/// Reads a request with the model and checks its rules, as the SDK does before sending:
/// 1002 for JSON that does not fit, 20000 listing every violation.
fn parse<R: ApiRequest + DeserializeOwned>(body: &[u8]) -> Result<R, Reply> {
    decode(body).map_err(refusal)
}

/// Runs `handler` on the body, which must hold a JSON object: every request body is one,
/// and serde would otherwise read an array as a struct's fields in order.
pub(crate) fn run(handler: Handler, gateway: &GatewayState, caller: &Caller, body: &[u8]) -> Reply {
    let first = body.iter().find(|byte| !byte.is_ascii_whitespace());
    if first.is_some_and(|&byte| byte != b'{') {
        return Reply::parameter_error("the body must be a JSON object");
    }
    handler(gateway, caller, body)
}

/// A count as the `u64` the model's results carry.
fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nxlink_model::{
        AppendContactsRequest, CreateTaskRequest, DeleteContactRequest, ListCallsRequest,
        ListFlowsRequest, ListRoutesRequest, ListTasksRequest,
    };

    #[test]
    fn paths_match_the_model() {
        for path in [
            ListFlowsRequest::PATH,
            ListRoutesRequest::PATH,
            CreateTaskRequest::PATH,
            ListTasksRequest::PATH,
            AppendContactsRequest::PATH,
            DeleteContactRequest::PATH,
            ListCallsRequest::PATH,
        ] {
            assert!(route(path).is_some(), "{path}");
        }
        assert!(route("/openapi/aiagent/call/delete").is_none());
    }
}
