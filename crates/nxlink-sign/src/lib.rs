#![doc = include_str!("../README.md")]
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
