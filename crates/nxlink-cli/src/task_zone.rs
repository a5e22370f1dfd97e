//! A task definition's `timeZone` ("America/New_York"), the alternative to `zoneSecond`:
//! the offset in force when the task starts goes into the request, and every
//! daylight-saving change in the task's active period becomes a warning naming the date and
//! the fix, since the gateway keeps one offset for the task's whole life.

use nxlink::model::CreateTaskRequest;
use nxlink::model::zone::{offset_at, utc_offset};
use serde_json::{Map, Value};

use crate::timestamps::now_epoch_seconds;

/// The definition key.
pub(crate) const TIME_ZONE: &str = "timeZone";

/// Takes `timeZone` out of a definition, leaving a stand-in `zoneSecond` so the request
/// parses; the stand-in is replaced by [`apply`]. A problem `(path, message)` when the value
/// is not a known zone or comes with `zoneSecond`.
pub(crate) fn take(fields: &mut Map<String, Value>) -> Result<Option<String>, (String, String)> {
    let Some(value) = fields.remove(TIME_ZONE) else {
        return Ok(None);
    };
    let problem = |message: String| Err((TIME_ZONE.to_owned(), message));
    let Value::String(zone) = value else {
        return problem("must be an IANA zone name such as \"Asia/Shanghai\"".to_owned());
    };
    if fields.contains_key("zoneSecond") {
        return problem("give either timeZone or zoneSecond, not both".to_owned());
    }
    if let Err(error) = offset_at(&zone, 0) {
        return problem(error.to_string());
    }
    fields.insert("zoneSecond".to_owned(), Value::from(0));
    Ok(Some(zone))
}

/// Sets the request's `zoneSecond` from `zone` and returns the warnings to show: each
/// daylight-saving change during the task.
pub(crate) fn apply(request: &mut CreateTaskRequest, zone: &str) -> Vec<String> {
    match request.set_time_zone(zone, now_epoch_seconds()) {
        Ok(changes) => changes.iter().map(ToString::to_string).collect(),
        Err(error) => vec![error.to_string()],
    }
}

/// `zoneSecond 28800 (UTC+8, Asia/Shanghai when the task starts)`.
pub(crate) fn describe(request: &CreateTaskRequest, zone: &str) -> String {
    format!(
        "zoneSecond {} ({}, {zone} when the task starts)",
        request.zone_second,
        utc_offset(request.zone_second)
    )
}
