#!/usr/bin/env python3
"""The pandas peer of `crm rfm`: RFM features, quintile scores and segments per customer.

Usage: rfm_pandas.py IN.csv OUT.csv [--as-of YYYY-MM-DD] [--ids str|int]

Written the way an analyst writes it in pandas (vectorised, no row loops):

- read_csv (ids as str, or as int64 with --ids int, for the integer spelling of rfm_gen.py
  --ids int; `date` parsed), rows dated after --as-of dropped;
- groupby customer_id: recency_days = (as_of - last purchase).days, frequency = distinct
  invoice_id, monetary = sum of amount (rounded to 2 decimals), first/last purchase;
- scores 1..5 from the quintile thresholds t_i = Series.quantile(i/5), i = 1..4 (linear
  interpolation, pandas' default): raw = 1 + number of thresholds strictly below the value
  (np.searchsorted side='left'); f_score, m_score = raw, r_score = 6 - raw (recent is good);
  rfm_score = 100 R + 10 F + M;
- segment: the rule table of the R `rfm` package vignette, first match wins, ranges
  inclusive, no match -> "Others" (np.select);
- CSV out: customer_id,recency_days,frequency,monetary,r_score,f_score,m_score,rfm_score,
  segment,first_purchase,last_purchase, sorted by customer_id.

Prints `timing read=<s> compute=<s> write=<s> total=<s> rows=<n> customers=<n>` on stdout:
compute = filter + groupby + scores + segments; total from the first line of the script
(imports included), so the process wall time adds only the interpreter start.
"""

import time

T0 = time.perf_counter()

import argparse  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

# name, (R lo, hi), (F lo, hi), (M lo, hi): first match wins.
SEGMENTS = [
    ("Champions", (5, 5), (5, 5), (5, 5)),
    ("Potential Loyalists", (3, 5), (3, 5), (2, 5)),
    ("Loyal Customers", (2, 4), (2, 4), (2, 4)),
    ("Promising", (3, 4), (1, 3), (3, 5)),
    ("New Customers", (4, 5), (1, 3), (1, 5)),
    ("Can't Lose Them", (1, 2), (3, 4), (4, 5)),
    ("At Risk", (1, 2), (2, 5), (4, 5)),
    ("Need Attention", (1, 3), (3, 5), (3, 5)),
    ("About To Sleep", (2, 3), (1, 3), (1, 4)),
    ("Lost", (1, 1), (1, 5), (1, 5)),
]

COLUMNS = [
    "customer_id", "recency_days", "frequency", "monetary", "r_score", "f_score", "m_score",
    "rfm_score", "segment", "first_purchase", "last_purchase",
]


def quintile_score(values: pd.Series) -> np.ndarray:
    """1 + the number of quintile thresholds (20/40/60/80 %) strictly below each value."""
    thresholds = values.quantile([0.2, 0.4, 0.6, 0.8]).to_numpy()
    return 1 + np.searchsorted(thresholds, values.to_numpy(), side="left")


def rfm(df: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    df = df[df["date"] <= as_of]
    out = df.groupby("customer_id", sort=True).agg(
        last_purchase=("date", "max"),
        first_purchase=("date", "min"),
        frequency=("invoice_id", "nunique"),
        monetary=("amount", "sum"),
    )
    out["recency_days"] = (as_of - out["last_purchase"]).dt.days
    out["monetary"] = out["monetary"].round(2)

    r = 6 - quintile_score(out["recency_days"])
    f = quintile_score(out["frequency"])
    m = quintile_score(out["monetary"])
    out["r_score"], out["f_score"], out["m_score"] = r, f, m
    out["rfm_score"] = 100 * r + 10 * f + m

    conditions = [
        (r >= rl) & (r <= rh) & (f >= fl) & (f <= fh) & (m >= ml) & (m <= mh)
        for _, (rl, rh), (fl, fh), (ml, mh) in SEGMENTS
    ]
    out["segment"] = np.select(conditions, [s[0] for s in SEGMENTS], default="Others")
    return out.reset_index()[COLUMNS]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--as-of", default="2026-01-01")
    ap.add_argument("--ids", choices=["str", "int"], default="str")
    a = ap.parse_args()
    id_type = "int64" if a.ids == "int" else str
    as_of = pd.Timestamp(a.as_of)

    t1 = time.perf_counter()
    df = pd.read_csv(
        a.input,
        dtype={"customer_id": id_type, "invoice_id": id_type, "amount": "float64"},
        parse_dates=["date"],
    )
    t2 = time.perf_counter()
    out = rfm(df, as_of)
    t3 = time.perf_counter()
    out.to_csv(a.output, index=False, date_format="%Y-%m-%d")
    t4 = time.perf_counter()
    print(
        f"timing read={t2 - t1:.3f} compute={t3 - t2:.3f} write={t4 - t3:.3f} "
        f"total={t4 - T0:.3f} rows={len(df)} customers={len(out)}",
        flush=True,
    )


if __name__ == "__main__":
    main()
