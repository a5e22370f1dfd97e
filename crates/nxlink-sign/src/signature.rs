//! The signature itself: `H(accessKey=…&action=…&bizType=…&ts=…[&body=…]&accessSecret=…)`.

use std::fmt;

use md5::Md5;
use sha2::{Digest, Sha256};

use crate::algorithm::Algorithm;
use crate::credentials::AccessSecret;

/// A lowercase hex digest: 32 characters for MD5, 64 for SHA-256.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature {
    hex: [u8; 64],
    len: u8,
}

impl Signature {
    /// The digest as lowercase hex, ready for the `sign` header.
    pub fn as_str(&self) -> &str {
        // Only ever filled by `hex::encode_to_slice`, which writes ASCII.
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    /// The digest as lowercase hex bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.hex[..usize::from(self.len)]
    }

    fn from_digest(digest: &[u8]) -> Self {
        let mut hex = [0u8; 64];
        let len = digest.len() * 2;
        // Both digests fit: 16 bytes (MD5) or 32 bytes (SHA-256) make at most 64 hex chars.
        let written = hex::encode_to_slice(digest, &mut hex[..len.min(64)]).is_ok();
        Signature {
            hex,
            len: if written { len as u8 } else { 0 },
        }
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A signature is public (it is sent in clear), so it may be shown.
        write!(f, "Signature({})", self.as_str())
    }
}

/// The string to sign, hashed as it is formed: no string holding the body is ever built (the
/// body may be megabytes), and the secret only ever enters the hasher.
#[derive(Clone)]
pub(crate) struct StringToSign {
    hasher: Hasher,
    body_started: bool,
}

#[derive(Clone)]
enum Hasher {
    Md5(Md5),
    Sha256(Sha256),
}

impl Hasher {
    fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Md5(hasher) => hasher.update(bytes),
            Hasher::Sha256(hasher) => hasher.update(bytes),
        }
    }
}

/// The header values that open the string to sign, in the documented (sorted) order.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SignedFields<'a> {
    pub(crate) access_key: &'a str,
    pub(crate) action: &'a str,
    pub(crate) biz_type: &'a str,
    pub(crate) ts: &'a str,
}

impl SignedFields<'_> {
    /// `headersStr` of the NXLink docs.
    pub(crate) fn headers_string(&self) -> String {
        format!(
            "accessKey={}&action={}&bizType={}&ts={}",
            self.access_key, self.action, self.biz_type, self.ts
        )
    }
}

impl StringToSign {
    /// Hashes the sorted header pairs.
    pub(crate) fn begin(fields: SignedFields<'_>, algorithm: Algorithm) -> Self {
        Self::before_ts(fields.access_key, fields.action, fields.biz_type, algorithm)
            .with_ts(fields.ts)
    }

    /// Hashes the header pairs up to the `ts` value (`accessKey=…&action=…&bizType=…&ts=`):
    /// the part a signer repeats for every request, hashed once and then cloned.
    pub(crate) fn before_ts(
        access_key: &str,
        action: &str,
        biz_type: &str,
        algorithm: Algorithm,
    ) -> Self {
        let mut hasher = match algorithm {
            Algorithm::Md5 => Hasher::Md5(Md5::new()),
            Algorithm::Sha256 => Hasher::Sha256(Sha256::new()),
        };
        hasher.update(b"accessKey=");
        hasher.update(access_key.as_bytes());
        hasher.update(b"&action=");
        hasher.update(action.as_bytes());
        hasher.update(b"&bizType=");
        hasher.update(biz_type.as_bytes());
        hasher.update(b"&ts=");
        StringToSign {
            hasher,
            body_started: false,
        }
    }

    /// This prefix (from [`StringToSign::before_ts`]) continued with the `ts` value.
    pub(crate) fn with_ts(&self, ts: &str) -> Self {
        let mut next = self.clone();
        next.hasher.update(ts.as_bytes());
        next
    }

    /// Hashes the next piece of the body.
    pub(crate) fn update(&mut self, piece: &[u8]) {
        if piece.is_empty() {
            return;
        }
        // The docs skip the body part only for an empty body; `{}` is not empty.
        if !self.body_started {
            self.hasher.update(b"&body=");
            self.body_started = true;
        }
        self.hasher.update(piece);
    }

    /// Adds the secret and returns the signature.
    pub(crate) fn finish(mut self, secret: &AccessSecret) -> Signature {
        self.hasher.update(b"&accessSecret=");
        self.hasher.update(secret.as_bytes());
        match self.hasher {
            Hasher::Md5(hasher) => Signature::from_digest(&hasher.finalize()),
            Hasher::Sha256(hasher) => Signature::from_digest(&hasher.finalize()),
        }
    }
}
