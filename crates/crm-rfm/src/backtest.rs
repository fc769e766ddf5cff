//! Backtesting segments: did the customers a segment picked respond better than others,
//! and better than a random pick of the same size?

use std::collections::HashMap;

use crate::error::Error;
use crate::intern::hasher;

/// One segment's outcome.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SegmentOutcome {
    /// The segment.
    pub segment: String,
    /// Customers in it.
    pub customers: usize,
    /// Customers with a positive outcome (attended, answered, bought).
    pub positives: usize,
    /// `positives / customers`.
    pub rate: f64,
    /// 95% Wilson score interval of the rate.
    pub ci95: (f64, f64),
    /// `rate / overall rate` (`None` when nobody responded at all).
    pub lift: Option<f64>,
    /// Positives expected from a random pick of the same size: `customers × overall rate`.
    pub random_expected: f64,
    /// Chance that a random pick of the same size (without replacement, from all
    /// customers) has at least as many positives: the hypergeometric upper tail. Small
    /// values (< 0.05) mean the segment beats random selection.
    pub p_vs_random: f64,
}

/// A point of the cumulative capture curve: inviting segments in rank order.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CapturePoint {
    /// The segment added at this step.
    pub segment: String,
    /// Share of all customers invited so far (0..=1).
    pub customers_share: f64,
    /// Share of all positives captured so far (0..=1).
    pub positives_share: f64,
}

/// The backtest of a segmentation against an outcome.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Backtest {
    /// Customers.
    pub customers: usize,
    /// Positives.
    pub positives: usize,
    /// The overall rate.
    pub rate: f64,
    /// Per segment, best rate first (ties: larger segment first, then name).
    pub segments: Vec<SegmentOutcome>,
    /// Inviting segments in that order.
    pub capture: Vec<CapturePoint>,
}

/// Backtests segments against an outcome: `rows` are `(segment, outcome)` per customer,
/// the segment as of a past date and the outcome that followed.
///
/// ```
/// use crm_rfm::backtest;
/// let rows = [("Champions", true), ("Champions", true), ("Champions", false),
///             ("Lost", false), ("Lost", false), ("Lost", true), ("Lost", false)];
/// let bt = backtest(rows.iter().copied())?;
/// assert_eq!(bt.segments[0].segment, "Champions");
/// assert!((bt.segments[0].lift.unwrap() - (2.0 / 3.0) / (3.0 / 7.0)).abs() < 1e-12);
/// assert_eq!(bt.capture.last().unwrap().positives_share, 1.0);
/// # Ok::<(), crm_rfm::Error>(())
/// ```
///
/// # Errors
/// [`Error::Empty`] when there are no rows.
pub fn backtest<'a>(rows: impl IntoIterator<Item = (&'a str, bool)>) -> Result<Backtest, Error> {
    let mut groups: HashMap<&str, (usize, usize), _> = HashMap::with_hasher(hasher());
    let (mut n, mut k) = (0usize, 0usize);
    for (segment, outcome) in rows {
        let g = groups.entry(segment).or_insert((0, 0));
        g.0 += 1;
        g.1 += usize::from(outcome);
        n += 1;
        k += usize::from(outcome);
    }
    if n == 0 {
        return Err(Error::Empty { rows: 0, rejected: 0 });
    }
    let rate = k as f64 / n as f64;
    let mut segments: Vec<SegmentOutcome> = groups
        .into_iter()
        .map(|(segment, (size, pos))| SegmentOutcome {
            segment: segment.to_string(),
            customers: size,
            positives: pos,
            rate: pos as f64 / size as f64,
            ci95: wilson(pos, size),
            lift: (k > 0).then(|| (pos as f64 / size as f64) / rate),
            random_expected: size as f64 * rate,
            p_vs_random: hypergeometric_upper_tail(n, k, size, pos),
        })
        .collect();
    segments.sort_by(|a, b| {
        b.rate
            .total_cmp(&a.rate)
            .then(b.customers.cmp(&a.customers))
            .then_with(|| a.segment.cmp(&b.segment))
    });
    let (mut cn, mut ck) = (0usize, 0usize);
    let capture = segments
        .iter()
        .map(|s| {
            cn += s.customers;
            ck += s.positives;
            CapturePoint {
                segment: s.segment.clone(),
                customers_share: cn as f64 / n as f64,
                positives_share: if k == 0 { 0.0 } else { ck as f64 / k as f64 },
            }
        })
        .collect();
    Ok(Backtest { customers: n, positives: k, rate, segments, capture })
}

/// The 95% Wilson score interval of `k` successes in `n` trials.
pub(crate) fn wilson(k: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let z = 1.959_963_984_540_054_f64;
    let (n, p) = (n as f64, k as f64 / n as f64);
    let denom = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denom;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error below 1e-13).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

fn ln_choose(n: usize, k: usize) -> f64 {
    ln_gamma(n as f64 + 1.0) - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)
}

/// P(X ≥ x) for X ~ Hypergeometric(population `n`, successes `k`, draws `d`).
pub(crate) fn hypergeometric_upper_tail(n: usize, k: usize, d: usize, x: usize) -> f64 {
    let lo = x.max(d.saturating_sub(n - k));
    let hi = d.min(k);
    if lo > hi {
        return 0.0;
    }
    let denom = ln_choose(n, d);
    let mut p = 0.0;
    for i in lo..=hi {
        p += (ln_choose(k, i) + ln_choose(n - k, d - i) - denom).exp();
    }
    p.min(1.0)
}

/// Splits transactions for a holdout backtest in the spirit of pymc-marketing's
/// `rfm_train_test_split`: features are computed as of `train_end`, the outcome is what
/// each customer did in `(train_end, test_end]`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Holdout {
    /// Per customer known at `train_end` (order of the training features): purchases
    /// (rows) in the test window.
    pub test_purchases: Vec<u32>,
    /// Customers whose first row is in the test window: not scoreable at `train_end`,
    /// so left out of the outcome (counted here).
    pub new_in_test: usize,
    /// Rows after `test_end`, left out.
    pub after_test: u64,
}

impl Holdout {
    /// Whether customer `i` bought in the test window.
    pub fn bought(&self, i: usize) -> bool {
        self.test_purchases[i] > 0
    }
}

/// Counts each training customer's purchases in the test window. `train` are the features
/// as of `train_end`; `transactions` are `(customer, date)` of every row (all dates).
///
/// # Errors
/// [`Error::InvalidParameter`] when `test_end` is not after the training features' as-of date.
pub fn holdout<'a>(
    train: &crate::Features,
    test_end: chrono::NaiveDate,
    transactions: impl IntoIterator<Item = (&'a str, chrono::NaiveDate)>,
) -> Result<Holdout, Error> {
    let train_end = train.as_of();
    if test_end <= train_end {
        return Err(Error::InvalidParameter {
            name: "test_end",
            reason: format!("must be after the training as-of date {train_end}"),
        });
    }
    let index: HashMap<&str, usize, _> = {
        let mut m = HashMap::with_capacity_and_hasher(train.len(), hasher());
        for (i, id) in train.ids().enumerate() {
            m.insert(id, i);
        }
        m
    };
    let mut out = Holdout { test_purchases: vec![0; train.len()], new_in_test: 0, after_test: 0 };
    let mut new: std::collections::HashSet<&str, _> =
        std::collections::HashSet::with_hasher(hasher());
    for (customer, date) in transactions {
        if date > test_end {
            out.after_test += 1;
        } else if date > train_end {
            match index.get(customer) {
                Some(&i) => out.test_purchases[i] += 1,
                None => {
                    new.insert(customer);
                }
            }
        }
    }
    out.new_in_test = new.len();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_scipy() {
        // scipy.stats.binomtest(12, 40).proportion_ci(method="wilson")
        let (lo, hi) = wilson(12, 40);
        assert!((lo - 0.180_748_452_297_465_28).abs() < 1e-12, "{lo}");
        assert!((hi - 0.454_300_188_181_449_35).abs() < 1e-12, "{hi}");
    }

    #[test]
    fn hypergeometric_tail_matches_scipy() {
        // scipy.stats.hypergeom(M=50, n=10, N=12).sf(4) == P(X >= 5)
        let p = hypergeometric_upper_tail(50, 10, 12, 5);
        assert!((p - 0.046_024_926_425_838_8).abs() < 1e-10, "{p}");
        assert!((hypergeometric_upper_tail(50, 10, 12, 0) - 1.0).abs() < 1e-12);
        assert_eq!(hypergeometric_upper_tail(50, 10, 12, 11), 0.0);
        assert!((ln_gamma(10.0) - 362_880f64.ln()).abs() < 1e-12);
    }
}
