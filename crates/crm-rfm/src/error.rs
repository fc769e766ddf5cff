//! Errors of the whole crate. Messages name the row, field or rule; they never repeat a
//! customer id (it may be a phone number or an e-mail address).

use chrono::NaiveDate;

/// What went wrong. Row-level problems of a batch are not errors: they go to
/// [`Reject`](crate::Reject)s and the batch carries on.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No usable transaction at all (every row was rejected, or there were none).
    #[error("no transactions: {rows} rows given, {rejected} rejected")]
    Empty {
        /// Rows given.
        rows: u64,
        /// Rows rejected.
        rejected: u64,
    },
    /// Every valid transaction is after the as-of date.
    #[error("as-of date {as_of} is before every transaction (first on {first})")]
    AsOfBeforeData {
        /// The as-of date asked for.
        as_of: NaiveDate,
        /// The earliest transaction date.
        first: NaiveDate,
    },
    /// The binning cannot be used (fewer than 2 bins, unsorted or non-finite cut points).
    #[error("invalid binning: {0}")]
    Binning(String),
    /// A segment rule is malformed.
    #[error("segment rule {line}: {message}")]
    Rule {
        /// 1-based line (or position) of the rule.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// An audience specification is malformed.
    #[error("audience rule {line}: {message}")]
    Audience {
        /// 1-based line of the specification.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A column the operation needs is not in the table.
    #[error("missing column {0:?}")]
    MissingColumn(String),
    /// Two inputs that must have the same length do not.
    #[error("length mismatch: {what}: {left} vs {right}")]
    Length {
        /// Which inputs.
        what: &'static str,
        /// First length.
        left: usize,
        /// Second length.
        right: usize,
    },
    /// An option is out of its range.
    #[error("invalid option {name}: {message}")]
    Option {
        /// The option.
        name: &'static str,
        /// Why.
        message: String,
    },
}

/// A transaction row that was not used, with the reason.
#[derive(Clone, Debug, PartialEq)]
pub struct Reject {
    /// The row number the caller gave ([`Transaction::row`](crate::Transaction::row)), or the
    /// 1-based position in push order.
    pub row: u64,
    /// The field at fault (`customer`, `date`, `amount`, `invoice`).
    pub field: &'static str,
    /// Why.
    pub reason: RejectReason,
}

/// Why a row was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RejectReason {
    /// The field is empty.
    #[error("empty")]
    Empty,
    /// The date could not be read (the text is short and not personal data, so it is kept).
    #[error("not a date: {0:?}")]
    Date(String),
    /// The amount could not be read.
    #[error("not an amount: {0:?}")]
    Amount(String),
    /// The amount is NaN or infinite.
    #[error("amount is not finite")]
    NotFinite,
}

impl std::fmt::Display for Reject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "row {}: {}: {}", self.row, self.field, self.reason)
    }
}
