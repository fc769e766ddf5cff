//! Customer clustering for CRM segmentation: scaling, exact fast K-Means, choosing k,
//! cluster profiles and names, and saved models that assign new customers.
//!
//! * [`FeatureMatrix::from_text`]: rows of text to the feature matrix, the rows whose
//!   features are not all numbers as [`RowReject`]s (every row accounted for).
//! * [`Scaler`]: `log1p` ([`Transform`]) then standard, robust or min-max [`Scaling`],
//!   fitted on training data; NaN and infinities are typed errors naming row and column.
//! * [`KMeans::params`] gives [`KMeansParams`], whose [`fit`](KMeansParams::fit) returns a
//!   fitted [`KMeans`] (linfa's names): scikit-learn's semantics — greedy k-means++
//!   (2 + ⌊ln k⌋ candidates per step) or random [`Init`], `n_runs` restarts run in
//!   parallel keeping the lowest inertia, a tolerance relative to the mean feature variance
//!   plus the "labels unchanged" stop, empty clusters relocated to the farthest points,
//!   sample weights, inertia as a sum. The same seed gives the same result on any number
//!   of threads. [`Algorithm::Hamerly`] (chosen automatically for up to 20 features) gives
//!   the same labels as Lloyd's algorithm from the same start while skipping most distance
//!   computations. Labels are `usize` indices into the centroids everywhere.
//! * [`choose_k`]: inertia curve with a [`knee`] ([`kneedle`]), [`silhouette`] (exact or
//!   [`silhouette_sampled`]), [`simplified_silhouette`], [`davies_bouldin`],
//!   [`calinski_harabasz`], and a recommended k with the reason.
//! * [`Pipeline`]: preprocessing + K-Means + clusters ranked by value (cluster 0 is the
//!   best; recency counts negatively), named from [`NAME_LADDER`], profiled in original
//!   units ([`ClusterProfile`]), and a [`Model`] saved as JSON whose
//!   [`predict`](Model::predict) refuses data with other features.
//!
//! # Example
//! ```
//! use crm_kmeans::{KMeans, Pipeline, Scaling, Transform, Model};
//! use crm_kmeans::ndarray::Array2;
//!
//! // 300 customers: recency_days, frequency, monetary, in three groups.
//! let rows: Vec<[f64; 3]> = (0..300)
//!     .map(|i| match i % 3 {
//!         0 => [5.0 + (i % 7) as f64, 20.0 + (i % 5) as f64, 9e6 + 1e5 * (i % 4) as f64],
//!         1 => [90.0 + (i % 11) as f64, 4.0 + (i % 3) as f64, 1.5e6 + 1e4 * (i % 9) as f64],
//!         _ => [400.0 + (i % 13) as f64, 1.0, 1e5 + 1e3 * (i % 6) as f64],
//!     })
//!     .collect();
//! let x = Array2::from_shape_vec((300, 3), rows.concat()).unwrap();
//! let features = ["recency_days", "frequency", "monetary"].map(String::from).to_vec();
//!
//! let seg = Pipeline::new(3)
//!     .transform(Transform::Log1p)
//!     .scaling(Scaling::Standard)
//!     .kmeans(KMeans::params(3).n_runs(10).seed(42))
//!     .fit(x.view(), &features)?;
//! assert_eq!(seg.profiles.iter().map(|p| p.size).collect::<Vec<_>>(), [100, 100, 100]);
//! assert_eq!(seg.profiles[0].name, "Champions");
//! assert_eq!(seg.labels[0], 0); // the first customer is in the top cluster
//!
//! // Save, load, and assign new customers; other columns are refused.
//! let model = Model::from_json(&seg.model.to_json())?;
//! let new = crm_kmeans::ndarray::array![[410.0, 1.0, 120_000.0]];
//! assert_eq!(model.predict(&features, new.view())?, [2]);
//! let swapped = ["frequency", "recency_days", "monetary"].map(String::from).to_vec();
//! assert!(model.predict(&swapped, new.view()).is_err());
//! # Ok::<(), crm_kmeans::Error>(())
//! ```
//!
//! # Crate features
//! * **serde** - derives `Serialize` / `Deserialize` for the parameters ([`KMeansParams`],
//!   [`Init`], [`Algorithm`], [`Pipeline`]) and the results ([`KMeans`], [`Clustering`],
//!   [`ClusterProfile`], [`KSelection`], [`KScore`], [`Kneedle`]); arrays in ndarray's serde
//!   layout (it enables `ndarray/serde`). Off by default. The saved [`Model`] and what it
//!   holds ([`Scaler`], [`Transform`], [`Scaling`]) serialise without it: serde and
//!   serde_json are regular dependencies for that JSON format ([`MODEL_FORMAT`]).
//!
//! # Dependencies
//! ndarray 0.16 (the version linfa uses, so arrays pass between this crate, crm-rfm and
//! linfa without conversion), rayon (parallel restarts and silhouettes), rand +
//! rand_chacha (seeded, reproducible streams per restart), serde/serde_json (models),
//! crm-core (the quantile every crm-rs crate uses).
//! linfa-clustering itself is not used: 0.8 has no Hamerly, an absolute tolerance without
//! the labels-unchanged stop, a slower k-means++, and reports cluster counts of the last
//! restart rather than the best.

mod choose;
mod error;
mod hamerly;
mod kmeans;
mod matrix;
mod metrics;
mod model;
mod profile;
mod scale;

/// The ndarray this crate's signatures use (0.16, linfa's); `cargo add ndarray` may pick an
/// incompatible version, so name arrays through this re-export.
pub use ndarray;

pub use crate::choose::{KScore, KSelection, Kneedle, choose_k, knee, kneedle};
pub use crate::error::{Error, Result};
pub use crate::kmeans::{Algorithm, Init, KMeans, KMeansParams, fit_from_start};
pub use crate::matrix::{FeatureMatrix, RejectReason, RowReject};
pub use crate::metrics::{
    calinski_harabasz, davies_bouldin, silhouette, silhouette_sampled, simplified_silhouette,
};
pub use crate::model::{MODEL_FORMAT, Model};
pub use crate::profile::{ClusterProfile, Clustering, NAME_LADDER, Pipeline, default_names};
pub use crate::scale::{Scaler, Scaling, Transform};
