//! The RFM adapter: transaction columns to crm-rfm's inputs, and its results to a batch.

use std::sync::Arc;

use arrow_array::builder::{
    Date32Builder, Float64Builder, StringBuilder, UInt8Builder, UInt32Builder, UInt64Builder,
};
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type};
use arrow_array::{
    Array, ArrayRef, Date32Array, Float64Array, LargeStringArray, RecordBatch, StringArray,
    StringViewArray,
};
use arrow_schema::{DataType, Field, Schema};
use chrono::NaiveDate;
use crm_rfm::{
    ChunkSink, FeatureOptions, Features, ParallelFeatureBuilder, RejectReason, Scores, Segments,
    Transaction, TransactionSink,
};

use crate::error::{Error, Result};
use crate::pieces::Block;
use crate::read::Batches;

/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01 (Arrow's day 0).
const EPOCH_FROM_CE: i32 = 719_163;

/// A date as Arrow's `Date32`: days since 1970-01-01.
pub(crate) fn days_since_epoch(date: NaiveDate) -> i32 {
    use chrono::Datelike;
    date.num_days_from_ce() - EPOCH_FROM_CE
}

/// A `Date32` value as a date (`None` outside chrono's range).
pub(crate) fn date_from_days(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(days.checked_add(EPOCH_FROM_CE)?)
}

/// A text column of any of Arrow's string layouts.
#[derive(Clone, Copy)]
pub(crate) enum TextRef<'a> {
    Small(&'a StringArray),
    Large(&'a LargeStringArray),
    View(&'a StringViewArray),
}

impl<'a> TextRef<'a> {
    /// The array as text, if it is a string array.
    pub(crate) fn new(array: &'a dyn Array) -> Option<TextRef<'a>> {
        match array.data_type() {
            DataType::Utf8 => Some(TextRef::Small(array.as_string::<i32>())),
            DataType::LargeUtf8 => Some(TextRef::Large(array.as_string::<i64>())),
            DataType::Utf8View => Some(TextRef::View(array.as_string_view())),
            _ => None,
        }
    }

    /// Row `i`, `None` when null.
    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            TextRef::Small(a) => a.is_valid(i).then(|| a.value(i)),
            TextRef::Large(a) => a.is_valid(i).then(|| a.value(i)),
            TextRef::View(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }
}

/// The columns of a transaction table that RFM reads, by name ([`column_index`]'s rule).
///
/// [`column_index`]: crate::column_index
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct RfmColumns {
    customer: String,
    date: String,
    amount: String,
    invoice: Option<String>,
    keys: Vec<String>,
}

impl RfmColumns {
    /// The customer id, date and amount columns.
    pub fn new(customer: &str, date: &str, amount: &str) -> RfmColumns {
        RfmColumns {
            customer: customer.to_owned(),
            date: date.to_owned(),
            amount: amount.to_owned(),
            invoice: None,
            keys: Vec::new(),
        }
    }

    /// The invoice (basket, order) id column. Default: none.
    pub fn invoice(mut self, name: &str) -> Self {
        self.invoice = Some(name.to_owned());
        self
    }

    /// Extra grouping columns (a store, a brand: [`Transaction::keys`]). Default: none.
    pub fn keys<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.keys = names.into_iter().map(Into::into).collect();
        self
    }

    /// Every column named, customer, date, amount, invoice (if any), then the keys: what to
    /// ask [`ReadOptions::columns`](crate::ReadOptions::columns) for.
    pub fn names(&self) -> Vec<String> {
        let mut names = vec![self.customer.clone(), self.date.clone(), self.amount.clone()];
        names.extend(self.invoice.clone());
        names.extend(self.keys.iter().cloned());
        names
    }
}

/// How a date column is read.
enum Dates<'a> {
    Days(&'a Date32Array),
    Text(TextRef<'a>),
}

/// How an amount column is read.
enum Amounts<'a> {
    Numbers(&'a Float64Array),
    Text(TextRef<'a>),
}

/// RFM features of the transactions in `table`, every row accounted for in
/// [`Features::usage`].
///
/// Each column may be text or typed:
/// * dates: `Date32` as they are; `Date64` and timestamps by their date (arrow-cast's cast to
///   `Date32`: a time zone's local date); text by [`crm_core::parse_date`] (`2025-03-14`,
///   `14/03/2025`, `20250314`, a date-time's date); integers as their digits (`20250314`);
/// * amounts: any numeric type (integers, floats, decimals) as `f64`; text by
///   [`crm_core::parse_amount`] (`Rp 15.000.000`, `12,5`);
/// * the customer id, the invoice and the keys: text as it is, other types as their
///   arrow-cast text (an `Int64` id `178991` is `"178991"`).
///
/// Rows go to a [`ParallelFeatureBuilder`] (a record batch per chunk; the same result as a
/// [`FeatureBuilder`](crm_rfm::FeatureBuilder) fed them in order), numbered by [`Batches::row_number`]: a null
/// or unreadable date or amount is a [`crm_rfm::Reject`] of that row (`date` or `amount`,
/// checked in that order); a null customer id is an empty one, which crm-rfm rejects; a null
/// invoice or key is empty text.
///
/// # Errors
/// [`Error::MissingColumn`] when a column is not in the table; [`Error::ColumnType`] when a
/// column's type cannot be read as asked (booleans as amounts, say); [`Error::Rfm`] when no
/// row is usable or the as-of date is before every transaction.
pub fn rfm_features(
    table: &Batches,
    columns: &RfmColumns,
    as_of: NaiveDate,
    options: FeatureOptions,
) -> Result<Features> {
    let file = table.source();
    let at = Indices::find(columns, |name| table.column_index(name))?;
    // Each batch is a chunk, its rows numbered as the table numbers them.
    let mut starts = Vec::with_capacity(table.batches().len());
    let mut first = 0;
    for batch in table.batches() {
        starts.push((batch, first));
        first += batch.num_rows();
    }
    let failure = std::sync::Mutex::new(None);
    let mut builder = ParallelFeatureBuilder::new(as_of, options);
    builder.push_chunks(&starts, |&(batch, first), sink| {
        if let Err(e) = push_batch(sink, batch, &at, file, |i| table.row_number(first + i)) {
            failure.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get_or_insert(e);
        }
        0
    });
    if let Some(e) = failure.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner) {
        return Err(e);
    }
    builder.finish().map_err(|source| Error::Rfm { file: file.to_owned(), source })
}

/// [`rfm_features`] of a file, chosen by its extension: CSV (and `-`, CSV on standard
/// input) through [`rfm_features_of_csv`], on all cores, rows numbered by their line; a
/// Parquet file streamed row group by row group, each decoded (only the columns `columns`
/// names) by a thread of rayon's pool straight into a [`ParallelFeatureBuilder`], so the
/// file is never in memory whole, rows numbered from 1. Workbooks are read with
/// [`read`](crate::read) and given to [`rfm_features`].
///
/// ```
/// use chrono::NaiveDate;
/// use crm_arrow::{RfmColumns, read_csv, rfm_features, rfm_features_of_file, write};
/// let csv = "customer,date,amount\nC1,2025-12-30,250000\nC2,2025-06-15,75000\n";
/// let tx = read_csv(std::io::Cursor::new(csv), "tx.csv", &Default::default())?;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("tx.parquet");
/// let batches = tx.batches().to_vec();
/// write(&path, tx.schema(), &batches, &Default::default())?;
///
/// let columns = RfmColumns::new("customer", "date", "amount");
/// let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
/// let streamed = rfm_features_of_file(&path, &columns, as_of, Default::default())?;
/// let in_memory = rfm_features(&tx, &columns, as_of, Default::default())?;
/// assert_eq!(streamed.len(), 2);
/// assert_eq!(streamed.monetary(), in_memory.monetary());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`read`](crate::read) and [`rfm_features`].
pub fn rfm_features_of_file(
    path: impl AsRef<std::path::Path>,
    columns: &RfmColumns,
    as_of: NaiveDate,
    options: FeatureOptions,
) -> Result<Features> {
    use crate::read::Format;
    let path = path.as_ref();
    let file = path.display().to_string();
    match Format::from_path(path) {
        Some(Format::Parquet) => {}
        Some(Format::Csv) if path.as_os_str() == "-" => {
            return rfm_features_of_csv(std::io::stdin(), "-", columns, as_of, options);
        }
        Some(Format::Csv) => {
            let f = std::fs::File::open(path).map_err(|e| Error::io(&file, e))?;
            return rfm_features_of_csv(f, &file, columns, as_of, options);
        }
        _ => {
            let table = crate::read(path, &crate::ReadOptions::new().columns(columns.names()))?;
            return rfm_features(&table, columns, as_of, options);
        }
    }
    use parquet::arrow::arrow_reader::{
        ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
    };
    let f = std::fs::File::open(path).map_err(|e| Error::io(&file, e))?;
    let metadata = ArrowReaderMetadata::load(&f, ArrowReaderOptions::new())
        .map_err(|e| Error::parquet(&file, &e))?;
    let names: Vec<String> = metadata.schema().fields().iter().map(|f| f.name().clone()).collect();
    let index = |name: &str| crate::column_index(&names, name, &file);
    let wanted = Indices::find(columns, index)?;
    // Decode only the columns used; in the decoded batches they keep the file's order.
    let mut roots = wanted.all();
    roots.sort_unstable();
    roots.dedup();
    let mask = parquet::arrow::ProjectionMask::roots(metadata.parquet_schema(), roots.clone());
    let at = wanted.map(|i| roots.binary_search(&i).expect("a decoded column"));
    let failure = std::sync::Mutex::new(None);
    // Each row group is decoded by one thread straight into its chunk; groups go to the
    // builder a few million rows at a time, so memory holds the customers and those rows.
    let decode = |&group: &usize, sink: &mut ChunkSink| -> u64 {
        let rows = metadata.metadata().row_group(group).num_rows() as u64;
        // A file of its own: clones of one handle share its offset, which threads would race on.
        let result = std::fs::File::open(path).map_err(|e| Error::io(&file, e)).and_then(|f| {
            let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(f, metadata.clone())
                .with_row_groups(vec![group])
                .with_projection(mask.clone())
                .with_batch_size(crate::DEFAULT_BATCH_SIZE)
                .build()
                .map_err(|e| Error::parquet(&file, &e))?;
            let mut first = 1u64;
            for batch in reader {
                let batch = batch.map_err(|e| Error::arrow(&file, &e))?;
                push_batch(sink, &batch, &at, &file, |i| first + i as u64)?;
                first += batch.num_rows() as u64;
            }
            Ok(())
        });
        if let Err(e) = result {
            failure.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get_or_insert(e);
        }
        rows
    };
    let mut rfm = ParallelFeatureBuilder::new(as_of, options);
    let mut groups = Vec::new();
    let mut rows = 0;
    let n_groups = metadata.metadata().num_row_groups();
    for group in 0..n_groups {
        groups.push(group);
        rows += metadata.metadata().row_group(group).num_rows();
        if rows >= GROUP_ROWS || group + 1 == n_groups {
            rfm.push_chunks(&groups, decode);
            if let Some(e) =
                failure.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()
            {
                return Err(e);
            }
            groups.clear();
            rows = 0;
        }
    }
    rfm.finish().map_err(|source| Error::Rfm { file, source })
}

/// Rows of Parquet row groups handed to the builder at once.
const GROUP_ROWS: i64 = 2 << 20;

/// RFM features of CSV text read from `src` (`file` names it in errors and rejects), on
/// all cores: a thread reads the text in blocks of whole records (16 MiB), each block is
/// cut into pieces parsed on rayon's threads, and the rows go to a
/// [`ParallelFeatureBuilder`], so memory stays bounded by the customers plus two blocks
/// and their rows. Only the columns
/// `columns` names are looked at; the others are skipped unparsed.
///
/// The result equals what a [`FeatureBuilder`](crm_rfm::FeatureBuilder) fed the rows in file order gives, and what
/// [`rfm_features`] gives on the same file read by [`read`](crate::read), except that rows
/// are numbered by their line in the file, as an editor shows it (the header is line 1,
/// blank lines count, a record with a quoted line break is numbered by its first line):
/// dates by [`crm_core::parse_date`], amounts by [`crm_core::parse_amount`], ids as they
/// are. A line without one of the named fields is a reject of that field; an empty line
/// is skipped (neither a row nor a reject), as the `csv` crate skips it; invalid UTF-8 in
/// a field reads as U+FFFD.
///
/// ```
/// use chrono::NaiveDate;
/// use crm_arrow::{RfmColumns, rfm_features_of_csv};
/// let csv = "Tanggal,Customer ID,Nilai\n\
///            2025-12-30,C1,\"Rp 250.000\"\n\
///            02/11/2025,C1,120000\n\
///            \n\
///            31/02/2025,C2,10000\n";
/// let columns = RfmColumns::new("customer_id", "tanggal", "nilai");
/// let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
/// let f = rfm_features_of_csv(csv.as_bytes(), "tx.csv", &columns, as_of, Default::default())?;
/// assert_eq!(f.customer(0).monetary, 370_000.0);
/// assert_eq!(f.rejects()[0].to_string(), r#"row 5: date: not a date: "31/02/2025""#);
/// # Ok::<(), crm_arrow::Error>(())
/// ```
///
/// # Errors
/// [`Error::MissingColumn`] when a named column is not in the header; [`Error::Io`] when
/// the text cannot be read; [`Error::Rfm`] when no row is usable or the as-of date is
/// before every transaction.
pub fn rfm_features_of_csv(
    src: impl std::io::Read + Send,
    file: &str,
    columns: &RfmColumns,
    as_of: NaiveDate,
    options: FeatureOptions,
) -> Result<Features> {
    csv_features(crate::pieces::Blocks::new(src, file), file, columns, as_of, options)
}

/// [`rfm_features_of_csv`] from blocks of any size.
fn csv_features<R: std::io::Read + Send>(
    mut blocks: crate::pieces::Blocks<R>,
    file: &str,
    columns: &RfmColumns,
    as_of: NaiveDate,
    options: FeatureOptions,
) -> Result<Features> {
    let (header, header_lines) = blocks.header()?;
    let at = Indices::find(columns, |name| crate::column_index(&header, name, file))?;
    let mut builder = ParallelFeatureBuilder::new(as_of, options);
    // The header's lines come first: a chunk that reads nothing but spans them.
    builder.push_chunks(&[()], |_, _| header_lines);
    // A thread reads the next block (and finds its pieces) while the pool parses and
    // aggregates this one; blocks go back to it to be filled again.
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Result<Block>>(1);
    let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Block>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            loop {
                let block = blocks.next_block(empty_rx.try_recv().ok());
                let stop = !matches!(block, Ok(Some(_)));
                if let Some(block) = block.transpose()
                    && full_tx.send(block).is_err()
                {
                    return;
                }
                if stop {
                    return;
                }
            }
        });
        for block in full_rx {
            let block = block?;
            builder.push_chunks(&block.pieces(), |piece, sink| match piece.plain {
                true => match std::str::from_utf8(piece.text) {
                    Ok(text) => plain_rows(text, &at, sink),
                    // Fields with invalid UTF-8 read as U+FFFD, as the parser reads them.
                    Err(_) => quoted_rows(piece.text, &at, sink),
                },
                false => quoted_rows(piece.text, &at, sink),
            });
            // The reader may have ended: then the block is just dropped.
            let _ = empty_tx.send(block);
        }
        Ok::<(), Error>(())
    })?;
    builder.finish().map_err(|source| Error::Rfm { file: file.to_owned(), source })
}

/// A field as text: U+FFFD for the whole field when it is not UTF-8.
fn lossy(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap_or("\u{fffd}")
}

/// Field names of the rejects of short lines, as the one-thread reader names them.
const FIELD_NAMES: [&str; 4] = ["customer", "date", "amount", "invoice"];

/// Pushes one CSV row (line `row` of its piece) into `sink`, given a way to get field `i`.
#[inline]
fn csv_row<'a>(
    sink: &mut impl TransactionSink,
    row: u64,
    at: &Indices,
    field: impl Fn(usize) -> Option<&'a str>,
    keys: &mut Vec<&'a str>,
) {
    let customer = field(at.customer);
    let date = field(at.date);
    let amount = field(at.amount);
    let invoice = at.invoice.map_or(Some(""), &field);
    let present = [customer, date, amount, invoice];
    if let Some(k) = present.iter().position(Option::is_none) {
        return sink.reject(row, FIELD_NAMES[k], RejectReason::Empty);
    }
    keys.clear();
    for &i in &at.keys {
        match field(i) {
            Some(text) => keys.push(text),
            None => return sink.reject(row, "key", RejectReason::Empty),
        }
    }
    let (date, amount) = (date.unwrap_or_default(), amount.unwrap_or_default());
    let Some(day) = crm_core::parse_date(date) else {
        return sink.reject(row, "date", RejectReason::date(date));
    };
    let Ok(value) = crm_core::parse_amount(amount) else {
        return sink.reject(row, "amount", RejectReason::amount(amount));
    };
    let mut tx =
        Transaction::new(customer.unwrap_or_default(), day.into(), value).row(row).keys(keys);
    if at.invoice.is_some() {
        tx = tx.invoice(invoice.unwrap_or_default());
    }
    sink.push(tx);
}

/// The rows of a piece of valid UTF-8 without quotes or lone carriage returns, split at
/// `,` and line feeds; returns its line feeds.
fn plain_rows(text: &str, at: &Indices, sink: &mut impl TransactionSink) -> u64 {
    let width = at.all().into_iter().max().unwrap_or(0) + 1;
    let mut fields: Vec<&str> = Vec::with_capacity(width);
    let mut keys = Vec::with_capacity(at.keys.len());
    let mut line = 0u64;
    let mut rest = text;
    while !rest.is_empty() {
        // `,`, `\r` and `\n` are ASCII: slicing at them keeps to char boundaries.
        let (record, next) = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        rest = next;
        line += 1;
        let record = record.strip_suffix('\r').unwrap_or(record);
        if record.is_empty() {
            continue;
        }
        fields.clear();
        let mut r = record;
        while fields.len() < width {
            match memchr::memchr(b',', r.as_bytes()) {
                Some(i) => {
                    fields.push(&r[..i]);
                    r = &r[i + 1..];
                }
                None => {
                    fields.push(r);
                    break;
                }
            }
        }
        csv_row(sink, line, at, |i| fields.get(i).copied(), &mut keys);
    }
    // A last line without a line feed ends the stream: no piece follows to number.
    line - u64::from(!text.ends_with('\n') && !text.is_empty())
}

/// The rows of a piece that may hold quoted fields, read with the `csv` crate and numbered
/// by the line their first field starts on (the `csv` crate's own line numbers leave out
/// blank lines and the line feeds of CRLF line ends); returns its lines.
fn quoted_rows(text: &[u8], at: &Indices, sink: &mut impl TransactionSink) -> u64 {
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text);
    let mut record = csv::ByteRecord::new();
    let mut lines = crate::pieces::LineCounter::default();
    // The piece is whole records of text in memory: reading it cannot fail.
    while rdr.read_byte_record(&mut record).unwrap_or(false) {
        let start = record.position().map_or(0, |p| p.byte() as usize);
        let row = lines.line_at(text, start);
        let mut keys = Vec::with_capacity(at.keys.len());
        csv_row(sink, row, at, |i| record.get(i).map(lossy), &mut keys);
    }
    crate::pieces::line_feeds(text)
}

/// Where the RFM columns are in a batch.
struct Indices {
    customer: usize,
    date: usize,
    amount: usize,
    invoice: Option<usize>,
    keys: Vec<usize>,
}

impl Indices {
    fn find(columns: &RfmColumns, index: impl Fn(&str) -> Result<usize>) -> Result<Indices> {
        Ok(Indices {
            customer: index(&columns.customer)?,
            date: index(&columns.date)?,
            amount: index(&columns.amount)?,
            invoice: columns.invoice.as_deref().map(&index).transpose()?,
            keys: columns.keys.iter().map(|c| index(c)).collect::<Result<_>>()?,
        })
    }

    fn all(&self) -> Vec<usize> {
        let mut all = vec![self.customer, self.date, self.amount];
        all.extend(self.invoice);
        all.extend(&self.keys);
        all
    }

    fn map(&self, f: impl Fn(usize) -> usize) -> Indices {
        Indices {
            customer: f(self.customer),
            date: f(self.date),
            amount: f(self.amount),
            invoice: self.invoice.map(&f),
            keys: self.keys.iter().map(|&i| f(i)).collect(),
        }
    }
}

/// Pushes the rows of one batch into `builder`; `row_of(i)` numbers row `i` of the batch.
fn push_batch(
    builder: &mut impl TransactionSink,
    batch: &RecordBatch,
    at: &Indices,
    file: &str,
    row_of: impl Fn(usize) -> u64,
) -> Result<()> {
    let schema = batch.schema();
    let name = |i: usize| schema.field(i).name().clone();
    // Columns that need a cast are converted once per batch and kept here.
    let customer_col = text_column(batch.column(at.customer), file, &name(at.customer))?;
    let date_col = date_column(batch.column(at.date), file, &name(at.date))?;
    let amount_col = amount_column(batch.column(at.amount), file, &name(at.amount))?;
    let invoice_col =
        at.invoice.map(|i| text_column(batch.column(i), file, &name(i))).transpose()?;
    let key_cols: Vec<ArrayRef> = at
        .keys
        .iter()
        .map(|&i| text_column(batch.column(i), file, &name(i)))
        .collect::<Result<_>>()?;

    let customers = TextRef::new(customer_col.as_ref()).expect("a text column");
    let dates = match date_col.data_type() {
        DataType::Date32 => Dates::Days(date_col.as_primitive::<Date32Type>()),
        _ => Dates::Text(TextRef::new(date_col.as_ref()).expect("a text column")),
    };
    let amounts = match amount_col.data_type() {
        DataType::Float64 => Amounts::Numbers(amount_col.as_primitive::<Float64Type>()),
        _ => Amounts::Text(TextRef::new(amount_col.as_ref()).expect("a text column")),
    };
    let invoices = invoice_col.as_ref().map(|c| TextRef::new(c.as_ref()).expect("a text column"));
    let key_refs: Vec<TextRef<'_>> =
        key_cols.iter().map(|c| TextRef::new(c.as_ref()).expect("a text column")).collect();
    let mut key_values: Vec<&str> = Vec::with_capacity(key_refs.len());

    for i in 0..batch.num_rows() {
        let row = row_of(i);
        let day = match &dates {
            Dates::Days(a) => match a.is_valid(i).then(|| date_from_days(a.value(i))) {
                Some(Some(d)) => d,
                Some(None) => {
                    builder.reject(row, "date", RejectReason::date(&a.value(i).to_string()));
                    continue;
                }
                None => {
                    builder.reject(row, "date", RejectReason::Empty);
                    continue;
                }
            },
            Dates::Text(t) => {
                let text = t.get(i).unwrap_or("");
                match crm_core::parse_date(text) {
                    Some(d) => d.into(),
                    None => {
                        builder.reject(row, "date", RejectReason::date(text));
                        continue;
                    }
                }
            }
        };
        let value = match &amounts {
            Amounts::Numbers(a) if a.is_valid(i) => a.value(i),
            Amounts::Numbers(_) => {
                builder.reject(row, "amount", RejectReason::Empty);
                continue;
            }
            Amounts::Text(t) => {
                let text = t.get(i).unwrap_or("");
                match crm_core::parse_amount(text) {
                    Ok(v) => v,
                    Err(_) => {
                        builder.reject(row, "amount", RejectReason::amount(text));
                        continue;
                    }
                }
            }
        };
        key_values.clear();
        key_values.extend(key_refs.iter().map(|k| k.get(i).unwrap_or("")));
        let mut tx =
            Transaction::new(customers.get(i).unwrap_or(""), day, value).row(row).keys(&key_values);
        if let Some(inv) = &invoices {
            tx = tx.invoice(inv.get(i).unwrap_or(""));
        }
        builder.push(tx);
    }
    Ok(())
}

/// The column as text: as it is when it is text, else cast to Utf8.
fn text_column(col: &ArrayRef, file: &str, name: &str) -> Result<ArrayRef> {
    if TextRef::new(col.as_ref()).is_some() {
        return Ok(col.clone());
    }
    cast(col, &DataType::Utf8, file, name, "text (or a type with a text form)")
}

fn date_column(col: &ArrayRef, file: &str, name: &str) -> Result<ArrayRef> {
    match col.data_type() {
        DataType::Date32 => Ok(col.clone()),
        DataType::Date64 | DataType::Timestamp(..) => {
            cast(col, &DataType::Date32, file, name, "dates, date-times or text")
        }
        t if t.is_integer()
            || TextRef::new(col.as_ref()).is_some()
            || matches!(t, DataType::Dictionary(..)) =>
        {
            text_column(col, file, name)
        }
        _ => Err(column_type(col, file, name, "dates, date-times or text")),
    }
}

fn amount_column(col: &ArrayRef, file: &str, name: &str) -> Result<ArrayRef> {
    match col.data_type() {
        DataType::Float64 => Ok(col.clone()),
        t if t.is_numeric() => cast(col, &DataType::Float64, file, name, "numbers or text"),
        t if TextRef::new(col.as_ref()).is_some() || matches!(t, DataType::Dictionary(..)) => {
            text_column(col, file, name)
        }
        _ => Err(column_type(col, file, name, "numbers or text")),
    }
}

fn cast(
    col: &ArrayRef,
    to: &DataType,
    file: &str,
    name: &str,
    expected: &'static str,
) -> Result<ArrayRef> {
    arrow_cast::cast(col, to).map_err(|_| column_type(col, file, name, expected))
}

fn column_type(col: &ArrayRef, file: &str, name: &str, expected: &'static str) -> Error {
    Error::ColumnType {
        file: file.to_owned(),
        column: name.to_owned(),
        data_type: col.data_type().clone(),
        expected,
    }
}

/// The schema of [`rfm_batch`]: the columns `crm rfm` writes, in its order, with `keys`
/// (the `--by` columns) after the customer id. See the [crate docs](crate#the-rfm-schema).
pub fn rfm_schema(keys: &[String]) -> Schema {
    let mut fields = vec![Field::new("customer_id", DataType::Utf8, false)];
    fields.extend(keys.iter().map(|k| Field::new(k, DataType::Utf8, false)));
    fields.extend([
        Field::new("recency_days", DataType::UInt32, false),
        Field::new("frequency", DataType::UInt32, false),
        Field::new("monetary", DataType::Float64, false),
        Field::new("r_score", DataType::UInt8, false),
        Field::new("f_score", DataType::UInt8, false),
        Field::new("m_score", DataType::UInt8, false),
        Field::new("rfm_score", DataType::UInt32, false),
        Field::new("segment", DataType::Utf8, false),
        Field::new("first_purchase", DataType::Date32, false),
        Field::new("last_purchase", DataType::Date32, false),
    ]);
    Schema::new(fields)
}

/// One row per customer (and key values): features, scores and segment, in the order of
/// `features`, with [`rfm_schema`]`(keys)`.
///
/// # Panics
/// If `scores` and `segments` were not computed from `features` (their lengths differ), or
/// `keys` does not name as many keys as the features have.
pub fn rfm_batch(
    features: &Features,
    scores: &Scores,
    segments: &Segments<'_>,
    keys: &[String],
) -> RecordBatch {
    let n = features.len();
    assert!(scores.len() == n && segments.len() == n, "scores and segments of these features");
    let mut ids = StringBuilder::with_capacity(n, n * 8);
    let mut key_cols: Vec<StringBuilder> =
        keys.iter().map(|_| StringBuilder::with_capacity(n, n * 6)).collect();
    let mut recency = UInt32Builder::with_capacity(n);
    let mut frequency = UInt32Builder::with_capacity(n);
    let mut monetary = Float64Builder::with_capacity(n);
    let (mut r, mut f, mut m) = (
        UInt8Builder::with_capacity(n),
        UInt8Builder::with_capacity(n),
        UInt8Builder::with_capacity(n),
    );
    let mut rfm = UInt32Builder::with_capacity(n);
    let mut segment = StringBuilder::with_capacity(n, n * 12);
    let (mut first, mut last) = (Date32Builder::with_capacity(n), Date32Builder::with_capacity(n));
    for (i, c) in features.iter().enumerate() {
        ids.append_value(c.id);
        let mut values = features.keys(i);
        for col in &mut key_cols {
            col.append_value(values.next().expect("as many keys as the features have"));
        }
        recency.append_value(c.recency_days);
        frequency.append_value(c.frequency);
        monetary.append_value(c.monetary);
        let s = scores.get(i);
        r.append_value(s.r);
        f.append_value(s.f);
        m.append_value(s.m);
        rfm.append_value(s.value());
        segment.append_value(segments.name(i));
        first.append_value(days_since_epoch(c.first_purchase));
        last.append_value(days_since_epoch(c.last_purchase));
    }
    let mut columns: Vec<ArrayRef> = vec![Arc::new(ids.finish())];
    columns.extend(key_cols.iter_mut().map(|b| Arc::new(b.finish()) as ArrayRef));
    columns.extend([
        Arc::new(recency.finish()) as ArrayRef,
        Arc::new(frequency.finish()),
        Arc::new(monetary.finish()),
        Arc::new(r.finish()),
        Arc::new(f.finish()),
        Arc::new(m.finish()),
        Arc::new(rfm.finish()),
        Arc::new(segment.finish()),
        Arc::new(first.finish()),
        Arc::new(last.finish()),
    ]);
    RecordBatch::try_new(Arc::new(rfm_schema(keys)), columns).expect("the columns of rfm_schema")
}

/// The schema of [`rejects_batch`]: `row` (UInt64, the row number in the source), `field`
/// (Utf8: `customer`, `date`, `amount`, `invoice`) and `reason` (Utf8, values masked), the
/// columns of the `.rejects.csv` file `crm rfm` writes.
pub fn rejects_schema() -> Schema {
    Schema::new(vec![
        Field::new("row", DataType::UInt64, false),
        Field::new("field", DataType::Utf8, false),
        Field::new("reason", DataType::Utf8, false),
    ])
}

/// The rejected rows of `features` as a batch with [`rejects_schema`].
pub fn rejects_batch(features: &Features) -> RecordBatch {
    let rejects = features.rejects();
    let mut row = UInt64Builder::with_capacity(rejects.len());
    let mut field = StringBuilder::new();
    let mut reason = StringBuilder::new();
    for r in rejects {
        row.append_value(r.row);
        field.append_value(r.field);
        reason.append_value(r.reason.to_string());
    }
    let columns: Vec<ArrayRef> =
        vec![Arc::new(row.finish()), Arc::new(field.finish()), Arc::new(reason.finish())];
    RecordBatch::try_new(Arc::new(rejects_schema()), columns)
        .expect("the columns of rejects_schema")
}

#[cfg(test)]
mod tests {
    use super::*;

    use crm_rfm::{FeatureBuilder, FrequencyBasis};

    #[test]
    fn date32_day_zero_is_the_unix_epoch() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        assert_eq!(days_since_epoch(epoch), 0);
        assert_eq!(date_from_days(0), Some(epoch));
        let d = NaiveDate::from_ymd_opt(2025, 3, 14).unwrap();
        assert_eq!(date_from_days(days_since_epoch(d)), Some(d));
        assert_eq!(date_from_days(i32::MAX), None);
    }

    /// CSV text with every irregularity: quoted fields (some with line breaks and commas),
    /// CRLF and lone CR line ends, blank lines, short lines, bad dates and amounts, invalid
    /// UTF-8, extra columns, and a last line without a line feed.
    fn messy(n: usize, seed: u64) -> Vec<u8> {
        let mut s = seed;
        let mut next = move |m: u64| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (s >> 33) % m
        };
        let mut out = b"Tanggal,\"Customer\nID\",nilai,faktur,toko,x\n".to_vec();
        for k in 0..n {
            let quoted = k > n / 2 && k < n * 3 / 4;
            let end: &[u8] = match next(40) {
                0 => b"\r\n",
                1 if quoted => b"\r",
                _ => b"\n",
            };
            let c = next(500);
            let date = match next(50) {
                0 => "31/02/2025".to_owned(),
                1 => String::new(),
                _ => format!("2025-{:02}-{:02}", 1 + next(12), 1 + next(28)),
            };
            let amount = match next(40) {
                0 => "abc".to_owned(),
                1 => "-1500".to_owned(),
                _ => format!("{}.{:02}", next(100_000), next(100)),
            };
            match next(60) {
                0 => out.extend_from_slice(b"\n"),
                1 => out.extend_from_slice(format!("{date},C{c}").as_bytes()),
                2 => {
                    out.extend_from_slice(format!("{date},C{c}").as_bytes());
                    out.push(0xff);
                    out.extend_from_slice(format!(",{amount},I{},S1,y", next(99)).as_bytes());
                }
                _ if quoted && next(3) == 0 => out.extend_from_slice(
                    format!(
                        "{date},\"C{c}\",\"{amount}\",\"I{},\nx\",\"S{}\",\"q\"\"\"",
                        next(999),
                        next(3)
                    )
                    .as_bytes(),
                ),
                _ => out.extend_from_slice(
                    format!("{date},C{c},{amount},I{},S{},z", next(999), next(3)).as_bytes(),
                ),
            }
            if k + 1 < n {
                out.extend_from_slice(end);
            }
        }
        out
    }

    /// What the one-thread reader gave: the `csv` crate's records into a `FeatureBuilder`.
    fn one_thread(
        text: &[u8],
        columns: &RfmColumns,
        as_of: NaiveDate,
        options: FeatureOptions,
    ) -> Features {
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(text);
        let header: Vec<String> = rdr
            .byte_headers()
            .unwrap()
            .iter()
            .map(|h| String::from_utf8_lossy(h).into_owned())
            .collect();
        let at =
            Indices::find(columns, |name| crate::column_index(&header, name, "t.csv")).unwrap();
        let mut builder = FeatureBuilder::new(as_of, options);
        let mut record = csv::ByteRecord::new();
        let mut lines = crate::pieces::LineCounter::default();
        while rdr.read_byte_record(&mut record).unwrap() {
            let row = lines.line_at(text, record.position().unwrap().byte() as usize);
            let mut keys = Vec::new();
            csv_row(&mut builder, row, &at, |i| record.get(i).map(lossy), &mut keys);
        }
        builder.finish().unwrap()
    }

    #[test]
    fn any_cut_into_blocks_and_pieces_reads_as_one_thread_does() {
        let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        for seed in [1, 2] {
            let text = messy(6_000, seed);
            for (keys, frequency) in
                [(false, FrequencyBasis::Rows), (true, FrequencyBasis::Invoices)]
            {
                let mut columns =
                    RfmColumns::new("customer id", "tanggal", "nilai").invoice("faktur");
                if keys {
                    columns = columns.keys(["toko"]);
                }
                let options = FeatureOptions::default().frequency(frequency);
                let want = one_thread(&text, &columns, as_of, options);
                assert!(want.rejects().len() > 100, "{}", want.rejects().len());
                for (block, piece) in [(64 << 20, 4 << 20), (4_096, 1_000), (700, 1)] {
                    let blocks =
                        crate::pieces::Blocks::with_sizes(&text[..], "t.csv", block, piece);
                    let got = csv_features(blocks, "t.csv", &columns, as_of, options).unwrap();
                    let what = format!("seed {seed} keys {keys} block {block} piece {piece}");
                    assert_eq!(
                        got.ids().collect::<Vec<_>>(),
                        want.ids().collect::<Vec<_>>(),
                        "{what}"
                    );
                    assert_eq!(got.frequency(), want.frequency(), "{what}");
                    assert_eq!(got.recency_days(), want.recency_days(), "{what}");
                    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(got.monetary()), bits(want.monetary()), "{what}");
                    assert_eq!(got.usage(), want.usage(), "{what}");
                    let differ = got.rejects().iter().zip(want.rejects()).find(|(a, b)| a != b);
                    assert_eq!(differ, None, "{what}");
                    assert_eq!(got.rejects().len(), want.rejects().len(), "{what}");
                }
            }
        }
    }

    #[test]
    fn a_missing_column_names_the_file_and_the_columns() {
        let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let columns = RfmColumns::new("customer", "date", "amount");
        let err = rfm_features_of_csv(
            &b"customer,tanggal,amount\n"[..],
            "tx.csv",
            &columns,
            as_of,
            Default::default(),
        )
        .unwrap_err();
        assert!(matches!(err, Error::MissingColumn { .. }), "{err:?}");
        assert!(err.to_string().contains("tx.csv"), "{err}");
        let err = rfm_features_of_csv(&b""[..], "empty.csv", &columns, as_of, Default::default())
            .unwrap_err();
        assert!(matches!(err, Error::MissingColumn { .. }), "{err:?}");
    }
}
