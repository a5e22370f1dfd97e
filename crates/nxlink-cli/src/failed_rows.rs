//! The failed-rows file: every row that is not in the task after a run, unchanged, under
//! the input's header, so that it can be fixed and appended again. Complete or absent.

use std::fs::File;
use std::path::{Path, PathBuf};

use csv::{ByteRecord, WriterBuilder};

use crate::errors::{CliError, io_reason};

/// Where failed rows go by default: next to the input, `<csv>.failed.csv`.
pub(crate) fn default_failed_path(csv: &Path) -> PathBuf {
    let mut name = csv.file_name().unwrap_or_default().to_os_string();
    name.push(".failed.csv");
    csv.with_file_name(name)
}

/// Writes rows, unchanged, under the input's header: a file to append again to resume.
///
/// The rows go to a temporary file beside the target, which [`FailedRows::finish`] syncs
/// and renames into place: the file the user sees is complete or absent, never cut short by
/// a kill. Creating one removes a stale file of an earlier run first.
#[derive(Debug)]
pub(crate) struct FailedRows {
    path: PathBuf,
    partial: PathBuf,
    writer: Option<csv::Writer<File>>,
    count: u64,
}

impl FailedRows {
    /// Starts the file (as a temporary one) and writes the header, after a UTF-8 byte-order
    /// mark when `bom` (for input that was not plain UTF-8: spreadsheet programs then read
    /// the rows back as the same text).
    pub(crate) fn create(path: &Path, headers: &ByteRecord, bom: bool) -> Result<Self, CliError> {
        let cannot = |error: &dyn std::fmt::Display| {
            CliError::usage(format!("cannot write {}: {error}", path.display()))
        };
        match std::fs::remove_file(path) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(cannot(&io_reason(&error))),
        }
        let partial = partial_path(path);
        let mut file = File::create(&partial).map_err(|error| cannot(&io_reason(&error)))?;
        if bom {
            std::io::Write::write_all(&mut file, b"\xEF\xBB\xBF")
                .map_err(|error| cannot(&io_reason(&error)))?;
        }
        let mut writer = WriterBuilder::new().flexible(true).from_writer(file);
        writer
            .write_byte_record(headers)
            .map_err(|error| cannot(&error))?;
        Ok(FailedRows {
            path: path.to_path_buf(),
            partial,
            writer: Some(writer),
            count: 0,
        })
    }

    fn cannot(&self, error: &dyn std::fmt::Display) -> CliError {
        CliError::failed(format!("cannot write {}: {error}", self.path.display()))
    }

    /// Writes one row as it was read.
    pub(crate) fn write(&mut self, row: &ByteRecord) -> Result<(), CliError> {
        let Some(writer) = self.writer.as_mut() else {
            return Ok(());
        };
        if let Err(error) = writer.write_byte_record(row) {
            return Err(self.cannot(&error));
        }
        self.count += 1;
        Ok(())
    }

    /// Completes the file: synced and renamed into place when it holds rows, no file at all
    /// when it does not. Returns how many rows it holds.
    pub(crate) fn finish(mut self) -> Result<u64, CliError> {
        let Some(writer) = self.writer.take() else {
            return Ok(0);
        };
        let file = writer
            .into_inner()
            .map_err(|error| self.cannot(&io_reason(error.error())))?;
        if self.count == 0 {
            drop(file);
            let _ = std::fs::remove_file(&self.partial);
            return Ok(0);
        }
        file.sync_all()
            .map_err(|error| self.cannot(&io_reason(&error)))?;
        drop(file);
        std::fs::rename(&self.partial, &self.path)
            .map_err(|error| self.cannot(&io_reason(&error)))?;
        sync_parent(&self.path);
        Ok(self.count)
    }
}

impl Drop for FailedRows {
    /// Not finished (an error, or a stop): the partial file is removed.
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

/// The temporary file a failed-rows file is written to: hidden, beside it.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_failed_file_sits_next_to_the_input() {
        assert_eq!(
            default_failed_path(Path::new("/data/june.csv")),
            Path::new("/data/june.csv.failed.csv")
        );
    }
}
