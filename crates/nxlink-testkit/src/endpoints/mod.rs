//! The endpoints the emulator serves, one module each. Adding one is a new module and one
//! arm in [`route`].

mod task_create;

use crate::backend::Backend;
use crate::gateway::Caller;
use crate::reply::Reply;

/// An endpoint's handler: runs after the common checks passed, with the exact body bytes.
pub(crate) type Handler = fn(&Backend, &Caller, &[u8]) -> Reply;

/// The handler serving `path`, if the gateway has such an endpoint.
pub(crate) fn route(path: &str) -> Option<Handler> {
    match path {
        task_create::PATH => Some(task_create::handle),
        _ => None,
    }
}
