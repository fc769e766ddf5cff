#!/usr/bin/env python3
"""Regenerate the crm-kmeans test data and the scikit-learn / kneed reference numbers.

Usage (from any directory; see SOURCE.md for the full recipe):

    python3 -m venv /tmp/kmref
    /tmp/kmref/bin/pip install -r requirements-reference.txt
    /tmp/kmref/bin/python make_reference.py

Writes, next to this script:

- wine.csv, breast_cancer.csv: sklearn.datasets.load_wine() / load_breast_cancer() feature
  matrices (header = feature names in snake_case ASCII, floats by repr).
- cdnow_rfm.csv: per customer of ../../../crm-rfm/tests/data/cdnow_sample.csv, as of
  1998-07-01: recency_days = (as_of - last date).days, frequency = row count, monetary = sum of
  amount, Kahan-compensated in file order exactly as pandas' groupby().sum() and crm-rfm do
  (checked bit for bit against crm-rfm's tests/data/ref_features.csv).
- <name>_scaled.csv: the exact matrix scikit-learn clustered: StandardScaler on wine and
  breast_cancer; np.log1p then StandardScaler on cdnow_rfm's three numeric columns.
- <name>_labels_k{2,3,4}.csv: labels of the best of the 5 KMeans fits below (one int a line).
- reference.json: per data set, the scaler (mean_, scale_), per k in {2,3,4,5,8} the 5 fits
  KMeans(n_clusters=k, n_init=10, random_state=0..4, algorithm="lloyd") (inertia, n_iter),
  their best, the best over random_state=0..49 (a near-optimum estimate), and for k in
  {2,3,4} silhouette_score (exact), davies_bouldin_score, calinski_harabasz_score of the
  written labels; and kneed.KneeLocator on the k=1..10 inertia curve.

Every number is computed by scikit-learn / numpy / kneed from the matrices as re-read from
the written CSV files, so the Rust tests can use exactly the same input. KMeans runs inside
threadpool_limits(1) (OpenMP reductions then do not depend on the thread count). Floats are
written by repr (shortest string that round-trips to the same f64); JSON floats too.
"""

import csv
import datetime as dt
import hashlib
import json
import math
import os
import platform
import re
import sys
from collections import OrderedDict

import numpy as np
import scipy
import sklearn
from sklearn.cluster import KMeans
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

import kneed
from kneed import KneeLocator

HERE = os.path.dirname(os.path.abspath(__file__))
CDNOW = os.path.normpath(os.path.join(HERE, "..", "..", "..", "crm-rfm", "tests", "data",
                                      "cdnow_sample.csv"))
CDNOW_FEATURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "crm-rfm", "tests",
                                               "data", "ref_features.csv"))
AS_OF = dt.date(1998, 7, 1)
KS = [2, 3, 4, 5, 8]
METRIC_KS = [2, 3, 4]
N_INIT = 10
FIT_SEEDS = list(range(5))
BEST_OF_SEEDS = list(range(50))
KNEE_KS = list(range(1, 11))


# --------------------------------------------------------------------------- io

def fmt(v):
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if not math.isfinite(f):
            raise ValueError("non-finite value %r" % f)
        return repr(f)
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return str(v)


def write_csv(name, header, rows):
    path = os.path.join(HERE, name)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        if header is not None:
            w.writerow(header)
        for r in rows:
            w.writerow([fmt(v) for v in r])
    return path


def read_matrix(name):
    """Reads a numeric CSV written by write_csv back (header, float64 matrix)."""
    with open(os.path.join(HERE, name), newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], np.array([[float(v) for v in r] for r in rows[1:]], dtype=np.float64)


def snake(name):
    s = re.sub(r"[^0-9a-zA-Z]+", "_", name.strip()).strip("_").lower()
    assert s and s.isascii(), name
    return s


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# --------------------------------------------------------------------------- data sets

def write_sklearn_dataset(name, bunch):
    header = [snake(n) for n in bunch.feature_names]
    assert len(set(header)) == len(header)
    write_csv(name + ".csv", header, bunch.data.tolist())
    h, x = read_matrix(name + ".csv")
    assert h == header and np.array_equal(x, bunch.data), name  # repr round-trips
    return header, x


def cdnow_rfm():
    last, count, total, comp = OrderedDict(), {}, {}, {}
    with open(CDNOW, newline="") as f:
        for r in csv.DictReader(f):
            cid = r["customer_id"]
            d = dt.date.fromisoformat(r["date"])
            a = float(r["amount"])
            if cid not in last:
                last[cid], count[cid], total[cid], comp[cid] = d, 0, 0.0, 0.0
            last[cid] = max(last[cid], d)
            count[cid] += 1
            # Kahan summation in file order, step for step as pandas' cython group_sum
            y = a - comp[cid]
            t = total[cid] + y
            comp[cid] = (t - total[cid]) - y
            total[cid] = t
    ids = sorted(last)  # customer_id compared as strings (they are zero-padded)
    rows = [(cid, (AS_OF - last[cid]).days, count[cid], total[cid]) for cid in ids]
    header = ["customer_id", "recency_days", "frequency", "monetary"]
    write_csv("cdnow_rfm.csv", header, rows)
    # Cross-check against crm-rfm's own reference features (pandas groupby).
    check = {"rows_compared": 0, "recency_equal": 0, "frequency_equal": 0,
             "monetary_bit_equal": 0, "monetary_max_abs_diff": 0.0}
    if os.path.exists(CDNOW_FEATURES):
        with open(CDNOW_FEATURES, newline="") as f:
            ref = {r["customer_id"]: r for r in csv.DictReader(f)}
        for cid, rec, fr, mon in rows:
            o = ref[cid]
            check["rows_compared"] += 1
            check["recency_equal"] += int(o["recency_days"]) == rec
            check["frequency_equal"] += int(o["frequency_rows"]) == fr
            check["monetary_bit_equal"] += float(o["monetary"]) == mon
            check["monetary_max_abs_diff"] = max(check["monetary_max_abs_diff"],
                                                 abs(float(o["monetary"]) - mon))
        assert len(ref) == len(rows)
        assert (check["recency_equal"] == check["frequency_equal"]
                == check["monetary_bit_equal"] == len(rows)), check
    with open(os.path.join(HERE, "cdnow_rfm.csv"), newline="") as f:
        back = list(csv.reader(f))[1:]
    x = np.array([[float(v) for v in r[1:]] for r in back], dtype=np.float64)
    return header[1:], x, check


# --------------------------------------------------------------------------- clustering

def fit(x, k, seed):
    km = KMeans(n_clusters=k, n_init=N_INIT, random_state=seed, algorithm="lloyd")
    km.fit(x)
    return km


def reference_for(name, raw_header, raw, log1p):
    pre = np.log1p(raw) if log1p else raw
    scaler = StandardScaler().fit(pre)
    scaled = scaler.transform(pre)
    write_csv(name + "_scaled.csv", raw_header, scaled.tolist())
    h, x = read_matrix(name + "_scaled.csv")
    assert h == raw_header and np.array_equal(x, scaled)
    n, d = x.shape
    out = OrderedDict()
    out["files"] = {"raw": name + ".csv", "scaled": name + "_scaled.csv"}
    out["n_samples"] = n
    out["n_features"] = d
    out["columns"] = raw_header
    out["preprocessing"] = ("np.log1p then StandardScaler()" if log1p else "StandardScaler()")
    out["scaler"] = {"log1p": log1p, "mean": scaler.mean_.tolist(),
                     "scale": scaler.scale_.tolist(), "var": scaler.var_.tolist()}
    # sklearn's absolute tolerance: tol * mean of per-feature variances of X.
    out["kmeans_abs_tol_for_tol_1e-4"] = float(1e-4 * np.mean(np.var(x, axis=0)))
    per_k = OrderedDict()
    for k in KS:
        fits = [fit(x, k, s) for s in FIT_SEEDS]
        inertias = [float(f.inertia_) for f in fits]
        best_i = int(np.argmin(inertias))
        best = fits[best_i]
        b50 = [float(fit(x, k, s).inertia_) for s in BEST_OF_SEEDS]
        e = OrderedDict()
        e["random_states"] = FIT_SEEDS
        e["inertias"] = inertias
        e["n_iter"] = [int(f.n_iter_) for f in fits]
        e["sklearn_best_inertia"] = inertias[best_i]
        e["best_random_state"] = FIT_SEEDS[best_i]
        e["best_cluster_sizes"] = sorted(np.bincount(best.labels_, minlength=k).tolist(),
                                         reverse=True)
        e["best_centers"] = best.cluster_centers_.tolist()
        e["sklearn_best_of_50"] = min(b50)
        e["best_of_50_random_state"] = BEST_OF_SEEDS[int(np.argmin(b50))]
        e["best_of_50_worst"] = max(b50)
        e["median_of_50"] = float(np.median(b50))
        if k in METRIC_KS:
            labels = best.labels_.astype(np.int64)
            fname = "%s_labels_k%d.csv" % (name, k)
            write_csv(fname, None, [[int(v)] for v in labels])
            with open(os.path.join(HERE, fname)) as f:
                back = np.array([int(line) for line in f], dtype=np.int64)
            assert np.array_equal(back, labels)
            e["labels_file"] = fname
            e["silhouette"] = float(silhouette_score(x, back))
            e["davies_bouldin"] = float(davies_bouldin_score(x, back))
            e["calinski_harabasz"] = float(calinski_harabasz_score(x, back))
        per_k[str(k)] = e
        print("  %-13s k=%d best %-22r best-of-50 %-22r n_iter %s%s" % (
            name, k, e["sklearn_best_inertia"], e["sklearn_best_of_50"], e["n_iter"],
            "" if k not in METRIC_KS else "  sil %.6f db %.6f ch %.4f" % (
                e["silhouette"], e["davies_bouldin"], e["calinski_harabasz"])))
    out["kmeans"] = per_k
    return x, out


def kneedle(x):
    ks = KNEE_KS
    inertias = [float(fit(x, k, 0).inertia_) for k in ks]
    kl = KneeLocator(ks, inertias, S=1.0, curve="convex", direction="decreasing",
                     interp_method="interp1d", online=False)
    r = OrderedDict()
    r["kmeans"] = "KMeans(n_clusters=k, n_init=10, random_state=0, algorithm='lloyd').inertia_"
    r["params"] = {"S": 1.0, "curve": "convex", "direction": "decreasing",
                   "interp_method": "interp1d", "online": False}
    r["x"] = ks
    r["y"] = inertias
    r["knee"] = None if kl.knee is None else int(kl.knee)
    r["knee_y"] = None if kl.knee_y is None else float(kl.knee_y)
    r["norm_knee"] = None if kl.norm_knee is None else float(kl.norm_knee)
    r["all_knees"] = sorted(int(v) for v in kl.all_knees)
    r["x_normalized"] = [float(v) for v in kl.x_normalized]
    r["y_normalized"] = [float(v) for v in kl.y_normalized]
    r["x_difference"] = [float(v) for v in kl.x_difference]
    r["y_difference"] = [float(v) for v in kl.y_difference]
    r["maxima_indices"] = [int(v) for v in kl.maxima_indices]
    r["minima_indices"] = [int(v) for v in kl.minima_indices]
    r["thresholds"] = [float(v) for v in kl.Tmx]
    return r


# --------------------------------------------------------------------------- main

def main():
    wine_header, wine = write_sklearn_dataset("wine", load_wine())
    bc_header, bc = write_sklearn_dataset("breast_cancer", load_breast_cancer())
    rfm_header, rfm, rfm_check = cdnow_rfm()

    data_dir = os.path.join(os.path.dirname(sklearn.__file__), "datasets", "data")
    ref = OrderedDict()
    ref["generator"] = "make_reference.py"
    ref["versions"] = OrderedDict([
        ("python", platform.python_version()), ("numpy", np.__version__),
        ("scipy", scipy.__version__), ("scikit-learn", sklearn.__version__),
        ("kneed", kneed.__version__)])
    ref["kmeans_params"] = {"n_init": N_INIT, "algorithm": "lloyd", "init": "k-means++",
                            "max_iter": 300, "tol": 1e-4, "threads": 1}
    ref["sources"] = OrderedDict([
        ("wine", {"sklearn_file": "sklearn/datasets/data/wine_data.csv",
                  "sha256": sha256(os.path.join(data_dir, "wine_data.csv"))}),
        ("breast_cancer", {"sklearn_file": "sklearn/datasets/data/breast_cancer.csv",
                           "sha256": sha256(os.path.join(data_dir, "breast_cancer.csv"))}),
        ("cdnow_rfm", {"from": "crates/crm-rfm/tests/data/cdnow_sample.csv",
                       "sha256": sha256(CDNOW), "as_of": AS_OF.isoformat(),
                       "crosscheck_vs_crm_rfm_ref_features": rfm_check}),
    ])
    ref["datasets"] = OrderedDict()
    scaled = {}
    with threadpool_limits(limits=1):
        for name, header, raw, log1p in (("wine", wine_header, wine, False),
                                         ("breast_cancer", bc_header, bc, False),
                                         ("cdnow_rfm", rfm_header, rfm, True)):
            print("%s: %d x %d" % (name, raw.shape[0], raw.shape[1]))
            scaled[name], ref["datasets"][name] = reference_for(name, header, raw, log1p)
        ref["kneedle"] = OrderedDict()
        for name in ("cdnow_rfm", "wine", "breast_cancer"):
            ref["kneedle"][name] = kneedle(scaled[name])
            kn = ref["kneedle"][name]
            print("kneedle %-13s knee %s (y %r), y %s" % (name, kn["knee"], kn["knee_y"],
                                                         kn["y"]))
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")
    print("wrote reference.json; cdnow_rfm vs crm-rfm ref_features: %s" % rfm_check)


if __name__ == "__main__":
    sys.exit(main())
