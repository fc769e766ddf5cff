//! numpy's default (`method="linear"`, R's type 7) quantile.
//!
//! RFM scores, scaling and PSI deciles all cut at quantiles, and their results are checked
//! against pandas and numpy to the bit, so the interpolation follows numpy's `_lerp`
//! exactly, including which end it interpolates from.

/// Where the quantile `p` of `len` sorted values falls: the two 0-based ranks to
/// interpolate between and the fraction of the way from the lower to the upper.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QuantilePosition {
    /// The lower rank, `floor((len - 1) * p)`.
    pub lower: usize,
    /// The upper rank, `lower + 1` clamped to the last value.
    pub upper: usize,
    /// The fraction of the way from `lower` to `upper`, in `[0, 1)`.
    pub fraction: f64,
}

/// The ranks and fraction of the quantile `p` (in `[0, 1]`) of `len` values, for callers
/// that find the two order statistics themselves (a selection or a counting pass instead
/// of a full sort); combine them with [`lerp`].
///
/// # Panics
/// When `len` is 0 or `p` is outside `[0, 1]`.
///
/// ```
/// use crm_core::{quantile_position, lerp};
/// let pos = quantile_position(5, 0.3);
/// assert_eq!((pos.lower, pos.upper), (1, 2));
/// let sorted = [1.0, 2.0, 4.0, 8.0, 16.0];
/// assert_eq!(lerp(sorted[pos.lower], sorted[pos.upper], pos.fraction), 2.4);
/// ```
pub fn quantile_position(len: usize, p: f64) -> QuantilePosition {
    assert!(len > 0, "the quantile of no values");
    assert!((0.0..=1.0).contains(&p), "quantile {p} is outside [0, 1]");
    let h = (len - 1) as f64 * p;
    let lower = h.floor() as usize;
    QuantilePosition { lower, upper: (lower + 1).min(len - 1), fraction: h - lower as f64 }
}

/// numpy's `_lerp`: `a + (b - a) * t`, computed from the nearer end so that `t = 1` gives
/// `b` exactly.
pub fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let diff = b - a;
    if t >= 0.5 { b - diff * (1.0 - t) } else { a + diff * t }
}

/// numpy's `quantile(sorted, p, method="linear")` of ascending values.
///
/// # Panics
/// When `sorted` is empty or `p` is outside `[0, 1]`.
///
/// ```
/// use crm_core::quantile_sorted;
/// let v = [1.0, 2.0, 3.0, 4.0];
/// assert_eq!(quantile_sorted(&v, 0.5), 2.5);
/// assert_eq!(quantile_sorted(&v, 1.0), 4.0);
/// ```
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let pos = quantile_position(sorted.len(), p);
    lerp(sorted[pos.lower], sorted[pos.upper], pos.fraction)
}
