//! Errors of the whole crate.

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong. Messages name the row, column or parameter at fault.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No rows (or no columns).
    #[error("empty data: {rows} rows x {columns} columns")]
    Empty {
        /// Rows.
        rows: usize,
        /// Columns.
        columns: usize,
    },
    /// A NaN or infinite value.
    #[error("row {row}, column {column:?}: value {value} is not finite")]
    NotFinite {
        /// 1-based row of the data.
        row: u64,
        /// Column name (or `#index`, 0-based, when the data has no names).
        column: String,
        /// The value.
        value: f64,
    },
    /// `log1p` of a value below -1.
    #[error("row {row}, column {column:?}: log1p of {value} is undefined (values must be > -1)")]
    LogDomain {
        /// 1-based row of the data.
        row: u64,
        /// Column name.
        column: String,
        /// The value.
        value: f64,
    },
    /// k is 0 or more than the number of rows.
    #[error("k = {k} is invalid for {rows} rows (1 <= k <= rows)")]
    InvalidK {
        /// The k asked for.
        k: usize,
        /// Rows available.
        rows: usize,
    },
    /// A parameter is out of range.
    #[error("invalid {name}: {reason}")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// Why.
        reason: String,
    },
    /// Sample weights are negative, non-finite, all zero, or of the wrong length.
    #[error("sample weights: {0}")]
    Weights(String),
    /// New data does not have the model's features in the model's order.
    #[error("features do not match the model: expected [{expected}], found [{found}]")]
    FeatureMismatch {
        /// The model's features, comma-separated.
        expected: String,
        /// The data's features.
        found: String,
    },
    /// A feature column is not among the headers ([`FeatureMatrix::from_text`]).
    ///
    /// [`FeatureMatrix::from_text`]: crate::FeatureMatrix::from_text
    #[error("feature {name:?}: no such column (columns: {available})")]
    MissingColumn {
        /// The feature asked for.
        name: String,
        /// The columns there are, comma-separated, masked where they look like personal
        /// data.
        available: String,
    },
    /// A saved model cannot be read.
    #[error("model: {0}")]
    Model(String),
}
