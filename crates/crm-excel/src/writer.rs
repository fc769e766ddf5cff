//! Writing formatted xlsx reports and CSV files.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatBorder, Table as XlsxTable, TableColumn,
    TableStyle, Workbook, Worksheet,
};

use crate::cell::Cell;
use crate::error::{Error, Result};
use crate::table::Table;

/// Excel's last row index (0-based): a sheet holds 1,048,576 rows.
const EXCEL_MAX_ROW: u32 = 1_048_575;
/// Excel refuses longer strings.
const MAX_STRING_CHARS: usize = 32_767;
/// Largest sheet written as an Excel table (see [`XlsxWriter::table_style`]).
const TABLE_MAX_CELLS: u64 = 1_000_000;
/// Widest column the writer sets, in characters.
const MAX_WIDTH: usize = 60;

/// The number format of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ColumnFormat {
    /// By the cell's kind: whole numbers without exponent, dates as `yyyy-mm-dd`.
    Auto,
    /// Whole numbers with thousands separators (`#,##0`), e.g. rupiah amounts.
    Thousands,
    /// A fixed number of decimals (`0.00`).
    Decimal(u8),
    /// A percentage with this many decimals (`0.0%`); 0.25 shows as 25.0%.
    Percent(u8),
    /// Text: numbers too are written as text (identifiers).
    Text,
}

/// Counts of what a writer wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct WriteStats {
    /// Data rows written (headers not counted).
    pub rows: u64,
    /// Worksheets written.
    pub sheets: usize,
    /// Text cells cut to Excel's 32,767-character limit.
    pub truncated_cells: u64,
    /// Text cells that start like a formula (`=`, `+`, `-`, `@`) and were marked as text.
    pub formula_like_cells: u64,
}

impl WriteStats {
    /// Adds what another writer of the same workbook wrote.
    fn absorb(&mut self, other: &WriteStats) {
        self.rows += other.rows;
        self.sheets += other.sheets;
        self.truncated_cells += other.truncated_cells;
        self.formula_like_cells += other.formula_like_cells;
    }
}

/// The cell formats every sheet of an [`XlsxWriter`] shares.
struct Formats {
    header: Format,
    text: Format,
    quoted: Format,
    int: Format,
    date: Format,
    datetime: Format,
}

/// A sheet (or one part of a long one) being written.
struct SheetState {
    index: usize,
    base_name: String,
    part: u32,
    headers: Vec<String>,
    formats: Vec<ColumnFormat>,
    /// The number format of each column, for [`ColumnFormat`]s that have one.
    number_formats: Vec<Option<Format>>,
    widths: Vec<usize>,
    row: u32,
    table: bool,
}

impl SheetState {
    fn new(
        base_name: String,
        part: u32,
        headers: Vec<String>,
        formats: Vec<ColumnFormat>,
    ) -> SheetState {
        let number_formats = formats
            .iter()
            .map(|f| match *f {
                ColumnFormat::Thousands => Some(Format::new().set_num_format("#,##0")),
                ColumnFormat::Decimal(d) => Some(number_format(d, false)),
                ColumnFormat::Percent(d) => Some(number_format(d, true)),
                ColumnFormat::Auto | ColumnFormat::Text => None,
            })
            .collect();
        SheetState {
            index: 0,
            base_name,
            part,
            widths: headers.iter().map(|h| display_width(h) + 3).collect(),
            headers,
            formats,
            number_formats,
            row: 0,
            table: false,
        }
    }
}

/// Writes formatted workbooks: a bold frozen header with an autofilter (or an Excel table),
/// number and date formats, column widths computed from the data, formula-like text written
/// as text, and sheets split past Excel's 1,048,576 rows.
///
/// Sheets are written one at a time: [`begin_sheet`](XlsxWriter::begin_sheet), then
/// [`write_row`](XlsxWriter::write_row) for each row, then [`end_sheet`](XlsxWriter::end_sheet);
/// or all at once with [`write_table`](XlsxWriter::write_table); or several tables at once,
/// one sheet per thread, with [`write_tables`](XlsxWriter::write_tables).
/// In constant-memory mode (the default) rows go to a temporary file as they are written, so
/// memory stays flat for any number of rows.
///
/// ```no_run
/// use crm_excel::{Cell, ColumnFormat, XlsxWriter};
/// let mut xlsx = XlsxWriter::new();
/// xlsx.column_format("plafon", ColumnFormat::Thousands);
/// xlsx.begin_sheet("Leads", &["name".into(), "phone".into(), "plafon".into()])?;
/// xlsx.write_row(&["Budi".into(), "081234567890".into(), Cell::Int(15_000_000)])?;
/// xlsx.write_row(&["=HYPERLINK(\"http://x\")".into(), "0813".into(), Cell::Int(7_500_000)])?;
/// xlsx.end_sheet()?;
/// xlsx.save("leads.xlsx")?;
/// # Ok::<(), crm_excel::Error>(())
/// ```
pub struct XlsxWriter {
    workbook: Workbook,
    constant_memory: bool,
    table_style: Option<TableStyle>,
    max_rows_per_sheet: u32,
    column_formats: HashMap<String, ColumnFormat>,
    used_names: HashSet<String>,
    current: Option<SheetState>,
    stats: WriteStats,
    created: Option<NaiveDateTime>,
    formats: Formats,
}

impl std::fmt::Debug for XlsxWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XlsxWriter")
            .field("constant_memory", &self.constant_memory)
            .field("max_rows_per_sheet", &self.max_rows_per_sheet)
            .field("stats", &self.stats)
            .finish()
    }
}

impl Default for XlsxWriter {
    fn default() -> XlsxWriter {
        XlsxWriter::new()
    }
}

impl XlsxWriter {
    /// A writer with the defaults: constant memory, no Excel table style (plain autofilter),
    /// up to 1,048,575 data rows per sheet.
    pub fn new() -> XlsxWriter {
        let mut workbook = Workbook::new();
        // Deflate dominates saving large sheets: level 1 instead of the default 6 cut a
        // 300,000 x 12 validation report from 3.6 s to 3.0 s end to end (docs/benchmarks.md).
        workbook.set_zip_compression_level(1);
        XlsxWriter {
            workbook,
            constant_memory: true,
            table_style: None,
            max_rows_per_sheet: EXCEL_MAX_ROW,
            column_formats: HashMap::new(),
            used_names: HashSet::new(),
            current: None,
            stats: WriteStats::default(),
            created: None,
            formats: Formats {
                header: Format::new()
                    .set_bold()
                    .set_border_bottom(FormatBorder::Thin)
                    .set_background_color(0xDDEBF7),
                text: Format::new().set_num_format("@"),
                quoted: Format::new().set_quote_prefix(),
                int: Format::new().set_num_format("0"),
                date: Format::new().set_num_format("yyyy-mm-dd"),
                datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            },
        }
    }

    /// Whether sheets are written in constant memory (rows streamed to a temporary file).
    /// Default: `true`.
    pub fn constant_memory(&mut self, yes: bool) -> &mut XlsxWriter {
        self.constant_memory = yes;
        self
    }

    /// Formats sheets written with [`write_table`](XlsxWriter::write_table) as an Excel table
    /// with this style (banded rows, filter buttons), e.g. `TableStyle::Medium2`.
    /// Default: none (a plain autofilter).
    ///
    /// A sheet gets the plain autofilter instead when Excel could not open it as a table
    /// (a blank header, or two headers equal up to case) and when it has more than
    /// 1,000,000 cells: rust_xlsxwriter checks table overlaps with a hash entry per cell,
    /// which for a 300,000 x 12 sheet costs half a second and 140 MB.
    pub fn table_style(&mut self, style: Option<TableStyle>) -> &mut XlsxWriter {
        self.table_style = style;
        self
    }

    /// The number format of columns with this name, in every sheet.
    /// Default: [`ColumnFormat::Auto`].
    pub fn column_format(&mut self, column: &str, format: ColumnFormat) -> &mut XlsxWriter {
        self.column_formats.insert(column.to_owned(), format);
        self
    }

    /// Data rows per sheet before the writer continues on a new sheet named `Name (2)`,
    /// `Name (3)`, ... Default and maximum: 1,048,575 (Excel's limit less the header).
    pub fn max_rows_per_sheet(&mut self, rows: u32) -> &mut XlsxWriter {
        self.max_rows_per_sheet = rows.clamp(1, EXCEL_MAX_ROW);
        self
    }

    /// The creation time recorded in the workbook's properties, so the same data gives the
    /// same bytes. Default: the time of saving.
    pub fn created(&mut self, at: NaiveDateTime) -> &mut XlsxWriter {
        self.created = Some(at);
        self
    }

    /// What was written so far.
    pub fn stats(&self) -> &WriteStats {
        &self.stats
    }

    /// Starts a sheet and writes its header row. Ends the previous sheet if one is open.
    ///
    /// # Errors
    /// Errors of the underlying writer (temporary file, too many columns).
    pub fn begin_sheet(&mut self, name: &str, headers: &[String]) -> Result<()> {
        self.begin(name, headers, None)
    }

    fn begin(&mut self, name: &str, headers: &[String], table_rows: Option<u32>) -> Result<()> {
        self.end_sheet()?;
        let state = self.first_part(name, headers);
        self.open_part(state, table_rows)
    }

    /// The state of a new sheet's first part, with the column formats set for its headers.
    fn first_part(&self, name: &str, headers: &[String]) -> SheetState {
        let formats: Vec<ColumnFormat> = headers
            .iter()
            .map(|h| self.column_formats.get(h).copied().unwrap_or(ColumnFormat::Auto))
            .collect();
        SheetState::new(name.to_owned(), 1, headers.to_vec(), formats)
    }

    /// Adds a worksheet for `state` (its first or a continuation part), writes the header and
    /// makes it the open sheet.
    fn open_part(&mut self, state: SheetState, table_rows: Option<u32>) -> Result<()> {
        let state = self.add_part(state, table_rows)?;
        self.current = Some(state);
        Ok(())
    }

    /// Adds a worksheet for `state` and writes the header; `table_rows` makes it an Excel
    /// table of that many data rows when a table style is set.
    fn add_part(&mut self, mut state: SheetState, table_rows: Option<u32>) -> Result<SheetState> {
        let wanted = if state.part == 1 {
            state.base_name.clone()
        } else {
            format!("{} ({})", state.base_name, state.part)
        };
        let name = unique_sheet_name(&wanted, &mut self.used_names);
        let ws = if self.constant_memory {
            self.workbook.add_worksheet_with_constant_memory()?
        } else {
            self.workbook.add_worksheet()
        };
        ws.set_name(name)?;
        let n_cols = state.headers.len();
        if n_cols > 0 {
            let last_col = (n_cols - 1) as u16;
            match (self.table_style, table_rows) {
                (Some(style), Some(rows))
                    if rows > 0
                        && u64::from(rows) * n_cols as u64 <= TABLE_MAX_CELLS
                        && table_headers_ok(&state.headers) =>
                {
                    // Tables must be added before rows are flushed in constant-memory mode.
                    let columns: Vec<TableColumn> =
                        state.headers.iter().map(|h| TableColumn::new().set_header(h)).collect();
                    let table = XlsxTable::new().set_style(style).set_columns(&columns);
                    ws.add_table(0, 0, rows, last_col, &table)?;
                    state.table = true;
                }
                _ => {}
            }
            for (c, h) in state.headers.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, h, &self.formats.header)?;
            }
            ws.set_freeze_panes(1, 0)?;
        }
        state.index = self.workbook.worksheets().len() - 1;
        self.stats.sheets += 1;
        Ok(state)
    }

    /// Writes one data row to the open sheet; cells past the header's width are ignored.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidParameter`](crate::ErrorKind::InvalidParameter) when no sheet is
    /// open; errors of the underlying writer.
    pub fn write_row(&mut self, cells: &[Cell]) -> Result<()> {
        let Some(mut state) = self.current.take() else {
            return Err(crate::ErrorKind::InvalidParameter {
                name: "sheet",
                reason: "no sheet begun".into(),
            }
            .into());
        };
        if state.row >= self.max_rows_per_sheet {
            let next = SheetState::new(
                state.base_name.clone(),
                state.part + 1,
                state.headers.clone(),
                state.formats.clone(),
            );
            self.finish(state)?;
            self.open_part(next, None)?;
            state = self.current.take().unwrap_or_else(|| unreachable!("open_part sets the sheet"));
        }
        let res = match self.workbook.worksheet_from_index(state.index) {
            Ok(ws) => write_cells(ws, &self.formats, &mut state, &mut self.stats, cells),
            Err(e) => Err(e.into()),
        };
        self.current = Some(state);
        res
    }

    /// Finishes the open sheet (column widths, autofilter); does nothing if none is open.
    ///
    /// # Errors
    /// Errors of the underlying writer.
    pub fn end_sheet(&mut self) -> Result<()> {
        match self.current.take() {
            Some(state) => self.finish(state),
            None => Ok(()),
        }
    }

    fn finish(&mut self, state: SheetState) -> Result<()> {
        finish_sheet(self.workbook.worksheet_from_index(state.index)?, &state)
    }

    /// Writes a whole table as one sheet (continued on more sheets past the row limit),
    /// as an Excel table when a [`table_style`](XlsxWriter::table_style) is set.
    ///
    /// # Errors
    /// Errors of the underlying writer.
    pub fn write_table(&mut self, name: &str, table: &Table) -> Result<()> {
        self.write_tables(&[(name, table)])
    }

    /// Writes several tables, each as [`write_table`](XlsxWriter::write_table) would, with the
    /// sheets filled in parallel (one thread per core at most). The sheets appear in the
    /// order given and the workbook is the same as from one `write_table` call per table;
    /// a 300,000-row data sheet then no longer waits for the smaller summary sheets.
    ///
    /// # Errors
    /// Errors of the underlying writer; the first one, if several sheets fail.
    pub fn write_tables(&mut self, tables: &[(&str, &Table)]) -> Result<()> {
        self.end_sheet()?;
        let max_rows = self.max_rows_per_sheet as usize;
        let mut jobs: Vec<(SheetState, &[Vec<Cell>])> = Vec::new();
        for (name, table) in tables {
            let mut state = self.first_part(name, table.columns());
            let mut parts: Vec<&[Vec<Cell>]> = table.rows().chunks(max_rows).collect();
            if parts.is_empty() {
                parts.push(&[]);
            }
            for (i, rows) in parts.into_iter().enumerate() {
                let next = SheetState::new(
                    state.base_name.clone(),
                    state.part + 1,
                    state.headers.clone(),
                    state.formats.clone(),
                );
                // As in `write_row`, only the first part of a long table is an Excel table.
                let table_rows = (i == 0).then_some(rows.len() as u32);
                jobs.push((self.add_part(state, table_rows)?, rows));
                state = next;
            }
        }
        // Each job borrows its own worksheet; formats are shared read-only.
        let mut sheets: Vec<Option<&mut Worksheet>> =
            self.workbook.worksheets_mut().iter_mut().map(Some).collect();
        let mut work: Vec<(&mut Worksheet, SheetState, &[Vec<Cell>])> = Vec::new();
        for (state, rows) in jobs {
            let ws = sheets
                .get_mut(state.index)
                .and_then(Option::take)
                .unwrap_or_else(|| unreachable!("each part has its own worksheet"));
            work.push((ws, state, rows));
        }
        let formats = &self.formats;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(work.len());
        let results: Vec<Result<WriteStats>> = if threads <= 1 {
            vec![fill_sheets(work, formats)]
        } else {
            // Longest sheets first, each to the least loaded thread.
            work.sort_by_key(|(_, state, rows)| {
                std::cmp::Reverse(rows.len() * state.headers.len().max(1))
            });
            let mut groups: Vec<(usize, Vec<_>)> = (0..threads).map(|_| (0, Vec::new())).collect();
            for job in work {
                let cost = job.2.len() * job.1.headers.len().max(1);
                if let Some(group) = groups.iter_mut().min_by_key(|(load, _)| *load) {
                    group.0 += cost;
                    group.1.push(job);
                }
            }
            std::thread::scope(|scope| {
                let handles: Vec<_> = groups
                    .into_iter()
                    .map(|(_, group)| scope.spawn(move || fill_sheets(group, formats)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| {
                        h.join().unwrap_or_else(|_| {
                            Err(crate::ErrorKind::InvalidParameter {
                                name: "sheet",
                                reason: "a sheet writer thread panicked".into(),
                            }
                            .into())
                        })
                    })
                    .collect()
            })
        };
        for result in results {
            self.stats.absorb(&result?);
        }
        Ok(())
    }

    /// Saves the workbook to a file.
    ///
    /// # Errors
    /// I/O errors naming the file, and errors of the underlying writer.
    pub fn save(mut self, path: impl AsRef<Path>) -> Result<WriteStats> {
        let path = path.as_ref();
        self.end_sheet().map_err(|e| e.in_file(path))?;
        self.ensure_a_sheet()?;
        self.workbook.save(path).map_err(|e| Error::from(e).in_file(path))?;
        Ok(self.stats)
    }

    /// Saves the workbook into memory (for attachments).
    ///
    /// # Errors
    /// Errors of the underlying writer.
    pub fn save_to_buffer(mut self) -> Result<Vec<u8>> {
        self.end_sheet()?;
        self.ensure_a_sheet()?;
        Ok(self.workbook.save_to_buffer()?)
    }

    /// Excel cannot open a workbook without sheets; also applies the creation time.
    fn ensure_a_sheet(&mut self) -> Result<()> {
        if let Some(at) = self.created {
            let date = ExcelDateTime::from_ymd(
                at.year().clamp(1900, 9999) as u16,
                at.month() as u8,
                at.day() as u8,
            )?
            .and_hms(at.hour() as u16, at.minute() as u8, f64::from(at.second()))?;
            self.workbook.set_properties(&DocProperties::new().set_creation_datetime(&date));
        }
        if self.workbook.worksheets().is_empty() {
            self.begin_sheet("Sheet1", &[])?;
            self.end_sheet()?;
        }
        Ok(())
    }
}

/// Whether the headers can head an Excel table: Excel repairs (and so reports as broken) a
/// table with a blank header or two headers equal up to case. Such sheets get an autofilter.
fn table_headers_ok(headers: &[String]) -> bool {
    let mut seen = HashSet::with_capacity(headers.len());
    headers.iter().all(|h| !h.trim().is_empty() && seen.insert(h.to_lowercase()))
}

/// Writes one data row below the sheet's last one.
fn write_cells(
    ws: &mut Worksheet,
    formats: &Formats,
    state: &mut SheetState,
    stats: &mut WriteStats,
    cells: &[Cell],
) -> Result<()> {
    state.row += 1;
    stats.rows += 1;
    let row = state.row;
    for (c, cell) in cells.iter().enumerate().take(state.headers.len()) {
        let col = c as u16;
        let format = state.formats[c];
        let width = match (cell, format) {
            (Cell::Empty, _) => 0,
            (Cell::String(s) | Cell::Error(s), _) => {
                let (text, truncated) = truncate(s);
                if truncated {
                    stats.truncated_cells += 1;
                }
                if crm_core::is_formula_like(text) {
                    stats.formula_like_cells += 1;
                    ws.write_string_with_format(row, col, text, &formats.quoted)?;
                } else if format == ColumnFormat::Text {
                    ws.write_string_with_format(row, col, text, &formats.text)?;
                } else {
                    ws.write_string(row, col, text)?;
                }
                display_width(text)
            }
            (other, ColumnFormat::Text) => {
                let text = other.to_string();
                ws.write_string_with_format(row, col, &text, &formats.text)?;
                text.len()
            }
            (Cell::Int(i), _) => {
                let f = state.number_formats[c].as_ref().unwrap_or(&formats.int);
                ws.write_number_with_format(row, col, *i as f64, f)?;
                number_width(*i as f64, format)
            }
            (Cell::Float(x), _) => {
                match &state.number_formats[c] {
                    Some(f) => ws.write_number_with_format(row, col, *x, f)?,
                    None => ws.write_number(row, col, *x)?,
                };
                number_width(*x, format)
            }
            (Cell::Bool(b), _) => {
                ws.write_boolean(row, col, *b)?;
                5
            }
            (Cell::Date(d), _) => match excel_serial(d.and_time(chrono::NaiveTime::MIN)) {
                Some(serial) => {
                    ws.write_number_with_format(row, col, serial, &formats.date)?;
                    10
                }
                None => {
                    ws.write_string(row, col, cell.to_string())?;
                    10
                }
            },
            (Cell::DateTime(dt), _) => match excel_serial(*dt) {
                Some(serial) => {
                    ws.write_number_with_format(row, col, serial, &formats.datetime)?;
                    19
                }
                None => {
                    ws.write_string(row, col, cell.to_string())?;
                    19
                }
            },
        };
        if width > state.widths[c] {
            state.widths[c] = width;
        }
    }
    Ok(())
}

/// Writes `rows` into each part's worksheet and finishes it; what was written, counted.
fn fill_sheets(
    work: Vec<(&mut Worksheet, SheetState, &[Vec<Cell>])>,
    formats: &Formats,
) -> Result<WriteStats> {
    let mut stats = WriteStats::default();
    for (ws, mut state, rows) in work {
        for row in rows {
            write_cells(ws, formats, &mut state, &mut stats, row)?;
        }
        finish_sheet(ws, &state)?;
    }
    Ok(stats)
}

/// Sets the column widths from the data and the autofilter (an Excel table has its own).
fn finish_sheet(ws: &mut Worksheet, state: &SheetState) -> Result<()> {
    for (c, w) in state.widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).min(MAX_WIDTH) as f64 + 1.0)?;
    }
    if !state.table && !state.headers.is_empty() {
        ws.autofilter(0, 0, state.row, (state.headers.len() - 1) as u16)?;
    }
    Ok(())
}

fn truncate(s: &str) -> (&str, bool) {
    // Excel counts UTF-16 units; stay under the limit by counting chars conservatively.
    if s.len() <= MAX_STRING_CHARS / 2 {
        return (s, false);
    }
    let mut units = 0;
    for (i, ch) in s.char_indices() {
        units += ch.len_utf16();
        if units > MAX_STRING_CHARS {
            return (&s[..i], true);
        }
    }
    (s, false)
}

fn number_format(decimals: u8, percent: bool) -> Format {
    let d = usize::from(decimals.min(10));
    let mut f = if d == 0 { "0".to_owned() } else { format!("0.{}", "0".repeat(d)) };
    if percent {
        f.push('%');
    }
    Format::new().set_num_format(f)
}

fn number_width(x: f64, format: ColumnFormat) -> usize {
    let digits = if x.abs() >= 1.0 { x.abs().log10().floor() as usize + 1 } else { 1 };
    let sign = usize::from(x < 0.0);
    match format {
        ColumnFormat::Thousands => digits + digits.saturating_sub(1) / 3 + sign,
        ColumnFormat::Decimal(d) => digits + 1 + usize::from(d) + sign,
        ColumnFormat::Percent(d) => digits + 3 + usize::from(d) + sign,
        _ => {
            if x.fract() == 0.0 {
                digits + sign
            } else {
                format!("{x}").len().min(12)
            }
        }
    }
}

/// Width of text in characters (the widest line), counting wide characters as two.
fn display_width(s: &str) -> usize {
    if s.is_ascii() && !s.contains('\n') {
        return s.len();
    }
    s.lines()
        .map(|l| l.chars().map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 }).sum())
        .max()
        .unwrap_or(0)
}

/// Excel's serial number for a date-time (days since 1899-12-30), for dates from 1900-03-01.
fn excel_serial(dt: NaiveDateTime) -> Option<f64> {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let first = NaiveDate::from_ymd_opt(1900, 3, 1)?;
    let date = dt.date();
    if date < first || date.year() > 9999 {
        return None;
    }
    let days = (date - epoch).num_days() as f64;
    let secs = f64::from(dt.num_seconds_from_midnight());
    Some(days + secs / 86_400.0)
}

/// A valid, unused sheet name: at most 31 characters, none of `[]:*?/\`, not blank.
fn unique_sheet_name(wanted: &str, used: &mut HashSet<String>) -> String {
    let cleaned: String = wanted
        .chars()
        .map(|c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') { '_' } else { c })
        .collect();
    let cleaned = cleaned.trim().trim_matches('\'').to_owned();
    let base = if cleaned.is_empty() || cleaned.eq_ignore_ascii_case("history") {
        "Sheet".to_owned()
    } else {
        cleaned
    };
    let mut n = 1;
    loop {
        let suffix = if n == 1 { String::new() } else { format!(" {n}") };
        let keep = 31 - suffix.chars().count();
        let candidate: String = base.chars().take(keep).collect::<String>() + &suffix;
        if used.insert(candidate.to_lowercase()) {
            return candidate;
        }
        n += 1;
    }
}

/// How [`write_csv_with`] writes text cells that a spreadsheet would run as formulas.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CsvFormulas {
    /// Text starting with `=`, `+`, `-`, `@`, a tab or a carriage return that is not a
    /// number gets a leading `'` ([`crm_core::neutralize_formula`]), as OWASP recommends
    /// against CSV injection: Excel then shows `=HYPERLINK(...)` as text instead of running
    /// it. Numbers (`-5000` as a number or as text) are unchanged. The default, for files
    /// people open in Excel.
    #[default]
    Neutralize,
    /// Every cell as its text, unchanged: for pipelines that read the file with a CSV
    /// parser, never with a spreadsheet.
    Raw,
}

/// Writes a table as CSV (comma-separated, UTF-8, a header row), neutralising
/// formula-like text ([`CsvFormulas::Neutralize`]); see [`write_csv_with`].
///
/// # Errors
/// I/O errors.
///
/// ```
/// use crm_excel::{Cell, Table, write_csv};
/// let mut t = Table::new(vec!["nama".into(), "saldo".into()]);
/// t.push_row(vec!["=HYPERLINK(\"http://x\",\"x\")".into(), Cell::Int(-5000)])?;
/// let mut out = Vec::new();
/// write_csv(&t, &mut out)?;
/// assert_eq!(String::from_utf8(out).unwrap(), "nama,saldo\n\"'=HYPERLINK(\"\"http://x\"\",\"\"x\"\")\",-5000\n");
/// # Ok::<(), crm_excel::Error>(())
/// ```
pub fn write_csv<W: Write>(table: &Table, wtr: W) -> Result<()> {
    write_csv_with(table, wtr, CsvFormulas::Neutralize)
}

/// Writes a table as CSV (comma-separated, UTF-8, a header row), with formula-like text
/// handled as `formulas` says.
///
/// Cells are written as their display text: dates `YYYY-MM-DD`, identifiers unchanged.
/// Only text cells are neutralised: numbers, dates and booleans are written as they are.
/// Header names are text cells too.
///
/// # Errors
/// I/O errors.
pub fn write_csv_with<W: Write>(table: &Table, wtr: W, formulas: CsvFormulas) -> Result<()> {
    let mut csv = csv::Writer::from_writer(wtr);
    let text = |s: &str| -> String {
        match formulas {
            CsvFormulas::Neutralize => crm_core::neutralize_formula(s).into_owned(),
            CsvFormulas::Raw => s.to_owned(),
        }
    };
    csv.write_record(table.columns().iter().map(|c| text(c)))?;
    let mut record = csv::StringRecord::new();
    for row in table.rows() {
        record.clear();
        for cell in row {
            match cell {
                Cell::String(s) | Cell::Error(s) => record.push_field(&text(s)),
                other => record.push_field(&other.to_text()),
            }
        }
        csv.write_record(&record)?;
    }
    csv.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_neutralised_unless_raw() {
        let mut t = Table::new(vec!["a".into(), "b".into()]);
        t.push_row(vec!["@SUM(1+1)".into(), "-5000".into()]).unwrap();
        t.push_row(vec![Cell::Int(-7), "+cmd|' /C calc'!A0".into()]).unwrap();
        let mut safe = Vec::new();
        write_csv(&t, &mut safe).unwrap();
        assert_eq!(
            String::from_utf8(safe).unwrap(),
            "a,b\n'@SUM(1+1),-5000\n-7,'+cmd|' /C calc'!A0\n"
        );
        let mut raw = Vec::new();
        write_csv_with(&t, &mut raw, CsvFormulas::Raw).unwrap();
        assert_eq!(
            String::from_utf8(raw).unwrap(),
            "a,b\n@SUM(1+1),-5000\n-7,+cmd|' /C calc'!A0\n"
        );
    }

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut used = HashSet::new();
        assert_eq!(unique_sheet_name("Data", &mut used), "Data");
        assert_eq!(unique_sheet_name("data", &mut used), "data 2");
        assert_eq!(unique_sheet_name("a/b:c", &mut used), "a_b_c");
        assert_eq!(unique_sheet_name("", &mut used), "Sheet");
        let long = "x".repeat(40);
        assert_eq!(unique_sheet_name(&long, &mut used).chars().count(), 31);
        assert_eq!(unique_sheet_name(&long, &mut used), format!("{} 2", "x".repeat(29)));
    }

    #[test]
    fn tables_need_distinct_headers() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(table_headers_ok(&h(&["nik", "nama"])));
        assert!(!table_headers_ok(&h(&["nik", "NIK"])));
        assert!(!table_headers_ok(&h(&["nik", " "])));
    }

    #[test]
    fn excel_serial_numbers() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(0, 0, 0).unwrap();
        assert_eq!(excel_serial(d(1900, 3, 1)), Some(61.0));
        assert_eq!(excel_serial(d(2024, 1, 1)), Some(45292.0));
        assert_eq!(excel_serial(d(1900, 2, 28)), None);
        let noon = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().and_hms_opt(12, 0, 0).unwrap();
        assert_eq!(excel_serial(noon), Some(45292.5));
    }

    #[test]
    fn long_text_is_truncated_at_excel_limit() {
        let s = "a".repeat(40_000);
        let (t, cut) = truncate(&s);
        assert!(cut);
        assert_eq!(t.len(), MAX_STRING_CHARS);
        assert_eq!(truncate("short"), ("short", false));
    }

    #[test]
    fn widths_count_thousands_separators() {
        assert_eq!(number_width(15_000_000.0, ColumnFormat::Thousands), 10);
        assert_eq!(number_width(-5.0, ColumnFormat::Auto), 2);
        assert_eq!(display_width("ab\nabcd"), 4);
    }
}
