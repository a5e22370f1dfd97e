//! Turning a request into the bytes that go on the wire, signed: validated, serialized once,
//! and hashed as it is written.
//!
//! Large bodies (a 10 000-contact create is ~1.3 MB) are hashed on the client's hashing
//! thread while they are still being written, in pieces of one buffer (4 KiB growing to
//! 64 KiB) that are handed over and back without copying; validation runs on whichever of
//! the two threads would otherwise wait. Small bodies take the plain path, where handing
//! over would cost more than it saves.

use std::io;
use std::sync::mpsc;

use bytes::{BufMut, Bytes, BytesMut};
use http::Uri;
use nxlink_model::{ApiRequest, EncodeError};
use nxlink_sign::{Algorithm, Signature};

use crate::body_hasher::{Hashed, hash_pieces};
use crate::error::{Endpoint, Error};
use crate::signing::{RequestSigner, Stamp};

/// Bodies expected to be at least this large are hashed while they are written.
const PIPELINE_THRESHOLD: usize = 256 * 1024;
/// Size of the largest pieces handed to the hashing thread.
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

/// Serializes on this thread while the client's hashing thread hashes finished pieces, and
/// validates on whichever thread has time to spare. Nothing leaves unless validation passed.
/// `None` when the hashing thread is busy with another body or cannot be started: the caller
/// then takes the plain path.
fn pipelined<R: ApiRequest>(
    request: &R,
    signer: &RequestSigner,
    timestamp_ms: u64,
    hint: usize,
) -> Option<Result<(Bytes, Signature), Error>> {
    let mut session = signer.body_hasher().claim()?;
    let thread = session.thread()?;
    // MD5 hashes slower than this thread writes, which leaves this thread time to validate
    // after writing. SHA-256 (in hardware on most CPUs) hashes faster than this thread
    // writes, so the hashing thread validates first, while the first pieces are written,
    // then catches up: two threads for two cores, not a third one started per request.
    let validate_aside = signer.signer().algorithm() == Algorithm::Sha256;
    let (to_hasher, pieces) = mpsc::channel();
    let mut validated_aside = None;
    let mut hashed = None;
    let (written, validated_here) = thread.in_place_scope(|scope| {
        scope.spawn(|_| {
            if validate_aside {
                validated_aside = Some(request.validate());
            }
            hashed = Some(hash_pieces(signer.signer(), timestamp_ms, pieces));
        });
        let mut writer = PieceWriter::new(hint, to_hasher);
        let written = nxlink_model::write_body(request, &mut writer)
            .map_err(io::Error::from)
            .and_then(|()| writer.hand_over());
        // Closes the body: the hashing thread finishes with the pieces already sent.
        drop(writer);
        (written, (!validate_aside).then(|| request.validate()))
    });
    let valid = validated_here.or(validated_aside)?;
    Some(assemble::<R>(valid, written, hashed))
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

/// An `io::Write` into one growing buffer that hands each finished piece over: the first at
/// 4 KiB, then pieces a quarter the size of what was handed over before them, up to 64 KiB.
///
/// Growing the pieces gradually keeps the hashing thread fed from the start: measured on a
/// 10 000-contact create, a jump from 4 KiB straight to 64 KiB left it idle ~90 µs waiting
/// for the second piece, and MD5 (the slower side) cannot make up for lost time. Large pieces
/// later keep the hand-overs few when SHA-256 catches up with the writer.
struct PieceWriter {
    buffer: BytesMut,
    to_hasher: mpsc::Sender<BytesMut>,
    /// The size at which the next piece is handed over.
    piece: usize,
    /// How many bytes were handed over.
    handed: usize,
}

impl PieceWriter {
    fn new(capacity: usize, to_hasher: mpsc::Sender<BytesMut>) -> Self {
        PieceWriter {
            buffer: BytesMut::with_capacity(capacity),
            to_hasher,
            piece: FIRST_PIECE,
            handed: 0,
        }
    }

    /// Sends what is buffered.
    fn hand_over(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        self.handed += self.buffer.len();
        self.piece = (self.handed / 4).clamp(FIRST_PIECE, PIECE);
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
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
