//! The client's signer: `nxlink_sign`'s [`Signer`] with its header values built once, and the
//! HTTP request a signature goes out in.

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, USER_AGENT};
use http::{HeaderMap, HeaderValue, Method, Uri};
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
    /// The headers every request carries unchanged (content type, user agent, access key,
    /// product, algorithm), with room for the two that change: cloned per attempt, cheaper
    /// than inserting them one by one.
    fixed: HeaderMap,
    ts: HeaderName,
    sign: HeaderName,
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
        let mut fixed = HeaderMap::with_capacity(8);
        fixed.insert(CONTENT_TYPE, JSON);
        fixed.insert(USER_AGENT, SDK_USER_AGENT);
        fixed.insert(
            name(header::ACCESS_KEY)?,
            value("the access key", signer.credentials().access_key())?,
        );
        fixed.insert(
            name(header::BIZ_TYPE)?,
            value("bizType", signer.biz_type())?,
        );
        fixed.insert(name(header::ACTION)?, value("action", signer.action())?);
        let algorithm = signer.algorithm();
        if algorithm.needs_header() {
            fixed.insert(
                name(header::ALGORITHM)?,
                HeaderValue::from_static(algorithm.header_value()),
            );
        }
        Ok(RequestSigner {
            fixed,
            ts: name(header::TS)?,
            sign: name(header::SIGN)?,
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
        let mut headers = self.fixed.clone();
        headers.insert(self.ts.clone(), HeaderValue::from(stamp.timestamp_ms));
        headers.insert(self.sign.clone(), sign);
        *request.headers_mut() = headers;
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
