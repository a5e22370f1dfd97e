//! The calling window: on which week days, and in which quarter-hours of those days, a task
//! may dial.

mod days;
mod error;
mod hours;
mod list;
mod schedule;
mod set_impls;

use serde::{Deserialize, Serialize};

pub use days::WeekDays;
pub use error::{ItemProblem, WindowError};
pub use hours::HourSet;
pub use list::SetIter;
pub use schedule::ScheduleError;

/// One quarter of an hour; the wire form has one hour list per quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Quarter {
    /// Minutes 0–14 (`firstFifteen`).
    First,
    /// Minutes 15–29 (`secondFifteen`).
    Second,
    /// Minutes 30–44 (`thirdFifteen`).
    Third,
    /// Minutes 45–59 (`fourthFifteen`).
    Fourth,
}

impl Quarter {
    /// The four quarters in clock order.
    pub const ALL: [Quarter; 4] = [Self::First, Self::Second, Self::Third, Self::Fourth];

    /// The quarter containing `minute`, or `None` for minutes past 59.
    pub const fn of_minute(minute: u8) -> Option<Self> {
        match minute {
            0..=14 => Some(Self::First),
            15..=29 => Some(Self::Second),
            30..=44 => Some(Self::Third),
            45..=59 => Some(Self::Fourth),
            _ => None,
        }
    }

    /// The first minute of the quarter (0, 15, 30 or 45).
    pub const fn start_minute(self) -> u8 {
        match self {
            Self::First => 0,
            Self::Second => 15,
            Self::Third => 30,
            Self::Fourth => 45,
        }
    }

    /// The JSON field holding this quarter's hours, e.g. `firstFifteen`.
    pub const fn field_name(self) -> &'static str {
        match self {
            Self::First => "firstFifteen",
            Self::Second => "secondFifteen",
            Self::Third => "thirdFifteen",
            Self::Fourth => "fourthFifteen",
        }
    }
}

/// When a task may dial: the week days, and for each quarter of an hour the hours in which
/// that quarter is open. Times are in the task's time zone (`zoneSecond`).
///
/// Its JSON form is five strings, flattened into the task: `weekDay`, `firstFifteen`,
/// `secondFifteen`, `thirdFifteen`, `fourthFifteen`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallWindow {
    /// Days on which dialling is allowed (`weekDay`).
    #[serde(rename = "weekDay")]
    pub week_days: WeekDays,
    /// Hours whose minutes :00–:14 allow dialling.
    pub first_fifteen: HourSet,
    /// Hours whose minutes :15–:29 allow dialling.
    pub second_fifteen: HourSet,
    /// Hours whose minutes :30–:44 allow dialling.
    pub third_fifteen: HourSet,
    /// Hours whose minutes :45–:59 allow dialling.
    pub fourth_fifteen: HourSet,
}

impl CallWindow {
    /// The common case: dial on `days`, during the whole of each hour in `hours`.
    pub const fn every_quarter(days: WeekDays, hours: HourSet) -> Self {
        Self {
            week_days: days,
            first_fifteen: hours,
            second_fifteen: hours,
            third_fifteen: hours,
            fourth_fifteen: hours,
        }
    }

    /// The hours in which quarter `q` is open.
    pub const fn quarter(&self, q: Quarter) -> HourSet {
        match q {
            Quarter::First => self.first_fifteen,
            Quarter::Second => self.second_fifteen,
            Quarter::Third => self.third_fifteen,
            Quarter::Fourth => self.fourth_fifteen,
        }
    }

    /// Mutable access to the hours of quarter `q`.
    pub fn quarter_mut(&mut self, q: Quarter) -> &mut HourSet {
        match q {
            Quarter::First => &mut self.first_fifteen,
            Quarter::Second => &mut self.second_fifteen,
            Quarter::Third => &mut self.third_fifteen,
            Quarter::Fourth => &mut self.fourth_fifteen,
        }
    }

    /// Open quarter-hours per day, summed over the four quarters (0–96).
    pub const fn quarters_per_day(&self) -> usize {
        self.first_fifteen.len()
            + self.second_fifteen.len()
            + self.third_fifteen.len()
            + self.fourth_fifteen.len()
    }

    /// Open quarter-hour slots per week: days × open quarter-hours per day (0–672).
    pub const fn slot_count(&self) -> usize {
        self.week_days.len() * self.quarters_per_day()
    }

    /// True when no day or no quarter-hour is open, so the task could never dial.
    pub const fn is_never_open(&self) -> bool {
        self.slot_count() == 0
    }

    /// Whether dialling is allowed at `hour:minute` on `week_day` (1 = Monday … 7 = Sunday),
    /// local to the task's time zone; any out-of-range input gives `false`.
    pub fn allows(&self, week_day: u8, hour: u8, minute: u8) -> bool {
        match Quarter::of_minute(minute) {
            Some(q) => self.week_days.contains(week_day) && self.quarter(q).contains(hour),
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn office() -> CallWindow {
        let hours = HourSet::span(9, 12)
            .expect("valid")
            .union(HourSet::span(14, 18).expect("valid"));
        CallWindow::every_quarter(WeekDays::MONDAY_TO_FRIDAY, hours)
    }

    #[test]
    fn allows_follows_days_hours_and_quarters() {
        let mut window = office();
        assert!(window.allows(1, 9, 0));
        assert!(window.allows(5, 17, 59));
        assert!(!window.allows(6, 10, 0), "Saturday is closed");
        assert!(!window.allows(1, 12, 0), "lunch is closed");
        assert!(!window.allows(1, 18, 0));
        window
            .quarter_mut(Quarter::Fourth)
            .insert(12)
            .expect("hour");
        assert!(window.allows(1, 12, 45));
        assert!(!window.allows(1, 12, 44));
    }

    #[test]
    fn allows_is_false_for_out_of_range_input() {
        let window = CallWindow::every_quarter(WeekDays::ALL, HourSet::ALL);
        assert!(window.allows(7, 23, 59));
        assert!(!window.allows(0, 10, 0));
        assert!(!window.allows(8, 10, 0));
        assert!(!window.allows(1, 24, 0));
        assert!(!window.allows(1, 10, 60));
        assert!(!window.allows(255, 255, 255));
    }

    #[test]
    fn slot_count_multiplies_days_by_quarter_hours() {
        assert_eq!(office().slot_count(), 5 * 7 * 4);
        let all = CallWindow::every_quarter(WeekDays::ALL, HourSet::ALL);
        assert_eq!(all.slot_count(), 7 * 96);
        let mut one = CallWindow::every_quarter(WeekDays::ALL, HourSet::EMPTY);
        assert!(one.is_never_open());
        one.third_fifteen = HourSet::from_hours([3]).expect("hour");
        assert_eq!(one.slot_count(), 7);
        assert!(!one.is_never_open());
        one.week_days = WeekDays::EMPTY;
        assert!(one.is_never_open());
    }

    #[test]
    fn quarters_map_minutes_and_field_names() {
        assert_eq!(Quarter::of_minute(14), Some(Quarter::First));
        assert_eq!(Quarter::of_minute(15), Some(Quarter::Second));
        assert_eq!(Quarter::of_minute(59), Some(Quarter::Fourth));
        assert_eq!(Quarter::of_minute(60), None);
        for q in Quarter::ALL {
            assert_eq!(Quarter::of_minute(q.start_minute()), Some(q));
        }
        assert_eq!(Quarter::Third.field_name(), "thirdFifteen");
    }

    #[test]
    fn json_form_uses_the_five_wire_fields() {
        let json = serde_json::to_value(office()).expect("serialize");
        assert_eq!(
            json,
            serde_json::json!({
                "weekDay": "1,2,3,4,5",
                "firstFifteen": "9,10,11,14,15,16,17",
                "secondFifteen": "9,10,11,14,15,16,17",
                "thirdFifteen": "9,10,11,14,15,16,17",
                "fourthFifteen": "9,10,11,14,15,16,17",
            })
        );
        let back: CallWindow = serde_json::from_value(json).expect("deserialize");
        assert_eq!(back, office());
    }
}
