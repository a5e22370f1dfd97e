//! Call records (`call/list`).

use futures_util::Stream;
use nxlink_model::{CallRecord, ListCallsRequest, Page};

use crate::client::{Client, Reply};
use crate::error::Error;

impl Client {
    /// One page of a task's call records (`call/list`).
    pub async fn list_calls(
        &self,
        request: &ListCallsRequest,
    ) -> Result<Reply<Page<CallRecord>>, Error> {
        self.fetch_page(request).await
    }

    /// Every call record matching the request, page after page, lazily.
    pub fn all_calls(
        &self,
        request: ListCallsRequest,
    ) -> impl Stream<Item = Result<CallRecord, Error>> + Send {
        self.items(request)
    }
}
