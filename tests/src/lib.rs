//! Shared helpers for the workspace integration tests.
#![forbid(unsafe_code)]
