//! The crate's one error type. Messages name the file, the row and the column; a value
//! from the data (which may be a phone number or a NIK) appears only masked.

use arrow_schema::{ArrowError, DataType};
use parquet::errors::ParquetError;

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, and in which file.
///
/// Row-level problems of an RFM conversion are not errors: they become
/// [`crm_rfm::Reject`]s and the conversion carries on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be opened, read or written.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The extension is not one this crate reads or writes.
    #[error("{file}: unsupported file type (expected {expected})")]
    UnsupportedFormat {
        /// The file.
        file: String,
        /// The extensions that would do.
        expected: &'static str,
    },
    /// A column asked for is not in the file.
    #[error("{file}: no column {column:?} (columns: {available})")]
    MissingColumn {
        /// The file.
        file: String,
        /// The column asked for.
        column: String,
        /// The file's columns, comma-separated, masked where they look like personal data
        /// ([`crm_excel::column_list`]).
        available: String,
    },
    /// A column's Arrow type cannot hold what it is used for (a boolean column as amounts).
    #[error("{file}: column {column:?} is {data_type}, not {expected}")]
    ColumnType {
        /// The file.
        file: String,
        /// The column.
        column: String,
        /// Its type.
        data_type: DataType,
        /// What was needed.
        expected: &'static str,
    },
    /// A workbook cell does not fit the type declared for its column.
    #[error("{file}: row {row}, column {column:?}: not a {expected}")]
    Value {
        /// The file.
        file: String,
        /// The 1-based row in the sheet.
        row: u64,
        /// The column.
        column: String,
        /// The declared type.
        expected: DataType,
    },
    /// arrow-rs refused the data (a CSV value that does not parse as its declared type, a
    /// malformed line). The message is arrow-rs's, with every quoted value masked.
    #[error("{file}: {message}")]
    Arrow {
        /// The file.
        file: String,
        /// arrow-rs's message, values masked.
        message: String,
    },
    /// The Parquet reader or writer failed (a damaged file, an unsupported codec).
    #[error("{file}: {message}")]
    Parquet {
        /// The file.
        file: String,
        /// The Parquet library's message, values masked.
        message: String,
    },
    /// Rows were rejected and the output is standard output (`-`), which holds one table:
    /// the rejects need a file of their own ([`write_sheets`](crate::write_sheets)).
    #[error(
        "{rows} rows were rejected, and standard output holds only the result: write to a \
         file (.csv, .parquet, .xlsx) to have the rejects written beside it"
    )]
    RejectsNeedAFile {
        /// How many rows were rejected.
        rows: usize,
    },
    /// A workbook could not be read or written.
    #[error(transparent)]
    Excel(#[from] crm_excel::Error),
    /// The RFM features could not be computed (no usable row, an as-of date before the
    /// data).
    #[error("{file}: {source}")]
    Rfm {
        /// The file the transactions came from.
        file: String,
        /// crm-rfm's error.
        #[source]
        source: crm_rfm::Error,
    },
}

impl Error {
    pub(crate) fn io(file: &str, source: std::io::Error) -> Error {
        Error::Io { file: file.to_owned(), source }
    }

    pub(crate) fn arrow(file: &str, e: &ArrowError) -> Error {
        match e {
            ArrowError::IoError(_, io) => Error::Io {
                file: file.to_owned(),
                source: std::io::Error::new(io.kind(), mask_quoted(&io.to_string())),
            },
            _ => Error::Arrow { file: file.to_owned(), message: mask_quoted(&e.to_string()) },
        }
    }

    pub(crate) fn parquet(file: &str, e: &ParquetError) -> Error {
        Error::Parquet { file: file.to_owned(), message: mask_quoted(&e.to_string()) }
    }
}

/// arrow-rs quotes the values it could not parse (and whole rows) in single quotes:
/// `Error while parsing value 'Budi' as type Float64 ... Row data: '[...]'`. Each quoted
/// span is masked with [`crm_core::mask`], so no cell value reaches a message in clear.
pub(crate) fn mask_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find('\'') {
        out.push_str(&rest[..=start]);
        let after = &rest[start + 1..];
        match after.find('\'') {
            Some(end) => {
                out.push_str(&crm_core::mask(&after[..end]));
                out.push('\'');
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&crm_core::mask(after));
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::mask_quoted;

    #[test]
    fn quoted_values_are_masked() {
        for (message, want) in [
            ("no quotes", "no quotes"),
            ("value 'Budi' as Float64", "value '****' as Float64"),
            ("value '081234567890' at line 3", "value '08********90' at line 3"),
            ("row '3201014101900001", "row '3201********0001"),
            ("'' empty", "'' empty"),
        ] {
            assert_eq!(mask_quoted(message), want, "{message}");
        }
    }
}
