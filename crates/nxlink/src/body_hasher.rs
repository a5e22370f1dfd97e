//! The client's body-hashing thread: large bodies are hashed on it while they are written.
//!
//! It is kept for the client's lifetime rather than spawned per request: measured on a
//! 2-vCPU machine, a thread spawned for each 10 000-contact create started 1 ms late on
//! average (2.5 ms at the 90th percentile), often queued behind the writer on its own core,
//! which cost more than the overlap saved. A thread that has run before is woken where it
//! last ran, on the idle core, in tens of microseconds.
//!
//! It is a one-thread `rayon_core` pool so that it can run work that borrows the request
//! (validating it while the first pieces are written), which a plain `'static` thread
//! cannot without copying the request or `unsafe`.

use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

use bytes::BytesMut;
use nxlink_sign::{Signature, Signer};
use rayon_core::{ThreadPool, ThreadPoolBuilder};

/// What the thread gives back: the signature, and the pieces it hashed (adjacent slices of
/// one buffer, to be joined again without copying).
pub(crate) struct Hashed {
    pub(crate) signature: Signature,
    pub(crate) pieces: Vec<BytesMut>,
}

/// The thread, started on first use; shared by a client and its clones, and ended when the
/// last of them is dropped. One body at a time: a second large request prepared meanwhile is
/// hashed on its own thread instead of waiting.
#[derive(Debug, Clone, Default)]
pub(crate) struct BodyHasher {
    thread: Arc<Mutex<Option<ThreadPool>>>,
}

/// A claim on the thread for one body.
pub(crate) struct HashingSession<'a> {
    thread: MutexGuard<'a, Option<ThreadPool>>,
}

impl BodyHasher {
    /// The thread for one body, or `None` when another body holds it.
    pub(crate) fn claim(&self) -> Option<HashingSession<'_>> {
        let thread = match self.thread.try_lock() {
            Ok(thread) => thread,
            // A panic cannot leave the slot half-written: it holds a pool or nothing.
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => return None,
        };
        Some(HashingSession { thread })
    }
}

impl HashingSession<'_> {
    /// The claimed thread, started if it was not yet; `None` when no thread can be started
    /// (the caller then hashes on its own thread).
    pub(crate) fn thread(&mut self) -> Option<&ThreadPool> {
        if self.thread.is_none() {
            let pool = ThreadPoolBuilder::new()
                .num_threads(1)
                .thread_name(|_| "nxlink-body-hasher".to_owned())
                .build()
                .ok()?;
            *self.thread = Some(pool);
        }
        self.thread.as_ref()
    }
}

/// Hashes the pieces of a body signed by `signer` for `timestamp_ms`, in order, until their
/// sender hangs up.
pub(crate) fn hash_pieces(
    signer: &Signer,
    timestamp_ms: u64,
    pieces: Receiver<BytesMut>,
) -> Hashed {
    let mut body = signer.begin(timestamp_ms);
    let mut hashed = Vec::new();
    for piece in pieces {
        body.update(&piece);
        hashed.push(piece);
    }
    Hashed {
        signature: *body.finish().signature(),
        pieces: hashed,
    }
}
