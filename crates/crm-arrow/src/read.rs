//! Reading CSV, Parquet and workbooks into record batches.

use std::fs::File;
use std::io::{Cursor, Read};
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
};
use arrow_array::{ArrayRef, RecordBatch, RecordBatchReader};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use crm_excel::Cell;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::column::column_index;
use crate::error::{Error, Result};

/// Rows per record batch unless [`ReadOptions::batch_size`] says otherwise.
pub const DEFAULT_BATCH_SIZE: usize = 65_536;

/// The file formats this crate reads and writes, chosen by extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Comma-separated text with a header line (`.csv`, or `-` for standard input and
    /// output).
    Csv,
    /// Apache Parquet (`.parquet`).
    Parquet,
    /// A workbook read through crm-excel (`.xlsx`, `.xlsm`, `.xls`, `.xlsb`, `.ods`); only
    /// `.xlsx` is written.
    Workbook,
}

impl Format {
    /// The format of a path by its extension (case ignored); `-` is CSV.
    ///
    /// ```
    /// use crm_arrow::Format;
    /// assert_eq!(Format::from_path("tx.PARQUET".as_ref()), Some(Format::Parquet));
    /// assert_eq!(Format::from_path("-".as_ref()), Some(Format::Csv));
    /// assert_eq!(Format::from_path("tx.json".as_ref()), None);
    /// ```
    pub fn from_path(path: &Path) -> Option<Format> {
        if path.as_os_str() == "-" {
            return Some(Format::Csv);
        }
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "parquet" => Some(Format::Parquet),
            "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => Some(Format::Workbook),
            _ => None,
        }
    }
}

/// What to read from a table: which columns, typed how, from which sheet.
///
/// Columns are found by [`column_index`]'s rule.
/// Every column that the [`schema`](Self::schema) does not type is read as Utf8 (text kept
/// exactly as written: identifiers keep their leading zeros).
#[derive(Clone, Debug, Default, PartialEq)]
#[must_use]
pub struct ReadOptions {
    columns: Option<Vec<String>>,
    schema: Option<SchemaRef>,
    sheet: Option<String>,
    batch_size: Option<usize>,
}

impl ReadOptions {
    /// Every column, as text, in batches of [`DEFAULT_BATCH_SIZE`] rows.
    pub fn new() -> ReadOptions {
        ReadOptions::default()
    }

    /// Reads only these columns, in this order. Default: every column, in file order.
    pub fn columns<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.columns = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Types of the columns it names (matched to the file's columns by [`column_index`]'s
    /// rule); the others stay Utf8. CSV values are parsed by arrow-csv (`Date32` wants
    /// `YYYY-MM-DD`, `Float64` a plain number); workbook cells by crm-core's conventions
    /// (`Rp 15.000.000`, `14/03/2025`). Parquet columns keep their stored types and ignore
    /// it. Default: none.
    pub fn schema(mut self, schema: SchemaRef) -> Self {
        self.schema = Some(schema);
        self
    }

    /// The workbook sheet to read. Default: the first.
    pub fn sheet(mut self, name: &str) -> Self {
        self.sheet = Some(name.to_owned());
        self
    }

    /// Rows per record batch. Default: [`DEFAULT_BATCH_SIZE`] (65,536).
    ///
    /// # Panics
    /// If `rows` is 0.
    pub fn batch_size(mut self, rows: usize) -> Self {
        assert!(rows > 0, "a batch holds at least one row");
        self.batch_size = Some(rows);
        self
    }

    fn rows_per_batch(&self) -> usize {
        self.batch_size.unwrap_or(DEFAULT_BATCH_SIZE)
    }

    /// The indices of the asked-for columns in `headers` (every column when none were asked).
    fn projection(&self, headers: &[String], file: &str) -> Result<Vec<usize>> {
        match &self.columns {
            None => Ok((0..headers.len()).collect()),
            Some(names) => names.iter().map(|n| column_index(headers, n, file)).collect(),
        }
    }

    /// The declared type of each header (`None`: text).
    fn declared_types(&self, headers: &[String], file: &str) -> Result<Vec<Option<DataType>>> {
        let mut types = vec![None; headers.len()];
        if let Some(schema) = &self.schema {
            for field in schema.fields() {
                types[column_index(headers, field.name(), file)?] = Some(field.data_type().clone());
            }
        }
        Ok(types)
    }
}

/// A table read into memory: its schema, its record batches, and where its rows came from.
#[derive(Clone, Debug)]
pub struct Batches {
    source: String,
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
    rows: RowNumbers,
}

/// How data rows map to the rows a user sees in the source.
#[derive(Clone, Debug, PartialEq)]
enum RowNumbers {
    /// Consecutive, from this number.
    From(u64),
    /// Listed (a workbook, whose empty rows do not exist).
    Listed(Vec<u64>),
}

impl Batches {
    /// Batches of rows from `source` (a file name, for messages), numbered from
    /// `first_row` (see [`row_number`](Self::row_number)).
    ///
    /// # Panics
    /// If a batch's schema is not `schema`.
    pub fn new(
        source: &str,
        schema: SchemaRef,
        batches: Vec<RecordBatch>,
        first_row: u64,
    ) -> Batches {
        assert!(batches.iter().all(|b| b.schema() == schema), "every batch has the table's schema");
        Batches { source: source.to_owned(), schema, batches, rows: RowNumbers::From(first_row) }
    }

    /// The file the rows came from, as given (`-` for standard input).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The columns.
    pub fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    /// The record batches, in file order.
    pub fn batches(&self) -> &[RecordBatch] {
        &self.batches
    }

    /// The record batches, without the rest.
    pub fn into_batches(self) -> Vec<RecordBatch> {
        self.batches
    }

    /// Data rows, over all batches.
    pub fn n_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// The row number a user would look up in the source for data row `i` (0-based over
    /// all batches): the line in a CSV file (the header is line 1, so the first data row is
    /// 2; a record with a line break inside a quoted field shifts the count), the sheet row
    /// in a workbook, and `i + 1` in Parquet.
    pub fn row_number(&self, i: usize) -> u64 {
        match &self.rows {
            RowNumbers::From(first) => first + i as u64,
            RowNumbers::Listed(rows) => rows[i],
        }
    }

    /// The index of a column by [`column_index`]'s rule.
    ///
    /// # Errors
    /// [`Error::MissingColumn`] naming the file and listing its columns.
    pub fn column_index(&self, name: &str) -> Result<usize> {
        let names: Vec<String> = self.schema.fields().iter().map(|f| f.name().clone()).collect();
        column_index(&names, name, &self.source)
    }
}

/// Reads a table by its extension ([`Format::from_path`]): CSV with arrow-csv, Parquet with
/// parquet's Arrow reader, workbooks through crm-excel; `-` reads CSV from standard input.
///
/// # Errors
/// [`Error::UnsupportedFormat`] for another extension; [`Error::MissingColumn`] for a column
/// asked for that is not there; [`Error::Io`], [`Error::Arrow`], [`Error::Parquet`],
/// [`Error::Excel`] or [`Error::Value`] when the file cannot be read.
pub fn read(path: impl AsRef<Path>, options: &ReadOptions) -> Result<Batches> {
    let path = path.as_ref();
    let file = path.display().to_string();
    match Format::from_path(path) {
        Some(Format::Csv) if file == "-" => {
            let mut bytes = Vec::new();
            std::io::stdin().read_to_end(&mut bytes).map_err(|e| Error::io(&file, e))?;
            read_csv(Cursor::new(bytes), &file, options)
        }
        Some(Format::Csv) => read_csv_file(path, &file, options),
        Some(Format::Parquet) => read_parquet(path, &file, options),
        Some(Format::Workbook) => read_workbook(path, &file, options),
        None => Err(Error::UnsupportedFormat {
            file,
            expected: ".csv, .parquet, .xlsx, .xlsm, .xls, .xlsb, .ods or -",
        }),
    }
}

/// Reads CSV from bytes in memory or any reader that can be read twice; `name` names it
/// in messages. [`read`] calls this for `-` (standard input, read into memory first).
///
/// # Errors
/// As [`read`].
pub fn read_csv<R: Read + std::io::Seek>(
    mut rdr: R,
    name: &str,
    options: &ReadOptions,
) -> Result<Batches> {
    let headers = csv_headers(&mut rdr, name)?;
    rdr.seek(std::io::SeekFrom::Start(0)).map_err(|e| Error::io(name, e))?;
    decode_csv(rdr, headers, name, options)
}

fn read_csv_file(path: &Path, file: &str, options: &ReadOptions) -> Result<Batches> {
    let mut f = File::open(path).map_err(|e| Error::io(file, e))?;
    let headers = csv_headers(&mut f, file)?;
    let f = File::open(path).map_err(|e| Error::io(file, e))?;
    decode_csv(f, headers, file, options)
}

/// The header line's names, with a UTF-8 byte-order mark dropped.
fn csv_headers<R: Read>(rdr: R, file: &str) -> Result<Vec<String>> {
    let mut csv = csv::ReaderBuilder::new().has_headers(false).from_reader(rdr);
    let mut record = csv::ByteRecord::new();
    let found = csv.read_byte_record(&mut record).map_err(|e| Error::Arrow {
        file: file.to_owned(),
        message: crate::error::mask_quoted(&e.to_string()),
    })?;
    if !found {
        return Ok(Vec::new());
    }
    Ok(record
        .iter()
        .enumerate()
        .map(|(k, h)| {
            let h = String::from_utf8_lossy(h);
            let h = if k == 0 { h.trim_start_matches('\u{feff}') } else { &h };
            h.trim().to_owned()
        })
        .collect())
}

fn decode_csv<R: Read>(
    rdr: R,
    headers: Vec<String>,
    file: &str,
    options: &ReadOptions,
) -> Result<Batches> {
    let types = options.declared_types(&headers, file)?;
    let projection = options.projection(&headers, file)?;
    let fields: Vec<Field> = headers
        .iter()
        .zip(&types)
        .map(|(h, t)| Field::new(h, t.clone().unwrap_or(DataType::Utf8), true))
        .collect();
    let full = Arc::new(Schema::new(fields));
    let schema = Arc::new(full.project(&projection).map_err(|e| Error::arrow(file, &e))?);
    if headers.is_empty() {
        return Ok(Batches::new(file, schema, Vec::new(), 2));
    }
    let reader = arrow_csv::ReaderBuilder::new(full)
        .with_header(true)
        .with_truncated_rows(true)
        .with_batch_size(options.rows_per_batch())
        .with_projection(projection)
        .build(rdr)
        .map_err(|e| Error::arrow(file, &e))?;
    let batches = reader.collect::<Result<Vec<_>, _>>().map_err(|e| Error::arrow(file, &e))?;
    Ok(Batches::new(file, schema, batches, 2))
}

fn read_parquet(path: &Path, file: &str, options: &ReadOptions) -> Result<Batches> {
    let f = File::open(path).map_err(|e| Error::io(file, e))?;
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(f).map_err(|e| Error::parquet(file, &e))?;
    let names: Vec<String> = builder.schema().fields().iter().map(|f| f.name().clone()).collect();
    let projection = options.projection(&names, file)?;
    // The reader returns the projected columns in file order; `order` puts them back in the
    // order asked for.
    let mut roots = projection.clone();
    roots.sort_unstable();
    roots.dedup();
    let order: Vec<usize> =
        projection.iter().map(|i| roots.binary_search(i).expect("a root of the mask")).collect();
    let mask = ProjectionMask::roots(builder.parquet_schema(), roots.iter().copied());
    let reader = builder
        .with_projection(mask)
        .with_batch_size(options.rows_per_batch())
        .build()
        .map_err(|e| Error::parquet(file, &e))?;
    let read_schema = reader.schema();
    let schema = Arc::new(read_schema.project(&order).map_err(|e| Error::arrow(file, &e))?);
    let mut batches = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| Error::arrow(file, &e))?;
        batches.push(batch.project(&order).map_err(|e| Error::arrow(file, &e))?);
    }
    Ok(Batches::new(file, schema, batches, 1))
}

fn read_workbook(path: &Path, file: &str, options: &ReadOptions) -> Result<Batches> {
    let mut rb = crm_excel::ReaderBuilder::new();
    if let Some(sheet) = &options.sheet {
        rb.sheet_name(sheet);
    }
    let mut reader = rb.from_path(path)?;
    let headers = reader.headers().to_vec();
    let types = options.declared_types(&headers, file)?;
    let projection = options.projection(&headers, file)?;
    let fields: Vec<Field> = projection
        .iter()
        .map(|&i| Field::new(&headers[i], types[i].clone().unwrap_or(DataType::Utf8), true))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let mut batches = Vec::new();
    let mut numbers = Vec::new();
    let mut rows: Vec<crm_excel::Row> = Vec::new();
    let size = options.rows_per_batch();
    for row in reader.rows() {
        let row = row?;
        numbers.push(row.number());
        rows.push(row);
        if rows.len() == size {
            batches.push(cells_to_batch(&rows, &projection, &schema, file)?);
            rows.clear();
        }
    }
    if !rows.is_empty() {
        batches.push(cells_to_batch(&rows, &projection, &schema, file)?);
    }
    let mut out = Batches::new(file, schema, batches, 0);
    out.rows = RowNumbers::Listed(numbers);
    Ok(out)
}

/// One batch from workbook rows: column `k` of the schema is cell `projection[k]`.
fn cells_to_batch(
    rows: &[crm_excel::Row],
    projection: &[usize],
    schema: &SchemaRef,
    file: &str,
) -> Result<RecordBatch> {
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(projection.len());
    for (field, &c) in schema.fields().iter().zip(projection) {
        let cells = rows.iter().map(|r| (r.number(), r.get(c).filter(|cell| !cell.is_empty())));
        let bad = |row: u64| Error::Value {
            file: file.to_owned(),
            row,
            column: field.name().clone(),
            expected: field.data_type().clone(),
        };
        let array: ArrayRef = match field.data_type() {
            DataType::Utf8 => {
                let mut b = StringBuilder::with_capacity(rows.len(), rows.len() * 8);
                for (_, cell) in cells {
                    b.append_option(cell.map(Cell::to_text));
                }
                Arc::new(b.finish())
            }
            DataType::Float64 => {
                let mut b = Float64Builder::with_capacity(rows.len());
                for (row, cell) in cells {
                    b.append_option(match cell {
                        None => None,
                        Some(Cell::Int(i)) => Some(*i as f64),
                        Some(Cell::Float(f)) => Some(*f),
                        Some(Cell::String(s)) => {
                            Some(crm_core::parse_amount(s).map_err(|_| bad(row))?)
                        }
                        Some(_) => return Err(bad(row)),
                    });
                }
                Arc::new(b.finish())
            }
            DataType::Int64 => {
                let mut b = Int64Builder::with_capacity(rows.len());
                for (row, cell) in cells {
                    b.append_option(match cell {
                        None => None,
                        Some(Cell::Int(i)) => Some(*i),
                        Some(Cell::Float(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                            Some(*f as i64)
                        }
                        Some(Cell::String(s)) => Some(s.trim().parse().map_err(|_| bad(row))?),
                        Some(_) => return Err(bad(row)),
                    });
                }
                Arc::new(b.finish())
            }
            DataType::Date32 => {
                let mut b = Date32Builder::with_capacity(rows.len());
                for (row, cell) in cells {
                    let date = match cell {
                        None => None,
                        Some(Cell::Date(d)) => Some(*d),
                        Some(Cell::DateTime(dt)) => Some(dt.date()),
                        Some(Cell::String(s)) => Some(
                            crm_core::parse_date(s)
                                .map(chrono::NaiveDate::from)
                                .ok_or_else(|| bad(row))?,
                        ),
                        Some(_) => return Err(bad(row)),
                    };
                    b.append_option(date.map(crate::rfm::days_since_epoch));
                }
                Arc::new(b.finish())
            }
            DataType::Boolean => {
                let mut b = BooleanBuilder::with_capacity(rows.len());
                for (row, cell) in cells {
                    b.append_option(match cell {
                        None => None,
                        Some(Cell::Bool(v)) => Some(*v),
                        Some(Cell::String(s)) => {
                            Some(crm_core::parse_bool(s).ok_or_else(|| bad(row))?)
                        }
                        Some(_) => return Err(bad(row)),
                    });
                }
                Arc::new(b.finish())
            }
            other => {
                return Err(Error::ColumnType {
                    file: file.to_owned(),
                    column: field.name().clone(),
                    data_type: other.clone(),
                    expected: "Utf8, Float64, Int64, Date32 or Boolean (the types a workbook is read as)",
                });
            }
        };
        columns.push(array);
    }
    RecordBatch::try_new(schema.clone(), columns).map_err(|e| Error::arrow(file, &e))
}
