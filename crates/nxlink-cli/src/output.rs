//! Rendering lists: aligned tables for people, one JSON array (`--json`) or one JSON object
//! per line (`--jsonl`) for scripts. JSON output is streamed as pages arrive.

use std::io::Write;

use futures_util::{Stream, StreamExt};
use serde::Serialize;

use crate::cli::ListOutput;
use crate::errors::CliError;

/// Longest cell a table shows; longer text is cut with `…` (JSON output has it whole).
const MAX_CELL_CHARS: usize = 48;

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

/// Writes an aligned table: columns two spaces apart, the last one unpadded. Cells are
/// written whole (lists shorten theirs first).
pub(crate) fn write_table(
    out: &mut dyn Write,
    headers: &[&str],
    rows: &[Vec<String>],
) -> std::io::Result<()> {
    let mut widths: Vec<usize> = headers
        .iter()
        .map(|header| header.chars().count())
        .collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
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
                line.extend(std::iter::repeat_n(' ', width - cell.chars().count() + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// A cell fit for a table: one line, at most [`MAX_CELL_CHARS`].
fn shorten(cell: &str) -> String {
    let flat: String = cell
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() <= MAX_CELL_CHARS {
        return flat;
    }
    let mut cut: String = flat.chars().take(MAX_CELL_CHARS - 1).collect();
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
        assert_eq!(lines[2].chars().count(), 4 + 7 + MAX_CELL_CHARS);
    }
}
