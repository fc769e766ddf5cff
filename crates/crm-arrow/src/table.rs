//! Any input as crm-excel rows, and crm-excel tables to any output: the row-oriented side
//! of the layer, for the libraries whose inputs are text rows (lead frames, feature
//! matrices, NIK records, mail merges).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch, RecordBatchReader};
use arrow_cast::display::FormatOptions;
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use crm_excel::{Cell, Reader, ReaderBuilder, Row, Table, XlsxWriter};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};

use crate::error::{Error, Result};
use crate::read::{DEFAULT_BATCH_SIZE, Format};
use crate::write::{WriteOptions, cell, write_parquet};

/// Opens a table for row-by-row reading, by its extension ([`Format::from_path`]), as a
/// crm-excel [`Reader`]: `.csv` and workbooks (`.xlsx`, `.xlsm`, `.xls`, `.xlsb`, `.ods`)
/// through `builder` (its sheet, header row, passwords and typing apply), `-` as CSV from
/// standard input (streamed), `.parquet` streamed batch by batch with each value as the cell
/// of its type ([`to_table`](crate::to_table)'s mapping: Utf8 as text, integers as
/// [`Cell::Int`], dates as [`Cell::Date`], nulls as [`Cell::Empty`]); Parquet rows are
/// numbered from 1, as pyarrow and DuckDB count them.
///
/// A file with another extension goes to `builder` too, which tells CSV from workbooks by
/// their first bytes.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{Int64Array, RecordBatch, StringArray};
/// use arrow_schema::{DataType, Field, Schema};
/// use crm_excel::{Cell, ReaderBuilder};
///
/// let schema = Arc::new(Schema::new(vec![
///     Field::new("nik", DataType::Utf8, false),
///     Field::new("plafon", DataType::Int64, true),
/// ]));
/// let batch = RecordBatch::try_new(schema.clone(), vec![
///     Arc::new(StringArray::from(vec!["3201014101900001", "3174055203850002"])),
///     Arc::new(Int64Array::from(vec![Some(15_000_000), None])),
/// ])?;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("leads.parquet");
/// crm_arrow::write(&path, &schema, &[batch], &crm_arrow::WriteOptions::new())?;
///
/// let mut reader = crm_arrow::open(&path, &ReaderBuilder::new())?;
/// assert_eq!(reader.headers(), ["nik", "plafon"]);
/// let rows = reader.read_all()?;
/// assert_eq!(rows[1].number(), 2);
/// assert_eq!(rows[0].cells(), [Cell::from("3201014101900001"), Cell::Int(15_000_000)]);
/// assert_eq!(rows[1].cells()[1], Cell::Empty);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`Error::Excel`] for what crm-excel reports (a missing file, a wrong password, no header
/// found); [`Error::Io`] or [`Error::Parquet`] for a Parquet file that cannot be opened.
/// Errors met while streaming come from the rows, with the file named.
pub fn open(path: impl AsRef<Path>, builder: &ReaderBuilder) -> Result<Reader> {
    let path = path.as_ref();
    let file = path.display().to_string();
    if file == "-" {
        return Ok(builder.from_csv_reader(std::io::stdin())?.with_file("-"));
    }
    match Format::from_path(path) {
        Some(Format::Parquet) => {
            let f = File::open(path).map_err(|e| Error::io(&file, e))?;
            let reader = ParquetRecordBatchReaderBuilder::try_new(f)
                .and_then(|b| b.with_batch_size(DEFAULT_BATCH_SIZE).build())
                .map_err(|e| Error::parquet(&file, &e))?;
            let headers = reader.schema().fields().iter().map(|f| f.name().clone()).collect();
            let rows = ParquetRows { reader, batch: None, next: 0, number: 0 };
            Ok(Reader::from_rows(headers, rows).with_file(path))
        }
        _ => Ok(builder.from_path(path)?),
    }
}

/// The opener for crm-excel's [`Merger::opener`](crm_excel::Merger::opener): `.parquet`
/// files are read by [`open`], every other file is left to crm-excel (`None`).
///
/// ```no_run
/// let merged = crm_excel::Merger::new()
///     .opener(crm_arrow::parquet_opener)
///     .merge(&["jakarta.xlsx", "bandung.parquet"])?;
/// # Ok::<(), crm_excel::Error>(())
/// ```
pub fn parquet_opener(path: &Path) -> Option<crm_excel::Result<Reader>> {
    if Format::from_path(path) != Some(Format::Parquet) {
        return None;
    }
    Some(open(path, &ReaderBuilder::new()).map_err(|e| match e {
        Error::Excel(e) => e,
        // The message names the file already.
        other => {
            crm_excel::ErrorKind::Corrupt { format: "Parquet", reason: other.to_string() }.into()
        }
    }))
}

/// The rows of a Parquet file, one batch decoded at a time.
struct ParquetRows {
    reader: ParquetRecordBatchReader,
    batch: Option<RecordBatch>,
    next: usize,
    number: u64,
}

impl Iterator for ParquetRows {
    type Item = crm_excel::Result<Row>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(batch) = &self.batch
                && self.next < batch.num_rows()
            {
                let i = self.next;
                self.next += 1;
                self.number += 1;
                let format = FormatOptions::default();
                let cells = batch.columns().iter().map(|c| cell(c.as_ref(), i, &format));
                return Some(Ok(Row::new(self.number, cells.collect())));
            }
            match self.reader.next()? {
                Ok(batch) => {
                    self.batch = Some(batch);
                    self.next = 0;
                }
                Err(e) => {
                    let message = crate::error::mask_quoted(&e.to_string());
                    let kind = crm_excel::ErrorKind::Corrupt { format: "Parquet", reason: message };
                    return Some(Err(kind.into()));
                }
            }
        }
    }
}

/// A crm-excel [`Table`] as one record batch with a type per column, read off its cells:
/// a column whose values are all [`Cell::Int`] becomes Int64; all numbers, Float64; all
/// booleans, Boolean; all dates, Date32; dates with times of day (and dates), a naive
/// microsecond Timestamp; anything else, and a column with no value at all, Utf8 (each
/// cell's text). Empty cells are nulls. Text is never parsed: an identifier written as text
/// (`0812…`, a NIK) stays Utf8.
///
/// ```
/// use arrow_schema::DataType;
/// use crm_excel::{Cell, Table};
/// let mut table = Table::new(vec!["id".into(), "score".into(), "decile".into()]);
/// table.push_row(vec![Cell::from("007"), Cell::Float(0.91), Cell::Int(1)])?;
/// table.push_row(vec![Cell::from("008"), Cell::Int(0), Cell::Empty])?;
/// let batch = crm_arrow::from_table(&table);
/// let types: Vec<&DataType> = batch.schema_ref().fields().iter().map(|f| f.data_type()).collect();
/// assert_eq!(types, [&DataType::Utf8, &DataType::Float64, &DataType::Int64]);
/// assert_eq!(batch.column(2).null_count(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn from_table(table: &Table) -> RecordBatch {
    let rows = table.rows();
    let mut fields = Vec::with_capacity(table.columns().len());
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(table.columns().len());
    for (c, name) in table.columns().iter().enumerate() {
        let cells = || rows.iter().map(move |r| r.get(c).unwrap_or(&Cell::Empty));
        let data_type = column_type(cells());
        let n = rows.len();
        let array: ArrayRef = match data_type {
            DataType::Int64 => {
                let mut b = Int64Builder::with_capacity(n);
                cells().for_each(|v| {
                    b.append_option(if let Cell::Int(i) = v { Some(*i) } else { None })
                });
                Arc::new(b.finish())
            }
            DataType::Float64 => {
                let mut b = Float64Builder::with_capacity(n);
                cells().for_each(|v| {
                    b.append_option(match v {
                        Cell::Int(i) => Some(*i as f64),
                        Cell::Float(f) => Some(*f),
                        _ => None,
                    })
                });
                Arc::new(b.finish())
            }
            DataType::Boolean => {
                let mut b = BooleanBuilder::with_capacity(n);
                cells().for_each(|v| {
                    b.append_option(if let Cell::Bool(x) = v { Some(*x) } else { None })
                });
                Arc::new(b.finish())
            }
            DataType::Date32 => {
                let mut b = Date32Builder::with_capacity(n);
                cells().for_each(|v| {
                    b.append_option(match v {
                        Cell::Date(d) => Some(crate::rfm::days_since_epoch(*d)),
                        _ => None,
                    })
                });
                Arc::new(b.finish())
            }
            DataType::Timestamp(..) => {
                let mut b = TimestampMicrosecondBuilder::with_capacity(n);
                cells().for_each(|v| {
                    b.append_option(match v {
                        Cell::Date(d) => {
                            d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp_micros())
                        }
                        Cell::DateTime(t) => Some(t.and_utc().timestamp_micros()),
                        _ => None,
                    })
                });
                Arc::new(b.finish())
            }
            _ => {
                let mut b = StringBuilder::with_capacity(n, n * 8);
                cells().for_each(|v| {
                    b.append_option((!v.is_empty()).then(|| v.to_text()));
                });
                Arc::new(b.finish())
            }
        };
        fields.push(Field::new(name, array.data_type().clone(), true));
        columns.push(array);
    }
    let schema = Arc::new(Schema::new(fields));
    RecordBatch::try_new(schema, columns).expect("one array per field, each of the table's length")
}

/// The Arrow type of a column of cells (see [`from_table`]).
fn column_type<'a>(cells: impl Iterator<Item = &'a Cell>) -> DataType {
    #[derive(Clone, Copy, PartialEq)]
    enum Kind {
        None,
        Int,
        Float,
        Bool,
        Date,
        DateTime,
        Text,
    }
    let mut kind = Kind::None;
    for cell in cells {
        let this = match cell {
            Cell::Empty => continue,
            Cell::Int(_) => Kind::Int,
            Cell::Float(_) => Kind::Float,
            Cell::Bool(_) => Kind::Bool,
            Cell::Date(_) => Kind::Date,
            Cell::DateTime(_) => Kind::DateTime,
            _ => return DataType::Utf8,
        };
        kind = match (kind, this) {
            (Kind::None, k) => k,
            (a, b) if a == b => a,
            (Kind::Int, Kind::Float) | (Kind::Float, Kind::Int) => Kind::Float,
            (Kind::Date, Kind::DateTime) | (Kind::DateTime, Kind::Date) => Kind::DateTime,
            _ => Kind::Text,
        };
        if kind == Kind::Text {
            return DataType::Utf8;
        }
    }
    match kind {
        Kind::Int => DataType::Int64,
        Kind::Float => DataType::Float64,
        Kind::Bool => DataType::Boolean,
        Kind::Date => DataType::Date32,
        Kind::DateTime => DataType::Timestamp(TimeUnit::Microsecond, None),
        Kind::None | Kind::Text => DataType::Utf8,
    }
}

/// Writes one crm-excel [`Table`] by the extension of `path`: `.csv` (`-`: standard
/// output) with [`WriteOptions::csv_formulas`], `.parquet` with the types
/// [`from_table`] reads off the cells, `.xlsx` as the sheet [`WriteOptions::sheet`].
///
/// # Errors
/// [`Error::UnsupportedFormat`] for another extension; [`Error::Io`], [`Error::Parquet`] or
/// [`Error::Excel`] when writing fails.
pub fn write_table(path: impl AsRef<Path>, table: &Table, options: &WriteOptions) -> Result<()> {
    let path = path.as_ref();
    let file = path.display().to_string();
    let is_xlsx = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let csv = |w: &mut dyn Write| {
        crm_excel::write_csv_with(table, w, options.formulas())
            .map_err(|e| Error::io(&file, std::io::Error::other(e.to_string())))
    };
    match Format::from_path(path) {
        Some(Format::Csv) if file == "-" => csv(&mut std::io::stdout().lock()),
        Some(Format::Csv) => {
            let f = File::create(path).map_err(|e| Error::io(&file, e))?;
            let mut w = BufWriter::with_capacity(1 << 20, f);
            csv(&mut w)?;
            w.flush().map_err(|e| Error::io(&file, e))
        }
        Some(Format::Parquet) => {
            let f = File::create(path).map_err(|e| Error::io(&file, e))?;
            let batch = from_table(table);
            write_parquet(f, batch.schema_ref(), std::slice::from_ref(&batch)).map_err(
                |e| match e {
                    Error::Parquet { message, .. } => {
                        Error::Parquet { file: file.clone(), message }
                    }
                    other => other,
                },
            )
        }
        Some(Format::Workbook) if is_xlsx => {
            let mut xlsx = XlsxWriter::new();
            xlsx.write_table(options.sheet_name(), table)?;
            xlsx.save(path)?;
            Ok(())
        }
        _ => Err(Error::UnsupportedFormat { file, expected: ".csv, .parquet, .xlsx or -" }),
    }
}

/// Writes a command's result tables and its rejected rows to `out`, by its extension, and
/// returns the files written (`out` first).
///
/// * `.xlsx`: every sheet in order, then a `Rejects` sheet when `rejects` has rows.
/// * `.csv`, `.parquet`: the first sheet (the others are summaries that only a workbook
///   carries), and the rejects beside it as `STEM.rejects.csv` / `STEM.rejects.parquet`.
/// * `-` (CSV on standard output): the first sheet. Standard output holds one table, so
///   rejected rows make this an [`Error::RejectsNeedAFile`] before anything is written.
///
/// ```
/// use crm_excel::{Cell, Table};
/// let mut scores = Table::new(vec!["lead".into(), "score".into()]);
/// scores.push_row(vec![Cell::from("L1"), Cell::Float(0.8)])?;
/// let mut rejects = Table::new(vec!["row".into(), "reason".into()]);
/// rejects.push_row(vec![Cell::Int(3), Cell::from("umur: not a number")])?;
///
/// let dir = tempfile::tempdir()?;
/// let out = dir.path().join("scores.csv");
/// let written = crm_arrow::write_sheets(&out, &[("Scores", &scores)], &rejects, &Default::default())?;
/// assert_eq!(written, [out.clone(), dir.path().join("scores.rejects.csv")]);
/// assert_eq!(std::fs::read_to_string(&written[1])?, "row,reason\n3,umur: not a number\n");
///
/// let err = crm_arrow::write_sheets("-", &[("Scores", &scores)], &rejects, &Default::default());
/// assert!(matches!(err, Err(crm_arrow::Error::RejectsNeedAFile { rows: 1 })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`Error::UnsupportedFormat`] for another extension, [`Error::RejectsNeedAFile`], and the
/// errors of [`write_table`].
///
/// # Panics
/// If `sheets` is empty.
pub fn write_sheets(
    out: impl AsRef<Path>,
    sheets: &[(&str, &Table)],
    rejects: &Table,
    options: &WriteOptions,
) -> Result<Vec<PathBuf>> {
    let out = out.as_ref();
    assert!(!sheets.is_empty(), "write_sheets needs a table to write");
    let file = out.display().to_string();
    let is_xlsx = out.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    match Format::from_path(out) {
        Some(Format::Workbook) if is_xlsx => {
            let mut all = sheets.to_vec();
            if !rejects.is_empty() {
                all.push(("Rejects", rejects));
            }
            let mut xlsx = XlsxWriter::new();
            xlsx.write_tables(&all)?;
            xlsx.save(out)?;
            Ok(vec![out.to_path_buf()])
        }
        Some(Format::Csv) if file == "-" => {
            if !rejects.is_empty() {
                return Err(Error::RejectsNeedAFile { rows: rejects.len() });
            }
            write_table(out, sheets[0].1, options)?;
            Ok(vec![out.to_path_buf()])
        }
        Some(format @ (Format::Csv | Format::Parquet)) => {
            write_table(out, sheets[0].1, options)?;
            let mut written = vec![out.to_path_buf()];
            if !rejects.is_empty() {
                let stem = out.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default();
                let ext = if format == Format::Csv { "csv" } else { "parquet" };
                let path = out.with_file_name(format!("{stem}.rejects.{ext}"));
                write_table(&path, rejects, options)?;
                written.push(path);
            }
            Ok(written)
        }
        _ => Err(Error::UnsupportedFormat { file, expected: ".csv, .parquet, .xlsx or -" }),
    }
}
