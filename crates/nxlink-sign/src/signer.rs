//! The one way to sign: a [`Signer`] holds what is fixed for a client (credentials, product,
//! algorithm) and signs a timestamp and the exact body bytes.

use std::borrow::Cow;
use std::fmt;

use crate::algorithm::Algorithm;
use crate::credentials::Credentials;
use crate::signature::{Signature, SignedFields, StringToSign};

/// `bizType` of the AI-agent API.
pub const AI_AGENT_BIZ_TYPE: &str = "100";
/// `action` of the AI-agent API.
pub const AI_AGENT_ACTION: &str = "nxai";

/// Header names, exactly as the gateway spells them.
pub mod header {
    /// Access key header.
    pub const ACCESS_KEY: &str = "accessKey";
    /// Millisecond timestamp header.
    pub const TS: &str = "ts";
    /// Product header (`100` for AI agent).
    pub const BIZ_TYPE: &str = "bizType";
    /// Action header (`nxai` for AI agent).
    pub const ACTION: &str = "action";
    /// Signature header.
    pub const SIGN: &str = "sign";
    /// Optional algorithm header (`md5` or `sha256`).
    pub const ALGORITHM: &str = "algorithm";
}

/// Signs requests for one access key: a pure function of the time and the exact body bytes.
///
/// The caller reads the clock (once per attempt: every retry needs a fresh `ts`) and sends the
/// body it signed unchanged. `Debug` shows the access key, never the secret.
#[derive(Clone)]
pub struct Signer {
    credentials: Credentials,
    biz_type: Cow<'static, str>,
    action: Cow<'static, str>,
    algorithm: Algorithm,
    /// The string to sign hashed up to the `ts` value, which every request repeats: over a
    /// small body that prefix is a third of the hashing.
    before_ts: StringToSign,
}

impl Signer {
    /// A signer for the AI-agent API (`bizType` 100, `action` nxai) hashing with `algorithm`.
    pub fn new(credentials: Credentials, algorithm: Algorithm) -> Self {
        let before_ts = StringToSign::before_ts(
            credentials.access_key(),
            AI_AGENT_ACTION,
            AI_AGENT_BIZ_TYPE,
            algorithm,
        );
        Signer {
            credentials,
            biz_type: Cow::Borrowed(AI_AGENT_BIZ_TYPE),
            action: Cow::Borrowed(AI_AGENT_ACTION),
            algorithm,
            before_ts,
        }
    }

    /// The same signer for another NXLink product (its `bizType` and `action`).
    pub fn with_product(
        mut self,
        biz_type: impl Into<Cow<'static, str>>,
        action: impl Into<Cow<'static, str>>,
    ) -> Self {
        self.biz_type = biz_type.into();
        self.action = action.into();
        self.before_ts = StringToSign::before_ts(
            self.credentials.access_key(),
            &self.action,
            &self.biz_type,
            self.algorithm,
        );
        self
    }

    /// The credentials it signs with.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The hash function.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The `bizType` header value.
    pub fn biz_type(&self) -> &str {
        &self.biz_type
    }

    /// The `action` header value.
    pub fn action(&self) -> &str {
        &self.action
    }

    /// Signs `body` (the exact bytes sent) for time `timestamp_ms`.
    pub fn sign(&self, timestamp_ms: u64, body: &[u8]) -> SignedHeaders<'_> {
        let mut signer = self.begin(timestamp_ms);
        signer.update(body);
        signer.finish()
    }

    /// Starts the same signature for a body hashed while it is written: feed it in pieces, in
    /// order (possibly on another thread), then [`BodySigner::finish`].
    pub fn begin(&self, timestamp_ms: u64) -> BodySigner<'_> {
        let ts = Timestamp::new(timestamp_ms);
        let hash = self.before_ts.with_ts(ts.as_str());
        BodySigner {
            signer: self,
            ts,
            hash,
        }
    }

    /// The sorted header pairs that open the string to sign (`headersStr` in the NXLink docs).
    ///
    /// Exposed so that tests and debugging output can pin the intermediate step; it holds no
    /// secret.
    pub fn headers_string(&self, timestamp_ms: u64) -> String {
        self.fields(&Timestamp::new(timestamp_ms)).headers_string()
    }

    fn fields<'a>(&'a self, ts: &'a Timestamp) -> SignedFields<'a> {
        SignedFields {
            access_key: self.credentials.access_key(),
            action: &self.action,
            biz_type: &self.biz_type,
            ts: ts.as_str(),
        }
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("credentials", &self.credentials)
            .field("biz_type", &self.biz_type)
            .field("action", &self.action)
            .field("algorithm", &self.algorithm)
            .finish()
    }
}

/// A signature in progress over a body fed in pieces (see [`Signer::begin`]).
#[derive(Clone)]
pub struct BodySigner<'a> {
    signer: &'a Signer,
    ts: Timestamp,
    hash: StringToSign,
}

impl<'a> BodySigner<'a> {
    /// Hashes the next piece of the body.
    pub fn update(&mut self, piece: &[u8]) {
        self.hash.update(piece);
    }

    /// The headers, signed over every piece fed: what [`Signer::sign`] gives for their
    /// concatenation.
    pub fn finish(self) -> SignedHeaders<'a> {
        SignedHeaders {
            signer: self.signer,
            sign: self.hash.finish(self.signer.credentials.access_secret()),
            ts: self.ts,
        }
    }
}

impl fmt::Debug for BodySigner<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodySigner")
            .field("ts", &self.ts.as_str())
            .finish_non_exhaustive()
    }
}

/// The authentication headers of one request, signed over one exact body. Two are equal when
/// they put the same headers on the wire.
#[derive(Clone)]
pub struct SignedHeaders<'a> {
    signer: &'a Signer,
    ts: Timestamp,
    sign: Signature,
}

impl SignedHeaders<'_> {
    /// The signature (`sign` header).
    pub fn signature(&self) -> &Signature {
        &self.sign
    }

    /// The timestamp as sent (`ts` header).
    pub fn ts(&self) -> &str {
        self.ts.as_str()
    }

    /// The timestamp, in ms since the Unix epoch.
    pub fn timestamp_ms(&self) -> u64 {
        self.ts.value
    }

    /// Every header to send, as `(name, value)`; `algorithm` only when it is not the default.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        let signer = self.signer;
        [
            (header::ACCESS_KEY, signer.credentials.access_key()),
            (header::TS, self.ts.as_str()),
            (header::BIZ_TYPE, &*signer.biz_type),
            (header::ACTION, &*signer.action),
            (header::SIGN, self.sign.as_str()),
        ]
        .into_iter()
        .chain(
            signer
                .algorithm
                .needs_header()
                .then(|| (header::ALGORITHM, signer.algorithm.header_value())),
        )
    }
}

impl fmt::Debug for SignedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl PartialEq for SignedHeaders<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for SignedHeaders<'_> {}

/// `ts` in decimal, kept inline: it is formed on every request and attempt.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Timestamp {
    value: u64,
    digits: [u8; 20],
    start: u8,
}

impl Timestamp {
    fn new(value: u64) -> Self {
        let mut digits = [b'0'; 20];
        let mut start = digits.len();
        let mut rest = value;
        loop {
            start -= 1;
            digits[start] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        Timestamp {
            value,
            digits,
            start: start as u8,
        }
    }

    fn as_str(&self) -> &str {
        // Only ASCII digits are ever written.
        std::str::from_utf8(&self.digits[usize::from(self.start)..]).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_timestamps_like_display() {
        for value in [0, 7, 10, 1_655_710_885_431, u64::MAX] {
            assert_eq!(Timestamp::new(value).as_str(), value.to_string());
        }
    }

    #[test]
    fn debug_shows_no_secret() {
        let signer = Signer::new(Credentials::new("AK-1", "s3cr3t-value"), Algorithm::Md5);
        let signed = signer.sign(1, b"{}");
        for shown in [
            format!("{signer:?}"),
            format!("{signed:?}"),
            format!("{:?}", signer.begin(1)),
        ] {
            assert!(!shown.contains("s3cr3t-value"), "{shown}");
        }
        assert!(format!("{signer:?}").contains("AK-1"));
    }
}
