//! Rust SDK for the NXLink AI-agent outbound-call OpenAPI.
//!
//! A [`Client`] validates every request locally (an invalid request sends no byte and reports
//! every violation with its JSON path), serializes it once, signs exactly those bytes, and
//! sends them to a regional gateway.
//!
//! ```no_run
//! use nxlink::{Client, Region};
//! use nxlink::model::{CallWindow, CreateTaskRequest, HourSet, WeekDays, Contact};
//! use nxlink::sign::Credentials;
//!
//! # async fn run() -> Result<(), nxlink::Error> {
//! let client = Client::builder()
//!     .region(Region::HongKong)
//!     .credentials(Credentials::new("AK-…", "secret"))
//!     .build()?;
//! let window = CallWindow::every_quarter(WeekDays::MONDAY_TO_FRIDAY, HourSet::span(9, 18).expect("9..18"));
//! let mut request = CreateTaskRequest::new("Parcel follow-up", 197, "route-id", window);
//! request.call_list.push(Contact::new("c-1", "Lucy", "13800000001"));
//! let task = client.create_task(&request).await?;
//! println!("created {} ({} of {} contacts)", task.task_id, task.success_count, task.total_count);
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

mod builder;
pub mod callbacks;
mod calls;
mod client;
mod clock;
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
    ClientBuilder, DEFAULT_BATCH_CONCURRENCY, DEFAULT_BATCH_SIZE, ENV_ACCESS_KEY,
    ENV_ACCESS_SECRET, ENV_BASE_URL, ENV_REGION, ENV_SIGN_ALGORITHM,
};
pub use client::{Client, Reply};
pub use clock::ClockOffset;
pub use contacts::{AppendReport, FailedBatch};
pub use error::{Error, ErrorKind};
pub use region::{Region, UnknownRegion};
pub use retry::RetryPolicy;
pub use tasks::CreatedTask;

/// Request and response types, and their validation (the `nxlink-model` crate).
pub use nxlink_model as model;
/// Request signing (the `nxlink-sign` crate).
pub use nxlink_sign as sign;
/// The HTTP transport (the `nxlink-transport` crate).
pub use nxlink_transport as transport;

/// Compiles the README's examples as doctests, so the front page cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeExamples;
