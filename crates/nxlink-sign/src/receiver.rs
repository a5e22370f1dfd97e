//! Checking a signed request someone sent us: NXLink callbacks, or requests to an emulator.
//!
//! The receiver recomputes the signature over the raw body bytes as received, compares it in
//! constant time, and refuses a `ts` outside its tolerance window so a captured request cannot
//! be replayed later.

use std::fmt;

use subtle::ConstantTimeEq;

use crate::algorithm::Algorithm;
use crate::credentials::Credentials;
use crate::signature::{SignedFields, StringToSign};
use crate::signer::header;

/// The tolerance the NXLink gateway applies to `ts`, either way.
pub const DEFAULT_TOLERANCE_MS: u64 = 60_000;

/// The authentication headers of a received request, as found (case-insensitively).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReceivedHeaders<'a> {
    /// `accessKey`.
    pub access_key: Option<&'a str>,
    /// `ts`.
    pub ts: Option<&'a str>,
    /// `bizType`.
    pub biz_type: Option<&'a str>,
    /// `action`.
    pub action: Option<&'a str>,
    /// `sign`.
    pub sign: Option<&'a str>,
    /// `algorithm` (absent means MD5).
    pub algorithm: Option<&'a str>,
}

impl<'a> ReceivedHeaders<'a> {
    /// Picks the headers out of `(name, value)` pairs, ignoring the case of names: NXLink has
    /// been seen sending `accesskey` and `biztype` in lower case.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut found = ReceivedHeaders::default();
        for (name, value) in pairs {
            let slot = if name.eq_ignore_ascii_case(header::ACCESS_KEY) {
                &mut found.access_key
            } else if name.eq_ignore_ascii_case(header::TS) {
                &mut found.ts
            } else if name.eq_ignore_ascii_case(header::BIZ_TYPE) {
                &mut found.biz_type
            } else if name.eq_ignore_ascii_case(header::ACTION) {
                &mut found.action
            } else if name.eq_ignore_ascii_case(header::SIGN) {
                &mut found.sign
            } else if name.eq_ignore_ascii_case(header::ALGORITHM) {
                &mut found.algorithm
            } else {
                continue;
            };
            *slot = Some(value.trim());
        }
        found
    }
}

/// Why a received request was refused. Says which check failed, never what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// A required header is absent or blank.
    MissingHeader(&'static str),
    /// The `accessKey` is not ours.
    UnknownAccessKey,
    /// `ts` is not decimal milliseconds.
    MalformedTimestamp,
    /// `ts` is further from our clock than the tolerance: stale (or replayed), or from the future.
    StaleTimestamp {
        /// How far `ts` was from our clock, in milliseconds (positive = in the past).
        age_ms: i64,
    },
    /// The `algorithm` header names neither MD5 nor SHA-256.
    UnknownAlgorithm,
    /// The signature does not match the body received.
    BadSignature,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::MissingHeader(name) => write!(f, "missing header {name}"),
            Rejection::UnknownAccessKey => f.write_str("accessKey is not the expected one"),
            Rejection::MalformedTimestamp => f.write_str("ts is not decimal milliseconds"),
            Rejection::StaleTimestamp { age_ms } => {
                write!(
                    f,
                    "ts is {age_ms} ms away from our clock: stale or replayed"
                )
            }
            Rejection::UnknownAlgorithm => f.write_str("algorithm is neither md5 nor sha256"),
            Rejection::BadSignature => f.write_str("signature does not match the body"),
        }
    }
}

impl std::error::Error for Rejection {}

fn required<'a>(value: Option<&'a str>, name: &'static str) -> Result<&'a str, Rejection> {
    value
        .filter(|value| !value.is_empty())
        .ok_or(Rejection::MissingHeader(name))
}

/// Verifies a received request: our access key, a fresh `ts`, and a signature over `body`.
///
/// `now_ms` is the receiver's clock; `tolerance_ms` how far `ts` may be from it either way
/// ([`DEFAULT_TOLERANCE_MS`] matches the gateway). `bizType` and `action` are taken as sent:
/// they are covered by the signature.
pub fn verify_received(
    headers: &ReceivedHeaders<'_>,
    body: &[u8],
    credentials: &Credentials,
    now_ms: u64,
    tolerance_ms: u64,
) -> Result<(), Rejection> {
    let access_key = required(headers.access_key, header::ACCESS_KEY)?;
    let ts = required(headers.ts, header::TS)?;
    let biz_type = required(headers.biz_type, header::BIZ_TYPE)?;
    let action = required(headers.action, header::ACTION)?;
    let sign = required(headers.sign, header::SIGN)?;
    if access_key != credentials.access_key() {
        return Err(Rejection::UnknownAccessKey);
    }
    if !ts.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(Rejection::MalformedTimestamp);
    }
    let timestamp_ms: u64 = ts.parse().map_err(|_| Rejection::MalformedTimestamp)?;
    let age_ms = i128::from(now_ms) - i128::from(timestamp_ms);
    if age_ms.unsigned_abs() > u128::from(tolerance_ms) {
        let age_ms = i64::try_from(age_ms).unwrap_or(if age_ms < 0 { i64::MIN } else { i64::MAX });
        return Err(Rejection::StaleTimestamp { age_ms });
    }
    let algorithm =
        Algorithm::from_header(headers.algorithm).map_err(|_| Rejection::UnknownAlgorithm)?;
    // Signed as the sender's client formats it: a `ts` with leading zeros never verifies.
    let canonical_ts = timestamp_ms.to_string();
    let fields = SignedFields {
        access_key,
        action,
        biz_type,
        ts: &canonical_ts,
    };
    let mut expected = StringToSign::begin(fields, algorithm);
    expected.update(body);
    let expected = expected.finish(credentials.access_secret());
    // Constant time wherever the first differing character is, so a sender cannot learn the
    // expected signature byte by byte; `ct_eq` on slices of different lengths is false without
    // looking at the contents, and the length is public (it only reveals the algorithm). The
    // claim must be lowercase hex, as the gateway sends it.
    if bool::from(expected.as_bytes().ct_eq(sign.as_bytes())) {
        Ok(())
    } else {
        Err(Rejection::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Signer;

    const NOW: u64 = 1_700_000_000_000;
    const BODY: &[u8] = br#"{"taskId":"t-1","callId":"c-1"}"#;

    fn signed(credentials: &Credentials, ts: u64, body: &[u8]) -> Vec<(String, String)> {
        Signer::new(credentials.clone(), Algorithm::Md5)
            .sign(ts, body)
            .iter()
            // Lower-case names, as NXLink has been seen to send them.
            .map(|(name, value)| (name.to_ascii_lowercase(), value.to_owned()))
            .collect()
    }

    fn check(
        pairs: &[(String, String)],
        body: &[u8],
        credentials: &Credentials,
        now: u64,
    ) -> Result<(), Rejection> {
        let headers =
            ReceivedHeaders::from_pairs(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        verify_received(&headers, body, credentials, now, DEFAULT_TOLERANCE_MS)
    }

    #[test]
    fn accepts_a_fresh_signed_request_with_lower_case_names() {
        let credentials = Credentials::new("AK-1", "secret");
        let pairs = signed(&credentials, NOW - 1_000, BODY);
        assert_eq!(check(&pairs, BODY, &credentials, NOW), Ok(()));
    }

    #[test]
    fn refuses_tampering_staleness_and_strangers() {
        let credentials = Credentials::new("AK-1", "secret");
        let pairs = signed(&credentials, NOW, BODY);
        assert_eq!(
            check(
                &pairs,
                br#"{"taskId":"t-2","callId":"c-1"}"#,
                &credentials,
                NOW
            ),
            Err(Rejection::BadSignature)
        );
        assert_eq!(
            check(&pairs, BODY, &credentials, NOW + 60_001),
            Err(Rejection::StaleTimestamp { age_ms: 60_001 })
        );
        assert!(check(&pairs, BODY, &credentials, NOW + 60_000).is_ok());
        assert_eq!(
            check(&pairs, BODY, &Credentials::new("AK-1", "other"), NOW),
            Err(Rejection::BadSignature)
        );
        assert_eq!(
            check(&pairs, BODY, &Credentials::new("AK-2", "secret"), NOW),
            Err(Rejection::UnknownAccessKey)
        );
        let without_sign: Vec<_> = pairs.iter().filter(|(n, _)| n != "sign").cloned().collect();
        assert_eq!(
            check(&without_sign, BODY, &credentials, NOW),
            Err(Rejection::MissingHeader("sign"))
        );
        let mut bad_ts = pairs.clone();
        for (name, value) in &mut bad_ts {
            if name == "ts" {
                *value = "-5".to_owned();
            }
        }
        assert_eq!(
            check(&bad_ts, BODY, &credentials, NOW),
            Err(Rejection::MalformedTimestamp)
        );
    }
}
