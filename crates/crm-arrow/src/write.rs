//! Writing record batches to CSV, Parquet and xlsx.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type,
    UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{DataType, Schema, TimeUnit};
use crm_excel::{Cell, CsvFormulas, Table, XlsxWriter};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::error::{Error, Result};
use crate::read::Format;
use crate::rfm::date_from_days;

/// How to write a table.
#[derive(Clone, Debug, PartialEq)]
#[must_use]
pub struct WriteOptions {
    formulas: CsvFormulas,
    sheet: String,
}

impl Default for WriteOptions {
    fn default() -> WriteOptions {
        WriteOptions { formulas: CsvFormulas::Neutralize, sheet: "Data".to_owned() }
    }
}

impl WriteOptions {
    /// Formula-like CSV text neutralised, sheet `Data`.
    pub fn new() -> WriteOptions {
        WriteOptions::default()
    }

    /// What to do with CSV text cells that a spreadsheet would run as a formula
    /// (`=HYPERLINK(...)`): crm-excel's convention, [`CsvFormulas::Neutralize`] puts a `'`
    /// before them ([`crm_core::neutralize_formula`]), [`CsvFormulas::Raw`] writes them as
    /// they are. Only text columns (and the header) are affected. Default: `Neutralize`.
    pub fn csv_formulas(mut self, formulas: CsvFormulas) -> Self {
        self.formulas = formulas;
        self
    }

    /// The sheet name of an xlsx output. Default: `Data`.
    pub fn sheet(mut self, name: &str) -> Self {
        self.sheet = name.to_owned();
        self
    }

    pub(crate) fn formulas(&self) -> CsvFormulas {
        self.formulas
    }

    pub(crate) fn sheet_name(&self) -> &str {
        &self.sheet
    }
}

/// Writes batches by the extension of `path` ([`Format::from_path`]): `.csv` (`-`: standard
/// output), `.parquet` (Snappy-compressed, the column types as they are) or `.xlsx`
/// (through crm-excel's [`XlsxWriter`]).
///
/// # Errors
/// [`Error::UnsupportedFormat`] for another extension (`.xls`, `.ods`: crm-excel writes only
/// xlsx); [`Error::Io`], [`Error::Parquet`] or [`Error::Excel`] when writing fails.
pub fn write(
    path: impl AsRef<Path>,
    schema: &Schema,
    batches: &[RecordBatch],
    options: &WriteOptions,
) -> Result<()> {
    let path = path.as_ref();
    let file = path.display().to_string();
    let is_xlsx = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    match Format::from_path(path) {
        Some(Format::Csv) if file == "-" => {
            write_csv(std::io::stdout().lock(), schema, batches, options)
                .map_err(|e| in_file(e, &file))
        }
        Some(Format::Csv) => {
            let f = File::create(path).map_err(|e| Error::io(&file, e))?;
            write_csv(BufWriter::with_capacity(1 << 20, f), schema, batches, options)
                .map_err(|e| in_file(e, &file))
        }
        Some(Format::Parquet) => {
            let f = File::create(path).map_err(|e| Error::io(&file, e))?;
            write_parquet(f, schema, batches).map_err(|e| in_file(e, &file))
        }
        Some(Format::Workbook) if is_xlsx => {
            let table = to_table(schema, batches);
            let mut xlsx = XlsxWriter::new();
            xlsx.write_table(&options.sheet, &table)?;
            xlsx.save(path)?;
            Ok(())
        }
        _ => Err(Error::UnsupportedFormat { file, expected: ".csv, .parquet, .xlsx or -" }),
    }
}

/// Names the file in an error raised by a writer that had none.
fn in_file(e: Error, file: &str) -> Error {
    match e {
        Error::Io { source, .. } => Error::Io { file: file.to_owned(), source },
        Error::Parquet { message, .. } => Error::Parquet { file: file.to_owned(), message },
        Error::Arrow { message, .. } => Error::Arrow { file: file.to_owned(), message },
        other => other,
    }
}

/// Writes batches as CSV: a header line, comma-separated, UTF-8, quoted where needed.
/// Floats are written the way `crm` writes them (Rust's shortest round-trip form: `125`,
/// `100.5`), dates `YYYY-MM-DD`, nulls as empty fields, other types as arrow-cast displays
/// them.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{Float64Array, RecordBatch, StringArray};
/// use arrow_schema::{DataType, Field, Schema};
/// use crm_arrow::{WriteOptions, write_csv};
/// let schema = Arc::new(Schema::new(vec![
///     Field::new("nama", DataType::Utf8, true),
///     Field::new("saldo", DataType::Float64, true),
/// ]));
/// let batch = RecordBatch::try_new(schema.clone(), vec![
///     Arc::new(StringArray::from(vec!["=HYPERLINK(\"http://x\")", "Budi"])),
///     Arc::new(Float64Array::from(vec![-5000.0, 12.5])),
/// ])?;
/// let mut out = Vec::new();
/// write_csv(&mut out, &schema, &[batch], &WriteOptions::new())?;
/// assert_eq!(String::from_utf8(out)?, "nama,saldo\n\"'=HYPERLINK(\"\"http://x\"\")\",-5000\nBudi,12.5\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`Error::Io`] when writing fails (the file is named `-`; [`write()`] names it).
pub fn write_csv<W: Write>(
    wtr: W,
    schema: &Schema,
    batches: &[RecordBatch],
    options: &WriteOptions,
) -> Result<()> {
    let io = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => Error::io("-", e),
        other => Error::Arrow { file: "-".into(), message: format!("{other:?}") },
    };
    let mut csv = csv::Writer::from_writer(wtr);
    let neutralize = options.formulas != CsvFormulas::Raw;
    let text = |s: &str| -> String {
        if neutralize { crm_core::neutralize_formula(s).into_owned() } else { s.to_owned() }
    };
    csv.write_record(schema.fields().iter().map(|f| text(f.name()))).map_err(io)?;
    let format = FormatOptions::default();
    let mut field = String::new();
    for batch in batches {
        let columns: Vec<Column<'_>> = batch
            .columns()
            .iter()
            .map(|c| Column::new(c.as_ref(), &format))
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| Error::arrow("-", &e))?;
        for row in 0..batch.num_rows() {
            for col in &columns {
                field.clear();
                let is_text = col.write(row, &mut field);
                if is_text && neutralize {
                    csv.write_field(crm_core::neutralize_formula(&field).as_bytes()).map_err(io)?;
                } else {
                    csv.write_field(field.as_bytes()).map_err(io)?;
                }
            }
            csv.write_record(None::<&[u8]>).map_err(io)?;
        }
    }
    csv.flush().map_err(|e| Error::io("-", e))?;
    Ok(())
}

/// A column ready to be written as text.
enum Column<'a> {
    Text(crate::rfm::TextRef<'a>),
    F64(&'a arrow_array::Float64Array),
    F32(&'a arrow_array::Float32Array),
    Other(&'a dyn Array, ArrayFormatter<'a>),
}

impl<'a> Column<'a> {
    fn new(
        array: &'a dyn Array,
        format: &'a FormatOptions<'a>,
    ) -> std::result::Result<Column<'a>, arrow_schema::ArrowError> {
        Ok(match array.data_type() {
            DataType::Float64 => Column::F64(array.as_primitive::<Float64Type>()),
            DataType::Float32 => Column::F32(array.as_primitive::<Float32Type>()),
            _ => match crate::rfm::TextRef::new(array) {
                Some(t) => Column::Text(t),
                None => Column::Other(array, ArrayFormatter::try_new(array, format)?),
            },
        })
    }

    /// Appends row `i`'s text to `out`; whether the column is text.
    fn write(&self, i: usize, out: &mut String) -> bool {
        use std::fmt::Write as _;
        match self {
            Column::Text(t) => {
                out.push_str(t.get(i).unwrap_or(""));
                return true;
            }
            Column::F64(a) => {
                if a.is_valid(i) {
                    let _ = write!(out, "{}", a.value(i));
                }
            }
            Column::F32(a) => {
                if a.is_valid(i) {
                    let _ = write!(out, "{}", a.value(i));
                }
            }
            Column::Other(a, f) => {
                if a.is_valid(i) {
                    let _ = write!(out, "{}", f.value(i));
                }
            }
        }
        false
    }
}

/// Writes batches as one Parquet file, Snappy-compressed, with the schema's types.
///
/// # Errors
/// [`Error::Parquet`] when the writer fails (the file is named `-`; [`write()`] names it).
pub fn write_parquet<W: Write + Send>(
    wtr: W,
    schema: &Schema,
    batches: &[RecordBatch],
) -> Result<()> {
    let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let schema = std::sync::Arc::new(schema.clone());
    let err = |e: parquet::errors::ParquetError| Error::parquet("-", &e);
    let mut writer = ArrowWriter::try_new(wtr, schema, Some(props)).map_err(err)?;
    for batch in batches {
        writer.write(batch).map_err(err)?;
    }
    writer.close().map_err(err)?;
    Ok(())
}

/// The batches as a crm-excel [`Table`] (for [`XlsxWriter`]): text as text, integers as
/// [`Cell::Int`], floats and decimals as [`Cell::Float`], booleans, `Date32` as [`Cell::Date`], naive
/// timestamps as [`Cell::DateTime`], nulls as [`Cell::Empty`], anything else as its
/// arrow-cast text.
pub fn to_table(schema: &Schema, batches: &[RecordBatch]) -> Table {
    let mut table = Table::new(schema.fields().iter().map(|f| f.name().clone()).collect());
    let format = FormatOptions::default();
    for batch in batches {
        for row in 0..batch.num_rows() {
            let cells = batch.columns().iter().map(|c| cell(c.as_ref(), row, &format)).collect();
            table.push_row(cells).expect("a row has one cell per column");
        }
    }
    table
}

pub(crate) fn cell(a: &dyn Array, i: usize, format: &FormatOptions<'_>) -> Cell {
    if a.is_null(i) {
        return Cell::Empty;
    }
    if let Some(t) = crate::rfm::TextRef::new(a) {
        return Cell::String(t.get(i).unwrap_or("").to_owned());
    }
    match a.data_type() {
        DataType::Int8 => Cell::Int(a.as_primitive::<Int8Type>().value(i).into()),
        DataType::Int16 => Cell::Int(a.as_primitive::<Int16Type>().value(i).into()),
        DataType::Int32 => Cell::Int(a.as_primitive::<Int32Type>().value(i).into()),
        DataType::Int64 => Cell::Int(a.as_primitive::<Int64Type>().value(i)),
        DataType::UInt8 => Cell::Int(a.as_primitive::<UInt8Type>().value(i).into()),
        DataType::UInt16 => Cell::Int(a.as_primitive::<UInt16Type>().value(i).into()),
        DataType::UInt32 => Cell::Int(a.as_primitive::<UInt32Type>().value(i).into()),
        DataType::UInt64 => {
            let v = a.as_primitive::<UInt64Type>().value(i);
            i64::try_from(v).map_or_else(|_| Cell::String(v.to_string()), Cell::Int)
        }
        DataType::Float64 => Cell::Float(a.as_primitive::<Float64Type>().value(i)),
        DataType::Float32 => Cell::Float(a.as_primitive::<Float32Type>().value(i).into()),
        DataType::Boolean => Cell::Bool(a.as_boolean().value(i)),
        // Amounts stored as decimals (pyarrow's `decimal128(14, 2)`) are numbers to a table.
        DataType::Decimal128(_, scale) => {
            let v = a.as_primitive::<arrow_array::types::Decimal128Type>().value(i);
            Cell::Float(v as f64 / 10f64.powi(i32::from(*scale)))
        }
        DataType::Date32 => match date_from_days(a.as_primitive::<Date32Type>().value(i)) {
            Some(d) => Cell::Date(d),
            None => Cell::Empty,
        },
        DataType::Timestamp(unit, None) => {
            let v = match unit {
                TimeUnit::Second => {
                    a.as_primitive::<arrow_array::types::TimestampSecondType>().value(i)
                }
                TimeUnit::Millisecond => {
                    a.as_primitive::<arrow_array::types::TimestampMillisecondType>().value(i)
                }
                TimeUnit::Microsecond => {
                    a.as_primitive::<arrow_array::types::TimestampMicrosecondType>().value(i)
                }
                TimeUnit::Nanosecond => {
                    a.as_primitive::<arrow_array::types::TimestampNanosecondType>().value(i)
                }
            };
            let (secs, nanos) = match unit {
                TimeUnit::Second => (v, 0),
                TimeUnit::Millisecond => (v.div_euclid(1_000), v.rem_euclid(1_000) * 1_000_000),
                TimeUnit::Microsecond => (v.div_euclid(1_000_000), v.rem_euclid(1_000_000) * 1_000),
                TimeUnit::Nanosecond => (v.div_euclid(1_000_000_000), v.rem_euclid(1_000_000_000)),
            };
            chrono::DateTime::from_timestamp(secs, nanos as u32)
                .map_or(Cell::Empty, |dt| Cell::DateTime(dt.naive_utc()))
        }
        _ => match ArrayFormatter::try_new(a, format) {
            Ok(f) => Cell::String(f.value(i).to_string()),
            Err(_) => Cell::Empty,
        },
    }
}
