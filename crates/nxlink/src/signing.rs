//! The client's signer: `nxlink_sign`'s [`Signer`] with its header values built once, and the
//! HTTP request a signature goes out in.

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, USER_AGENT};
use http::{HeaderValue, Method, Uri};
use nxlink_sign::{Signature, Signer, header};

use crate::body_hasher::BodyHasher;
use crate::error::Error;

const JSON: HeaderValue = HeaderValue::from_static("application/json");
const SDK_USER_AGENT: HeaderValue =
    HeaderValue::from_static(concat!("nxlink-rs/", env!("CARGO_PKG_VERSION")));

/// One value signs every request of a client: the [`Signer`] and the header values fixed for
/// the client's lifetime, validated once when it is built.
#[derive(Debug, Clone)]
pub(crate) struct RequestSigner {
    signer: Signer,
    names: [HeaderName; 6],
    access_key: HeaderValue,
    biz_type: HeaderValue,
    action: HeaderValue,
    algorithm: Option<HeaderValue>,
    body_hasher: BodyHasher,
}

/// A signature and the `ts` it was made for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stamp {
    pub(crate) timestamp_ms: u64,
    pub(crate) signature: Signature,
}

impl RequestSigner {
    pub(crate) fn new(signer: Signer) -> Result<Self, Error> {
        let value = |name: &str, text: &str| {
            HeaderValue::from_str(text)
                .map_err(|_| Error::config(format!("{name} is not a valid HTTP header value")))
        };
        // `nxlink_sign` spells the names as the gateway documents them; `http` lower-cases them
        // (HTTP/1 names are case-insensitive).
        let name = |documented: &str| {
            HeaderName::from_bytes(documented.as_bytes())
                .map_err(|_| Error::config(format!("{documented} is not a valid header name")))
        };
        let algorithm = signer.algorithm();
        Ok(RequestSigner {
            names: [
                name(header::ACCESS_KEY)?,
                name(header::TS)?,
                name(header::BIZ_TYPE)?,
                name(header::ACTION)?,
                name(header::SIGN)?,
                name(header::ALGORITHM)?,
            ],
            access_key: value("the access key", signer.credentials().access_key())?,
            biz_type: value("bizType", signer.biz_type())?,
            action: value("action", signer.action())?,
            algorithm: algorithm
                .needs_header()
                .then(|| HeaderValue::from_static(algorithm.header_value())),
            signer,
            body_hasher: BodyHasher::default(),
        })
    }

    /// The signer underneath (credentials, product, algorithm).
    pub(crate) fn signer(&self) -> &Signer {
        &self.signer
    }

    /// The thread large bodies are hashed on while they are written.
    pub(crate) fn body_hasher(&self) -> &BodyHasher {
        &self.body_hasher
    }

    /// Signs `body` for time `timestamp_ms`.
    pub(crate) fn sign(&self, timestamp_ms: u64, body: &[u8]) -> Stamp {
        Stamp {
            timestamp_ms,
            signature: *self.signer.sign(timestamp_ms, body).signature(),
        }
    }

    /// A POST of `body` to `uri`, carrying the `stamp` made for exactly `body`.
    pub(crate) fn request(
        &self,
        uri: Uri,
        body: Bytes,
        stamp: Stamp,
    ) -> Result<http::Request<Bytes>, Error> {
        let sign = HeaderValue::from_bytes(stamp.signature.as_bytes())
            .map_err(|_| Error::config("the signature is not a valid header value"))?;
        let mut request = http::Request::new(body);
        *request.method_mut() = Method::POST;
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        headers.reserve(8);
        headers.insert(CONTENT_TYPE, JSON);
        headers.insert(USER_AGENT, SDK_USER_AGENT);
        let [access_key, ts, biz_type, action, sign_name, algorithm] = self.names.clone();
        headers.insert(access_key, self.access_key.clone());
        headers.insert(ts, HeaderValue::from(stamp.timestamp_ms));
        headers.insert(biz_type, self.biz_type.clone());
        headers.insert(action, self.action.clone());
        headers.insert(sign_name, sign);
        if let Some(value) = &self.algorithm {
            headers.insert(algorithm, value.clone());
        }
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nxlink_sign::{Algorithm, Credentials};

    #[test]
    fn sends_what_the_signing_convention_names() {
        let credentials = Credentials::new("AK-1", "secret");
        for algorithm in [Algorithm::Md5, Algorithm::Sha256] {
            let signer = Signer::new(credentials.clone(), algorithm);
            let signed = signer.sign(1_655_710_885_431, b"{}");
            let request_signer = RequestSigner::new(signer.clone()).expect("valid");
            let stamp = request_signer.sign(1_655_710_885_431, b"{}");
            let request = request_signer
                .request(
                    Uri::from_static("https://gw.example/x"),
                    Bytes::from_static(b"{}"),
                    stamp,
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
