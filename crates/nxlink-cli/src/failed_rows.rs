//! The failed-rows file: every row that is not in the task after a run, unchanged, under
//! the input's header, so that it can be fixed and appended again. Complete or absent.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use csv::{ByteRecord, WriterBuilder};

use crate::atomic_file::AtomicFile;
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
    /// Dropped uncommitted (an error, a stop, no rows), it removes the temporary file.
    file: AtomicFile,
    writer: csv::Writer<File>,
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
        let (atomic, mut file) =
            AtomicFile::create(path).map_err(|error| cannot(&io_reason(&error)))?;
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
            file: atomic,
            writer,
            count: 0,
        })
    }

    fn cannot(&self, error: &dyn std::fmt::Display) -> CliError {
        CliError::failed(format!("cannot write {}: {error}", self.path.display()))
    }

    /// Writes one row as it was read.
    pub(crate) fn write(&mut self, row: &ByteRecord) -> Result<(), CliError> {
        if let Err(error) = self.writer.write_byte_record(row) {
            return Err(self.cannot(&error));
        }
        self.count += 1;
        Ok(())
    }

    /// Completes the file: synced and renamed into place when it holds rows, no file at all
    /// when it does not. Returns how many rows it holds.
    pub(crate) fn finish(self) -> Result<u64, CliError> {
        let FailedRows {
            path,
            file: atomic,
            writer,
            count,
        } = self;
        let cannot = |error: &io::Error| {
            CliError::failed(format!(
                "cannot write {}: {}",
                path.display(),
                io_reason(error)
            ))
        };
        let file = writer.into_inner().map_err(|error| cannot(error.error()))?;
        if count == 0 {
            return Ok(0);
        }
        atomic.commit(file).map_err(|error| cannot(&error))?;
        Ok(count)
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
