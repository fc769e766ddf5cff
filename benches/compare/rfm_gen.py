#!/usr/bin/env python3
"""Seeded generator of a retail transaction log for the RFM peer comparison (rfm.sh).

Usage: rfm_gen.py N_LINES N_CUSTOMERS OUT.csv [--seed S] [--order date|customer] [--ids str|int]

Writes N_LINES invoice lines with the header `customer_id,invoice_id,date,amount`, e.g.

    C0412345,INV000000017,2023-01-01,187340.25     (--ids str, the default)
    412345,17,2023-01-01,187340.25                 (--ids int: the same numbers, no prefix
                                                    and no zero padding)

- Customers C0000001..C<N_CUSTOMERS>, each buying at least once. Activity is skewed: beyond
  the first purchase, invoices go to customers with lognormal weights (sigma 1.8), so about
  half the customers buy once and a few wholesale-like customers buy thousands of times.
- Invoices INV000000001.. hold 1-6 lines (40/22/14/10/8/6 %, mean ~2.4); the lines of one
  invoice share its customer and date and are written together.
- Dates (ISO YYYY-MM-DD) lie in 2023-01-01..2025-12-31: each customer is active from a
  uniform start day for an exponential lifetime (mean 1 year, cut at the end of the range),
  and its invoices fall uniformly in that window, so recency varies from days to years.
- Amounts are Rupiah-like per line: lognormal (median 150,000, sigma 1.0), clipped to
  10,000.00..5,000,000.00, written with two decimals.
- Row order (--order date, the default): by invoice date, as a POS/ERP export gives it;
  invoices of one day are in random order (customers interleaved) and invoice numbers rise
  with the date, so a reader meets the customers in no useful order. --order customer writes
  a per-customer ledger instead (customer, then date), with the same invoices but other
  amounts (amounts are drawn per line in file order).

Deterministic: the same arguments and seed give the same bytes (numpy default_rng(seed)); --ids
changes only how the ids are spelled, so both spellings hold the same transactions.
Vectorised numpy, written in chunks: 10M lines take well under a minute.
"""

import argparse
import sys
import time

import numpy as np

LINES_P = np.array([0.40, 0.22, 0.14, 0.10, 0.08, 0.06])  # 1..6 lines per invoice
DAY0 = np.datetime64("2023-01-01")
DAYS = int((np.datetime64("2025-12-31") - DAY0).astype(int)) + 1  # 1096
CHUNK = 1_000_000


def digits(values, width):
    """ASCII digits of non-negative ints, zero-padded to `width`: uint8 array (n, width)."""
    v = values.astype(np.int64, copy=True)
    out = np.empty((len(v), width), dtype=np.uint8)
    for k in range(width - 1, -1, -1):
        out[:, k] = v % 10 + 48
        v //= 10
    return out


def blank_leading_zeros(cells, values, width):
    """NUL out the leading zeros of `values` written by digits() into `cells` (n, width); at
    least one digit stays. Exact integer comparisons, no log10."""
    ndig = np.ones(len(values), dtype=np.int64)
    for k in range(1, width):
        ndig += values >= 10**k
    lead = np.arange(width)[None, :] < (width - ndig)[:, None]
    cells[lead] = 0


def line_counts(rng, n_lines, n_invoices):
    """Lines per invoice (1..6) for n_invoices invoices, summing exactly to n_lines."""
    extra = rng.choice(6, size=n_invoices, p=LINES_P)  # lines beyond the first
    need = n_lines - n_invoices
    have = int(extra.sum())
    if have > need:  # take back (have - need) extra lines, uniformly among them
        drop = rng.choice(have, size=have - need, replace=False)
        owner = np.searchsorted(np.cumsum(extra), drop, side="right")
        extra -= np.bincount(owner, minlength=n_invoices)
    elif have < need:  # add (need - have) lines to invoices that have room left
        room = 5 - extra
        add = rng.choice(int(room.sum()), size=need - have, replace=False)
        owner = np.searchsorted(np.cumsum(room), add, side="right")
        extra += np.bincount(owner, minlength=n_invoices)
    return 1 + extra


def generate(n_lines, n_customers, seed, by_customer):
    rng = np.random.default_rng(seed)
    mean_lines = float((np.arange(1, 7) * LINES_P).sum())
    n_invoices = min(n_lines, max(n_customers, round(n_lines / mean_lines)))
    lines = line_counts(rng, n_lines, n_invoices)

    # Customer of each invoice: every customer once, the rest by skewed weights.
    weight = rng.lognormal(0.0, 1.8, size=n_customers)
    cust = np.concatenate([
        rng.permutation(n_customers),
        rng.choice(n_customers, size=n_invoices - n_customers, p=weight / weight.sum()),
    ])

    # Date of each invoice: uniform within the customer's active window.
    start = rng.integers(0, DAYS, size=n_customers)
    life = rng.exponential(365.0, size=n_customers).astype(np.int64)
    end = np.minimum(start + life, DAYS - 1)
    span = (end - start + 1)[cust]
    day = start[cust] + (rng.random(n_invoices) * span).astype(np.int64)

    # Invoice numbers follow the date (random within a day).
    order = np.lexsort((rng.random(n_invoices), day))
    cust, day, lines = cust[order], day[order], lines[order]
    inv = np.arange(n_invoices, dtype=np.int64)
    if by_customer:  # a per-customer ledger: customer, then date and invoice number
        order = np.lexsort((inv, cust))
        cust, day, lines, inv = cust[order], day[order], lines[order], inv[order]

    pos = np.repeat(np.arange(n_invoices, dtype=np.int64), lines)
    line_cust, line_day, line_inv = cust[pos], day[pos], inv[pos]
    del pos
    amount = rng.lognormal(np.log(150_000.0), 1.0, size=n_lines)
    cents = np.clip(np.rint(amount * 100), 1_000_000, 500_000_000).astype(np.int64)
    return line_cust, line_day, line_inv, cents, n_invoices


def write(path, cust, day, line_inv, cents, n_customers, n_invoices, int_ids=False):
    cw = max(7, len(str(n_customers)))
    iw = max(9, len(str(n_invoices)))
    dates = np.array(
        [list(str(DAY0 + d).encode()) for d in range(DAYS)], dtype=np.uint8
    )  # (DAYS, 10)
    aw = 7  # integer digits of the amount, at most 5,000,000
    # Row layout: C<cw>,INV<iw>,YYYY-MM-DD,<amount right-aligned in aw+3>\n; the padding of
    # the amount is NUL and squeezed out before writing (with int_ids, so are the prefixes
    # and the leading zeros of both ids).
    c0 = 0
    i0 = c0 + 1 + cw + 1
    d0 = i0 + 3 + iw + 1
    a0 = d0 + 10 + 1
    width = a0 + aw + 3 + 1
    template = np.zeros(width, dtype=np.uint8)
    if not int_ids:
        template[c0] = ord("C")
        template[i0:i0 + 3] = np.frombuffer(b"INV", dtype=np.uint8)
    template[i0 - 1] = ord(",")
    template[d0 - 1] = ord(",")
    template[a0 - 1] = ord(",")
    template[a0 + aw] = ord(".")
    template[width - 1] = ord("\n")
    with open(path, "wb") as f:
        f.write(b"customer_id,invoice_id,date,amount\n")
        for s in range(0, len(line_inv), CHUNK):
            inv = line_inv[s:s + CHUNK] + 1
            c = cents[s:s + CHUNK]
            cid = cust[s:s + CHUNK] + 1
            m = np.empty((len(c), width), dtype=np.uint8)
            m[:] = template
            m[:, c0 + 1:c0 + 1 + cw] = digits(cid, cw)
            m[:, i0 + 3:i0 + 3 + iw] = digits(inv, iw)
            if int_ids:
                blank_leading_zeros(m[:, c0 + 1:c0 + 1 + cw], cid, cw)
                blank_leading_zeros(m[:, i0 + 3:i0 + 3 + iw], inv, iw)
            m[:, d0:d0 + 10] = dates[day[s:s + CHUNK]]
            whole = c // 100
            m[:, a0:a0 + aw] = digits(whole, aw)
            m[:, a0 + aw + 1:a0 + aw + 3] = digits(c % 100, 2)
            # Blank the leading zeros of the integer part (it has at least 5 digits).
            ndig = np.maximum(1, np.floor(np.log10(np.maximum(whole, 1))).astype(np.int64) + 1)
            lead = np.arange(aw)[None, :] < (aw - ndig)[:, None]
            m[:, a0:a0 + aw][lead] = 0
            flat = m.ravel()
            f.write(flat[flat != 0].tobytes())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n_lines", type=int)
    ap.add_argument("n_customers", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--order", choices=["date", "customer"], default="date")
    ap.add_argument("--ids", choices=["str", "int"], default="str",
                    help="C0000001/INV000000001 (str) or 1/1 (int)")
    a = ap.parse_args()
    if a.n_customers < 1 or a.n_lines < a.n_customers:
        sys.exit("rfm_gen.py: need 1 <= N_CUSTOMERS <= N_LINES")
    t0 = time.perf_counter()
    by_customer = a.order == "customer"
    cust, day, line_inv, cents, n_invoices = generate(a.n_lines, a.n_customers, a.seed, by_customer)
    t1 = time.perf_counter()
    write(a.out, cust, day, line_inv, cents, a.n_customers, n_invoices, a.ids == "int")
    t2 = time.perf_counter()
    print(
        f"gen lines={a.n_lines} customers={a.n_customers} invoices={n_invoices} "
        f"seed={a.seed} order={a.order} ids={a.ids} draw={t1 - t0:.2f} write={t2 - t1:.2f}"
    )


if __name__ == "__main__":
    main()
