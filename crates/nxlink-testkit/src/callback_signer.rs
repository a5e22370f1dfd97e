//! Signed callbacks for tests of a receiver: the headers and body the gateway would post,
//! for given credentials and time, without an emulator running.
//!
//! ```
//! use nxlink_model::CallRecordCallback;
//! use nxlink_testkit::{SignedCallback, demo_credentials};
//!
//! let call = CallRecordCallback { call_id: Some("call-1".into()), ..Default::default() };
//! let signed = SignedCallback::call_record(&demo_credentials(), 1_760_000_000_000, &call);
//! assert_eq!(signed.headers()["ts"], "1760000000000");
//! assert_eq!(signed.headers()["content-type"], "application/json");
//! let request = signed.to_request("http://127.0.0.1:8090/callbacks/call").unwrap();
//! assert_eq!(request.method(), "POST");
//! ```

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HOST};
use http::{HeaderMap, HeaderName, HeaderValue, Request, Uri};
use http_body_util::Full;
use nxlink_model::{CallRecordCallback, TaskStatusCallback};
use nxlink_sign::{Algorithm, Credentials, Signer};
use serde::Serialize;

/// A callback body with the headers that sign it, as NXLink sends it: `accessKey`, `ts`,
/// `bizType` 100, `action` nxai and `sign` (MD5 over the exact body), plus
/// `Content-Type: application/json`.
#[derive(Debug, Clone)]
pub struct SignedCallback {
    headers: HeaderMap,
    body: Bytes,
}

impl SignedCallback {
    /// Signs `body`, exactly as given, with `credentials` at `ts_ms` (ms since the epoch;
    /// a receiver accepts it within ±60 s of its own clock).
    pub fn new(credentials: &Credentials, ts_ms: u64, body: impl Into<Bytes>) -> Self {
        let body = body.into();
        let signer = Signer::new(credentials.clone(), Algorithm::Md5);
        let signed = signer.sign(ts_ms, &body);
        let mut headers = HeaderMap::with_capacity(6);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        for (name, value) in signed.iter() {
            // Names are the documented constants (lowercased here); values are digits, hex,
            // or the access key: an access key that is not header-safe text is left out, and
            // the receiver then refuses the callback as unsigned, as it should.
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                headers.insert(name, value);
            }
        }
        SignedCallback { headers, body }
    }

    /// A task-status callback, serialized then signed.
    pub fn task_status(
        credentials: &Credentials,
        ts_ms: u64,
        callback: &TaskStatusCallback,
    ) -> Self {
        Self::new(credentials, ts_ms, to_json(callback))
    }

    /// A call-record callback, serialized then signed.
    pub fn call_record(
        credentials: &Credentials,
        ts_ms: u64,
        callback: &CallRecordCallback,
    ) -> Self {
        Self::new(credentials, ts_ms, to_json(callback))
    }

    /// The headers to send (names lowercase, as HTTP/2 and many proxies deliver them).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The exact body the signature covers.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The headers and the body.
    pub fn into_parts(self) -> (HeaderMap, Bytes) {
        (self.headers, self.body)
    }

    /// A `POST` of this callback to `url`, with its `Host` header, for any hyper-based client.
    pub fn to_request(&self, url: &str) -> Result<Request<Full<Bytes>>, http::Error> {
        let uri: Uri = url.parse()?;
        self.request_to(&uri)
    }

    /// [`SignedCallback::to_request`] for a URL already parsed.
    pub fn request_to(&self, uri: &Uri) -> Result<Request<Full<Bytes>>, http::Error> {
        let mut request = Request::post(uri.path_and_query().map_or("/", |p| p.as_str()));
        if let Some(authority) = uri.authority() {
            request = request.header(HOST, authority.as_str());
        }
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        request.body(Full::new(self.body.clone()))
    }
}

/// The callback types serialize infallibly (strings, numbers and maps of JSON values).
fn to_json(value: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use nxlink_sign::{DEFAULT_TOLERANCE_MS, ReceivedHeaders, verify_received};

    #[test]
    fn a_signed_callback_verifies_over_its_body_and_fails_once_altered() {
        let credentials = Credentials::new("AK-test", "secret-test");
        let signed =
            SignedCallback::new(&credentials, 1_700_000_000_000, &b"{\"callId\":\"c\"}"[..]);
        let pairs = || {
            signed
                .headers()
                .iter()
                .map(|(name, value)| (name.as_str(), value.to_str().unwrap_or_default()))
        };
        let received = ReceivedHeaders::from_pairs(pairs());
        let verified = verify_received(
            &received,
            signed.body(),
            &credentials,
            1_700_000_000_500,
            DEFAULT_TOLERANCE_MS,
        );
        assert!(verified.is_ok(), "{verified:?}");
        let altered = verify_received(
            &received,
            b"{\"callId\":\"d\"}",
            &credentials,
            1_700_000_000_500,
            DEFAULT_TOLERANCE_MS,
        );
        assert!(altered.is_err());
        let request = signed
            .to_request("http://127.0.0.1:9/hook?x=1")
            .expect("request");
        assert_eq!(request.uri(), "/hook?x=1");
        assert_eq!(request.headers()["host"], "127.0.0.1:9");
        assert_eq!(request.headers()["accesskey"], "AK-test");
    }
}
