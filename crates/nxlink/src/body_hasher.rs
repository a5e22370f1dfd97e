//! The client's body-hashing thread: large bodies are hashed on it while they are written.
//!
//! It is kept for the client's lifetime rather than spawned per request: measured on a
//! 2-vCPU machine, a thread spawned for each 10 000-contact create started 1 ms late on
//! average (2.5 ms at the 90th percentile), often queued behind the writer on its own core,
//! which cost more than the overlap saved. A thread that has run before is woken where it
//! last ran, on the idle core, in tens of microseconds.

use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

use bytes::BytesMut;
use nxlink_sign::{Signature, Signer};

/// A body to hash: the signer and `ts` it is signed for, and its pieces, in order, until the
/// sender hangs up.
struct Job {
    signer: Signer,
    timestamp_ms: u64,
    pieces: Receiver<BytesMut>,
    done: SyncSender<Hashed>,
}

/// What the thread gives back: the signature, and the pieces it hashed (adjacent slices of
/// one buffer, to be joined again without copying).
pub(crate) struct Hashed {
    pub(crate) signature: Signature,
    pub(crate) pieces: Vec<BytesMut>,
}

/// The thread, started on first use; shared by a client and its clones. One body at a time:
/// a second large request prepared meanwhile is hashed on its own thread instead of waiting.
#[derive(Debug, Clone, Default)]
pub(crate) struct BodyHasher {
    jobs: Arc<Mutex<Option<Sender<Job>>>>,
}

/// A claim on the thread for one body.
pub(crate) struct HashingSession<'a> {
    jobs: MutexGuard<'a, Option<Sender<Job>>>,
}

/// Where the signature of a body being hashed comes back.
pub(crate) struct BodyInFlight {
    done: Receiver<Hashed>,
}

impl BodyHasher {
    /// The thread for one body, or `None` when another body holds it.
    pub(crate) fn claim(&self) -> Option<HashingSession<'_>> {
        let jobs = match self.jobs.try_lock() {
            Ok(jobs) => jobs,
            // A panic cannot leave the slot half-written: it holds a sender or nothing.
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => return None,
        };
        Some(HashingSession { jobs })
    }
}

impl HashingSession<'_> {
    /// Starts hashing a body signed by `signer` for `timestamp_ms`: send its pieces, in
    /// order, then drop the sender. `None` when no thread can be started (the caller then
    /// hashes on its own thread).
    pub(crate) fn start(
        &mut self,
        signer: &Signer,
        timestamp_ms: u64,
    ) -> Option<(Sender<BytesMut>, BodyInFlight)> {
        let (pieces, received) = mpsc::channel();
        let (finished, done) = mpsc::sync_channel(1);
        let mut job = Job {
            signer: signer.clone(),
            timestamp_ms,
            pieces: received,
            done: finished,
        };
        // A thread that ended (its channel closed) is replaced once.
        for _ in 0..2 {
            let jobs = match self.jobs.as_ref() {
                Some(jobs) => jobs,
                None => self.jobs.insert(spawn()?),
            };
            match jobs.send(job) {
                Ok(()) => return Some((pieces, BodyInFlight { done })),
                Err(mpsc::SendError(returned)) => {
                    job = returned;
                    *self.jobs = None;
                }
            }
        }
        None
    }
}

impl BodyInFlight {
    /// Waits for the signature (once the pieces' sender is dropped); `None` when the thread
    /// stopped.
    pub(crate) fn finish(self) -> Option<Hashed> {
        self.done.recv().ok()
    }
}

/// Starts a hashing thread; it ends when every sender of its jobs is dropped.
fn spawn() -> Option<Sender<Job>> {
    let (jobs, received) = mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("nxlink-body-hasher".to_owned())
        .spawn(move || {
            for job in received {
                let mut body = job.signer.begin(job.timestamp_ms);
                let mut pieces = Vec::new();
                for piece in job.pieces {
                    body.update(&piece);
                    pieces.push(piece);
                }
                let signature = *body.finish().signature();
                // The requester may have given up (an invalid request): nothing to do then.
                let _ = job.done.send(Hashed { signature, pieces });
            }
        })
        .ok()?;
    Some(jobs)
}
