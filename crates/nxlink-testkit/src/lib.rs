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
//! # Endpoints
//!
//! Every `/openapi/aiagent/*` endpoint of the spec is served over one in-memory state;
//! tasks belong to the account that created them and no other account sees them. Bodies
//! are read with `nxlink-model` and checked with the SDK's own rules: JSON that does not fit
//! (or is not an object) answers `1002`, broken rules `20000` listing every violation as
//! `path: reason; …`.
//!
//! * `flow/list`, `route/list`: a catalog seeded with [`SEEDED_FLOWS`] and [`SEEDED_ROUTES`]
//!   ([`EmulatorBuilder::flow`] and [`EmulatorBuilder::route`] add more); the name filters
//!   match a case-insensitive substring.
//! * `task/create`: an unknown `autoFlowId` or `routeId` answers `20000`
//!   `autoFlowId not found` / `routeId not found`. Malformed phone numbers do not refuse the
//!   task: as on the real gateway, their contacts go to `errList`
//!   (`Illegal phone number format:<number>`) and the rest is imported. Numbers starting
//!   with `999` (an unassigned country code) are refused the same way by default, see
//!   [`EmulatorBuilder::refuse_numbers`].
//! * `task/list`: the caller's tasks, newest first, every documented filter, `statInfo`
//!   derived from the task's contacts and calls (rates such as `"45.00%"`).
//! * `call/append`: refuses contacts like task/create, and also a `contactId` the task
//!   already has (`Duplicate contactId:<id>`), which makes appends idempotent per contact.
//! * `order/delete`: only a contact never dialled; success answers `data: null`.
//! * `call/list`: a task's call records, oldest first, every documented filter.
//!
//! List endpoints page as asked; [`PageShape`] chooses whether the page sits inside `data`
//! (default) or at the top level of the envelope. Every request is recorded
//! ([`Emulator::requests`]) with its answer; the state is open to tests through
//! [`Emulator::tasks`], [`Emulator::contacts`], [`Emulator::calls`] and friends.
//!
//! # The dialer
//!
//! Tasks in progress dial their pending contacts inside their calling window, evaluated in
//! the task's time zone, at most `maxCall` at once ([`DEFAULT_MAX_CALL`] when absent),
//! redialling unanswered and busy contacts `replayInterval` seconds later until they used
//! `orderMaxCall` attempts; a task that is not permanent completes when every contact is
//! finished. Scheduled tasks start at `startupAt`, any task pauses at `shutdownAt`, and a
//! manual task waits for [`Emulator::start_task`]. How each attempt ends is decided by a
//! rule ([`default_call_outcome`]: by the number's last digit; see [`CallOutcome`] for the
//! codes written into call records), and every attempt becomes a call record.
//!
//! The dialer only runs when told to. On a [`ManualClock`], [`Emulator::advance`] moves the
//! clock in steps ([`EmulatorBuilder::simulation_step`]) and returns once the resulting
//! callbacks were delivered: a simulated week takes milliseconds. For demos,
//! [`Emulator::run_dialer_realtime`] runs it in the background, sped up; simulated time then
//! starts at the emulator's clock and runs ahead of it, while `ts` is still checked against
//! the clock.
//!
//! # Callbacks
//!
//! Each finished attempt is posted (a `CallRecordCallback`) to the contact's
//! `callCallbackUrl` (from call/append, else the task's), each status change (a
//! `TaskStatusCallback` with `statInfo`) to the task's `taskCallbackUrl`, signed like an API
//! request with the task account's secret ([`SignedCallback`] produces the same for a
//! test without an emulator). Deliveries use plain HTTP; only HTTP 200 counts as delivered,
//! anything else is posted again on the [`RedeliverySchedule`] ([`CALLBACK_ATTEMPTS`] in all
//! by default), re-signed each time, so a receiver can be tested against redelivery. Every
//! attempt is recorded ([`Emulator::callback_deliveries`]); an `https` URL is recorded as
//! undeliverable. Request handling never waits for them.
//!
//! # Faults
//!
//! [`Emulator::inject`] (or [`EmulatorBuilder::fault`]) makes chosen requests — the n-th to a
//! path, a range, or every one — misbehave: delays, dropped connections before or after
//! processing, HTTP error statuses, throttling, broken JSON, lying `Content-Length`, a
//! skewed clock, a refused timestamp. [`Fault`] says for each whether the request is
//! processed; [`Emulator::fired_faults`] lists what fired.
//!
//! The server runs on its own thread, so blocking clients work too:
//!
//! ```
//! use std::io::{Read, Write};
//!
//! use nxlink_sign::{Algorithm, Signer};
//! use nxlink_testkit::{Clock, Emulator};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! let emulator = runtime.block_on(Emulator::start())?;
//!
//! // A signed task/create whose body breaks the rules (no task name, no route, …).
//! let body = br#"{"taskName":""}"#;
//! let credentials = emulator.credentials();
//! let signer = Signer::new(credentials, Algorithm::Md5);
//! let ts = u64::try_from(emulator.clock().now_ms())?;
//! let signed = signer.sign(ts, body);
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
mod builder;
mod calendar;
mod call_outcome;
mod call_record;
mod callback_delivery;
mod callback_signer;
mod callbacks;
mod catalog;
mod clock;
mod common_checks;
mod contact;
mod date;
mod dialer;
mod dispatch;
mod emulator;
mod endpoints;
mod error;
mod faultable_stream;
mod faults;
mod gateway_state;
mod ids;
mod import;
mod lock;
mod notify;
mod numbers;
mod outcome;
mod page;
mod recorder;
mod redelivery;
mod repeats;
mod reply;
mod scripted;
mod server;
mod simulation;
mod stats;
mod task;
mod task_table;

pub use accounts::{DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, demo_credentials};
pub use builder::{DEFAULT_MAX_BODY_BYTES, EmulatorBuilder};
pub use call_outcome::CallOutcome;
pub use callback_signer::SignedCallback;
pub use callbacks::{CallbackDelivery, CallbackKind, DeliveryOutcome};
pub use catalog::{SEEDED_FLOWS, SEEDED_ROUTES};
pub use clock::{Clock, ManualClock, SystemClock};
pub use common_checks::TIMESTAMP_TOLERANCE_MS;
pub use contact::{ContactState, StoredContact};
pub use dialer::DEFAULT_MAX_CALL;
pub use emulator::Emulator;
pub use error::{EmulatorError, SimulationError};
pub use faults::{Fault, FaultRule, FiredFault, Requests};
pub use numbers::{illegal_number_message, is_unassigned_country_code};
pub use outcome::{DEFAULT_MAX_RING_TIME, USER_INTENTS, default_call_outcome};
pub use page::PageShape;
pub use recorder::RecordedRequest;
pub use redelivery::{CALLBACK_ATTEMPTS, CALLBACK_TIMEOUT, RedeliverySchedule};
pub use repeats::{RepeatedContactIds, RepeatedUserTaskIds};
pub use scripted::{ScriptedAnswer, ScriptedGateway, ScriptedRequest};
pub use simulation::DEFAULT_SIMULATION_STEP;
pub use task::StoredTask;
