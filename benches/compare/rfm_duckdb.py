#!/usr/bin/env python3
"""The DuckDB peer of `crm rfm`: what rfm_pandas.py computes, as one SQL query.

Usage: rfm_duckdb.py IN.csv|IN.parquet OUT.csv|OUT.parquet [--as-of YYYY-MM-DD] [--ids str|int]
                     [--invoices distinct|first] [--explain]

One statement, `COPY (...) TO`, from read_csv (or read_parquet, by the input's extension) to
the output (CSV with a header, or Parquet with Snappy, by the output's extension), on DuckDB's
default thread count (every core):

- the columns typed as rfm_pandas.py reads them: customer_id and invoice_id VARCHAR (--ids
  str) or BIGINT (--ids int: what DuckDB's sniffer infers for the integer spelling), date
  DATE, amount DOUBLE; rows dated after --as-of dropped;
- GROUP BY customer_id: recency_days = as_of - max(date) (days), frequency =
  count(DISTINCT invoice_id), monetary = round(sum(amount), 2), first/last purchase;
  --invoices first groups by (customer_id, invoice_id) first and then counts the invoices
  of each customer with count(*) (the same figures; the other way an analyst writes a
  distinct count, faster on some engines);
- scores 1..5: thresholds t_i = quantile_cont(x, i/5), i = 1..4 (linear interpolation, the
  rule of pandas' Series.quantile), raw = 1 + number of t_i strictly below the value;
  r_score = 6 - raw, f_score and m_score = raw, rfm_score = 100 R + 10 F + M;
- segment: the R `rfm` rule table of rfm_pandas.py as one CASE (first match wins, ranges
  inclusive, else 'Others');
- rows ordered by customer_id, as rfm_pandas.py writes them; dates written as YYYY-MM-DD.

Prints `timing read=n/a compute=n/a write=n/a total=<s> query=<s> customers=<n> threads=<n>`
on stdout: the engine reads, computes and writes in one pipeline, so it has no phases; query
is the COPY statement, total from the first line of the script (imports included); customers
is the row count COPY reports. --explain prints the plan instead.
"""

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import sys  # noqa: E402

import duckdb  # noqa: E402

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


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def source(path: str, ids: str) -> str:
    if path.lower().endswith(".parquet"):
        return f"read_parquet({sql_str(path)})"
    id_type = "BIGINT" if ids == "int" else "VARCHAR"
    columns = (
        f"{{'customer_id': '{id_type}', 'invoice_id': '{id_type}', "
        "'date': 'DATE', 'amount': 'DOUBLE'}"
    )
    return f"read_csv({sql_str(path)}, header = true, delim = ',', columns = {columns})"


def target(path: str) -> str:
    if path.lower().endswith(".parquet"):
        return f"{sql_str(path)} (FORMAT parquet, COMPRESSION snappy)"
    return f"{sql_str(path)} (FORMAT csv, HEADER true, DELIMITER ',', DATEFORMAT '%Y-%m-%d')"


def score(col: str) -> str:
    """1 + the number of quintile thresholds strictly below `col` (q is a 4-element list)."""
    return "1 + " + " + ".join(f"({col} > q_{col}[{i}])::INTEGER" for i in range(1, 5))


def query(inp: str, out: str, as_of: str, ids: str, invoices: str) -> str:
    segment = "\n".join(
        f"            WHEN r_score BETWEEN {rl} AND {rh} AND f_score BETWEEN {fl} AND {fh}"
        f" AND m_score BETWEEN {ml} AND {mh} THEN {sql_str(name)}"
        for name, (rl, rh), (fl, fh), (ml, mh) in SEGMENTS
    )
    quintiles = "[0.2, 0.4, 0.6, 0.8]"
    if invoices == "first":
        features = f"""invoices AS (
        SELECT customer_id, invoice_id, min(date) AS first_date, max(date) AS last_date,
               sum(amount) AS amount
        FROM {source(inp, ids)}
        WHERE date <= DATE '{as_of}'
        GROUP BY customer_id, invoice_id
    ),
    features AS (
        SELECT
            customer_id,
            DATE '{as_of}' - max(last_date) AS recency_days,
            count(*) AS frequency,
            round(sum(amount), 2) AS monetary,
            min(first_date) AS first_purchase,
            max(last_date) AS last_purchase
        FROM invoices
        GROUP BY customer_id
    ),"""
    else:
        features = f"""features AS (
        SELECT
            customer_id,
            DATE '{as_of}' - max(date) AS recency_days,
            count(DISTINCT invoice_id) AS frequency,
            round(sum(amount), 2) AS monetary,
            min(date) AS first_purchase,
            max(date) AS last_purchase
        FROM {source(inp, ids)}
        WHERE date <= DATE '{as_of}'
        GROUP BY customer_id
    ),"""
    return f"""
COPY (
    WITH {features}
    thresholds AS (
        SELECT
            quantile_cont(recency_days, {quintiles}) AS q_recency_days,
            quantile_cont(frequency, {quintiles}) AS q_frequency,
            quantile_cont(monetary, {quintiles}) AS q_monetary
        FROM features
    ),
    scored AS (
        SELECT
            features.*,
            6 - ({score("recency_days")}) AS r_score,
            {score("frequency")} AS f_score,
            {score("monetary")} AS m_score
        FROM features, thresholds
    )
    SELECT
        customer_id, recency_days, frequency, monetary, r_score, f_score, m_score,
        100 * r_score + 10 * f_score + m_score AS rfm_score,
        CASE
{segment}
            ELSE 'Others'
        END AS segment,
        first_purchase, last_purchase
    FROM scored
    ORDER BY customer_id
) TO {target(out)}
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--as-of", default="2026-01-01")
    ap.add_argument("--ids", choices=["str", "int"], default="str")
    ap.add_argument("--invoices", choices=["distinct", "first"], default="distinct")
    ap.add_argument("--explain", action="store_true")
    a = ap.parse_args()
    sql = query(a.input, a.output, a.as_of, a.ids, a.invoices)

    con = duckdb.connect()  # in memory; threads = every core by default
    if a.explain:
        for row in con.sql("EXPLAIN " + sql.replace("COPY (", "", 1).rsplit(") TO", 1)[0]).fetchall():
            print(row[-1])
        return 0
    t1 = time.perf_counter()
    customers = con.execute(sql).fetchone()[0]  # COPY returns the number of rows written
    t2 = time.perf_counter()
    print(
        f"timing read=n/a compute=n/a write=n/a total={t2 - T0:.3f} query={t2 - t1:.3f} "
        f"customers={customers} threads="
        f"{con.execute('SELECT current_setting(' + sql_str('threads') + ')').fetchone()[0]}",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
