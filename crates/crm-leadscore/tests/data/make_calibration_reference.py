#!/usr/bin/env python3
"""scikit-learn's calibration_curve for the crm-leadscore tests: writes calibration.json.

Usage (the pinned environment of requirements-reference.txt; only scikit-learn and numpy
are imported):

    python3 -m venv /tmp/lsref
    /tmp/lsref/bin/pip install -r requirements-reference.txt
    /tmp/lsref/bin/python make_calibration_reference.py        # ~1 s

Cases, each with y (0/1), the probabilities p (for the pred_test.csv ones: the column name
instead of the values) and n_bins:

- the three p columns of pred_test.csv (the 11,303 Bank Marketing test rows), 10 bins: the
  forest's probabilities are shares of 300 trees, so many fall exactly on a bin edge;
- synthetic: probabilities on every edge of 10, 5 and 3 uniform bins, including 0 and 1.

For each: sklearn.calibration.calibration_curve(y, p, n_bins=n_bins, strategy="uniform")
-> prob_true, prob_pred (non-empty bins, ascending), and the bin counts, computed the way
calibration_curve computes its bin_total (np.searchsorted(linspace(0, 1, n_bins + 1)[1:-1],
p) then np.bincount), which it does not return. Floats are JSON numbers by repr (shortest
round-trip). No number here was computed by crm-leadscore.
"""

import csv
import json
import os
import platform
from collections import OrderedDict

import numpy as np
import sklearn
from sklearn.calibration import calibration_curve

HERE = os.path.dirname(os.path.abspath(__file__))


def case(name, y, p, n_bins, p_column=None):
    y = np.asarray(y, dtype=np.int64)
    p = np.asarray(p, dtype=np.float64)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=n_bins, strategy="uniform")
    bins = np.linspace(0.0, 1.0, n_bins + 1)
    total = np.bincount(np.searchsorted(bins[1:-1], p), minlength=n_bins)
    out = OrderedDict([("name", name), ("n_bins", n_bins)])
    out["y"] = [int(v) for v in y] if p_column is None else "pred_test.csv y"
    out["p"] = [float(v) for v in p] if p_column is None else p_column
    out["prob_true"] = [float(v) for v in prob_true]
    out["prob_pred"] = [float(v) for v in prob_pred]
    out["counts"] = [int(v) for v in total[total != 0]]
    out["edges"] = [float(v) for v in bins]
    return out


def main():
    with open(os.path.join(HERE, "pred_test.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    y = [int(r["y"]) for r in rows]
    cases = [case("pred_test " + c, y, [float(r[c]) for r in rows], 10, p_column=c)
             for c in ("p_logistic", "p_forest", "p_boosted")]
    for n_bins in (10, 5, 3):
        edges = np.linspace(0.0, 1.0, n_bins + 1)
        # Every edge twice (one positive, one negative), and a value inside each bin.
        p = [float(e) for e in edges for _ in range(2)]
        p += [float((a + b) / 2) for a, b in zip(edges[:-1], edges[1:])]
        labels = [i % 2 for i in range(2 * len(edges))] + [1] * n_bins
        cases.append(case("edges of %d bins" % n_bins, labels, p, n_bins))
    cases.append(case("decimal edges 0.3 and 0.7", [0, 1, 1, 0, 1, 0],
                      [0.3, 0.3, 0.7, 0.7, 0.30000000000000004, 0.6999999999999998], 10))
    out = OrderedDict()
    out["generated_by"] = "crates/crm-leadscore/tests/data/make_calibration_reference.py"
    out["versions"] = OrderedDict([("python", platform.python_version()),
                                   ("scikit-learn", sklearn.__version__),
                                   ("numpy", np.__version__)])
    out["cases"] = cases
    with open(os.path.join(HERE, "calibration.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote calibration.json: %d cases" % len(cases))


if __name__ == "__main__":
    main()
