//! Request signing for the NXLink OpenAPI, as a pure function.
//!
//! Every NXLink request carries `accessKey`, `ts`, `bizType`, `action` and a `sign` header:
//! `sign = lowercase_hex(H("accessKey=…&action=…&bizType=…&ts=…&body=<exact body>&accessSecret=…"))`
//! with `H` = MD5 (default) or SHA-256. A [`Signer`] computes it; [`verify_received`] checks
//! one someone sent (a callback, or a request to an emulator). This crate reads no clock and
//! does no I/O: the caller passes the time and the exact bytes it sends or received.
//!
//! ```
//! use nxlink_sign::{Algorithm, Credentials, ReceivedHeaders, Signer, verify_received};
//!
//! let signer = Signer::new(Credentials::new("AK-6230339248928541113-2133", "test-secret"), Algorithm::Md5);
//! let body = br#"{"name":"Parcel","pageNumber":1,"pageSize":10}"#;
//! let headers = signer.sign(1_655_710_885_431, body);
//! assert_eq!(headers.signature().as_str(), "2eaba87cdab24efd7ed39abcc121d1fe");
//! for (name, value) in headers.iter() {
//!     println!("{name}: {value}");
//! }
//!
//! // The receiving side: the headers as they arrived (any case), the raw body, its own clock.
//! let pairs: Vec<(&str, &str)> = headers.iter().collect();
//! let received = ReceivedHeaders::from_pairs(pairs);
//! let now_ms = 1_655_710_890_000;
//! assert!(verify_received(&received, body, signer.credentials(), now_ms, 60_000).is_ok());
//! ```
#![forbid(unsafe_code)]

mod algorithm;
mod credentials;
mod receiver;
mod signature;
mod signer;

pub use algorithm::{Algorithm, UnknownAlgorithm};
pub use credentials::{AccessSecret, Credentials, REDACTED};
pub use receiver::{DEFAULT_TOLERANCE_MS, ReceivedHeaders, Rejection, verify_received};
pub use signature::Signature;
pub use signer::{AI_AGENT_ACTION, AI_AGENT_BIZ_TYPE, BodySigner, SignedHeaders, Signer, header};
