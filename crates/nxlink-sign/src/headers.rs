//! Turning a signature into the header values a request carries.

use std::borrow::Cow;

use crate::algorithm::Algorithm;
use crate::credentials::Credentials;
use crate::signature::{Signature, SignatureInput, StreamingSigner, compute_signature};

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

/// The fixed parts of every signature a client makes: product, action and algorithm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningProfile {
    /// `bizType` header value.
    pub biz_type: Cow<'static, str>,
    /// `action` header value.
    pub action: Cow<'static, str>,
    /// Hash function.
    pub algorithm: Algorithm,
}

impl SigningProfile {
    /// The AI-agent profile (`bizType` 100, `action` nxai) with the given algorithm.
    pub const fn ai_agent(algorithm: Algorithm) -> Self {
        SigningProfile {
            biz_type: Cow::Borrowed(AI_AGENT_BIZ_TYPE),
            action: Cow::Borrowed(AI_AGENT_ACTION),
            algorithm,
        }
    }
}

impl Default for SigningProfile {
    fn default() -> Self {
        SigningProfile::ai_agent(Algorithm::Md5)
    }
}

/// The authentication headers of one request, signed over one exact body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedHeaders<'a> {
    access_key: &'a str,
    ts: String,
    biz_type: Cow<'static, str>,
    action: Cow<'static, str>,
    sign: Signature,
    algorithm: Algorithm,
}

impl SignedHeaders<'_> {
    /// The signature (`sign` header).
    pub fn signature(&self) -> &Signature {
        &self.sign
    }

    /// The timestamp as sent (`ts` header).
    pub fn ts(&self) -> &str {
        &self.ts
    }

    /// Every header to send, as `(name, value)`; `algorithm` only when it is not the default.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        [
            (header::ACCESS_KEY, self.access_key),
            (header::TS, self.ts.as_str()),
            (header::BIZ_TYPE, &*self.biz_type),
            (header::ACTION, &*self.action),
            (header::SIGN, self.sign.as_str()),
        ]
        .into_iter()
        .chain(
            self.algorithm
                .needs_header()
                .then(|| (header::ALGORITHM, self.algorithm.header_value())),
        )
    }
}

/// Signs one request: a pure function of credentials, time, profile and the exact body bytes.
///
/// The caller reads the clock (once per attempt: every retry needs a fresh `ts`) and sends
/// `body` unchanged.
pub fn sign_request<'a>(
    credentials: &'a Credentials,
    profile: &SigningProfile,
    timestamp_ms: u64,
    body: &[u8],
) -> SignedHeaders<'a> {
    let input = SignatureInput {
        access_key: credentials.access_key(),
        timestamp_ms,
        biz_type: &profile.biz_type,
        action: &profile.action,
        body,
        algorithm: profile.algorithm,
    };
    let signature = compute_signature(&input, credentials.access_secret());
    SignedHeaders::assemble(credentials, profile, timestamp_ms, signature)
}

/// Starts a [`StreamingSigner`] for a request of this client: for bodies signed while they
/// are written.
pub fn begin_signature(
    credentials: &Credentials,
    profile: &SigningProfile,
    timestamp_ms: u64,
) -> StreamingSigner {
    StreamingSigner::begin(
        credentials.access_key(),
        timestamp_ms,
        &profile.biz_type,
        &profile.action,
        profile.algorithm,
    )
}

impl<'a> SignedHeaders<'a> {
    /// The headers for a signature computed elsewhere (e.g. by a [`StreamingSigner`] begun
    /// with the same credentials, profile and time).
    pub fn assemble(
        credentials: &'a Credentials,
        profile: &SigningProfile,
        timestamp_ms: u64,
        signature: Signature,
    ) -> Self {
        SignedHeaders {
            access_key: credentials.access_key(),
            ts: timestamp_ms.to_string(),
            biz_type: profile.biz_type.clone(),
            action: profile.action.clone(),
            sign: signature,
            algorithm: profile.algorithm,
        }
    }
}
