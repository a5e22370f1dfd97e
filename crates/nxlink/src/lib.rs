#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod body_hasher;
mod builder;
pub mod callbacks;
mod calls;
mod client;
mod clock;
mod concurrency;
mod contacts;
mod error;
mod lookups;
mod pages;
mod prepared;
mod region;
mod retry;
mod signing;
mod tasks;
mod telemetry;

pub use builder::{
    ClientBuilder, DEFAULT_BATCH_CONCURRENCY, DEFAULT_BATCH_SIZE, DEFAULT_MAX_BATCH_CONCURRENCY,
    ENV_ACCESS_KEY, ENV_ACCESS_SECRET, ENV_BASE_URL, ENV_REGION, ENV_SIGN_ALGORITHM,
};
pub use client::{Client, Reply};
pub use clock::ClockOffset;
pub use concurrency::{Admission, BatchConcurrency, BatchLimit, BatchLimitStats};
pub use contacts::{AppendReport, FailedBatch};
pub use error::{Error, ErrorKind};
pub use nxlink_sign::{Algorithm, Credentials};
pub use region::{Region, UnknownRegion};
pub use retry::RetryPolicy;
pub use tasks::{CreatedTask, new_user_task_id};

/// Request and response types, and their validation (the `nxlink-model` crate).
pub use nxlink_model as model;
/// Request signing (the `nxlink-sign` crate).
pub use nxlink_sign as sign;
/// The HTTP transport (the `nxlink-transport` crate).
pub use nxlink_transport as transport;

/// Compiles the repository README's example (a complete program) as a doctest, so the front
/// page cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeExamples;

/// The emulator's README example, compiled here where both the client and the emulator are.
#[cfg(doctest)]
#[doc = include_str!("../../nxlink-testkit/README.md")]
struct EmulatorReadmeExamples;
