//! The whole lead-scoring pipeline: train (one or two stages), evaluate honestly, save,
//! and score new leads with a schema check.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::features::{Design, Encoder, FeatureSpec, Suspicious, suspicious_features};
use crate::frame::{ColumnType, Frame, Schema};
use crate::metrics::{CalibrationBin, Decile, Metrics, calibration, deciles, rank_groups};
use crate::model::{Model, ModelSpec, permutation_importance};
use crate::protocol::{
    Split, ThresholdRule, choose_threshold, random_search, stratified_split, time_split,
};

/// The model file format this crate writes and reads.
pub const PIPELINE_FORMAT: u32 = 1;

/// What is predicted.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Targets {
    /// One target (e.g. booking).
    Single {
        /// The column.
        target: String,
        /// Its positive value (categorical targets; default `yes`).
        positive: Option<String>,
    },
    /// Stage 1 P(contact) on all leads, Stage 2 P(booking | contact) on contacted leads;
    /// score = P1 × P2.
    TwoStage {
        /// The contact (delivered) column.
        contact: String,
        /// Its positive value.
        contact_positive: Option<String>,
        /// The booking column.
        booking: String,
        /// Its positive value.
        booking_positive: Option<String>,
    },
}

/// How test rows are chosen.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum SplitKind {
    /// Stratified on the (final) target.
    Random,
    /// The latest rows by this date column.
    Time(String),
}

/// Training settings.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TrainOptions {
    /// What to predict.
    pub targets: Targets,
    /// Features and leakage columns (targets are excluded automatically).
    pub features: FeatureSpec,
    /// Families to try (`logistic`, `forest`, `boosted`); the best validation AUC wins.
    pub families: Vec<String>,
    /// Random-search candidates per family (1 = defaults only).
    pub tune: usize,
    /// Candidates are compared by stratified k-fold cross-validation on the training rows
    /// with this many folds; 0 or 1: on one validation part (20%) of them.
    pub cv_folds: usize,
    /// Test rows.
    pub split: SplitKind,
    /// Share of rows held out for the test (default 0.25).
    pub test_share: f64,
    /// Weight both classes equally.
    pub balanced: bool,
    /// Recall Stage 1 must keep (its threshold is the most precise one that does).
    pub stage1_recall: f64,
    /// The seed of splits, searches and models (default 42).
    pub seed: u64,
}

impl TrainOptions {
    /// Defaults: boosted only, no tuning, one validation part, random 25% test, Stage 1
    /// recall 0.9, seed 42.
    pub fn new(targets: Targets) -> TrainOptions {
        TrainOptions {
            targets,
            features: FeatureSpec::default(),
            families: vec!["boosted".into()],
            tune: 1,
            cv_folds: 0,
            split: SplitKind::Random,
            test_share: 0.25,
            balanced: false,
            stage1_recall: 0.9,
            seed: 42,
        }
    }
}

/// One stage of a saved pipeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    /// `contact`, `booking` or `target`.
    pub name: String,
    /// The target column.
    pub target: String,
    /// Its positive value.
    pub positive: Option<String>,
    /// The model.
    pub model: Model,
    /// The operating threshold chosen on the test rows.
    pub threshold: f64,
}

/// A saved pipeline: schema, feature transformation, stages, tier cut-offs, metadata.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeadModel {
    /// [`PIPELINE_FORMAT`].
    pub format: u32,
    /// The crate version that wrote it.
    pub crate_version: String,
    /// The input columns the features come from, with their types.
    pub schema: Schema,
    /// The feature settings.
    pub spec: FeatureSpec,
    /// The fitted transformation.
    pub encoder: Encoder,
    /// One or two stages.
    pub stages: Vec<Stage>,
    /// Final-score cut-offs of tiers A, B, C (D below): the 90th, 70th and 40th percentiles
    /// of the test scores.
    pub tiers: [f64; 3],
    /// Training rows.
    pub trained_rows: usize,
    /// Test scores (for monitoring: PSI against a new batch).
    pub reference_scores: Vec<f64>,
    /// Per model input, its training distribution for the PSI of a new batch.
    pub reference_inputs: Vec<(String, crate::metrics::PsiBins)>,
}

/// The population stability of a new batch against training.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Monitoring {
    /// PSI of the final score (batch scores against the test scores of training).
    pub score_psi: f64,
    /// `(input, PSI)`, largest first.
    pub inputs: Vec<(String, f64)>,
}

/// One candidate tried for a stage.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Candidate {
    /// The settings.
    pub spec: ModelSpec,
    /// ROC-AUC on the validation rows (20% of training), or the mean over the folds.
    pub validation_auc: f64,
    /// ROC-AUC on each cross-validation fold (one value without cross-validation).
    pub fold_aucs: Vec<f64>,
    /// Seconds to fit on the inner training rows (summed over the folds).
    pub fit_seconds: f64,
}

impl Candidate {
    /// The standard deviation of the fold AUCs (0 with one validation part).
    pub fn fold_sd(&self) -> f64 {
        let n = self.fold_aucs.len() as f64;
        if n < 2.0 {
            return 0.0;
        }
        let var = self.fold_aucs.iter().map(|a| (a - self.validation_auc).powi(2)).sum::<f64>();
        (var / (n - 1.0)).sqrt()
    }
}

/// What training found for one stage.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StageReport {
    /// The stage.
    pub name: String,
    /// Every candidate, in the order tried.
    pub candidates: Vec<Candidate>,
    /// The chosen family.
    pub chosen: String,
    /// Seconds to refit the chosen settings on all training rows.
    pub fit_seconds: f64,
    /// Test metrics at the chosen threshold.
    pub test: Metrics,
    /// The decile table on the test rows.
    pub deciles: Vec<Decile>,
    /// Predicted against observed rates on the test rows, in ten equal-width bins.
    pub calibration: Vec<CalibrationBin>,
    /// The test ROC curve as `(false positive rate, true positive rate)` at false positive
    /// rates 0, 0.01, ..., 1 (the highest true positive rate reached by each).
    pub roc: Vec<(f64, f64)>,
    /// `(input, model importance, permutation importance)`, by permutation importance.
    pub importance: Vec<(String, f64, f64)>,
    /// `(input, coefficient, odds ratio)` for a logistic model.
    pub coefficients: Vec<(String, f64, f64)>,
}

/// The training report.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TrainReport {
    /// Rows used (target known), training and test.
    pub rows: (usize, usize),
    /// Per stage.
    pub stages: Vec<StageReport>,
    /// Two-stage: the final score P1 × P2 against booking over all test leads.
    pub final_metrics: Option<Metrics>,
    /// Two-stage: deciles of the final score.
    pub final_deciles: Vec<Decile>,
    /// Two-stage: a single-stage booking model (the Stage 2 family) on the same split.
    pub single_stage: Option<Metrics>,
    /// Inputs that alone separate a target almost perfectly (AUC >= 0.95): likely leaks.
    pub suspicious: Vec<Suspicious>,
    /// Columns dropped by the encoder, with the reason.
    pub dropped: Vec<(String, String)>,
    /// Rows left out because a target was missing.
    pub missing_target: usize,
}

fn target_vec(
    frame: &Frame,
    col: &str,
    positive: Option<&str>,
) -> Result<Vec<Option<bool>>, Error> {
    frame.target(col, positive)
}

struct StageFit {
    model: Model,
    report: StageReport,
    threshold: f64,
    test_scores: Vec<f64>,
}

/// Tries the families (and random-search candidates) on a validation part of `train` or by
/// k-fold cross-validation, refits the best on all of `train`, and evaluates it on `test`.
fn fit_stage(
    name: &str,
    x: &Design,
    y: &[bool],
    train: &[usize],
    test: &[usize],
    opts: &TrainOptions,
    rule: ThresholdRule,
) -> Result<StageFit, Error> {
    let ytr: Vec<bool> = train.iter().map(|&i| y[i]).collect();
    let parts = if opts.cv_folds >= 2 {
        crate::protocol::stratified_kfold(&ytr, opts.cv_folds, opts.seed ^ 0x5eed)?
    } else {
        vec![stratified_split(&ytr, 0.2, opts.seed ^ 0x5eed)?]
    };
    let rows = |idx: &[usize]| idx.iter().map(|&k| train[k]).collect::<Vec<_>>();
    // (fit design, fit labels, validation design, validation labels) per part.
    let parts: Vec<(Design, Vec<bool>, Design, Vec<bool>)> = parts
        .iter()
        .map(|part| {
            let (fit_rows, val_rows) = (rows(&part.train), rows(&part.test));
            (
                x.select(&fit_rows),
                fit_rows.iter().map(|&i| y[i]).collect(),
                x.select(&val_rows),
                val_rows.iter().map(|&i| y[i]).collect(),
            )
        })
        .collect();
    let mut candidates = Vec::new();
    for family in &opts.families {
        for spec in random_search(family, opts.tune, opts.seed)? {
            let mut fit_seconds = 0.0;
            let mut fold_aucs = Vec::with_capacity(parts.len());
            for (xf, yf, xv, yv) in &parts {
                let t = Instant::now();
                let m = Model::fit(&spec, xf, yf, opts.balanced)?;
                fit_seconds += t.elapsed().as_secs_f64();
                fold_aucs.push(crate::metrics::roc_auc(yv, &m.predict(xv))?);
            }
            let validation_auc = fold_aucs.iter().sum::<f64>() / fold_aucs.len() as f64;
            candidates.push(Candidate { spec, validation_auc, fold_aucs, fit_seconds });
        }
    }
    let best = candidates
        .iter()
        .max_by(|a, b| a.validation_auc.total_cmp(&b.validation_auc))
        .expect("at least one family")
        .spec
        .clone();
    let xt = x.select(train);
    let t = Instant::now();
    let model = Model::fit(&best, &xt, &ytr, opts.balanced)?;
    let fit_seconds = t.elapsed().as_secs_f64();
    let xs = x.select(test);
    let ys: Vec<bool> = test.iter().map(|&i| y[i]).collect();
    let scores = model.predict(&xs);
    let chosen = choose_threshold(&ys, &scores, rule)?;
    let metrics = Metrics::compute(&ys, &scores, chosen.threshold)?;
    let perm = permutation_importance(&model, &xs, &ys, opts.seed)?;
    let own = model.importance();
    let mut importance: Vec<(String, f64, f64)> =
        x.names.iter().enumerate().map(|(j, n)| (n.clone(), own[j], perm[j])).collect();
    importance.sort_by(|a, b| b.2.total_cmp(&a.2));
    let coefficients = match &model {
        Model::Logistic(l) => {
            x.names.iter().zip(&l.coefficients).map(|(n, c)| (n.clone(), *c, c.exp())).collect()
        }
        _ => Vec::new(),
    };
    let report = StageReport {
        name: name.into(),
        candidates,
        chosen: best.family().into(),
        fit_seconds,
        deciles: deciles(&ys, &scores)?,
        calibration: calibration(&ys, &scores, 10)?,
        roc: roc_points(&ys, &scores)?,
        test: metrics,
        importance,
        coefficients,
    };
    Ok(StageFit { model, report, threshold: chosen.threshold, test_scores: scores })
}

/// The ROC curve at 101 false positive rates (see [`StageReport::roc`]).
fn roc_points(y: &[bool], s: &[f64]) -> Result<Vec<(f64, f64)>, Error> {
    let (fpr, tpr, _) = crate::metrics::roc_curve(y, s)?;
    let mut out = Vec::with_capacity(101);
    let mut k = 0;
    let mut best = 0.0f64;
    for g in 0..=100 {
        let at = f64::from(g) / 100.0;
        while k < fpr.len() && fpr[k] <= at + 1e-12 {
            best = best.max(tpr[k]);
            k += 1;
        }
        out.push((at, best));
    }
    Ok(out)
}

fn quantile_desc(scores: &[f64], top_share: f64) -> f64 {
    let mut s = scores.to_vec();
    s.sort_by(|a, b| b.total_cmp(a));
    let k = ((s.len() as f64 * top_share).ceil() as usize).clamp(1, s.len()) - 1;
    s[k]
}

impl LeadModel {
    /// Trains on a frame: drops rows whose target is missing, splits, fits each stage,
    /// evaluates on the test rows, and returns the pipeline with its report.
    ///
    /// # Errors
    /// [`Error::Leakage`], [`Error::SingleClass`], [`Error::MissingColumn`], training
    /// errors.
    pub fn train(frame: &Frame, opts: &TrainOptions) -> Result<(LeadModel, TrainReport), Error> {
        let mut spec = opts.features.clone();
        let (final_col, stages): (String, Vec<(String, String, Option<String>)>) =
            match &opts.targets {
                Targets::Single { target, positive } => {
                    (target.clone(), vec![("target".into(), target.clone(), positive.clone())])
                }
                Targets::TwoStage { contact, contact_positive, booking, booking_positive } => (
                    booking.clone(),
                    vec![
                        ("contact".into(), contact.clone(), contact_positive.clone()),
                        ("booking".into(), booking.clone(), booking_positive.clone()),
                    ],
                ),
            };
        for (_, col, _) in &stages {
            if spec.leakage.contains(col) {
                return Err(Error::InvalidParameter {
                    name: "leakage",
                    reason: format!("{col:?} is a target, not a leakage column"),
                });
            }
            if !spec.exclude.contains(col) {
                spec.exclude.push(col.clone());
            }
        }
        // Rows with every target known.
        let tvals: Vec<Vec<Option<bool>>> = stages
            .iter()
            .map(|(_, c, p)| target_vec(frame, c, p.as_deref()))
            .collect::<Result<_, _>>()?;
        let known: Vec<usize> = (0..frame.rows())
            .filter(|&i| {
                // Stage 2's target only matters where contact is positive; unknown bookings of
                // uncontacted leads count as no booking.
                tvals[0][i].is_some()
                    && (tvals.len() == 1 || tvals[0][i] == Some(false) || tvals[1][i].is_some())
            })
            .collect();
        let missing_target = frame.rows() - known.len();
        let data = frame.select(&known);
        let t: Vec<Vec<bool>> =
            tvals.iter().map(|v| known.iter().map(|&i| v[i].unwrap_or(false)).collect()).collect();
        let y_final = t.last().expect("one stage at least").clone();
        let pos = y_final.iter().filter(|v| **v).count();
        if pos == 0 || pos == y_final.len() {
            return Err(Error::SingleClass {
                target: final_col,
                subset: "the data".into(),
                positives: pos,
                rows: y_final.len(),
            });
        }
        let split: Split = match &opts.split {
            SplitKind::Random => stratified_split(&y_final, opts.test_share, opts.seed)?,
            SplitKind::Time(col) => {
                let c = data.column(col)?;
                let Some(d) = c.values.dates() else {
                    return Err(Error::InvalidParameter {
                        name: "date column",
                        reason: format!("{col:?} is not a date column"),
                    });
                };
                time_split(&d, opts.test_share)?
            }
        };
        let train_frame = data.select(&split.train);
        let encoder = Encoder::fit(&train_frame, &spec)?;
        let x = encoder.transform(&data)?;
        let mut suspicious = Vec::new();
        let xtrain = x.select(&split.train);
        for tv in &t {
            let ytr: Vec<bool> = split.train.iter().map(|&i| tv[i]).collect();
            for s in suspicious_features(&xtrain, &ytr, 0.95) {
                if !suspicious.iter().any(|o: &Suspicious| o.feature == s.feature) {
                    suspicious.push(s);
                }
            }
        }
        let mut fitted = Vec::new();
        let mut reports = Vec::new();
        let two_stage = stages.len() == 2;
        for (k, (name, col, positive)) in stages.iter().enumerate() {
            let (train, test): (Vec<usize>, Vec<usize>) = if two_stage && k == 1 {
                // Stage 2 learns and is tested on contacted leads only.
                (
                    split.train.iter().copied().filter(|&i| t[0][i]).collect(),
                    split.test.iter().copied().filter(|&i| t[0][i]).collect(),
                )
            } else {
                (split.train.clone(), split.test.clone())
            };
            let rule = if two_stage && k == 0 {
                ThresholdRule::MinRecall(opts.stage1_recall)
            } else {
                ThresholdRule::FBeta(1.0)
            };
            let sf =
                fit_stage(name, &x, &t[k], &train, &test, opts, rule).map_err(|e| match e {
                    Error::SingleClass { positives, rows, .. } => Error::SingleClass {
                        target: col.clone(),
                        subset: if k == 1 {
                            "contacted training leads".into()
                        } else {
                            "training rows".into()
                        },
                        positives,
                        rows,
                    },
                    other => other,
                })?;
            reports.push(sf.report.clone());
            fitted.push((
                Stage {
                    name: name.clone(),
                    target: col.clone(),
                    positive: positive.clone(),
                    model: sf.model,
                    threshold: sf.threshold,
                },
                sf.test_scores,
            ));
        }
        let xs = x.select(&split.test);
        let ys: Vec<bool> = split.test.iter().map(|&i| y_final[i]).collect();
        let final_scores: Vec<f64> = if two_stage {
            let p1 = fitted[0].0.model.predict(&xs);
            let p2 = fitted[1].0.model.predict(&xs);
            p1.iter().zip(&p2).map(|(a, b)| a * b).collect()
        } else {
            fitted[0].1.clone()
        };
        let (final_metrics, final_deciles, single_stage) = if two_stage {
            let chosen = choose_threshold(&ys, &final_scores, ThresholdRule::FBeta(1.0))?;
            let fm = Metrics::compute(&ys, &final_scores, chosen.threshold)?;
            let fd = deciles(&ys, &final_scores)?;
            // The honest comparison: one model for booking over all leads, same split.
            let spec = reports[1]
                .candidates
                .iter()
                .max_by(|a, b| a.validation_auc.total_cmp(&b.validation_auc))
                .expect("candidates")
                .spec
                .clone();
            let ytr: Vec<bool> = split.train.iter().map(|&i| y_final[i]).collect();
            let single = Model::fit(&spec, &x.select(&split.train), &ytr, opts.balanced)?;
            let sp = single.predict(&xs);
            let st = choose_threshold(&ys, &sp, ThresholdRule::FBeta(1.0))?;
            (Some(fm), fd, Some(Metrics::compute(&ys, &sp, st.threshold)?))
        } else {
            (None, Vec::new(), None)
        };
        let tiers = [
            quantile_desc(&final_scores, 0.1),
            quantile_desc(&final_scores, 0.3),
            quantile_desc(&final_scores, 0.6),
        ];
        let model = LeadModel {
            format: PIPELINE_FORMAT,
            crate_version: env!("CARGO_PKG_VERSION").into(),
            schema: encoder.inputs(),
            spec,
            encoder: encoder.clone(),
            stages: fitted.into_iter().map(|(s, _)| s).collect(),
            tiers,
            trained_rows: split.train.len(),
            reference_scores: final_scores,
            reference_inputs: (0..xtrain.cols())
                .map(|j| (xtrain.names[j].clone(), crate::metrics::PsiBins::of(&xtrain.column(j))))
                .collect(),
        };
        let report = TrainReport {
            rows: (split.train.len(), split.test.len()),
            stages: reports,
            final_metrics,
            final_deciles,
            single_stage,
            suspicious,
            dropped: encoder.dropped.clone(),
            missing_target,
        };
        Ok((model, report))
    }

    /// The column types scoring files must have (to read text with [`Frame::from_text`]).
    pub fn input_types(&self) -> Vec<(String, ColumnType)> {
        self.schema.clone()
    }

    /// Scores a frame: per row P(contact) and P(booking | contact) (two stages) or P(target),
    /// the final score, its decile within the batch (1 = best) and its tier.
    ///
    /// # Errors
    /// [`Error::Schema`] when a column is missing or of another type.
    pub fn score(&self, frame: &Frame) -> Result<Scored, Error> {
        let x = self.encoder.transform(frame)?;
        let probs: Vec<Vec<f64>> = self.stages.iter().map(|s| s.model.predict(&x)).collect();
        let score: Vec<f64> = if probs.len() == 2 {
            probs[0].iter().zip(&probs[1]).map(|(a, b)| a * b).collect()
        } else {
            probs[0].clone()
        };
        let groups = rank_groups(&score, 10);
        let tier = score
            .iter()
            .map(|&s| {
                if s >= self.tiers[0] {
                    'A'
                } else if s >= self.tiers[1] {
                    'B'
                } else if s >= self.tiers[2] {
                    'C'
                } else {
                    'D'
                }
            })
            .collect();
        Ok(Scored {
            stages: probs,
            score,
            decile: groups.into_iter().map(|g| g + 1).collect(),
            tier,
        })
    }

    /// The PSI of a new batch: its scores against the training test scores, and each model
    /// input against its training distribution (bands: [`crate::psi_band`]).
    ///
    /// # Errors
    /// As [`score`](Self::score).
    pub fn monitor(&self, frame: &Frame) -> Result<Monitoring, Error> {
        let x = self.encoder.transform(frame)?;
        let scored = self.score(frame)?;
        let score_psi = crate::metrics::PsiBins::of(&self.reference_scores).psi(&scored.score);
        let mut inputs: Vec<(String, f64)> = self
            .reference_inputs
            .iter()
            .enumerate()
            .map(|(j, (name, bins))| (name.clone(), bins.psi(&x.column(j))))
            .collect();
        inputs.sort_by(|a, b| b.1.total_cmp(&a.1));
        Ok(Monitoring { score_psi, inputs })
    }

    /// Metrics of the final score on labelled data (the targets must be in the frame).
    ///
    /// # Errors
    /// [`Error::MissingColumn`] for a missing target; as [`score`](Self::score).
    pub fn evaluate(&self, frame: &Frame) -> Result<(Metrics, Vec<Decile>), Error> {
        let last = self.stages.last().expect("a pipeline has a stage");
        let t = frame.target(&last.target, last.positive.as_deref())?;
        let known: Vec<usize> = (0..frame.rows()).filter(|&i| t[i].is_some()).collect();
        let sub = frame.select(&known);
        let y: Vec<bool> = known.iter().map(|&i| t[i].unwrap_or(false)).collect();
        let s = self.score(&sub)?;
        Ok((Metrics::compute(&y, &s.score, last.threshold)?, deciles(&y, &s.score)?))
    }

    /// The pipeline as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("pipelines serialise")
    }

    /// Reads a pipeline written by [`to_json`](Self::to_json).
    ///
    /// # Errors
    /// [`Error::Model`] for malformed JSON or another format.
    pub fn from_json(text: &str) -> Result<LeadModel, Error> {
        let m: LeadModel = serde_json::from_str(text).map_err(|e| Error::Model(e.to_string()))?;
        if m.format != PIPELINE_FORMAT {
            return Err(Error::Model(format!(
                "format {} is not supported (this version reads {PIPELINE_FORMAT})",
                m.format
            )));
        }
        Ok(m)
    }
}

/// Scores of a batch.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Scored {
    /// Per stage, P(positive) per row.
    pub stages: Vec<Vec<f64>>,
    /// The final score per row.
    pub score: Vec<f64>,
    /// Decile within the batch, 1 = best.
    pub decile: Vec<usize>,
    /// `A` to `D` by the training cut-offs.
    pub tier: Vec<char>,
}
