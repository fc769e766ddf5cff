//! Choosing k: fit every k of a range, tabulate inertia, silhouette, Davies–Bouldin and
//! Calinski–Harabasz, locate the knee of the inertia curve, and recommend a k with the
//! reason.

use ndarray::ArrayView2;

use crate::error::Error;
use crate::kmeans::{KMeans, KMeansParams};
use crate::metrics::{
    calinski_harabasz, davies_bouldin, silhouette_sampled, simplified_silhouette,
};

/// Finds the knee (elbow) of a decreasing convex curve with the kneedle method (Satopää et
/// al. 2011), step for step as the `kneed` package's `KneeLocator(x, y, curve="convex",
/// direction="decreasing", S=sensitivity)` in offline mode. `None` when there is no knee
/// ([`kneedle`] gives the intermediate curves too).
///
/// ```
/// use crm_kmeans::knee;
/// let k = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
/// let inertia = [1000.0, 400.0, 150.0, 120.0, 100.0, 90.0];
/// assert_eq!(knee(&k, &inertia, 1.0), Some(3.0));
/// ```
pub fn knee(x: &[f64], y: &[f64], sensitivity: f64) -> Option<f64> {
    kneedle(x, y, sensitivity).ok()?.knee
}

/// The kneedle computation of [`knee`] with its intermediates, named as the attributes of
/// kneed's `KneeLocator` (for plotting the difference curve, or checking a knee).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Kneedle {
    /// `x` scaled to `[0, 1]`.
    pub x_normalized: Vec<f64>,
    /// `y` scaled to `[0, 1]` and flipped (`max - y`), which turns the elbow into a knee.
    pub y_normalized: Vec<f64>,
    /// The x of the difference curve (`x_normalized`).
    pub x_difference: Vec<f64>,
    /// The difference curve, `y_normalized - x_normalized`.
    pub y_difference: Vec<f64>,
    /// 0-based indices of the local maxima of the difference curve (`>=` both neighbours,
    /// the ends compared with themselves: scipy's `argrelextrema(..., mode="clip")`).
    pub maxima_indices: Vec<usize>,
    /// 0-based indices of its local minima (`<=` both neighbours).
    pub minima_indices: Vec<usize>,
    /// One threshold per maximum: its difference minus `sensitivity ×` the mean step of
    /// `x_normalized` (kneed's `Tmx`).
    pub thresholds: Vec<f64>,
    /// The knee: the x of the last maximum before the difference curve first falls below
    /// that maximum's threshold, with detection paused from a minimum to the next maximum.
    pub knee: Option<f64>,
    /// The y at the knee.
    pub knee_y: Option<f64>,
    /// Every knee found (offline mode stops at the first: at most one).
    pub all_knees: Vec<f64>,
}

/// [`knee`] with its intermediate curves.
///
/// ```
/// use crm_kmeans::kneedle;
/// let k = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
/// let curve = kneedle(&k, &[1000.0, 400.0, 150.0, 120.0, 100.0, 90.0], 1.0)?;
/// assert_eq!(curve.knee, Some(3.0));
/// assert_eq!(curve.maxima_indices, [2]);
/// # Ok::<(), crm_kmeans::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] when `x` and `y` differ in length or have fewer than three
/// points.
pub fn kneedle(x: &[f64], y: &[f64], sensitivity: f64) -> Result<Kneedle, Error> {
    let n = x.len();
    if y.len() != n {
        return Err(Error::InvalidParameter {
            name: "curve",
            reason: format!("{n} x values for {} y values", y.len()),
        });
    }
    if n < 3 {
        return Err(Error::InvalidParameter {
            name: "curve",
            reason: format!("{n} points; a knee needs at least 3"),
        });
    }
    let norm = |v: &[f64]| -> Vec<f64> {
        let (lo, hi) =
            v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &c| (a.min(c), b.max(c)));
        v.iter().map(|c| (c - lo) / (hi - lo)).collect()
    };
    let xn = norm(x);
    let yn = norm(y);
    // Convex and decreasing: flip to a knee.
    let ymax = yn.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let yt: Vec<f64> = yn.iter().map(|v| ymax - v).collect();
    let diff: Vec<f64> = yt.iter().zip(&xn).map(|(a, b)| a - b).collect();
    // scipy.signal.argrelextrema(..., mode="clip"), order 1.
    let at = |i: isize| diff[i.clamp(0, n as isize - 1) as usize];
    let maxima: Vec<usize> = (0..n)
        .filter(|&i| diff[i] >= at(i as isize - 1) && diff[i] >= at(i as isize + 1))
        .collect();
    let minima: Vec<usize> = (0..n)
        .filter(|&i| diff[i] <= at(i as isize - 1) && diff[i] <= at(i as isize + 1))
        .collect();
    let step = (xn.windows(2).map(|w| w[1] - w[0]).sum::<f64>() / (n - 1) as f64).abs();
    let thresholds: Vec<f64> = maxima.iter().map(|&i| diff[i] - sensitivity * step).collect();
    let mut knee_at = None;
    if let Some(&first_max) = maxima.first() {
        let (mut threshold, mut threshold_index, mut max_seen) = (0.0, 0, 0);
        // kneed 0.9: after a local minimum, no knee until the next local maximum.
        let mut active = true;
        for i in first_max..n - 1 {
            if maxima.contains(&i) {
                threshold = thresholds[max_seen];
                threshold_index = i;
                max_seen += 1;
                active = true;
            }
            if minima.contains(&i) {
                threshold = 0.0;
                active = false;
            }
            if active && diff[i + 1] < threshold {
                knee_at = Some(threshold_index);
                break;
            }
        }
    }
    Ok(Kneedle {
        x_difference: xn.clone(),
        x_normalized: xn,
        y_normalized: yt,
        y_difference: diff,
        maxima_indices: maxima,
        minima_indices: minima,
        thresholds,
        knee: knee_at.map(|i| x[i]),
        knee_y: knee_at.map(|i| y[i]),
        all_knees: knee_at.map(|i| x[i]).into_iter().collect(),
    })
}

/// One k of the selection table.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KScore {
    /// The number of clusters.
    pub k: usize,
    /// Inertia of the best run.
    pub inertia: f64,
    /// Iterations of the best run.
    pub n_iter: usize,
    /// Silhouette (exact, or on a sample of `sample_size` rows); `None` for k = 1.
    pub silhouette: Option<f64>,
    /// Simplified silhouette (exact, O(n·k)); `None` for k = 1.
    pub simplified_silhouette: Option<f64>,
    /// Davies–Bouldin (lower is better); `None` for k = 1.
    pub davies_bouldin: Option<f64>,
    /// Calinski–Harabasz (higher is better); `None` for k = 1.
    pub calinski_harabasz: Option<f64>,
}

/// The result of [`choose_k`].
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KSelection {
    /// One row per k, ascending.
    pub table: Vec<KScore>,
    /// The knee of the inertia curve, if there is one.
    pub knee: Option<usize>,
    /// The recommended k.
    pub recommended: usize,
    /// Why, in a sentence.
    pub reason: String,
    /// The fit of every k, in table order.
    pub fits: Vec<KMeans>,
}

/// Fits `params` for every k in `ks` (ascending, distinct) and recommends one: the knee
/// of the inertia curve when kneedle finds one (sensitivity 1); otherwise the k with the
/// highest silhouette. Silhouettes use at most `sample_size` rows (sampled with the
/// params' seed; 10,000 gives about ±0.003).
///
/// # Errors
/// [`Error::InvalidParameter`] for an empty or unsorted range; errors of
/// [`KMeansParams::fit`].
pub fn choose_k(
    data: ArrayView2<'_, f64>,
    params: &KMeansParams,
    ks: &[usize],
    sample_size: usize,
    seed: u64,
) -> Result<KSelection, Error> {
    if ks.is_empty() || ks.windows(2).any(|w| w[0] >= w[1]) {
        return Err(Error::InvalidParameter {
            name: "k range",
            reason: "needs at least one k, ascending without repeats".into(),
        });
    }
    let mut table = Vec::with_capacity(ks.len());
    let mut fits = Vec::with_capacity(ks.len());
    for &k in ks {
        let fit = params.clone().with_n_clusters(k).fit(data)?;
        let many = k >= 2 && k < data.nrows();
        let metric = |f: &dyn Fn() -> Result<f64, Error>| if many { f().ok() } else { None };
        table.push(KScore {
            k,
            inertia: fit.inertia,
            n_iter: fit.n_iter,
            silhouette: metric(&|| silhouette_sampled(data, &fit.labels, sample_size, seed)),
            simplified_silhouette: metric(&|| simplified_silhouette(data, &fit.labels)),
            davies_bouldin: metric(&|| davies_bouldin(data, &fit.labels)),
            calinski_harabasz: metric(&|| calinski_harabasz(data, &fit.labels)),
        });
        fits.push(fit);
    }
    let xs: Vec<f64> = table.iter().map(|r| r.k as f64).collect();
    let ys: Vec<f64> = table.iter().map(|r| r.inertia).collect();
    let knee_k = knee(&xs, &ys, 1.0).map(|v| v as usize);
    let best_sil = table
        .iter()
        .filter_map(|r| r.silhouette.map(|s| (r.k, s)))
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
    let (recommended, reason) = match (knee_k, best_sil) {
        (Some(k), Some((sk, s))) => {
            let at = table.iter().find(|r| r.k == k).and_then(|r| r.silhouette);
            let at = at.map_or(String::from("n/a"), |v| format!("{v:.3}"));
            if sk == k {
                (
                    k,
                    format!(
                        "knee of the inertia curve at k = {k}, which also has the best silhouette ({s:.3})"
                    ),
                )
            } else {
                (
                    k,
                    format!(
                        "knee of the inertia curve at k = {k} (silhouette {at}; the best silhouette is {s:.3} at k = {sk})"
                    ),
                )
            }
        }
        (Some(k), None) => (k, format!("knee of the inertia curve at k = {k}")),
        (None, Some((k, s))) => {
            (k, format!("no knee in the inertia curve; best silhouette {s:.3} at k = {k}"))
        }
        (None, None) => {
            (ks[0], "no knee and no silhouette (k range too small); the smallest k".into())
        }
    };
    Ok(KSelection { table, knee: knee_k, recommended, reason, fits })
}
