//! Text rows to a feature matrix, every row accounted for.

use ndarray::Array2;

use crate::error::{Error, Result};
use crate::scale::Transform;

/// Why a row is not in a [`FeatureMatrix`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum RejectReason {
    /// The feature is empty.
    Empty,
    /// The feature is not a number: the text, masked unless short ([`crm_core::excerpt`]).
    NotANumber(String),
    /// The feature is NaN or infinite.
    NotFinite,
    /// The feature is at or below -1, where `log1p` is undefined.
    LogDomain(f64),
}

impl std::fmt::Display for RejectReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RejectReason::Empty => f.write_str("empty"),
            RejectReason::NotANumber(text) => write!(f, "not a number: {text:?}"),
            RejectReason::NotFinite => f.write_str("not a finite number"),
            RejectReason::LogDomain(v) => write!(f, "{v} is below -1, log1p is undefined"),
        }
    }
}

/// A row left out of a [`FeatureMatrix`]: its row number as given, the first feature that
/// could not be used, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct RowReject {
    /// The row's number as the caller gave it (a file line, a sheet row).
    pub row: u64,
    /// The feature (column) at fault.
    pub column: String,
    /// Why.
    pub reason: RejectReason,
}

impl std::fmt::Display for RowReject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.column, self.reason)
    }
}

/// The numeric features of rows of text: the rows whose every feature is a finite number
/// (and, for [`Transform::Log1p`], above -1) form the matrix, in input order; every other row
/// is a [`RowReject`]. `used.len() + rejects.len()` is the number of rows given.
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureMatrix {
    /// One row per used input row, one column per feature, in the order asked for.
    pub x: Array2<f64>,
    /// The 0-based index, among the rows given, of each row of `x`.
    pub used: Vec<usize>,
    /// The rows left out.
    pub rejects: Vec<RowReject>,
}

impl FeatureMatrix {
    /// Reads `features` (column names, found in `headers` by crm-core's rule,
    /// [`crm_core::find_column`]) from rows of text, each with its row number. Values are
    /// plain numbers as Rust reads them (`12`, `-0.5`, `1e6`), surrounding spaces ignored.
    ///
    /// ```
    /// use crm_kmeans::{FeatureMatrix, Transform};
    /// let headers = ["Customer", "Recency Days", "monetary"];
    /// let rows = [
    ///     (2, vec!["C1", "5", "250000"]),
    ///     (3, vec!["C2", "", "80000"]),
    ///     (4, vec!["C3", "40", "120000.5"]),
    /// ];
    /// let features = ["recency_days", "monetary"].map(String::from);
    /// let m = FeatureMatrix::from_text(
    ///     &headers,
    ///     rows.iter().map(|(n, r)| (*n, r.as_slice())),
    ///     &features,
    ///     Transform::Log1p,
    /// )?;
    /// assert_eq!(m.x.row(1).to_vec(), [40.0, 120000.5]);
    /// assert_eq!(m.used, [0, 2]);
    /// assert_eq!(m.rejects[0].row, 3);
    /// assert_eq!(m.rejects[0].to_string(), "recency_days: empty");
    /// # Ok::<(), crm_kmeans::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::MissingColumn`] when a feature is not among the headers (the headers listed,
    /// masked where they look like personal data).
    pub fn from_text<'a, H, S, I>(
        headers: &[H],
        rows: I,
        features: &[String],
        transform: Transform,
    ) -> Result<FeatureMatrix>
    where
        H: AsRef<str>,
        S: AsRef<str> + 'a,
        I: IntoIterator<Item = (u64, &'a [S])>,
    {
        let cols: Vec<usize> = features
            .iter()
            .map(|name| {
                crm_core::find_column(headers, name).ok_or_else(|| Error::MissingColumn {
                    name: name.clone(),
                    available: crm_core::column_list(headers),
                })
            })
            .collect::<Result<_>>()?;
        let mut used = Vec::new();
        let mut values = Vec::new();
        let mut rejects = Vec::new();
        'rows: for (i, (number, cells)) in rows.into_iter().enumerate() {
            let start = values.len();
            for (&c, name) in cols.iter().zip(features) {
                let text = cells.get(c).map_or("", |s| s.as_ref().trim());
                let reason = match text.parse::<f64>() {
                    Ok(v) if !v.is_finite() => RejectReason::NotFinite,
                    Ok(v) if transform == Transform::Log1p && v <= -1.0 => {
                        RejectReason::LogDomain(v)
                    }
                    Ok(v) => {
                        values.push(v);
                        continue;
                    }
                    Err(_) if text.is_empty() => RejectReason::Empty,
                    Err(_) => RejectReason::NotANumber(crm_core::excerpt(text)),
                };
                values.truncate(start);
                rejects.push(RowReject { row: number, column: name.clone(), reason });
                continue 'rows;
            }
            used.push(i);
        }
        let x = Array2::from_shape_vec((used.len(), cols.len()), values)
            .expect("one value per feature of each used row");
        Ok(FeatureMatrix { x, used, rejects })
    }
}
