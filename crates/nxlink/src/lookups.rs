//! Lookups: the account's AI agents (`flow/list`) and call routes (`route/list`).

use futures_util::Stream;
use nxlink_model::{Flow, ListFlowsRequest, ListRoutesRequest, Page, Route};

use crate::client::{Client, Reply};
use crate::error::Error;

impl Client {
    /// One page of AI agents (`flow/list`); their `autoFlowId` is what tasks need.
    pub async fn list_flows(&self, request: &ListFlowsRequest) -> Result<Reply<Page<Flow>>, Error> {
        self.fetch_page(request).await
    }

    /// Every AI agent matching the request, page after page, lazily.
    pub fn all_flows(
        &self,
        request: ListFlowsRequest,
    ) -> impl Stream<Item = Result<Flow, Error>> + Send {
        self.items(request)
    }

    /// One page of call routes (`route/list`); their `routeId` is what tasks need.
    pub async fn list_routes(
        &self,
        request: &ListRoutesRequest,
    ) -> Result<Reply<Page<Route>>, Error> {
        self.fetch_page(request).await
    }

    /// Every call route matching the request, page after page, lazily.
    pub fn all_routes(
        &self,
        request: ListRoutesRequest,
    ) -> impl Stream<Item = Result<Route, Error>> + Send {
        self.items(request)
    }
}
