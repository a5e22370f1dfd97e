//! Assertions shared by the rule tests of the list, append and delete requests.

use nxlink_model::{ApiRequest, ValidationErrors, encode};

/// Asserts that `request` fails with violations at `path` only, and returns them.
#[track_caller]
pub(crate) fn only_at<R: ApiRequest>(request: &R, path: &str) -> ValidationErrors {
    let errors = request.validate().expect_err("request should be invalid");
    assert!(
        errors.iter().all(|v| v.path() == path),
        "expected only {path}, got:\n{errors}"
    );
    errors
}

#[track_caller]
pub(crate) fn valid<R: ApiRequest>(request: &R) {
    if let Err(errors) = request.validate() {
        panic!("expected valid, got:\n{errors}");
    }
}

#[track_caller]
pub(crate) fn paths(errors: &ValidationErrors) -> Vec<&str> {
    errors.iter().map(|v| v.path()).collect()
}

pub(crate) fn body<R: ApiRequest>(request: &R) -> String {
    String::from_utf8(encode(request).expect("valid request encodes")).expect("UTF-8")
}
