//! A faithful in-process emulator of the NXLink AI-agent OpenAPI gateway, for tests.
//!
//! [`Emulator`] is a real HTTP/1.1 server on `127.0.0.1`. It checks every request as the
//! gateway does, in the gateway's order, answering HTTP 200 with the envelope
//! `{"code","message","traceId"}`:
//!
//! 1. a missing (or blank) `accessKey`, `ts`, `bizType`, `action` or `sign` header → `1001`;
//! 2. `bizType` other than `100` or `action` other than `nxai` → `1002`;
//! 3. `ts` not canonical decimal milliseconds, or more than ±60 s from the emulator's
//!    [`Clock`] (seconds land here) → `1004`;
//! 4. an unknown access key → `1005`;
//! 5. `Content-Type` not `application/json`, an `algorithm` other than md5/sha256, or a
//!    signature that does not match the exact body bytes received → `1003`.
//!
//! Before those: an unknown path gets HTTP 404 (envelope code 404), another method than
//! `POST` HTTP 405 (code 1002), a body over the cap HTTP 413 (code 1002), unread.
//!
//! `POST /openapi/aiagent/task/create` then answers JSON the model cannot read with `1002`
//! and broken rules with `20000`, listing every violation as `path: reason; …`. Malformed
//! phone numbers do not refuse the task: as on the real gateway, their contacts go to
//! `errList` (`Illegal phone number format:<number>`) and the rest is imported. Numbers
//! starting with `999` (an unassigned country code) are refused the same way by default,
//! see [`EmulatorBuilder::refuse_numbers`]. Every request is recorded ([`Emulator::requests`])
//! with its answer; created tasks are kept ([`Emulator::tasks`]).
//!
//! The server runs on its own thread, so blocking clients work too:
//!
//! ```
//! use std::io::{Read, Write};
//!
//! use nxlink_sign::{SigningProfile, sign_request};
//! use nxlink_testkit::{Clock, Emulator};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! let emulator = runtime.block_on(Emulator::start())?;
//!
//! // A signed task/create whose body breaks the rules (no task name, no route, …).
//! let body = br#"{"taskName":""}"#;
//! let credentials = emulator.credentials();
//! let profile = SigningProfile::default();
//! let ts = u64::try_from(emulator.clock().now_ms())?;
//! let signed = sign_request(&credentials, &profile, ts, body);
//!
//! let mut head = format!(
//!     "POST /openapi/aiagent/task/create HTTP/1.1\r\nHost: {}\r\n\
//!      Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
//!     emulator.local_addr(),
//!     body.len()
//! );
//! for (name, value) in signed.iter() {
//!     head.push_str(&format!("{name}: {value}\r\n"));
//! }
//! head.push_str("\r\n");
//! let mut stream = std::net::TcpStream::connect(emulator.local_addr())?;
//! stream.write_all(head.as_bytes())?;
//! stream.write_all(body)?;
//! let mut answer = String::new();
//! stream.read_to_string(&mut answer)?;
//!
//! assert!(answer.contains(r#""code":20000"#), "{answer}");
//! assert!(answer.contains("routeId: is required"));
//! assert_eq!(emulator.requests()[0].code, 20000);
//! assert!(emulator.tasks().is_empty());
//! runtime.block_on(emulator.shutdown());
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]

mod accounts;
mod backend;
mod clock;
mod date;
mod dispatch;
mod emulator;
mod endpoints;
mod error;
mod gateway;
mod ids;
mod lock;
mod numbers;
mod recorder;
mod reply;
mod server;
mod state;

pub use accounts::{DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, demo_credentials};
pub use clock::{Clock, ManualClock, SystemClock};
pub use emulator::{DEFAULT_MAX_BODY_BYTES, Emulator, EmulatorBuilder};
pub use error::EmulatorError;
pub use gateway::TIMESTAMP_TOLERANCE_MS;
pub use numbers::{illegal_number_message, is_unassigned_country_code};
pub use recorder::RecordedRequest;
pub use state::StoredTask;
