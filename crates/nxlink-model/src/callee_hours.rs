//! When a task's window reaches the people it calls: the window is in the task's offset, but
//! a callee lives in their own, and many places forbid calls outside 08:00–21:00 local.
//!
//! A number's region (from [`crate::phone`]) names a country, not a zone: for countries that
//! span several zones the local time is ambiguous and is reported as such, never guessed.

use std::ops::Range;

use crate::window::CallWindow;
use crate::zone::{UnknownZone, offset_at, utc_offset};

/// The local hours in which calling is commonly allowed, in minutes of the day.
pub const DIALLING_HOURS: Range<u16> = 8 * 60..21 * 60;

/// Where a region's callees are, as far as its code tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalleeZone {
    /// The region has one zone.
    Known {
        /// The IANA zone.
        zone: &'static str,
        /// Its offset at the time asked, seconds.
        offset: i32,
    },
    /// The region spans several zones; the number does not say which.
    Ambiguous {
        /// Its zones.
        zones: &'static [&'static str],
        /// The distinct offsets among them at the time asked, seconds, smallest first
        /// (never empty).
        offsets: Vec<i32>,
    },
    /// A region this table does not cover.
    Unknown,
}

/// Regions with one zone, for the markets NXLink campaigns dial and their neighbours.
const SINGLE: &[(&str, &str)] = &[
    ("AE", "Asia/Dubai"),
    ("AR", "America/Argentina/Buenos_Aires"),
    ("BD", "Asia/Dhaka"),
    ("CN", "Asia/Shanghai"),
    ("CO", "America/Bogota"),
    ("DE", "Europe/Berlin"),
    ("EG", "Africa/Cairo"),
    ("FR", "Europe/Paris"),
    ("GB", "Europe/London"),
    ("HK", "Asia/Hong_Kong"),
    ("IN", "Asia/Kolkata"),
    ("IT", "Europe/Rome"),
    ("JP", "Asia/Tokyo"),
    ("KE", "Africa/Nairobi"),
    ("KH", "Asia/Phnom_Penh"),
    ("KR", "Asia/Seoul"),
    ("LK", "Asia/Colombo"),
    ("MM", "Asia/Yangon"),
    ("MO", "Asia/Macau"),
    ("MY", "Asia/Kuala_Lumpur"),
    ("NG", "Africa/Lagos"),
    ("NL", "Europe/Amsterdam"),
    ("NP", "Asia/Kathmandu"),
    ("PE", "America/Lima"),
    ("PH", "Asia/Manila"),
    ("PK", "Asia/Karachi"),
    ("SA", "Asia/Riyadh"),
    ("SG", "Asia/Singapore"),
    ("TH", "Asia/Bangkok"),
    ("TR", "Europe/Istanbul"),
    ("TW", "Asia/Taipei"),
    ("VN", "Asia/Ho_Chi_Minh"),
    ("ZA", "Africa/Johannesburg"),
];

/// Regions that span several zones (their main zones; enough to bound the offsets).
const SEVERAL: &[(&str, &[&str])] = &[
    (
        "AU",
        &[
            "Australia/Perth",
            "Australia/Darwin",
            "Australia/Adelaide",
            "Australia/Brisbane",
            "Australia/Sydney",
        ],
    ),
    (
        "BR",
        &[
            "America/Rio_Branco",
            "America/Manaus",
            "America/Sao_Paulo",
            "America/Noronha",
        ],
    ),
    (
        "CA",
        &[
            "America/Vancouver",
            "America/Edmonton",
            "America/Winnipeg",
            "America/Toronto",
            "America/Halifax",
            "America/St_Johns",
        ],
    ),
    ("CL", &["Pacific/Easter", "America/Santiago"]),
    ("ES", &["Atlantic/Canary", "Europe/Madrid"]),
    ("ID", &["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]),
    ("KZ", &["Asia/Almaty", "Asia/Aqtobe"]),
    (
        "MX",
        &[
            "America/Tijuana",
            "America/Hermosillo",
            "America/Mexico_City",
            "America/Cancun",
        ],
    ),
    (
        "RU",
        &[
            "Europe/Kaliningrad",
            "Europe/Moscow",
            "Asia/Yekaterinburg",
            "Asia/Novosibirsk",
            "Asia/Irkutsk",
            "Asia/Vladivostok",
            "Asia/Kamchatka",
        ],
    ),
    (
        "US",
        &[
            "Pacific/Honolulu",
            "America/Anchorage",
            "America/Los_Angeles",
            "America/Denver",
            "America/Chicago",
            "America/New_York",
        ],
    ),
];

/// The zone (or zones) of a region (`"ID"`), with offsets at `at` (epoch seconds).
pub fn callee_zone(region: &str, at: i64) -> CalleeZone {
    if let Some((_, zone)) = SINGLE.iter().find(|(code, _)| *code == region) {
        return match offset_at(zone, at) {
            Ok(offset) => CalleeZone::Known { zone, offset },
            Err(UnknownZone { .. }) => CalleeZone::Unknown,
        };
    }
    if let Some((_, zones)) = SEVERAL.iter().find(|(code, _)| *code == region) {
        let mut offsets: Vec<i32> = zones
            .iter()
            .filter_map(|zone| offset_at(zone, at).ok())
            .collect();
        offsets.sort_unstable();
        offsets.dedup();
        if !offsets.is_empty() {
            return CalleeZone::Ambiguous { zones, offsets };
        }
    }
    CalleeZone::Unknown
}

/// The local times of day (minutes, `start..end`, in order, merged) at which `window`,
/// written for `task_offset`, dials someone living at `callee_offset`.
pub fn local_reach(window: &CallWindow, task_offset: i32, callee_offset: i32) -> Vec<Range<u16>> {
    const DAY: i32 = 24 * 60;
    let shift = (callee_offset - task_offset) / 60;
    let mut pieces: Vec<Range<u16>> = Vec::new();
    for range in window.open_ranges() {
        let start = (i32::from(range.start) * 15 + shift).rem_euclid(DAY);
        let length = i32::from(range.end - range.start) * 15;
        let end = start + length;
        // Minutes of a day fit u16; a range that passes midnight is split in two.
        let minutes = |value: i32| u16::try_from(value).unwrap_or(0);
        if end <= DAY {
            pieces.push(minutes(start)..minutes(end));
        } else {
            pieces.push(minutes(start)..minutes(DAY));
            pieces.push(0..minutes(end - DAY));
        }
    }
    pieces.sort_by_key(|range| range.start);
    let mut merged: Vec<Range<u16>> = Vec::new();
    for piece in pieces {
        match merged.last_mut() {
            Some(last) if last.end >= piece.start => last.end = last.end.max(piece.end),
            _ => merged.push(piece),
        }
    }
    merged
}

/// Whether any of `reach` falls outside [`DIALLING_HOURS`].
pub fn outside_dialling_hours(reach: &[Range<u16>]) -> bool {
    reach
        .iter()
        .any(|range| range.start < DIALLING_HOURS.start || range.end > DIALLING_HOURS.end)
}

/// `08:00–17:00, 19:00–20:00`; a range through midnight reads `22:00–01:00`.
pub fn describe_reach(reach: &[Range<u16>]) -> String {
    let clock = |minutes: u16| format!("{:02}:{:02}", minutes / 60, minutes % 60);
    let through_midnight = reach.len() > 1
        && reach.first().is_some_and(|first| first.start == 0)
        && reach.last().is_some_and(|last| last.end == 24 * 60);
    let mut parts: Vec<String> = Vec::new();
    let inner = if through_midnight {
        &reach[1..reach.len() - 1]
    } else {
        reach
    };
    for range in inner {
        parts.push(format!("{}–{}", clock(range.start), clock(range.end)));
    }
    if through_midnight && let (Some(first), Some(last)) = (reach.first(), reach.last()) {
        parts.push(format!("{}–{}", clock(last.start), clock(first.end)));
    }
    parts.join(", ")
}

/// `ID (UTC+7 to UTC+9)` or `CN (UTC+8)`.
pub fn describe_zone(region: &str, zone: &CalleeZone) -> String {
    match zone {
        CalleeZone::Known { offset, .. } => format!("{region} ({})", utc_offset(*offset)),
        CalleeZone::Ambiguous { offsets, .. } => match (offsets.first(), offsets.last()) {
            (Some(low), Some(high)) if low != high => {
                format!("{region} ({} to {})", utc_offset(*low), utc_offset(*high))
            }
            (Some(only), _) => format!("{region} ({})", utc_offset(*only)),
            _ => region.to_owned(),
        },
        CalleeZone::Unknown => region.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JANUARY: i64 = 1_799_971_200;

    fn window(text: &str) -> CallWindow {
        CallWindow::parse_schedule(text).expect("a window")
    }

    #[test]
    fn a_beijing_window_reaches_jakarta_an_hour_earlier() {
        let reach = local_reach(&window("Mon-Fri 09:00-18:00"), 8 * 3600, 7 * 3600);
        assert_eq!(describe_reach(&reach), "08:00–17:00");
        assert!(!outside_dialling_hours(&reach));
        let reach = local_reach(&window("Mon-Fri 09:00-18:00"), 8 * 3600, -5 * 3600);
        assert_eq!(describe_reach(&reach), "20:00–05:00");
        assert!(outside_dialling_hours(&reach));
    }

    #[test]
    fn countries_with_several_zones_are_ambiguous() {
        match callee_zone("ID", JANUARY) {
            CalleeZone::Ambiguous { offsets, .. } => {
                assert_eq!(offsets, [7 * 3600, 8 * 3600, 9 * 3600]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            describe_zone("ID", &callee_zone("ID", JANUARY)),
            "ID (UTC+7 to UTC+9)"
        );
        assert_eq!(
            describe_zone("HK", &callee_zone("HK", JANUARY)),
            "HK (UTC+8)"
        );
        for region in ["US", "BR", "AU", "RU", "MX", "CA"] {
            assert!(matches!(
                callee_zone(region, JANUARY),
                CalleeZone::Ambiguous { .. }
            ));
        }
        assert_eq!(callee_zone("XX", JANUARY), CalleeZone::Unknown);
        for (_, zone) in SINGLE {
            assert!(offset_at(zone, JANUARY).is_ok(), "{zone}");
        }
        for (_, zones) in SEVERAL {
            for zone in *zones {
                assert!(offset_at(zone, JANUARY).is_ok(), "{zone}");
            }
        }
    }
}
