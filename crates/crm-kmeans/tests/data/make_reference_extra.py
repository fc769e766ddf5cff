#!/usr/bin/env python3
"""Reference numbers for the crm-kmeans tests that need more than make_reference.py wrote.

Usage (same pinned environment as make_reference.py, see requirements-reference.txt):

    python3 -m venv /tmp/kmref
    /tmp/kmref/bin/pip install -r requirements-reference.txt
    /tmp/kmref/bin/python make_reference_extra.py          # ~5 s

Reads the matrices make_reference.py wrote (<name>_scaled.csv, wine.csv, cdnow_rfm.csv) and
its reference.json, and writes reference_extra.json next to this script:

- from_start.<name>.<k>: KMeans(n_clusters=k, init=START, n_init=1, max_iter=300, tol=1e-4,
  algorithm="lloyd") for two kinds of START: "best_centers" (the final centres of the best fit
  in reference.json, a fixed point) and sklearn.cluster.kmeans_plusplus(X, k, random_state=s)
  for s = 0, 1. Recorded: the start, labels_ (one digit per row, k <= 10), n_iter_,
  inertia_.
- weighted.<name>.<k>: the same from the kmeans_plusplus start of seed 0 with
  sample_weight[i] = ((37 * i) % 10 + 1) / 4 (0.25 to 2.5), and sklearn's absolute tolerance
  (tol x mean of the unweighted per-feature variances, sklearn's _tolerance); and
  "skewed_tol_0.01": from the same start with sample_weight[i] = 10 if X[i, 0] > 0.5 else
  0.5 and tol=0.01, where runs stop by the tolerance and its variance is not the weighted
  one.
- scalers: RobustScaler() (center_, scale_) and MinMaxScaler() (data_min_, data_range_) on
  wine.csv, on np.log1p of cdnow_rfm.csv's three numeric columns, and on a small synthetic
  matrix with a constant column, a zero-IQR column and ties; for the synthetic matrix also
  the transformed matrix.
- kneedle_synthetic: kneed.KneeLocator(x, y, S=1.0, curve="convex", direction="decreasing",
  interp_method="interp1d", online=False) on 40 seeded random decreasing curves (numpy
  default_rng(1)), with its knee and intermediates.

KMeans runs inside threadpool_limits(1). Floats are JSON numbers by repr (shortest
round-trip). No number here was computed by crm-kmeans.
"""

import csv
import json
import os
import platform
from collections import OrderedDict

import numpy as np
import scipy
import sklearn
from sklearn.cluster import KMeans, kmeans_plusplus
from sklearn.preprocessing import MinMaxScaler, RobustScaler
from threadpoolctl import threadpool_limits

import kneed
from kneed import KneeLocator

HERE = os.path.dirname(os.path.abspath(__file__))
SETS = ["wine", "breast_cancer", "cdnow_rfm"]
KS = [2, 3, 4, 5, 8]
PP_SEEDS = [0, 1]
WEIGHTED_SEEDS = [0]


def read_matrix(name):
    with open(os.path.join(HERE, name), newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], np.array([[float(v) for v in r] for r in rows[1:]], dtype=np.float64)


def floats(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def matrix(a):
    return [floats(r) for r in np.asarray(a, dtype=np.float64)]


def digits(labels):
    assert labels.max() < 10
    return "".join(str(int(v)) for v in labels)


def weights(n):
    return np.array([((37 * i) % 10 + 1) / 4 for i in range(n)], dtype=np.float64)


def skewed_weights(x):
    """Weights that follow the first feature, so the weighted variance differs from the
    unweighted one (to 0.28 of it on cdnow_rfm)."""
    return np.where(x[:, 0] > 0.5, 10.0, 0.5)


def run(x, k, start, sample_weight=None, tol=1e-4):
    km = KMeans(n_clusters=k, init=start, n_init=1, max_iter=300, tol=tol, algorithm="lloyd")
    km.fit(x, sample_weight=sample_weight)
    return OrderedDict([
        ("start", matrix(start)),
        ("labels", digits(km.labels_)),
        ("n_iter", int(km.n_iter_)),
        ("inertia", float(km.inertia_)),
    ])


def from_start(x, ref_k, k):
    out = OrderedDict()
    out["best_centers"] = run(x, k, np.array(ref_k["best_centers"], dtype=np.float64))
    for s in PP_SEEDS:
        start, _ = kmeans_plusplus(x, k, random_state=s)
        out["kmeans_plusplus_%d" % s] = run(x, k, start)
    return out


def weighted(x, k):
    w = weights(x.shape[0])
    out = OrderedDict()
    for s in WEIGHTED_SEEDS:
        start, _ = kmeans_plusplus(x, k, random_state=s)
        out["kmeans_plusplus_%d" % s] = run(x, k, start, sample_weight=w)
    # Skewed weights and a coarse tolerance, so that runs stop by the tolerance (not by
    # unchanged labels) and the variance it is relative to matters.
    start, _ = kmeans_plusplus(x, k, random_state=0)
    out["skewed_tol_0.01"] = run(x, k, start, sample_weight=skewed_weights(x),
                                 tol=0.01)
    return out


def scalers(x, with_matrix):
    r, m = RobustScaler().fit(x), MinMaxScaler().fit(x)
    out = OrderedDict()
    out["robust"] = OrderedDict([("center", floats(r.center_)), ("scale", floats(r.scale_))])
    out["minmax"] = OrderedDict([("data_min", floats(m.data_min_)),
                                 ("data_range", floats(m.data_range_))])
    if with_matrix:  # only for the small synthetic matrix: the file stays small
        out["robust"]["transformed"] = matrix(r.transform(x))
        out["minmax"]["transformed"] = matrix(m.transform(x))
    return out


def kneedle_synthetic():
    rng = np.random.default_rng(1)
    cases = []
    for _ in range(40):
        n = int(rng.integers(5, 12))
        steps = -np.abs(rng.normal(size=n)) * np.linspace(3, 0.2, n) + rng.normal(scale=0.5,
                                                                                 size=n)
        y = np.round(np.cumsum(steps) * 100 + 1000, 1)
        x = list(range(1, n + 1))
        kl = KneeLocator(x, y, S=1.0, curve="convex", direction="decreasing",
                         interp_method="interp1d", online=False)
        cases.append(OrderedDict([
            ("x", x),
            ("y", floats(y)),
            ("knee", None if kl.knee is None else int(kl.knee)),
            ("all_knees", [int(v) for v in kl.all_knees]),
            ("y_normalized", floats(kl.y_normalized)),
            ("x_difference", floats(kl.x_difference)),
            ("y_difference", floats(kl.y_difference)),
            ("maxima_indices", [int(v) for v in kl.maxima_indices]),
            ("minima_indices", [int(v) for v in kl.minima_indices]),
            ("thresholds", floats(kl.Tmx)),
        ]))
    return cases


def main():
    with open(os.path.join(HERE, "reference.json")) as f:
        ref = json.load(f)
    out = OrderedDict()
    out["generator"] = "make_reference_extra.py"
    out["versions"] = OrderedDict([
        ("python", platform.python_version()), ("numpy", np.__version__),
        ("scipy", scipy.__version__), ("scikit-learn", sklearn.__version__),
        ("kneed", kneed.__version__)])
    out["sample_weight"] = "((37 * i) % 10 + 1) / 4 for 0-based row i"
    out["skewed_sample_weight"] = "10 if X[i, 0] > 0.5 else 0.5 (X: the scaled matrix)"
    out["from_start"] = OrderedDict()
    out["weighted"] = OrderedDict()
    with threadpool_limits(limits=1):
        for name in SETS:
            _, x = read_matrix(name + "_scaled.csv")
            out["from_start"][name] = OrderedDict()
            out["weighted"][name] = OrderedDict()
            for k in KS:
                ref_k = ref["datasets"][name]["kmeans"][str(k)]
                out["from_start"][name][str(k)] = from_start(x, ref_k, k)
                out["weighted"][name][str(k)] = weighted(x, k)
                print("%-13s k=%d n_iter %s, weighted %s" % (
                    name, k,
                    [v["n_iter"] for v in out["from_start"][name][str(k)].values()],
                    [v["n_iter"] for v in out["weighted"][name][str(k)].values()]))
            var = np.var(x, axis=0)
            out["weighted"][name]["abs_tol"] = float(np.mean(var) * 1e-4)
    _, wine = read_matrix("wine.csv")
    _, cdnow = read_matrix("cdnow_rfm.csv")
    synthetic = np.array([[1.0, 5.0, 1.0, 0.0], [2.0, 5.0, 1.0, 10.0], [2.0, 5.0, 1.0, 10.0],
                          [3.0, 5.0, 1.0, -4.0], [7.0, 5.0, 9.0, 2.5]], dtype=np.float64)
    out["scalers"] = OrderedDict([
        ("wine", scalers(wine, False)),
        ("cdnow_rfm_log1p", scalers(np.log1p(cdnow[:, 1:]), False)),
        ("synthetic", OrderedDict([("x", matrix(synthetic))] + list(scalers(synthetic,
                                                                            True).items()))),
    ])
    out["kneedle_synthetic"] = kneedle_synthetic()
    with open(os.path.join(HERE, "reference_extra.json"), "w") as f:
        # One line per top-level entry keeps the file small and its diffs readable.
        f.write("{\n")
        for i, (key, value) in enumerate(out.items()):
            sep = "," if i + 1 < len(out) else ""
            f.write(" %s: %s%s\n" % (json.dumps(key), json.dumps(value, separators=(",", ":")),
                                     sep))
        f.write("}")
        f.write("\n")
    print("wrote reference_extra.json")


if __name__ == "__main__":
    main()
