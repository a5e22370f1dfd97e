//! `task validate`'s report of when the task's window reaches the people it calls, by the
//! region of their numbers: the window is in the task's offset, a callee lives in theirs,
//! and calls outside 08:00–21:00 local are forbidden in many places.

use std::collections::HashMap;

use nxlink::model::CreateTaskRequest;
use nxlink::model::callee_hours::{
    CalleeZone, DIALLING_HOURS, callee_zone, describe_reach, describe_zone, local_reach,
    outside_dialling_hours,
};
use nxlink::model::zone::utc_offset;

use crate::output::thousands;

/// The report: one line per region, and how many contacts the window reaches outside the
/// dialling hours.
#[derive(Debug, Default)]
pub(crate) struct CalleeReport {
    /// `1 204 contacts in ID (UTC+7 to UTC+9): …`, most contacts first.
    pub(crate) lines: Vec<String>,
    /// Contacts the window reaches outside 08:00–21:00 local (or may, for an ambiguous zone).
    pub(crate) outside: usize,
}

/// Builds the report for `request`'s window over contacts counted by region, at `now`
/// (epoch seconds; a scheduled task's own start wins).
pub(crate) fn report(
    request: &CreateTaskRequest,
    regions: &HashMap<Option<String>, usize>,
    now: i64,
) -> CalleeReport {
    let at = request.start.startup_at().unwrap_or(now);
    let task_offset = request.zone_second;
    let mut groups: Vec<(&Option<String>, &usize)> = regions.iter().collect();
    groups.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let mut report = CalleeReport::default();
    let hours = format!(
        "{:02}:00–{:02}:00",
        DIALLING_HOURS.start / 60,
        DIALLING_HOURS.end / 60
    );
    for (region, &count) in groups {
        let contacts = match count {
            1 => "1 contact".to_owned(),
            _ => format!("{} contacts", thousands(count as u64)),
        };
        let Some(region) = region else {
            report.lines.push(format!(
                "{contacts}: no country known (digits without countryCode), not checked"
            ));
            continue;
        };
        let zone = callee_zone(region, at);
        let place = describe_zone(region, &zone);
        let line = match &zone {
            CalleeZone::Known { offset, .. } => {
                let reach = local_reach(&request.window, task_offset, *offset);
                let outside = outside_dialling_hours(&reach);
                report.outside += if outside { count } else { 0 };
                format!(
                    "{contacts} in {place}: the window dials them {} local{}",
                    describe_reach(&reach),
                    if outside {
                        format!(" (outside {hours})")
                    } else {
                        String::new()
                    }
                )
            }
            CalleeZone::Ambiguous { offsets, .. } => {
                let mut outside = false;
                let mut reaches = Vec::new();
                for &offset in offsets {
                    let reach = local_reach(&request.window, task_offset, offset);
                    outside |= outside_dialling_hours(&reach);
                    reaches.push((offset, describe_reach(&reach)));
                }
                report.outside += if outside { count } else { 0 };
                let span = match (reaches.first(), reaches.last()) {
                    (Some(first), Some(last)) if first != last => format!(
                        "from {} local (at {}) to {} local (at {})",
                        first.1,
                        utc_offset(first.0),
                        last.1,
                        utc_offset(last.0)
                    ),
                    (Some(only), _) => format!("{} local", only.1),
                    _ => String::new(),
                };
                format!(
                    "{contacts} in {place}: the country spans several zones and the number does \
                     not say which; the window dials them {span}{}",
                    if outside {
                        format!(" (partly outside {hours})")
                    } else {
                        String::new()
                    }
                )
            }
            CalleeZone::Unknown => {
                format!("{contacts} in {place}: no zone on record for this country, not checked")
            }
        };
        report.lines.push(line);
    }
    report
}
