#!/usr/bin/env python3
"""Check the two repaired outputs of the REPAIR comparison against each other.

Usage: check_repair.py RUST.csv PY.txt EXPECTED_RECORDS [--rows N]

RUST.csv is `crm txt repair`'s CSV (fields may be quoted), PY.txt the pipe-delimited output of
repair_buffer_join.py. Both must hold EXPECTED_RECORDS records (the header line included) and
every record must be equal field for field (the Rust CSV parsed with the csv module, the
Python output split on '|'); --rows N compares only the first N, for a quick look (excel.sh
compares all). Exits 1 on a mismatch. Prints `check-repair <seconds> records=<N> compared=<N>`.
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
    parser.add_argument("--rows", type=int, default=None,
                        help="compare only the first N records field by field (default: all)")
    args = parser.parse_args()

    start = time.perf_counter()
    compared = rust_records = py_records = 0
    with (
        open(args.rust_csv, encoding="utf-8", newline="") as rust,
        open(args.py_txt, encoding="utf-8", newline="\n") as py,
    ):
        # zip_longest, not zip: zip drops the record it read from the longer side when the
        # shorter one ends, which would hide one extra record from the count below.
        for rust_row, py_line in itertools.zip_longest(csv.reader(rust), py):
            rust_records += rust_row is not None
            py_records += py_line is not None
            if rust_row is None or py_line is None:
                continue
            if args.rows is not None and compared >= args.rows:
                continue
            py_row = py_line.rstrip("\r\n").split("|")
            if rust_row != py_row:
                sys.exit(
                    f"check-repair: record {compared + 1} differs:\n"
                    f"  {args.rust_csv}: {rust_row}\n  {args.py_txt}: {py_row}"
                )
            compared += 1
    if rust_records != args.expected or py_records != args.expected:
        sys.exit(
            f"check-repair: expected {args.expected} records (header included), "
            f"got {rust_records} in {args.rust_csv} and {py_records} in {args.py_txt}"
        )
    want = args.expected if args.rows is None else min(args.rows, args.expected)
    if compared != want:
        sys.exit(f"check-repair: compared {compared} records, expected to compare {want}")
    print(
        f"check-repair {time.perf_counter() - start:.3f} records={rust_records} compared={compared}"
    )


if __name__ == "__main__":
    main()
