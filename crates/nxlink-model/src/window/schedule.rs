//! Calling windows written the way people read them: `"Mon-Fri 09:00-12:00, 14:00-17:30"`.
//!
//! The form is the week days (names or ranges of names, comma-separated) followed by one or
//! more time ranges (`HH:MM-HH:MM`, comma-separated). Times must fall on a quarter hour,
//! since the gateway opens and closes dialling per quarter; `24:00` ends a range at
//! midnight. The same hours apply to every day given: the API has one set of hours per task.

use super::{CallWindow, Quarter, WeekDays};

/// Day names, Monday first (ISO 1–7); any case, and any prefix of three letters or more.
const DAY_NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Why a compact calling window was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// The text has days but no times, or nothing at all.
    #[error("write the days, then the times, e.g. \"Mon-Fri 09:00-12:00, 14:00-17:30\"")]
    Incomplete,
    /// A day is not one of Mon, Tue, Wed, Thu, Fri, Sat, Sun.
    #[error("{0:?} is not a day: use Mon, Tue, Wed, Thu, Fri, Sat, Sun, or a range like Mon-Fri")]
    UnknownDay(String),
    /// A time range is not `HH:MM-HH:MM`.
    #[error("{0:?} is not a time range: write it as HH:MM-HH:MM, e.g. 09:00-12:30")]
    MalformedRange(String),
    /// A time is not a valid clock time (hours 00–24, minutes 00–59, 24:00 only as an end).
    #[error("{0:?} is not a time of day (00:00 to 24:00)")]
    InvalidTime(String),
    /// A time is not on a quarter hour.
    #[error(
        "{0} is not on a quarter hour: the gateway dials in quarters, so use :00, :15, :30 or :45"
    )]
    NotOnQuarter(String),
    /// A range ends where or before it starts.
    #[error("{0:?} ends before it starts: ranges run forward within one day")]
    EmptyRange(String),
}

impl CallWindow {
    /// Parses a compact calling window, e.g. `"Mon-Fri 09:00-12:00, 14:00-17:30"` or
    /// `"Sat,Sun 10:00-16:00"`: the week days, then the time ranges in which dialling is open
    /// (the task's time zone). A time that is not on a quarter hour is an error, never
    /// rounded.
    pub fn parse_schedule(text: &str) -> Result<Self, ScheduleError> {
        let text = text.trim();
        let (days, times) = text
            .split_once(char::is_whitespace)
            .ok_or(ScheduleError::Incomplete)?;
        if times.trim().is_empty() {
            return Err(ScheduleError::Incomplete);
        }
        let mut window = CallWindow {
            week_days: parse_days(days)?,
            ..CallWindow::default()
        };
        for range in times.split(',') {
            let range = range.trim();
            let (start, end) = range
                .split_once('-')
                .ok_or_else(|| ScheduleError::MalformedRange(range.to_owned()))?;
            let start = quarter_of(start.trim(), false)?;
            let end = quarter_of(end.trim(), true)?;
            if end <= start {
                return Err(ScheduleError::EmptyRange(range.to_owned()));
            }
            for slot in start..end {
                let hour = slot / 4;
                let quarter = Quarter::ALL[usize::from(slot % 4)];
                // `hour` is below 24 by construction.
                let _ = window.quarter_mut(quarter).insert(hour);
            }
        }
        Ok(window)
    }
}

impl CallWindow {
    /// The open quarter-hour slots of a day as ranges `start..end` (slot = hour × 4 +
    /// quarter, 0–96), in order; adjacent open quarters merge into one range.
    pub fn open_ranges(&self) -> Vec<std::ops::Range<u8>> {
        let mut ranges: Vec<std::ops::Range<u8>> = Vec::new();
        for slot in 0..96u8 {
            let open = self
                .quarter(Quarter::ALL[usize::from(slot % 4)])
                .contains(slot / 4);
            if !open {
                continue;
            }
            match ranges.last_mut() {
                Some(last) if last.end == slot => last.end = slot + 1,
                _ => ranges.push(slot..slot + 1),
            }
        }
        ranges
    }

    /// The window in the compact form [`CallWindow::parse_schedule`] reads
    /// (`"Mon-Fri 09:00-12:00, 14:00-17:30"`), or `None` when no day or no quarter is open
    /// (a window that form cannot write).
    pub fn to_schedule(&self) -> Option<String> {
        let ranges = self.open_ranges();
        if self.week_days.is_empty() || ranges.is_empty() {
            return None;
        }
        let times: Vec<String> = ranges
            .iter()
            .map(|range| format!("{}-{}", clock(range.start), clock(range.end)))
            .collect();
        Some(format!("{} {}", day_runs(self.week_days), times.join(", ")))
    }
}

/// `HH:MM` of a quarter-hour slot (96 is `24:00`).
pub(crate) fn clock(slot: u8) -> String {
    format!("{:02}:{:02}", slot / 4, (slot % 4) * 15)
}

/// Runs of consecutive days, Monday first: `Mon-Fri`, `Mon,Wed`, `Sat,Sun`.
fn day_runs(days: WeekDays) -> String {
    let short = |day: u8| {
        let name = DAY_NAMES[usize::from(day - 1)];
        let mut title = name[..1].to_ascii_uppercase();
        title.push_str(&name[1..3]);
        title
    };
    let mut runs: Vec<(u8, u8)> = Vec::new();
    for day in days.iter() {
        match runs.last_mut() {
            Some((_, last)) if *last + 1 == day => *last = day,
            _ => runs.push((day, day)),
        }
    }
    let written: Vec<String> = runs
        .into_iter()
        .flat_map(|(first, last)| match last - first {
            0 => vec![short(first)],
            1 => vec![short(first), short(last)],
            _ => vec![format!("{}-{}", short(first), short(last))],
        })
        .collect();
    written.join(",")
}

/// `Mon-Fri`, `Mon,Wed,Fri`, `Sat-Mon` (ranges wrap past Sunday).
fn parse_days(text: &str) -> Result<WeekDays, ScheduleError> {
    let mut days = Vec::new();
    for item in text.split(',').map(str::trim) {
        match item.split_once('-') {
            Some((first, last)) => {
                let (first, last) = (day_number(first)?, day_number(last)?);
                let mut day = first;
                loop {
                    days.push(day);
                    if day == last {
                        break;
                    }
                    day = day % 7 + 1;
                }
            }
            None => days.push(day_number(item)?),
        }
    }
    WeekDays::from_days(days).map_err(|_| ScheduleError::UnknownDay(text.to_owned()))
}

/// 1 = Monday … 7 = Sunday, from a day name of at least three letters.
fn day_number(name: &str) -> Result<u8, ScheduleError> {
    let lower = name.trim().to_ascii_lowercase();
    DAY_NAMES
        .iter()
        .position(|day| lower.len() >= 3 && day.starts_with(&lower))
        .and_then(|index| u8::try_from(index + 1).ok())
        .ok_or_else(|| ScheduleError::UnknownDay(name.trim().to_owned()))
}

/// The quarter-hour slot (0–96) a time starts; `24:00` (slot 96) only as an end.
fn quarter_of(time: &str, is_end: bool) -> Result<u8, ScheduleError> {
    let invalid = || ScheduleError::InvalidTime(time.to_owned());
    let (hour, minute) = time.split_once(':').ok_or_else(invalid)?;
    let digits = |part: &str| {
        (!part.is_empty() && part.len() <= 2 && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u8>().ok())
            .flatten()
    };
    let (hour, minute) = (
        digits(hour).ok_or_else(invalid)?,
        digits(minute).ok_or_else(invalid)?,
    );
    if minute > 59 || hour > 24 || (hour == 24 && (minute != 0 || !is_end)) {
        return Err(invalid());
    }
    if minute % 15 != 0 {
        return Err(ScheduleError::NotOnQuarter(time.to_owned()));
    }
    Ok(hour * 4 + minute / 15)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::window::HourSet;

    fn hours(list: &str) -> HourSet {
        list.parse().expect("an hour list")
    }

    #[test]
    fn weekday_mornings_and_afternoons() {
        let window =
            CallWindow::parse_schedule("Mon-Fri 09:00-12:00, 14:00-17:30").expect("parses");
        assert_eq!(window.week_days, WeekDays::MONDAY_TO_FRIDAY);
        assert_eq!(window.first_fifteen, hours("9,10,11,14,15,16,17"));
        assert_eq!(window.second_fifteen, hours("9,10,11,14,15,16,17"));
        assert_eq!(window.third_fifteen, hours("9,10,11,14,15,16"));
        assert_eq!(window.fourth_fifteen, hours("9,10,11,14,15,16"));
        assert!(window.allows(5, 17, 29));
        assert!(!window.allows(5, 17, 30));
        assert!(!window.allows(6, 10, 0));
    }

    #[test]
    fn day_lists_wrapping_ranges_quarters_and_midnight() {
        let window = CallWindow::parse_schedule("sat-mon 22:15-24:00").expect("parses");
        assert_eq!(
            window.week_days,
            WeekDays::from_days([6, 7, 1]).expect("days")
        );
        assert_eq!(window.first_fifteen, hours("23"));
        assert_eq!(window.second_fifteen, hours("22,23"));
        let window = CallWindow::parse_schedule("Monday,Wed,FRI 8:45-9:00").expect("parses");
        assert_eq!(
            window.week_days,
            WeekDays::from_days([1, 3, 5]).expect("days")
        );
        assert_eq!(window.quarters_per_day(), 1);
        assert_eq!(window.fourth_fifteen, hours("8"));
    }

    #[test]
    fn mistakes_are_named_never_rounded() {
        let error = |text| CallWindow::parse_schedule(text).expect_err(text);
        assert_eq!(
            error("Mon-Fri 09:10-12:00"),
            ScheduleError::NotOnQuarter("09:10".into())
        );
        assert!(
            error("Mon-Fri 09:10-12:00")
                .to_string()
                .contains(":00, :15, :30 or :45")
        );
        assert_eq!(error("Mon-Fri"), ScheduleError::Incomplete);
        assert_eq!(error(""), ScheduleError::Incomplete);
        assert_eq!(
            error("Mon-Fry 09:00-10:00"),
            ScheduleError::UnknownDay("Fry".into())
        );
        assert_eq!(error("Mon 9-10"), ScheduleError::InvalidTime("9".into()));
        assert_eq!(
            error("Mon 09:00"),
            ScheduleError::MalformedRange("09:00".into())
        );
        assert_eq!(
            error("Mon 12:00-09:00"),
            ScheduleError::EmptyRange("12:00-09:00".into())
        );
        assert_eq!(
            error("Mon 24:00-24:00"),
            ScheduleError::InvalidTime("24:00".into())
        );
        assert_eq!(
            error("Mon 10:60-11:00"),
            ScheduleError::InvalidTime("10:60".into())
        );
        assert_eq!(
            error("Mo 10:00-11:00"),
            ScheduleError::UnknownDay("Mo".into())
        );
        assert_eq!(
            error("Mön 10:00-11:00"),
            ScheduleError::UnknownDay("Mön".into())
        );
        assert_eq!(
            error("Monkey 10:00-11:00"),
            ScheduleError::UnknownDay("Monkey".into())
        );
    }

    fn time(slot: u8) -> String {
        clock(slot)
    }

    #[test]
    fn windows_print_in_the_form_they_are_read() {
        let text = "Mon-Fri 09:00-12:00, 14:00-17:30";
        let window = CallWindow::parse_schedule(text).expect("parses");
        assert_eq!(window.to_schedule().as_deref(), Some(text));
        let window = CallWindow::parse_schedule("sun,sat,mon,wed 22:15-24:00").expect("parses");
        assert_eq!(
            window.to_schedule().as_deref(),
            Some("Mon,Wed,Sat,Sun 22:15-24:00")
        );
        assert_eq!(CallWindow::default().to_schedule(), None);
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_parsed_or_refused_without_panicking(text in "\\PC{0,40}") {
            let _ = CallWindow::parse_schedule(&text);
        }

        #[test]
        fn a_range_opens_exactly_its_quarters(
            days in proptest::collection::btree_set(1u8..=7, 1..=7),
            start in 0u8..96,
            length in 1u8..=96,
        ) {
            let end = (start + length).min(96);
            proptest::prop_assume!(end > start);
            let names: Vec<&str> = days.iter().map(|&day| &DAY_NAMES[usize::from(day - 1)][..3]).collect();
            let text = format!("{} {}-{}", names.join(","), time(start), time(end));
            let window = CallWindow::parse_schedule(&text).expect("a well-formed window");
            for day in 1..=7u8 {
                for slot in 0..96u8 {
                    let open = days.contains(&day) && (start..end).contains(&slot);
                    proptest::prop_assert_eq!(window.allows(day, slot / 4, (slot % 4) * 15), open, "{} at {}", text, slot);
                }
            }
        }
    }
}
