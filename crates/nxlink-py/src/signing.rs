//! `nxlink.sign` and `nxlink.verify_callback`: the signature of `nxlink-sign`, for requests sent
//! by other HTTP clients and for callbacks received by any web framework.

use std::time::{SystemTime, UNIX_EPOCH};

use nxlink_sign::{
    AI_AGENT_ACTION, AI_AGENT_BIZ_TYPE, Algorithm, Credentials, DEFAULT_TOLERANCE_MS,
    ReceivedHeaders, Signer, verify_received,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyString};

use crate::errors::callback_rejected;

/// Bodies from this size on are hashed with the GIL released.
const DETACH_FROM_BYTES: usize = 64 * 1024;

/// The `Content-Type` every AI-agent request carries (a wrong one is refused with 1003).
const JSON_CONTENT_TYPE: &str = "application/json";

/// A body as given: `bytes` are borrowed (they never change), `bytearray` copied, `str`
/// encoded as UTF-8 (the bytes the docs hash).
fn body_bytes<'py>(body: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    if let Ok(bytes) = body.cast::<PyBytes>() {
        Ok(bytes.clone())
    } else if let Ok(bytes) = body.cast::<PyByteArray>() {
        Ok(PyBytes::new(body.py(), &bytes.to_vec()))
    } else if let Ok(text) = body.cast::<PyString>() {
        text.encode_utf8()
    } else {
        Err(PyTypeError::new_err(format!(
            "body must be the exact bytes sent (bytes, or str sent as UTF-8), not {}",
            body.get_type().name()?
        )))
    }
}

/// A millisecond timestamp that cannot be negative.
fn milliseconds(value: i64, name: &str) -> PyResult<u64> {
    u64::try_from(value)
        .map_err(|_| PyValueError::new_err(format!("{name} must be >= 0, not {value}")))
}

/// The algorithm named `md5` or `sha256` (any case).
fn algorithm(name: &str) -> PyResult<Algorithm> {
    name.parse()
        .map_err(|error| PyValueError::new_err(format!("{error}")))
}

/// The headers that authenticate a request with body `body` at time `ts_ms`: `accessKey`,
/// `ts`, `bizType`, `action`, `sign`, `algorithm` (only for sha256) and `Content-Type`.
#[pyfunction]
#[pyo3(signature = (access_key, secret, ts_ms, body, algorithm = "md5", *, biz_type = AI_AGENT_BIZ_TYPE, action = AI_AGENT_ACTION))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn sign<'py>(
    py: Python<'py>,
    access_key: String,
    secret: String,
    ts_ms: i64,
    body: &Bound<'py, PyAny>,
    algorithm: &str,
    biz_type: &str,
    action: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let ts_ms = milliseconds(ts_ms, "ts_ms")?;
    let signer = Signer::new(
        Credentials::new(access_key, secret),
        self::algorithm(algorithm)?,
    )
    .with_product(biz_type.to_owned(), action.to_owned());
    let body = body_bytes(body)?;
    let body = body.as_bytes();
    let pairs: Vec<(&'static str, String)> = {
        let sign = || {
            signer
                .sign(ts_ms, body)
                .iter()
                .map(|(name, value)| (name, value.to_owned()))
                .collect()
        };
        if body.len() >= DETACH_FROM_BYTES {
            py.detach(sign)
        } else {
            sign()
        }
    };
    let headers = PyDict::new(py);
    for (name, value) in pairs {
        headers.set_item(name, value)?;
    }
    headers.set_item("Content-Type", JSON_CONTENT_TYPE)?;
    Ok(headers)
}

/// A header name or value as received: `str`, or `bytes` holding UTF-8.
fn header_text(value: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return String::from_utf8(bytes.as_bytes().to_vec())
            .map_err(|_| PyValueError::new_err("a header is not UTF-8 text"));
    }
    value.extract()
}

/// The `(name, value)` pairs of a mapping (anything with `.items()`) or of an iterable of pairs.
fn header_pairs(headers: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    let pairs = if headers.hasattr("items")? {
        headers.call_method0("items")?
    } else {
        headers.clone()
    };
    pairs
        .try_iter()?
        .map(|pair| {
            let (name, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = pair?.extract()?;
            Ok((header_text(&name)?, header_text(&value)?))
        })
        .collect()
}

/// The system clock in ms since the epoch.
fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
        })
}

/// Checks a received callback: the signature headers (names in any case) against the raw
/// body exactly as received, the access key, and `ts` within `tolerance_ms` of `now_ms` (the
/// system clock by default). Raises `CallbackVerificationError` when any check fails.
#[pyfunction]
#[pyo3(signature = (headers, body, access_key, secret, *, now_ms = None, tolerance_ms = DEFAULT_TOLERANCE_MS as i64))]
pub(crate) fn verify_callback(
    py: Python<'_>,
    headers: &Bound<'_, PyAny>,
    body: &Bound<'_, PyAny>,
    access_key: String,
    secret: String,
    now_ms: Option<i64>,
    tolerance_ms: i64,
) -> PyResult<()> {
    let now_ms = match now_ms {
        Some(value) => milliseconds(value, "now_ms")?,
        None => self::now_ms(),
    };
    let tolerance_ms = milliseconds(tolerance_ms, "tolerance_ms")?;
    let pairs = header_pairs(headers)?;
    let received = ReceivedHeaders::from_pairs(
        pairs
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str())),
    );
    let body = body_bytes(body)?;
    let credentials = Credentials::new(access_key, secret);
    verify_received(
        &received,
        body.as_bytes(),
        &credentials,
        now_ms,
        tolerance_ms,
    )
    .map_err(|rejection| callback_rejected(py, &rejection))
}
