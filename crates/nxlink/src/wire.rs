//! The HTTP form of a signed request: the common headers, named as they go on the wire, with
//! the values that never change built once per client.

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, USER_AGENT};
use http::{HeaderValue, Method, Uri};
use nxlink_sign::{Credentials, Signature, SigningProfile};

use crate::error::Error;

// HTTP/1 header names are case-insensitive and `http` stores them lower-cased; these are the
// five common headers and `algorithm` of the signing convention.
const ACCESS_KEY: HeaderName = HeaderName::from_static("accesskey");
const TS: HeaderName = HeaderName::from_static("ts");
const BIZ_TYPE: HeaderName = HeaderName::from_static("biztype");
const ACTION: HeaderName = HeaderName::from_static("action");
const SIGN: HeaderName = HeaderName::from_static("sign");
const ALGORITHM: HeaderName = HeaderName::from_static("algorithm");

const JSON: HeaderValue = HeaderValue::from_static("application/json");
const SDK_USER_AGENT: HeaderValue =
    HeaderValue::from_static(concat!("nxlink-rs/", env!("CARGO_PKG_VERSION")));

/// Header values fixed for a client's lifetime, validated once when it is built.
#[derive(Debug, Clone)]
pub(crate) struct FixedHeaders {
    access_key: HeaderValue,
    biz_type: HeaderValue,
    action: HeaderValue,
    algorithm: Option<HeaderValue>,
}

impl FixedHeaders {
    pub(crate) fn new(credentials: &Credentials, profile: &SigningProfile) -> Result<Self, Error> {
        let value = |name: &str, text: &str| {
            HeaderValue::from_str(text)
                .map_err(|_| Error::config(format!("{name} is not a valid HTTP header value")))
        };
        Ok(FixedHeaders {
            access_key: value("the access key", credentials.access_key())?,
            biz_type: value("bizType", &profile.biz_type)?,
            action: value("action", &profile.action)?,
            algorithm: profile
                .algorithm
                .needs_header()
                .then(|| HeaderValue::from_static(profile.algorithm.header_value())),
        })
    }

    /// A POST of `body` to `uri`, carrying `ts` and the signature made for exactly `body`.
    pub(crate) fn request(
        &self,
        uri: Uri,
        body: Bytes,
        timestamp_ms: u64,
        signature: &Signature,
    ) -> Result<http::Request<Bytes>, Error> {
        let sign = HeaderValue::from_bytes(signature.as_bytes())
            .map_err(|_| Error::config("the signature is not a valid header value"))?;
        let mut request = http::Request::new(body);
        *request.method_mut() = Method::POST;
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        headers.reserve(8);
        headers.insert(CONTENT_TYPE, JSON);
        headers.insert(USER_AGENT, SDK_USER_AGENT);
        headers.insert(ACCESS_KEY, self.access_key.clone());
        headers.insert(TS, HeaderValue::from(timestamp_ms));
        headers.insert(BIZ_TYPE, self.biz_type.clone());
        headers.insert(ACTION, self.action.clone());
        headers.insert(SIGN, sign);
        if let Some(algorithm) = &self.algorithm {
            headers.insert(ALGORITHM, algorithm.clone());
        }
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nxlink_sign::{Algorithm, header, sign_request};

    #[test]
    fn sends_what_the_signing_convention_names() {
        let credentials = Credentials::new("AK-1", "secret");
        for algorithm in [Algorithm::Md5, Algorithm::Sha256] {
            let profile = SigningProfile::ai_agent(algorithm);
            let signed = sign_request(&credentials, &profile, 1_655_710_885_431, b"{}");
            let request = FixedHeaders::new(&credentials, &profile)
                .expect("valid")
                .request(
                    Uri::from_static("https://gw.example/x"),
                    Bytes::from_static(b"{}"),
                    1_655_710_885_431,
                    signed.signature(),
                )
                .expect("built");
            for (name, value) in signed.iter() {
                assert_eq!(
                    request.headers().get(name).and_then(|v| v.to_str().ok()),
                    Some(value),
                    "{name}"
                );
            }
            let announced = request.headers().contains_key(header::ALGORITHM);
            assert_eq!(announced, algorithm.needs_header());
            assert_eq!(request.headers().len(), 7 + usize::from(announced));
        }
    }
}
