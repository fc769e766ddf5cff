#!/usr/bin/env python3
"""pyarrow's side of crm-arrow's Parquet tests (tests/pyarrow.rs).

    pyarrow_peer.py write OUT.parquet   writes the transactions of tests/data/tx.csv with
                                        real Parquet types (see TYPES), Snappy-compressed
                                        as pyarrow does by default
    pyarrow_peer.py read IN.parquet     reads a file crm wrote and prints its schema and
                                        rows as JSON: {"types": {...}, "rows": [...]}

tests/data/tx-pyarrow.parquet was written by `write` (pyarrow as pinned in
requirements-pyarrow.txt); rerun it after changing tests/data/tx.csv.
"""
import csv
import datetime
import decimal
import json
import pathlib
import sys

import pyarrow as pa
import pyarrow.parquet as pq

HERE = pathlib.Path(__file__).parent
TYPES = pa.schema(
    [
        ("customer_id", pa.string()),
        ("date", pa.date32()),
        ("paid_at", pa.timestamp("us")),
        ("amount", pa.float64()),
        ("amount_dec", pa.decimal128(14, 2)),
        ("invoice", pa.int64()),
        ("store", pa.dictionary(pa.int32(), pa.string())),
    ]
)


def write(out):
    with open(HERE / "data" / "tx.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    cols = {name: [] for name in TYPES.names}
    for r in rows:
        day = datetime.date.fromisoformat(r["date"]) if r["date"] else None
        cols["customer_id"].append(r["customer_id"] or None)
        cols["date"].append(day)
        cols["paid_at"].append(datetime.datetime.combine(day, datetime.time(13, 45)) if day else None)
        cols["amount"].append(float(r["amount"]) if r["amount"] else None)
        cols["amount_dec"].append(decimal.Decimal(r["amount"]) if r["amount"] else None)
        cols["invoice"].append(int(r["invoice"]) if r["invoice"] else None)
        cols["store"].append(r["store"] or None)
    table = pa.table({k: pa.array(v, type=TYPES.field(k).type) for k, v in cols.items()})
    pq.write_table(table, out)


def read(path):
    table = pq.read_table(path)
    types = {f.name: str(f.type) for f in table.schema}
    nullable = [f.name for f in table.schema if f.nullable]

    def plain(v):
        if isinstance(v, datetime.date):
            return v.isoformat()
        return v

    rows = [{k: plain(v) for k, v in row.items()} for row in table.to_pylist()]
    json.dump({"types": types, "nullable": nullable, "rows": rows}, sys.stdout)


if __name__ == "__main__":
    {"write": write, "read": read}[sys.argv[1]](sys.argv[2])
