//! `write_body` writes exactly the bytes `serde_json::to_writer` writes (and `encode`
//! produces) for every request type the SDK sends.
//!
//! `PROPTEST_CASES` sets the case count.

use nxlink_model::{AppendContactsRequest, CreateTaskRequest, write_body};
use proptest::prelude::*;
use serde::Serialize;

#[path = "window_properties/strategies.rs"]
#[allow(
    dead_code,
    reason = "shared with window_properties, which uses the rest"
)]
mod strategies;

#[path = "request_properties/strategies.rs"]
#[allow(
    dead_code,
    reason = "shared with request_properties, which uses the rest"
)]
mod request_strategies;

fn same_bytes<R: nxlink_model::ApiRequest + Serialize>(request: &R) -> Result<(), TestCaseError> {
    let mut ours = Vec::new();
    write_body(request, &mut ours).map_err(|error| TestCaseError::fail(error.to_string()))?;
    let theirs =
        serde_json::to_vec(request).map_err(|error| TestCaseError::fail(error.to_string()))?;
    prop_assert_eq!(
        String::from_utf8_lossy(&ours),
        String::from_utf8_lossy(&theirs)
    );
    if request.validate().is_ok() {
        let encoded = nxlink_model::encode(request)
            .map_err(|error| TestCaseError::fail(error.to_string()))?;
        prop_assert_eq!(encoded, ours);
    }
    Ok(())
}

proptest! {
    #[test]
    fn creates(request in strategies::request(), head in 0usize..7) {
        let request: CreateTaskRequest = request;
        same_bytes(&request)?;
        same_bytes(&request.head(head))?;
    }

    #[test]
    fn appends(request in request_strategies::append()) {
        let request: AppendContactsRequest = request;
        same_bytes(&request)?;
    }
}
