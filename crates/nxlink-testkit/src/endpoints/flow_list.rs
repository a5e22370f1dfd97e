//! `POST /openapi/aiagent/flow/list` (spec §1.1): the catalog's AI agents, filtered by a
//! case-insensitive substring of their name, paged.

use nxlink_model::{Flow, ListFlowsRequest};

use super::parse;
use crate::common_checks::Caller;
use crate::gateway_state::GatewayState;
use crate::page;
use crate::reply::Reply;

/// Where this endpoint lives.
pub(crate) const PATH: &str = "/openapi/aiagent/flow/list";

/// One page of agents.
pub(crate) fn handle(gateway: &GatewayState, _caller: &Caller, body: &[u8]) -> Reply {
    let request: ListFlowsRequest = match parse(body) {
        Ok(request) => request,
        Err(reply) => return reply,
    };
    let flows = gateway.catalog.flows(request.name.as_deref());
    let page = page::cut(flows, request.page_number, request.page_size, |flow| Flow {
        auto_flow_id: flow.id,
        auto_flow_name: Some(flow.name.clone()),
        extra: serde_json::Map::new(),
    });
    page::reply(&page, gateway.page_shape, "agents")
}
