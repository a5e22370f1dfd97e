//! The gateway's common checks, run on every request before any endpoint sees it, in the
//! order the real gateway applies them: presence (1001), product (1002), timestamp (1004),
//! account (1005), then content type, algorithm and signature (1003).

use std::borrow::Cow;

use http::{HeaderMap, header};
use nxlink_model::ResultCode;
use nxlink_sign::{
    AI_AGENT_ACTION, AI_AGENT_BIZ_TYPE, Algorithm, ReceivedHeaders, header as h, verify_received,
};

use crate::accounts::Accounts;
use crate::reply::Reply;

/// How far `ts` may be from the gateway's clock, either way, in milliseconds.
pub const TIMESTAMP_TOLERANCE_MS: i64 = 60_000;

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub(crate) access_key: String,
}

/// A header's value as text: absent or blank reads as missing (`None`). Bytes that are not
/// UTF-8 are replaced, which can never match a valid value, so they fail their own check.
fn text<'a>(headers: &'a HeaderMap, name: &str) -> Option<Cow<'a, str>> {
    let value = headers.get(name)?;
    let value = String::from_utf8_lossy(value.as_bytes());
    if value.trim().is_empty() {
        None
    } else {
        Some(value)
    }
}

/// Runs every common check and names the caller, or answers with the first failure.
pub(crate) fn authenticate(
    headers: &HeaderMap,
    body: &[u8],
    accounts: &Accounts,
    now_ms: i64,
) -> Result<Caller, Reply> {
    let fetch = |name: &'static str| {
        text(headers, name).ok_or_else(|| {
            Reply::auth(
                ResultCode::MissingCommonParameters,
                format!("missing header {name}"),
            )
        })
    };
    let access_key = fetch(h::ACCESS_KEY)?;
    let ts = fetch(h::TS)?;
    let biz_type = fetch(h::BIZ_TYPE)?;
    let action = fetch(h::ACTION)?;
    let sign = fetch(h::SIGN)?;

    if biz_type != AI_AGENT_BIZ_TYPE {
        return Err(Reply::auth(
            ResultCode::ParameterError,
            format!(
                "bizType {} instead of {AI_AGENT_BIZ_TYPE}",
                excerpt(&biz_type)
            ),
        ));
    }
    if action != AI_AGENT_ACTION {
        return Err(Reply::auth(
            ResultCode::ParameterError,
            format!("action {} instead of {AI_AGENT_ACTION}", excerpt(&action)),
        ));
    }

    let timestamp_ms = check_timestamp(&ts, now_ms)?;

    let Some(account) = accounts.find(&access_key) else {
        return Err(Reply::auth(
            ResultCode::InsufficientAuthority,
            format!("unknown accessKey {}", excerpt(&access_key)),
        ));
    };

    check_content_type(headers)?;
    let algorithm_header = text(headers, h::ALGORITHM);
    let algorithm = Algorithm::from_header(algorithm_header.as_deref())
        .map_err(|error| Reply::auth(ResultCode::InvalidSignature, error.to_string()))?;
    let received = ReceivedHeaders {
        access_key: Some(&access_key),
        ts: Some(&ts),
        biz_type: Some(&biz_type),
        action: Some(&action),
        sign: Some(&sign),
        algorithm: algorithm_header.as_deref(),
    };
    // Freshness was checked above against the emulator's clock, with the gateway's own
    // messages; what is left to check is the signature over the exact body.
    verify_received(&received, body, account, timestamp_ms, 0).map_err(|_| {
        Reply::auth(
            ResultCode::InvalidSignature,
            format!(
                "signature mismatch ({algorithm} over the {} body bytes received)",
                body.len()
            ),
        )
    })?;
    Ok(Caller {
        access_key: access_key.into_owned(),
    })
}

/// `ts` must be canonical decimal milliseconds within the tolerance of `now_ms`.
///
/// Leading zeros and signs are refused here: the signature covers the decimal digits of the
/// value, so such a `ts` could never verify anyway.
fn check_timestamp(ts: &str, now_ms: i64) -> Result<u64, Reply> {
    let expired = |why: String| Reply::auth(ResultCode::TimestampExpired, why);
    let canonical = ts.bytes().all(|b| b.is_ascii_digit()) && (ts == "0" || !ts.starts_with('0'));
    let value = ts
        .parse::<u64>()
        .ok()
        .filter(|_| canonical)
        .ok_or_else(|| expired(format!("ts {} is not decimal milliseconds", excerpt(ts))))?;
    let skew = i64::try_from(value)
        .ok()
        .and_then(|value| value.checked_sub(now_ms))
        .filter(|skew| skew.unsigned_abs() <= TIMESTAMP_TOLERANCE_MS.unsigned_abs());
    match skew {
        Some(_) => Ok(value),
        None => Err(expired(format!(
            "ts {value} is more than {TIMESTAMP_TOLERANCE_MS} ms from the emulator clock ({now_ms})"
        ))),
    }
}

/// `Content-Type` must be `application/json`, parameters such as `charset` allowed.
fn check_content_type(headers: &HeaderMap) -> Result<(), Reply> {
    let value = text(headers, header::CONTENT_TYPE.as_str());
    let media_type = value
        .as_deref()
        .and_then(|value| value.split(';').next())
        .map(str::trim);
    match media_type {
        Some(media_type) if media_type.eq_ignore_ascii_case("application/json") => Ok(()),
        Some(_) => Err(Reply::auth(
            ResultCode::InvalidSignature,
            format!(
                "Content-Type {} instead of application/json",
                excerpt(value.as_deref().unwrap_or_default())
            ),
        )),
        None => Err(Reply::auth(
            ResultCode::InvalidSignature,
            "no Content-Type (application/json required)",
        )),
    }
}

/// A short quoted excerpt of a header value: the log must not repeat megabytes of input.
fn excerpt(value: &str) -> String {
    let mut shown: String = value.chars().take(40).collect();
    if shown.len() < value.len() {
        shown.push('…');
    }
    format!("{shown:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_must_be_canonical_and_close() {
        let now = 1_655_710_885_431;
        assert!(check_timestamp("1655710885431", now).is_ok());
        assert!(check_timestamp("1655710945431", now).is_ok());
        assert!(check_timestamp("1655710945432", now).is_err());
        assert!(check_timestamp("1655710825431", now).is_ok());
        assert!(check_timestamp("1655710825430", now).is_err());
        for bad in [
            "1655710885",
            "01655710885431",
            "+1655710885431",
            "-1",
            "1e12",
            "99999999999999999999999",
        ] {
            let reply = check_timestamp(bad, now).expect_err(bad);
            assert_eq!(reply.code, ResultCode::TimestampExpired, "{bad}");
        }
        assert!(check_timestamp(&u64::MAX.to_string(), i64::MIN).is_err());
    }

    #[test]
    fn excerpts_are_bounded() {
        assert_eq!(excerpt("8"), "\"8\"");
        assert!(excerpt(&"x".repeat(10_000)).len() < 60);
    }
}
