//! Files the user sees complete or not at all: written to a hidden temporary file beside the
//! target, then synced, renamed into place, and the rename itself synced. A run stopped
//! before [`AtomicFile::commit`] leaves no partial file behind (it is removed when dropped).

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// A file being written to its temporary place.
#[derive(Debug)]
pub(crate) struct AtomicFile {
    path: PathBuf,
    partial: PathBuf,
    committed: bool,
}

impl AtomicFile {
    /// Creates the temporary file for `path`; write into the returned `File`.
    pub(crate) fn create(path: &Path) -> io::Result<(AtomicFile, File)> {
        let partial = partial_path(path);
        let file = File::create(&partial)?;
        let atomic = AtomicFile {
            path: path.to_path_buf(),
            partial,
            committed: false,
        };
        Ok((atomic, file))
    }

    /// Syncs `file` (the one [`AtomicFile::create`] returned, fully written) and renames it
    /// into place.
    pub(crate) fn commit(mut self, file: File) -> io::Result<()> {
        file.sync_all()?;
        drop(file);
        std::fs::rename(&self.partial, &self.path)?;
        self.committed = true;
        sync_parent(&self.path);
        Ok(())
    }
}

impl Drop for AtomicFile {
    /// Not committed (an error, a stop, nothing to write): the temporary file goes.
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

/// The temporary file for `path`: hidden, beside it.
fn partial_path(path: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(".partial");
    path.with_file_name(name)
}

/// Makes a rename durable: syncs the directory holding `path` (best effort: not every
/// platform can open a directory).
fn sync_parent(path: &Path) {
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if let Ok(dir) = File::open(parent) {
        let _ = dir.sync_all();
    }
}
