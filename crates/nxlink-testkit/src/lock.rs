//! Poison-tolerant locking: a panic elsewhere must not take the emulator down with it.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks `mutex`, recovering the data if a previous holder panicked: every critical
/// section here leaves the data consistent (single pushes and clones), so it is safe to use.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
