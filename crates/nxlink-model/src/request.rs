//! What every endpoint request has in common, and the one way a request becomes bytes.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::compact_json::{append_json, write_json};
use crate::validation::{ParseError, ValidationErrors};

/// A request body for one endpoint. The facade is generic over this trait, and
/// [`encode`] — the only way the SDK serializes a request — validates first. `Sync` because a
/// large body is validated and hashed on two threads at once.
pub trait ApiRequest: Serialize + Sync {
    /// Path on the gateway, e.g. `"/openapi/aiagent/task/create"`.
    const PATH: &'static str;
    /// What `data` holds in a successful response.
    type Data: DeserializeOwned;
    /// Whether a gateway may put the payload's fields at the top level of the envelope
    /// instead of inside `data` (paged endpoints: spec §0 documents both shapes).
    const DATA_MAY_BE_TOP_LEVEL: bool = false;
    /// Whether the request only reads: sending it twice has no effect beyond the first, so a
    /// client may retry it after timeouts and server errors.
    const READ_ONLY: bool = false;

    /// Checks every local rule and returns all violations.
    fn validate(&self) -> Result<(), ValidationErrors>;

    /// Rough size of the encoded body, used to allocate the buffer once.
    fn encoded_size_hint(&self) -> usize {
        256
    }
}

/// Why a request could not be turned into bytes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The request breaks local rules; nothing was serialized.
    #[error("invalid request:\n{0}")]
    Invalid(#[source] ValidationErrors),
    /// Serialization itself failed (not expected for the SDK's own types).
    #[error("could not serialize the request: {0}")]
    Serialize(#[source] serde_json::Error),
}

impl EncodeError {
    /// The rule violations, when validation was what failed.
    pub fn validation_errors(&self) -> Option<&ValidationErrors> {
        match self {
            Self::Invalid(errors) => Some(errors),
            Self::Serialize(_) => None,
        }
    }
}

/// Validates `request`, then serializes it once as compact JSON.
pub fn encode<R: ApiRequest>(request: &R) -> Result<Vec<u8>, EncodeError> {
    request.validate().map_err(EncodeError::Invalid)?;
    let mut body = Vec::with_capacity(request.encoded_size_hint());
    append_json(&mut body, request).map_err(EncodeError::Serialize)?;
    Ok(body)
}

/// Writes the body [`encode`] produces into `writer`, in pieces of about 8 KiB, **without
/// validating it**: for a caller that hashes a large body while it is written and validates
/// meanwhile ([`ApiRequest::validate`]), sending nothing unless both succeed.
pub fn write_body<R: ApiRequest, W: std::io::Write>(
    request: &R,
    writer: W,
) -> Result<(), serde_json::Error> {
    write_json(writer, request)
}

/// Parses a request body and validates it: the receiving side's counterpart of [`encode`].
///
/// JSON that does not fit the request's shape is [`ParseError::Json`]; a well-formed body
/// that breaks rules is [`ParseError::Invalid`] with every violation. (For
/// `CreateTaskRequest`, whose own `Deserialize` validates, prefer its `from_json`, which
/// keeps the violations structured.)
pub fn decode<R: ApiRequest + DeserializeOwned>(json: &[u8]) -> Result<R, ParseError> {
    let request: R = serde_json::from_slice(json).map_err(ParseError::Json)?;
    request.validate().map_err(ParseError::Invalid)?;
    Ok(request)
}
