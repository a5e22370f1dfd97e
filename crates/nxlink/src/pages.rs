//! Paged endpoints: fetch one page, or walk every page lazily as a `Stream`.

use futures_util::stream::{self, Stream, StreamExt, TryStreamExt};
use nxlink_model::{Page, PagedRequest};

use crate::client::{Client, Reply};
use crate::error::{Endpoint, Error};

impl Client {
    /// Fetches one page of any paged endpoint, with the answer's trace id. A code-0 answer
    /// that is not a page (no item list and no `total`) is an error, never an empty page.
    pub async fn fetch_page<R: PagedRequest>(
        &self,
        request: &R,
    ) -> Result<Reply<Page<R::Item>>, Error> {
        let Reply {
            data,
            trace_id,
            message,
        } = self.send(request).await?;
        let page = data.ok_or_else(|| {
            Error::decode(
                Endpoint::of::<R>(),
                http::StatusCode::OK,
                "a successful answer carried no page",
                b"",
            )
        })?;
        Ok(Reply {
            data: page,
            trace_id,
            message,
        })
    }

    /// Walks every page lazily, starting at the request's page and stopping at `total`.
    ///
    /// Each page is fetched only when the previous one has been consumed. When the gateway
    /// gives no `total`, the walk stops at the first short or empty page. A gateway whose
    /// pages contradict its `total` ends the walk with an error rather than running on or
    /// stopping short in silence: a page that repeats the one before, an empty or short page
    /// before `total` items were read, or more items than `total`.
    pub fn pages<R>(
        &self,
        request: R,
    ) -> impl Stream<Item = Result<Reply<Page<R::Item>>, Error>> + Send
    where
        R: PagedRequest + Send + Sync + 'static,
        R::Item: Send + PartialEq + Clone,
    {
        let client = self.clone();
        // A walk that starts past the first page counts the pages before it as read.
        let skipped =
            u64::from(request.page_number().saturating_sub(1)) * u64::from(request.page_size());
        let start = Walk {
            next: Some(request),
            previous: PageEnds::default(),
            read: skipped,
        };
        stream::try_unfold(start, move |walk| {
            let client = client.clone();
            async move {
                let Some(request) = walk.next else {
                    return Ok(None);
                };
                let reply = client.fetch_page(&request).await?;
                let page = &reply.data;
                let read = walk.read + page.items.len() as u64;
                let number = request.page_number();
                let inconsistent = |what: String| {
                    Err(Error::decode(
                        Endpoint::of::<R>(),
                        http::StatusCode::OK,
                        format!(
                            "the gateway's pages are inconsistent: {what}; the walk stopped after {read} items"
                        ),
                        b"",
                    ))
                };
                if !page.items.is_empty() && walk.previous.same_as(&page.items) {
                    return inconsistent(format!(
                        "page {number} repeats page {}",
                        number.saturating_sub(1)
                    ));
                }
                let short = page.items.len() < request.page_size() as usize;
                let exhausted = if page.total > 0 {
                    if read > page.total {
                        return inconsistent(format!(
                            "{read} items read, more than the total of {}",
                            page.total
                        ));
                    }
                    if short && read < page.total {
                        return inconsistent(format!(
                            "page {number} holds {} items (asked for {}) though total says {}",
                            page.items.len(),
                            request.page_size(),
                            page.total
                        ));
                    }
                    read >= page.total
                } else {
                    short
                };
                let next = if exhausted {
                    None
                } else {
                    match number.checked_add(1) {
                        Some(following) => Some(request.with_page_number(following)),
                        None => return inconsistent("no page number is left".to_owned()),
                    }
                };
                let previous = PageEnds::of(&page.items);
                Ok(Some((
                    reply,
                    Walk {
                        next,
                        previous,
                        read,
                    },
                )))
            }
        })
    }

    /// Walks every item of every page lazily (see [`Client::pages`]).
    pub fn items<R>(&self, request: R) -> impl Stream<Item = Result<R::Item, Error>> + Send
    where
        R: PagedRequest + Send + Sync + 'static,
        R::Item: Send + PartialEq + Clone,
    {
        self.pages(request)
            .map_ok(|reply| stream::iter(reply.data.items.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }
}

/// Where a page walk stands: the request for the next page (`None` once over), the last
/// page's items (to catch a gateway repeating a page) and how many items were read.
struct Walk<R, T> {
    next: Option<R>,
    previous: PageEnds<T>,
    read: u64,
}

/// A page's first and last items and its length: enough to recognise the page served again.
struct PageEnds<T> {
    ends: Option<(T, T)>,
    len: usize,
}

impl<T> Default for PageEnds<T> {
    fn default() -> Self {
        PageEnds { ends: None, len: 0 }
    }
}

impl<T: PartialEq + Clone> PageEnds<T> {
    fn of(items: &[T]) -> Self {
        PageEnds {
            ends: items.first().cloned().zip(items.last().cloned()),
            len: items.len(),
        }
    }

    fn same_as(&self, items: &[T]) -> bool {
        match &self.ends {
            Some((first, last)) => {
                self.len == items.len()
                    && items.first() == Some(first)
                    && items.last() == Some(last)
            }
            None => false,
        }
    }
}
