//! Group commit: one thread owns the store and stores whatever arrived while the previous
//! transaction was syncing in one transaction, so hundreds of concurrent deliveries cost a
//! handful of disk syncs, and each delivery's answer waits for the sync that covers it.

use std::thread::JoinHandle;

use tokio::sync::{mpsc, oneshot};

use crate::callback_store::{Arrival, CallbackStore, Stored};

/// Most arrivals stored in one transaction.
const MOST_PER_TRANSACTION: usize = 512;

/// Arrivals waiting for the writer; beyond this, deliveries wait (back-pressure).
const QUEUE_CAPACITY: usize = 4096;

struct Job {
    arrival: Arrival,
    reply: oneshot::Sender<Result<Stored, String>>,
}

/// The handle deliveries store through; cheap to clone.
#[derive(Clone, Debug)]
pub(crate) struct StoreWriter {
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("kind", &self.arrival.kind)
            .finish_non_exhaustive()
    }
}

/// The writer thread; it ends once every handle is dropped, after storing all it was given.
#[derive(Debug)]
pub(crate) struct WriterThread {
    thread: JoinHandle<()>,
    ended: std::sync::mpsc::Receiver<()>,
}

impl WriterThread {
    /// Waits until everything handed to the writer is stored (or refused), for at most
    /// `limit`: a connection still open past the server's grace period keeps a handle, and
    /// then the process must be able to exit anyway (what that connection handed over and
    /// was not answered is redelivered by the gateway). True when the writer ended.
    pub(crate) fn join_within(self, limit: std::time::Duration) -> bool {
        match self.ended.recv_timeout(limit) {
            Ok(()) | Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                // A panic cannot happen in the loop (no indexing, no unwrap); if it did, the
                // deliveries it held were answered with errors by their dropped replies.
                let _ = self.thread.join();
                true
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => false,
        }
    }
}

impl StoreWriter {
    /// Starts the writer thread over `store`.
    pub(crate) fn start(store: CallbackStore) -> std::io::Result<(StoreWriter, WriterThread)> {
        let (jobs, queue) = mpsc::channel(QUEUE_CAPACITY);
        let (end, ended) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("nxlink-callback-store".to_owned())
            .spawn(move || {
                write_loop(store, queue);
                let _ = end.send(());
            })?;
        Ok((StoreWriter { jobs }, WriterThread { thread, ended }))
    }

    /// Stores one arrival; returns once it is on disk (or could not be stored).
    pub(crate) async fn store(&self, arrival: Arrival) -> Result<Stored, String> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { arrival, reply })
            .await
            .map_err(|_| "the store is closed".to_owned())?;
        answer
            .await
            .map_err(|_| "the store stopped before writing it".to_owned())?
    }
}

fn write_loop(mut store: CallbackStore, mut queue: mpsc::Receiver<Job>) {
    let mut jobs = Vec::with_capacity(MOST_PER_TRANSACTION);
    while let Some(first) = queue.blocking_recv() {
        jobs.push(first);
        while jobs.len() < MOST_PER_TRANSACTION {
            match queue.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let arrivals: Vec<&Arrival> = jobs.iter().map(|job| &job.arrival).collect();
        let results = store.store_all(&arrivals);
        for (job, stored) in jobs.drain(..).zip(results) {
            let _ = job.reply.send(stored);
        }
    }
}
