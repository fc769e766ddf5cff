#!/usr/bin/env python3
"""Check the two repaired outputs of the REPAIR comparison against each other.

Usage: check_repair.py RUST.csv PY.txt EXPECTED_RECORDS [--rows N]

RUST.csv is `crm txt repair`'s CSV (fields may be quoted), PY.txt the pipe-delimited output of
repair_buffer_join.py. Both must hold EXPECTED_RECORDS records (the header line included) and
the first N rows (default 200000) must be equal field for field (the Rust CSV parsed with the
csv module, the Python output split on '|'). Exits 1 on a mismatch. Prints
`check-repair <seconds> records=<N> compared=<N>`.
"""

import argparse
import csv
import itertools
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rust_csv")
    parser.add_argument("py_txt")
    parser.add_argument("expected", type=int, help="records expected in each, header included")
    parser.add_argument("--rows", type=int, default=200_000, help="rows compared field by field")
    args = parser.parse_args()

    start = time.perf_counter()
    compared = 0
    with (
        open(args.rust_csv, encoding="utf-8", newline="") as rust,
        open(args.py_txt, encoding="utf-8", newline="") as py,
    ):
        rust_rows = csv.reader(rust)
        for rust_row, py_line in itertools.islice(zip(rust_rows, py), args.rows):
            py_row = py_line.rstrip("\r\n").split("|")
            if rust_row != py_row:
                sys.exit(
                    f"check-repair: record {compared + 1} differs:\n"
                    f"  {args.rust_csv}: {rust_row}\n  {args.py_txt}: {py_row}"
                )
            compared += 1
        rust_records = compared + sum(1 for _ in rust_rows)
    with open(args.py_txt, "rb") as py:
        py_records = sum(1 for _ in py)
    if rust_records != args.expected or py_records != args.expected:
        sys.exit(
            f"check-repair: expected {args.expected} records (header included), "
            f"got {rust_records} in {args.rust_csv} and {py_records} in {args.py_txt}"
        )
    if compared < min(args.rows, args.expected):
        sys.exit(f"check-repair: compared only {compared} rows")
    print(
        f"check-repair {time.perf_counter() - start:.3f} records={rust_records} compared={compared}"
    )


if __name__ == "__main__":
    main()
