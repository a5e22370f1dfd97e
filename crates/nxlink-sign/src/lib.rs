//! Request signing for the NXLink OpenAPI, as a pure function.
//!
//! Every NXLink request carries `accessKey`, `ts`, `bizType`, `action` and a `sign` header:
//! `sign = lowercase_hex(H("accessKey=…&action=…&bizType=…&ts=…&body=<exact body>&accessSecret=…"))`
//! with `H` = MD5 (default) or SHA-256. This crate computes and verifies that signature. It reads
//! no clock and does no I/O: the caller passes the time and the exact bytes it sends.
//!
//! ```
//! use nxlink_sign::{Credentials, SigningProfile, sign_request};
//!
//! let credentials = Credentials::new("AK-6230339248928541113-2133", "test-secret");
//! let profile = SigningProfile::default(); // bizType 100, action nxai, MD5
//! let body = br#"{"name":"Parcel","pageNumber":1,"pageSize":10}"#;
//! let headers = sign_request(&credentials, &profile, 1_655_710_885_431, body);
//! assert_eq!(headers.signature().as_str(), "2eaba87cdab24efd7ed39abcc121d1fe");
//! for (name, value) in headers.iter() {
//!     println!("{name}: {value}");
//! }
//! ```
#![forbid(unsafe_code)]

mod algorithm;
mod credentials;
mod headers;
mod receiver;
mod signature;
mod verify;

pub use algorithm::{Algorithm, UnknownAlgorithm};
pub use credentials::{AccessSecret, Credentials, REDACTED};
pub use headers::{
    AI_AGENT_ACTION, AI_AGENT_BIZ_TYPE, SignedHeaders, SigningProfile, begin_signature, header,
    sign_request,
};
pub use receiver::{DEFAULT_TOLERANCE_MS, ReceivedHeaders, Rejection, verify_received};
pub use signature::{Signature, SignatureInput, StreamingSigner, compute_signature};
pub use verify::{VerifyError, verify};
