#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod absent;
mod append;
mod call_list;
mod call_record;
mod callback;
#[cfg(feature = "time-zone")]
pub mod callee_hours;
mod compact_json;
mod contact;
mod flow;
mod id_index;
mod lenient;
mod mistyped;
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
pub use request::{ApiRequest, EncodeError, decode, encode, write_body};
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
