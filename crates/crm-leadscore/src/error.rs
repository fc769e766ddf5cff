//! Errors of the whole crate. Messages name the column, row or parameter; they never quote
//! a lead's personal data.

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A column the operation needs is missing.
    #[error("missing column {name:?} (the columns are {})", quoted(available))]
    MissingColumn {
        /// The column asked for.
        name: String,
        /// The columns there are, in order.
        available: Vec<String>,
    },
    /// The target has one class only (in the whole data or in a training subset).
    #[error("target {target:?} has a single class in {subset} ({positives} positive of {rows})")]
    SingleClass {
        /// The target column.
        target: String,
        /// Where (`training data`, `delivered leads`, ...).
        subset: String,
        /// Positive rows.
        positives: usize,
        /// Rows.
        rows: usize,
    },
    /// A column declared as post-outcome (filled after the call) was asked for as a feature.
    #[error("column {0:?} is filled after the outcome (leakage) and cannot be a feature")]
    Leakage(String),
    /// The data does not have the columns or types the model was trained on.
    #[error("schema mismatch: {0}")]
    Schema(String),
    /// No usable rows or no usable features.
    #[error("empty: {0}")]
    Empty(String),
    /// A parameter is out of range.
    #[error("invalid {name}: {reason}")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// Why.
        reason: String,
    },
    /// A model failed to train.
    #[error("training {model}: {message}")]
    Training {
        /// Which model.
        model: String,
        /// Why.
        message: String,
    },
    /// A saved pipeline cannot be read.
    #[error("model file: {0}")]
    Model(String),
}

/// `"a", "b"`, or `none` for no columns.
fn quoted(names: &[String]) -> String {
    if names.is_empty() {
        return "none".into();
    }
    names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
}
