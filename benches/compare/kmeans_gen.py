#!/usr/bin/env python3
"""Write N points of 8 Gaussian blobs in 3-D to a CSV, for benches/compare/kmeans.sh.

Usage: python kmeans_gen.py N OUT.csv [--seed S]

The points are sklearn.datasets.make_blobs(n_samples=N, centers=8, n_features=3,
cluster_std=1.0, random_state=S) (centres uniform in [-10, 10]^3; default S=0). Header
`x0,x1,x2`; floats by repr (the shortest string that parses back to the same f64), so the
file is deterministic and every reader gets exactly the same matrix.
"""

import argparse
import sys
import time

from sklearn.datasets import make_blobs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    if a.n < 1:
        ap.error("N must be positive")
    t0 = time.perf_counter()
    x, _ = make_blobs(n_samples=a.n, centers=8, n_features=3, cluster_std=1.0,
                      random_state=a.seed)
    with open(a.out, "w", newline="\n") as f:
        f.write("x0,x1,x2\n")
        step = 100_000
        for i in range(0, a.n, step):
            f.write("".join("%r,%r,%r\n" % (p, q, r) for p, q, r in x[i:i + step].tolist()))
    print("gen %d rows seed %d -> %s in %.2f s" % (a.n, a.seed, a.out, time.perf_counter() - t0))


if __name__ == "__main__":
    sys.exit(main())
