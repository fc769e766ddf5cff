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
    FeatureBuilder, FeatureOptions, Features, RejectReason, Scores, Segments, Transaction,
};

use crate::error::{Error, Result};
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
/// Rows go to a [`FeatureBuilder`] in file order, numbered by [`Batches::row_number`]: a null
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
    let mut builder = FeatureBuilder::new(as_of, options);
    let mut first = 0;
    for batch in table.batches() {
        push_batch(&mut builder, batch, &at, file, |i| table.row_number(first + i))?;
        first += batch.num_rows();
    }
    builder.finish().map_err(|source| Error::Rfm { file: file.to_owned(), source })
}

/// [`rfm_features`] of a Parquet file, streamed: a second thread decodes the columns
/// `columns` names (only those) batch by batch while this one aggregates them, so the file
/// is never in memory whole and decoding overlaps aggregation. Rows are numbered from 1.
/// Other formats are read with [`read`](crate::read) and given to [`rfm_features`].
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
    let path = path.as_ref();
    let file = path.display().to_string();
    if crate::read::Format::from_path(path) != Some(crate::read::Format::Parquet) {
        let table = crate::read(path, &crate::ReadOptions::new().columns(columns.names()))?;
        return rfm_features(&table, columns, as_of, options);
    }
    let f = std::fs::File::open(path).map_err(|e| Error::io(&file, e))?;
    let builder = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f)
        .map_err(|e| Error::parquet(&file, &e))?;
    let names: Vec<String> = builder.schema().fields().iter().map(|f| f.name().clone()).collect();
    let index = |name: &str| crate::column_index(&names, name, &file);
    let wanted = Indices::find(columns, index)?;
    // Decode only the columns used; in the decoded batches they keep the file's order.
    let mut roots = wanted.all();
    roots.sort_unstable();
    roots.dedup();
    let mask = parquet::arrow::ProjectionMask::roots(builder.parquet_schema(), roots.clone());
    let reader = builder
        .with_projection(mask)
        .with_batch_size(crate::DEFAULT_BATCH_SIZE)
        .build()
        .map_err(|e| Error::parquet(&file, &e))?;
    let at = wanted.map(|i| roots.binary_search(&i).expect("a decoded column"));
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<RecordBatch>>(2);
    let decode_file = file.clone();
    let decoder = std::thread::spawn(move || {
        for batch in reader {
            let batch = batch.map_err(|e| Error::arrow(&decode_file, &e));
            let failed = batch.is_err();
            if tx.send(batch).is_err() || failed {
                return;
            }
        }
    });
    let mut rfm = FeatureBuilder::new(as_of, options);
    let mut first = 1u64;
    for batch in rx {
        let batch = batch?;
        push_batch(&mut rfm, &batch, &at, &file, |i| first + i as u64)?;
        first += batch.num_rows() as u64;
    }
    decoder.join().map_err(|_| Error::Arrow {
        file: file.clone(),
        message: "the Parquet decoding thread panicked".into(),
    })?;
    rfm.finish().map_err(|source| Error::Rfm { file, source })
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
    builder: &mut FeatureBuilder,
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

    #[test]
    fn date32_day_zero_is_the_unix_epoch() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        assert_eq!(days_since_epoch(epoch), 0);
        assert_eq!(date_from_days(0), Some(epoch));
        let d = NaiveDate::from_ymd_opt(2025, 3, 14).unwrap();
        assert_eq!(date_from_days(days_since_epoch(d)), Some(d));
        assert_eq!(date_from_days(i32::MAX), None);
    }
}
