//! Errors of the whole crate. Messages name the row, field or rule; they never repeat a
//! customer id (it may be a phone number or an e-mail address).

use chrono::NaiveDate;

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

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
    /// A segment rule is malformed.
    #[error("segment rule {line}: {message}")]
    Rule {
        /// 1-based line (or position) of the rule.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// An audience specification is malformed.
    #[error("audience rule {line}: {message}")]
    Audience {
        /// 1-based line of the specification.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A column the operation needs is not in the table.
    #[error("missing column {name:?} (the table has {})", crate::error::list(available))]
    MissingColumn {
        /// The column asked for.
        name: String,
        /// The table's columns.
        available: Vec<String>,
    },
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
    /// A parameter is out of its range (fewer than 2 bins, unsorted cut points, a
    /// multiplier of 0, thresholds in the wrong order).
    #[error("invalid {name}: {reason}")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// Why.
        reason: String,
    },
}

/// Column names for a message: quoted, comma-separated, `no columns` when empty.
pub(crate) fn list(names: &[String]) -> String {
    if names.is_empty() {
        return "no columns".into();
    }
    names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
}

/// A transaction row that was not used, with the reason.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum RejectReason {
    /// The field is empty.
    #[error("empty")]
    Empty,
    /// The date could not be read; an excerpt of the text (see [`RejectReason::date`]).
    #[error("not a date: {0:?}")]
    Date(String),
    /// The amount could not be read; an excerpt of the text (see [`RejectReason::amount`]).
    #[error("not an amount: {0:?}")]
    Amount(String),
    /// The amount is NaN or infinite.
    #[error("amount is not finite")]
    NotFinite,
}

impl RejectReason {
    /// The reason for a date field that could not be read: [`Empty`](Self::Empty) when it is
    /// blank, else [`Date`](Self::Date) with a safe excerpt of it: up to 12 characters, or,
    /// when the text looks like personal data in the wrong column (an `@`, nine or more
    /// digits in a row, or more than four letters and no digit: an e-mail, a phone number
    /// or NIK, a name), only its first two characters and a star for each other one.
    ///
    /// ```
    /// use crm_rfm::RejectReason;
    /// assert_eq!(RejectReason::date(" 31/02/2025 ").to_string(), r#"not a date: "31/02/2025""#);
    /// assert_eq!(RejectReason::date("081234567890").to_string(), r#"not a date: "08**********""#);
    /// assert_eq!(RejectReason::date("Budi Santoso").to_string(), r#"not a date: "Bu**********""#);
    /// assert_eq!(RejectReason::date(""), RejectReason::Empty);
    /// ```
    pub fn date(text: &str) -> RejectReason {
        if text.trim().is_empty() { RejectReason::Empty } else { RejectReason::Date(excerpt(text)) }
    }

    /// [`date`](Self::date) for an amount field.
    pub fn amount(text: &str) -> RejectReason {
        if text.trim().is_empty() {
            RejectReason::Empty
        } else {
            RejectReason::Amount(excerpt(text))
        }
    }
}

/// The excerpt of [`RejectReason::date`].
fn excerpt(text: &str) -> String {
    let text = text.trim();
    let (mut run, mut longest_run, mut digits, mut letters) = (0, 0, 0, 0);
    for c in text.chars() {
        if c.is_ascii_digit() {
            run += 1;
            digits += 1;
            longest_run = longest_run.max(run);
        } else {
            run = 0;
            letters += usize::from(c.is_alphabetic());
        }
    }
    let personal = text.contains('@') || longest_run >= 9 || (digits == 0 && letters > 4);
    let n = text.chars().count();
    let shown = if personal { 2 } else { 12 };
    let mut out: String = text.chars().take(shown).collect();
    if personal {
        out.extend(std::iter::repeat_n('*', n.saturating_sub(shown).min(10)));
    } else if n > shown {
        out.push('…');
    }
    out
}

impl std::fmt::Display for Reject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "row {}: {}: {}", self.row, self.field, self.reason)
    }
}
