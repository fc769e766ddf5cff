//! Scores 1..=n per dimension, by named binning methods that return their thresholds.

use std::cmp::Ordering;

use crate::error::Error;
use crate::features::Features;

/// How values become scores. Recency is always reversed (fewest days = highest score);
/// frequency and monetary score higher for higher values.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Binning {
    /// Value quantiles. The `n − 1` thresholds are `t_i = numpy.quantile(values, i / n,
    /// method="linear")` (R's type 7) over the customers' values; a value's raw score is
    /// 1 + the number of thresholds it **strictly** exceeds. Equal values always share a
    /// score, and a bin is empty when two thresholds coincide (common for frequency: half
    /// of all customers often buy once).
    #[default]
    Quantile,
    /// Equal-count bins, SQL `NTILE(n) OVER (ORDER BY value, customer_id)`: customers ordered
    /// by value then id (recency: by days descending, then id), cut into `n` bins of
    /// `⌊N/n⌋` customers where the first `N mod n` bins take one more. Equal values may
    /// land in different bins; the id tie-break makes it deterministic.
    Ntile,
    /// User thresholds, ascending: the raw score is 1 + the number of cut points the value
    /// strictly exceeds, so `k` cut points make `k + 1` bins (the `bins` option is ignored).
    CutPoints(Vec<f64>),
}

/// Which feature a score is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Dimension {
    /// Days since the last purchase (scores reversed).
    Recency,
    /// Number of purchases.
    Frequency,
    /// Money.
    Monetary,
}

impl Dimension {
    /// `"recency"`, `"frequency"` or `"monetary"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Recency => "recency",
            Dimension::Frequency => "frequency",
            Dimension::Monetary => "monetary",
        }
    }
}

/// Bins and method per dimension.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ScoreOptions {
    /// Bins per dimension for [`Binning::Quantile`] and [`Binning::Ntile`], 2 to 99
    /// (default 5).
    pub bins: u8,
    /// Method for recency.
    pub recency: Binning,
    /// Method for frequency.
    pub frequency: Binning,
    /// Method for monetary.
    pub monetary: Binning,
}

impl Default for ScoreOptions {
    fn default() -> Self {
        ScoreOptions::new(5, Binning::Quantile)
    }
}

impl ScoreOptions {
    /// `bins` bins by `method` for all three dimensions.
    pub fn new(bins: u8, method: Binning) -> ScoreOptions {
        ScoreOptions { bins, recency: method.clone(), frequency: method.clone(), monetary: method }
    }
}

/// One score's bin: which values it holds and how many customers.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Bin {
    /// The score.
    pub score: u8,
    /// Values in the bin are greater than this (`None`: no lower bound). Quantile and
    /// cut-point bins only.
    pub above: Option<f64>,
    /// Values in the bin are at most this (`None`: no upper bound). Quantile and cut-point
    /// bins only.
    pub up_to: Option<f64>,
    /// Customers with this score.
    pub customers: usize,
    /// Smallest value among them (`None` if the bin is empty).
    pub min: Option<f64>,
    /// Largest value among them.
    pub max: Option<f64>,
}

/// How one dimension was scored: the method, the thresholds, and every bin.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Thresholds {
    /// The dimension.
    pub dimension: Dimension,
    /// The method.
    pub binning: Binning,
    /// The ascending thresholds on the *value* scale (quantile and cut-point methods;
    /// empty for NTILE, whose bins are defined by counts — see [`Thresholds::bins`]).
    pub cuts: Vec<f64>,
    /// One entry per score, 1 first.
    pub bins: Vec<Bin>,
}

/// A customer's three scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RfmScore {
    /// Recency score (high = recent).
    pub r: u8,
    /// Frequency score.
    pub f: u8,
    /// Monetary score.
    pub m: u8,
}

impl RfmScore {
    /// `R*100 + F*10 + M` (e.g. 545) when every score is at most 9, else
    /// `R*10000 + F*100 + M`.
    pub fn value(self) -> u32 {
        let (r, f, m) = (u32::from(self.r), u32::from(self.f), u32::from(self.m));
        if r.max(f).max(m) <= 9 { r * 100 + f * 10 + m } else { r * 10000 + f * 100 + m }
    }
}

impl std::fmt::Display for RfmScore {
    /// `"545"`, or `"10-9-10"` when a score has two digits.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.r.max(self.f).max(self.m) <= 9 {
            write!(f, "{}{}{}", self.r, self.f, self.m)
        } else {
            write!(f, "{}-{}-{}", self.r, self.f, self.m)
        }
    }
}

/// Scores of every customer of a [`Features`] table, with the thresholds used.
#[derive(Clone, Debug)]
pub struct Scores {
    r: Vec<u8>,
    f: Vec<u8>,
    m: Vec<u8>,
    thresholds: [Thresholds; 3],
}

impl Scores {
    /// Scores every customer.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `bins` is outside 2..=99 or cut points are empty, not
    /// finite, not strictly ascending or more than 98; [`Error::Empty`] when there is no
    /// customer to score (every used row was a return of a customer who bought nothing).
    pub fn compute(features: &Features, options: &ScoreOptions) -> Result<Scores, Error> {
        if features.is_empty() {
            let usage = features.usage();
            return Err(Error::Empty { rows: usage.rows, rejected: usage.rejected });
        }
        let recency: Vec<f64> = features.recency_days().iter().map(|&v| f64::from(v)).collect();
        let frequency: Vec<f64> = features.frequency().iter().map(|&v| f64::from(v)).collect();
        // Only NTILE breaks ties by id.
        let ntile = [&options.recency, &options.frequency, &options.monetary]
            .iter()
            .any(|b| matches!(b, Binning::Ntile));
        let ids: Vec<&str> = if ntile { features.ids().collect() } else { Vec::new() };
        let (r, rt) = score_dimension(
            Dimension::Recency,
            &recency,
            &ids,
            options.bins,
            &options.recency,
            Some(features.recency_days()),
        )?;
        let (f, ft) = score_dimension(
            Dimension::Frequency,
            &frequency,
            &ids,
            options.bins,
            &options.frequency,
            Some(features.frequency()),
        )?;
        let (m, mt) = score_dimension(
            Dimension::Monetary,
            features.monetary(),
            &ids,
            options.bins,
            &options.monetary,
            None,
        )?;
        Ok(Scores { r, f, m, thresholds: [rt, ft, mt] })
    }

    /// Number of customers.
    pub fn len(&self) -> usize {
        self.r.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.r.is_empty()
    }

    /// Customer `i`'s scores (same order as the features).
    pub fn get(&self, i: usize) -> RfmScore {
        RfmScore { r: self.r[i], f: self.f[i], m: self.m[i] }
    }

    /// Every customer's scores.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = RfmScore> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Recency scores.
    pub fn r(&self) -> &[u8] {
        &self.r
    }

    /// Frequency scores.
    pub fn f(&self) -> &[u8] {
        &self.f
    }

    /// Monetary scores.
    pub fn m(&self) -> &[u8] {
        &self.m
    }

    /// The highest score per dimension (R, F, M).
    pub fn bins(&self) -> [u8; 3] {
        self.thresholds.each_ref().map(|t| t.bins.len() as u8)
    }

    /// How each dimension was scored: recency, frequency, monetary.
    pub fn thresholds(&self) -> &[Thresholds; 3] {
        &self.thresholds
    }
}

fn check_bins(bins: u8) -> Result<(), Error> {
    if (2..=99).contains(&bins) {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name: "binning",
            reason: format!("bins must be 2 to 99, got {bins}"),
        })
    }
}

fn score_dimension(
    dim: Dimension,
    values: &[f64],
    ids: &[&str],
    bins: u8,
    binning: &Binning,
    integers: Option<&[u32]>,
) -> Result<(Vec<u8>, Thresholds), Error> {
    let reversed = dim == Dimension::Recency;
    let (scores, cuts, n) = match binning {
        Binning::Quantile => {
            check_bins(bins)?;
            let cuts = quantile_cuts(values, integers, bins);
            (raw_scores(values, &cuts, bins, reversed), cuts, bins)
        }
        Binning::CutPoints(cuts) => {
            if cuts.is_empty() || cuts.len() > 98 {
                return Err(Error::InvalidParameter {
                    name: "binning",
                    reason: format!(
                        "{}: 1 to 98 cut points needed, got {}",
                        dim.as_str(),
                        cuts.len()
                    ),
                });
            }
            if cuts.iter().any(|c| !c.is_finite()) || cuts.windows(2).any(|w| w[0] >= w[1]) {
                return Err(Error::InvalidParameter {
                    name: "binning",
                    reason: format!(
                        "{}: cut points must be finite and strictly ascending",
                        dim.as_str()
                    ),
                });
            }
            let n = cuts.len() as u8 + 1;
            (raw_scores(values, cuts, n, reversed), cuts.clone(), n)
        }
        Binning::Ntile => {
            check_bins(bins)?;
            (ntile(values, ids, bins, reversed), Vec::new(), bins)
        }
    };
    let mut table: Vec<Bin> = (1..=n)
        .map(|score| {
            let (above, up_to) = if cuts.is_empty() {
                (None, None)
            } else {
                // The raw score (on the value scale) of this score.
                let raw = if reversed { n + 1 - score } else { score } as usize;
                (raw.checked_sub(2).map(|i| cuts[i]), cuts.get(raw - 1).copied())
            };
            Bin { score, above, up_to, customers: 0, min: None, max: None }
        })
        .collect();
    for (&s, &v) in scores.iter().zip(values) {
        let b = &mut table[usize::from(s) - 1];
        b.customers += 1;
        b.min = Some(b.min.map_or(v, |m| m.min(v)));
        b.max = Some(b.max.map_or(v, |m| m.max(v)));
    }
    Ok((scores, Thresholds { dimension: dim, binning: binning.clone(), cuts, bins: table }))
}

/// `1 + #{cuts < v}`, reversed for recency.
fn raw_scores(values: &[f64], cuts: &[f64], n: u8, reversed: bool) -> Vec<u8> {
    values
        .iter()
        .map(|&v| {
            let raw = 1 + cuts.partition_point(|&c| c < v) as u8;
            if reversed { n + 1 - raw } else { raw }
        })
        .collect()
}

/// numpy's `quantile(values, i / n, method="linear")` for i in 1..n.
fn quantile_cuts(values: &[f64], integers: Option<&[u32]>, n: u8) -> Vec<f64> {
    let len = values.len();
    let qs: Vec<f64> = (1..n).map(|i| f64::from(i) / f64::from(n)).collect();
    // The order statistics needed: floor(h) and floor(h) + 1 for each quantile.
    let mut positions: Vec<usize> = Vec::with_capacity(2 * qs.len());
    for &q in &qs {
        let pos = crm_core::quantile_position(len, q);
        positions.push(pos.lower);
        positions.push(pos.upper);
    }
    let stats = match integers {
        Some(ints) if ints.iter().max().is_some_and(|&m| (m as usize) <= 4 * len + 4096) => {
            order_stats_counting(ints, &positions)
        }
        _ => order_stats_select(values, &positions),
    };
    qs.iter()
        .enumerate()
        .map(|(k, &q)| {
            let fraction = crm_core::quantile_position(len, q).fraction;
            crm_core::lerp(stats[2 * k], stats[2 * k + 1], fraction)
        })
        .collect()
}

/// Order statistics (0-based ranks) of small non-negative integers, by counting.
fn order_stats_counting(values: &[u32], positions: &[usize]) -> Vec<f64> {
    let max = values.iter().copied().max().unwrap_or(0) as usize;
    let mut counts = vec![0u32; max + 1];
    for &v in values {
        counts[v as usize] += 1;
    }
    positions
        .iter()
        .map(|&p| {
            let mut seen = 0usize;
            for (v, &c) in counts.iter().enumerate() {
                seen += c as usize;
                if seen > p {
                    return v as f64;
                }
            }
            max as f64
        })
        .collect()
}

/// Order statistics by repeated selection on a copy, each search narrowed to the part
/// right of the previous one.
fn order_stats_select(values: &[f64], positions: &[usize]) -> Vec<f64> {
    let mut work = values.to_vec();
    let mut order: Vec<usize> = (0..positions.len()).collect();
    order.sort_by_key(|&k| positions[k]);
    let mut out = vec![0.0; positions.len()];
    let mut start = 0;
    for k in order {
        let p = positions[k];
        if p >= start {
            let (_, nth, _) = work[start..].select_nth_unstable_by(p - start, f64::total_cmp);
            out[k] = *nth;
            start = p;
        } else {
            out[k] = work[p];
        }
    }
    out
}

/// SQL NTILE over (value, id); recency by value descending.
fn ntile(values: &[f64], ids: &[&str], n: u8, reversed: bool) -> Vec<u8> {
    let len = values.len();
    let mut order: Vec<u32> = (0..len as u32).collect();
    order.sort_unstable_by(|&a, &b| {
        let (a, b) = (a as usize, b as usize);
        let by_value = values[a].total_cmp(&values[b]);
        let by_value = if reversed { by_value.reverse() } else { by_value };
        match by_value {
            Ordering::Equal => ids[a].cmp(ids[b]),
            other => other,
        }
    });
    let n = usize::from(n);
    let (size, rem) = (len / n, len % n);
    let mut scores = vec![0u8; len];
    let mut pos = 0;
    for bin in 0..n {
        let take = size + usize::from(bin < rem);
        for &i in &order[pos..pos + take] {
            scores[i as usize] = bin as u8 + 1;
        }
        pos += take;
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_numpy_linear() {
        // numpy.quantile([1, 2, 3, 4, 10], [0.2, 0.4, 0.6, 0.8]) == [1.8, 2.6, 3.4, 5.2]
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        let cuts = quantile_cuts(&v, None, 5);
        let want = [1.8, 2.6, 3.4, 5.2];
        for (c, w) in cuts.iter().zip(want) {
            assert!((c - w).abs() < 1e-12, "{cuts:?}");
        }
        let ints = [1u32, 2, 3, 4, 10];
        assert_eq!(quantile_cuts(&v, Some(&ints), 5), cuts);
    }

    #[test]
    fn ntile_gives_the_remainder_to_early_bins() {
        let v = [5.0, 1.0, 1.0, 1.0, 2.0, 3.0, 4.0];
        let ids = ["g", "c", "b", "a", "d", "e", "f"];
        // Ordered: a b c d e f g -> bins of 2,2,1,1,1 for n = 5.
        assert_eq!(ntile(&v, &ids, 5, false), [5, 2, 1, 1, 2, 3, 4]);
    }
}
