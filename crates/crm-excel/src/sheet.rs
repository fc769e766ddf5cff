//! Worksheets parsed on a background thread and streamed to the [`Reader`](crate::Reader).
//!
//! Parsing the sheet XML is most of the cost of reading a workbook, so it runs on its own
//! thread while the caller consumes rows: a 1,000,000-row sheet reads in about the time the
//! parser alone takes, and memory holds a few batches of rows instead of the whole sheet.

use std::collections::VecDeque;
use std::io::Cursor;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use calamine::{Data, DataRef, Reader as _, Sheets};

use crate::cell::Cell;
use crate::error::{Error, ErrorKind, Result};
use crate::guard;

/// An opened calamine workbook over shared bytes.
pub(crate) type Book = Sheets<Cursor<Arc<[u8]>>>;

/// A non-empty row: its 0-based row number and its non-empty cells with 0-based columns.
pub(crate) type SheetRow = (u32, Vec<(u32, Cell)>);

/// Rows per message from the parser thread.
const BATCH: usize = 1024;
/// Messages in flight: memory holds at most this many batches.
const IN_FLIGHT: usize = 8;

enum Msg {
    /// The used range's first and last column, when the sheet declares it.
    Columns(Option<(u32, u32)>),
    Rows(Vec<SheetRow>),
    Failed(Error),
    Done,
}

/// The rows of one sheet, in order.
pub(crate) struct SheetStream {
    source: Source,
    columns: Option<(u32, u32)>,
    /// Rows read ahead (for header detection) and not yet handed out.
    ahead: VecDeque<SheetRow>,
}

enum Source {
    Thread {
        rx: Receiver<Msg>,
        batch: std::vec::IntoIter<SheetRow>,
        done: bool,
        /// Joined on drop: the parser stops at its next batch once `rx` is gone.
        parser: Option<std::thread::JoinHandle<()>>,
    },
    #[cfg(test)]
    Memory(std::vec::IntoIter<SheetRow>),
}

impl SheetStream {
    /// Starts parsing `sheet` of `book` on a new thread; the book is sent back through
    /// `give_back` when the thread ends (so the next sheet can reuse it).
    pub(crate) fn spawn(
        mut book: Book,
        sheet: String,
        format: &'static str,
        give_back: std::sync::mpsc::Sender<Book>,
    ) -> SheetStream {
        let (tx, rx) = sync_channel(IN_FLIGHT);
        let parser = std::thread::spawn(move || {
            let outcome = guard::parse(format, || produce(&mut book, &sheet, format, &tx));
            let last = match outcome {
                Ok(()) => Msg::Done,
                Err(e) => Msg::Failed(e),
            };
            let _ = tx.send(last);
            let _ = give_back.send(book);
        });
        SheetStream {
            source: Source::Thread {
                rx,
                batch: Vec::new().into_iter(),
                done: false,
                parser: Some(parser),
            },
            columns: None,
            ahead: VecDeque::new(),
        }
    }

    /// A stream over rows already in memory (tests, and callers that built them).
    #[cfg(test)]
    pub(crate) fn from_rows(rows: Vec<SheetRow>) -> SheetStream {
        SheetStream {
            source: Source::Memory(rows.into_iter()),
            columns: None,
            ahead: VecDeque::new(),
        }
    }

    /// The used range's columns, if the sheet declared them (known once a row was read).
    pub(crate) fn declared_columns(&self) -> Option<(u32, u32)> {
        self.columns
    }

    /// Reads up to `n` rows ahead and returns them (they are still handed out by `next`).
    pub(crate) fn peek(&mut self, n: usize) -> Result<&VecDeque<SheetRow>> {
        while self.ahead.len() < n {
            match self.pull() {
                Some(Ok(row)) => self.ahead.push_back(row),
                Some(Err(e)) => return Err(e),
                None => break,
            }
        }
        Ok(&self.ahead)
    }

    /// Drops the first `n` rows read ahead.
    pub(crate) fn skip_ahead(&mut self, n: usize) {
        let n = n.min(self.ahead.len());
        self.ahead.drain(..n);
    }

    /// The next row, or the parser's error.
    pub(crate) fn next_row(&mut self) -> Option<Result<SheetRow>> {
        if let Some(row) = self.ahead.pop_front() {
            return Some(Ok(row));
        }
        self.pull()
    }

    fn pull(&mut self) -> Option<Result<SheetRow>> {
        let columns = &mut self.columns;
        match &mut self.source {
            #[cfg(test)]
            Source::Memory(rows) => rows.next().map(Ok),
            Source::Thread { rx, batch, done, .. } => loop {
                if let Some(row) = batch.next() {
                    return Some(Ok(row));
                }
                if *done {
                    return None;
                }
                match rx.recv() {
                    Ok(Msg::Rows(rows)) => *batch = rows.into_iter(),
                    Ok(Msg::Failed(e)) => {
                        *done = true;
                        return Some(Err(e));
                    }
                    Ok(Msg::Columns(c)) => *columns = c,
                    Ok(Msg::Done) => *done = true,
                    Err(_) => {
                        *done = true;
                        return Some(Err(ErrorKind::Corrupt {
                            format: "workbook",
                            reason: "the sheet parser stopped unexpectedly".into(),
                        }
                        .into()));
                    }
                }
            },
        }
    }
}

impl Drop for SheetStream {
    /// Closes the channel, so that the parser stops at its next batch, and waits for it: the
    /// workbook is back for the next sheet, and no parser outlives its reader.
    fn drop(&mut self) {
        match &mut self.source {
            Source::Thread { rx, parser, .. } => {
                drop(std::mem::replace(rx, sync_channel(0).1));
                if let Some(parser) = parser.take() {
                    let _ = parser.join();
                }
            }
            #[cfg(test)]
            Source::Memory(_) => {}
        }
    }
}

/// Parses a sheet and sends its rows in batches; stops quietly when the reader is dropped.
fn produce(book: &mut Book, sheet: &str, format: &'static str, tx: &SyncSender<Msg>) -> Result<()> {
    let corrupt = |e: String| -> Error { ErrorKind::Corrupt { format, reason: e }.into() };
    let mut rows = Batcher { tx, rows: Vec::with_capacity(BATCH), stopped: false };
    // xlsx and xlsb stream their cells; calamine's `worksheet_range` would allocate a dense
    // grid spanning the first to the last cell, which a sheet with one far-off cell (or a
    // damaged file) can make larger than memory.
    match book {
        Sheets::Xlsx(xlsx) => {
            let mut cells =
                xlsx.worksheet_cells_reader(sheet).map_err(|e| corrupt(e.to_string()))?;
            let columns = declared_columns(cells.dimensions());
            let next = || cells.next_cell().map_err(|e| corrupt(e.to_string()));
            stream_cells(columns, next, tx, &mut rows)?;
        }
        Sheets::Xlsb(xlsb) => {
            let mut cells =
                xlsb.worksheet_cells_reader(sheet).map_err(|e| corrupt(e.to_string()))?;
            let columns = declared_columns(cells.dimensions());
            let next = || cells.next_cell().map_err(|e| corrupt(e.to_string()));
            stream_cells(columns, next, tx, &mut rows)?;
        }
        other => {
            let range = other.worksheet_range(sheet).map_err(|e| corrupt(e.to_string()))?;
            let (row0, col0) = range.start().unwrap_or((0, 0));
            let declared = range.end().map(|end| (col0, end.1));
            if tx.send(Msg::Columns(declared)).is_err() {
                return Ok(());
            }
            for (r, row) in range.rows().enumerate() {
                for (c, data) in row.iter().enumerate() {
                    let value = from_data(data);
                    if !value.is_empty() && !rows.push(row0 + r as u32, col0 + c as u32, value) {
                        return Ok(());
                    }
                }
            }
        }
    }
    rows.flush();
    Ok(())
}

/// The first and last column of a sheet's declared used range, if it declares one.
fn declared_columns(dims: calamine::Dimensions) -> Option<(u32, u32)> {
    (dims.end.1 >= dims.start.1 && dims.end != (0, 0)).then_some((dims.start.1, dims.end.1))
}

/// Sends the declared columns, then every non-empty cell `next` yields, in batches of rows.
fn stream_cells<'a>(
    columns: Option<(u32, u32)>,
    mut next: impl FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>>,
    tx: &SyncSender<Msg>,
    rows: &mut Batcher<'_>,
) -> Result<()> {
    if tx.send(Msg::Columns(columns)).is_err() {
        return Ok(());
    }
    while let Some(cell) = next()? {
        let (row, col) = cell.get_position();
        let value = from_data_ref(cell.get_value());
        if !value.is_empty() && !rows.push(row, col, value) {
            return Ok(());
        }
    }
    Ok(())
}

/// Collects cells into rows and rows into batches.
struct Batcher<'a> {
    tx: &'a SyncSender<Msg>,
    rows: Vec<SheetRow>,
    stopped: bool,
}

impl Batcher<'_> {
    /// Adds a cell; `false` once the reader has gone away.
    fn push(&mut self, row: u32, col: u32, cell: Cell) -> bool {
        match self.rows.last_mut() {
            Some((r, cells)) if *r == row => cells.push((col, cell)),
            last => {
                // Rows are usually as wide as the one before.
                let width = last.map_or(8, |(_, cells)| cells.len());
                if self.rows.len() >= BATCH {
                    self.flush();
                }
                let mut cells = Vec::with_capacity(width);
                cells.push((col, cell));
                self.rows.push((row, cells));
            }
        }
        !self.stopped
    }

    fn flush(&mut self) {
        if !self.rows.is_empty() && !self.stopped {
            let batch = std::mem::replace(&mut self.rows, Vec::with_capacity(BATCH));
            self.stopped = self.tx.send(Msg::Rows(batch)).is_err();
        }
    }
}

/// Numbers below 2^53 that are whole are integers: Excel stores every number as a float.
fn whole_float(f: f64) -> Cell {
    if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        Cell::Int(f as i64)
    } else {
        Cell::Float(f)
    }
}

fn from_excel_datetime(dt: &calamine::ExcelDateTime) -> Cell {
    if dt.is_duration() {
        return Cell::Float(dt.as_f64());
    }
    match dt.as_datetime() {
        Some(ndt) if ndt.time() == chrono::NaiveTime::MIN => Cell::Date(ndt.date()),
        Some(ndt) => Cell::DateTime(ndt),
        None => Cell::Float(dt.as_f64()),
    }
}

fn from_iso(s: &str) -> Cell {
    match Cell::infer(s) {
        c @ (Cell::Date(_) | Cell::DateTime(_)) => c,
        _ => Cell::String(s.to_owned()),
    }
}

fn from_data_ref(d: &DataRef<'_>) -> Cell {
    match d {
        DataRef::Int(i) => Cell::Int(*i),
        DataRef::Float(f) => whole_float(*f),
        DataRef::String(s) => Cell::String(s.clone()),
        DataRef::SharedString(s) => Cell::String((*s).to_owned()),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => from_excel_datetime(dt),
        DataRef::DateTimeIso(s) => from_iso(s),
        DataRef::DurationIso(s) => Cell::String(s.clone()),
        DataRef::Error(e) => Cell::Error(e.to_string()),
        DataRef::Empty => Cell::Empty,
    }
}

fn from_data(d: &Data) -> Cell {
    match d {
        Data::Int(i) => Cell::Int(*i),
        Data::Float(f) => whole_float(*f),
        Data::String(s) => Cell::String(s.clone()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => from_excel_datetime(dt),
        Data::DateTimeIso(s) => from_iso(s),
        Data::DurationIso(s) => Cell::String(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::Empty => Cell::Empty,
    }
}
