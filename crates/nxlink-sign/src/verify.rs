//! Checking a signature someone else computed, for receivers of signed requests.

use std::fmt;

use subtle::ConstantTimeEq;

use crate::credentials::AccessSecret;
use crate::signature::{SignatureInput, compute_signature};

/// Why a claimed signature was refused. Deliberately says nothing about the expected value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// The claimed signature does not match the one computed over the received bytes.
    Mismatch,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::Mismatch => f.write_str("signature does not match the request"),
        }
    }
}

impl std::error::Error for VerifyError {}

/// Recomputes the signature over the received bytes and compares it in constant time.
///
/// The comparison takes the same time wherever the first differing character is, so a caller
/// cannot learn the expected signature byte by byte. The claimed value must be lowercase hex,
/// as the gateway sends it.
pub fn verify(
    input: &SignatureInput<'_>,
    secret: &AccessSecret,
    claimed: &str,
) -> Result<(), VerifyError> {
    let expected = compute_signature(input, secret);
    // `ct_eq` on slices of different lengths is false without looking at the contents; the
    // length is public (it only reveals the algorithm).
    if bool::from(expected.as_bytes().ct_eq(claimed.as_bytes())) {
        Ok(())
    } else {
        Err(VerifyError::Mismatch)
    }
}
