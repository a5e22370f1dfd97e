//! Turning a request into the bytes that go on the wire, signed: validated, serialized once,
//! and hashed as it is written.
//!
//! Large bodies (a 10 000-contact create is ~1.8 MB) are hashed on the client's hashing
//! thread while they are still being written, in 64 KiB pieces of one buffer that are handed
//! over and back without copying; this thread validates meanwhile. Small bodies take the
//! plain path, where handing over would cost more than it saves.

use std::io;
use std::sync::mpsc;

use bytes::{BufMut, Bytes, BytesMut};
use http::Uri;
use nxlink_model::{ApiRequest, EncodeError};
use nxlink_sign::{Algorithm, Signature};

use crate::body_hasher::Hashed;
use crate::error::{Endpoint, Error};
use crate::signing::{RequestSigner, Stamp};

/// Bodies expected to be at least this large are hashed while they are written.
const PIPELINE_THRESHOLD: usize = 256 * 1024;
/// Size of the pieces handed to the hashing thread.
const PIECE: usize = 64 * 1024;
/// Size of the first piece: small, so that hashing starts soon after writing does.
const FIRST_PIECE: usize = 4 * 1024;

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
        let hint = request.encoded_size_hint();
        let pipelined = if hint < PIPELINE_THRESHOLD {
            None
        } else {
            pipelined(request, signer, timestamp_ms, hint)
        };
        let (body, signature) = match pipelined {
            Some(done) => done?,
            None => {
                let body = nxlink_model::encode(request)
                    .map(Bytes::from)
                    .map_err(encode_error::<R>)?;
                let signature = signer.sign(timestamp_ms, &body).signature;
                (body, signature)
            }
        };
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

/// Serializes on this thread while the client's hashing thread hashes finished pieces, then
/// validates here while the last pieces are hashed. Nothing leaves unless validation passed.
/// `None` when the hashing thread is busy with another body or cannot be started: the caller
/// then takes the plain path.
fn pipelined<R: ApiRequest>(
    request: &R,
    signer: &RequestSigner,
    timestamp_ms: u64,
    hint: usize,
) -> Option<Result<(Bytes, Signature), Error>> {
    let mut session = signer.body_hasher().claim()?;
    let (to_hasher, in_flight) = session.start(signer.signer(), timestamp_ms)?;
    // MD5 hashes slower than this thread writes, which leaves it time to validate after
    // writing; SHA-256 (in hardware on most CPUs) hashes faster, so a third thread validates
    // while this one writes.
    let validate_aside = signer.signer().algorithm() == Algorithm::Sha256;
    std::thread::scope(|scope| {
        let validating = validate_aside
            .then(|| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, || request.validate())
                    .ok()
            })
            .flatten();
        let mut pieces = PieceWriter {
            buffer: BytesMut::with_capacity(hint),
            to_hasher,
            piece: FIRST_PIECE,
        };
        let written = nxlink_model::write_body(request, &mut pieces);
        let flushed = pieces.hand_over();
        // Closes the body: the thread finishes with the pieces already sent.
        drop(pieces);
        let valid = match validating.map(std::thread::ScopedJoinHandle::join) {
            Some(Ok(valid)) => valid,
            // Not validated aside (no thread could be started): validated here.
            Some(Err(_)) | None => request.validate(),
        };
        let hashed = in_flight.finish();
        Some(assemble::<R>(
            valid,
            written.map_err(io::Error::from).and(flushed),
            hashed,
        ))
    })
}

/// The body and its signature, once it was valid, written whole and hashed.
fn assemble<R: ApiRequest>(
    valid: Result<(), nxlink_model::ValidationErrors>,
    written: io::Result<()>,
    hashed: Option<Hashed>,
) -> Result<(Bytes, Signature), Error> {
    valid.map_err(|errors| Error::validation(Endpoint::of::<R>(), errors))?;
    written.map_err(|error| Error::config(format!("could not serialize the request: {error}")))?;
    let Hashed { signature, pieces } =
        hashed.ok_or_else(|| Error::config("the body hashing thread stopped"))?;
    let mut body = BytesMut::new();
    for piece in pieces {
        // Pieces are adjacent slices of one allocation: rejoining them copies nothing.
        body.unsplit(piece);
    }
    Ok((body.freeze(), signature))
}

/// An `io::Write` into one growing buffer that hands each finished piece over (the first at
/// 4 KiB, then every 64 KiB).
struct PieceWriter {
    buffer: BytesMut,
    to_hasher: mpsc::Sender<BytesMut>,
    /// The size at which the next piece is handed over.
    piece: usize,
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
        if self.buffer.len() >= self.piece {
            self.hand_over()?;
            self.piece = PIECE;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
