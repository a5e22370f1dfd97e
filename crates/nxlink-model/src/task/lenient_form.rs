//! Reading a task definition: a lenient wire form that accepts any integer and any window
//! string, so that every fault of a document is reported at once with its JSON path.

use serde::{Deserialize, Deserializer};

use super::{CreateTaskRequest, check_order_max_call, check_zone_second, field_rank};
use crate::absent::{empty_as_none, null_as_default};
use crate::contact::Contact;
use crate::mistyped::Reading;
use crate::start::StartMode;
use crate::validation::{ParseError, ValidationErrors, Violations};
use crate::window::{CallWindow, HourSet, WeekDays};

/// The documented JSON with every value optional and every integer wide; unknown keys are
/// ignored, as serde does by default. Empty free-text strings read as absent, matching how
/// they are written.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LenientTask {
    #[serde(default, deserialize_with = "empty_as_none")]
    user_task_id: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    other: Option<String>,
    task_name: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    task_desc: Option<String>,
    auto_flow_id: Option<i64>,
    route_id: Option<String>,
    task_keep: Option<i64>,
    startup_type: Option<i64>,
    startup_at: Option<i64>,
    shutdown_at: Option<i64>,
    zone_second: Option<i64>,
    week_day: Option<String>,
    first_fifteen: Option<String>,
    second_fifteen: Option<String>,
    third_fifteen: Option<String>,
    fourth_fifteen: Option<String>,
    order_max_call: Option<i64>,
    replay_interval: Option<i64>,
    max_call: Option<i64>,
    max_ring_time: Option<i64>,
    task_callback_url: Option<String>,
    call_callback_url: Option<String>,
    country_code: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    call_list: Vec<Contact>,
}

const REQUIRED: &str = "is required";

fn required<T>(v: &mut Violations, path: &str, value: Option<T>) -> Option<T> {
    if value.is_none() {
        v.push(path, REQUIRED);
    }
    value
}

/// A non-negative count that must fit the typed `u32` field.
fn count(v: &mut Violations, path: &str, value: i64) -> Option<u32> {
    match u32::try_from(value) {
        Ok(value) => Some(value),
        Err(_) if value < 0 => {
            v.push(path, format!("must not be negative (got {value})"));
            None
        }
        Err(_) => {
            v.push(path, format!("must be at most {} (got {value})", u32::MAX));
            None
        }
    }
}

/// Parses a window string; a missing or broken one is reported and replaced by the full
/// set, so the "window never dials" rule does not fire a second time for the same field.
fn window_set<T: std::str::FromStr<Err = crate::window::WindowError>>(
    v: &mut Violations,
    path: &str,
    value: Option<String>,
    full: T,
) -> T {
    match value {
        None => {
            v.push(path, REQUIRED);
            full
        }
        Some(text) => text
            .parse()
            .unwrap_or_else(|error: crate::window::WindowError| {
                v.push(path, error.to_string());
                full
            }),
    }
}

impl LenientTask {
    /// Converts field by field, recording what cannot be represented, then runs every
    /// typed rule on the result. Placeholders for rejected fields are chosen to be valid,
    /// so no field is reported twice.
    fn into_request(self) -> Result<CreateTaskRequest, ValidationErrors> {
        let mut v = Violations::new();

        let auto_flow_id = required(&mut v, "autoFlowId", self.auto_flow_id).unwrap_or(0);
        let task_keep = match required(&mut v, "taskKeep", self.task_keep) {
            Some(0) | None => false,
            Some(1) => true,
            Some(other) => {
                v.push("taskKeep", format!("must be 0 or 1 (got {other})"));
                false
            }
        };
        let start = match required(&mut v, "startupType", self.startup_type) {
            Some(startup_type) => StartMode::from_wire(startup_type, self.startup_at)
                .unwrap_or_else(|error| {
                    let reason = match error.field() {
                        "startupType" => format!("{} (got {startup_type})", error.reason()),
                        _ => error.reason().to_owned(),
                    };
                    v.push(error.field(), reason);
                    StartMode::Manual
                }),
            None => StartMode::Manual,
        };
        // The range checks report out-of-range values; those get a valid placeholder.
        let zone_second = match required(&mut v, "zoneSecond", self.zone_second) {
            Some(zone) if check_zone_second(&mut v, zone) => i32::try_from(zone).unwrap_or(0),
            _ => 0,
        };
        let window = CallWindow {
            week_days: window_set(&mut v, "weekDay", self.week_day, WeekDays::ALL),
            first_fifteen: window_set(&mut v, "firstFifteen", self.first_fifteen, HourSet::ALL),
            second_fifteen: window_set(&mut v, "secondFifteen", self.second_fifteen, HourSet::ALL),
            third_fifteen: window_set(&mut v, "thirdFifteen", self.third_fifteen, HourSet::ALL),
            fourth_fifteen: window_set(&mut v, "fourthFifteen", self.fourth_fifteen, HourSet::ALL),
        };
        let order_max_call = match required(&mut v, "orderMaxCall", self.order_max_call) {
            Some(value) if check_order_max_call(&mut v, value) => u32::try_from(value).unwrap_or(1),
            _ => 1,
        };
        let replay_interval = required(&mut v, "replayInterval", self.replay_interval)
            .and_then(|value| count(&mut v, "replayInterval", value))
            .unwrap_or(0);
        let max_call = self
            .max_call
            .and_then(|value| count(&mut v, "maxCall", value));
        let max_ring_time = self
            .max_ring_time
            .and_then(|value| count(&mut v, "maxRingTime", value));

        let request = CreateTaskRequest {
            user_task_id: self.user_task_id,
            other: self.other,
            task_name: self.task_name.unwrap_or_default(),
            task_desc: self.task_desc,
            auto_flow_id,
            route_id: self.route_id.unwrap_or_default(),
            task_keep,
            start,
            shutdown_at: self.shutdown_at,
            zone_second,
            window,
            order_max_call,
            replay_interval,
            max_call,
            max_ring_time,
            task_callback_url: self.task_callback_url,
            call_callback_url: self.call_callback_url,
            country_code: self.country_code,
            call_list: self.call_list,
        };
        let converted = v.len();
        request.collect_violations(&request.call_list, &mut v);
        if converted > 0 {
            v.sort_by_rank(field_rank);
        }
        v.into_result().map(|()| request)
    }
}

impl CreateTaskRequest {
    /// Parses a task definition in the documented JSON form and validates it, reporting
    /// every fault with its JSON path (e.g. `weekDay`, `callList[3].phoneNumber`).
    ///
    /// A value of the wrong JSON type (a string where a number belongs, a contact that is
    /// not an object) is one more violation at its path, reported with all the others in
    /// [`ParseError::Mistyped`]; only text that is not JSON, or not an object, is
    /// [`ParseError::Json`], with its line and column.
    pub fn from_json(json: &[u8]) -> Result<Self, ParseError> {
        Reading {
            list_key: Some("callList"),
            finish: LenientTask::into_request,
            rank: field_rank,
        }
        .read(json)
    }
}

/// Reads the documented JSON and validates it; the error message lists every violation,
/// one per line, so a `CreateTaskRequest` embedded in a config type gets the same checks.
impl<'de> Deserialize<'de> for CreateTaskRequest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        LenientTask::deserialize(deserializer)?
            .into_request()
            .map_err(serde::de::Error::custom)
    }
}
