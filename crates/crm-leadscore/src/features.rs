//! Turning a lead table into model inputs, fitted on training rows only: imputation with
//! missing indicators, one-hot encoding with rare levels grouped, quantile bins, date parts,
//! standardisation; and the leakage guard.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Timelike};
use crm_core::quantile_sorted;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::frame::{ColumnType, Frame, Schema, Values};

/// What to learn from, and what never to learn from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FeatureSpec {
    /// Columns that are targets or identifiers: never features.
    pub exclude: Vec<String>,
    /// Columns filled after the outcome (call status, call duration): never features, and
    /// naming one in `include` is an [`Error::Leakage`].
    pub leakage: Vec<String>,
    /// When not empty, only these columns are features.
    pub include: Vec<String>,
    /// Levels seen fewer times than this in training are grouped as `other` (default 10).
    pub min_level_count: usize,
    /// Numeric columns also cut into this many quantile bands (one-hot), e.g. age, income.
    pub bands: Vec<(String, usize)>,
    /// Dates become days since this date (default: the earliest training date).
    pub reference_date: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
enum Encoding {
    Numeric { median: f64, indicator: bool, mean: f64, scale: f64, bands: Vec<f64> },
    Categorical { levels: Vec<String>, other: bool },
    Boolean { mode: bool, indicator: bool },
    Date { reference: i32, indicator: bool },
    DateTime { reference: i32, indicator: bool },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct ColumnEncoder {
    name: String,
    ty: ColumnType,
    encoding: Encoding,
}

/// The fitted transformation from a [`Frame`] to a numeric matrix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Encoder {
    columns: Vec<ColumnEncoder>,
    names: Vec<String>,
    /// Columns dropped at fit time, with the reason (all missing, one value).
    pub dropped: Vec<(String, String)>,
}

/// A row-major matrix of model inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Design {
    /// `rows × names.len()` values, row-major.
    pub x: Vec<f64>,
    /// Rows.
    pub rows: usize,
    /// Feature names.
    pub names: Vec<String>,
}

impl Design {
    /// Row `i`.
    pub fn row(&self, i: usize) -> &[f64] {
        let d = self.names.len();
        &self.x[i * d..(i + 1) * d]
    }

    /// Columns.
    pub fn cols(&self) -> usize {
        self.names.len()
    }

    /// These rows.
    pub fn select(&self, rows: &[usize]) -> Design {
        let mut x = Vec::with_capacity(rows.len() * self.cols());
        for &i in rows {
            x.extend_from_slice(self.row(i));
        }
        Design { x, rows: rows.len(), names: self.names.clone() }
    }

    /// Column `j` as a vector.
    pub fn column(&self, j: usize) -> Vec<f64> {
        (0..self.rows).map(|i| self.x[i * self.cols() + j]).collect()
    }
}

fn day(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

fn missing_column(schema: &Schema, name: &str) -> Error {
    Error::MissingColumn {
        name: name.into(),
        available: schema.iter().map(|(n, _)| crm_core::mask_if_personal(n).into_owned()).collect(),
    }
}

/// The feature columns of a frame under a spec.
///
/// # Errors
/// [`Error::Leakage`] when `include` names a leakage column; [`Error::MissingColumn`].
pub fn feature_columns(schema: &Schema, spec: &FeatureSpec) -> Result<Vec<String>, Error> {
    for c in &spec.include {
        if spec.leakage.contains(c) {
            return Err(Error::Leakage(c.clone()));
        }
        if spec.exclude.contains(c) {
            return Err(Error::InvalidParameter {
                name: "include",
                reason: format!("{c:?} is also excluded (a target or identifier)"),
            });
        }
        if !schema.iter().any(|(n, _)| n == c) {
            return Err(missing_column(schema, c));
        }
    }
    for c in &spec.leakage {
        if !schema.iter().any(|(n, _)| n == c) {
            return Err(missing_column(schema, c));
        }
    }
    Ok(schema
        .iter()
        .map(|(n, _)| n.clone())
        .filter(|n| !spec.exclude.contains(n) && !spec.leakage.contains(n))
        .filter(|n| spec.include.is_empty() || spec.include.contains(n))
        .collect())
}

impl Encoder {
    /// Fits on training rows. Columns with every value missing, or a single value, are
    /// dropped (listed in [`Encoder::dropped`]).
    ///
    /// # Errors
    /// As [`feature_columns`]; [`Error::Empty`] when no feature is left.
    pub fn fit(frame: &Frame, spec: &FeatureSpec) -> Result<Encoder, Error> {
        let cols = feature_columns(&frame.schema(), spec)?;
        let min_count = if spec.min_level_count == 0 { 10 } else { spec.min_level_count };
        let mut out = Encoder { columns: Vec::new(), names: Vec::new(), dropped: Vec::new() };
        for name in cols {
            let c = frame.column(&name)?;
            let n = frame.rows();
            let missing = (0..n).filter(|&i| c.values.is_missing(i)).count();
            if missing == n {
                out.dropped.push((name, "every value is missing".into()));
                continue;
            }
            let encoding = match &c.values {
                Values::Numeric(v) => {
                    let mut s: Vec<f64> = v.iter().flatten().copied().collect();
                    s.sort_by(f64::total_cmp);
                    if s[0] == s[s.len() - 1] && missing == 0 {
                        out.dropped.push((name, "one value only".into()));
                        continue;
                    }
                    let median = quantile_sorted(&s, 0.5);
                    let filled: Vec<f64> = v.iter().map(|x| x.unwrap_or(median)).collect();
                    let mean = filled.iter().sum::<f64>() / n as f64;
                    let sd = (filled.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>()
                        / n as f64)
                        .sqrt();
                    let bands = spec
                        .bands
                        .iter()
                        .find(|(b, _)| *b == name)
                        .map(|(_, k)| {
                            let mut e: Vec<f64> = (1..*k)
                                .map(|i| quantile_sorted(&s, i as f64 / *k as f64))
                                .collect();
                            e.dedup();
                            e
                        })
                        .unwrap_or_default();
                    Encoding::Numeric {
                        median,
                        indicator: missing > 0,
                        mean,
                        scale: if sd > 0.0 { sd } else { 1.0 },
                        bands,
                    }
                }
                Values::Categorical(v) => {
                    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
                    for x in v.iter().flatten() {
                        *counts.entry(x.as_str()).or_default() += 1;
                    }
                    let levels: Vec<String> = counts
                        .iter()
                        .filter(|(_, k)| **k >= min_count)
                        .map(|(l, _)| l.to_string())
                        .collect();
                    let other = counts.values().any(|k| *k < min_count) || missing > 0;
                    if levels.len() + usize::from(other) < 2 {
                        out.dropped.push((name, "one level only".into()));
                        continue;
                    }
                    Encoding::Categorical { levels, other }
                }
                Values::Boolean(v) => {
                    let t = v.iter().flatten().filter(|b| **b).count();
                    let f = v.iter().flatten().count() - t;
                    if (t == 0 || f == 0) && missing == 0 {
                        out.dropped.push((name, "one value only".into()));
                        continue;
                    }
                    Encoding::Boolean { mode: t >= f, indicator: missing > 0 }
                }
                Values::Date(v) => {
                    let first = v.iter().flatten().min().copied().expect("not all missing");
                    let reference = spec.reference_date.unwrap_or(first);
                    Encoding::Date { reference: day(reference), indicator: missing > 0 }
                }
                Values::DateTime(v) => {
                    let first = v.iter().flatten().min().expect("not all missing").date();
                    let reference = spec.reference_date.unwrap_or(first);
                    Encoding::DateTime { reference: day(reference), indicator: missing > 0 }
                }
            };
            let ty = c.values.column_type();
            let ce = ColumnEncoder { name: name.clone(), ty, encoding };
            out.names.extend(ce.output_names());
            out.columns.push(ce);
        }
        if out.columns.is_empty() {
            return Err(Error::Empty("no usable feature column".into()));
        }
        Ok(out)
    }

    /// The model input names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The input columns this encoder needs, with their types.
    pub fn inputs(&self) -> Schema {
        self.columns.iter().map(|c| (c.name.clone(), c.ty)).collect()
    }

    /// Transforms a frame. Unseen levels count as `other` (or all zeros when training had
    /// no `other`); missing values get the training median / mode and the indicator.
    ///
    /// # Errors
    /// [`Error::Schema`] when a column is missing or has another type.
    pub fn transform(&self, frame: &Frame) -> Result<Design, Error> {
        let n = frame.rows();
        let d = self.names.len();
        let mut x = vec![0.0; n * d];
        let mut offset = 0;
        for ce in &self.columns {
            let c = frame
                .column(&ce.name)
                .map_err(|_| Error::Schema(format!("column {:?} is missing", ce.name)))?;
            if c.values.column_type() != ce.ty {
                return Err(Error::Schema(format!(
                    "column {:?} is {:?} here, {:?} in training",
                    ce.name,
                    c.values.column_type(),
                    ce.ty
                )));
            }
            let width = ce.width();
            for i in 0..n {
                ce.encode(&c.values, i, &mut x[i * d + offset..i * d + offset + width]);
            }
            offset += width;
        }
        Ok(Design { x, rows: n, names: self.names.clone() })
    }
}

impl ColumnEncoder {
    fn output_names(&self) -> Vec<String> {
        let n = &self.name;
        match &self.encoding {
            Encoding::Numeric { indicator, bands, .. } => {
                let mut v = vec![n.clone()];
                if *indicator {
                    v.push(format!("{n}_missing"));
                }
                for b in 0..bands.len() + usize::from(!bands.is_empty()) {
                    v.push(format!("{n}_band{}", b + 1));
                }
                v
            }
            Encoding::Categorical { levels, other } => {
                let mut v: Vec<String> = levels.iter().map(|l| format!("{n}={l}")).collect();
                if *other {
                    v.push(format!("{n}=other"));
                }
                v
            }
            Encoding::Boolean { indicator, .. } => {
                let mut v = vec![n.clone()];
                if *indicator {
                    v.push(format!("{n}_missing"));
                }
                v
            }
            Encoding::Date { indicator, .. } => {
                let mut v = vec![
                    format!("{n}_days"),
                    format!("{n}_weekday"),
                    format!("{n}_month"),
                    format!("{n}_day"),
                ];
                if *indicator {
                    v.push(format!("{n}_missing"));
                }
                v
            }
            Encoding::DateTime { indicator, .. } => {
                let mut v = vec![
                    format!("{n}_days"),
                    format!("{n}_hour"),
                    format!("{n}_weekday"),
                    format!("{n}_month"),
                    format!("{n}_day"),
                ];
                if *indicator {
                    v.push(format!("{n}_missing"));
                }
                v
            }
        }
    }

    fn width(&self) -> usize {
        self.output_names().len()
    }

    fn encode(&self, values: &Values, i: usize, out: &mut [f64]) {
        match (&self.encoding, values) {
            (Encoding::Numeric { median, indicator, mean, scale, bands }, Values::Numeric(v)) => {
                let raw = v[i].unwrap_or(*median);
                out[0] = (raw - mean) / scale;
                let mut k = 1;
                if *indicator {
                    out[1] = f64::from(u8::from(v[i].is_none()));
                    k = 2;
                }
                if !bands.is_empty() {
                    out[k + bands.partition_point(|&e| e < raw)] = 1.0;
                }
            }
            (Encoding::Categorical { levels, other }, Values::Categorical(v)) => {
                let hit = v[i].as_ref().and_then(|s| levels.binary_search(s).ok());
                match hit {
                    Some(j) => out[j] = 1.0,
                    None if *other => out[levels.len()] = 1.0,
                    None => {}
                }
            }
            (Encoding::Boolean { mode, indicator }, Values::Boolean(v)) => {
                out[0] = f64::from(u8::from(v[i].unwrap_or(*mode)));
                if *indicator {
                    out[1] = f64::from(u8::from(v[i].is_none()));
                }
            }
            (Encoding::Date { reference, indicator }, Values::Date(v)) => {
                if let Some(dt) = v[i] {
                    out[0] = f64::from(day(dt) - reference) / 365.25;
                    out[1] = f64::from(dt.weekday().num_days_from_monday());
                    out[2] = f64::from(dt.month());
                    out[3] = f64::from(dt.day());
                }
                if *indicator {
                    out[4] = f64::from(u8::from(v[i].is_none()));
                }
            }
            (Encoding::DateTime { reference, indicator }, Values::DateTime(v)) => {
                if let Some(dt) = v[i] {
                    let seconds = f64::from(dt.num_seconds_from_midnight());
                    out[0] = (f64::from(day(dt.date()) - reference) + seconds / 86_400.0) / 365.25;
                    out[1] = seconds / 3_600.0;
                    out[2] = f64::from(dt.weekday().num_days_from_monday());
                    out[3] = f64::from(dt.month());
                    out[4] = f64::from(dt.day());
                }
                if *indicator {
                    out[5] = f64::from(u8::from(v[i].is_none()));
                }
            }
            _ => unreachable!("types are checked before encoding"),
        }
    }
}

/// A feature whose values alone separate the target almost perfectly: a likely leak.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Suspicious {
    /// The model input.
    pub feature: String,
    /// `max(AUC, 1 - AUC)` of that input alone.
    pub auc: f64,
}

/// Model inputs whose single-feature AUC is at least `limit` (e.g. 0.95).
pub fn suspicious_features(design: &Design, y: &[bool], limit: f64) -> Vec<Suspicious> {
    (0..design.cols())
        .filter_map(|j| {
            let col = design.column(j);
            let auc = crate::metrics::roc_auc(y, &col).ok()?;
            let auc = auc.max(1.0 - auc);
            (auc >= limit).then(|| Suspicious { feature: design.names[j].clone(), auc })
        })
        .collect()
}
