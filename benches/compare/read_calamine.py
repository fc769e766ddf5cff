#!/usr/bin/env python3
"""Read every cell of the first sheet with python-calamine and count the non-empty ones.

Usage: read_calamine.py IN.xlsx

The peer of `excel-compare read IN`. Prints `read <seconds> cells=<non-empty cells>`.
"""

import argparse
import time

from python_calamine import CalamineWorkbook


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    args = parser.parse_args()

    start = time.perf_counter()
    rows = CalamineWorkbook.from_path(args.path).get_sheet_by_index(0).to_python()
    cells = sum(1 for row in rows for value in row if value is not None and value != "")
    print(f"read {time.perf_counter() - start:.3f} cells={cells}")


if __name__ == "__main__":
    main()
