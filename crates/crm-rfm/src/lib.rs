//! RFM analytics for CRM teams: Recency / Frequency / Monetary features and scores, named
//! segments, lifecycle stages, campaign audiences and segment backtests.
//!
//! Every definition is explicit and documented, because every public RFM tool defines and
//! bins RFM differently (R `rfm`, PyPI `rfm`, pymc-marketing, lifetimes, ...):
//!
//! * [`FeatureBuilder`] / [`Features`]: per customer `recency_days` (days from the last
//!   purchase to the as-of date), `frequency` (rows, distinct invoices or distinct days:
//!   [`FrequencyBasis`]), `monetary` (total or mean: [`MonetaryBasis`]), first and last
//!   purchase, tenure. Transactions after `as_of` are left out; returns follow a
//!   [`ReturnPolicy`]; bad rows become [`Reject`]s and every row is accounted for in
//!   [`Usage`]. Sums are Kahan-compensated exactly as pandas' `groupby().sum()`. Extra
//!   grouping keys ([`Transaction::keys`]: a store, a brand) give one row per customer and
//!   key values. [`Features::from_slice`] computes the same features from rows in memory on
//!   all cores.
//! * [`BtydBuilder`] / [`Btyd`]: the "buy till you die" definitions of lifetimes'
//!   `summary_data_from_transaction_data` (repeat frequency, age at last purchase, `T`,
//!   mean repeat spend, period flooring).
//! * [`Scores`]: 1..=n per dimension by [`Binning::Quantile`] (numpy/R type-7 thresholds,
//!   equal values share a score), [`Binning::Ntile`] (SQL `NTILE`) or
//!   [`Binning::CutPoints`], each returning its [`Thresholds`].
//! * [`SegmentRules`]: ordered score boxes, first match wins, unmatched customers are
//!   [`OTHERS`]; presets [`SegmentRules::r_rfm`] and [`SegmentRules::rf_map`]; a
//!   [`Coverage`] report of unmatched and shadowed cells; per-segment summaries.
//! * [`lifecycle`]: lead, first-timer, active, defecting, inactive ([`Stage`]), with
//!   configurable thresholds, from the features plus the registered customer list.
//! * [`select_audience`]: campaign lists from a [`Members`] table by an [`AudienceSpec`]
//!   (filters, exclusions of other campaigns, de-duplication, priority order, cap, a split
//!   sharing blank values proportionally), with a count at every step and a
//!   [`MemberStatus`] for every member.
//! * [`backtest`]: per-segment outcome rates with Wilson 95% intervals, lift over the
//!   overall rate, the chance a random pick of the same size does as well, and the
//!   cumulative capture curve; [`holdout`] builds the outcome from a later window.
//!
//! The crate does no I/O and never reads the clock: the as-of date is always an argument.
//!
//! # Example
//! ```
//! use chrono::NaiveDate;
//! use crm_rfm::{FeatureBuilder, FeatureOptions, ScoreOptions, Scores, SegmentRules};
//!
//! let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
//! let mut builder = FeatureBuilder::new(as_of, FeatureOptions::default());
//! let rows = [
//!     ("C1", "2025-12-30", "250000"), ("C1", "2025-11-02", "120000"),
//!     ("C2", "2024-06-15", "75000"),  ("C3", "2025-12-01", "1500000"),
//!     ("C3", "2025-10-10", "900000"), ("C3", "2025-07-07", "650000"),
//!     ("C4", "not a date", "10000"),  ("C5", "2026-02-01", "50000"),
//! ];
//! for (row, (customer, date, amount)) in rows.iter().enumerate() {
//!     builder.push_text(row as u64 + 1, customer, date, amount, None);
//! }
//! let features = builder.finish()?;
//! assert_eq!(features.len(), 3); // C4's row is rejected, C5 bought after the as-of date
//! assert_eq!(features.usage().rejected, 1);
//! assert_eq!(features.usage().after_as_of, 1);
//! let c3 = features.customer(2);
//! assert_eq!((c3.id, c3.recency_days, c3.frequency, c3.monetary), ("C3", 31, 3, 3_050_000.0));
//!
//! let scores = Scores::compute(&features, &ScoreOptions::new(3, Default::default()))?;
//! let rules = SegmentRules::rf_map();
//! let segments = rules.assign(&scores);
//! // C3 spent and bought most, but C1 bought more recently:
//! assert_eq!(scores.get(2).to_string(), "233");
//! assert_eq!(scores.thresholds()[1].cuts, [1.6666666666666665, 2.333333333333333]);
//! assert_eq!(segments.name(1), "Hibernating");
//! assert_eq!(segments.name(2), "At Risk");
//! # Ok::<(), crm_rfm::Error>(())
//! ```
//!
//! # Crate features
//! * **serde** - `Serialize` for the result types ([`CustomerFeatures`], [`RfmScore`],
//!   [`Thresholds`], [`SegmentSummary`], [`Coverage`], [`Lifecycle`], [`Audience`],
//!   [`Backtest`], [`BtydRow`], [`Reject`], ...) and `Serialize` / `Deserialize` for the
//!   options and rules ([`FeatureOptions`], [`ScoreOptions`], [`SegmentRules`],
//!   [`AudienceSpec`], ...). Off by default.
//!
//! # Dependencies
//! crm-core for the text conventions every crm-rs crate shares (dates such as
//! `14-03-2025` or `20250314`, amounts such as `Rp 15.000.000` or `12,5`, mobile numbers,
//! e-mail syntax, numpy's linear quantile, segment names), chrono for dates, ndarray (0.16, the version linfa uses) for [`Features::to_array`],
//! and foldhash for hashing customer ids: interning ids is the hot loop of feature
//! computation, and foldhash (hashbrown's default hasher, seeded here with a constant)
//! is several times faster than `std`'s SipHash on short keys. rayon runs
//! [`Features::from_slice`] on all cores (its work-stealing pool is what the workspace's
//! other parallel code uses too).

mod audience;
mod backtest;
mod btyd;
mod error;
mod features;
mod intern;
mod lifecycle;
mod parallel;
mod score;
mod segment;
mod text;

pub use crate::audience::{
    Audience, AudienceSpec, AudienceSteps, Condition, Filter, MemberStatus, Members, Order,
    SplitGroup, select_audience,
};
pub use crate::backtest::{Backtest, CapturePoint, Holdout, SegmentOutcome, backtest, holdout};
pub use crate::btyd::{Btyd, BtydBuilder, BtydOptions, BtydRow, Period};
pub use crate::error::{Error, Reject, RejectReason, Result};
pub use crate::features::{
    CustomerFeatures, FeatureBuilder, FeatureOptions, Features, FrequencyBasis, MonetaryBasis,
    ReturnPolicy, Transaction, Usage,
};
pub use crate::lifecycle::{Lifecycle, LifecycleOptions, Stage, lifecycle};
pub use crate::parallel::{ChunkSink, ParallelFeatureBuilder, TransactionSink};
pub use crate::score::{Bin, Binning, Dimension, RfmScore, ScoreOptions, Scores, Thresholds};
pub use crate::segment::{
    Coverage, OTHERS, Rule, RuleCoverage, SegmentRules, SegmentSummary, Segments,
};
