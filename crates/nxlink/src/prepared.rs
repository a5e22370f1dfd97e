//! Turning a request into the bytes that go on the wire, signed: validated, serialized once,
//! and hashed as it is written.
//!
//! Large bodies (a 10 000-contact create is ~1.8 MB) are hashed on a second thread while the
//! serializer is still writing them, in 64 KiB pieces of one buffer that are handed over and
//! back without copying; validation runs meanwhile. Small bodies take the plain path, where a
//! thread would cost more than it saves.

use std::io;
use std::sync::mpsc;

use bytes::{BufMut, Bytes, BytesMut};
use http::Uri;
use nxlink_model::{ApiRequest, EncodeError};
use nxlink_sign::{Algorithm, BodySigner};

use crate::error::{Endpoint, Error};
use crate::signing::{RequestSigner, Stamp};

/// Bodies expected to be at least this large are hashed while they are written.
const PIPELINE_THRESHOLD: usize = 256 * 1024;
/// Size of the pieces handed to the hashing thread.
const PIECE: usize = 64 * 1024;
/// Size of the staging buffer between the serializer and the body buffer.
const STAGING: usize = 8 * 1024;

/// A request ready to send: its exact body, shared by every attempt, and the signature made
/// while it was serialized, which the first attempt uses up.
#[derive(Debug)]
pub(crate) struct PreparedRequest {
    body: Bytes,
    first: Option<Stamp>,
}

impl PreparedRequest {
    /// Validates, serializes and signs `request` for time `timestamp_ms`.
    pub(crate) fn new<R: ApiRequest>(
        request: &R,
        signer: &RequestSigner,
        timestamp_ms: u64,
    ) -> Result<Self, Error> {
        let body_signer = signer.signer().begin(timestamp_ms);
        let hint = request.encoded_size_hint();
        let (body, body_signer) = if hint < PIPELINE_THRESHOLD {
            let body = nxlink_model::encode(request)
                .map(Bytes::from)
                .map_err(encode_error::<R>)?;
            let mut body_signer = body_signer;
            body_signer.update(&body);
            (body, body_signer)
        } else {
            pipelined(request, body_signer, hint, signer.signer().algorithm())?
        };
        let signature = *body_signer.finish().signature();
        Ok(PreparedRequest {
            body,
            first: Some(Stamp {
                timestamp_ms,
                signature,
            }),
        })
    }

    /// The HTTP request of the next attempt: the first uses the signature made while
    /// serializing, every later one is signed afresh for `now_ms()` (the gateway refuses a
    /// `ts` more than 60 s old). The body is shared, never copied.
    pub(crate) fn next_attempt(
        &mut self,
        signer: &RequestSigner,
        uri: Uri,
        now_ms: impl FnOnce() -> u64,
    ) -> Result<http::Request<Bytes>, Error> {
        let stamp = match self.first.take() {
            Some(stamp) => stamp,
            None => signer.sign(now_ms(), &self.body),
        };
        signer.request(uri, self.body.clone(), stamp)
    }
}

fn encode_error<R: ApiRequest>(error: EncodeError) -> Error {
    match error {
        EncodeError::Invalid(errors) => Error::validation(Endpoint::of::<R>(), errors),
        other => Error::config(format!("could not serialize the request: {other}")),
    }
}

/// Serializes on this thread while a scoped thread hashes finished pieces, and validates on
/// whichever thread has slack: MD5 hashing is slower than serializing, so this thread
/// validates after writing; SHA-256 (hardware-accelerated on most CPUs) is faster, so the
/// hashing thread validates first while the opening pieces are written. Nothing leaves unless
/// validation passed.
fn pipelined<'s, R: ApiRequest>(
    request: &R,
    signer: BodySigner<'s>,
    hint: usize,
    algorithm: Algorithm,
) -> Result<(Bytes, BodySigner<'s>), Error> {
    let validate_while_hashing = algorithm == Algorithm::Sha256;
    std::thread::scope(|scope| {
        let (to_hasher, pieces) = mpsc::channel::<BytesMut>();
        let hashing = scope.spawn(move || {
            let valid = validate_while_hashing.then(|| request.validate());
            let mut signer = signer;
            let mut hashed = Vec::new();
            for piece in pieces {
                signer.update(&piece);
                hashed.push(piece);
            }
            (valid, signer, hashed)
        });
        // serde_json writes many tiny slices; a small staging buffer turns them into a few
        // large copies into the body buffer.
        let mut writer = io::BufWriter::with_capacity(
            STAGING,
            PieceWriter {
                buffer: BytesMut::with_capacity(hint),
                to_hasher,
            },
        );
        let written = serde_json::to_writer(&mut writer, request);
        let flushed = writer
            .into_inner()
            .map_err(io::IntoInnerError::into_error)
            .and_then(|mut pieces| pieces.hand_over());
        let valid_here = (!validate_while_hashing).then(|| request.validate());
        let (valid_there, signer, hashed) = hashing
            .join()
            .map_err(|_| Error::config("the body hashing thread failed"))?;
        if let Some(Err(errors)) = valid_here.or(valid_there) {
            return Err(Error::validation(Endpoint::of::<R>(), errors));
        }
        written
            .map_err(io::Error::from)
            .and(flushed)
            .map_err(|error| Error::config(format!("could not serialize the request: {error}")))?;
        let mut body = BytesMut::new();
        for piece in hashed {
            // Pieces are adjacent slices of one allocation: rejoining them copies nothing.
            body.unsplit(piece);
        }
        Ok((body.freeze(), signer))
    })
}

/// An `io::Write` into one growing buffer that hands every finished 64 KiB piece over.
struct PieceWriter {
    buffer: BytesMut,
    to_hasher: mpsc::Sender<BytesMut>,
}

impl PieceWriter {
    /// Sends what is buffered.
    fn hand_over(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        self.to_hasher
            .send(self.buffer.split())
            .map_err(|_| io::Error::other("the hashing thread stopped"))
    }
}

impl io::Write for PieceWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.put_slice(bytes);
        if self.buffer.len() >= PIECE {
            self.hand_over()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
