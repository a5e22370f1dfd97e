//! The signature itself: `H(accessKey=…&action=…&bizType=…&ts=…[&body=…]&accessSecret=…)`.

use std::fmt;

use md5::Md5;
use sha2::{Digest, Sha256};

use crate::algorithm::Algorithm;
use crate::credentials::AccessSecret;

/// Everything except the secret that enters a signature.
///
/// `body` must be the exact bytes that travel on the wire: one differing space changes the hash.
#[derive(Clone, Copy, Debug)]
pub struct SignatureInput<'a> {
    /// Value of the `accessKey` header.
    pub access_key: &'a str,
    /// Value of the `ts` header, milliseconds since the Unix epoch.
    pub timestamp_ms: u64,
    /// Value of the `bizType` header (`100` for the AI-agent API).
    pub biz_type: &'a str,
    /// Value of the `action` header (`nxai` for the AI-agent API).
    pub action: &'a str,
    /// The exact request body bytes; empty means "no body" and skips the `&body=` part.
    pub body: &'a [u8],
    /// Hash function to use.
    pub algorithm: Algorithm,
}

impl SignatureInput<'_> {
    /// The sorted header pairs that open the signed string (`headersStr` in the NXLink docs).
    ///
    /// Exposed so that tests and debugging output can pin the intermediate step; it holds no secret.
    pub fn headers_string(&self) -> String {
        format!(
            "accessKey={}&action={}&bizType={}&ts={}",
            self.access_key, self.action, self.biz_type, self.timestamp_ms
        )
    }
}

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

/// Computes the signature of a request, hashing each piece in turn.
///
/// No string holding the body is ever built: the body may be megabytes, and the bytes hashed are
/// exactly the bytes given. The secret only ever enters the hasher.
pub fn compute_signature(input: &SignatureInput<'_>, secret: &AccessSecret) -> Signature {
    let mut signer = StreamingSigner::begin(
        input.access_key,
        input.timestamp_ms,
        input.biz_type,
        input.action,
        input.algorithm,
    );
    signer.update(input.body);
    signer.finish(secret)
}

/// A signature computed while the body is still being produced: feed the body in pieces, in
/// order, as they are written (possibly on another thread), then finish with the secret.
///
/// Gives exactly what [`compute_signature`] gives for the concatenated pieces; the
/// `&body=` part appears as soon as one non-empty piece arrives.
#[derive(Clone)]
pub struct StreamingSigner {
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

impl StreamingSigner {
    /// Starts a signature: hashes the sorted header pairs.
    pub fn begin(
        access_key: &str,
        timestamp_ms: u64,
        biz_type: &str,
        action: &str,
        algorithm: Algorithm,
    ) -> Self {
        let mut hasher = match algorithm {
            Algorithm::Md5 => Hasher::Md5(Md5::new()),
            Algorithm::Sha256 => Hasher::Sha256(Sha256::new()),
        };
        let mut timestamp = itoa_buffer();
        hasher.update(b"accessKey=");
        hasher.update(access_key.as_bytes());
        hasher.update(b"&action=");
        hasher.update(action.as_bytes());
        hasher.update(b"&bizType=");
        hasher.update(biz_type.as_bytes());
        hasher.update(b"&ts=");
        hasher.update(format_u64(timestamp_ms, &mut timestamp));
        StreamingSigner {
            hasher,
            body_started: false,
        }
    }

    /// Hashes the next piece of the body.
    pub fn update(&mut self, piece: &[u8]) {
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
    pub fn finish(mut self, secret: &AccessSecret) -> Signature {
        self.hasher.update(b"&accessSecret=");
        self.hasher.update(secret.as_bytes());
        match self.hasher {
            Hasher::Md5(hasher) => Signature::from_digest(&hasher.finalize()),
            Hasher::Sha256(hasher) => Signature::from_digest(&hasher.finalize()),
        }
    }
}

impl fmt::Debug for StreamingSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamingSigner")
            .field("body_started", &self.body_started)
            .finish_non_exhaustive()
    }
}

const U64_DIGITS: usize = 20;

fn itoa_buffer() -> [u8; U64_DIGITS] {
    [0; U64_DIGITS]
}

/// Decimal digits of `value` without allocating: the timestamp is hashed on every request.
fn format_u64(mut value: u64, buffer: &mut [u8; U64_DIGITS]) -> &[u8] {
    let mut start = U64_DIGITS;
    loop {
        start -= 1;
        buffer[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    &buffer[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_timestamps_like_display() {
        for value in [0, 7, 10, 1_655_710_885_431, u64::MAX] {
            let mut buffer = itoa_buffer();
            assert_eq!(format_u64(value, &mut buffer), value.to_string().as_bytes());
        }
    }
}
