//! The NXLink SDK facade: a `Client` with one method per endpoint (under construction).
#![forbid(unsafe_code)]
