//! `nxlink.Records`: every record of a list endpoint, page after page, fetched lazily by the
//! Rust client's page walk (which stops at `total` and refuses a gateway whose pages
//! contradict it).
//!
//! The walk borrows its client, so it runs as a task on the shared runtime that owns a clone
//! of the client; the iterator asks it for each next page over a channel, so a page is still
//! fetched only when the records before it were consumed. Dropping the iterator ends the task.

use std::collections::VecDeque;
use std::pin::pin;
use std::sync::Mutex;

use futures_util::StreamExt;
use nxlink_model::PagedRequest;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use serde::Serialize;
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

use crate::errors::client_error;
use crate::json_objects::to_python;
use crate::runtime::{block_on, spawn};

/// Why a page walk stopped short.
enum WalkError {
    /// The client's call failed.
    Client(nxlink::Error),
    /// A record could not be represented (not expected of the model's types).
    Record(serde_json::Error),
}

/// The next page's records; `None` once the walk is over.
type NextPage = Option<Result<Vec<Value>, WalkError>>;

/// Where a walk stands: how to ask for the next page, the records of the last page not yet
/// handed out, and whether the walk is over.
struct Walk {
    asks: mpsc::Sender<oneshot::Sender<NextPage>>,
    buffered: VecDeque<Value>,
    finished: bool,
}

/// An iterator over every record (a dict) of a list endpoint; each page is fetched, with the
/// GIL released, only when the records before it were consumed.
#[pyclass(frozen, module = "nxlink", name = "Records")]
pub(crate) struct Records {
    endpoint: &'static str,
    walk: Mutex<Walk>,
}

/// A page's records as JSON values.
fn values<T: Serialize>(items: &[T]) -> Result<Vec<Value>, WalkError> {
    items
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<_, _>>()
        .map_err(WalkError::Record)
}

impl Records {
    /// The records of `request` and the pages after it.
    pub(crate) fn new<R>(client: &nxlink::Client, request: R) -> PyResult<Self>
    where
        R: PagedRequest + Send + Sync + 'static,
        R::Item: Send + PartialEq + Clone + Serialize,
    {
        let client = client.clone();
        let (asks, mut questions) = mpsc::channel::<oneshot::Sender<NextPage>>(1);
        spawn(async move {
            let mut pages = pin!(client.pages(request));
            while let Some(answer) = questions.recv().await {
                let page = pages.next().await.map(|page| match page {
                    Ok(reply) => values(&reply.data.items),
                    Err(error) => Err(WalkError::Client(error)),
                });
                let over = page.is_none();
                if answer.send(page).is_err() || over {
                    break;
                }
            }
        })?;
        Ok(Records {
            endpoint: R::PATH,
            walk: Mutex::new(Walk {
                asks,
                buffered: VecDeque::new(),
                finished: false,
            }),
        })
    }
}

/// Asks the walk's task for the next page; `None` when it is over (or gone).
async fn next_page(asks: &mpsc::Sender<oneshot::Sender<NextPage>>) -> NextPage {
    let (answer, page) = oneshot::channel();
    asks.send(answer).await.ok()?;
    page.await.ok().flatten()
}

#[pymethods]
impl Records {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        // Like a generator already running: a second thread is told, not blocked.
        let Ok(mut walk) = self.walk.try_lock() else {
            return Err(PyRuntimeError::new_err(
                "this Records iterator is already in use by another thread",
            ));
        };
        loop {
            if let Some(value) = walk.buffered.pop_front() {
                return to_python(py, &value).map(Some);
            }
            if walk.finished {
                return Ok(None);
            }
            match block_on(py, next_page(&walk.asks))? {
                Some(Ok(records)) => walk.buffered.extend(records),
                None => walk.finished = true,
                Some(Err(error)) => {
                    walk.finished = true;
                    return Err(match error {
                        WalkError::Client(error) => client_error(py, &error),
                        WalkError::Record(error) => PyRuntimeError::new_err(format!(
                            "a record of {} could not be represented: {error}",
                            self.endpoint
                        )),
                    });
                }
            }
        }
    }

    fn __repr__(&self) -> String {
        format!("<nxlink.Records of {}>", self.endpoint)
    }
}
