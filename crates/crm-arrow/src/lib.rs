//! The Arrow layer of crm-rs: CSV, Parquet and workbooks read into Apache Arrow record
//! batches and written back, and adapters between record batches and the crm-* libraries.
//!
//! # Overview
//! * [`read`] reads a table by extension ([`Format`]) into [`Batches`]: CSV with arrow-csv
//!   (`-` for standard input), Parquet with parquet's Arrow reader, workbooks (`.xlsx`,
//!   `.xls`, `.xlsb`, `.ods`) through crm-excel. [`ReadOptions`] picks the columns (a
//!   projection: other columns are not decoded), types them by a declared schema or leaves
//!   them Utf8, and picks a sheet. [`read_csv`] reads CSV from memory.
//! * [`write()`] writes record batches by extension: CSV ([`write_csv`], with crm-excel's
//!   formula neutralisation unless [`WriteOptions::csv_formulas`] asks for raw text),
//!   Parquet ([`write_parquet`], Snappy, real types) and xlsx (through crm-excel's
//!   `XlsxWriter`, after [`to_table`]).
//! * [`column_index`] finds a column by name with crm-excel's rule (exact, then normalised:
//!   `customer_id` finds `Customer ID`); a missing column is an [`Error::MissingColumn`]
//!   naming the file and listing its columns.
//! * The RFM adapter: [`rfm_features`] turns the customer, date, amount (and invoice, and
//!   key) columns named by [`RfmColumns`] into crm-rfm's [`Features`](crm_rfm::Features),
//!   every row accounted for; [`rfm_batch`] turns features, scores and segments into one
//!   record batch with [`rfm_schema`], and [`rejects_batch`] the rejected rows with
//!   [`rejects_schema`].
//!
//! Errors are one [`Error`] (with a [`Result`] alias) naming the file, row and column;
//! values from the data appear only masked ([`crm_core::mask`]).
//!
//! The crm-* libraries keep Arrow out of their APIs (its major version changes often):
//! this crate is where their plain types meet Arrow's, and the only one besides the `crm`
//! binary that depends on arrow-rs and parquet.
//!
//! # Example
//! Transactions as CSV text in, RFM scores as Parquet out, read back:
//! ```
//! use chrono::NaiveDate;
//! use crm_arrow::{RfmColumns, ReadOptions, WriteOptions, read, read_csv, rfm_batch, rfm_features, write};
//! use crm_rfm::{FeatureOptions, ScoreOptions, Scores, SegmentRules};
//!
//! let csv = "Customer ID,Tanggal,Nilai,Toko\n\
//!            C1,2025-12-30,\"Rp 250.000\",Bekasi\n\
//!            C1,02/11/2025,120000,Bekasi\n\
//!            C2,2024-06-15,75000,Depok\n\
//!            C3,31/02/2025,10000,Depok\n";
//! let columns = RfmColumns::new("customer_id", "tanggal", "nilai");
//! let options = ReadOptions::new().columns(columns.names());
//! let tx = read_csv(std::io::Cursor::new(csv), "tx.csv", &options)?;
//!
//! let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
//! let features = rfm_features(&tx, &columns, as_of, FeatureOptions::default())?;
//! assert_eq!(features.usage().used, 3);
//! assert_eq!(features.rejects()[0].to_string(), r#"row 5: date: not a date: "31/02/2025""#);
//!
//! let scores = Scores::compute(&features, &ScoreOptions::new(2, Default::default()))?;
//! let rules = SegmentRules::rf_map();
//! let batch = rfm_batch(&features, &scores, &rules.assign(&scores), &[]);
//! assert_eq!(batch.num_rows(), 2);
//!
//! let dir = tempfile::tempdir()?;
//! let out = dir.path().join("rfm.parquet");
//! write(&out, &batch.schema(), std::slice::from_ref(&batch), &WriteOptions::new())?;
//! let back = read(&out, &ReadOptions::new())?;
//! assert_eq!(back.batches(), [batch]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The RFM schema
//! [`rfm_batch`] writes the columns `crm rfm` writes to CSV, in the same order, with the
//! types below; none is nullable. The names and types are stable: a column may be added
//! at the end, none removed, renamed or retyped without a breaking-change entry.
//!
//! | column | Arrow type | meaning |
//! |---|---|---|
//! | `customer_id` | Utf8 | the customer id, as read |
//! | *each key* | Utf8 | the extra grouping keys ([`RfmColumns::keys`], `crm rfm --by`), named as given |
//! | `recency_days` | UInt32 | days from the last purchase to the as-of date |
//! | `frequency` | UInt32 | purchases (rows, invoices or days: [`crm_rfm::FrequencyBasis`]) |
//! | `monetary` | Float64 | total (or mean) spend |
//! | `r_score` | UInt8 | recency score, 1 (oldest) to the number of bins |
//! | `f_score` | UInt8 | frequency score |
//! | `m_score` | UInt8 | monetary score |
//! | `rfm_score` | UInt32 | the three scores as digits (`r * 100 + f * 10 + m` for under ten bins) |
//! | `segment` | Utf8 | the segment name ([`crm_rfm::SegmentRules`]) |
//! | `first_purchase` | Date32 | date of the first purchase |
//! | `last_purchase` | Date32 | date of the last purchase |
//!
//! Written as CSV by [`write_csv`], a batch gives the bytes `crm rfm --out rfm.csv` writes.
//!
//! # Crate features
//! None. parquet is built with its `arrow` and `snap` features only: Snappy is pyarrow's
//! default codec and pure Rust; files compressed with zstd, gzip, LZ4 or Brotli are refused
//! with an [`Error::Parquet`] naming the codec.

mod column;
mod error;
mod pieces;
mod read;
mod rfm;
mod table;
mod write;

pub use crate::column::column_index;
pub use crate::error::{Error, Result};
pub use crate::read::{Batches, DEFAULT_BATCH_SIZE, Format, ReadOptions, read, read_csv};
pub use crate::rfm::{
    RfmColumns, rejects_batch, rejects_schema, rfm_batch, rfm_features, rfm_features_of_csv,
    rfm_features_of_file, rfm_schema,
};
pub use crate::table::{from_table, open, parquet_opener, write_sheets, write_table};
pub use crate::write::{WriteOptions, to_table, write, write_csv, write_parquet};
