//! Format rules for individual wire values (phone numbers, URLs, country codes, required
//! strings) and for the bounds of filter ranges, shared by every request type. Each check
//! records a violation and allocates nothing when the value is fine.

use crate::validation::{Violations, excerpt};
use std::fmt::Display;

/// Required strings must be present and non-empty.
pub(crate) fn required(violations: &mut Violations, path: impl Display, value: &str) {
    if value.is_empty() {
        violations.push(path, "is required and must not be empty");
    }
}

/// Shortest and longest phone numbers accepted, in digits (E.164 allows at most 15).
pub(crate) const PHONE_DIGITS: std::ops::RangeInclusive<usize> = 5..=15;

/// Phone numbers: ASCII digits with an optional single leading `+`, 5–15 digits.
pub(crate) fn phone_number(violations: &mut Violations, path: impl Display, value: &str) {
    if value.is_empty() {
        violations.push(path, "is required and must not be empty");
        return;
    }
    let digits = value.strip_prefix('+').unwrap_or(value);
    // Fast path for the common, valid case: bytes, no char decoding.
    if PHONE_DIGITS.contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        return;
    }
    if looks_like_a_spreadsheet_number(digits) {
        violations.push(
            path,
            format!(
                "{} looks like a number a spreadsheet reformatted (digits are lost that way): \
                 format the column as text, re-enter the numbers, and export again",
                excerpt(value)
            ),
        );
        return;
    }
    if let Some((index, c)) = digits.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        let offset = value.len() - digits.len();
        violations.push(
            path,
            format!(
                "must be 5–15 digits with an optional leading '+' (found {c:?} at byte {} of {})",
                index + offset,
                excerpt(value)
            ),
        );
    } else if !PHONE_DIGITS.contains(&digits.len()) {
        violations.push(
            path,
            format!(
                "must be 5–15 digits with an optional leading '+' (got {} digits)",
                digits.len()
            ),
        );
    }
}

/// Whether `text` is how a spreadsheet shows a phone number it took for a number:
/// scientific notation (`1.38E+10`) or a decimal (`13800000001.0`).
pub(crate) fn looks_like_a_spreadsheet_number(text: &str) -> bool {
    let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let decimal = |part: &str| match part.split_once('.') {
        Some((whole, fraction)) => all_digits(whole) && all_digits(fraction),
        None => all_digits(part),
    };
    match text.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => {
            let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            decimal(mantissa) && all_digits(exponent)
        }
        None => text.contains('.') && decimal(text),
    }
}

/// Country calling codes: 1–3 ASCII digits.
pub(crate) fn country_code(violations: &mut Violations, path: impl Display, value: &str) {
    let digits_only = value.bytes().all(|b| b.is_ascii_digit());
    if !(1..=3).contains(&value.len()) || !digits_only {
        violations.push(
            path,
            format!("must be 1–3 digits, e.g. \"86\" (got {})", excerpt(value)),
        );
    }
}

/// Callback URLs: absolute `http://` or `https://` with a non-empty host and no whitespace
/// or control characters.
pub(crate) fn callback_url(violations: &mut Violations, path: impl Display, value: &str) {
    if let Err(problem) = check_url(value) {
        violations.push(
            path,
            format!(
                "must be an absolute http:// or https:// URL: {problem} (got {})",
                excerpt(value)
            ),
        );
    }
}

/// Epoch times and durations in filters must not be negative; true when the value is fine
/// (or absent).
pub(crate) fn non_negative(violations: &mut Violations, path: &str, value: Option<i64>) -> bool {
    match value {
        Some(value) if value < 0 => {
            violations.push(path, format!("must not be negative (got {value})"));
            false
        }
        _ => true,
    }
}

/// The ends of a filter range, when both are given, must not be reversed; reported at the
/// upper end, since that is usually the one mistyped.
pub(crate) fn ordered<T: PartialOrd + Display>(
    violations: &mut Violations,
    (low_path, low): (&str, Option<T>),
    (high_path, high): (&str, Option<T>),
) {
    if let (Some(low), Some(high)) = (low, high)
        && high < low
    {
        violations.push(
            high_path,
            format!("must not be less than {low_path} ({high} is less than {low})"),
        );
    }
}

fn check_url(value: &str) -> Result<(), &'static str> {
    if value.is_empty() {
        return Err("it is empty");
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it contains whitespace or control characters");
    }
    let rest = strip_prefix_ignore_case(value, "https://")
        .or_else(|| strip_prefix_ignore_case(value, "http://"))
        .ok_or("the scheme is not http:// or https://")?;
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..authority_end).unwrap_or(rest);
    let host_and_port = match authority.rfind('@') {
        Some(at) => authority.get(at + 1..).unwrap_or(""),
        None => authority,
    };
    let (host, port) = if host_and_port.starts_with('[') {
        // An IPv6 literal: the host runs to the closing bracket, colons included.
        let close = host_and_port
            .find(']')
            .ok_or("the IPv6 host has no closing ']'")?;
        let (host, after) = host_and_port.split_at(close + 1);
        match after.strip_prefix(':') {
            Some(port) => (host, Some(port)),
            None if after.is_empty() => (host, None),
            None => return Err("unexpected characters after the IPv6 host"),
        }
    } else {
        match host_and_port.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_and_port, None),
        }
    };
    if host.is_empty() || host == "[]" {
        return Err("the host is empty");
    }
    if let Some(port) = port {
        let digits = port.bytes().all(|b| b.is_ascii_digit());
        if port.is_empty() || port.len() > 5 || !digits {
            return Err("the port is not a number");
        }
        if port.parse::<u16>().is_err() {
            return Err("the port is above 65535");
        }
    }
    Ok(())
}

fn strip_prefix_ignore_case<'a>(value: &'a str, prefix: &str) -> Option<&'a str> {
    let head = value.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        value.get(prefix.len()..)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url_ok(value: &str) -> bool {
        check_url(value).is_ok()
    }

    #[test]
    fn accepts_ordinary_callback_urls() {
        for url in [
            "https://example.com/webhook/task",
            "http://example.com",
            "HTTPS://Example.com:8443/a?b=c#d",
            "http://user:pw@host:80/",
            "http://[::1]:8080/hook",
            "http://10.0.0.1?x",
            "http://h:65535",
        ] {
            assert!(url_ok(url), "{url}");
        }
    }

    #[test]
    fn rejects_broken_callback_urls() {
        for url in [
            "",
            "example.com/hook",
            "ftp://example.com",
            "https://",
            "https:///path",
            "https://:8080/",
            "https://user@/x",
            "https://exa mple.com",
            "https://example.com/\n",
            "https://example.com:port/",
            "https://example.com:123456/",
            "https://example.com:65536/",
            "http://[::1",
            "http://[::1]x/",
            "http://[]/",
            "https:/example.com",
        ] {
            assert!(!url_ok(url), "{url:?}");
        }
    }

    #[test]
    fn phone_reasons_name_the_problem_without_echoing_huge_values() {
        let mut v = Violations::new();
        let huge = "1".repeat(10_000);
        phone_number(&mut v, "p", &huge);
        phone_number(&mut v, "q", "12a45");
        let errors = v.into_result().expect_err("two bad numbers");
        let reasons: Vec<_> = errors.iter().map(|v| v.reason().to_owned()).collect();
        assert!(reasons[0].contains("got 10000 digits"), "{}", reasons[0]);
        assert!(reasons[0].len() < 120);
        assert!(reasons[1].contains("'a' at byte 2"), "{}", reasons[1]);
    }
}
