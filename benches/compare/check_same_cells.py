#!/usr/bin/env python3
"""Check that two workbooks hold the same cell values in their first sheet.

Usage: check_same_cells.py A.xlsx B.xlsx [--rows N]

Used by excel.sh to prove the XlsxWriter peer wrote the same table as the Rust writer (both
read with python-calamine; values compared after calamine's typing: numbers as floats, dates as
datetime.date, text as str). Checks the sheet sizes, then compares every row (--rows N: only
the first N, for a quick look; excel.sh compares all). Exits 1 on the first difference, and
unless --rows was given, when fewer rows were compared than the sheet holds. Prints
`check-cells <seconds> rows=<compared> total=<rows>`.
"""

import argparse
import itertools
import sys
import time

from python_calamine import CalamineWorkbook


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--rows", type=int, default=None, help="compare only the first N rows")
    args = parser.parse_args()

    start = time.perf_counter()
    sheet_a = CalamineWorkbook.from_path(args.a).get_sheet_by_index(0)
    sheet_b = CalamineWorkbook.from_path(args.b).get_sheet_by_index(0)
    if sheet_a.height != sheet_b.height or sheet_a.width != sheet_b.width:
        sys.exit(
            f"check-cells: sizes differ: {args.a} is {sheet_a.height}x{sheet_a.width}, "
            f"{args.b} is {sheet_b.height}x{sheet_b.width}"
        )
    compared = 0
    pairs = itertools.islice(zip(sheet_a.iter_rows(), sheet_b.iter_rows()), args.rows)
    for index, (row_a, row_b) in enumerate(pairs):
        if row_a != row_b:
            sys.exit(
                f"check-cells: row {index + 1} differs:\n  {args.a}: {row_a}\n  {args.b}: {row_b}"
            )
        compared += 1
    if args.rows is None and compared != sheet_a.height:
        sys.exit(f"check-cells: compared {compared} rows of {sheet_a.height}")
    print(f"check-cells {time.perf_counter() - start:.3f} rows={compared} total={sheet_a.height}")


if __name__ == "__main__":
    main()
