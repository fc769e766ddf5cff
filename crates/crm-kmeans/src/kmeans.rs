//! K-Means with scikit-learn's semantics: greedy k-means++, restarts, a tolerance relative
//! to the data's variance plus the "labels unchanged" stop, empty-cluster relocation,
//! sample weights, inertia as a sum. Lloyd's algorithm, or Hamerly's exact acceleration.

use ndarray::{Array2, ArrayView1, ArrayView2};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::error::Error;

/// How the first centroids are chosen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Init {
    /// Greedy k-means++ (scikit-learn's): each new centroid is the best of `2 + ⌊ln k⌋`
    /// candidates drawn with probability ∝ weight × squared distance to the nearest
    /// centroid so far.
    #[default]
    KMeansPlusPlus,
    /// `k` distinct points drawn with probability ∝ weight.
    Random,
}

/// The assignment algorithm. Both give the same labels, centroids and inertia from the same
/// start ("exact"); they differ in speed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Algorithm {
    /// Hamerly for up to 20 features (where its bounds prune most distance computations),
    /// Lloyd above.
    #[default]
    Auto,
    /// Every point against every centroid, every iteration.
    Lloyd,
    /// Hamerly (2010): an upper bound on the distance to the own centroid and a lower
    /// bound on the distance to every other one skip points that cannot change cluster.
    Hamerly,
}

/// K-Means hyperparameters, a consuming builder: [`KMeans::params`] sets the number of
/// clusters, the setters the rest, and [`fit`](Self::fit) returns the fitted [`KMeans`]
/// (linfa's `KMeansParams` → `fit` → `KMeans`).
///
/// ```
/// use crm_kmeans::KMeans;
/// use ndarray::array;
///
/// let x = array![[1.0, 1.0], [1.2, 0.8], [0.9, 1.1], [8.0, 8.0], [8.2, 7.9], [7.8, 8.1]];
/// let model = KMeans::params(2).seed(7).fit(x.view())?;
/// assert_eq!(model.labels[0], model.labels[1]);
/// assert_ne!(model.labels[0], model.labels[3]);
/// assert!(model.inertia < 0.5);
/// assert_eq!(model.predict(array![[8.1, 8.0]].view())?, [model.labels[3]]);
/// # Ok::<(), crm_kmeans::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[must_use]
pub struct KMeansParams {
    n_clusters: usize,
    init: Init,
    n_runs: usize,
    max_n_iterations: usize,
    tolerance: f64,
    seed: u64,
    algorithm: Algorithm,
}

impl KMeansParams {
    /// `n_clusters` clusters with the defaults: k-means++, 10 runs, 300 iterations,
    /// tolerance 1e-4 (relative to the mean feature variance), seed 0, automatic
    /// algorithm. The same as [`KMeans::params`].
    pub fn new(n_clusters: usize) -> KMeansParams {
        KMeansParams {
            n_clusters,
            init: Init::KMeansPlusPlus,
            n_runs: 10,
            max_n_iterations: 300,
            tolerance: 1e-4,
            seed: 0,
            algorithm: Algorithm::Auto,
        }
    }

    /// The initialisation. Default: [`Init::KMeansPlusPlus`].
    pub fn init_method(mut self, init: Init) -> Self {
        self.init = init;
        self
    }

    /// Runs (restarts), each from its own seeded start; the lowest inertia wins
    /// (scikit-learn's `n_init`). At least 1. Default: 10.
    pub fn n_runs(mut self, n_runs: usize) -> Self {
        self.n_runs = n_runs;
        self
    }

    /// Iterations per run, at least 1 (scikit-learn's `max_iter`). Default: 300.
    pub fn max_n_iterations(mut self, max_n_iterations: usize) -> Self {
        self.max_n_iterations = max_n_iterations;
        self
    }

    /// A run stops when the squared centroid movement summed over centroids is at most
    /// `tolerance ×` the mean per-feature variance of the data (or when no label changes);
    /// scikit-learn's `tol`. Default: 1e-4.
    pub fn tolerance(mut self, tolerance: f64) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The seed: the same seed gives the same result, whatever the number of threads.
    /// Default: 0.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The algorithm. Default: [`Algorithm::Auto`].
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// The number of clusters.
    pub fn n_clusters(&self) -> usize {
        self.n_clusters
    }

    /// The same parameters with another number of clusters.
    pub fn with_n_clusters(mut self, n_clusters: usize) -> Self {
        self.n_clusters = n_clusters;
        self
    }

    /// Checks the parameters that do not depend on the data.
    fn check_ref(&self) -> Result<(), Error> {
        if self.n_runs == 0 {
            return Err(Error::InvalidParameter {
                name: "n_runs",
                reason: "must be at least 1".into(),
            });
        }
        if self.max_n_iterations == 0 {
            return Err(Error::InvalidParameter {
                name: "max_n_iterations",
                reason: "must be at least 1".into(),
            });
        }
        if !(self.tolerance >= 0.0 && self.tolerance.is_finite()) {
            return Err(Error::InvalidParameter {
                name: "tolerance",
                reason: format!("{} is not a finite number >= 0", self.tolerance),
            });
        }
        Ok(())
    }

    /// Clusters the rows of `data` (all weights 1).
    ///
    /// # Errors
    /// [`Error::Empty`], [`Error::InvalidK`], [`Error::NotFinite`],
    /// [`Error::InvalidParameter`].
    pub fn fit(&self, data: ArrayView2<'_, f64>) -> Result<KMeans, Error> {
        self.fit_weighted(data, None)
    }

    /// Clusters the rows of `data` with per-row weights (used in initialisation, centroid
    /// updates and inertia, as scikit-learn's `sample_weight`; the tolerance stays relative
    /// to the unweighted variance, as scikit-learn's).
    ///
    /// # Errors
    /// As [`fit`](Self::fit), plus [`Error::Weights`].
    pub fn fit_weighted(
        &self,
        data: ArrayView2<'_, f64>,
        weights: Option<ArrayView1<'_, f64>>,
    ) -> Result<KMeans, Error> {
        let (n, d) = data.dim();
        if n == 0 || d == 0 {
            return Err(Error::Empty { rows: n, columns: d });
        }
        if self.n_clusters == 0 || self.n_clusters > n {
            return Err(Error::InvalidK { k: self.n_clusters, rows: n });
        }
        self.check_ref()?;
        let (x, w) = prepare(data, weights)?;
        let tol_abs = self.tolerance * mean_variance(&x, d);
        let hamerly = match self.algorithm {
            Algorithm::Lloyd => false,
            Algorithm::Hamerly => true,
            Algorithm::Auto => d <= 20 && self.n_clusters > 1,
        };
        let runs = match d {
            1 => self.runs(&Data::<1> { x: &x, w: &w, n, d }, tol_abs, hamerly),
            2 => self.runs(&Data::<2> { x: &x, w: &w, n, d }, tol_abs, hamerly),
            3 => self.runs(&Data::<3> { x: &x, w: &w, n, d }, tol_abs, hamerly),
            4 => self.runs(&Data::<4> { x: &x, w: &w, n, d }, tol_abs, hamerly),
            5 => self.runs(&Data::<5> { x: &x, w: &w, n, d }, tol_abs, hamerly),
            6 => self.runs(&Data::<6> { x: &x, w: &w, n, d }, tol_abs, hamerly),
            7 => self.runs(&Data::<7> { x: &x, w: &w, n, d }, tol_abs, hamerly),
            8 => self.runs(&Data::<8> { x: &x, w: &w, n, d }, tol_abs, hamerly),
            _ => self.runs(&Data::<0> { x: &x, w: &w, n, d }, tol_abs, hamerly),
        };
        let inertias: Vec<f64> = runs.iter().map(|r| r.inertia).collect();
        let best = runs
            .into_iter()
            .enumerate()
            .min_by(|(i, a), (j, b)| a.inertia.total_cmp(&b.inertia).then(i.cmp(j)))
            .map(|(_, r)| r)
            .expect("n_runs >= 1");
        Ok(best.into_model(self.n_clusters, d, inertias))
    }
}

/// Row-major data (borrowed when the array already is, copied otherwise) and the weights,
/// checked: finite values, weights finite, `>= 0`, not all 0, one per row.
fn prepare<'a>(
    data: ArrayView2<'a, f64>,
    weights: Option<ArrayView1<'_, f64>>,
) -> Result<(std::borrow::Cow<'a, [f64]>, Vec<f64>), Error> {
    let (n, d) = data.dim();
    let x: std::borrow::Cow<'a, [f64]> = match data.to_slice() {
        Some(s) => std::borrow::Cow::Borrowed(s),
        None => std::borrow::Cow::Owned(data.iter().copied().collect()),
    };
    if let Some(p) = x.iter().position(|v| !v.is_finite()) {
        return Err(Error::NotFinite {
            row: (p / d) as u64 + 1,
            column: format!("#{}", p % d),
            value: x[p],
        });
    }
    let w: Vec<f64> = match weights {
        None => vec![1.0; n],
        Some(w) => {
            if w.len() != n {
                return Err(Error::Weights(format!("{} weights for {n} rows", w.len())));
            }
            if let Some(i) = w.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
                return Err(Error::Weights(format!(
                    "row {}: weight {} is not a finite number >= 0",
                    i + 1,
                    w[i]
                )));
            }
            if w.iter().all(|v| *v == 0.0) {
                return Err(Error::Weights("all weights are 0".into()));
            }
            w.to_vec()
        }
    };
    Ok((x, w))
}

impl KMeansParams {
    /// Every run, in parallel; run `r` draws from stream `r` of the seed, so the result
    /// does not depend on the number of threads.
    fn runs<const D: usize>(&self, data: &Data<'_, D>, tol_abs: f64, hamerly: bool) -> Vec<Run> {
        (0..self.n_runs)
            .into_par_iter()
            .map(|run| {
                let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
                rng.set_stream(run as u64);
                let k = self.n_clusters;
                let start = match self.init {
                    Init::KMeansPlusPlus => kmeans_plusplus(data, k, &mut rng),
                    Init::Random => {
                        Start { centers: random_init(data, k, &mut rng), assignment: None }
                    }
                };
                dispatch(data, start, k, self.max_n_iterations, tol_abs, hamerly)
            })
            .collect()
    }
}

/// A fitted K-Means: the best run of [`KMeansParams::fit`].
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KMeans {
    /// `k × features` centroids.
    pub centroids: Array2<f64>,
    /// The cluster of every row: an index into the rows of `centroids`.
    pub labels: Vec<usize>,
    /// Sum over rows of weight × squared distance to the own centroid (scikit-learn's
    /// `inertia_`).
    pub inertia: f64,
    /// Iterations of the best run.
    pub n_iter: usize,
    /// Whether the best run stopped by the labels or the tolerance, not
    /// `max_n_iterations`.
    pub converged: bool,
    /// Rows per cluster (of the best run, from its final labels).
    pub counts: Vec<usize>,
    /// Inertia of every run, in run order.
    pub run_inertias: Vec<f64>,
}

impl KMeans {
    /// The hyperparameters for `n_clusters` clusters, with the defaults of
    /// [`KMeansParams::new`].
    pub fn params(n_clusters: usize) -> KMeansParams {
        KMeansParams::new(n_clusters)
    }

    /// The cluster of each row of `data`: its nearest centroid (lowest index on ties).
    ///
    /// # Errors
    /// [`Error::FeatureMismatch`] when the column count differs; [`Error::NotFinite`].
    pub fn predict(&self, data: ArrayView2<'_, f64>) -> Result<Vec<usize>, Error> {
        predict(self.centroids.view(), data)
    }
}

/// Nearest-centroid labels.
pub(crate) fn predict(
    centroids: ArrayView2<'_, f64>,
    data: ArrayView2<'_, f64>,
) -> Result<Vec<usize>, Error> {
    let d = centroids.ncols();
    if data.ncols() != d {
        return Err(Error::FeatureMismatch {
            expected: format!("{d} columns"),
            found: format!("{} columns", data.ncols()),
        });
    }
    let c: Vec<f64> = centroids.iter().copied().collect();
    let mut out = Vec::with_capacity(data.nrows());
    let mut row = vec![0.0; d];
    for (i, r) in data.rows().into_iter().enumerate() {
        for (j, v) in r.iter().enumerate() {
            if !v.is_finite() {
                return Err(Error::NotFinite {
                    row: i as u64 + 1,
                    column: format!("#{j}"),
                    value: *v,
                });
            }
            row[j] = *v;
        }
        out.push(nearest(&row, &c, d).0);
    }
    Ok(out)
}

/// Row-major data; `D` is the number of features when it is a compile-time constant
/// (1 to 8: distance loops unrolled), 0 when it is only known at run time.
pub(crate) struct Data<'a, const D: usize> {
    pub(crate) x: &'a [f64],
    pub(crate) w: &'a [f64],
    pub(crate) n: usize,
    pub(crate) d: usize,
}

impl<const D: usize> Data<'_, D> {
    #[inline(always)]
    pub(crate) fn d(&self) -> usize {
        if D == 0 { self.d } else { D }
    }

    #[inline(always)]
    pub(crate) fn row(&self, i: usize) -> &[f64] {
        let d = self.d();
        &self.x[i * d..(i + 1) * d]
    }
}

pub(crate) struct Run {
    centers: Vec<f64>,
    labels: Vec<u32>,
    inertia: f64,
    n_iter: usize,
    converged: bool,
}

impl Run {
    /// The public model of this run (labels widened from the `u32` the loops use to keep
    /// the label array small).
    fn into_model(self, k: usize, d: usize, run_inertias: Vec<f64>) -> KMeans {
        let labels: Vec<usize> = self.labels.iter().map(|&l| l as usize).collect();
        let mut counts = vec![0usize; k];
        for &l in &labels {
            counts[l] += 1;
        }
        KMeans {
            centroids: Array2::from_shape_vec((k, d), self.centers).expect("k x d centroids"),
            labels,
            inertia: self.inertia,
            n_iter: self.n_iter,
            converged: self.converged,
            counts,
            run_inertias,
        }
    }
}

/// The mean over features of the variance (two passes, for accuracy). Unweighted even
/// for a weighted fit: scikit-learn's `_tolerance` uses `np.var(X, axis=0)`, and the same
/// stopping rule gives the same iterations.
fn mean_variance(x: &[f64], d: usize) -> f64 {
    let n = (x.len() / d) as f64;
    let mut mean = vec![0.0; d];
    for row in x.chunks_exact(d) {
        for (m, v) in mean.iter_mut().zip(row) {
            *m += v;
        }
    }
    mean.iter_mut().for_each(|m| *m /= n);
    let mut var = vec![0.0; d];
    for row in x.chunks_exact(d) {
        for ((s, v), m) in var.iter_mut().zip(row).zip(&mean) {
            *s += (v - m) * (v - m);
        }
    }
    var.iter().sum::<f64>() / n / d as f64
}

/// Squared Euclidean distance.
#[inline(always)]
pub(crate) fn dist2(a: &[f64], b: &[f64]) -> f64 {
    // `a` is a row whose length is a compile-time constant in the specialised kernels:
    // re-slicing `b` to it lets the loop unroll with one bounds check.
    let b = &b[..a.len()];
    let mut s = 0.0;
    for i in 0..a.len() {
        let t = a[i] - b[i];
        s += t * t;
    }
    s
}

/// The nearest centroid and its squared distance (lowest index on ties).
#[inline(always)]
pub(crate) fn nearest(x: &[f64], centers: &[f64], d: usize) -> (usize, f64) {
    let mut best = (0, f64::INFINITY);
    for (j, c) in centers.chunks_exact(d).enumerate() {
        let dd = dist2(x, c);
        if dd < best.1 {
            best = (j, dd);
        }
    }
    best
}

/// scikit-learn's greedy k-means++.
/// Initial centroids, with the assignment to them when the initialisation computed it on
/// the way (k-means++ does): the first iteration then skips its assignment step.
pub(crate) struct Start {
    pub(crate) centers: Vec<f64>,
    /// Per row: nearest centroid (lowest index on ties), squared distance to it and to the
    /// second nearest, exactly as a full assignment computes them.
    pub(crate) assignment: Option<(Vec<u32>, Vec<f64>, Vec<f64>)>,
}

/// scikit-learn's greedy k-means++. All candidates of a step are scored in one pass over
/// the data; the nearest and second-nearest chosen centroid of every row are kept up to
/// date, which is the first assignment of Lloyd and the bounds of Hamerly.
pub(crate) fn kmeans_plusplus<const D: usize>(
    data: &Data<'_, D>,
    k: usize,
    rng: &mut ChaCha8Rng,
) -> Start {
    let (n, d) = (data.n, data.d());
    let mut centers = Vec::with_capacity(k * d);
    let total: f64 = data.w.iter().sum();
    let mut first = [(rng.random::<f64>() * total, 0usize)];
    let mut ids = [0usize];
    resolve(data.w.iter().copied(), &mut first, &mut ids);
    let chosen = data.row(ids[0]);
    centers.extend_from_slice(chosen);
    let mut labels = vec![0u32; n];
    let mut d1: Vec<f64> = data.x.chunks_exact(d).map(|x| dist2(x, chosen)).collect();
    let mut d2 = vec![f64::INFINITY; n];
    let mut pot: f64 = d1.iter().zip(data.w).map(|(c, w)| c * w).sum();
    let trials = 2 + (k as f64).ln() as usize;
    let mut ids = vec![0usize; trials];
    let mut targets: Vec<(f64, usize)> = Vec::with_capacity(trials);
    let draw = |rng: &mut ChaCha8Rng, pot: f64, targets: &mut Vec<(f64, usize)>| {
        targets.clear();
        targets.extend((0..trials).map(|t| (rng.random::<f64>() * pot, t)));
        targets.sort_by(|a, b| a.0.total_cmp(&b.0));
    };
    draw(rng, pot, &mut targets);
    resolve(d1.iter().zip(data.w).map(|(v, w)| v * w), &mut targets, &mut ids);
    let mut cand = vec![0.0; trials * d];
    let mut pots = vec![0.0; trials];
    for c in 1..k {
        for (t, &id) in ids.iter().enumerate() {
            cand[t * d..(t + 1) * d].copy_from_slice(data.row(id));
        }
        // The potential of every candidate: four candidates per pass over the data, with
        // their sums in registers.
        for group in (0..trials).step_by(4) {
            // Candidates transposed (feature-major), so the four distances of a row are
            // computed lane-wise (one SIMD vector on AVX2).
            let ct: Vec<[f64; 4]> = (0..d)
                .map(|f| {
                    std::array::from_fn(|g| {
                        let t = (group + g).min(trials - 1);
                        cand[t * d + f]
                    })
                })
                .collect();
            let mut acc = [0.0f64; 4];
            for ((x, &old), &w) in data.x.chunks_exact(d).zip(&d1).zip(data.w) {
                let mut s = [0.0f64; 4];
                for (xf, cf) in x.iter().zip(&ct) {
                    for g in 0..4 {
                        let u = xf - cf[g];
                        s[g] += u * u;
                    }
                }
                for g in 0..4 {
                    acc[g] += s[g].min(old) * w;
                }
            }
            for g in 0..4 {
                if group + g < trials {
                    pots[group + g] = acc[g];
                }
            }
        }
        // numpy's argmin: the first of equal potentials.
        let best = (0..trials).fold(0, |b, t| if pots[t] < pots[b] { t } else { b });
        pot = pots[best];
        let chosen: Vec<f64> = data.row(ids[best]).to_vec();
        centers.extend_from_slice(&chosen);
        // One pass: the new nearest / second-nearest of every row, and (the potential being
        // known) the candidates of the next step sampled from the running sum, which adds
        // the same terms in the same order as the potential did.
        let next = c + 1 < k;
        if next {
            draw(rng, pot, &mut targets);
        }
        let (mut running, mut slot) = (0.0, 0);
        for (i, x) in data.x.chunks_exact(d).enumerate() {
            let v = dist2(x, &chosen);
            // Selects, not branches: which case a row falls in is unpredictable early on.
            let (old1, old2) = (d1[i], d2[i]);
            let nearer = v < old1;
            d2[i] = if nearer { old1 } else { v.min(old2) };
            d1[i] = if nearer { v } else { old1 };
            labels[i] = if nearer { c as u32 } else { labels[i] };
            if next && slot < targets.len() {
                running += d1[i] * data.w[i];
                while slot < targets.len() && targets[slot].0 <= running {
                    ids[targets[slot].1] = i;
                    slot += 1;
                }
            }
        }
        // Rounding can leave a target past the end: numpy clips to the last row.
        for t in &targets[slot.min(targets.len())..] {
            ids[t.1] = n - 1;
        }
    }
    Start { centers, assignment: Some((labels, d1, d2)) }
}

/// numpy's `searchsorted(cumsum(values), target)` for sorted `(target, slot)` pairs in one
/// pass: `ids[slot]` = the first index whose running sum reaches the target (the last
/// index when rounding leaves a target beyond the total).
fn resolve(values: impl Iterator<Item = f64>, targets: &mut [(f64, usize)], ids: &mut [usize]) {
    let (mut running, mut slot, mut last) = (0.0, 0, 0);
    for (i, v) in values.enumerate() {
        running += v;
        last = i;
        while slot < targets.len() && targets[slot].0 <= running {
            ids[targets[slot].1] = i;
            slot += 1;
        }
        if slot == targets.len() {
            return;
        }
    }
    for t in &targets[slot..] {
        ids[t.1] = last;
    }
}

/// `k` distinct rows drawn with probability ∝ weight (zero-weight rows only when needed).
fn random_init<const D: usize>(data: &Data<'_, D>, k: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
    let mut w = data.w.to_vec();
    let mut used = vec![false; data.n];
    let mut centers = Vec::with_capacity(k * data.d());
    for _ in 0..k {
        let total: f64 = w.iter().sum();
        let i = if total > 0.0 {
            let mut r = rng.random::<f64>() * total;
            let mut pick = None;
            for (j, v) in w.iter().enumerate() {
                if *v > 0.0 {
                    pick = Some(j);
                    if r < *v {
                        break;
                    }
                    r -= v;
                }
            }
            pick.expect("a positive weight")
        } else {
            // Only zero-weight rows are left: take the first unused one.
            used.iter().position(|u| !u).expect("k <= rows")
        };
        used[i] = true;
        w[i] = 0.0;
        centers.extend_from_slice(data.row(i));
    }
    centers
}

fn dispatch<const D: usize>(
    data: &Data<'_, D>,
    start: Start,
    k: usize,
    max_iter: usize,
    tol: f64,
    hamerly: bool,
) -> Run {
    if hamerly {
        crate::hamerly::run(data, start, k, max_iter, tol)
    } else {
        lloyd(data, start, k, max_iter, tol)
    }
}

/// Weighted sums per cluster → means; empty clusters get the farthest points.
/// Returns the new centers and the sum of squared centre shifts.
pub(crate) fn update_centers<const D: usize>(
    data: &Data<'_, D>,
    labels: &[u32],
    old: &[f64],
    k: usize,
    far: impl Fn(usize) -> f64,
) -> (Vec<f64>, f64) {
    let d = data.d();
    let mut sums = Sums::new(k, d);
    for (i, &l) in labels.iter().enumerate() {
        sums.add(data, i, l as usize);
    }
    finish_centers(data, labels, old, k, far, sums)
}

/// Weighted sums of the rows of each cluster, added in row order.
pub(crate) struct Sums {
    sums: Vec<f64>,
    wsum: Vec<f64>,
}

impl Sums {
    pub(crate) fn new(k: usize, d: usize) -> Sums {
        Sums { sums: vec![0.0; k * d], wsum: vec![0.0; k] }
    }

    #[inline(always)]
    pub(crate) fn add<const D: usize>(&mut self, data: &Data<'_, D>, i: usize, l: usize) {
        let d = data.d();
        let w = data.w[i];
        self.wsum[l] += w;
        for (s, v) in self.sums[l * d..(l + 1) * d].iter_mut().zip(data.row(i)) {
            *s += v * w;
        }
    }
}

/// [`update_centers`] from sums already added up (by the assignment pass).
pub(crate) fn finish_centers<const D: usize>(
    data: &Data<'_, D>,
    labels: &[u32],
    old: &[f64],
    k: usize,
    far: impl Fn(usize) -> f64,
    sums: Sums,
) -> (Vec<f64>, f64) {
    let d = data.d();
    let Sums { mut sums, mut wsum } = sums;
    let empty: Vec<usize> = (0..k).filter(|&j| wsum[j] == 0.0).collect();
    if !empty.is_empty() {
        // scikit-learn: the points farthest from their (old) centre move to the empty
        // clusters, farthest first (ties: lower row).
        let mut order: Vec<usize> = (0..data.n).collect();
        let dist: Vec<f64> = (0..data.n).map(&far).collect();
        let m = empty.len().min(data.n);
        order.select_nth_unstable_by(m - 1, |&a, &b| dist[b].total_cmp(&dist[a]).then(a.cmp(&b)));
        order.truncate(m);
        order.sort_by(|&a, &b| dist[b].total_cmp(&dist[a]).then(a.cmp(&b)));
        for (&j, &i) in empty.iter().zip(&order) {
            let w = data.w[i];
            let from = labels[i] as usize;
            for (t, v) in data.row(i).iter().enumerate() {
                sums[from * d + t] -= v * w;
                sums[j * d + t] = v * w;
            }
            wsum[j] = w;
            wsum[from] -= w;
        }
    }
    let mut shift = 0.0;
    let mut new = vec![0.0; k * d];
    for j in 0..k {
        for t in 0..d {
            new[j * d + t] = if wsum[j] > 0.0 { sums[j * d + t] / wsum[j] } else { old[j * d + t] };
        }
        shift += dist2(&new[j * d..(j + 1) * d], &old[j * d..(j + 1) * d]);
    }
    (new, shift)
}

pub(crate) fn inertia<const D: usize>(data: &Data<'_, D>, centers: &[f64], labels: &[u32]) -> f64 {
    let d = data.d();
    labels
        .iter()
        .enumerate()
        .map(|(i, &l)| {
            data.w[i] * dist2(data.row(i), &centers[l as usize * d..(l as usize + 1) * d])
        })
        .sum()
}

fn lloyd<const D: usize>(
    data: &Data<'_, D>,
    start: Start,
    k: usize,
    max_iter: usize,
    tol: f64,
) -> Run {
    let (n, d) = (data.n, data.d());
    let mut centers = start.centers;
    let mut labels = vec![u32::MAX; n];
    let mut old_labels = vec![u32::MAX; n];
    let mut strict = false;
    let mut converged = false;
    let mut iters = 0;
    let mut given = start.assignment;
    let mut dists = vec![0.0; n];
    for _ in 0..max_iter {
        iters += 1;
        if let Some((l, d1, _)) = given.take() {
            labels = l;
            dists = d1;
        } else {
            for i in 0..n {
                let (j, dd) = nearest(data.row(i), &centers, d);
                labels[i] = j as u32;
                dists[i] = dd;
            }
        }
        let (new, shift) = update_centers(data, &labels, &centers, k, |i| dists[i]);
        centers = new;
        if labels == old_labels {
            strict = true;
            converged = true;
            break;
        }
        if shift <= tol {
            converged = true;
            break;
        }
        old_labels.copy_from_slice(&labels);
    }
    if !strict {
        for (i, l) in labels.iter_mut().enumerate() {
            *l = nearest(data.row(i), &centers, d).0 as u32;
        }
    }
    let inertia = inertia(data, &centers, &labels);
    Run { centers, labels, inertia, n_iter: iters, converged }
}

pub(crate) fn run_result(
    centers: Vec<f64>,
    labels: Vec<u32>,
    inertia: f64,
    n_iter: usize,
    converged: bool,
) -> Run {
    Run { centers, labels, inertia, n_iter, converged }
}

/// Runs Lloyd and Hamerly from the same start, with the stopping rule of
/// [`KMeansParams::fit_weighted`] (`tolerance` relative to the mean feature variance);
/// for tests of exactness and against scikit-learn's `KMeans(init=start, n_init=1)`.
/// Returns `[lloyd, hamerly]`.
///
/// # Errors
/// As [`KMeansParams::fit_weighted`], and [`Error::InvalidParameter`] when `start` does not
/// have one centroid per cluster with the data's columns.
#[doc(hidden)]
pub fn fit_from_start(
    data: ArrayView2<'_, f64>,
    weights: Option<ArrayView1<'_, f64>>,
    start: ArrayView2<'_, f64>,
    max_n_iterations: usize,
    tolerance: f64,
) -> Result<[KMeans; 2], Error> {
    let (n, d) = data.dim();
    let k = start.nrows();
    if start.ncols() != d || k == 0 || k > n {
        return Err(Error::InvalidParameter {
            name: "start",
            reason: format!("{k} x {} centroids for {n} x {d} data", start.ncols()),
        });
    }
    let params = KMeansParams::new(k).max_n_iterations(max_n_iterations).tolerance(tolerance);
    params.check_ref()?;
    let (x, w) = prepare(data, weights)?;
    let tol_abs = tolerance * mean_variance(&x, d);
    let data = Data::<0> { x: &x, w: &w, n, d };
    let c: Vec<f64> = start.iter().copied().collect();
    let start = |c: &[f64]| Start { centers: c.to_vec(), assignment: None };
    let a = lloyd(&data, start(&c), k, max_n_iterations, tol_abs);
    let b = crate::hamerly::run(&data, start(&c), k, max_n_iterations, tol_abs);
    let (ia, ib) = (vec![a.inertia], vec![b.inertia]);
    Ok([a.into_model(k, d, ia), b.into_model(k, d, ib)])
}
