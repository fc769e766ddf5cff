//! Read, merge, de-duplicate, filter and write the Excel and CSV files of CRM work, and
//! repair broken delimited text exports.
//!
//! # Overview
//! * [`ReaderBuilder`] opens a workbook (xlsx, xlsm, xlsb, xls, ods; encrypted xlsx with a
//!   password from [`Passwords`]) or a CSV file as a [`Reader`] of typed [`Cell`]s, with the
//!   header row found automatically ([`HeaderRow`]), and deserialises rows into your structs.
//!   [`Workbook`] lists and reads sheets; [`decrypt`] and [`encryption`] work on bytes.
//! * [`Merger`] merges many branch files ([`Input`]s named by [`collect_inputs`], such as
//!   `jakarta/leads.xlsx`) into one [`Table`], aligning headers through [`Aliases`]
//!   (`No HP`, `Handphone` → `phone`) and recording where each row came from; it can filter
//!   and de-duplicate the result, and its [`MergeReport`] accounts for every row source by
//!   source ([`SourceReport`]): above the header, blank, rejected, filtered out, dropped as
//!   a duplicate, or kept.
//! * [`Dedup`] drops duplicates by normalised keys ([`KeyNorm`]; phone numbers by [`crm_core::normalize_phone`]) keeping
//!   the first, last or most complete row ([`Keep`]), and reports each with the [`Origin`]
//!   of both rows; [`Filter`] selects rows by simple predicates such as
//!   `plafon >= 10000000`.
//! * [`XlsxWriter`] writes formatted, constant-memory workbooks; [`split_by`] cuts a table into
//!   one group per branch with [`safe_file_stem`] names; [`write_csv`] writes CSV.
//! * [`Repairer`] re-joins records of delimited text exports broken across lines and reports
//!   what it cannot recover ([`repair_to_csv`] does it file to file).
//!
//! Errors are one [`Error`] type whose [`ErrorKind`] says what and whose [`Position`] says
//! where (file, sheet, row, column). Passwords and cell values never appear in messages.
//!
//! # Example
//! ```
//! use crm_excel::{Dedup, Keep, Merger, XlsxWriter};
//! # let dir = tempfile::tempdir()?;
//! # std::fs::write(dir.path().join("bekasi.csv"), "Nama,No HP,Plafon\nBudi,0812-3456-7890,15000000\n")?;
//! # std::fs::write(dir.path().join("bogor.csv"), "NAMA;Handphone\nBUDI;+6281234567890\nSiti;0813 1111 2222\n")?;
//! # let files = [dir.path().join("bekasi.csv"), dir.path().join("bogor.csv")];
//! // Merge two branch files whose headers differ ...
//! let merged = Merger::new().merge(&files)?;
//! assert_eq!(&merged.table.columns()[..3], ["name", "phone", "plafon"]);
//! assert_eq!(merged.report.sources[1].missing_columns, ["plafon"]);
//!
//! // ... drop the lead both branches sent (same phone, written differently) ...
//! let (leads, dups) = Dedup::new(Keep::MostComplete).key_auto("phone").apply(merged.table)?;
//! assert_eq!((leads.len(), dups.duplicates.len()), (2, 1));
//!
//! // ... and write a formatted workbook.
//! let mut xlsx = XlsxWriter::new();
//! xlsx.write_table("Leads", &leads)?;
//! xlsx.save(dir.path().join("leads.xlsx"))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Damaged files
//! A damaged file gives an error, never a crash (a property test feeds damaged fixtures and
//! random bytes to every reader). calamine's panics on damaged files become
//! [`ErrorKind::Corrupt`]. Sizes a file declares that calamine would allocate up front (an
//! `.xls` sheet of billions of cells, an `.xlsx` table of billions of shared strings, `.ods`
//! repeat counts that make a few bytes stand for billions of cells or spaces) are
//! checked first against [`ReaderBuilder::max_unzipped_bytes`] and refused with
//! [`ErrorKind::OverLimit`], because a failed allocation aborts the process.
//!
//! # Crate features
//! * **serde** - `Reader::deserialize` into your own structs, and `Serialize` for
//!   [`Cell`] and the reports ([`MergeReport`], [`SourceReport`], [`DedupReport`],
//!   [`Duplicate`], [`Origin`], [`RepairStats`], [`WriteStats`], [`FilterReport`]). Off by
//!   default.
//!
//! # Dependencies
//! calamine reads workbooks and rust_xlsxwriter writes them; csv handles delimited text.
//! Decryption is implemented here on the RustCrypto primitives (`aes`, `cbc`, `sha1`, `sha2`,
//! `hmac`) and `cfb`, because the existing crates either accept wrong passwords silently or
//! are pre-releases (see [`decrypt`]); `zip` (already used by calamine) bounds decompressed
//! sizes.

mod cell;
mod crypto;
mod dedup;
mod error;
mod guard;
mod header;
mod limit;
mod merge;
mod reader;
mod repair;
mod sheet;
mod split;
mod table;
mod writer;

pub use crate::cell::Cell;
pub use crate::crypto::{
    DecryptOptions, EncryptOptions, Encryption, decrypt, decrypt_with, encrypt, encryption,
};
pub use crate::dedup::{Dedup, DedupReport, Duplicate, Keep, KeyNorm, Origin};
pub use crate::error::{Error, ErrorKind, Position, Result};
pub use crate::header::{Aliases, column_list, normalize_header};
pub use crate::merge::{
    Input, MergeReport, Merged, Merger, Reject as MergeReject, RejectReason as MergeRejectReason,
    SOURCE_COLUMNS, Sheets, SourceReport, collect_inputs,
};
#[cfg(feature = "serde")]
pub use crate::reader::Deserialize;
pub use crate::reader::{
    Format, HeaderRow, Passwords, Reader, ReaderBuilder, Row, Rows, SheetSelector, Workbook,
    column_index, column_letter,
};
pub use crate::repair::{
    Event as RepairEvent, LineJoin, Record as RepairRecord, Reject as RepairReject,
    RejectReason as RepairRejectReason, RepairOptions, RepairStats, Repairer, TextEncoding,
    repair_to_csv,
};
pub use crate::split::{BLANK_GROUP, Group, safe_file_stem, split_by};
pub use crate::table::{Filter, FilterReport, Op, Table};
pub use crate::writer::{
    ColumnFormat, CsvFormulas, WriteStats, XlsxWriter, write_csv, write_csv_with,
};
pub use rust_xlsxwriter::TableStyle;
