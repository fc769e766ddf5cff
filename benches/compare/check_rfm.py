#!/usr/bin/env python3
"""Checks that RFM outputs agree (rfm.sh: `crm rfm` against the pandas, DuckDB and Polars peers).

Usage: check_rfm.py A B [C ...] [--customers N] [--show N]

Every file (CSV, or Parquet when its name ends in .parquet, read with pyarrow) must have the
columns customer_id, recency_days, frequency, monetary, r_score, f_score, m_score, rfm_score,
segment, first_purchase, last_purchase (in that order; extra columns are reported and
ignored), one row per customer, in any order (the peers sort by customer_id, crm writes
customers in order of their first transaction). Each of B, C, ... is compared with A
(rfm.sh passes crm's output as A), customer by customer. Checked: the same customers; the
integer columns and the segment exactly; monetary within 0.005; first/last purchase equal as
YYYY-MM-DD dates (a Parquet date or timestamp column is formatted so; other Parquet columns
are compared as their text); with --customers N, that every file holds exactly N customers
(rfm.sh passes the generator's count: every customer buys at least once, so two outputs
missing the same customers do not agree by accident). Prints a line per pair and the first
N (default 5) differences of each column; the last line is the verdict; exits 1 on any
difference.
"""

import argparse
import sys

import numpy as np
import pandas as pd

COLUMNS = [
    "customer_id", "recency_days", "frequency", "monetary", "r_score", "f_score", "m_score",
    "rfm_score", "segment", "first_purchase", "last_purchase",
]
INTS = ["recency_days", "frequency", "r_score", "f_score", "m_score", "rfm_score"]
DATES = ["first_purchase", "last_purchase"]
MONEY_TOL = 0.005


def read_parquet(path):
    """A Parquet output as text columns: dates as YYYY-MM-DD, everything else cast to string."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    cols = {}
    for name, col in zip(table.column_names, table.columns):
        t = col.type
        if pa.types.is_date(t) or pa.types.is_timestamp(t):
            col = pc.strftime(col, format="%Y-%m-%d")
        elif pa.types.is_dictionary(t):
            col = col.cast(pa.string())  # categorical segments: their labels
        elif not pa.types.is_string(t) and not pa.types.is_large_string(t):
            col = col.cast(pa.string())
        cols[name] = col.to_pandas().fillna("")
    return pd.DataFrame(cols)


def load(path, problems):
    if path.lower().endswith(".parquet"):
        df = read_parquet(path)
    else:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    cols = list(df.columns)
    missing = [c for c in COLUMNS if c not in cols]
    if missing:
        problems.append(f"{path}: missing columns {missing} (has {cols})")
        return None
    extra = [c for c in cols if c not in COLUMNS]
    if extra:
        print(f"note: {path}: extra columns ignored: {extra}")
    if [c for c in cols if c in COLUMNS] != COLUMNS:
        problems.append(f"{path}: columns out of order: {cols}")
    ids = df["customer_id"]
    if ids.duplicated().any():
        problems.append(f"{path}: {int(ids.duplicated().sum())} duplicate customer_id rows, "
                        f"e.g. {ids[ids.duplicated()].iloc[0]!r}")
    return df[COLUMNS]


def show(label, mask, a, b, col, n):
    idx = np.flatnonzero(mask)
    print(f"  {label}: {len(idx)} rows differ, first {min(n, len(idx))}:")
    for i in idx[:n]:
        print(f"    {a['customer_id'].iat[i]}: A={a[col].iat[i]!r} B={b[col].iat[i]!r}")


def compare(path_a, a, path_b, b, args):
    """The differences between outputs a and b (sorted by customer_id): a list of problems."""
    problems = []
    print(f"A {path_a}: {len(a)} customers; B {path_b}: {len(b)} customers")
    ids_a, ids_b = a["customer_id"], b["customer_id"]
    if len(ids_a) != len(ids_b) or not (ids_a.to_numpy() == ids_b.to_numpy()).all():
        set_a, set_b = set(ids_a), set(ids_b)
        only_a, only_b = sorted(set_a - set_b), sorted(set_b - set_a)
        if only_a or only_b:
            problems.append(f"customers only in A: {len(only_a)} {only_a[:args.show]}; "
                            f"only in B: {len(only_b)} {only_b[:args.show]}")
        common = set_a & set_b
        a = a[ids_a.isin(common)].reset_index(drop=True)
        b = b[ids_b.isin(common)].reset_index(drop=True)

    for col in INTS:
        va = pd.to_numeric(a[col], errors="coerce")
        vb = pd.to_numeric(b[col], errors="coerce")
        bad = (va != vb) | va.isna() | vb.isna() | (va % 1 != 0) | (vb % 1 != 0)
        if bad.any():
            problems.append(f"{col}: {int(bad.sum())} rows differ")
            show(col, bad.to_numpy(), a, b, col, args.show)

    bad = (a["segment"] != b["segment"]).to_numpy()
    if bad.any():
        problems.append(f"segment: {int(bad.sum())} rows differ")
        show("segment", bad, a, b, "segment", args.show)

    va = pd.to_numeric(a["monetary"], errors="coerce").to_numpy()
    vb = pd.to_numeric(b["monetary"], errors="coerce").to_numpy()
    diff = np.abs(va - vb)
    bad = ~(diff <= MONEY_TOL + 1e-9)  # NaN counts as a difference
    if bad.any():
        problems.append(f"monetary: {int(bad.sum())} rows differ by more than {MONEY_TOL}")
        show("monetary", bad, a, b, "monetary", args.show)
    max_diff = float(np.nanmax(diff)) if len(diff) else 0.0

    for col in DATES:
        da = pd.to_datetime(a[col], format="%Y-%m-%d", errors="coerce")
        db = pd.to_datetime(b[col], format="%Y-%m-%d", errors="coerce")
        bad = ((da != db) | da.isna() | db.isna()).to_numpy()
        if bad.any():
            problems.append(f"{col}: {int(bad.sum())} rows differ (or are not YYYY-MM-DD)")
            show(col, bad, a, b, col, args.show)

    if problems:
        for p in problems:
            print(f"  MISMATCH ({path_b} against {path_a}):", p)
    else:
        print(f"  ok: {len(a)} customers agree (monetary max |diff| {max_diff:.6f})")
    return problems, max_diff


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("a", help="the reference output (rfm.sh: crm's)")
    ap.add_argument("others", nargs="+", metavar="b", help="outputs to compare with A")
    ap.add_argument("--customers", type=int, default=None,
                    help="the number of customers every output must hold")
    ap.add_argument("--show", type=int, default=5)
    args = ap.parse_args()

    problems = []
    paths = [args.a] + args.others
    frames = [load(p, problems) for p in paths]
    if any(df is None for df in frames):
        for p in problems:
            print("MISMATCH:", p)
        return 1
    if args.customers is not None:
        for path, df in zip(paths, frames):
            if len(df) != args.customers:
                problems.append(f"{path}: {len(df)} customers, expected {args.customers}")

    # Compare customer by customer, whatever the row order.
    frames = [df.sort_values("customer_id", kind="stable").reset_index(drop=True)
              for df in frames]
    a = frames[0]
    max_diff = 0.0
    for path, b in zip(paths[1:], frames[1:]):
        found, diff = compare(args.a, a, path, b, args)
        problems += [f"{path}: {p}" for p in found]
        max_diff = max(max_diff, diff)

    if problems:
        for p in problems:
            print("MISMATCH:", p)
        print(f"MISMATCH: {len(problems)} problems over {len(paths)} outputs")
        return 1
    segments = a["segment"].value_counts()
    print(f"OK: {len(a)} customers agree in all {len(paths)} outputs (integers, segments and "
          f"dates exactly; monetary max |diff| {max_diff:.6f} <= {MONEY_TOL}); segments: "
          + ", ".join(f"{k} {v}" for k, v in segments.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
