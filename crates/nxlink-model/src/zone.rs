//! A task's time zone by name (`"America/New_York"`), for callers who think in places, not
//! offsets. The gateway takes one fixed offset per task (`zoneSecond`), so a named zone is
//! turned into the offset in force when the task starts, and every daylight-saving change
//! during the task's active period is reported: from that day each call would land an hour
//! off the window the caller meant.
//!
//! The IANA database is compiled in (jiff's bundled copy): the same answer on every machine,
//! and no file is read.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::task::CreateTaskRequest;

/// A zone name the database does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name:?} is not an IANA time zone (e.g. \"Asia/Shanghai\", \"America/New_York\")")]
pub struct UnknownZone {
    /// The name as given.
    pub name: String,
}

/// A change of a zone's UTC offset (a daylight-saving switch) inside a task's active period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetChange {
    /// The zone's name.
    pub zone: String,
    /// When it happens, epoch seconds.
    pub at: i64,
    /// The local date it happens on, `2027-03-14`.
    pub date: String,
    /// The offset before, in seconds (what the task's `zoneSecond` holds when it starts
    /// before the first change).
    pub before: i32,
    /// The offset after, in seconds.
    pub after: i32,
}

impl std::fmt::Display for OffsetChange {
    /// `America/New_York moves from UTC-5 to UTC-4 on 2027-03-14: …`, with the fix.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shift = (self.after - self.before) / 60;
        let (later, minutes) = if shift > 0 {
            ("earlier", shift)
        } else {
            ("later", -shift)
        };
        write!(
            f,
            "{} moves from {} to {} on {}, but the gateway keeps one offset per task: from \
             that day every call lands {} {later} by the local clock than the window says. End \
             the task on {} (shutdownAt) and create a second one for the time after, with the \
             new offset",
            self.zone,
            utc_offset(self.before),
            utc_offset(self.after),
            self.date,
            duration(minutes),
            self.date,
        )
    }
}

/// The zone's offset at `at` (epoch seconds).
pub fn offset_at(zone: &str, at: i64) -> Result<i32, UnknownZone> {
    let tz = lookup(zone)?;
    Ok(tz.to_offset(timestamp(at)).seconds())
}

/// Every offset change of `zone` after `from` and before `until` (epoch seconds). With no
/// `until` (a task without a stop time) only the next change is reported, if any.
pub fn offset_changes(
    zone: &str,
    from: i64,
    until: Option<i64>,
) -> Result<Vec<OffsetChange>, UnknownZone> {
    let tz = lookup(zone)?;
    let mut before = tz.to_offset(timestamp(from)).seconds();
    let mut changes = Vec::new();
    for transition in tz.following(timestamp(from)) {
        let at = transition.timestamp().as_second();
        if until.is_some_and(|until| at >= until) {
            break;
        }
        let after = transition.offset().seconds();
        if after != before {
            changes.push(OffsetChange {
                zone: zone.to_owned(),
                at,
                date: tz.to_datetime(transition.timestamp()).date().to_string(),
                before,
                after,
            });
            before = after;
        }
        if until.is_none() && !changes.is_empty() {
            break;
        }
    }
    Ok(changes)
}

impl CreateTaskRequest {
    /// Sets `zoneSecond` from an IANA zone: the offset in force when the task starts
    /// (`startupAt` for a scheduled task, else `now`, epoch seconds), and returns the offset
    /// changes that fall inside the task's active period (up to `shutdownAt`; for a task
    /// with no stop time, the next one). Each change is a warning to show the caller.
    pub fn set_time_zone(
        &mut self,
        zone: &str,
        now: i64,
    ) -> Result<Vec<OffsetChange>, UnknownZone> {
        let start = self.start.startup_at().unwrap_or(now);
        self.zone_second = offset_at(zone, start)?;
        offset_changes(zone, start, self.shutdown_at)
    }
}

/// `UTC+8`, `UTC-5`, `UTC+5:30`.
pub fn utc_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    match minutes % 60 {
        0 => format!("UTC{sign}{}", minutes / 60),
        rest => format!("UTC{sign}{}:{rest:02}", minutes / 60),
    }
}

fn duration(minutes: i32) -> String {
    match (minutes / 60, minutes % 60) {
        (1, 0) => "an hour".to_owned(),
        (hours, 0) => format!("{hours} hours"),
        (0, rest) => format!("{rest} minutes"),
        (hours, rest) => format!("{hours} h {rest} min"),
    }
}

pub(crate) fn lookup(zone: &str) -> Result<TimeZone, UnknownZone> {
    TimeZone::get(zone).map_err(|_| UnknownZone {
        name: zone.to_owned(),
    })
}

/// Epoch seconds as a timestamp; out of jiff's range (years beyond ±9999) clamps.
pub(crate) fn timestamp(at: i64) -> Timestamp {
    Timestamp::from_second(at).unwrap_or(if at < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2027-01-15 00:00 UTC and 2027-04-15 00:00 UTC.
    const JANUARY: i64 = 1_799_971_200;
    const APRIL: i64 = JANUARY + 90 * 86_400;

    #[test]
    fn new_york_crossing_march_is_warned_with_the_date() {
        let changes =
            offset_changes("America/New_York", JANUARY, Some(APRIL)).expect("a known zone");
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].date, "2027-03-14");
        assert_eq!(
            (changes[0].before, changes[0].after),
            (-5 * 3600, -4 * 3600)
        );
        let text = changes[0].to_string();
        assert!(text.contains("UTC-5 to UTC-4 on 2027-03-14"), "{text}");
        assert!(text.contains("an hour earlier"), "{text}");
    }

    #[test]
    fn zones_without_daylight_saving_have_no_changes() {
        assert!(
            offset_changes("Asia/Shanghai", JANUARY, Some(APRIL))
                .expect("known")
                .is_empty()
        );
        assert_eq!(offset_at("Asia/Jakarta", JANUARY), Ok(7 * 3600));
        assert_eq!(
            offset_at("Asia/Kolkata", JANUARY).map(utc_offset),
            Ok("UTC+5:30".into())
        );
        assert!(offset_at("Mars/Olympus", JANUARY).is_err());
    }

    #[test]
    fn without_a_stop_time_the_next_change_is_reported() {
        let changes = offset_changes("Europe/London", APRIL, None).expect("known");
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].date, "2027-10-31");
    }
}
