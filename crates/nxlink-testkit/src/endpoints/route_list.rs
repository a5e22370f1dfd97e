//! `POST /openapi/aiagent/route/list` (spec §1.2): the catalog's call routes, filtered by a
//! case-insensitive substring of their name, paged.

use nxlink_model::{ListRoutesRequest, Route};

use super::parse;
use crate::common_checks::Caller;
use crate::gateway_state::GatewayState;
use crate::page;
use crate::reply::Reply;

/// Where this endpoint lives.
pub(crate) const PATH: &str = "/openapi/aiagent/route/list";

/// One page of routes.
pub(crate) fn handle(gateway: &GatewayState, _caller: &Caller, body: &[u8]) -> Reply {
    let request: ListRoutesRequest = match parse(body) {
        Ok(request) => request,
        Err(reply) => return reply,
    };
    let routes = gateway.catalog.routes(request.route_name.as_deref());
    let page = page::cut(routes, request.page_number, request.page_size, |route| {
        Route {
            route_id: route.id.clone(),
            route_name: Some(route.name.clone()),
            extra: serde_json::Map::new(),
        }
    });
    page::reply(&page, gateway.page_shape, "routes")
}
