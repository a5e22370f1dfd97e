//! The strict week-day and hour-set parsers: accept only the canonical form, and what they
//! accept prints back to the same string.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nxlink_model::{HourSet, WeekDays};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(days) = text.parse::<WeekDays>() {
        assert_eq!(days.to_string(), text);
    }
    if let Ok(hours) = text.parse::<HourSet>() {
        assert_eq!(hours.to_string(), text);
    }
});
