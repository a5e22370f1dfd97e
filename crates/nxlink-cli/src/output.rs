//! Rendering lists: aligned tables for people, one JSON array (`--json`) or one JSON object
//! per line (`--jsonl`) for scripts. JSON output is streamed as pages arrive.

use std::io::Write;

use futures_util::{Stream, StreamExt};
use serde::Serialize;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use nxlink::model::TaskStatus;

use crate::cli::ListOutput;
use crate::errors::CliError;

/// Widest cell a table shows, in terminal columns (a CJK character takes two); longer text
/// is cut with `…` (JSON output has it whole).
const MAX_CELL_WIDTH: usize = 48;

/// How a list is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// An aligned table.
    Table,
    /// One JSON array.
    Json,
    /// One JSON object per line.
    Jsonl,
}

impl Format {
    /// The format the flags ask for.
    pub(crate) fn of(output: &ListOutput) -> Format {
        if output.json {
            Format::Json
        } else if output.jsonl {
            Format::Jsonl
        } else {
            Format::Table
        }
    }
}

/// A list's table form: headers, and the cells of one item.
pub(crate) struct Columns<T> {
    /// Column headers.
    pub(crate) headers: &'static [&'static str],
    /// The cells of one item, one per header.
    pub(crate) cells: fn(&T) -> Vec<String>,
    /// What to print when there is nothing, e.g. "no tasks match".
    pub(crate) empty: &'static str,
}

/// Prints every item of `items` (at most `--limit`), in the format asked for; returns how
/// many were printed. Items are fetched lazily: JSON goes out as they arrive, a table once
/// all are in (its columns need every width).
pub(crate) async fn print_list<T, S>(
    items: S,
    output: &ListOutput,
    columns: &Columns<T>,
    out: &mut dyn Write,
) -> Result<usize, CliError>
where
    T: Serialize,
    S: Stream<Item = Result<T, CliError>>,
{
    let format = Format::of(output);
    let items = items.take(output.limit.unwrap_or(usize::MAX));
    futures_util::pin_mut!(items);
    let mut count = 0;
    let mut rows = Vec::new();
    if format == Format::Json {
        out.write_all(b"[")?;
    }
    while let Some(item) = items.next().await {
        let item = item?;
        match format {
            Format::Table => rows.push((columns.cells)(&item).iter().map(|c| shorten(c)).collect()),
            Format::Json => {
                out.write_all(if count == 0 { b"\n  " } else { b",\n  " })?;
                write_json(out, &item)?;
            }
            Format::Jsonl => {
                write_json(out, &item)?;
                out.write_all(b"\n")?;
            }
        }
        count += 1;
    }
    match format {
        Format::Table if rows.is_empty() => writeln!(out, "{}", columns.empty)?,
        Format::Table => write_table(out, columns.headers, &rows)?,
        Format::Json => out.write_all(if count == 0 { b"]\n" } else { b"\n]\n" })?,
        Format::Jsonl => {}
    }
    out.flush()?;
    Ok(count)
}

fn write_json<T: Serialize>(out: &mut dyn Write, item: &T) -> Result<(), CliError> {
    serde_json::to_writer(&mut *out, item).map_err(|error| match error.io_error_kind() {
        Some(kind) => CliError::Output(std::io::Error::from(kind)),
        None => CliError::failed(format!("cannot write an item as JSON: {error}")),
    })
}

/// Writes an aligned table: columns two spaces apart, the last one unpadded, aligned by
/// display width (CJK and most emoji take two columns, combining marks none). Cells are
/// written whole (lists shorten theirs first).
pub(crate) fn write_table(
    out: &mut dyn Write,
    headers: &[&str],
    rows: &[Vec<String>],
) -> std::io::Result<()> {
    let mut widths: Vec<usize> = headers.iter().map(|header| header.width()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.width());
        }
    }
    let header_row: Vec<String> = headers.iter().map(|header| (*header).to_owned()).collect();
    for row in std::iter::once(&header_row).chain(rows) {
        let mut line = String::new();
        for (index, (cell, width)) in row.iter().zip(&widths).enumerate() {
            if index + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(
                    ' ',
                    width.saturating_sub(cell.width()) + 2,
                ));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// A cell fit for a table: one line, at most [`MAX_CELL_WIDTH`] columns wide. A cut never
/// splits a character from the combining marks after it.
fn shorten(cell: &str) -> String {
    let flat: String = cell
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.width() <= MAX_CELL_WIDTH {
        return flat;
    }
    let room = MAX_CELL_WIDTH - 1;
    let mut cut = String::new();
    let mut used = 0;
    for c in flat.chars() {
        let width = c.width().unwrap_or(0);
        if width > 0 && used + width > room {
            break;
        }
        used += width;
        cut.push(c);
    }
    cut.push('…');
    cut
}

/// An optional value as a cell: `-` when absent.
pub(crate) fn cell<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_owned(), |value| value.to_string())
}

/// A count with thousands separators, for people: `100,000` (as the progress bar writes it).
pub(crate) fn thousands(count: u64) -> String {
    let digits = count.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// A status as people say it.
pub(crate) fn status_name(status: TaskStatus) -> String {
    match status {
        TaskStatus::Ready => "ready".to_owned(),
        TaskStatus::InProgress => "in progress".to_owned(),
        TaskStatus::Completed => "completed".to_owned(),
        TaskStatus::Failed => "failed".to_owned(),
        TaskStatus::Paused => "paused".to_owned(),
        TaskStatus::PausedInsufficientBalance => "paused (balance)".to_owned(),
        other => format!("status {}", other.as_i64()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn tables_align_and_cut_long_cells() {
        let mut out = Vec::new();
        let rows = [
            vec!["1".to_owned(), "short".to_owned(), "x".to_owned()],
            vec!["22".to_owned(), "a\nb".to_owned(), "y".repeat(60)],
        ];
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|row| row.iter().map(|c| shorten(c)).collect())
            .collect();
        write_table(&mut out, &["ID", "NAME", "NOTE"], &rows).expect("written");
        let text = String::from_utf8(out).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "ID  NAME   NOTE");
        assert_eq!(lines[1], "1   short  x");
        assert!(lines[2].starts_with("22  a b    yyy"));
        assert!(lines[2].ends_with('…'));
        assert_eq!(lines[2].chars().count(), 4 + 7 + MAX_CELL_WIDTH);
    }

    #[test]
    fn wide_and_combining_text_keeps_columns_aligned() {
        let rows: Vec<Vec<String>> = [
            ["t-1", "客户回访任务", "1"],
            ["t-2", "Cafe\u{301} 🎉", "2"],
            ["t-3", "plain", "3"],
        ]
        .iter()
        .map(|row| row.iter().map(|c| shorten(c)).collect())
        .collect();
        let mut out = Vec::new();
        write_table(&mut out, &["ID", "NAME", "N"], &rows).expect("written");
        let text = String::from_utf8(out).expect("utf-8");
        // The last column starts at the same display column on every line.
        let starts: Vec<usize> = text
            .lines()
            .map(|line| {
                let (before, _) = line.rsplit_once("  ").expect("columns");
                before.width() + 2
            })
            .collect();
        assert!(starts.windows(2).all(|pair| pair[0] == pair[1]), "{text}");
        let long = shorten(&"名".repeat(40));
        assert_eq!(long.width(), MAX_CELL_WIDTH - 1, "{long}");
        assert!(long.ends_with('…'));
        let marks = shorten(&"e\u{301}".repeat(60));
        assert!(
            marks.trim_end_matches('…').ends_with('\u{301}'),
            "a mark stays with its letter"
        );
    }
}
