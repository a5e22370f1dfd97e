#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use axum::extract::{FromRef, FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use nxlink::callbacks::{CALLBACK_ACK_BODY, CallbackError, CallbackVerifier};
use serde::de::DeserializeOwned;

/// A callback whose signature and `ts` were verified over the raw body, parsed as `T`
/// (`CallRecordCallback`, `TaskStatusCallback`, or a type of yours).
#[derive(Debug, Clone)]
pub struct Verified<T>(pub T);

/// A verified callback's body, exactly as received, unparsed.
#[derive(Debug, Clone)]
pub struct VerifiedBody(pub Bytes);

/// The acknowledgement NXLink expects: HTTP 200 with `{"code":0,"message":"success"}`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ack;

impl IntoResponse for Ack {
    fn into_response(self) -> Response {
        json(StatusCode::OK, CALLBACK_ACK_BODY.to_owned())
    }
}

/// Why an extractor did not hand over a callback, and the answer it gives instead.
#[derive(Debug)]
#[non_exhaustive]
pub enum CallbackRejection {
    /// The body could not be read (too large, cut off): 400.
    Body(axum::extract::rejection::BytesRejection),
    /// The signature or `ts` was refused (or was a replay, with a replay guard): see
    /// [`CallbackError`]. A refusal is answered 401; a replay 200 with the acknowledgement,
    /// since it was accepted once already and must not be sent again.
    Verification(CallbackError),
    /// Authentic, but not the JSON `T` reads: 400.
    Malformed(serde_json::Error),
}

impl std::fmt::Display for CallbackRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallbackRejection::Body(error) => write!(f, "callback body unreadable: {error}"),
            CallbackRejection::Verification(error) => error.fmt(f),
            CallbackRejection::Malformed(error) => {
                write!(f, "callback body is not the expected JSON: {error}")
            }
        }
    }
}

impl std::error::Error for CallbackRejection {}

impl IntoResponse for CallbackRejection {
    fn into_response(self) -> Response {
        let status = match &self {
            CallbackRejection::Verification(error) if error.is_replay() => {
                return Ack.into_response();
            }
            CallbackRejection::Verification(_) => StatusCode::UNAUTHORIZED,
            CallbackRejection::Body(_) | CallbackRejection::Malformed(_) => StatusCode::BAD_REQUEST,
        };
        let body = serde_json::json!({ "code": status.as_u16(), "message": self.to_string() });
        json(status, body.to_string())
    }
}

impl<S> FromRequest<S> for VerifiedBody
where
    S: Send + Sync,
    CallbackVerifier: FromRef<S>,
{
    type Rejection = CallbackRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = CallbackVerifier::from_ref(state);
        let headers = request.headers().clone();
        let body = Bytes::from_request(request, state)
            .await
            .map_err(CallbackRejection::Body)?;
        verifier
            .verify(&headers, &body)
            .map_err(CallbackRejection::Verification)?;
        Ok(VerifiedBody(body))
    }
}

impl<S, T> FromRequest<S> for Verified<T>
where
    S: Send + Sync,
    CallbackVerifier: FromRef<S>,
    T: DeserializeOwned,
{
    type Rejection = CallbackRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let VerifiedBody(body) = VerifiedBody::from_request(request, state).await?;
        serde_json::from_slice(&body)
            .map(Verified)
            .map_err(CallbackRejection::Malformed)
    }
}

fn json(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}
