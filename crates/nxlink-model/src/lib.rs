//! Typed, validated request and response models for the NXLink AI-agent outbound-call
//! OpenAPI (`/openapi/aiagent/*`).
//!
//! No I/O lives here: requests are plain data with a `validate` method that reports every
//! broken rule with its JSON path, [`encode`] turns a request into body bytes (validating
//! first), and responses deserialize leniently into [`ApiResponse`].
//!
//! | Endpoint | Request | `data` |
//! |----------|---------|--------|
//! | `flow/list` | [`ListFlowsRequest`] | [`Page`]`<`[`Flow`]`>` |
//! | `route/list` | [`ListRoutesRequest`] | [`Page`]`<`[`Route`]`>` |
//! | `task/create` | [`CreateTaskRequest`] | [`CreateTaskResult`] |
//! | `task/list` | [`ListTasksRequest`] | [`Page`]`<`[`TaskInfo`]`>` |
//! | `call/append` | [`AppendContactsRequest`] | [`AppendContactsResult`] |
//! | `order/delete` | [`DeleteContactRequest`] | `Vec<String>` (call ids) |
//! | `call/list` | [`ListCallsRequest`] | [`Page`]`<`[`CallRecord`]`>` |
//!
//! Webhook bodies are [`TaskStatusCallback`] and [`CallRecordCallback`]; answer them with
//! [`CALLBACK_ACK_BODY`]. Everything read from the server keeps unknown fields (`extra`)
//! and unknown codes, so a server change does not break a reader.
//!
//! ```
//! use nxlink_model::{
//!     ApiRequest, CallWindow, Contact, CreateTaskRequest, HourSet, StartMode, WeekDays, encode,
//! };
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let office_hours = HourSet::span(9, 12)?.union(HourSet::span(14, 18)?);
//! let window = CallWindow::every_quarter(WeekDays::MONDAY_TO_FRIDAY, office_hours);
//!
//! let request = CreateTaskRequest::new("Satisfaction survey", 197, "y29ND1X4kkCG", window)
//!     .with_user_task_id("EXT-TASK-0001")
//!     .with_start(StartMode::Scheduled { at: 1_746_583_929 })
//!     .with_zone_second(8 * 3600)
//!     .with_contact(Contact::new("c-1", "Lucy", "13800000001").with_param("customerName", "Lucy"));
//! request.validate()?;
//!
//! let body = encode(&request)?;
//! assert!(body.starts_with(br#"{"userTaskId":"EXT-TASK-0001","taskName":"#));
//! assert_eq!(CreateTaskRequest::PATH, "/openapi/aiagent/task/create");
//!
//! // A broken request reports every problem at once.
//! let broken = request.with_zone_second(90_000).with_country_code("8a");
//! let errors = broken.validate().unwrap_err();
//! assert!(errors.has_path("zoneSecond") && errors.has_path("countryCode"));
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]

mod absent;
mod append;
mod call_list;
mod call_record;
mod callback;
#[cfg(feature = "time-zone")]
pub mod callee_hours;
mod contact;
mod flow;
mod id_index;
mod lenient;
mod order_delete;
mod page;
#[cfg(feature = "phone")]
pub mod phone;
mod request;
mod response;
mod route;
mod rules;
mod start;
mod status;
mod task;
mod task_info;
mod task_list;
mod task_ref;
mod task_result;
mod validation;
mod window;
#[cfg(feature = "time-zone")]
pub mod zone;

pub use append::{AppendBatch, AppendContactsRequest, AppendContactsResult};
pub use call_list::ListCallsRequest;
pub use call_record::{CallAttribute, CallRecord, CallResult};
pub use callback::{CALLBACK_ACK_BODY, CallRecordCallback, CallbackAck, TaskStatusCallback};
pub use contact::{Contact, Variable};
pub use flow::{Flow, ListFlowsRequest};
pub use order_delete::DeleteContactRequest;
pub use page::{MAX_PAGE_SIZE, Page, PagedRequest};
pub use request::{ApiRequest, EncodeError, decode, encode};
pub use response::ApiResponse;
pub use route::{ListRoutesRequest, Route};
pub use start::{StartMode, StartModeError};
pub use status::{ResultCode, TaskStatus};
pub use task::{CreateTaskHead, CreateTaskRequest, ZONE_SECOND_RANGE};
pub use task_info::{TaskInfo, TaskStats};
pub use task_list::ListTasksRequest;
pub use task_ref::TaskRef;
pub use task_result::{CreateTaskResult, RejectedContact};
pub use validation::{ParseError, ValidationErrors, Violation};
pub use window::{
    CallWindow, HourSet, ItemProblem, Quarter, ScheduleError, SetIter, WeekDays, WindowError,
};
