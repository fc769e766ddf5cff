//! The error type of this crate and the position it carries.

use std::fmt;
use std::path::{Path, PathBuf};

/// A type alias for `Result<T, crm_excel::Error>`.
pub type Result<T> = std::result::Result<T, Error>;

/// Where in the input an error happened.
///
/// Every field is optional: an error while opening a file has only a file, an error in a
/// cell has all four.
/// Rows are 1-based, as Excel and text editors show them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Position {
    /// The file being read or written.
    pub file: Option<PathBuf>,
    /// The worksheet, for workbooks.
    pub sheet: Option<String>,
    /// The 1-based row (for workbooks) or line (for text files).
    pub row: Option<u64>,
    /// The column, by header name or letter.
    pub column: Option<String>,
}

impl Position {
    /// A position that names only a file.
    pub fn file(path: impl AsRef<Path>) -> Position {
        Position { file: Some(path.as_ref().to_path_buf()), ..Position::default() }
    }

    fn is_empty(&self) -> bool {
        self.file.is_none() && self.sheet.is_none() && self.row.is_none() && self.column.is_none()
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::with_capacity(4);
        if let Some(file) = &self.file {
            parts.push(file.display().to_string());
        }
        if let Some(sheet) = &self.sheet {
            parts.push(format!("sheet {sheet:?}"));
        }
        if let Some(row) = self.row {
            parts.push(format!("row {row}"));
        }
        if let Some(column) = &self.column {
            parts.push(format!("column {column:?}"));
        }
        f.write_str(&parts.join(", "))
    }
}

/// An error from reading, decrypting, merging or writing a file.
///
/// The [`kind`](Error::kind) says what went wrong and the [`position`](Error::position) says
/// where.
/// The `Display` form is one line that starts with the position, for example
/// `leads.xlsx, sheet "Data": workbook is password protected and no password was given`.
/// Messages never contain passwords or cell values that could be personal data.
#[derive(Debug)]
pub struct Error(Box<Inner>);

/// Boxed so `Result<T, Error>` stays one pointer wide on the happy path.
#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    position: Position,
}

impl Error {
    /// Creates an error of the given kind with no position.
    pub fn new(kind: ErrorKind) -> Error {
        Error(Box::new(Inner { kind, position: Position::default() }))
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// Consumes the error and returns its kind.
    pub fn into_kind(self) -> ErrorKind {
        self.0.kind
    }

    /// Where it went wrong, if known.
    pub fn position(&self) -> Option<&Position> {
        if self.0.position.is_empty() { None } else { Some(&self.0.position) }
    }

    /// Sets the file unless one is already set.
    pub(crate) fn in_file(mut self, path: &Path) -> Error {
        if self.0.position.file.is_none() {
            self.0.position.file = Some(path.to_path_buf());
        }
        self
    }

    /// Sets the sheet unless one is already set.
    pub(crate) fn in_sheet(mut self, sheet: &str) -> Error {
        if self.0.position.sheet.is_none() {
            self.0.position.sheet = Some(sheet.to_owned());
        }
        self
    }

    /// Sets the row unless one is already set.
    pub(crate) fn at_row(mut self, row: u64) -> Error {
        if self.0.position.row.is_none() {
            self.0.position.row = Some(row);
        }
        self
    }

    /// Sets the column unless one is already set.
    pub(crate) fn at_column(mut self, column: &str) -> Error {
        if self.0.position.column.is_none() {
            self.0.position.column = Some(column.to_owned());
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.position.is_empty() {
            write!(f, "{}", self.0.kind)
        } else {
            write!(f, "{}: {}", self.0.position, self.0.kind)
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.kind {
            ErrorKind::Io(e) => Some(e),
            ErrorKind::Csv(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error::new(kind)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::new(ErrorKind::Io(e))
    }
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Error {
        let row = e.position().map(|p| p.line());
        let mut err = if e.is_io_error() {
            match e.into_kind() {
                csv::ErrorKind::Io(io) => Error::new(ErrorKind::Io(io)),
                kind => Error::new(ErrorKind::Io(std::io::Error::other(format!("{kind:?}")))),
            }
        } else {
            Error::new(ErrorKind::Csv(e))
        };
        if let Some(row) = row {
            err = err.at_row(row);
        }
        err
    }
}

/// The kinds of [`Error`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing the underlying file failed.
    #[error("{0}")]
    Io(#[source] std::io::Error),
    /// A CSV file could not be parsed.
    #[error("{0}")]
    Csv(#[source] csv::Error),
    /// The workbook is encrypted and no password was given.
    #[error("workbook is password protected and no password was given")]
    PasswordRequired,
    /// None of the passwords given opens the workbook.
    #[error("wrong password ({tried} tried)")]
    WrongPassword {
        /// How many passwords were tried.
        tried: usize,
    },
    /// The workbook uses an encryption scheme this crate cannot decrypt.
    #[error("unsupported encryption: {scheme}")]
    UnsupportedEncryption {
        /// The scheme, e.g. `"legacy .xls RC4 CryptoAPI"`.
        scheme: String,
    },
    /// The encryption headers of an encrypted workbook are malformed.
    #[error("corrupt encryption header: {reason}")]
    CorruptEncryption {
        /// What is wrong with them.
        reason: String,
    },
    /// The file is not a workbook of the expected format, or it is damaged.
    #[error("not a readable {format} file: {reason}")]
    Corrupt {
        /// The format that was expected.
        format: &'static str,
        /// What the underlying reader reported.
        reason: String,
    },
    /// The file's format could not be told from its extension or its first bytes.
    #[error("unknown file format (expected .xlsx, .xlsm, .xlsb, .xls, .ods, .csv, .txt or .tsv)")]
    UnknownFormat,
    /// A worksheet named by the caller does not exist.
    #[error("no sheet named {name:?} (sheets: {available})")]
    SheetNotFound {
        /// The name asked for.
        name: String,
        /// The sheets the workbook has, comma-separated.
        available: String,
    },
    /// A worksheet index is past the last sheet.
    #[error("sheet index {index} out of range (the workbook has {count} sheets)")]
    SheetIndexOutOfRange {
        /// The 0-based index asked for.
        index: usize,
        /// How many sheets the workbook has.
        count: usize,
    },
    /// A column named by the caller is not in the header.
    #[error("no column named {name:?} (columns: {})", available.join(", "))]
    MissingColumn {
        /// The column asked for.
        name: String,
        /// The columns that exist, in order; names that look like personal data (a header
        /// row that is really a data row) are masked.
        available: Vec<String>,
    },
    /// No row in the first rows of a sheet looks like a header row.
    #[error("no header row found in the first {scanned} rows")]
    NoHeader {
        /// How many rows were examined.
        scanned: usize,
    },
    /// The header row asked for ([`HeaderRow::Row`](crate::HeaderRow::Row)) is empty or past
    /// the last row.
    #[error("header row {row} is empty")]
    EmptyHeaderRow {
        /// The 1-based row.
        row: u64,
    },
    /// A row could not be deserialized into the caller's type.
    #[error("cannot deserialize row: {message}")]
    Deserialize {
        /// What serde reported.
        message: String,
    },
    /// A filter expression could not be parsed.
    #[error("invalid filter {expr:?}: {reason}")]
    InvalidFilter {
        /// The expression.
        expr: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A configuration file (aliases, passwords) is malformed.
    #[error("invalid {what} file: {reason}")]
    InvalidConfig {
        /// Which file: `"alias"` or `"password"`.
        what: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// A decompressed part of a workbook is larger than the configured limit.
    #[error("workbook part is larger than the {limit_bytes} byte limit (possible zip bomb)")]
    TooLarge {
        /// The limit in bytes.
        limit_bytes: u64,
    },
    /// A workbook declares sizes that would make the parser allocate more memory than the
    /// configured limit (a damaged file, or a sheet whose cells lie millions of cells apart).
    #[error(
        "{part} would need {need_bytes} bytes of memory, over the {limit_bytes} byte limit \
         (damaged file?)"
    )]
    OverLimit {
        /// What would be allocated, such as `"a sheet's cell grid"`.
        part: &'static str,
        /// The bytes it would need.
        need_bytes: u64,
        /// The limit in bytes.
        limit_bytes: u64,
    },
    /// Writing a workbook failed.
    #[error("cannot write workbook: {0}")]
    Write(#[source] rust_xlsxwriter::XlsxError),
    /// A parameter is out of range.
    #[error("invalid {name}: {reason}")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// Why it was refused.
        reason: String,
    },
}

impl From<rust_xlsxwriter::XlsxError> for Error {
    fn from(e: rust_xlsxwriter::XlsxError) -> Error {
        match e {
            rust_xlsxwriter::XlsxError::IoError(io) => Error::new(ErrorKind::Io(io)),
            other => Error::new(ErrorKind::Write(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_starts_with_position() {
        let err = Error::new(ErrorKind::PasswordRequired)
            .in_file(Path::new("leads.xlsx"))
            .in_sheet("Data")
            .at_row(7)
            .at_column("phone");
        assert_eq!(
            err.to_string(),
            "leads.xlsx, sheet \"Data\", row 7, column \"phone\": \
             workbook is password protected and no password was given"
        );
    }

    #[test]
    fn display_without_position_is_the_kind() {
        let err = Error::new(ErrorKind::WrongPassword { tried: 2 });
        assert_eq!(err.to_string(), "wrong password (2 tried)");
        assert!(err.position().is_none());
    }

    #[test]
    fn first_position_wins() {
        let err = Error::new(ErrorKind::UnknownFormat).at_row(3).at_row(9);
        assert_eq!(err.position().and_then(|p| p.row), Some(3));
    }
}
