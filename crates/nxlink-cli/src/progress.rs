//! Progress of a long append: an indicatif bar on stderr (rows, rows/s, ETA) when stderr is
//! a terminal; otherwise one plain line per chunk, so logs show the run advancing.
//!
//! The number of rows is not known before the file is read through, so the bar's length is
//! estimated from the bytes read so far and the file's size, and corrected as it goes.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::errors::stderr_line;
use crate::output::thousands;

/// Shows how far an append is.
#[derive(Debug)]
pub(crate) struct Progress {
    bar: ProgressBar,
    file_len: u64,
    started: Instant,
    interactive: bool,
}

impl Progress {
    /// A bar for a file of `file_len` bytes; drawn only when stderr is a terminal.
    pub(crate) fn new(file_len: u64) -> Self {
        let interactive = std::io::stderr().is_terminal();
        let target = if interactive {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        // The length is unknown until the first chunk tells how long rows are.
        let bar = ProgressBar::with_draw_target(None, target);
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {elapsed_precise} [{wide_bar}] {human_pos}/~{human_len} rows  \
             {rate}  ETA {eta}  {msg}",
        ) {
            let style = style
                .with_key(
                    "rate",
                    |state: &ProgressState, out: &mut dyn std::fmt::Write| {
                        let _ = write!(out, "{} rows/s", thousands(state.per_sec() as u64));
                    },
                )
                .progress_chars("=> ");
            bar.set_style(style);
        }
        if interactive {
            bar.enable_steady_tick(Duration::from_millis(200));
        }
        Progress {
            bar,
            file_len,
            started: Instant::now(),
            interactive,
        }
    }

    /// Records that `rows` rows are done after reading `bytes` bytes; `note` says what
    /// happened to them (e.g. "12 refused").
    pub(crate) fn update(&self, rows: u64, bytes: u64, note: &str) {
        let estimate = if bytes > 0 && self.file_len > bytes {
            // Rows so far, scaled by the part of the file read.
            (rows as f64 * self.file_len as f64 / bytes as f64) as u64
        } else {
            rows
        };
        self.bar.set_length(estimate.max(rows));
        self.bar.set_position(rows);
        self.bar.set_message(note.to_owned());
        if !self.interactive {
            let percent = bytes
                .saturating_mul(100)
                .checked_div(self.file_len)
                .unwrap_or(100);
            stderr_line!(
                "progress: {} rows done ({percent}% of the file, {} rows/s){}",
                thousands(rows),
                thousands(self.rate(rows)),
                if note.is_empty() {
                    String::new()
                } else {
                    format!(", {note}")
                }
            );
        }
    }

    /// Prints a line without tearing the bar.
    pub(crate) fn note(&self, line: &str) {
        self.bar.suspend(|| stderr_line!("{line}"));
    }

    /// Rows per second since the start.
    pub(crate) fn rate(&self, rows: u64) -> u64 {
        let seconds = self.started.elapsed().as_secs_f64();
        if seconds > 0.0 {
            (rows as f64 / seconds) as u64
        } else {
            rows
        }
    }

    /// Time since the start.
    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Removes the bar, leaving the terminal to the summary.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
