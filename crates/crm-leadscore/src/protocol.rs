//! Splitting and tuning: stratified train/test split and k-fold, out-of-time split,
//! threshold optimisation, seeded random search.

use chrono::NaiveDate;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::error::Error;
use crate::metrics::{Confusion, roc_curve};

/// Row indices (0-based positions in the frame or label slice) of a train / test split.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Split {
    /// Training rows, ascending.
    pub train: Vec<usize>,
    /// Test rows, ascending.
    pub test: Vec<usize>,
}

/// A stratified split: `test_share` of each class (rounded) goes to test, drawn with the
/// seed.
///
/// # Errors
/// [`Error::InvalidParameter`] for a share outside (0, 1).
pub fn stratified_split(y: &[bool], test_share: f64, seed: u64) -> Result<Split, Error> {
    if !(test_share > 0.0 && test_share < 1.0) {
        return Err(Error::InvalidParameter {
            name: "test share",
            reason: format!("{test_share} is not in (0, 1)"),
        });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut test = Vec::new();
    let mut train = Vec::new();
    for class in [false, true] {
        let mut rows: Vec<usize> = (0..y.len()).filter(|&i| y[i] == class).collect();
        rows.shuffle(&mut rng);
        let k = (rows.len() as f64 * test_share).round() as usize;
        test.extend_from_slice(&rows[..k]);
        train.extend_from_slice(&rows[k..]);
    }
    test.sort_unstable();
    train.sort_unstable();
    Ok(Split { train, test })
}

/// Stratified k-fold: `k` splits whose test parts partition the rows, each class spread
/// evenly.
///
/// # Errors
/// [`Error::InvalidParameter`] for `k < 2` or more folds than rows of a class.
pub fn stratified_kfold(y: &[bool], k: usize, seed: u64) -> Result<Vec<Split>, Error> {
    let pos = y.iter().filter(|v| **v).count();
    if k < 2 || k > pos.min(y.len() - pos) {
        return Err(Error::InvalidParameter {
            name: "folds",
            reason: format!("{k} folds for {pos} positive of {} rows", y.len()),
        });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut fold = vec![0usize; y.len()];
    for class in [false, true] {
        let mut rows: Vec<usize> = (0..y.len()).filter(|&i| y[i] == class).collect();
        rows.shuffle(&mut rng);
        for (j, i) in rows.into_iter().enumerate() {
            fold[i] = j % k;
        }
    }
    Ok((0..k)
        .map(|f| Split {
            train: (0..y.len()).filter(|&i| fold[i] != f).collect(),
            test: (0..y.len()).filter(|&i| fold[i] == f).collect(),
        })
        .collect())
}

/// An out-of-time split: the rows dated after the `1 - test_share` quantile of the dates
/// are the test set (rows without a date train).
///
/// # Errors
/// [`Error::InvalidParameter`] for a bad share; [`Error::Empty`] when no row has a date.
pub fn time_split(dates: &[Option<NaiveDate>], test_share: f64) -> Result<Split, Error> {
    if !(test_share > 0.0 && test_share < 1.0) {
        return Err(Error::InvalidParameter {
            name: "test share",
            reason: format!("{test_share} is not in (0, 1)"),
        });
    }
    let mut known: Vec<NaiveDate> = dates.iter().flatten().copied().collect();
    if known.is_empty() {
        return Err(Error::Empty("no dates for an out-of-time split".into()));
    }
    known.sort_unstable();
    let cut = known[(((known.len() as f64) * (1.0 - test_share)) as usize).min(known.len() - 1)];
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for (i, d) in dates.iter().enumerate() {
        if d.is_some_and(|d| d >= cut) { test.push(i) } else { train.push(i) }
    }
    Ok(Split { train, test })
}

/// How to choose a threshold.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ThresholdRule {
    /// Maximise F-beta (beta > 1 favours recall).
    FBeta(f64),
    /// Maximise Youden's J = TPR − FPR.
    Youden,
    /// The highest precision whose recall is at least this (Stage 1 must not lose
    /// reachable leads).
    MinRecall(f64),
}

/// Chooses a threshold among the distinct scores by a rule; returns it with its confusion.
///
/// # Errors
/// As [`crate::roc_auc`]; [`Error::InvalidParameter`] when no threshold reaches the recall.
pub fn choose_threshold(y: &[bool], s: &[f64], rule: ThresholdRule) -> Result<Confusion, Error> {
    let (_, _, thr) = roc_curve(y, s)?;
    let candidates = thr.into_iter().skip(1);
    let mut best: Option<(f64, Confusion)> = None;
    for t in candidates {
        let c = Confusion::at(y, s, t);
        let value = match rule {
            ThresholdRule::FBeta(b) => c.f_beta(b),
            ThresholdRule::Youden => {
                let fpr = if c.fp + c.tn == 0 { 0.0 } else { c.fp as f64 / (c.fp + c.tn) as f64 };
                c.recall() - fpr
            }
            ThresholdRule::MinRecall(r) => {
                if c.recall() < r {
                    continue;
                } else {
                    c.precision()
                }
            }
        };
        if best.as_ref().is_none_or(|(v, _)| value > *v) {
            best = Some((value, c));
        }
    }
    best.map(|(_, c)| c).ok_or_else(|| Error::InvalidParameter {
        name: "threshold",
        reason: "no threshold meets the rule".into(),
    })
}

/// A seeded random draw of `n` settings per family around the defaults (forest: depth,
/// leaf size, features per split; boosting: rounds, depth, learning rate, subsample;
/// logistic: C on a log scale). The first candidate is always the default.
///
/// # Errors
/// [`Error::InvalidParameter`] for a family other than `logistic`, `forest` or `boosted`.
pub fn random_search(family: &str, n: usize, seed: u64) -> Result<Vec<crate::ModelSpec>, Error> {
    use crate::{BoostParams, ForestParams, ModelSpec};
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = vec![ModelSpec::default_for(family, seed)?];
    for _ in 1..n.max(1) {
        out.push(match family {
            "logistic" => ModelSpec::Logistic { c: 10f64.powf(rng.random_range(-2.0..2.0)) },
            "forest" => ModelSpec::Forest(ForestParams {
                trees: 300,
                max_features: None,
                min_samples_leaf: [1, 2, 5, 10, 20][rng.random_range(0..5)],
                max_depth: [None, Some(8), Some(12), Some(16)][rng.random_range(0..4)],
                seed,
            }),
            _ => ModelSpec::Boosted(BoostParams {
                rounds: [100, 200, 300, 500][rng.random_range(0..4)],
                max_depth: rng.random_range(3..8),
                learning_rate: [0.02, 0.05, 0.1, 0.2][rng.random_range(0..4)],
                subsample: [0.6, 0.8, 1.0][rng.random_range(0..3)],
                colsample: [0.6, 0.8, 1.0][rng.random_range(0..3)],
                l2: [0.0, 1.0, 5.0][rng.random_range(0..3)],
                seed,
            }),
        });
    }
    Ok(out)
}
