#!/usr/bin/env python3
"""scikit-learn side of benches/compare/kmeans.sh: time KMeans.fit (and silhouette_score).

Usage: python kmeans_sklearn.py IN.csv [--k 8] [--n-init 10] [--seed 0]
                                [--threads N] [--silhouette-sample S]

Loads IN.csv (header row, numeric columns) with numpy (not timed), then times, with
time.perf_counter:

    KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(X)
    -> prints `fit <seconds> inertia <value> n_iter <n>`
    silhouette_score(X, labels_, sample_size=S, random_state=seed)   (with --silhouette-sample)
    -> prints `silhouette <seconds> value <v>`

KMeans keeps its defaults otherwise (algorithm "lloyd", init "k-means++", max_iter 300,
tol 1e-4). --threads N runs both inside threadpoolctl.threadpool_limits(N) (OpenMP and BLAS),
so the thread count does not depend on OMP_NUM_THREADS alone (the caller sets that too).
A first line `threads openmp=<n> blas=<n>` reports what threadpoolctl sees inside the limit.
Floats are printed by repr.
"""

import argparse
import sys
import time

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_info, threadpool_limits


def pool_threads(api):
    n = [p["num_threads"] for p in threadpool_info() if p["user_api"] == api]
    return ",".join(str(v) for v in sorted(set(n))) if n else "none"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input")
    ap.add_argument("--k", type=int, default=8)
    ap.add_argument("--n-init", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=None,
                    help="threadpool_limits for OpenMP and BLAS (default: leave as is)")
    ap.add_argument("--silhouette-sample", type=int, default=None)
    a = ap.parse_args()

    x = np.loadtxt(a.input, delimiter=",", skiprows=1, dtype=np.float64)
    if x.ndim == 1:
        x = x.reshape(-1, 1)

    with threadpool_limits(limits=a.threads):
        print("threads openmp=%s blas=%s" % (pool_threads("openmp"), pool_threads("blas")),
              flush=True)
        km = KMeans(n_clusters=a.k, n_init=a.n_init, random_state=a.seed)
        t0 = time.perf_counter()
        km.fit(x)
        secs = time.perf_counter() - t0
        print("fit %.6f inertia %r n_iter %d" % (secs, float(km.inertia_), int(km.n_iter_)),
              flush=True)
        if a.silhouette_sample:
            t0 = time.perf_counter()
            v = silhouette_score(x, km.labels_, sample_size=a.silhouette_sample,
                                 random_state=a.seed)
            secs = time.perf_counter() - t0
            print("silhouette %.6f value %r" % (secs, float(v)), flush=True)


if __name__ == "__main__":
    sys.exit(main())
