//! Preprocessing fitted on training data and saved with the model: `log1p`, then standard,
//! robust or min-max scaling.

use ndarray::{Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crm_core::quantile_sorted;

use crate::error::Error;

/// A transform applied to every value before scaling.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Transform {
    /// Values as they are.
    #[default]
    None,
    /// `ln(1 + x)`: tames the long tails of frequency and monetary values (needs x > -1).
    Log1p,
}

/// How columns are scaled after the transform.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Scaling {
    /// No scaling.
    None,
    /// `(x - mean) / std` with the population standard deviation (scikit-learn's
    /// `StandardScaler`).
    #[default]
    Standard,
    /// `(x - median) / IQR` with linear-interpolation quartiles (scikit-learn's
    /// `RobustScaler`).
    Robust,
    /// `(x - min) / (max - min)` into 0..=1 (scikit-learn's `MinMaxScaler`).
    MinMax,
}

/// A fitted preprocessing: transform, then per-column `(x - center) / scale`. A constant
/// column gets scale 1 (it becomes all zeros), as scikit-learn does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scaler {
    /// The transform.
    pub transform: Transform,
    /// The scaling.
    pub scaling: Scaling,
    /// Per column, subtracted after the transform.
    pub center: Vec<f64>,
    /// Per column, divided by after centering (never 0).
    pub scale: Vec<f64>,
}

pub(crate) fn column_name(names: Option<&[String]>, j: usize) -> String {
    names.and_then(|n| n.get(j).cloned()).unwrap_or_else(|| format!("#{j}"))
}

impl Scaler {
    /// Fits on training data (rows = customers). `names` are only used in errors.
    ///
    /// # Errors
    /// [`Error::Empty`], [`Error::NotFinite`] (NaN or infinite input), [`Error::LogDomain`].
    pub fn fit(
        data: ArrayView2<'_, f64>,
        transform: Transform,
        scaling: Scaling,
        names: Option<&[String]>,
    ) -> Result<Scaler, Error> {
        let (rows, cols) = data.dim();
        if rows == 0 || cols == 0 {
            return Err(Error::Empty { rows, columns: cols });
        }
        let t = apply_transform(data, transform, names)?;
        let mut center = vec![0.0; cols];
        let mut scale = vec![1.0; cols];
        for (j, col) in t.axis_iter(Axis(1)).enumerate() {
            let (c, s) = match scaling {
                Scaling::None => (0.0, 1.0),
                Scaling::Standard => {
                    let mean = col.iter().sum::<f64>() / rows as f64;
                    let var =
                        col.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / rows as f64;
                    (mean, var.sqrt())
                }
                Scaling::Robust => {
                    let mut v = col.to_vec();
                    v.sort_unstable_by(f64::total_cmp);
                    let q = |p: f64| quantile_sorted(&v, p);
                    (q(0.5), q(0.75) - q(0.25))
                }
                Scaling::MinMax => {
                    let min = col.iter().copied().fold(f64::INFINITY, f64::min);
                    let max = col.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    (min, max - min)
                }
            };
            let constant = col.iter().all(|v| *v == col[0]);
            // A constant column becomes exactly 0 (scaling other than None) with scale 1;
            // so does a scale lost to rounding.
            center[j] = if constant && scaling != Scaling::None { col[0] } else { c };
            scale[j] =
                if !constant && s > 10.0 * f64::EPSILON * c.abs().max(1.0) { s } else { 1.0 };
        }
        Ok(Scaler { transform, scaling, center, scale })
    }

    /// Number of columns.
    pub fn columns(&self) -> usize {
        self.center.len()
    }

    /// Transforms and scales data with the fitted parameters.
    ///
    /// # Errors
    /// [`Error::FeatureMismatch`] when the column count differs; [`Error::NotFinite`],
    /// [`Error::LogDomain`] as for [`fit`](Self::fit).
    pub fn transform(
        &self,
        data: ArrayView2<'_, f64>,
        names: Option<&[String]>,
    ) -> Result<Array2<f64>, Error> {
        if data.ncols() != self.columns() {
            return Err(Error::FeatureMismatch {
                expected: format!("{} columns", self.columns()),
                found: format!("{} columns", data.ncols()),
            });
        }
        let mut t = apply_transform(data, self.transform, names)?;
        for mut row in t.rows_mut() {
            for (j, v) in row.iter_mut().enumerate() {
                *v = (*v - self.center[j]) / self.scale[j];
            }
        }
        Ok(t)
    }

    /// Maps scaled values (e.g. centroids) back to original units: unscale, then undo the
    /// transform (`exp(x) - 1` for `log1p`).
    pub fn inverse(&self, scaled: ArrayView2<'_, f64>) -> Array2<f64> {
        let mut out = scaled.to_owned();
        for mut row in out.rows_mut() {
            for (j, v) in row.iter_mut().enumerate() {
                let x = *v * self.scale[j] + self.center[j];
                *v = match self.transform {
                    Transform::None => x,
                    Transform::Log1p => x.exp_m1(),
                };
            }
        }
        out
    }
}

fn apply_transform(
    data: ArrayView2<'_, f64>,
    transform: Transform,
    names: Option<&[String]>,
) -> Result<Array2<f64>, Error> {
    let mut out = data.to_owned();
    for (i, mut row) in out.rows_mut().into_iter().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            if !v.is_finite() {
                return Err(Error::NotFinite {
                    row: i as u64 + 1,
                    column: column_name(names, j),
                    value: *v,
                });
            }
            if transform == Transform::Log1p {
                if *v <= -1.0 {
                    return Err(Error::LogDomain {
                        row: i as u64 + 1,
                        column: column_name(names, j),
                        value: *v,
                    });
                }
                *v = v.ln_1p();
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn standard_scaling_round_trips_and_constant_columns_are_zero() {
        let x = array![[1.0, 5.0, 0.0], [2.0, 5.0, 9.0], [3.0, 5.0, 99.0]];
        let s = Scaler::fit(x.view(), Transform::Log1p, Scaling::Standard, None).unwrap();
        let z = s.transform(x.view(), None).unwrap();
        assert!(z.column(1).iter().all(|v| *v == 0.0));
        let back = s.inverse(z.view());
        assert_eq!(back.dim(), x.dim());
        for (a, b) in back.iter().zip(x.iter()) {
            assert!((a - b).abs() < 1e-9 * b.abs().max(1.0), "{a} vs {b}");
        }
    }

    #[test]
    fn bad_values_name_row_and_column() {
        let x = array![[1.0, 2.0], [f64::NAN, 1.0]];
        let names = vec!["recency".to_string(), "monetary".to_string()];
        let e =
            Scaler::fit(x.view(), Transform::None, Scaling::Standard, Some(&names)).unwrap_err();
        assert_eq!(e.to_string(), "row 2, column \"recency\": value NaN is not finite");
        let x = array![[1.0, -2.0]];
        let e = Scaler::fit(x.view(), Transform::Log1p, Scaling::None, Some(&names)).unwrap_err();
        assert!(matches!(e, Error::LogDomain { row: 1, .. }), "{e}");
    }
}
