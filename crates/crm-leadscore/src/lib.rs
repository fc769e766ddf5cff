//! Two-stage lead scoring for telesales: P(contact) × P(booking | contact), with features
//! that cannot leak, three model families, honest evaluation and batch scoring.
//!
//! * [`Frame`]: a typed column table (numeric, categorical, boolean, date; missing values)
//!   filled from text with crm-core's conventions (amounts such as `Rp 15.000.000` and
//!   `12,5`, Indonesian dates and yes/no words); values and rows that do not fit are
//!   [`Problem`]s with their 1-based row, never dropped silently. Its [`Schema`] is saved
//!   with every model.
//! * [`Encoder`]: fitted on training rows only — median / mode imputation with missing
//!   indicators, one-hot with rare levels grouped, quantile bands, date parts,
//!   standardisation; a [`FeatureSpec`] declares post-outcome columns, which can never
//!   become features ([`Error::Leakage`]), and [`suspicious_features`] flags inputs whose
//!   AUC alone is near 1.
//! * [`Model`]: [`Logistic`] (Newton / IRLS, scikit-learn's L2 optimum), [`Forest`]
//!   (histogram random forest with leaf-share probabilities), [`Boosted`] (forust-ml);
//!   class balancing; model and [`permutation_importance`].
//! * Protocol: [`stratified_split`], [`stratified_kfold`], [`time_split`],
//!   [`random_search`], [`choose_threshold`] by F-beta, Youden's J or minimum recall.
//! * Metrics equal to scikit-learn's: [`roc_auc`], [`average_precision`], [`log_loss`],
//!   [`brier`], [`Confusion`], [`ks`], [`deciles`], [`calibration`], [`psi`].
//! * [`LeadModel::train`] runs it all for one target or two stages (with the single-stage
//!   comparison), [`LeadModel::score`] scores new leads with deciles and tiers, and the
//!   pipeline saves as JSON.
//!
//! # Example
//! ```
//! use crm_leadscore::{Frame, LeadModel, Targets, TrainOptions};
//!
//! // 400 leads: contact depends on the source, booking on the income.
//! let headers = ["source", "income", "contacted", "booked"].map(String::from).to_vec();
//! let rows: Vec<Vec<String>> = (0..400)
//!     .map(|i| {
//!         let source = ["walk-in", "web", "referral"][i % 3];
//!         let income = 2_000_000 + (i * 37_000) % 9_000_000;
//!         let contacted = source != "web" || i % 5 == 0;
//!         let booked = contacted && income > 6_000_000 && i % 3 != 1;
//!         vec![source.into(), income.to_string(), contacted.to_string(), booked.to_string()]
//!     })
//!     .collect();
//! let (frame, problems) = Frame::from_text(&headers, &rows, &[]);
//! assert!(problems.is_empty());
//! let mut opts = TrainOptions::new(Targets::TwoStage {
//!     contact: "contacted".into(), contact_positive: None,
//!     booking: "booked".into(), booking_positive: None,
//! });
//! opts.families = vec!["logistic".into()];
//! let (model, report) = LeadModel::train(&frame, &opts)?;
//! assert!(report.final_metrics.unwrap().roc_auc > 0.85);
//! let scored = model.score(&frame)?;
//! assert_eq!(scored.score.len(), 400);
//! assert!(scored.decile.iter().all(|d| (1..=10).contains(d)));
//! # Ok::<(), crm_leadscore::Error>(())
//! ```
//!
//! # Crate features
//! * **serde** - derives `Serialize` / `Deserialize` for the parameters ([`TrainOptions`],
//!   [`Targets`], [`SplitKind`], [`ThresholdRule`]) and the results ([`Scored`],
//!   [`TrainReport`], [`StageReport`], [`Candidate`], [`Metrics`], [`Confusion`],
//!   [`Decile`], [`CalibrationBin`], [`Monitoring`], [`Suspicious`], [`Split`],
//!   [`Problem`]). Off by default. The saved [`LeadModel`] and everything in it
//!   ([`Model`], [`ModelSpec`], [`Encoder`], [`FeatureSpec`], [`ColumnType`], [`PsiBins`],
//!   the fitted families and their params) serialise without it: serde and serde_json are
//!   regular dependencies for that JSON format ([`PIPELINE_FORMAT`]).
//!
//! # Dependencies
//! forust-ml (boosted trees; the XGBoost algorithm in pure Rust), rayon (trees in
//! parallel), rand + rand_chacha (seeded bootstraps and searches), serde / serde_json
//! (saved pipelines), chrono (dates), crm-core (the text conventions and the quantile every
//! crm-rs crate shares). linfa-logistic and smartcore are not used; the module docs of
//! [`Logistic`] and [`Forest`] say why.

mod boosted;
mod error;
mod features;
mod forest;
mod frame;
mod logistic;
mod metrics;
mod model;
mod pipeline;
mod protocol;

pub use crate::boosted::{BoostParams, Boosted};
pub use crate::error::{Error, Result};
pub use crate::features::{
    Design, Encoder, FeatureSpec, Suspicious, feature_columns, suspicious_features,
};
pub use crate::forest::{Forest, ForestParams};
pub use crate::frame::{Column, ColumnType, Frame, Problem, Schema, Values};
pub use crate::logistic::Logistic;
pub use crate::metrics::{
    CalibrationBin, Confusion, Decile, Metrics, PsiBins, RocCurve, average_precision, brier,
    calibration, deciles, ks, log_loss, psi, psi_band, rank_groups, roc_auc, roc_curve,
};
pub use crate::model::{Model, ModelSpec, balanced_weights, permutation_importance};
pub use crate::pipeline::{
    Candidate, LeadModel, Monitoring, PIPELINE_FORMAT, Scored, SplitKind, Stage, StageReport,
    Targets, TrainOptions, TrainReport,
};
pub use crate::protocol::{
    Split, ThresholdRule, choose_threshold, random_search, stratified_kfold, stratified_split,
    time_split,
};
