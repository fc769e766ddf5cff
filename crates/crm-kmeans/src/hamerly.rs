//! Hamerly's exact K-Means (G. Hamerly, "Making k-means even faster", SDM 2010).
//!
//! Every point keeps an upper bound `u` on the distance to its own centroid and a lower
//! bound `l` on the distance to every other centroid. If `u <= max(l, s(a))`, where `s(a)`
//! is half the distance from its centroid to the nearest other centroid, no other centroid
//! can be closer and the point is skipped. After centroids move by `p(j)`, `u += p(a)` and
//! `l -= max_{j != a} p(j)` keep the bounds valid. The labels are those of Lloyd's
//! algorithm from the same start; with 3 features and tens of iterations most points are
//! skipped in all but the first few iterations.

use crate::kmeans::{
    Data, Run as RunResult, Start, Sums, dist2, finish_centers, inertia, run_result, update_centers,
};

/// Relative slack on the skip test, so that rounding in the bounds never skips a point
/// Lloyd would move.
const SLACK: f64 = 1e-12;

#[inline(always)]
fn two_nearest(x: &[f64], centers: &[f64], d: usize) -> (usize, f64, f64) {
    let (mut a, mut d1, mut d2) = (0, f64::INFINITY, f64::INFINITY);
    for (j, c) in centers.chunks_exact(d).enumerate() {
        let dd = dist2(x, c);
        // Selects, not branches (the nearest centre is unpredictable).
        let nearer = dd < d1;
        d2 = if nearer { d1 } else { dd.min(d2) };
        d1 = if nearer { dd } else { d1 };
        a = if nearer { j } else { a };
    }
    (a, d1, d2)
}

struct Bounds {
    labels: Vec<u32>,
    upper: Vec<f64>,
    lower: Vec<f64>,
}

impl Bounds {
    fn full<const D: usize>(data: &Data<'_, D>, centers: &[f64]) -> Bounds {
        Bounds::full_scan(data, centers)
    }

    /// Bounds from an exact assignment (nearest, its squared distance, the second's).
    fn from_assignment(labels: Vec<u32>, d1: Vec<f64>, d2: Vec<f64>) -> Bounds {
        let upper = d1.into_iter().map(f64::sqrt).collect();
        let lower = d2.into_iter().map(f64::sqrt).collect();
        Bounds { labels, upper, lower }
    }

    fn full_scan<const D: usize>(data: &Data<'_, D>, centers: &[f64]) -> Bounds {
        let n = data.n;
        let mut b = Bounds { labels: vec![0; n], upper: vec![0.0; n], lower: vec![0.0; n] };
        for i in 0..n {
            let (a, d1, d2) = two_nearest(data.row(i), centers, data.d());
            b.labels[i] = a as u32;
            b.upper[i] = d1.sqrt();
            b.lower[i] = d2.sqrt();
        }
        b
    }

    /// One assignment step; returns whether any label changed. The bounds are first loosened
    /// for the centroids' last move (`moved`), and each row is added to its cluster's `sums`
    /// once its label is final: one pass over the data instead of three.
    fn assign<const D: usize>(
        &mut self,
        data: &Data<'_, D>,
        centers: &[f64],
        k: usize,
        moved: &Moved,
        mut sums: Option<&mut Sums>,
    ) -> bool {
        let d = data.d();
        // s(j): half the distance to the nearest other centroid.
        let mut s = vec![f64::INFINITY; k];
        for a in 0..k {
            for b in a + 1..k {
                let h =
                    0.5 * dist2(&centers[a * d..(a + 1) * d], &centers[b * d..(b + 1) * d]).sqrt();
                s[a] = s[a].min(h);
                s[b] = s[b].min(h);
            }
        }
        let mut changed = false;
        for i in 0..data.n {
            let a = self.labels[i] as usize;
            self.upper[i] += moved.p[a];
            self.lower[i] -= if a == moved.arg { moved.second } else { moved.first };
            let m = s[a].max(self.lower[i]) * (1.0 - SLACK);
            let mut label = a;
            if self.upper[i] > m {
                let x = data.row(i);
                self.upper[i] = dist2(x, &centers[a * d..(a + 1) * d]).sqrt();
                if self.upper[i] > m {
                    let (b, d1, d2) = two_nearest(x, centers, d);
                    if b != a {
                        self.labels[i] = b as u32;
                        label = b;
                        changed = true;
                    }
                    self.upper[i] = d1.sqrt();
                    self.lower[i] = d2.sqrt();
                }
            }
            if let Some(sums) = sums.as_deref_mut() {
                sums.add(data, i, label);
            }
        }
        changed
    }
}

/// How far the centroids moved in their last update: each one's shift, and the largest and
/// second largest shift (with the centroid of the largest), to loosen the bounds.
struct Moved {
    p: Vec<f64>,
    first: f64,
    second: f64,
    arg: usize,
}

impl Moved {
    fn between(old: &[f64], new: &[f64], k: usize, d: usize) -> Moved {
        let p: Vec<f64> = (0..k)
            .map(|j| dist2(&old[j * d..(j + 1) * d], &new[j * d..(j + 1) * d]).sqrt())
            .collect();
        let (mut first, mut second, mut arg) = (0.0f64, 0.0f64, usize::MAX);
        for (j, &v) in p.iter().enumerate() {
            if v > first {
                second = first;
                first = v;
                arg = j;
            } else if v > second {
                second = v;
            }
        }
        Moved { p, first, second, arg }
    }
}

pub(crate) fn run<const D: usize>(
    data: &Data<'_, D>,
    start: Start,
    k: usize,
    max_iter: usize,
    tol: f64,
) -> RunResult {
    let d = data.d();
    let mut centers = start.centers;
    let mut bounds = match start.assignment {
        Some((labels, d1, d2)) => Bounds::from_assignment(labels, d1, d2),
        None => Bounds::full(data, &centers),
    };
    let mut strict = false;
    let mut converged = false;
    let mut iters = 0;
    // The bounds are loosened for a move by the next assignment pass.
    let mut moved = Moved { p: vec![0.0; k], first: 0.0, second: 0.0, arg: usize::MAX };
    for it in 0..max_iter {
        iters += 1;
        let far = |labels: &[u32], i: usize| {
            let l = labels[i] as usize;
            dist2(data.row(i), &centers[l * d..(l + 1) * d])
        };
        let (changed, new, shift) = if it == 0 {
            let labels = &bounds.labels;
            let (new, shift) = update_centers(data, labels, &centers, k, |i| far(labels, i));
            (true, new, shift)
        } else {
            let mut sums = Sums::new(k, d);
            let changed = bounds.assign(data, &centers, k, &moved, Some(&mut sums));
            let labels = &bounds.labels;
            let (new, shift) = finish_centers(data, labels, &centers, k, |i| far(labels, i), sums);
            (changed, new, shift)
        };
        moved = Moved::between(&centers, &new, k, d);
        centers = new;
        if !changed {
            strict = true;
            converged = true;
            break;
        }
        if shift <= tol {
            converged = true;
            break;
        }
    }
    if !strict {
        bounds.assign(data, &centers, k, &moved, None);
    }
    let inertia = inertia(data, &centers, &bounds.labels);
    run_result(centers, bounds.labels, inertia, iters, converged)
}
