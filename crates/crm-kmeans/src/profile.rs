//! The whole segmentation: preprocessing, K-Means, cluster ranking and names, profiles in
//! original units, and the model to save.

use crm_core::quantile_sorted;
use ndarray::{Array2, ArrayView2, Axis};

use crate::error::Error;
use crate::kmeans::KMeansParams;
use crate::model::{MODEL_FORMAT, Model};
use crate::scale::{Scaler, Scaling, Transform};

/// Names for clusters ranked from most to least valuable (for RFM-like features), in
/// crm-rfm's segment vocabulary (so a K-Means cluster and an RFM segment of the same kind of
/// customer have the same name).
pub const NAME_LADDER: [&str; 9] = {
    use crm_core::segment::*;
    [
        CHAMPIONS,
        LOYAL_CUSTOMERS,
        POTENTIAL_LOYALISTS,
        PROMISING,
        NEED_ATTENTION,
        ABOUT_TO_SLEEP,
        AT_RISK,
        HIBERNATING,
        LOST,
    ]
};

/// Default names for `k` ranked clusters: spread over [`NAME_LADDER`] (top = Champions,
/// bottom = Lost); `Cluster 1..k` when k > 9.
pub fn default_names(k: usize) -> Vec<String> {
    let l = NAME_LADDER.len();
    if k > l {
        return (1..=k).map(|i| format!("Cluster {i}")).collect();
    }
    if k == 1 {
        return vec![NAME_LADDER[0].to_string()];
    }
    (0..k)
        .map(|i| NAME_LADDER[((i * (l - 1)) as f64 / (k - 1) as f64).round() as usize].to_string())
        .collect()
}

/// One cluster in original units.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClusterProfile {
    /// Rank (0 = most valuable) = the cluster's label.
    pub cluster: usize,
    /// Its name.
    pub name: String,
    /// Rows in it.
    pub size: usize,
    /// Share of all rows (0..=1).
    pub share: f64,
    /// Mean of every feature over its rows.
    pub mean: Vec<f64>,
    /// Median of every feature.
    pub median: Vec<f64>,
    /// The centroid mapped back to original units (for `log1p` a geometric-like centre,
    /// not the mean).
    pub centroid: Vec<f64>,
    /// The value index used for ranking.
    pub value_index: f64,
}

/// Preprocessing + K-Means + ranking, the workflow of a segmentation analyst.
///
/// ```
/// use crm_kmeans::{Pipeline, Scaling, Transform};
/// use ndarray::array;
///
/// // recency_days, frequency, monetary
/// let x = array![
///     [5.0, 12.0, 9_000_000.0], [9.0, 10.0, 7_500_000.0], [12.0, 15.0, 11_000_000.0],
///     [300.0, 1.0, 150_000.0], [420.0, 1.0, 90_000.0], [380.0, 2.0, 300_000.0],
/// ];
/// let names = ["recency_days", "frequency", "monetary"].map(String::from).to_vec();
/// let seg = Pipeline::new(2).transform(Transform::Log1p).scaling(Scaling::Standard)
///     .fit(x.view(), &names)?;
/// assert_eq!(seg.labels, [0, 0, 0, 1, 1, 1]); // 0 = the most valuable cluster
/// assert_eq!(seg.profiles[0].name, "Champions");
/// assert_eq!(seg.model.predict(&names, array![[7.0, 11.0, 8_000_000.0]].view())?, [0]);
/// # Ok::<(), crm_kmeans::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[must_use]
pub struct Pipeline {
    transform: Transform,
    scaling: Scaling,
    kmeans: KMeansParams,
    weights: Option<Vec<f64>>,
    names: Option<Vec<String>>,
}

/// The result of [`Pipeline::fit`].
///
/// With the `serde` feature it serialises whole; `scaled` in ndarray's own layout
/// (`{"v": 1, "dim": [rows, columns], "data": [...]}`).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Clustering {
    /// The model to save and to assign new rows with.
    pub model: Model,
    /// Every row's cluster (0 = most valuable).
    pub labels: Vec<usize>,
    /// Per cluster, in rank order.
    pub profiles: Vec<ClusterProfile>,
    /// Inertia (scaled space, summed).
    pub inertia: f64,
    /// Iterations of the best run.
    pub n_iter: usize,
    /// Whether it converged before `max_n_iterations`.
    pub converged: bool,
    /// The scaled data that was clustered.
    pub scaled: Array2<f64>,
}

impl Pipeline {
    /// `k` clusters. Defaults: no transform, standard scaling, [`KMeansParams::new`].
    pub fn new(k: usize) -> Pipeline {
        Pipeline {
            transform: Transform::None,
            scaling: Scaling::Standard,
            kmeans: KMeansParams::new(k),
            weights: None,
            names: None,
        }
    }

    /// The transform. Default: [`Transform::None`].
    pub fn transform(mut self, transform: Transform) -> Self {
        self.transform = transform;
        self
    }

    /// The scaling. Default: [`Scaling::Standard`].
    pub fn scaling(mut self, scaling: Scaling) -> Self {
        self.scaling = scaling;
        self
    }

    /// The K-Means parameters (the number of clusters included, which replaces the `k`
    /// given to [`Pipeline::new`]). Default: [`KMeansParams::new`].
    pub fn kmeans(mut self, kmeans: KMeansParams) -> Self {
        self.kmeans = kmeans;
        self
    }

    /// Ranking weights per feature: a cluster's value index is the sum of weight × its
    /// standardised mean. Default: -1 for features whose name contains `recency` (fewer
    /// days is better), +1 for the others.
    pub fn ranking(mut self, weights: Vec<f64>) -> Self {
        self.weights = Some(weights);
        self
    }

    /// Cluster names in rank order (default: [`default_names`]).
    pub fn names(mut self, names: Vec<String>) -> Self {
        self.names = Some(names);
        self
    }

    /// Scales, clusters, ranks and profiles `data` (rows = customers, columns named
    /// `features`).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when names or weights do not match; errors of
    /// [`Scaler::fit`] and [`KMeansParams::fit`].
    pub fn fit(&self, data: ArrayView2<'_, f64>, features: &[String]) -> Result<Clustering, Error> {
        let (n, d) = data.dim();
        if features.len() != d {
            return Err(Error::InvalidParameter {
                name: "features",
                reason: format!("{} names for {d} columns", features.len()),
            });
        }
        let scaler = Scaler::fit(data, self.transform, self.scaling, Some(features))?;
        let scaled = scaler.transform(data, Some(features))?;
        let fit = self.kmeans.fit(scaled.view())?;
        let k = self.kmeans.n_clusters();
        let weights = match &self.weights {
            Some(w) if w.len() == d => w.clone(),
            Some(w) => {
                return Err(Error::InvalidParameter {
                    name: "ranking",
                    reason: format!("{} weights for {d} features", w.len()),
                });
            }
            None => features
                .iter()
                .map(|f| if f.to_lowercase().contains("recency") { -1.0 } else { 1.0 })
                .collect(),
        };
        let names = match &self.names {
            Some(names) if names.len() == k => names.clone(),
            Some(names) => {
                return Err(Error::InvalidParameter {
                    name: "names",
                    reason: format!("{} names for {k} clusters", names.len()),
                });
            }
            None => default_names(k),
        };
        // Per original cluster: rows, then means standardised over all rows.
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
        for (i, &l) in fit.labels.iter().enumerate() {
            members[l].push(i);
        }
        let mean_all = data.mean_axis(Axis(0)).expect("n > 0");
        let std_all: Vec<f64> = (0..d)
            .map(|j| {
                let m = mean_all[j];
                let v = data.column(j).iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n as f64;
                if v > 0.0 { v.sqrt() } else { 1.0 }
            })
            .collect();
        let means: Vec<Vec<f64>> = members
            .iter()
            .map(|rows| {
                (0..d)
                    .map(|j| {
                        if rows.is_empty() {
                            f64::NAN
                        } else {
                            rows.iter().map(|&i| data[[i, j]]).sum::<f64>() / rows.len() as f64
                        }
                    })
                    .collect()
            })
            .collect();
        let value: Vec<f64> = means
            .iter()
            .map(|m| (0..d).map(|j| weights[j] * (m[j] - mean_all[j]) / std_all[j]).sum::<f64>())
            .collect();
        // Rank: highest value first; ties by original label (deterministic).
        let mut order: Vec<usize> = (0..k).collect();
        order.sort_by(|&a, &b| value[b].total_cmp(&value[a]).then(a.cmp(&b)));
        let mut rank_of = vec![0usize; k];
        for (r, &c) in order.iter().enumerate() {
            rank_of[c] = r;
        }
        let labels: Vec<usize> = fit.labels.iter().map(|&l| rank_of[l]).collect();
        let centroids: Vec<Vec<f64>> =
            order.iter().map(|&c| fit.centroids.row(c).to_vec()).collect();
        let model = Model {
            format: MODEL_FORMAT,
            crate_version: env!("CARGO_PKG_VERSION").to_string(),
            features: features.to_vec(),
            scaler,
            centroids,
            names: names.clone(),
            inertia: fit.inertia,
        };
        let original = model.centroids_original();
        let profiles = order
            .iter()
            .enumerate()
            .map(|(r, &c)| {
                let rows = &members[c];
                let median = (0..d)
                    .map(|j| {
                        let mut v: Vec<f64> = rows.iter().map(|&i| data[[i, j]]).collect();
                        if v.is_empty() {
                            return f64::NAN;
                        }
                        v.sort_unstable_by(f64::total_cmp);
                        quantile_sorted(&v, 0.5)
                    })
                    .collect();
                ClusterProfile {
                    cluster: r,
                    name: names[r].clone(),
                    size: rows.len(),
                    share: rows.len() as f64 / n as f64,
                    mean: means[c].clone(),
                    median,
                    centroid: original.row(r).to_vec(),
                    value_index: value[c],
                }
            })
            .collect();
        Ok(Clustering {
            model,
            labels,
            profiles,
            inertia: fit.inertia,
            n_iter: fit.n_iter,
            converged: fit.converged,
            scaled,
        })
    }
}
