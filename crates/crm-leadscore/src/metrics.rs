//! Classification metrics in f64, computed as scikit-learn computes them (the conventions
//! are written next to each function; `tests/data/metrics.json` holds scikit-learn's values).

use crm_core::quantile_sorted;
use serde::{Deserialize, Serialize};

use crate::error::Error;

fn check(y: &[bool], s: &[f64]) -> Result<(usize, usize), Error> {
    if y.len() != s.len() {
        return Err(Error::InvalidParameter {
            name: "scores",
            reason: format!("{} labels for {} scores", y.len(), s.len()),
        });
    }
    if let Some(i) = s.iter().position(|v| !v.is_finite()) {
        return Err(Error::InvalidParameter {
            name: "scores",
            reason: format!("the score of row {} is not finite", i + 1),
        });
    }
    let p = y.iter().filter(|v| **v).count();
    Ok((p, y.len() - p))
}

/// Indices by score descending (stable: ties keep their order).
fn order_desc(s: &[f64]) -> Vec<usize> {
    let mut o: Vec<usize> = (0..s.len()).collect();
    o.sort_by(|&a, &b| s[b].total_cmp(&s[a]));
    o
}

/// A ROC curve: false positive rates, true positive rates, thresholds.
pub type RocCurve = (Vec<f64>, Vec<f64>, Vec<f64>);

/// The ROC curve over every distinct score (scikit-learn's `roc_curve` with
/// `drop_intermediate=False`): `(fpr, tpr, thresholds)`, starting at (0, 0) with an
/// infinite threshold.
///
/// # Errors
/// [`Error::InvalidParameter`] when the lengths differ or a score is not finite.
pub fn roc_curve(y: &[bool], s: &[f64]) -> Result<RocCurve, Error> {
    let (p, n) = check(y, s)?;
    let o = order_desc(s);
    let (mut fpr, mut tpr, mut thr) = (vec![0.0], vec![0.0], vec![f64::INFINITY]);
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut i = 0;
    while i < o.len() {
        let v = s[o[i]];
        while i < o.len() && s[o[i]] == v {
            if y[o[i]] {
                tp += 1
            } else {
                fp += 1
            }
            i += 1;
        }
        fpr.push(if n == 0 { f64::NAN } else { fp as f64 / n as f64 });
        tpr.push(if p == 0 { f64::NAN } else { tp as f64 / p as f64 });
        thr.push(v);
    }
    Ok((fpr, tpr, thr))
}

fn both_classes(p: usize, n: usize, what: &str) -> Result<(), Error> {
    if p == 0 || n == 0 {
        return Err(Error::SingleClass {
            target: what.into(),
            subset: "the scored rows".into(),
            positives: p,
            rows: p + n,
        });
    }
    Ok(())
}

/// Area under the ROC curve (trapezoids; a tie between a positive and a negative counts
/// half), as `sklearn.metrics.roc_auc_score`.
///
/// ```
/// let auc = crm_leadscore::roc_auc(&[false, false, true, true], &[0.1, 0.4, 0.35, 0.8])?;
/// assert_eq!(auc, 0.75);
/// # Ok::<(), crm_leadscore::Error>(())
/// ```
///
/// # Errors
/// [`Error::SingleClass`] when all labels are equal; [`Error::InvalidParameter`] for lengths or
/// non-finite scores.
pub fn roc_auc(y: &[bool], s: &[f64]) -> Result<f64, Error> {
    let (p, n) = check(y, s)?;
    both_classes(p, n, "label")?;
    let (fpr, tpr, _) = roc_curve(y, s)?;
    Ok(fpr.windows(2).zip(tpr.windows(2)).map(|(f, t)| (f[1] - f[0]) * (t[1] + t[0]) / 2.0).sum())
}

/// Average precision, `sum_n (R_n - R_{n-1}) P_n` over distinct thresholds from the highest
/// (no interpolation; a tie group is one step), as `sklearn.metrics.average_precision_score`.
///
/// # Errors
/// As [`roc_auc`] (no positive label: undefined).
pub fn average_precision(y: &[bool], s: &[f64]) -> Result<f64, Error> {
    let (p, n) = check(y, s)?;
    if p == 0 {
        return Err(Error::SingleClass {
            target: "label".into(),
            subset: "the scored rows".into(),
            positives: 0,
            rows: n,
        });
    }
    let o = order_desc(s);
    let (mut tp, mut fp, mut prev_recall, mut ap) = (0usize, 0usize, 0.0, 0.0);
    let mut i = 0;
    while i < o.len() {
        let v = s[o[i]];
        while i < o.len() && s[o[i]] == v {
            if y[o[i]] {
                tp += 1
            } else {
                fp += 1
            }
            i += 1;
        }
        let recall = tp as f64 / p as f64;
        let precision = tp as f64 / (tp + fp) as f64;
        ap += (recall - prev_recall) * precision;
        prev_recall = recall;
    }
    Ok(ap)
}

/// Mean log loss with probabilities clipped to `[eps, 1 - eps]`, `eps` = f64 machine
/// epsilon (`1 - p` computed before clipping), as `sklearn.metrics.log_loss`.
///
/// # Errors
/// [`Error::InvalidParameter`] for lengths or values outside `[0, 1]`.
pub fn log_loss(y: &[bool], p: &[f64]) -> Result<f64, Error> {
    check(y, p)?;
    if let Some(i) = p.iter().position(|v| !(0.0..=1.0).contains(v)) {
        return Err(Error::InvalidParameter {
            name: "probabilities",
            reason: format!("the probability of row {} is outside [0, 1]", i + 1),
        });
    }
    let eps = f64::EPSILON;
    let sum: f64 = y
        .iter()
        .zip(p)
        .map(|(&t, &q)| {
            let v = if t { q } else { 1.0 - q };
            -v.clamp(eps, 1.0 - eps).ln()
        })
        .sum();
    Ok(sum / y.len() as f64)
}

/// Mean squared difference between probability and outcome.
///
/// # Errors
/// [`Error::InvalidParameter`] for lengths or non-finite values.
pub fn brier(y: &[bool], p: &[f64]) -> Result<f64, Error> {
    check(y, p)?;
    Ok(y.iter().zip(p).map(|(&t, &q)| (q - f64::from(u8::from(t))).powi(2)).sum::<f64>()
        / y.len() as f64)
}

/// Counts and rates at a threshold (predict positive when `score >= threshold`).
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Confusion {
    /// The threshold.
    pub threshold: f64,
    /// True negatives.
    pub tn: usize,
    /// False positives.
    pub fp: usize,
    /// False negatives.
    pub fn_: usize,
    /// True positives.
    pub tp: usize,
}

impl Confusion {
    /// The confusion matrix of `s >= threshold` against `y`.
    ///
    /// # Panics
    /// When `y` and `s` differ in length (a caller's bug: the other metrics return
    /// [`Error::InvalidParameter`] for it).
    pub fn at(y: &[bool], s: &[f64], threshold: f64) -> Confusion {
        assert_eq!(y.len(), s.len(), "{} labels for {} scores", y.len(), s.len());
        let mut c = Confusion { threshold, tn: 0, fp: 0, fn_: 0, tp: 0 };
        for (&t, &v) in y.iter().zip(s) {
            match (t, v >= threshold) {
                (true, true) => c.tp += 1,
                (true, false) => c.fn_ += 1,
                (false, true) => c.fp += 1,
                (false, false) => c.tn += 1,
            }
        }
        c
    }

    /// `tp / (tp + fp)`, 0 when nothing is predicted positive (scikit-learn's
    /// `zero_division=0`).
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// `tp / (tp + fn)`.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// F-beta score (F1 for beta = 1), 0 when precision and recall are 0.
    pub fn f_beta(&self, beta: f64) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        let b2 = beta * beta;
        if p == 0.0 && r == 0.0 { 0.0 } else { (1.0 + b2) * p * r / (b2 * p + r) }
    }

    /// Matthews correlation coefficient (0 when undefined).
    pub fn mcc(&self) -> f64 {
        let (tp, tn, fp, fn_) = (self.tp as f64, self.tn as f64, self.fp as f64, self.fn_ as f64);
        let den = ((tp + fp) * (tp + fn_) * (tn + fp) * (tn + fn_)).sqrt();
        if den == 0.0 { 0.0 } else { (tp * tn - fp * fn_) / den }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Kolmogorov–Smirnov statistic: the largest `tpr - fpr` over the ROC curve.
///
/// # Errors
/// As [`roc_auc`].
pub fn ks(y: &[bool], s: &[f64]) -> Result<f64, Error> {
    let (p, n) = check(y, s)?;
    both_classes(p, n, "label")?;
    let (fpr, tpr, _) = roc_curve(y, s)?;
    Ok(fpr.iter().zip(&tpr).map(|(f, t)| t - f).fold(0.0, f64::max))
}

/// One row of a decile (gains) table.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Decile {
    /// 1 = the highest scores.
    pub decile: usize,
    /// Rows.
    pub count: usize,
    /// Positive rows.
    pub positives: usize,
    /// `positives / count`.
    pub rate: f64,
    /// `rate / overall rate`.
    pub lift: f64,
    /// Rows in this and the better deciles.
    pub cum_count: usize,
    /// Positives in this and the better deciles.
    pub cum_positives: usize,
    /// Share of all positives captured so far.
    pub capture: f64,
    /// Cumulative rate / overall rate.
    pub cum_lift: f64,
    /// Lowest score in the decile.
    pub min_score: f64,
    /// Highest score.
    pub max_score: f64,
}

/// Splits rows ordered by score (descending, ties in row order) into `groups` parts as
/// `numpy.array_split` does (the first `n % groups` parts get one row more): the part of
/// each row, 0-based, by row.
pub fn rank_groups(s: &[f64], groups: usize) -> Vec<usize> {
    let o = order_desc(s);
    let n = o.len();
    let (size, rem) = (n / groups.max(1), n % groups.max(1));
    let mut out = vec![0; n];
    let mut pos = 0;
    for g in 0..groups {
        let take = size + usize::from(g < rem);
        for &i in &o[pos..pos + take] {
            out[i] = g;
        }
        pos += take;
    }
    out
}

/// The decile table of scores against outcomes (see [`rank_groups`] for tie handling: a
/// tie group may straddle a decile edge).
///
/// # Errors
/// [`Error::InvalidParameter`] for lengths or non-finite scores; [`Error::Empty`] with no rows.
pub fn deciles(y: &[bool], s: &[f64]) -> Result<Vec<Decile>, Error> {
    let (p, _) = check(y, s)?;
    if y.is_empty() {
        return Err(Error::Empty("no rows to rank".into()));
    }
    let g = rank_groups(s, 10);
    let overall = p as f64 / y.len() as f64;
    let mut out = Vec::new();
    let (mut cc, mut cp) = (0, 0);
    for d in 0..10 {
        let rows: Vec<usize> = (0..y.len()).filter(|&i| g[i] == d).collect();
        if rows.is_empty() {
            continue;
        }
        let pos = rows.iter().filter(|&&i| y[i]).count();
        cc += rows.len();
        cp += pos;
        let rate = pos as f64 / rows.len() as f64;
        let lift = |r: f64| if overall == 0.0 { 0.0 } else { r / overall };
        out.push(Decile {
            decile: d + 1,
            count: rows.len(),
            positives: pos,
            rate,
            lift: lift(rate),
            cum_count: cc,
            cum_positives: cp,
            capture: if p == 0 { 0.0 } else { cp as f64 / p as f64 },
            cum_lift: lift(cp as f64 / cc as f64),
            min_score: rows.iter().map(|&i| s[i]).fold(f64::INFINITY, f64::min),
            max_score: rows.iter().map(|&i| s[i]).fold(f64::NEG_INFINITY, f64::max),
        });
    }
    Ok(out)
}

/// One bin of a calibration table.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CalibrationBin {
    /// Lower edge of the predicted probability.
    pub from: f64,
    /// Upper edge.
    pub to: f64,
    /// Rows.
    pub count: usize,
    /// Mean predicted probability.
    pub predicted: f64,
    /// Observed positive rate.
    pub observed: f64,
}

/// Calibration in `bins` equal-width probability bins (empty bins left out), as
/// `sklearn.calibration.calibration_curve(strategy="uniform")` plus counts: the edges are
/// numpy's `linspace(0, 1, bins + 1)` and a probability on an inner edge falls in the bin
/// below it (`searchsorted`), so 0.1 is in the first of ten bins.
///
/// ```
/// let bins = crm_leadscore::calibration(&[false, true, true, false], &[0.1, 0.65, 0.9, 0.3], 2)?;
/// assert_eq!(bins.len(), 2);
/// assert_eq!((bins[0].count, bins[0].observed), (2, 0.0));
/// assert_eq!((bins[1].count, bins[1].predicted), (2, 0.775));
/// # Ok::<(), crm_leadscore::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] when the lengths differ, `bins` is 0, or a probability is
/// not in `[0, 1]`.
pub fn calibration(y: &[bool], p: &[f64], bins: usize) -> Result<Vec<CalibrationBin>, Error> {
    check(y, p)?;
    if bins == 0 {
        return Err(Error::InvalidParameter { name: "bins", reason: "must be at least 1".into() });
    }
    if let Some(i) = p.iter().position(|v| !(0.0..=1.0).contains(v)) {
        return Err(Error::InvalidParameter {
            name: "probabilities",
            reason: format!("the probability of row {} is outside [0, 1]", i + 1),
        });
    }
    // numpy's linspace: i * (1 / bins), the last edge exactly 1.
    let step = 1.0 / bins as f64;
    let edges: Vec<f64> =
        (0..=bins).map(|i| if i == bins { 1.0 } else { i as f64 * step }).collect();
    let inner = &edges[1..bins];
    let mut sum = vec![0.0; bins];
    let mut pos = vec![0usize; bins];
    let mut cnt = vec![0usize; bins];
    for (&t, &q) in y.iter().zip(p) {
        let b = inner.partition_point(|&e| e < q);
        sum[b] += q;
        pos[b] += usize::from(t);
        cnt[b] += 1;
    }
    Ok((0..bins)
        .filter(|&b| cnt[b] > 0)
        .map(|b| CalibrationBin {
            from: edges[b],
            to: edges[b + 1],
            count: cnt[b],
            predicted: sum[b] / cnt[b] as f64,
            observed: pos[b] as f64 / cnt[b] as f64,
        })
        .collect())
}

/// Population stability index of `actual` against `expected`: 10 bins from the expected
/// sample's deciles (`numpy.quantile`, linear), right-closed; proportions floored at 1e-4;
/// `PSI = sum((a - e) ln(a / e))`. Below 0.1 stable, 0.1–0.25 a shift to watch, above 0.25
/// a shift that needs action.
///
/// # Errors
/// [`Error::Empty`] when a sample is empty.
pub fn psi(expected: &[f64], actual: &[f64]) -> Result<f64, Error> {
    if expected.is_empty() || actual.is_empty() {
        return Err(Error::Empty("a PSI sample is empty".into()));
    }
    Ok(PsiBins::of(expected).psi(actual))
}

/// The expected side of a PSI, kept with a model: the decile edges and the floored
/// proportions of the training sample.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PsiBins {
    /// Nine edges (right-closed bins).
    pub edges: Vec<f64>,
    /// Ten proportions, each at least 1e-4.
    pub expected: Vec<f64>,
}

impl PsiBins {
    /// Bins from an expected sample (not empty).
    pub fn of(expected: &[f64]) -> PsiBins {
        let edges = decile_edges(expected);
        let expected = shares(&edges, expected).to_vec();
        PsiBins { edges, expected }
    }

    /// The PSI of `actual` against these bins (0 for an empty sample).
    pub fn psi(&self, actual: &[f64]) -> f64 {
        if actual.is_empty() {
            return 0.0;
        }
        let a = shares(&self.edges, actual);
        self.expected.iter().zip(&a).map(|(e, a)| (a - e) * (a / e).ln()).sum()
    }
}

fn shares(edges: &[f64], v: &[f64]) -> [f64; 10] {
    let mut c = [0usize; 10];
    for &x in v {
        c[edges.partition_point(|&e| e < x)] += 1;
    }
    c.map(|k| (k as f64 / v.len() as f64).max(1e-4))
}

fn decile_edges(expected: &[f64]) -> Vec<f64> {
    let mut sorted: Vec<f64> = expected.to_vec();
    sorted.sort_by(f64::total_cmp);
    (1..10).map(|i| quantile_sorted(&sorted, f64::from(i) / 10.0)).collect()
}

/// The PSI band: `"stable"` (< 0.1), `"moderate"` (0.1–0.25) or `"significant"` (> 0.25).
pub fn psi_band(value: f64) -> &'static str {
    if value < 0.1 {
        "stable"
    } else if value <= 0.25 {
        "moderate"
    } else {
        "significant"
    }
}

/// The usual metrics of a scored set, at a threshold.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Metrics {
    /// Rows.
    pub n: usize,
    /// Positive rows.
    pub positives: usize,
    /// ROC-AUC.
    pub roc_auc: f64,
    /// Average precision (PR-AUC).
    pub average_precision: f64,
    /// Log loss.
    pub log_loss: f64,
    /// Brier score.
    pub brier: f64,
    /// KS statistic.
    pub ks: f64,
    /// Counts at the threshold.
    pub confusion: Confusion,
    /// Precision at the threshold.
    pub precision: f64,
    /// Recall at the threshold.
    pub recall: f64,
    /// F1 at the threshold.
    pub f1: f64,
}

impl Metrics {
    /// All metrics of probabilities `p` against `y`, at `threshold`.
    ///
    /// # Errors
    /// [`Error::SingleClass`] when `y` has one class; [`Error::InvalidParameter`] for bad input.
    pub fn compute(y: &[bool], p: &[f64], threshold: f64) -> Result<Metrics, Error> {
        let confusion = Confusion::at(y, p, threshold);
        Ok(Metrics {
            n: y.len(),
            positives: y.iter().filter(|v| **v).count(),
            roc_auc: roc_auc(y, p)?,
            average_precision: average_precision(y, p)?,
            log_loss: log_loss(y, p)?,
            brier: brier(y, p)?,
            ks: ks(y, p)?,
            precision: confusion.precision(),
            recall: confusion.recall(),
            f1: confusion.f_beta(1.0),
            confusion,
        })
    }
}
