//! The task/create request: an outbound calling task with its window, retry policy,
//! callbacks and (optionally) its first contacts.

mod encode;

pub use encode::CreateTaskHead;
mod lenient_form;

use std::ops::RangeInclusive;

use crate::contact::{Contact, validate_contact_list};
use crate::rules;
use crate::start::StartMode;
use crate::validation::{FieldPath, ValidationErrors, Violations};
use crate::window::CallWindow;

/// Body of `POST /openapi/aiagent/task/create` (spec §2.1).
///
/// Optional strings set to `Some("")` are treated as absent and left out of the JSON,
/// except `taskCallbackUrl`, `callCallbackUrl` and `countryCode`, which `validate` rejects
/// when empty (use `None` to leave them out). Build one with [`CreateTaskRequest::new`] and
/// the `with_*` setters, or parse a definition file with [`CreateTaskRequest::from_json`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTaskRequest {
    /// Caller's own task id (`userTaskId`); should be globally unique, and is the key for
    /// reconciling a create whose outcome is unknown.
    pub user_task_id: Option<String>,
    /// Pass-through echoed in the task-status callback and in task/list.
    pub other: Option<String>,
    /// Task name (`taskName`, required).
    pub task_name: String,
    /// Description (`taskDesc`).
    pub task_desc: Option<String>,
    /// AI agent id from flow/list (`autoFlowId`).
    pub auto_flow_id: i64,
    /// Call route id from route/list (`routeId`, required).
    pub route_id: String,
    /// Permanent task (`taskKeep` 1) or not (0).
    pub task_keep: bool,
    /// How the task starts (`startupType` and `startupAt`).
    pub start: StartMode,
    /// Scheduled stop, epoch seconds (`shutdownAt`); `None` = no stop time.
    pub shutdown_at: Option<i64>,
    /// The task's time zone as seconds east of UTC (`zoneSecond`; UTC+8 = 28800).
    pub zone_second: i32,
    /// When dialling is allowed (`weekDay` and the four `*Fifteen` fields).
    pub window: CallWindow,
    /// Maximum dial attempts per number (`orderMaxCall`, at least 1).
    pub order_max_call: u32,
    /// Seconds between redials (`replayInterval`).
    pub replay_interval: u32,
    /// Maximum concurrent calls (`maxCall`); 0 = system default.
    pub max_call: Option<u32>,
    /// Maximum ring time in seconds (`maxRingTime`); 0 = system default.
    pub max_ring_time: Option<u32>,
    /// Task-status callback URL (`taskCallbackUrl`).
    pub task_callback_url: Option<String>,
    /// Call-ended callback URL (`callCallbackUrl`); overrides the console setting.
    pub call_callback_url: Option<String>,
    /// Default country calling code for numbers given without one (`countryCode`).
    pub country_code: Option<String>,
    /// Contacts imported with the task (`callList`); empty creates an empty task.
    pub call_list: Vec<Contact>,
}

/// Allowed `zoneSecond` values: UTC−12:00 to UTC+14:00.
pub const ZONE_SECOND_RANGE: RangeInclusive<i32> = -43_200..=50_400;

/// Wire field names in the documented order; violations are reported in this order.
const FIELD_ORDER: [&str; 24] = [
    "userTaskId",
    "other",
    "taskName",
    "taskDesc",
    "autoFlowId",
    "routeId",
    "taskKeep",
    "startupType",
    "startupAt",
    "shutdownAt",
    "zoneSecond",
    "weekDay",
    "firstFifteen",
    "secondFifteen",
    "thirdFifteen",
    "fourthFifteen",
    "orderMaxCall",
    "replayInterval",
    "maxCall",
    "maxRingTime",
    "taskCallbackUrl",
    "callCallbackUrl",
    "countryCode",
    "callList",
];

impl CreateTaskRequest {
    /// A request with the required values and these defaults: manual start, not permanent,
    /// UTC (`zoneSecond` 0), one attempt per number, 600 s between redials, no contacts and
    /// every optional field absent.
    pub fn new(
        task_name: impl Into<String>,
        auto_flow_id: i64,
        route_id: impl Into<String>,
        window: CallWindow,
    ) -> Self {
        Self {
            user_task_id: None,
            other: None,
            task_name: task_name.into(),
            task_desc: None,
            auto_flow_id,
            route_id: route_id.into(),
            task_keep: false,
            start: StartMode::Manual,
            shutdown_at: None,
            zone_second: 0,
            window,
            order_max_call: 1,
            replay_interval: 600,
            max_call: None,
            max_ring_time: None,
            task_callback_url: None,
            call_callback_url: None,
            country_code: None,
            call_list: Vec::new(),
        }
    }

    /// Checks every local rule and returns all violations, each with its JSON path.
    ///
    /// A window with no day reports at `weekDay`; a window with days but no open
    /// quarter-hour reports at `firstFifteen`.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        self.validate_with_contacts(&self.call_list)
    }

    /// Validates the request as if `contacts` were its `callList`.
    pub(crate) fn validate_with_contacts(
        &self,
        contacts: &[Contact],
    ) -> Result<(), ValidationErrors> {
        let mut violations = Violations::new();
        self.collect_violations(contacts, &mut violations);
        violations.into_result()
    }

    fn collect_violations(&self, contacts: &[Contact], v: &mut Violations) {
        rules::required(v, "taskName", &self.task_name);
        rules::required(v, "routeId", &self.route_id);
        let startup_at = self.start.startup_at();
        if let Some(at) = startup_at
            && at <= 0
        {
            v.push(
                "startupAt",
                format!("must be a positive epoch time in seconds (got {at})"),
            );
        }
        if let Some(shutdown) = self.shutdown_at {
            if shutdown <= 0 {
                v.push(
                    "shutdownAt",
                    format!("must be a positive epoch time in seconds (got {shutdown})"),
                );
            } else if let Some(start) = startup_at.filter(|&start| shutdown <= start) {
                v.push(
                    "shutdownAt",
                    format!("must be after startupAt ({shutdown} is not after {start})"),
                );
            }
        }
        check_zone_second(v, i64::from(self.zone_second));
        if self.window.week_days.is_empty() {
            v.push(
                "weekDay",
                "names no day, so the task could never dial; give at least one of 1 (Monday) … 7 (Sunday)",
            );
        }
        if self.window.quarters_per_day() == 0 {
            v.push(
                "firstFifteen",
                "no quarter-hour is open, so the task could never dial; at least one of firstFifteen, secondFifteen, thirdFifteen, fourthFifteen must name an hour",
            );
        }
        check_order_max_call(v, i64::from(self.order_max_call));
        if let Some(url) = &self.task_callback_url {
            rules::callback_url(v, "taskCallbackUrl", url);
        }
        if let Some(url) = &self.call_callback_url {
            rules::callback_url(v, "callCallbackUrl", url);
        }
        if let Some(code) = &self.country_code {
            rules::country_code(v, "countryCode", code);
        }
        validate_contact_list(contacts, &FieldPath::root().key("callList"), v);
    }

    /// Sets the caller's own task id.
    #[must_use]
    pub fn with_user_task_id(mut self, id: impl Into<String>) -> Self {
        self.user_task_id = Some(id.into());
        self
    }

    /// Sets the pass-through echoed in callbacks and task/list.
    #[must_use]
    pub fn with_other(mut self, other: impl Into<String>) -> Self {
        self.other = Some(other.into());
        self
    }

    /// Sets the description.
    #[must_use]
    pub fn with_task_desc(mut self, desc: impl Into<String>) -> Self {
        self.task_desc = Some(desc.into());
        self
    }

    /// Makes the task permanent (or not).
    #[must_use]
    pub fn with_task_keep(mut self, keep: bool) -> Self {
        self.task_keep = keep;
        self
    }

    /// Sets how the task starts.
    #[must_use]
    pub fn with_start(mut self, start: StartMode) -> Self {
        self.start = start;
        self
    }

    /// Sets the scheduled stop time, epoch seconds.
    #[must_use]
    pub fn with_shutdown_at(mut self, at: i64) -> Self {
        self.shutdown_at = Some(at);
        self
    }

    /// Sets the time zone as seconds east of UTC.
    #[must_use]
    pub fn with_zone_second(mut self, seconds: i32) -> Self {
        self.zone_second = seconds;
        self
    }

    /// Sets the maximum dial attempts per number (at least 1).
    #[must_use]
    pub fn with_order_max_call(mut self, attempts: u32) -> Self {
        self.order_max_call = attempts;
        self
    }

    /// Sets the seconds between redials of a number.
    #[must_use]
    pub fn with_replay_interval(mut self, seconds: u32) -> Self {
        self.replay_interval = seconds;
        self
    }

    /// Sets the maximum number of concurrent calls.
    #[must_use]
    pub fn with_max_call(mut self, max_call: u32) -> Self {
        self.max_call = Some(max_call);
        self
    }

    /// Sets the maximum ring time in seconds.
    #[must_use]
    pub fn with_max_ring_time(mut self, seconds: u32) -> Self {
        self.max_ring_time = Some(seconds);
        self
    }

    /// Sets the task-status callback URL.
    #[must_use]
    pub fn with_task_callback_url(mut self, url: impl Into<String>) -> Self {
        self.task_callback_url = Some(url.into());
        self
    }

    /// Sets the call-ended callback URL.
    #[must_use]
    pub fn with_call_callback_url(mut self, url: impl Into<String>) -> Self {
        self.call_callback_url = Some(url.into());
        self
    }

    /// Sets the default country calling code.
    #[must_use]
    pub fn with_country_code(mut self, code: impl Into<String>) -> Self {
        self.country_code = Some(code.into());
        self
    }

    /// Appends one contact.
    #[must_use]
    pub fn with_contact(mut self, contact: Contact) -> Self {
        self.call_list.push(contact);
        self
    }

    /// Appends contacts.
    #[must_use]
    pub fn with_contacts(mut self, contacts: impl IntoIterator<Item = Contact>) -> Self {
        self.call_list.extend(contacts);
        self
    }
}

/// Records an out-of-range `zoneSecond`; true when the value is fine.
fn check_zone_second(v: &mut Violations, value: i64) -> bool {
    let range = i64::from(*ZONE_SECOND_RANGE.start())..=i64::from(*ZONE_SECOND_RANGE.end());
    let ok = range.contains(&value);
    if !ok {
        v.push(
            "zoneSecond",
            format!("must be between -43200 (UTC-12:00) and 50400 (UTC+14:00) (got {value})"),
        );
    }
    ok
}

/// Records an `orderMaxCall` below 1 or beyond `u32`; true when the value is fine.
fn check_order_max_call(v: &mut Violations, value: i64) -> bool {
    if value < 1 {
        v.push("orderMaxCall", format!("must be at least 1 (got {value})"));
        false
    } else if value > i64::from(u32::MAX) {
        v.push(
            "orderMaxCall",
            format!("must be at most {} (got {value})", u32::MAX),
        );
        false
    } else {
        true
    }
}

/// The rank of a violation's top-level field in the documented order.
fn field_rank(path: &str) -> usize {
    let field = path.split(['.', '[']).next().unwrap_or(path);
    FIELD_ORDER
        .iter()
        .position(|&name| name == field)
        .unwrap_or(FIELD_ORDER.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::window::{HourSet, WeekDays};

    fn minimal() -> CreateTaskRequest {
        CreateTaskRequest::new(
            "t",
            197,
            "r",
            CallWindow::every_quarter(WeekDays::ALL, HourSet::ALL),
        )
    }

    #[test]
    fn new_has_documented_defaults_and_is_valid() {
        let request = minimal();
        assert_eq!(request.start, StartMode::Manual);
        assert!(!request.task_keep);
        assert_eq!(request.zone_second, 0);
        assert_eq!(request.order_max_call, 1);
        assert_eq!(request.replay_interval, 600);
        assert!(request.call_list.is_empty());
        assert_eq!(request.validate(), Ok(()));
    }

    #[test]
    fn minimal_json_has_required_fields_only() {
        let json = serde_json::to_string(&minimal()).expect("serialize");
        assert_eq!(
            json,
            r#"{"taskName":"t","autoFlowId":197,"routeId":"r","taskKeep":0,"startupType":1,"zoneSecond":0,"weekDay":"1,2,3,4,5,6,7","firstFifteen":"0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23","secondFifteen":"0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23","thirdFifteen":"0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23","fourthFifteen":"0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23","orderMaxCall":1,"replayInterval":600}"#
        );
    }

    #[test]
    fn field_rank_follows_the_documented_order() {
        assert!(field_rank("taskName") < field_rank("routeId"));
        assert!(field_rank("countryCode") < field_rank("callList[0].name"));
        assert_eq!(field_rank("nonsense"), FIELD_ORDER.len());
    }
}
