//! Where a sheet's cells come from: an `.xlsx` sheet is streamed by a reader thread a
//! bounded channel away (memory stays flat however long the sheet: only the workbook's
//! shared strings are held), other formats are read whole, as calamine reads them.

use std::fs::File;
use std::io::BufReader;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use calamine::{Data, Range, Xlsx};

/// An .xlsx workbook as calamine opens a file.
pub(crate) type XlsxFile = Xlsx<BufReader<File>>;

/// One row's non-empty cells: the absolute row, and (absolute column, value) in order.
pub(crate) type CellRow = (u32, Vec<(u32, Data)>);

/// Rows a reader thread may run ahead of the reader.
const ROWS_AHEAD: usize = 256;

/// A source of rows of cells.
#[derive(Debug)]
pub(crate) enum SheetCells {
    /// Read whole (.xls, .xlsb, .ods).
    Loaded {
        /// The sheet's used range.
        range: Range<Data>,
        /// The next row to give, within the range.
        next: usize,
    },
    /// Streamed from an .xlsx by a reader thread.
    Streamed(Receiver<Message>),
}

/// What the reader thread sends.
#[derive(Debug)]
pub(crate) enum Message {
    /// First: the sheet's first column and its number of rows, from its dimension record.
    Dimensions(u32, u64),
    /// A row.
    Row(CellRow),
    /// The sheet could not be read further.
    Failed(String),
}

impl SheetCells {
    /// The first column and the number of rows of a loaded range.
    pub(crate) fn loaded(range: Range<Data>) -> (Self, u32, u64) {
        let first_column = range.start().map_or(0, |(_, column)| column);
        let rows = range.height() as u64;
        (SheetCells::Loaded { range, next: 0 }, first_column, rows)
    }

    /// Starts streaming `sheet` of an opened .xlsx on a thread of its own; returns the
    /// first column and the number of rows its dimension record announces.
    pub(crate) fn streamed(workbook: XlsxFile, sheet: &str) -> Result<(Self, u32, u64), String> {
        let (sender, receiver) = sync_channel(ROWS_AHEAD);
        let sheet = sheet.to_owned();
        std::thread::Builder::new()
            .name("nxlink-xlsx-reader".to_owned())
            .spawn(move || {
                if let Err(error) = stream(workbook, &sheet, &sender) {
                    let _ = sender.send(Message::Failed(error));
                }
            })
            .map_err(|error| format!("cannot start the sheet reader: {error}"))?;
        match receiver.recv() {
            Ok(Message::Dimensions(first_column, rows)) => {
                Ok((SheetCells::Streamed(receiver), first_column, rows))
            }
            Ok(Message::Failed(error)) => Err(error),
            Ok(Message::Row(_)) | Err(_) => Err("the sheet reader stopped".to_owned()),
        }
    }

    /// The next row that has a cell, or `None` after the last.
    pub(crate) fn next(&mut self) -> Result<Option<CellRow>, String> {
        match self {
            SheetCells::Loaded { range, next } => {
                let (first_row, first_column) = range.start().unwrap_or((0, 0));
                while *next < range.height() {
                    let at = *next;
                    *next += 1;
                    let cells: Vec<(u32, Data)> = (0..range.width())
                        .filter_map(|column| {
                            let cell = range.get((at, column))?;
                            (cell != &Data::Empty)
                                .then(|| (first_column + column as u32, cell.clone()))
                        })
                        .collect();
                    if !cells.is_empty() {
                        return Ok(Some((first_row + at as u32, cells)));
                    }
                }
                Ok(None)
            }
            SheetCells::Streamed(receiver) => match receiver.recv() {
                Ok(Message::Row(row)) => Ok(Some(row)),
                Ok(Message::Failed(error)) => Err(error),
                // Sent once, first, and taken by `streamed`.
                Ok(Message::Dimensions(..)) | Err(_) => Ok(None),
            },
        }
    }
}

/// The reader thread: sends the dimensions, then each row; stops when the receiver is gone.
fn stream(mut workbook: XlsxFile, sheet: &str, rows: &SyncSender<Message>) -> Result<(), String> {
    let mut cells = workbook
        .worksheet_cells_reader(sheet)
        .map_err(|error| error.to_string())?;
    let announced = cells.dimensions();
    let height = u64::from(announced.end.0.saturating_sub(announced.start.0)) + 1;
    if rows
        .send(Message::Dimensions(announced.start.1, height))
        .is_err()
    {
        return Ok(());
    }
    let mut current: Option<CellRow> = None;
    while let Some(cell) = cells.next_cell().map_err(|error| error.to_string())? {
        let (row, column) = cell.get_position();
        let value = Data::from(cell.get_value().clone());
        if value == Data::Empty {
            continue;
        }
        match current.as_mut() {
            Some((current_row, values)) if *current_row == row => values.push((column, value)),
            _ => {
                if let Some(done) = current.replace((row, vec![(column, value)]))
                    && rows.send(Message::Row(done)).is_err()
                {
                    return Ok(());
                }
            }
        }
    }
    if let Some(done) = current {
        let _ = rows.send(Message::Row(done));
    }
    Ok(())
}
