//! Calendar arithmetic on epoch times: the civil date behind the `Date` header, and the local
//! week day and time of day at which a task's calling window is evaluated.

/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;

/// A moment as a task sees it in its own time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LocalTime {
    /// 1 = Monday … 7 = Sunday, as in `weekDay`.
    pub(crate) week_day: u8,
    /// 0–23.
    pub(crate) hour: u8,
    /// 0–59.
    pub(crate) minute: u8,
}

/// The local time at `epoch_ms` in the zone `zone_second` seconds east of UTC.
pub(crate) fn local_time(epoch_ms: i64, zone_second: i32) -> LocalTime {
    let local = epoch_ms.saturating_add(i64::from(zone_second).saturating_mul(1000));
    let days = local.div_euclid(DAY_MS);
    let of_day = local.rem_euclid(DAY_MS) / 1000;
    // 1970-01-01 was a Thursday (4); the casts cannot truncate: the values are below 60.
    LocalTime {
        week_day: (days.rem_euclid(7) + 3) as u8 % 7 + 1,
        hour: (of_day / 3600) as u8,
        minute: (of_day % 3600 / 60) as u8,
    }
}

/// Days since 1970-01-01 to (year, month 1–12, day 1–31) in the proleptic Gregorian
/// calendar (Howard Hinnant's `civil_from_days`, for non-negative days).
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(week_day: u8, hour: u8, minute: u8) -> LocalTime {
        LocalTime {
            week_day,
            hour,
            minute,
        }
    }

    #[test]
    fn local_time_applies_the_zone() {
        // 2022-06-20T07:41:25Z was a Monday.
        let ms = 1_655_710_885_431;
        assert_eq!(local_time(ms, 0), at(1, 7, 41));
        assert_eq!(local_time(ms, 28_800), at(1, 15, 41));
        assert_eq!(local_time(ms, -8 * 3600), at(7, 23, 41));
        assert_eq!(local_time(0, 0), at(4, 0, 0));
        assert_eq!(local_time(-1, 0), at(3, 23, 59));
        for extreme in [i64::MIN, i64::MAX] {
            assert!((1..=7).contains(&local_time(extreme, 50_400).week_day));
        }
    }
}
