#!/usr/bin/env python3
"""The Polars peer of `crm rfm`: what rfm_pandas.py computes, as one lazy query.

Usage: rfm_polars.py IN.csv|IN.parquet OUT.csv|OUT.parquet [--as-of YYYY-MM-DD] [--ids str|int]
                     [--invoices distinct|first] [--sink] [--explain]

A LazyFrame from scan_csv (or scan_parquet, by the input's extension), collected once and
written with write_csv (or write_parquet, Snappy, by the output's extension); --sink streams it
to sink_csv / sink_parquet instead (the sort needs every customer before the first row goes
out either way). Polars' default thread pool (every core):

- the columns typed as rfm_pandas.py reads them: customer_id and invoice_id String (--ids
  str) or Int64 (--ids int: what scan_csv infers for the integer spelling), date Date, amount
  Float64; rows dated after --as-of dropped;
- group_by customer_id: recency_days = (as_of - max(date)) in days, frequency = n_unique
  invoice_id, monetary = sum(amount).round(2), first/last purchase; --invoices first
  groups by (customer_id, invoice_id) first and then counts the invoices of each customer
  with len() (the same figures; the other way an analyst writes a distinct count, faster on
  some engines);
- scores 1..5: thresholds t_i = quantile(i/5, "linear") (the rule of pandas'
  Series.quantile), raw = 1 + number of t_i strictly below the value; r_score = 6 - raw,
  f_score and m_score = raw, rfm_score = 100 R + 10 F + M;
- segment: the R `rfm` rule table of rfm_pandas.py as one when/then chain (first match wins,
  ranges inclusive, otherwise "Others");
- rows sorted by customer_id, as rfm_pandas.py writes them; dates written as YYYY-MM-DD.

Prints `timing read=n/a compute=<s> write=<s> total=<s> customers=<n> threads=<n>` on stdout:
the lazy engine reads while it aggregates, so compute is scan + group_by + scores + segments
(collect) and write the writer alone; with --sink everything is one pipeline and compute and
write are n/a too. total from the first line of the script (imports included).
"""

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import sys  # noqa: E402

import polars as pl  # noqa: E402

# The rule table of rfm_pandas.py: name, (R lo, hi), (F lo, hi), (M lo, hi); first match wins.
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


def scan(path: str, ids: str) -> pl.LazyFrame:
    if path.lower().endswith(".parquet"):
        return pl.scan_parquet(path)
    id_type = pl.Int64 if ids == "int" else pl.String
    return pl.scan_csv(
        path,
        schema={
            "customer_id": id_type, "invoice_id": id_type, "date": pl.Date,
            "amount": pl.Float64,
        },
    )


def quintile_score(col: str) -> pl.Expr:
    """1 + the number of quintile thresholds (20/40/60/80 %) strictly below each value."""
    x = pl.col(col)
    raw = pl.lit(1, dtype=pl.Int32)
    for q in (0.2, 0.4, 0.6, 0.8):
        raw = raw + (x > x.quantile(q, interpolation="linear")).cast(pl.Int32)
    return raw


def in_range(col: str, lo: int, hi: int) -> pl.Expr:
    return pl.col(col).is_between(lo, hi, closed="both")


def rfm(lf: pl.LazyFrame, as_of: dt.date, invoices: str = "distinct") -> pl.LazyFrame:
    lf = lf.filter(pl.col("date") <= as_of)
    if invoices == "first":
        features = (
            lf.group_by("customer_id", "invoice_id")
            .agg(
                last_date=pl.col("date").max(),
                first_date=pl.col("date").min(),
                amount=pl.col("amount").sum(),
            )
            .group_by("customer_id")
            .agg(
                last_purchase=pl.col("last_date").max(),
                first_purchase=pl.col("first_date").min(),
                frequency=pl.len(),
                monetary=pl.col("amount").sum().round(2),
            )
        )
    else:
        features = lf.group_by("customer_id").agg(
            last_purchase=pl.col("date").max(),
            first_purchase=pl.col("date").min(),
            frequency=pl.col("invoice_id").n_unique(),
            monetary=pl.col("amount").sum().round(2),
        )
    features = features.with_columns(
        recency_days=(pl.lit(as_of) - pl.col("last_purchase")).dt.total_days()
    )
    scored = features.with_columns(
        r_score=6 - quintile_score("recency_days"),
        f_score=quintile_score("frequency"),
        m_score=quintile_score("monetary"),
    ).with_columns(rfm_score=100 * pl.col("r_score") + 10 * pl.col("f_score") + pl.col("m_score"))
    segment = None
    for name, (rl, rh), (fl, fh), (ml, mh) in SEGMENTS:
        cond = in_range("r_score", rl, rh) & in_range("f_score", fl, fh) & in_range("m_score", ml, mh)
        segment = pl.when(cond).then(pl.lit(name)) if segment is None else segment.when(cond).then(pl.lit(name))
    return (
        scored.with_columns(segment=segment.otherwise(pl.lit("Others")))
        .sort("customer_id")
        .select(COLUMNS)
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--as-of", default="2026-01-01")
    ap.add_argument("--ids", choices=["str", "int"], default="str")
    ap.add_argument("--invoices", choices=["distinct", "first"], default="distinct")
    ap.add_argument("--sink", action="store_true")
    ap.add_argument("--explain", action="store_true")
    a = ap.parse_args()
    as_of = dt.date.fromisoformat(a.as_of)
    lf = rfm(scan(a.input, a.ids), as_of, a.invoices)
    parquet_out = a.output.lower().endswith(".parquet")

    if a.explain:
        print(lf.explain())
        return 0
    t1 = time.perf_counter()
    if a.sink:
        if parquet_out:
            lf.sink_parquet(a.output, compression="snappy")
        else:
            lf.sink_csv(a.output, date_format="%Y-%m-%d")
        t3 = time.perf_counter()
        compute = write = "n/a"
        customers = "n/a"
    else:
        out = lf.collect()
        t2 = time.perf_counter()
        if parquet_out:
            out.write_parquet(a.output, compression="snappy")
        else:
            out.write_csv(a.output, date_format="%Y-%m-%d")
        t3 = time.perf_counter()
        compute, write = f"{t2 - t1:.3f}", f"{t3 - t2:.3f}"
        customers = out.height
    print(
        f"timing read=n/a compute={compute} write={write} total={t3 - T0:.3f} "
        f"customers={customers} threads={pl.thread_pool_size()}",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
