#!/usr/bin/env python3
"""Regenerate the crm-leadscore reference data in this folder from UCI Bank Marketing.

Usage (from the workspace root):

    python3 -m venv /tmp/lsref
    /tmp/lsref/bin/pip install -r crates/crm-leadscore/tests/data/requirements-reference.txt
    /tmp/lsref/bin/python crates/crm-leadscore/tests/data/make_reference.py

Options: --bank PATH (default: bank-marketing/bank-full.csv in this folder, the copy of the UCI
file committed with the tests), --out DIR (default: this folder).

Writes (see SOURCE.md for every convention):
  bank_split.csv   header `split`, then one line per row of bank-full.csv in file order:
                   train / test from train_test_split(arange(n), test_size=0.25, stratify=y,
                   random_state=42)
  reference.json   preprocessing (categories, scaler mean/scale, feature names in order),
                   test ROC-AUC, fit seconds and parameters of LogisticRegression,
                   RandomForestClassifier and XGBClassifier, the logistic intercept and
                   coefficients
  pred_test.csv    row_index,y,p_logistic,p_forest,p_boosted for the test rows (row_index
                   ascending), floats by repr
  metrics.json     sklearn/scipy metrics of the three score columns (AUC, AP, log-loss,
                   Brier, P/R/F1/MCC and confusion at 0.5, KS two ways, decile tables),
                   synthetic tie cases, and population-stability-index examples

Everything except the `fit_seconds` fields is deterministic (checked: two runs give
byte-identical bank_split.csv, pred_test.csv and metrics.json).
"""

import argparse
import hashlib
import json
import math
import os
import platform
import sys
import time

import numpy as np
import pandas as pd
import scipy
import scipy.stats
import sklearn
import xgboost
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    log_loss,
    matthews_corrcoef,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OneHotEncoder, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_BANK = os.path.join(HERE, "bank-marketing", "bank-full.csv")
DEFAULT_BANK_LABEL = ("crates/crm-leadscore/tests/data/bank-marketing/bank-full.csv"
                      " (relative to the workspace root)")

# Column roles. `duration` is dropped (known only after the call: it leaks the outcome).
CATEGORICAL = ["job", "marital", "education", "default", "housing", "loan", "contact", "month",
               "poutcome"]
NUMERIC = ["age", "balance", "day", "campaign", "pdays", "previous"]
DROPPED = ["duration"]
TARGET = "y"
SEED = 42
TEST_SIZE = 0.25
N_JOBS = 2

LOGISTIC_PARAMS = dict(max_iter=1000)  # otherwise defaults: l2, C=1.0, lbfgs, tol=1e-4
FOREST_PARAMS = dict(n_estimators=300, n_jobs=N_JOBS, random_state=SEED)
BOOSTED_PARAMS = dict(n_estimators=300, max_depth=5, learning_rate=0.05, subsample=0.8,
                      colsample_bytree=0.8, n_jobs=N_JOBS, random_state=SEED,
                      tree_method="hist")

PSI_FLOOR = 1e-4
N_DECILES = 10
THRESHOLD = 0.5


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load(bank):
    df = pd.read_csv(bank, sep=";")
    expected = NUMERIC + CATEGORICAL + DROPPED + [TARGET]
    if sorted(df.columns) != sorted(expected):
        sys.exit("unexpected columns in %s: %s" % (bank, list(df.columns)))
    y = (df[TARGET] == "yes").to_numpy().astype(np.int64)
    return df, y


def split(y):
    """Train rows in the order train_test_split returns them (models are fitted in that
    order, as in the usual `X_train, X_test, ... = train_test_split(X, y, ...)` workflow: the
    forest's bootstrap and XGBoost's row subsampling depend on it); test rows ascending."""
    idx = np.arange(len(y))
    train, test = train_test_split(idx, test_size=TEST_SIZE, stratify=y, random_state=SEED)
    return train, np.sort(test)


class Features:
    """One-hot categoricals (first, in CATEGORICAL order, categories sorted) then the
    standard-scaled numerics (NUMERIC order); both fitted on the training rows only.

    This is the layout of ColumnTransformer([("cat", OneHotEncoder(handle_unknown="ignore"),
    CATEGORICAL), ("num", StandardScaler(), NUMERIC)]); it reproduces the issue's
    measurements (RF 0.7925, XGBoost 0.8066). All three models get the same matrix.
    """

    def __init__(self, df, train):
        self.ohe = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
        self.ohe.fit(df.loc[train, CATEGORICAL])
        self.scaler = StandardScaler()
        self.scaler.fit(df.loc[train, NUMERIC].to_numpy(np.float64))
        self.names = list(self.ohe.get_feature_names_out(CATEGORICAL)) + list(NUMERIC)

    def transform(self, df, rows):
        c = self.ohe.transform(df.loc[rows, CATEGORICAL])
        n = self.scaler.transform(df.loc[rows, NUMERIC].to_numpy(np.float64))
        return np.ascontiguousarray(np.hstack([c, n]), dtype=np.float64)

    def describe(self):
        return {
            "layout": "one-hot categoricals first (CATEGORICAL order, categories sorted), then "
                      "standard-scaled numerics (NUMERIC order); same matrix for all three "
                      "models",
            "categorical": CATEGORICAL,
            "numeric": NUMERIC,
            "dropped": DROPPED,
            "target": "y == \"yes\" -> 1, else 0",
            "one_hot": "OneHotEncoder(handle_unknown=\"ignore\", sparse_output=False) fitted on "
                       "train; a category unseen in train gives an all-zero block",
            "categories": {c: [str(v) for v in cats]
                           for c, cats in zip(CATEGORICAL, self.ohe.categories_)},
            "scaler": "StandardScaler() fitted on train: (x - mean) / scale, scale = population "
                      "standard deviation (ddof=0)",
            "scaler_mean": dict(zip(NUMERIC, map(float, self.scaler.mean_))),
            "scaler_scale": dict(zip(NUMERIC, map(float, self.scaler.scale_))),
            "feature_names": self.names,
            "n_features": len(self.names),
        }


def fit_timed(model, x, y):
    t0 = time.perf_counter()
    model.fit(x, y)
    return time.perf_counter() - t0


def models():
    return {
        "logistic": LogisticRegression(**LOGISTIC_PARAMS),
        "forest": RandomForestClassifier(**FOREST_PARAMS),
        "boosted": xgboost.XGBClassifier(**BOOSTED_PARAMS),
    }


# ---- metrics --------------------------------------------------------------------------------

def ks_from_roc(y, p):
    fpr, tpr, _ = roc_curve(y, p, drop_intermediate=False)
    d = tpr - fpr
    return float(np.max(d))


def decile_order(p):
    """Row positions sorted by score descending, ties in row order (stable sort of -p)."""
    return np.argsort(-np.asarray(p, dtype=np.float64), kind="stable")


def decile_table(y, p, n_groups=N_DECILES):
    y = np.asarray(y)
    p = np.asarray(p, dtype=np.float64)
    order = decile_order(p)
    groups = np.array_split(order, n_groups)
    total_pos = int(y.sum())
    overall = total_pos / len(y)
    rows, cum_n, cum_pos = [], 0, 0
    for i, g in enumerate(groups, start=1):
        n = len(g)
        pos = int(y[g].sum())
        cum_n += n
        cum_pos += pos
        rate = pos / n
        rows.append({
            "decile": i,
            "count": n,
            "positives": pos,
            "rate": rate,
            "lift": rate / overall,
            "cum_count": cum_n,
            "cum_positives": cum_pos,
            "capture": cum_pos / total_pos,
            "cum_lift": (cum_pos / cum_n) / overall,
            "min_score": float(p[g].min()),
            "max_score": float(p[g].max()),
        })
    return rows


def model_metrics(y, p):
    pred = (p >= THRESHOLD).astype(np.int64)
    tn, fp, fn, tp = (int(v) for v in confusion_matrix(y, pred, labels=[0, 1]).ravel())
    auc = float(roc_auc_score(y, p))
    ks_roc = ks_from_roc(y, p)
    ks_2samp = float(scipy.stats.ks_2samp(p[y == 1], p[y == 0]).statistic)
    return {
        "n": int(len(y)),
        "positives": int(y.sum()),
        "roc_auc": auc,
        "gini": 2.0 * auc - 1.0,
        "average_precision": float(average_precision_score(y, p)),
        "log_loss": float(log_loss(y, p)),
        "brier_score_loss": float(brier_score_loss(y, p)),
        "threshold": THRESHOLD,
        "precision": float(precision_score(y, pred, zero_division=0)),
        "recall": float(recall_score(y, pred, zero_division=0)),
        "f1": float(f1_score(y, pred, zero_division=0)),
        "mcc": float(matthews_corrcoef(y, pred)),
        "confusion": {"tn": tn, "fp": fp, "fn": fn, "tp": tp},
        "ks": ks_roc,
        "ks_2samp": ks_2samp,
        "ks_agree_abs_diff": abs(ks_roc - ks_2samp),
        "n_distinct_scores": int(len(np.unique(p))),
        "deciles": decile_table(y, p),
    }


def curve_case(name, y, s, note=""):
    y = np.asarray(y, dtype=np.int64)
    s = np.asarray(s, dtype=np.float64)
    fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)
    prec, rec, pthr = precision_recall_curve(y, s)
    case = {
        "name": name,
        "y": y.tolist(),
        "s": s.tolist(),
        "roc_auc": float(roc_auc_score(y, s)),
        "average_precision": float(average_precision_score(y, s)),
        "ks": float(np.max(tpr - fpr)),
        "log_loss": float(log_loss(y, s)) if np.all((s >= 0) & (s <= 1)) else None,
        "brier_score_loss": float(brier_score_loss(y, s)) if np.all((s >= 0) & (s <= 1)) else None,
        # roc_curve(drop_intermediate=False): one point per distinct score, descending,
        # after sklearn's leading (0, 0) point whose threshold is +inf (left out here).
        "roc_fpr": fpr.tolist(),
        "roc_tpr": tpr.tolist(),
        "roc_thresholds_after_inf": thr[1:].tolist(),
        # precision_recall_curve: thresholds ascending; precision/recall have one more
        # entry, the final (precision 1, recall 0) point, which has no threshold.
        "pr_precision": prec.tolist(),
        "pr_recall": rec.tolist(),
        "pr_thresholds": pthr.tolist(),
    }
    if note:
        case["note"] = note
    return case


def synthetic_cases():
    return [
        curve_case("simple", [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8],
                   "the sklearn docs example: AUC 0.75"),
        curve_case("all_equal", [0, 1, 0, 1, 1], [0.5] * 5,
                   "one tie group: AUC 0.5, AP = positive rate"),
        curve_case("tie_across_classes", [0, 1, 1, 0, 1, 0, 0, 1],
                   [0.2, 0.2, 0.5, 0.5, 0.5, 0.9, 0.1, 0.9],
                   "tied groups holding both classes count half in AUC; AP steps per group"),
        curve_case("ties_within_class", [1, 1, 0, 0, 0, 1], [0.7, 0.7, 0.3, 0.3, 0.3, 0.6],
                   "ties only inside one class: perfect ranking"),
        curve_case("perfect", [0, 0, 0, 1, 1], [0.1, 0.2, 0.3, 0.8, 0.9]),
        curve_case("reversed", [1, 1, 0, 0, 0], [0.1, 0.2, 0.3, 0.8, 0.9]),
        curve_case("imbalanced_heavy_ties", [0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0],
                   [0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.2, 0.2, 0.4, 0.4, 0.4, 0.4, 0.9, 0.9,
                    0.05, 0.05]),
        curve_case("integer_scores", [0, 1, 0, 1, 1, 0, 1, 0, 0, 1], [3, 5, 1, 5, 2, 3, 4, 5, 0, 3],
                   "scores outside [0,1]: AUC/AP/KS only (log-loss and Brier are null)"),
        curve_case("log_loss_clipping", [1, 0, 1, 0], [0.0, 1.0, 1.0, 0.0],
                   "p = 0 or 1 exactly: sklearn clips p to [eps, 1-eps], eps = 2^-52, so a "
                   "wrong certain prediction costs -ln(2^-52) = 36.04 instead of infinity"),
    ]


# ---- population stability index ------------------------------------------------------------

def psi_bin_index(edges, x):
    """Bins (-inf, e1], (e1, e2], ..., (e9, +inf): right-closed, like pandas.cut(right=True)."""
    return np.searchsorted(edges, x, side="left")


def psi_example(name, expected, actual, note):
    expected = np.asarray(expected, dtype=np.float64)
    actual = np.asarray(actual, dtype=np.float64)
    probs = [k / 10 for k in range(1, 10)]
    edges = np.quantile(expected, probs)  # numpy default method "linear" (type 7)
    ce = np.bincount(psi_bin_index(edges, expected), minlength=10)
    ca = np.bincount(psi_bin_index(edges, actual), minlength=10)
    e = np.maximum(ce / len(expected), PSI_FLOOR)
    a = np.maximum(ca / len(actual), PSI_FLOOR)
    terms = (a - e) * np.log(a / e)
    return {
        "name": name,
        "note": note,
        "expected": expected.tolist(),
        "actual": actual.tolist(),
        "edges": edges.tolist(),
        "expected_counts": ce.tolist(),
        "actual_counts": ca.tolist(),
        "expected_prop_floored": e.tolist(),
        "actual_prop_floored": a.tolist(),
        "terms": terms.tolist(),
        "psi": float(terms.sum()),
    }


def psi_examples():
    rng = np.random.default_rng(0)
    expected = np.round(rng.beta(2.0, 5.0, size=200), 4)
    shifted = np.round(rng.beta(2.6, 4.4, size=150), 4)
    # The second actual sample lies wholly above the expected sample's first decile edge,
    # so its first bin is empty and the 1e-4 floor decides that term.
    lo = float(np.quantile(expected, 0.1))
    high = np.round(lo + 0.001 + rng.beta(2.0, 4.0, size=120) * (1.0 - lo - 0.001), 4)
    return [
        psi_example("mild_shift", expected, shifted,
                    "expected: 200 Beta(2,5) draws, actual: 150 Beta(2.6,4.4) draws, "
                    "numpy default_rng(0), rounded to 4 decimals"),
        psi_example("empty_bin", expected, high,
                    "actual: 120 values all above the first decile edge, so actual bin 1 is "
                    "empty and is floored to 1e-4"),
        psi_example("identical", expected, expected, "same sample: PSI 0"),
    ]


# ---- main -------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bank", default=DEFAULT_BANK)
    ap.add_argument("--out", default=HERE)
    a = ap.parse_args()
    bank = os.path.abspath(a.bank)
    out = a.out

    df, y = load(bank)
    train, test = split(y)

    # bank_split.csv
    labels = np.full(len(y), "train", dtype=object)
    labels[test] = "test"
    with open(os.path.join(out, "bank_split.csv"), "w", newline="\n") as f:
        f.write("split\n")
        f.write("\n".join(labels))
        f.write("\n")

    feats = Features(df, train)
    xtr = feats.transform(df, train)
    xte = feats.transform(df, test)
    ytr, yte = y[train], y[test]

    results, preds = {}, {}
    for name, model in models().items():
        secs = fit_timed(model, xtr, ytr)
        p = np.asarray(model.predict_proba(xte)[:, 1], dtype=np.float64)
        preds[name] = p
        entry = {
            "estimator": type(model).__module__.split(".")[0] + "." + type(model).__name__,
            "params": {k: v for k, v in model.get_params().items()
                       if k in (LOGISTIC_PARAMS.keys() | FOREST_PARAMS.keys()
                                | BOOSTED_PARAMS.keys() | {"C", "l1_ratio", "solver", "tol",
                                                           "max_features", "criterion",
                                                           "min_samples_leaf", "bootstrap"})},
            "test_roc_auc": float(roc_auc_score(yte, p)),
            "fit_seconds": secs,
            "n_jobs": N_JOBS if name != "logistic" else None,
        }
        if name == "logistic":
            coef = model.coef_.ravel()
            z = xtr @ coef + model.intercept_[0]
            # sklearn's lbfgs objective for C=1: sum of per-row log-losses + 0.5*||w||^2
            # (intercept not penalised).
            nll = float(np.sum(np.logaddexp(0.0, z) - ytr * z))
            entry.update({
                "intercept": float(model.intercept_[0]),
                "coefficients": dict(zip(feats.names, map(float, coef))),
                "n_iter": int(model.n_iter_[0]),
                "train_objective": nll + 0.5 * float(coef @ coef),
                "train_log_loss_sum": nll,
            })
        results[name] = entry

    # How much the tree models' AUC moves with things that do not change the model class:
    # the order of the training rows and the column layout/scaling. A Rust port cannot
    # reproduce sklearn's or XGBoost's random streams, so this is the noise floor.
    sensitivity = {}
    srt = np.sort(train)
    x_sorted = feats.transform(df, srt)
    n_raw = df.loc[train, NUMERIC].to_numpy(np.float64)
    x_numfirst = np.hstack([n_raw, feats.ohe.transform(df.loc[train, CATEGORICAL])])
    xte_numfirst = np.hstack([df.loc[test, NUMERIC].to_numpy(np.float64),
                              feats.ohe.transform(df.loc[test, CATEGORICAL])])
    for name in ("forest", "boosted"):
        m = models()[name].fit(x_sorted, y[srt])
        a1 = float(roc_auc_score(yte, m.predict_proba(xte)[:, 1]))
        m = models()[name].fit(x_numfirst, ytr)
        a2 = float(roc_auc_score(yte, m.predict_proba(xte_numfirst)[:, 1]))
        sensitivity[name] = {"train_rows_in_file_order": a1,
                             "numerics_first_unscaled_then_one_hot": a2}

    # pred_test.csv
    with open(os.path.join(out, "pred_test.csv"), "w", newline="\n") as f:
        f.write("row_index,y,p_logistic,p_forest,p_boosted\n")
        for i, r in enumerate(test):
            f.write("%d,%d,%r,%r,%r\n" % (r, yte[i], float(preds["logistic"][i]),
                                          float(preds["forest"][i]), float(preds["boosted"][i])))

    # Re-read what was written, so the metrics are those of the shared inputs exactly.
    with open(os.path.join(out, "pred_test.csv")) as f:
        head = f.readline().strip().split(",")
        back = np.array([[float(v) for v in line.split(",")] for line in f])
    for name in preds:
        assert np.array_equal(back[:, head.index("p_" + name)], preds[name]), name
    assert np.array_equal(back[:, 0].astype(np.int64), test)

    versions = {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
        "xgboost": xgboost.__version__,
    }
    data = {
        # A label, not the path given: reference.json must not name a place on one machine.
        "file": (DEFAULT_BANK_LABEL if bank == os.path.abspath(DEFAULT_BANK)
                 else os.path.basename(bank) + " (given with --bank)"),
        "sha256": sha256(bank),
        "rows": int(len(y)),
        "positives": int(y.sum()),
    }
    reference = {
        "generated_by": "crates/crm-leadscore/tests/data/make_reference.py",
        "versions": versions,
        "data": data,
        "split": {
            "how": "sklearn.model_selection.train_test_split(numpy.arange(n), test_size=0.25, "
                   "stratify=y, random_state=42); bank_split.csv has one line per row of "
                   "bank-full.csv in file order (0-based row index = line number - 2)",
            "train_rows": int(len(train)),
            "test_rows": int(len(test)),
            "train_positives": int(ytr.sum()),
            "test_positives": int(yte.sum()),
        },
        "preprocessing": feats.describe(),
        "models": results,
        "sensitivity": sensitivity,
        "sensitivity_note": "test ROC-AUC of the same forest/XGBoost parameters when (a) the "
                            "train rows are fed in file order instead of train_test_split's "
                            "order, (b) the matrix is raw numerics first, then one-hot",
        "timing_note": "fit_seconds: one time.perf_counter() run of model.fit on the "
                       "preprocessed float64 train matrix on the machine that regenerated "
                       "this file; informational only (benches/compare/leadscore.sh measures "
                       "best-of-REPEAT). n_jobs=2 for the forest and XGBoost; logistic uses "
                       "the default BLAS threads.",
        "issue_anchors": {"logistic_auc": 0.7728, "forest_auc": 0.7925, "boosted_auc": 0.8066,
                          "logistic_fit_s": 0.35, "forest_fit_s": 5.4, "boosted_fit_s": 0.66},
    }
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")

    metrics = {
        "generated_by": "crates/crm-leadscore/tests/data/make_reference.py",
        "versions": versions,
        "conventions": {
            "input": "pred_test.csv: y and the p_* columns over the 11,303 test rows in "
                     "row_index order",
            "roc_auc": "sklearn roc_auc_score (trapezoid over the ROC curve = Mann-Whitney with "
                       "tied scores counted half)",
            "average_precision": "sklearn average_precision_score: sum_n (R_n - R_{n-1}) P_n "
                                 "over distinct thresholds (no interpolation); a tie group is "
                                 "one step",
            "log_loss": "sklearn log_loss: mean of -ln(clip(p, eps, 1-eps)) for y=1 and "
                        "-ln(clip(1-p, eps, 1-eps)) for y=0, eps = 2^-52 (float64 machine eps); "
                        "1-p is computed before clipping",
            "brier_score_loss": "mean((p - y)^2)",
            "threshold": "predict 1 when p >= 0.5; precision/recall/F1 with zero_division=0; "
                         "mcc = sklearn matthews_corrcoef",
            "ks": "max(tpr - fpr) over sklearn roc_curve(drop_intermediate=False) points; "
                  "ks_2samp = scipy.stats.ks_2samp(p[y==1], p[y==0]).statistic (two-sided, "
                  "max |F1 - F0|); ks_agree_abs_diff shows they agree",
            "deciles": "stable sort by -p (ties keep row_index order), numpy.array_split of that "
                       "order into 10 groups (the first n % 10 groups get one extra row); "
                       "rate = positives/count, lift = rate / overall rate, capture = "
                       "cumulative positives / all positives, cum_lift = (cum positives / "
                       "cum count) / overall rate; a tie group may straddle a decile edge",
            "psi": "bins from the expected sample: edges = numpy.quantile(expected, "
                   "[0.1..0.9]) (default linear interpolation); 10 right-closed bins "
                   "(-inf,e1], (e1,e2], ..., (e9,+inf) (searchsorted side='left'); proportions "
                   "= count / sample size, each floored at 1e-4 (max(p, 1e-4), no "
                   "renormalisation); PSI = sum((a - e) * ln(a / e)), a = actual, e = expected",
        },
        "models": {name: model_metrics(yte, preds[name]) for name in preds},
        "synthetic": synthetic_cases(),
        "psi": psi_examples(),
    }
    with open(os.path.join(out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=1)
        f.write("\n")

    for name, r in results.items():
        print("%-8s auc %.6f fit %.3f s" % (name, r["test_roc_auc"], r["fit_seconds"]))


if __name__ == "__main__":
    sys.exit(main())
