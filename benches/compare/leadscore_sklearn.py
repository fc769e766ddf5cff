#!/usr/bin/env python3
"""scikit-learn / XGBoost side of benches/compare/leadscore.sh: fit, AUC and 1M-lead scoring.

Usage: python leadscore_sklearn.py BANK_FULL.csv SPLIT.csv
                                   [--model logistic|forest|boosted|all] [--score-rows 1000000]
                                   [--seed 0]

BANK_FULL.csv is UCI Bank Marketing bank-full.csv (`;`-separated); SPLIT.csv is
crates/crm-leadscore/tests/data/bank_split.csv (header `split`, one train/test line per row of
BANK_FULL.csv). The split is checked against train_test_split(arange(n), test_size=0.25,
stratify=y, random_state=42), and the train rows are fed to fit in that function's order,
exactly as crates/crm-leadscore/tests/data/make_reference.py does, so the AUCs equal
reference.json there.

Preprocessing (not timed), fitted on the train rows: drop `duration`; y = (y == "yes");
OneHotEncoder(handle_unknown="ignore") on job, marital, education, default, housing, loan,
contact, month, poutcome, then StandardScaler on age, balance, day, campaign, pdays, previous
(44 + 6 = 50 float64 columns). All three models get that matrix (the issue's "one-hot +
scaling").

  logistic  LogisticRegression(max_iter=1000)         (l2, C=1, lbfgs; default BLAS threads)
  forest    RandomForestClassifier(n_estimators=300, n_jobs=2, random_state=42)
  boosted   XGBClassifier(n_estimators=300, max_depth=5, learning_rate=0.05, subsample=0.8,
                          colsample_bytree=0.8, n_jobs=2, random_state=42, tree_method="hist")

For each model it times, with time.perf_counter, only `fit` on the train matrix, computes the
test ROC-AUC (sklearn roc_auc_score on predict_proba[:, 1]), then times only
`predict_proba` on a matrix of --score-rows rows (default 1,000,000) drawn with replacement from
the preprocessed test rows: numpy.random.default_rng(seed).integers(0, n_test, size=rows), seed
0 (the row matrix is built before the clock starts). It prints

    threads openmp=<n> blas=<n>
    model <name> fit <seconds> auc <value> score1m <seconds>

score1m is the seconds for --score-rows rows (1,000,000 unless changed). Floats by repr.
"""

import argparse
import sys
import time

import numpy as np
import pandas as pd
import xgboost
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_info

CATEGORICAL = ["job", "marital", "education", "default", "housing", "loan", "contact", "month",
               "poutcome"]
NUMERIC = ["age", "balance", "day", "campaign", "pdays", "previous"]
SEED = 42
N_JOBS = 2
MODELS = ("logistic", "forest", "boosted")


def make_model(name):
    if name == "logistic":
        return LogisticRegression(max_iter=1000)
    if name == "forest":
        return RandomForestClassifier(n_estimators=300, n_jobs=N_JOBS, random_state=SEED)
    return xgboost.XGBClassifier(n_estimators=300, max_depth=5, learning_rate=0.05,
                                 subsample=0.8, colsample_bytree=0.8, n_jobs=N_JOBS,
                                 random_state=SEED, tree_method="hist")


def pool_threads(api):
    n = [p["num_threads"] for p in threadpool_info() if p["user_api"] == api]
    return ",".join(str(v) for v in sorted(set(n))) if n else "none"


def load(bank, split_path):
    df = pd.read_csv(bank, sep=";")
    if "duration" not in df.columns or "y" not in df.columns:
        sys.exit("%s does not look like bank-full.csv" % bank)
    y = (df["y"] == "yes").to_numpy().astype(np.int64)
    split = pd.read_csv(split_path)["split"].to_numpy()
    if len(split) != len(df):
        sys.exit("%s has %d rows, %s has %d" % (split_path, len(split), bank, len(df)))
    if not set(split) <= {"train", "test"}:
        sys.exit("%s: split values must be train/test" % split_path)
    train, test = train_test_split(np.arange(len(y)), test_size=0.25, stratify=y,
                                   random_state=SEED)
    test = np.sort(test)
    if not np.array_equal(np.flatnonzero(split == "test"), test):
        sys.exit("%s is not train_test_split(test_size=0.25, stratify=y, random_state=42)"
                 % split_path)
    return df, y, train, test


def features(df, train, test):
    ohe = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    ohe.fit(df.loc[train, CATEGORICAL])
    scaler = StandardScaler().fit(df.loc[train, NUMERIC].to_numpy(np.float64))

    def transform(rows):
        c = ohe.transform(df.loc[rows, CATEGORICAL])
        n = scaler.transform(df.loc[rows, NUMERIC].to_numpy(np.float64))
        return np.ascontiguousarray(np.hstack([c, n]), dtype=np.float64)

    return transform(train), transform(test)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("bank")
    ap.add_argument("split")
    ap.add_argument("--model", choices=MODELS + ("all",), default="all")
    ap.add_argument("--score-rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    if a.score_rows < 1:
        sys.exit("--score-rows must be positive")

    df, y, train, test = load(a.bank, a.split)
    xtr, xte = features(df, train, test)
    ytr, yte = y[train], y[test]
    rng = np.random.default_rng(a.seed)
    xscore = np.ascontiguousarray(xte[rng.integers(0, len(test), size=a.score_rows)])

    print("threads openmp=%s blas=%s" % (pool_threads("openmp"), pool_threads("blas")),
          flush=True)
    for name in (MODELS if a.model == "all" else (a.model,)):
        model = make_model(name)
        t0 = time.perf_counter()
        model.fit(xtr, ytr)
        fit_s = time.perf_counter() - t0
        auc = float(roc_auc_score(yte, model.predict_proba(xte)[:, 1]))
        t0 = time.perf_counter()
        p = model.predict_proba(xscore)
        score_s = time.perf_counter() - t0
        assert p.shape == (a.score_rows, 2)
        print("model %s fit %.6f auc %r score1m %.6f" % (name, fit_s, auc, score_s), flush=True)


if __name__ == "__main__":
    sys.exit(main())
