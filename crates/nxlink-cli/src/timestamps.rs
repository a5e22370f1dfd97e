//! Epoch seconds as people read and write them: `2026-03-25 08:00` (UTC) in tables, and
//! `2026-03-25`, `2026-03-25T08:00[:00][Z]` or plain epoch seconds in filter flags.

use crate::errors::CliError;

/// Now, in epoch seconds (0 for a clock before 1970).
pub(crate) fn now_epoch_seconds() -> i64 {
    now_epoch_ms() / 1000
}

/// Now, in epoch milliseconds (0 for a clock before 1970).
pub(crate) fn now_epoch_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}

/// Formats epoch milliseconds as RFC 3339 in UTC, to the millisecond:
/// `2026-03-25T08:00:00.123Z`.
pub(crate) fn format_utc_ms(epoch_ms: i64) -> String {
    let seconds = epoch_ms.div_euclid(1000);
    let millis = epoch_ms.rem_euclid(1000);
    let days = seconds.div_euclid(86_400);
    let in_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    )
}

/// Formats epoch seconds as `YYYY-MM-DD HH:MM` in UTC.
pub(crate) fn format_utc(epoch_seconds: i64) -> String {
    let days = epoch_seconds.div_euclid(86_400);
    let of_day = epoch_seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        of_day / 3_600,
        of_day % 3_600 / 60
    )
}

/// Reads a time flag.
pub(crate) fn time_flag(flag: &str, text: &Option<String>) -> Result<Option<i64>, CliError> {
    text.as_deref()
        .map(|text| parse_time(text).map_err(|error| CliError::usage(format!("{flag}: {error}"))))
        .transpose()
}

/// Reads a time flag: epoch seconds, or a UTC date with an optional time.
pub(crate) fn parse_time(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let wrong = || {
        format!(
            "{text:?} is not a time: give epoch seconds, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (UTC)"
        )
    };
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().map_err(|_| wrong());
    }
    let text = text.strip_suffix(['Z', 'z']).unwrap_or(text);
    let (date, time) = match text.split_once(['T', 't', ' ']) {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let number = |part: Option<&str>, digits: usize, range: std::ops::RangeInclusive<i64>| {
        part.filter(|part| part.len() == digits && part.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|part| part.parse::<i64>().ok())
            .filter(|value| range.contains(value))
    };
    let mut parts = date.split('-');
    let year = number(parts.next(), 4, 1970..=9999).ok_or_else(wrong)?;
    let month = number(parts.next(), 2, 1..=12).ok_or_else(wrong)?;
    let day = number(parts.next(), 2, 1..=days_in_month(year, month)).ok_or_else(wrong)?;
    if parts.next().is_some() {
        return Err(wrong());
    }
    let mut seconds = 0;
    if let Some(time) = time {
        let mut parts = time.split(':');
        let hour = number(parts.next(), 2, 0..=23).ok_or_else(wrong)?;
        let minute = number(parts.next(), 2, 0..=59).ok_or_else(wrong)?;
        let second = match parts.next() {
            Some(second) => number(Some(second), 2, 0..=59).ok_or_else(wrong)?,
            None => 0,
        };
        if parts.next().is_some() {
            return Err(wrong());
        }
        seconds = hour * 3_600 + minute * 60 + second;
    }
    Ok(days_from_civil(year, month, day) * 86_400 + seconds)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day count since 1970-01-01 (the inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_round_trip() {
        assert_eq!(format_utc(0), "1970-01-01 00:00");
        assert_eq!(format_utc(1_746_583_929), "2025-05-07 02:12");
        assert_eq!(parse_time("2025-05-07T02:12:09Z"), Ok(1_746_583_929));
        assert_eq!(parse_time("2025-05-07 02:12:09"), Ok(1_746_583_929));
        assert_eq!(parse_time("2024-02-29"), Ok(1_709_164_800));
        assert_eq!(parse_time("1746583929"), Ok(1_746_583_929));
        for days in [-1, 0, 59, 60, 365, 11_016, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn refuses_what_is_not_a_time() {
        for bad in [
            "",
            "yesterday",
            "2025-13-01",
            "2025-02-30",
            "2023-02-29",
            "2025-1-1",
            "2025-01-01T25:00",
            "2025-01-01T10",
            "2025-01-01-01",
            "99999999999999999999",
        ] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }
}
