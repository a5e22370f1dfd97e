//! Paged endpoints: fetch one page, or walk every page lazily as a `Stream`.

use futures_util::stream::{self, Stream, StreamExt, TryStreamExt};
use nxlink_model::{Page, PagedRequest};

use crate::client::Client;
use crate::error::Error;

impl Client {
    /// Fetches one page of any paged endpoint.
    pub async fn fetch_page<R: PagedRequest>(&self, request: &R) -> Result<Page<R::Item>, Error> {
        Ok(self.send(request).await?.data.unwrap_or_default())
    }

    /// Walks every page lazily, starting at the request's page and stopping at `total`.
    ///
    /// Each page is fetched only when the previous one has been consumed. When the gateway
    /// gives no `total`, the walk stops at the first short or empty page.
    pub fn pages<R>(&self, request: R) -> impl Stream<Item = Result<Page<R::Item>, Error>> + Send
    where
        R: PagedRequest + Send + Sync + 'static,
        R::Item: Send,
    {
        let client = self.clone();
        // The state is the request for the next page; `None` once the walk is over.
        stream::try_unfold(Some(request), move |next| {
            let client = client.clone();
            async move {
                let Some(request) = next else {
                    return Ok(None);
                };
                let page = client.fetch_page(&request).await?;
                // Counted from the request's own position, so a walk that starts past the
                // first page also stops at `total`.
                let through = u64::from(request.page_number()) * u64::from(request.page_size());
                let exhausted = if page.total > 0 {
                    through >= page.total
                } else {
                    page.items.len() < request.page_size() as usize
                };
                let following = (!page.items.is_empty() && !exhausted).then(|| {
                    let number = request.page_number().saturating_add(1);
                    request.with_page_number(number)
                });
                Ok(Some((page, following)))
            }
        })
    }

    /// Walks every item of every page lazily (see [`Client::pages`]).
    pub fn items<R>(&self, request: R) -> impl Stream<Item = Result<R::Item, Error>> + Send
    where
        R: PagedRequest + Send + Sync + 'static,
        R::Item: Send,
    {
        self.pages(request)
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }
}
